#!/usr/bin/env bash
# Starts Debian's Prometheus on the suite `make run` started: it scrapes every service it finds
# (one set on 8080-8084, with REPLICAS=n also 8090-8094 and so on), labels each series as the
# dashboards expect (namespace="local", pod="<service>-<n>"), loads the alert and recording rules in
# grafana/rules/ and keeps its data in .run/prometheus. Ctrl-C stops it. Used by `make observe`.
set -uo pipefail
cd "$(dirname "$0")/.."

PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
REDIS_EXPORTER=${REDIS_EXPORTER:-$(command -v prometheus-redis-exporter || true)}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
REDIS_EXPORTER_PORT=${REDIS_EXPORTER_PORT:-9121}
REDIS_PORT=${REDIS_PORT:-6379}
HOME_DIR=.run/prometheus
SERVICES=(gateway:8080 chat-websocket:8081 ai-streaming:8082 cache:8083 metrics:8084)

if [[ ! -x $PROMETHEUS ]]; then
  echo "Prometheus is not installed. On Debian or Ubuntu: sudo apt-get install prometheus"
  echo "(or set PROMETHEUS=/path/to/prometheus), then run 'make observe' again."
  exit 1
fi
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_busy "$PROMETHEUS_PORT"; then
  echo "Port $PROMETHEUS_PORT is taken (another Prometheus?); free it or set PROMETHEUS_PORT."
  exit 1
fi

# The services that answer /q/metrics now: set n listens on the first set's ports plus 10*(n-1).
scrapes=""
found=0
for ((n = 1; n <= 9; n++)); do
  for entry in "${SERVICES[@]}"; do
    service=${entry%%:*}
    port=$((${entry#*:} + 10 * (n - 1)))
    if curl -fs -o /dev/null --max-time 2 "http://localhost:$port/q/metrics"; then
      found=$((found + 1))
      scrapes+="
  - job_name: ai-coder-$service-$n
    metrics_path: /q/metrics
    static_configs:
      - targets: ['localhost:$port']
        labels: {namespace: local, pod: $service-$n, service: $service}"
    fi
  done
done
if ((found == 0)); then
  echo "AI-Coder is not running: nothing answers http://localhost:8080/q/metrics."
  echo "Start it with 'make run' (REPLICAS=2 for two of each) in another terminal, wait for its"
  echo "URL, then run 'make observe' again."
  exit 1
fi

mkdir -p "$HOME_DIR/data"
pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  echo
  echo "Prometheus stopped; its data stays in $HOME_DIR/ until 'make clean'."
}
trap stop_all INT TERM EXIT

# Redis's own metrics (the Redis dashboard and alerts) when the exporter is installed.
if [[ -n $REDIS_EXPORTER ]] && ! port_busy "$REDIS_EXPORTER_PORT"; then
  "$REDIS_EXPORTER" --redis.addr="redis://localhost:$REDIS_PORT" \
    --web.listen-address="127.0.0.1:$REDIS_EXPORTER_PORT" >"$HOME_DIR/redis-exporter.log" 2>&1 &
  pids+=($!)
  scrapes+="
  - job_name: ai-coder-redis
    static_configs:
      - targets: ['localhost:$REDIS_EXPORTER_PORT']
        labels: {namespace: local, pod: redis-1, service: redis}"
fi

rules=""
for file in grafana/rules/*.yaml; do
  [[ $file == *.test.yaml ]] || rules+="
  - $PWD/$file"
done
cat >"$HOME_DIR/prometheus.yml" <<EOF
# Written by scripts/observe.sh for the suite running now; rerun 'make observe' after restarting it.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:$rules
scrape_configs:$scrapes
EOF

"$PROMETHEUS" --config.file="$HOME_DIR/prometheus.yml" --storage.tsdb.path="$HOME_DIR/data" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --enable-feature=exemplar-storage \
  >"$HOME_DIR/prometheus.log" 2>&1 &
pids+=($!)
deadline=$(($(date +%s) + 30))
until curl -fs -o /dev/null "http://localhost:$PROMETHEUS_PORT/-/ready"; do
  if ! kill -0 "${pids[-1]}" 2>/dev/null || (($(date +%s) > deadline)); then
    echo "Prometheus did not start; the end of $HOME_DIR/prometheus.log:"
    tail -n 20 "$HOME_DIR/prometheus.log"
    exit 1
  fi
  sleep 0.5
done

echo "Prometheus is ready: open http://localhost:$PROMETHEUS_PORT (alerts: /alerts, targets: /targets)"
echo "It scrapes $found AI-Coder services every 5 s (namespace=\"local\", pod=\"<service>-<n>\") and"
echo "evaluates the rules in grafana/rules/. For the dashboards, import grafana/dashboards/*.json"
echo "into a Grafana with this Prometheus as a data source, then pick namespace 'local'."
echo "Config, data and log: $HOME_DIR/   Stop: Ctrl-C"
wait "${pids[-1]}"
