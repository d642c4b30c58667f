#!/usr/bin/env bash
# The chat path's added latency and CPU per token: Redis, the fake model (first token 200 ms, then
# one per 20 ms), and the five services as `make run` starts them (same JVM settings), on their own
# ports, then the clients. Settings (environment): LEVELS, TOKENS, LONG_TOKENS, SPLIT_LEVELS,
# WINDOW_MS, WARMUP_S, WARMUP_JIT, WARMUP_MAX_S, IDLE_S, SETTLE_S, PROTOCOL (json|msgpack),
# DEFLATE=0 (the clients do not offer permessage-deflate, which browsers do), JAVA_OPTS,
# PROFILE=1 (JFR per service), SKIP_BUILD=1. See README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec 9>/tmp/chat-latency-benchmark.lock
flock -n 9 || { echo "Another chat-latency run is going (it uses the same ports)." >&2; exit 1; }
B=benchmarks/chat-latency/target
LOGS=$B/logs
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -ntp package -DskipTests -pl benchmarks/chat-latency,services/gateway,services/chat-websocket,services/ai-streaming,services/cache,services/metrics,services/local-redis -am
fi
mkdir -p "$LOGS"
rm -rf "$B/run" && mkdir -p "$B/run/workspaces"
# Copies of the services, so a rebuild during the run cannot change them.
for s in gateway chat-websocket ai-streaming cache metrics; do cp -r "services/$s/target/quarkus-app" "$B/run/$s"; done
# The gateway signs tokens with this key; the clients sign their own users' tokens with it too.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$B/run/signing.pem" 2>/dev/null
ulimit -n "$(ulimit -Hn)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
java -cp "services/local-redis/target/classes:services/local-redis/target/lib/*" dev.aicoder.localredis.LocalRedisMain 6391 "$B/run/redis" >"$LOGS/redis.log" 2>&1 & pids+=($!)
redis_java=$!
CP="benchmarks/chat-latency/target/classes:benchmarks/chat-latency/target/lib/*"
java -Xmx1g -cp "$CP" dev.aicoder.fakellm.FakeLlm 8190 200 20 200 >"$LOGS/fake-llm.log" 2>&1 & pids+=($!)

# A small first heap that grows as needed, no hsperfdata sampling (0.25 % of a core per idle JVM),
# a bounded code cache and two malloc arenas: RSS after start 117-169 MB instead of 151-205, after
# 500 streams 120-201 instead of 175-305; and what malloc keeps of freed memory given back every
# 10 s: after a run 161-180 MB instead of 188-197, for 0.2-0.7 ms a trim (benchmarks/chat-latency).
JAVA_OPTS=${JAVA_OPTS:--Xms32m -Xmx384m -XX:+UseSerialGC -XX:-UsePerfData -XX:ReservedCodeCacheSize=64m -XX:TrimNativeHeapInterval=10000}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
export REDIS_PORT=6391 AI_CODER_ADMIN_USER=admin AI_CODER_ADMIN_PASSWORD=bench-password-1 \
  AI_CODER_INTERNAL_TOKEN=bench-internal-token AI_CODER_WORKSPACE_ROOT="$PWD/$B/run/workspaces" \
  AI_CODER_SIGNING_KEY_FILE="$PWD/$B/run/signing.pem" AI_CODER_SHUTDOWN_DELAY=0s AI_CODER_DRAIN_DELAY=0s \
  CHAT_WEBSOCKET_URL=http://localhost:8281 AI_STREAMING_URL=http://localhost:8282 \
  CACHE_URL=http://localhost:8283 METRICS_URL=http://localhost:8284 GATEWAY_URL=http://localhost:8280 \
  AI_CODER_CACHE_URL=http://localhost:8283 AI_CODER_CACHE_DIR="$B/run/cache-files" \
  AI_CODER_METRICS_TARGETS=gateway=http://127.0.0.1:8280/q/metrics,chat-websocket=http://127.0.0.1:8281/q/metrics,ai-streaming=http://127.0.0.1:8282/q/metrics,cache=http://127.0.0.1:8283/q/metrics,metrics=http://127.0.0.1:8284/q/metrics \
  AI_CODER_LLM_BASE_URL=http://127.0.0.1:8190/v1 AI_CODER_LLM_MODEL=fake \
  MAX_CONCURRENT_STREAMS=${MAX_CONCURRENT_STREAMS:-600} AICODER_PROMPTS_PER_MINUTE=1000000
port=8280
spids=()
for s in gateway chat-websocket ai-streaming cache metrics; do
  profile=()
  [ -n "${PROFILE:-}" ] && profile=(-XX:StartFlightRecording=filename="$LOGS/$s.jfr",settings=${PROFILE_SETTINGS:-profile},delay=${PROFILE_DELAY:-90s},duration=${PROFILE_DURATION:-60s})
  # shellcheck disable=SC2086
  QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 java $JAVA_OPTS "${profile[@]}" -jar "$B/run/$s/quarkus-run.jar" >"$LOGS/$s.log" 2>&1 & pids+=($!)
  spids+=("$s=$!")
  port=$((port + 1))
done
for port in 8280 8281 8282 8283 8284; do
  for _ in $(seq 1 240); do curl -fs -o /dev/null "http://localhost:$port/q/health/ready" && break; sleep 0.5; done
done
redis=$(pgrep -P "$redis_java" redis-server || pgrep -f 'redis-server.*6391')
java -Xmx1g -cp "$CP" -Dkey.file="$B/run/signing.pem" -Dclk.tck="$(getconf CLK_TCK)" \
  -Dpids="$(IFS=,; echo "${spids[*]}"),redis=$redis" -Dmodel=127.0.0.1:8190 -Dmodel.first=200 -Dmodel.gap=20 \
  -Dlevels="${LEVELS:-1,20,50,200,500}" -Dtokens="${TOKENS:-200}" -Dlong.tokens="${LONG_TOKENS:-1000}" \
  -Dsplit.levels="${SPLIT_LEVELS-20,200}" -Dwindow.ms="${WINDOW_MS:-2000}" -Dwarmup.s="${WARMUP_S:-60}" \
  -Dwarmup.jit="${WARMUP_JIT:-8}" -Dwarmup.max.s="${WARMUP_MAX_S:-600}" \
  -Didle.s="${IDLE_S:-20}" -Dsettle.s="${SETTLE_S:-120}" -Dprotocol="${PROTOCOL:-json}" -Ddeflate="${DEFLATE:-1}" \
  dev.aicoder.bench.ChatLatencyBenchmark
# Where the time to first token went, as ai-streaming and chat-websocket saw it (seconds).
curl -fs http://localhost:8282/q/metrics | grep -E '^aicoder_turn_ttft[a-z_]*_seconds_(sum|count)' >"$LOGS/ttft-metrics.txt" || true
curl -fs http://localhost:8281/q/metrics | grep -E '^aicoder_chat_prompt_seconds' >>"$LOGS/ttft-metrics.txt" || true
