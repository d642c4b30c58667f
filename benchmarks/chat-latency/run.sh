#!/usr/bin/env bash
# Runs the chat latency benchmark: Redis, the fake model (first token 200 ms, 20 ms per token,
# 200 tokens), ai-streaming and chat-websocket on their own ports, then the clients.
set -euo pipefail
cd "$(dirname "$0")/../.."
LEVELS=${*:-1 50 200}
LOGS=benchmarks/chat-latency/target/logs
mvn -B -q -ntp package -DskipTests -pl benchmarks/chat-latency,services/ai-streaming,services/chat-websocket,services/local-redis -am
mkdir -p "$LOGS"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
CP="benchmarks/chat-latency/target/classes:benchmarks/chat-latency/target/lib/*"
java -cp "services/local-redis/target/classes:services/local-redis/target/lib/*" dev.aicoder.localredis.LocalRedisMain 6391 >"$LOGS/redis.log" 2>&1 & pids+=($!)
java -cp "$CP" dev.aicoder.fakellm.FakeLlm 8190 200 20 200 >"$LOGS/fake-llm.log" 2>&1 & pids+=($!)
export REDIS_PORT=6391 AI_CODER_LLM_BASE_URL=http://127.0.0.1:8190/v1 AI_CODER_LLM_MODEL=fake MAX_CONCURRENT_STREAMS=256 AICODER_PROMPTS_PER_MINUTE=1000000
java -Xmx512m -Dquarkus.http.port=8182 -jar services/ai-streaming/target/quarkus-app/quarkus-run.jar >"$LOGS/ai-streaming.log" 2>&1 & pids+=($!)
java -Xmx512m -Dquarkus.http.port=8181 -jar services/chat-websocket/target/quarkus-app/quarkus-run.jar >"$LOGS/chat-websocket.log" 2>&1 & pids+=($!)
for port in 8181 8182; do
  for _ in $(seq 1 120); do curl -fs -o /dev/null "http://localhost:$port/q/health/ready" && break; sleep 0.5; done
done
java -cp "$CP" dev.aicoder.bench.ChatLatencyBenchmark ws://localhost:8181/ws/chat http://127.0.0.1:8190/v1 200 $LEVELS
# Where the time went, as ai-streaming's own metrics saw it (seconds).
curl -fs http://localhost:8182/q/metrics | grep -E '^aicoder_turn_ttft[a-z_]*_seconds_(sum|count)' >"$LOGS/ttft-metrics.txt" || true
curl -fs http://localhost:8181/q/metrics | grep -E '^aicoder_chat_prompt_seconds' >>"$LOGS/ttft-metrics.txt" || true
