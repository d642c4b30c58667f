#!/usr/bin/env bash
# The metrics service's costs: CPU and bytes per scraped target, and the Redis memory its local
# history holds at 20 targets for 24 hours. Prints the figures; see README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=benchmarks/metrics/target
SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-60}
WARMUP=${WARMUP:-180}
TARGETS=20
REDIS_PORT=6394
FILES_PORT=8194
METRICS_PORT=8195
rm -rf "$OUT/scrapes" "$OUT/workspaces"
mkdir -p "$OUT/logs" "$OUT/scrapes" "$OUT/workspaces"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for s in gateway chat-websocket ai-streaming cache metrics; do
  [ -f "services/$s/target/quarkus-app/quarkus-run.jar" ] || mvn -B -q package -DskipTests -pl "services/$s" -am
done

redis-server --port $REDIS_PORT --save '' --appendonly no >"$OUT/logs/redis.log" 2>&1 &
pids+=($!)

# 1. Real scrapes: start each service once, make a few requests, keep its /q/metrics body.
port=8196
for s in gateway chat-websocket ai-streaming cache metrics; do
  REDIS_PORT=$REDIS_PORT AI_CODER_ADMIN_USER=admin AI_CODER_ADMIN_PASSWORD=bench-password \
    AI_CODER_WORKSPACE_ROOT="$OUT/workspaces" java -Xmx256m -Dquarkus.http.port=$port -jar "services/$s/target/quarkus-app/quarkus-run.jar" >"$OUT/logs/$s.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do curl -sf "localhost:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
  for _ in $(seq 20); do curl -s "localhost:$port/api/status" >/dev/null; curl -s "localhost:$port/q/health" >/dev/null; done
  for i in $(seq 0 3); do
    mkdir -p "$OUT/scrapes/$s-$i/q"
    curl -sf "localhost:$port/q/metrics" >"$OUT/scrapes/$s-$i/q/metrics" || {
      echo "$s did not answer /q/metrics; its log: $OUT/logs/$s.log" >&2
      exit 1
    }
  done
  kill $pid; wait $pid 2>/dev/null || true
done
# A static server with a listen backlog for 20 connections at once (http.server's is 5: the rest
# would wait a second for a SYN retransmit).
python3 -c '
import functools, http.server, sys
http.server.ThreadingHTTPServer.request_queue_size = 128
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
' $FILES_PORT "$OUT/scrapes" >"$OUT/logs/files.log" 2>&1 &
pids+=($!)

targets=""
for d in "$OUT"/scrapes/*; do
  n=$(basename "$d")
  targets+="${n%-*}=http://127.0.0.1:$FILES_PORT/$n/q/metrics,"
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The JIT compiler threads' share: they settle after minutes, the work per scrape does not.
jit_ticks() {
  local t n=0
  for t in /proc/"$1"/task/*; do
    case $(cat "$t/comm") in C1\ Compiler*|C2\ Compiler*) n=$((n + $(awk '{print $14 + $15}' "$t/stat"))) ;; esac
  done
  echo $n
}
# Target scrapes done so far, from the metrics service's own counter.
scrapes() {
  curl -sf "localhost:$METRICS_PORT/q/metrics" |
    awk '/^aicoder_metrics_scrapes_total\{/ { n += $2 } END { printf "%d", n }'
}
hz=$(getconf CLK_TCK)

# 2. CPU: the same service idle (no targets), then scraping 20 targets every second.
phase() { # $1 = targets; prints CPU ms over the phase after a 20 s warm-up
  redis-cli -p $REDIS_PORT flushall >/dev/null
  AI_CODER_METRICS_TARGETS="$1" AI_CODER_METRICS_SCRAPE_INTERVAL=1s REDIS_PORT=$REDIS_PORT \
    java -Xmx256m -Dquarkus.http.port=$METRICS_PORT -Daicoder.metrics.history.coarse-step=5s \
    -jar services/metrics/target/quarkus-app/quarkus-run.jar >"$OUT/logs/metrics-phase.log" 2>&1 &
  local pid=$!
  for _ in $(seq 120); do curl -sf "localhost:$METRICS_PORT/q/health/ready" >/dev/null && break; sleep 0.5; done
  sleep "$WARMUP"
  local a; a=$(ticks $pid)
  local ja; ja=$(jit_ticks $pid)
  local sa; sa=$(scrapes)
  sleep "$SECONDS_PER_PHASE"
  local b; b=$(ticks $pid)
  local jb; jb=$(jit_ticks $pid)
  local sb; sb=$(scrapes)
  echo "$(( (b - a) * 1000 / hz )) $(( (jb - ja) * 1000 / hz )) $(( sb - sa ))"
  curl -sf "localhost:$METRICS_PORT/api/performance" >"$OUT/snapshot.json" || true
  kill $pid; wait $pid 2>/dev/null || true
}
read -r idle_ms idle_jit _ < <(phase "")
read -r busy_ms busy_jit scrapes < <(phase "${targets%,}")

# 3. History memory: the entries the 20-target run left (fine every second, coarse every 5 s here;
# an entry holds every instance's figures at one moment, so its size does not depend on the step).
fine_len=$(redis-cli -p $REDIS_PORT xlen aicoder:perf:history:fine)
fine_mem=$(redis-cli -p $REDIS_PORT memory usage aicoder:perf:history:fine samples 0)
coarse_len=$(redis-cli -p $REDIS_PORT xlen aicoder:perf:history:coarse)
coarse_mem=$(redis-cli -p $REDIS_PORT memory usage aicoder:perf:history:coarse samples 0)
echo "history entries: fine $fine_len ($fine_mem bytes), coarse $coarse_len ($coarse_mem bytes)"
per_entry=$(( (fine_mem + coarse_mem) / (fine_len + coarse_len) ))
echo "history bytes per entry (20 targets): $per_entry"
echo "history at 20 targets for 24 h (720 entries at 5 s for 1 h + 1440 at 1 min for 24 h): $(( per_entry * 2160 / 1024 )) KiB"
python3 - "$OUT/snapshot.json" "$idle_ms" "$busy_ms" "$scrapes" "$SECONDS_PER_PHASE" "$idle_jit" "$busy_jit" <<'PY'
import json, sys
snap = json.load(open(sys.argv[1]))
idle, busy, scrapes, secs, idle_jit, busy_jit = map(int, sys.argv[2:])
up = [t for t in snap["targets"] if t["up"]]
print(f"targets scraped: {len(up)} of {len(snap['targets'])}, every 1 s; {scrapes} target scrapes in {secs} s")
print(f"CPU idle (no targets): {idle} ms; with targets: {busy} ms")
print(f"  of which JIT compiler threads: idle {idle_jit} ms, with targets {busy_jit} ms")
print(f"CPU per target scrape: {(busy - idle) / scrapes:.3f} ms (fetch, parse, figures, history write, alerts)")
print(f"CPU per target scrape without the JIT compiler: {((busy - busy_jit) - (idle - idle_jit)) / scrapes:.3f} ms")
by = {}
for t in up:
    by.setdefault(t["service"], []).append(t["bytes"])
for s, b in sorted(by.items()):
    print(f"bytes per scrape, {s}: {sum(b) // len(b)}")
print(f"bytes per scrape, mean: {sum(t['bytes'] for t in up) // len(up)}")
PY
