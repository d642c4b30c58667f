#!/usr/bin/env bash
# Starts a local Redis and the five services from their built jars, waits until each is ready,
# prints the URL, and stops everything it started on Ctrl-C. Used by `make run`.
# REPLICAS=2 (up to 9) starts that many of each service on the one Redis: set n listens on the
# ports of the first plus 10*(n-1) (8090-8094 for the second), its gateway talks to its own set.
set -uo pipefail
cd "$(dirname "$0")/.."

RUN_DIR=.run
LOG_DIR="$RUN_DIR/logs"
PID_FILE="$RUN_DIR/pids"
REDIS_PORT=${REDIS_PORT:-6379}
REPLICAS=${REPLICAS:-1}
if ! [[ $REPLICAS =~ ^[1-9]$ ]]; then
  echo "REPLICAS is how many of each service to start: 1 to 9, not '$REPLICAS'."
  exit 1
fi
READY_TIMEOUT=${READY_TIMEOUT:-$((180 * REPLICAS))}
# A small first heap that grows as needed, no hsperfdata sampling (0.25 % of a core per idle JVM),
# a bounded code cache and two malloc arenas: RSS after start 117-169 MB instead of 151-205, after
# 500 streams 120-201 instead of 175-305; and what malloc keeps of freed memory given back every
# 10 s: after a run 161-180 MB instead of 188-197, for 0.2-0.7 ms a trim (benchmarks/chat-latency).
JAVA_OPTS=${JAVA_OPTS:--Xms32m -Xmx384m -XX:+UseSerialGC -XX:-UsePerfData -XX:ReservedCodeCacheSize=64m -XX:TrimNativeHeapInterval=10000}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
SERVICES=(gateway:8080 chat-websocket:8081 ai-streaming:8082 cache:8083 metrics:8084)

# One entry per process: name:service:port:n (its set). The first set keeps the plain names (and logs).
INSTANCES=()
for ((n = 1; n <= REPLICAS; n++)); do
  for entry in "${SERVICES[@]}"; do
    service=${entry%%:*}
    name=$service
    ((n > 1)) && name=$service-$n
    INSTANCES+=("$name:$service:$((${entry#*:} + 10 * (n - 1))):$n")
  done
done

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ -f $PID_FILE ]]; then
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "AI-Coder is already running (its $name has pid $pid): open http://localhost:8080"
      echo "Stop it with Ctrl-C in the terminal that started it, then run 'make run' again."
      exit 1
    fi
  done <"$PID_FILE"
fi
for instance in "${INSTANCES[@]}"; do
  IFS=: read -r name service port n <<<"$instance"
  if port_busy "$port"; then
    echo "Port $port ($name) is already in use by another program; free it and try again."
    exit 1
  fi
done

mkdir -p "$LOG_DIR"
: >"$PID_FILE"
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping AI-Coder…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -f "$PID_FILE"
  echo "Stopped. Logs are in $LOG_DIR/"
}
trap stop_all INT TERM EXIT

start() { # name, command...
  local name=$1
  shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=($!)
  echo "$! $name" >>"$PID_FILE"
}

if port_busy "$REDIS_PORT"; then
  echo "Using the Redis already listening on port $REDIS_PORT."
else
  # Data lives in .run/redis (append-only file) until `make clean`.
  start redis java -cp "services/local-redis/target/classes:services/local-redis/target/lib/*" \
    dev.aicoder.localredis.LocalRedisMain "$REDIS_PORT" "$RUN_DIR/redis"
fi

