import { useEffect, useState } from "react";
import { fetchStatus, rows, summary, type StatusReport } from "./status";

const REFRESH_MS = 5000;

/** The live health of every service and Redis, refreshed every few seconds. */
export function StatusPage({ refreshMs = REFRESH_MS }: { refreshMs?: number }) {
  const [report, setReport] = useState<StatusReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        setReport(await fetchStatus(controller.signal));
        setError(null);
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
      }
      if (!controller.signal.aborted) timer = setTimeout(load, refreshMs);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [refreshMs]);

  return (
    <main className="status">
      <header className="page-head">
        <img src="/favicon.svg" alt="" width="24" height="24" />
        <h1>AI-Coder status</h1>
        <span className="spacer" />
        <a href="#">Back to the IDE</a>
      </header>
      {error && (
        <p role="alert" className="status-error">
          Cannot reach the gateway: {error}
        </p>
      )}
      {!report && !error && <p>Checking…</p>}
      {report && (
        <>
          <p className={report.status === "UP" ? "ok" : "bad"}>{summary(report)}</p>
          <table>
            <thead>
              <tr>
                <th>Component</th>
                <th>Status</th>
                <th>Version</th>
                <th>Response</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows(report).map((c) => (
                <tr key={c.name} data-testid={`status-${c.name}`}>
                  <td>{c.name}</td>
                  <td className={c.status === "UP" ? "ok" : "bad"}>
                    <span className="dot" aria-hidden="true" /> {c.status}
                  </td>
                  <td>{c.version ?? "—"}</td>
                  <td>{c.responseTimeMs} ms</td>
                  <td>{c.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Checked {new Date(report.checkedAt).toLocaleTimeString()}</p>
        </>
      )}
    </main>
  );
}
