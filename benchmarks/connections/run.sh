#!/usr/bin/env bash
# Runs the connections benchmark: Redis and one chat-websocket on their own ports, then 10,000
# WebSocket clients (Vert.x) held with heartbeats, memory per idle connection, and fan-out latency
# at a steady 20,000 deliveries a second. Settings: CONNECTIONS, CONVERSATIONS, OPEN_RATE, HOLD,
# RATE, WARMUP, MEASURE (see README.md); SKIP_BUILD=1 runs what is already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-10000}
CONVERSATIONS=${CONVERSATIONS:-100}
LOGS=benchmarks/connections/target/logs
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -ntp package -DskipTests -pl benchmarks/connections,services/chat-websocket,services/local-redis -am
fi
mkdir -p "$LOGS"
# Each side holds one socket per connection, plus its jars and pipes.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((CONNECTIONS + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): too few open files for $CONNECTIONS connections" >&2
  exit 1
fi
# A copy of the server, so a rebuild of services/chat-websocket during the run cannot change it.
rm -rf benchmarks/connections/target/server
cp -r services/chat-websocket/target/quarkus-app benchmarks/connections/target/server
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
java -cp "services/local-redis/target/classes:services/local-redis/target/lib/*" dev.aicoder.localredis.LocalRedisMain 6395 >"$LOGS/redis.log" 2>&1 & pids+=($!)
export REDIS_PORT=6395
# Room for every connection; ten tabs per user is under the per-user cap; one prompt per
# conversation; the default heartbeat (20 s: a connection silent for 60 s is closed).
export MAX_CONNECTIONS=$((CONNECTIONS + 1000)) AI_CODER_MAX_CONNECTIONS_PER_USER=${PER_USER:-20}
export AICODER_PROMPTS_PER_MINUTE=1000 AICODER_HEARTBEAT=${HEARTBEAT:-20s}
# The heap is committed and touched up front: RSS growth is then memory outside the heap.
java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Xlog:gc:file="$LOGS/chat-websocket-gc.log":time -Dquarkus.http.port=8580 \
  -jar benchmarks/connections/target/server/quarkus-run.jar >"$LOGS/chat-websocket.log" 2>&1 & pids+=($!)
server=$!
for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:8580/q/health/ready" && break; sleep 0.5; done
java -Xmx1g -Xlog:gc:file="$LOGS/client-gc.log":time -cp "benchmarks/connections/target/classes:benchmarks/connections/target/lib/*" \
  -Dport=8580 -Dredis.port=6395 -Dserver.pid="$server" -Dclk.tck="$(getconf CLK_TCK)" \
  -Dconnections="$CONNECTIONS" -Dconversations="$CONVERSATIONS" \
  -Dopen.rate="${OPEN_RATE:-500}" -Dhold.seconds="${HOLD:-70}" \
  -Ddeliveries.per.second="${RATE:-20000}" -Dwarmup.seconds="${WARMUP:-15}" \
  -Dmeasure.seconds="${MEASURE:-30}" \
  dev.aicoder.bench.ConnectionsBenchmark