# A secret made up on the first run and kept in the run folder, so accounts made with it still
# work after a restart.
kept_secret() {
  [[ -s $1 ]] || (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$1")
  cat "$1"
}

# The gateway refuses to start without a first admin; make one up for this local run.
export AI_CODER_ADMIN_USER=${AI_CODER_ADMIN_USER:-admin}
if [[ -z ${AI_CODER_ADMIN_PASSWORD:-} ]]; then
  AI_CODER_ADMIN_PASSWORD=$(kept_secret "$RUN_DIR/admin-password")
  export AI_CODER_ADMIN_PASSWORD
  shown_password=1
fi
# The services' shared credential for internal calls (cache clear, files attached to prompts).
AI_CODER_INTERNAL_TOKEN=${AI_CODER_INTERNAL_TOKEN:-$(kept_secret "$RUN_DIR/internal-token")}
export AI_CODER_INTERNAL_TOKEN
export AI_CODER_WORKSPACE_ROOT=${AI_CODER_WORKSPACE_ROOT:-$PWD/$RUN_DIR/workspaces}

# Nothing routes around a stopping process here, so Ctrl-C need not wait out the drain delays
# meant for an ingress (set them to try a drain locally).
export AI_CODER_SHUTDOWN_DELAY=${AI_CODER_SHUTDOWN_DELAY:-0s} AI_CODER_DRAIN_DELAY=${AI_CODER_DRAIN_DELAY:-0s}

# The metrics service scrapes every process started here, each an instance of its service (the
# Performance page); in Kubernetes the chart points it at the headless Services instead.
targets=()
for instance in "${INSTANCES[@]}"; do
  IFS=: read -r name service port n <<<"$instance"
  targets+=("$service=http://127.0.0.1:$port/q/metrics")
done
metrics_targets=${AI_CODER_METRICS_TARGETS:-$(
  IFS=,
  echo "${targets[*]}"
)}

started=$(date +%s%N)
for instance in "${INSTANCES[@]}"; do
  IFS=: read -r name service port n <<<"$instance"
  # Only the gateway is for browsers; the others listen on the loopback (it proxies /ws/chat).
  host=127.0.0.1
  [[ $service == gateway ]] && host=${GATEWAY_HOST:-0.0.0.0}
  settings=(REDIS_PORT="$REDIS_PORT" QUARKUS_HTTP_HOST="$host")
  if ((n > 1)); then
    # Set n talks to its own set: its ports are the defaults plus 10*(n-1).
    offset=$((10 * (n - 1)))
    settings+=(QUARKUS_HTTP_PORT="$port")
    case $service in
      gateway) settings+=(CHAT_WEBSOCKET_URL="http://localhost:$((8081 + offset))"
        AI_STREAMING_URL="http://localhost:$((8082 + offset))"
        CACHE_URL="http://localhost:$((8083 + offset))"
        METRICS_URL="http://localhost:$((8084 + offset))") ;;
      ai-streaming) settings+=(GATEWAY_URL="http://localhost:$((8080 + offset))"
        AI_CODER_CACHE_URL="http://localhost:$((8083 + offset))") ;;
    esac
  fi
  [[ $service == metrics ]] && settings+=(AI_CODER_METRICS_TARGETS="$metrics_targets")
  # Each cache keeps its file tier in its own folder, as each pod has its own volume.
  [[ $service == cache ]] && settings+=(AI_CODER_CACHE_DIR="$RUN_DIR/cache-files-$n")
  # Replicas tell themselves apart (consumer names, logs) as pods do by their names.
  ((REPLICAS > 1)) && settings+=(AI_CODER_INSTANCE_ID="$service-$n")
  # shellcheck disable=SC2086
  start "$name" env "${settings[@]}" java $JAVA_OPTS -jar "services/$service/target/quarkus-app/quarkus-run.jar"
done

if ((REPLICAS > 1)); then
  echo "Starting Redis and $REPLICAS sets of the 5 services; logs in $LOG_DIR/ …"
else
  echo "Starting Redis and 5 services; logs in $LOG_DIR/ …"
fi
deadline=$(($(date +%s) + READY_TIMEOUT))
for instance in "${INSTANCES[@]}"; do
  IFS=: read -r name service port n <<<"$instance"
  until curl -fs -o /dev/null "http://localhost:$port/q/health/ready"; do
    # Any process of ours that died (Redis included) ends the start with its log.
    while read -r pid started_name; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "$started_name exited during start-up; the end of $LOG_DIR/$started_name.log:"
        tail -n 20 "$LOG_DIR/$started_name.log"
        exit 1
      fi
    done <"$PID_FILE"
    if (($(date +%s) > deadline)); then
      echo "$name was not ready within ${READY_TIMEOUT}s; see $LOG_DIR/$name.log"
      exit 1
    fi
    sleep 0.5
  done
done
# Every service answers its own readiness; now wait until each gateway sees its set (warm) too.
urls=()
for ((n = 1; n <= REPLICAS; n++)); do
  url="http://localhost:$((8080 + 10 * (n - 1)))"
  urls+=("$url")
  until curl -fs "$url/api/status" | grep -q '^{"status":"UP"'; do
    if (($(date +%s) > deadline)); then
      echo "The gateway does not see every service UP yet; see $url/api/status"
      break
    fi
    sleep 0.5
  done
done
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

echo
if ((REPLICAS > 1)); then
  echo "AI-Coder is ready in ${elapsed_ms} ms with $REPLICAS of each service on one Redis: open"
  echo "${urls[*]} (each gateway proxies the chat to its own chat-websocket)"
else
  echo "AI-Coder is ready in ${elapsed_ms} ms: open http://localhost:8080"
fi
if [[ -n ${shown_password:-} ]]; then
  echo "Sign in as $AI_CODER_ADMIN_USER with password $AI_CODER_ADMIN_PASSWORD (made up on the first run;"
  echo "kept in $RUN_DIR/ with the data until 'make clean')"
fi
width=$((REPLICAS > 1 ? 17 : 15)) # room for names like chat-websocket-2
while read -r pid name; do
  printf "  %-${width}s pid %-7s RSS %s MiB\n" "$name" "$pid" "$(($(ps -o rss= -p "$pid") / 1024))"
done <"$PID_FILE"
echo "Logs: $LOG_DIR/<service>.log   Stop: Ctrl-C"
wait
