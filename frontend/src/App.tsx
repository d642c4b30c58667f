import { lazy, Suspense, useSyncExternalStore } from "react";
import { SignIn } from "./auth/SignIn";
import { getSession, subscribeSession } from "./auth/session";
import { noticeStore } from "./auth/sso";
import { Ide } from "./ide/Ide";
import { canSeePerformance } from "./performance/access";
import { StatusPage } from "./status/StatusPage";
import { useStore } from "./store";

// A lazy chunk (with uPlot in one of its own): the first load of the IDE does not carry it.
const PerformancePage = lazy(() => import("./performance/PerformancePage"));

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
    ) : session && hash === "#performance" ? (
      canSeePerformance(session.role) ? (
        <Suspense fallback={<p className="status">Loading…</p>}>
          <PerformancePage key={session.token} />
        </Suspense>
      ) : (
        <main className="status">
          <p role="alert">The performance page is for admins and team leads.</p>
          <a href="#">Back to the IDE</a>
        </main>
      )
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
