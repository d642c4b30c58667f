#!/usr/bin/env bash
# File reads through the gateway (auth, rate limit, path checks, ETag) next to nginx serving the
# same files, in the same run, with wrk: 4 KB and 256 KB files, 64 connections by default.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "This benchmark needs $tool: apt-get install nginx-light wrk curl"; exit 1; }
done
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}  # the JIT needs this long to settle on the hot path
THREADS=${THREADS:-2}
WORK=$PWD/benchmarks/file-read/target
LOGS=$WORK/logs
REDIS_PORT=6392 GATEWAY=8290 NGINX=8291
rm -rf "$WORK/ws" "$WORK/nginx"
mkdir -p "$LOGS" "$WORK/ws" "$WORK/nginx"

mvn -B -q -ntp package -DskipTests -pl services/gateway,services/local-redis -am
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
java -cp "services/local-redis/target/classes:services/local-redis/target/lib/*" \
  dev.aicoder.localredis.LocalRedisMain $REDIS_PORT >"$LOGS/redis.log" 2>&1 &
pids+=($!)
AI_CODER_ADMIN_USER=bench AI_CODER_ADMIN_PASSWORD=bench-password AI_CODER_WORKSPACE_ROOT="$WORK/ws" \
  AI_CODER_REQUESTS_PER_USER=1000000000 AI_CODER_REQUESTS_PER_IP=1000000000 REDIS_PORT=$REDIS_PORT \
  java ${GATEWAY_JAVA_OPTS:--Xmx512m} -Dquarkus.http.port=$GATEWAY -Dquarkus.log.level=WARN \
  -jar services/gateway/target/quarkus-app/quarkus-run.jar >"$LOGS/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -fs -o /dev/null "http://localhost:$GATEWAY/q/health/ready" && break; sleep 0.5; done

api() { curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' \
  "http://localhost:$GATEWAY/api/auth/login" | field token)
TEAM=$(api -d '{"name":"bench"}' "http://localhost:$GATEWAY/api/admin/teams" | field id)
api -d '{"username":"bench"}' "http://localhost:$GATEWAY/api/admin/teams/$TEAM/members"
WS=$(api -d "{\"name\":\"bench\",\"teamId\":\"$TEAM\"}" "http://localhost:$GATEWAY/api/workspaces" | field id)
for spec in small.txt:4096 large.txt:262144; do
  (set +o pipefail; head -c "${spec#*:}" /dev/urandom | base64 -w 100 | head -c "${spec#*:}") >"$WORK/${spec%%:*}"
  api -X PUT --data-binary "@$WORK/${spec%%:*}" -o /dev/null \
    "http://localhost:$GATEWAY/api/workspaces/$WS/file?path=${spec%%:*}"
done

cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server { listen $NGINX; root $WORK/ws/$WS; }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$LOGS/nginx.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 40); do curl -fs -o /dev/null "http://localhost:$NGINX/small.txt" && break; sleep 0.25; done

# Prints "requests/s p50_ms p99_ms" for one wrk run.
measure() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { errors = $NF }
    END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, errors + 0 }'
}
echo "Warming up…"
for f in small.txt large.txt; do
  DURATION=$WARMUP measure -H "Authorization: Bearer $TOKEN" "http://localhost:$GATEWAY/api/workspaces/$WS/file?path=$f" >/dev/null
done
echo
printf '%-10s %-8s %12s %10s %10s %8s\n' file server 'requests/s' 'p50 ms' 'p99 ms' 'errors'
for f in small.txt large.txt; do
  read -r g_rps g_p50 g_p99 g_err < <(measure -H "Authorization: Bearer $TOKEN" \
    "http://localhost:$GATEWAY/api/workspaces/$WS/file?path=$f")
  read -r n_rps n_p50 n_p99 n_err < <(measure "http://localhost:$NGINX/$f")
  printf '%-10s %-8s %12s %10s %10s %8s\n' "$f" gateway "$g_rps" "$g_p50" "$g_p99" "$g_err"
  printf '%-10s %-8s %12s %10s %10s %8s\n' "$f" nginx "$n_rps" "$n_p50" "$n_p99" "$n_err"
  awk -v g="$g_rps" -v n="$n_rps" -v f="$f" 'BEGIN { printf "%-10s gateway/nginx throughput: %.2f\n\n", f, g / n }'
  if [ "$g_err" != 0 ] || [ "$n_err" != 0 ]; then
    echo "Some answers were errors; these figures do not measure file reads (see $LOGS)."
  fi
done
