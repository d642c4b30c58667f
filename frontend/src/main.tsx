import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { showSignInError } from "./auth/SignIn";
import { handleSsoReturn } from "./auth/sso";
import "./ui/tokens.css";
import "./styles.css";
import "./ui/theme";

if (handleSsoReturn(location.hash, showSignInError)) {
  history.replaceState(null, "", location.pathname + location.search); // the token leaves the URL
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The web app's own numbers (Web Vitals, long tasks, render times) go to the metrics service; the
// reporter is loaded once the app is idle, so it costs the first load nothing.
const report = () => void import("./performance/vitals").then((m) => m.startReporting());
if ("requestIdleCallback" in window) requestIdleCallback(report);
else setTimeout(report, 3000);
