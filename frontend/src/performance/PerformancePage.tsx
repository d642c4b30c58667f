import { memo, useEffect, useMemo, useState } from "react";
import { apiJson } from "../api/client";
import { getSession, sessionSignal, setSession } from "../auth/session";
import { useStore } from "../store";
import { Icon } from "../ui/Icon";
import { PerfContext, usePerfStore } from "./context";
import { FigureChart } from "./FigureChart";
import { browserUnit, formatValue, trendArrow } from "./format";
import { followLive } from "./live";
import {
  applySnapshot,
  createPerfStore,
  RANGES,
  selectActiveAlerts,
  selectAt,
  selectBrowser,
  selectFigures,
  selectGroups,
  selectInstanceNames,
  selectValue,
  trendKey,
  type PerfState,
} from "./perfStore";
import type { Alert, AlertList, Figure, Group, Trend, Unit } from "./types";
import { useRenderTime } from "./renderTime";

const ARROW_CLASS = { up: "up", down: "down", flat: "flat" } as const;

function TrendMark({ trend, unit }: { trend: Trend | undefined; unit: Unit }) {
  const mark = trendArrow(trend, unit);
  if (!mark || !trend) return null;
  return (
    <span
      className={`trend ${ARROW_CLASS[trend.direction]}`}
      title={mark.title}
      data-trend={trend.direction}
    >
      {mark.arrow}
    </span>
  );
}

/** One live value; re-renders only when its own number (or trend) changes. */
export const ValueCell = memo(function ValueCell({
  figure,
  service,
  instance,
  unit,
}: {
  figure: string;
  service: string;
  instance: string | null;
  unit: Unit;
}) {
  const store = usePerfStore();
  const value = useStore(store, (s) => selectValue(s, figure, service, instance));
  const trend = useStore(store, (s) =>
    instance === null
      ? serviceTrend(s, figure, service)
      : s.trends[trendKey(figure, service, instance)],
  );
  return (
    <td
      className="num"
      data-testid="perf-value"
      data-figure={figure}
      data-service={service}
      data-instance={instance ?? undefined}
      data-value={value ?? ""}
    >
      {formatValue(value, unit)} <TrendMark trend={trend} unit={unit} />
    </td>
  );
});

/** A service's trend: its instances' when they all point the same way. */
function serviceTrend(state: PerfState, figure: string, service: string): Trend | undefined {
  const names = selectInstanceNames(state, service).split("\n").filter(Boolean);
  const trends = names.map((n) => state.trends[trendKey(figure, service, n)]);
  if (!trends.length || trends.some((t) => !t || t.direction !== trends[0]!.direction))
    return undefined;
  return trends[0];
}

const ServiceRows = memo(function ServiceRows({
  service,
  figures,
  units,
}: {
  service: string;
  figures: string[];
  units: Unit[];
}) {
  const store = usePerfStore();
  const [open, setOpen] = useState(false);
  const names = useStore(store, (s) => selectInstanceNames(s, service));
  const instances = names ? names.split("\n") : [];
  return (
    <>
      <tr>
        <th scope="row">
          <button
            type="button"
            className="link"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            title="Show the instances"
          >
            <Icon name={open ? "chevron-down" : "chevron-right"} /> {service}
          </button>{" "}
          <span className="muted">({instances.length})</span>
        </th>
        {figures.map((f, i) => (
          <ValueCell key={f} figure={f} service={service} instance={null} unit={units[i]} />
        ))}
      </tr>
      {open &&
        instances.map((instance) => (
          <tr key={instance} className="instance">
            <th scope="row">{instance}</th>
            {figures.map((f, i) => (
              <ValueCell key={f} figure={f} service={service} instance={instance} unit={units[i]} />
            ))}
          </tr>
        ))}
    </>
  );
});

