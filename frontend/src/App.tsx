import { lazy, Suspense, useSyncExternalStore } from "react";
import { SignIn } from "./auth/SignIn";
import { getSession, subscribeSession } from "./auth/session";
import { noticeStore } from "./auth/sso";
import { Ide } from "./ide/Ide";
import { StatusPage } from "./status/StatusPage";
import { useStore } from "./store";

// A lazy chunk (with uPlot in one of its own): the first load of the IDE does not carry it.
const PerformancePage = lazy(() => import("./performance/PerformancePage"));
const AdminPage = lazy(() => import("./admin/AdminPage"));

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
      // The server decides who may see it (admins and team leads); the page says so to others.
      <Suspense fallback={null}>
        <PerformancePage key={session.token} />
      </Suspense>
    ) : session && hash === "#admin" ? (
      <Suspense fallback={null}>
        <AdminPage key={session.token} />
      </Suspense>
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
