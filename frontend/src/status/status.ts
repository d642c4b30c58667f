/** One service (or Redis) as GET /api/status reports it. */
export interface ComponentStatus {
  name: string;
  status: "UP" | "DOWN";
  version?: string;
  responseTimeMs: number;
  detail?: string;
}

/** The whole answer of GET /api/status. */
export interface StatusReport {
  status: "UP" | "DEGRADED";
  checkedAt: string;
  services: ComponentStatus[];
  redis: ComponentStatus;
}

/** Every row the status page shows: the services, then Redis. */
export function rows(report: StatusReport): ComponentStatus[] {
  return [...report.services, report.redis];
}

/** A one-line summary for the page header. */
export function summary(report: StatusReport): string {
  const all = rows(report);
  const down = all.filter((c) => c.status !== "UP").map((c) => c.name);
  return down.length === 0
    ? `All ${all.length} components are up`
    : `${down.length} of ${all.length} down: ${down.join(", ")}`;
}

/** Fetches the status; a failed request is an error the page shows, not a crash. */
export async function fetchStatus(signal?: AbortSignal): Promise<StatusReport> {
  const response = await fetch("/api/status", { signal, headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new Error(`The gateway answered HTTP ${response.status}`);
  }
  return (await response.json()) as StatusReport;
}
