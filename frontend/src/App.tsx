import { useSyncExternalStore } from "react";
import { SignIn } from "./auth/SignIn";
import { getSession, subscribeSession } from "./auth/session";
import { Ide } from "./ide/Ide";
import { StatusPage } from "./status/StatusPage";

function useHash() {
  return useSyncExternalStore(
    (cb) => {
      window.addEventListener("hashchange", cb);
      return () => window.removeEventListener("hashchange", cb);
    },
    () => location.hash,
  );
}

export function App() {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const hash = useHash();
  if (hash === "#status") return <StatusPage />;
  return session ? <Ide key={session.token} session={session} /> : <SignIn />;
}
