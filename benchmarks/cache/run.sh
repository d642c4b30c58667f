#!/usr/bin/env bash
# Runs the cache benchmark: JMH (L1 hit latency and throughput; a 4 KB compressed, encrypted L2 hit
# against a raw Redis GET), Zipf hit rates of W-TinyLFU against LRU, then the real cache service
# over HTTP (a 4 KB hit from memory and from Redis, and a load run). Prints a summary at the end.
# Ports 9301 (Redis), 9310 and 9311 (cache services). Settings: see README.md; SKIP_BUILD=1 runs
# what is already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=benchmarks/cache/target
LOGS=$DIR/logs
REDIS_PORT=${REDIS_PORT:-9301}
PORT=${PORT:-9310}
L2_PORT=${L2_PORT:-9311}
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -ntp package -DskipTests -pl benchmarks/cache,services/cache,services/local-redis -am
fi
rm -rf "$LOGS" "$DIR/results" "$DIR/server" "$DIR"/cache-files-*
mkdir -p "$LOGS" "$DIR/results"
# A copy of the service, so a rebuild of services/cache during the run cannot change it.
cp -r services/cache/target/quarkus-app "$DIR/server"
CP="$DIR/classes:$DIR/lib/*"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
java -cp "services/local-redis/target/classes:services/local-redis/target/lib/*" dev.aicoder.localredis.LocalRedisMain "$REDIS_PORT" >"$LOGS/redis.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do grep -q 'listening' "$LOGS/redis.log" && break; sleep 0.2; done

echo "== 1. JMH (Redis on $REDIS_PORT)"
java -cp "$CP" -Dredis.port="$REDIS_PORT" -Dlogs="$LOGS" -Dsummary="$DIR/results/1-jmh.md" \
  -Dwarmup.seconds="${JMH_WARMUP:-1}" -Dmeasure.seconds="${JMH_MEASURE:-2}" -Diterations="${JMH_ITERATIONS:-5}" \
  dev.aicoder.bench.cache.JmhMain

echo "== 2. Hit rates on Zipf traces"
java -Xmx1g -cp "$CP" -Dsummary="$DIR/results/2-hitrate.md" -Drequests="${REQUESTS:-1000000}" -Dkeys="${KEYS:-100000}" \
  dev.aicoder.bench.cache.HitRates

echo "== 3. The cache service over HTTP (ports $PORT and $L2_PORT)"
# Entries encrypted, as in production; Redis database 1, apart from what the JMH part wrote.
key=$(head -c 32 /dev/urandom | base64)
start_service() { # port, memory tier bytes
  AI_CODER_CACHE_KEY=$key REDIS_PORT=$REDIS_PORT REDIS_DB=1 QUARKUS_HTTP_PORT=$1 \
    AI_CODER_CACHE_MEMORY_MAX_BYTES=$2 AI_CODER_CACHE_DIR="$DIR/cache-files-$1" \
    java -Xms256m -Xmx256m -jar "$DIR/server/quarkus-run.jar" >"$LOGS/cache-$1.log" 2>&1 &
  pids+=($!)
}
start_service "$PORT" "${MEMORY_BYTES:-16M}"
server=$!
start_service "$L2_PORT" 1
for port in "$PORT" "$L2_PORT"; do
  for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$port/q/health/ready" && break; sleep 0.5; done
done
java -cp "$CP" -Dport="$PORT" -Dl2.port="$L2_PORT" -Dmeasure.seconds="${HTTP_SECONDS:-10}" \
  -Dsummary="$DIR/results/3-http.md" dev.aicoder.bench.cache.HttpHits

echo "== 4. Load run"
java -cp "$CP" -Dport="$PORT" -Dserver.pid="$server" -Dclk.tck="$(getconf CLK_TCK)" \
  -Dclients="${CLIENTS:-16}" -Drate="${RATE:-500}" -Dkeys="${LOAD_KEYS:-10000}" \
  -Dwarmup.seconds="${WARMUP:-10}" -Dmeasure.seconds="${MEASURE:-20}" \
  -Dsummary="$DIR/results/4-load.md" dev.aicoder.bench.cache.LoadRun

echo
echo "== Summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
for f in "$DIR"/results/*.md; do echo; cat "$f"; done