const GroupSection = memo(function GroupSection({
  group,
  figures,
  range,
}: {
  group: Group;
  figures: Record<string, Figure>;
  range: (typeof RANGES)[number];
}) {
  const store = usePerfStore();
  const services = useStore(
    store,
    (s) => s.snapshot?.services.map((x) => x.service).join("\n") ?? "",
  );
  const ids = useMemo(() => group.figures.filter((f) => figures[f]), [group, figures]);
  const units = useMemo(() => ids.map((f) => figures[f].unit), [ids, figures]);
  return (
    <section className="perf-group" data-group={group.id}>
      <h2>{group.title}</h2>
      <table>
        <thead>
          <tr>
            <th>Service</th>
            {ids.map((f) => (
              <th key={f} className="num">
                {figures[f].label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {services
            .split("\n")
            .filter(Boolean)
            .map((service) => (
              <ServiceRows key={service} service={service} figures={ids} units={units} />
            ))}
        </tbody>
      </table>
      <div className="perf-charts">
        {ids.map((f) => (
          <FigureChart
            key={f}
            figure={f}
            label={figures[f].label}
            unit={figures[f].unit}
            range={range}
          />
        ))}
      </div>
    </section>
  );
});

const TargetRow = memo(function TargetRow({ index }: { index: number }) {
  const store = usePerfStore();
  const target = useStore(store, (s) => s.snapshot?.targets[index]);
  if (!target) return null;
  return (
    <tr data-testid="perf-target" data-up={String(target.up)} data-service={target.service}>
      <td>{target.service}</td>
      <td>{target.instance}</td>
      <td className={target.up ? "ok" : "bad"}>
        <span className="dot" aria-hidden="true" /> {target.up ? "up" : "dead"}
      </td>
      <td className="num">
        {target.scrapeMillis === null ? "—" : `${target.scrapeMillis.toFixed(1)} ms`}
      </td>
      <td className="num">{formatValue(target.bytes, "bytes")}</td>
      <td className="perf-error">{target.lastError ?? ""}</td>
    </tr>
  );
});

function Targets() {
  const store = usePerfStore();
  const count = useStore(store, (s) => s.snapshot?.targets.length ?? 0);
  return (
    <section>
      <h2>Targets</h2>
      <table>
        <thead>
          <tr>
            <th>Service</th>
            <th>Instance</th>
            <th>State</th>
            <th className="num">Scrape</th>
            <th className="num">Size</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: count }, (_, i) => (
            <TargetRow key={i} index={i} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AlertItem({ alert, at, unit }: { alert: Alert; at?: number; unit: Unit }) {
  return (
    <li
      data-testid="perf-alert"
      data-state={alert.state}
      data-severity={alert.severity}
      className={`alert ${alert.severity}`}
    >
      <span className={`badge ${alert.severity}`}>{alert.severity}</span>{" "}
      <span className={`badge state-${alert.state}`}>{alert.state}</span> {alert.summary}{" "}
      <span className="muted">
        ({alert.service} {alert.instance}: {formatValue(alert.value, unit)} vs{" "}
        {formatValue(alert.threshold, unit)}
        {at || alert.since ? `, ${new Date((at ?? alert.since)!).toLocaleTimeString()}` : ""})
      </span>
    </li>
  );
}

function Alerts() {
  const store = usePerfStore();
  const active = useStore(store, selectActiveAlerts);
  const figures = useStore(store, selectFigures);
  const unitOf = (figure: string): Unit => figures?.[figure]?.unit ?? "count";
  // Which alerts are active and in what state; their values change with every scrape.
  const lifecycle = useStore(store, (s) =>
    (s.snapshot?.alerts ?? []).map((a) => `${a.id}:${a.state}`).join("\n"),
  );
  const [history, setHistory] = useState<Alert[] | null>(null);
  // The history changes when an alert starts, fires or resolves: read it again then.
  useEffect(() => {
    const controller = new AbortController();
    apiJson<AlertList>("/api/performance/alerts?limit=50", { signal: controller.signal })
      .then((list) => setHistory(list.history))
      .catch(() => {});
    return () => controller.abort();
  }, [lifecycle]);
  return (
    <section className="perf-alerts">
      <h2>Alerts</h2>
      {active && active.length === 0 && <p className="ok">No active alerts.</p>}
      <ul data-list="active">
        {(active ?? []).map((a) => (
          <AlertItem key={a.id} alert={a} unit={unitOf(a.figure)} />
        ))}
      </ul>
      <details>
        <summary>History ({history?.length ?? "…"})</summary>
        <ul data-list="history">
          {(history ?? []).map((a, i) => (
            <AlertItem key={`${a.id}:${a.at}:${i}`} alert={a} at={a.at} unit={unitOf(a.figure)} />
          ))}
        </ul>
      </details>
    </section>
  );
}

const BrowserValue = memo(function BrowserValue({ name }: { name: string }) {
  const store = usePerfStore();
  const p75 = useStore(store, (s) => s.snapshot?.browser?.values[name]?.p75 ?? null);
  const count = useStore(store, (s) => s.snapshot?.browser?.values[name]?.count ?? 0);
  return (
    <tr>
      <th scope="row">{name}</th>
      <td
        className="num"
        data-testid="perf-value"
        data-figure={name}
        data-service="browser"
        data-value={p75 ?? ""}
      >
        {formatValue(p75, browserUnit(name))}
      </td>
      <td className="num">{count}</td>
    </tr>
  );
});

function Browsers() {
  const store = usePerfStore();
  const names = useStore(store, (s) => Object.keys(selectBrowser(s)?.values ?? {}).join("\n"));
  const reports = useStore(store, (s) => selectBrowser(s)?.reports ?? 0);
  return (
    <section>
      <h2>Browsers</h2>
      <p className="muted">The web app's own numbers (p75 over {reports} reports).</p>
      <table>
        <thead>
          <tr>
            <th>Figure</th>
            <th className="num">p75</th>
            <th className="num">Samples</th>
          </tr>
        </thead>
        <tbody>
          {names
            .split("\n")
            .filter(Boolean)
            .map((n) => (
              <BrowserValue key={n} name={n} />
            ))}
        </tbody>
      </table>
    </section>
  );
}

function Header() {
  const store = usePerfStore();
  const at = useStore(store, selectAt);
  const connection = useStore(store, (s) => s.connection);
  const error = useStore(store, (s) => s.error);
  const range = useStore(store, (s) => s.range);
  const mode = useStore(store, (s) => s.snapshot?.mode);
  return (
    <header className="top-bar">
      <strong>Performance</strong>
      <div role="group" aria-label="Time range" className="ranges">
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={r === range}
            onClick={() => store.set((s) => ({ ...s, range: r }))}
          >
            {r}
          </button>
        ))}
      </div>
      <span className="spacer" />
      <span data-testid="perf-connection" data-state={connection} title={error ?? undefined}>
        {connection === "open" ? "live" : connection}
        {mode ? ` · ${mode}` : ""}
        {at ? ` · ${new Date(at).toLocaleTimeString()}` : ""}
      </span>
      <a href="#">Back to the IDE</a>
    </header>
  );
}

function Body() {
  useRenderTime();
  const store = usePerfStore();
  const groups = useStore(store, selectGroups);
  const figures = useStore(store, (s) => s.snapshot?.figures);
  const range = useStore(store, (s) => s.range);
  const refused = useStore(store, (s) => s.connection === "closed" && s.error);
  if (refused)
    return (
      <p role="alert" className="status-error">
        {refused}
      </p>
    );
  if (!groups || !figures) return <p>Waiting for the first snapshot…</p>;
  return (
    <>
      <div className="perf-top">
        <Alerts />
        <Targets />
        <Browsers />
      </div>
      {groups.map((g) => (
        <GroupSection key={g.id} group={g} figures={figures} range={range} />
      ))}
    </>
  );
}

/** The live performance view for admins and team leads (a lazy chunk, with uPlot in another). */
export default function PerformancePage() {
  const store = useMemo(() => createPerfStore(), []);
  useEffect(() => {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, sessionSignal()]);
    void followLive({
      token: () => getSession()?.token ?? null,
      signal,
      onSnapshot: (snapshot) => store.set((s) => applySnapshot(s, snapshot)),
      onState: (connection, error) =>
        store.set((s) =>
          s.connection === connection && (error ?? s.error) === s.error
            ? s
            : { ...s, connection, error: error ?? s.error },
        ),
      onRefused: (status) => {
        if (status === 401) setSession(null);
        else
          store.set((s) => ({
            ...s,
            connection: "closed",
            error: "Only admins and team leads see this page.",
          }));
      },
    });
    return () => controller.abort();
  }, [store]);
  return (
    <PerfContext.Provider value={store}>
      <div className="perf">
        <Header />
        <main className="perf-main">
          <Body />
        </main>
      </div>
    </PerfContext.Provider>
  );
}
