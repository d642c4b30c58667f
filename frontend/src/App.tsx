import { useSyncExternalStore } from "react";
import { SignIn } from "./auth/SignIn";
import { getSession, subscribeSession } from "./auth/session";
import { noticeStore } from "./auth/sso";
import { Ide } from "./ide/Ide";
import { StatusPage } from "./status/StatusPage";
import { useStore } from "./store";

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
  const notice = useStore(noticeStore, (n) => n);
  const page =
    hash === "#status" ? (
      <StatusPage />
    ) : session ? (
      <Ide key={session.token} session={session} />
    ) : (
      <SignIn />
    );
  return (
    <>
      {notice && (
        <div className="notice-bar" role="status">
          {notice}
          <button type="button" aria-label="Dismiss" onClick={() => noticeStore.set(() => null)}>
            ×
          </button>
        </div>
      )}
      {page}
    </>
  );
}
