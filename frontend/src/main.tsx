import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { fromFragment, setSession } from "./auth/session";
import { showSignInError } from "./auth/SignIn";
import "./styles.css";

const sso = fromFragment(location.hash);
if (sso) {
  history.replaceState(null, "", location.pathname + location.search); // the token leaves the URL
  if ("session" in sso) setSession(sso.session);
  else showSignInError(sso.error);
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
