import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { showSignInError } from "./auth/SignIn";
import { handleSsoReturn } from "./auth/sso";
import "./styles.css";

if (handleSsoReturn(location.hash, showSignInError)) {
  history.replaceState(null, "", location.pathname + location.search); // the token leaves the URL
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
