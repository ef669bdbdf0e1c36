#!/usr/bin/env bash
# The platform endpoint's benchmark, in one run, side by side:
#  (a) records/s: WorkerAttendance.Add in batches of 10 records with 20 KB images, every request
#      signed with a fresh nonce and timestamp, every record new, durable store (synchronous=FULL)
#      - target >= 5,000 records/s;
#  (b) small requests/s with the same load tool and the same connections: nginx answering a fixed
#      JSON reply to POST, versus gaterig answering a signed Project.Query (the full path: form
#      and JSON decoding, sign check, replay memory, request log and nonce committed in the next
#      group commit, events) and gaterig's own /health (the HTTP layer with its fault switch,
#      traffic counters and events) - target gaterig >= 0.5x nginx; both ratios are reported.
# See README.md beside this script for what the figures mean and the latest ones.
# Usage: tests/bench/platform/run.sh [BUILD_DIR]   (env: DURATION=10 RECORD_CONNS=16 SMALL_CONNS=32)
# Prints a table on stderr and one JSON line on stdout.
set -euo pipefail

BUILD=$(cd "${1:-build}" && pwd)
DURATION=${DURATION:-10}
RECORD_CONNS=${RECORD_CONNS:-16}
SMALL_CONNS=${SMALL_CONNS:-32}
GATERIG=${GATERIG:-$BUILD/gaterig}   # env GATERIG: another gaterig binary (before/after runs)
IO_THREADS=${IO_THREADS:-}            # env IO_THREADS: [platform.server] io_threads (default: the server's)
LOAD=$BUILD/tests/bench/platform/platform_load
for exe in "$GATERIG" "$LOAD"; do
  [[ -x $exe ]] || { echo "run.sh: $exe not built (cmake --build $BUILD --target gaterig platform_load)" >&2; exit 2; }
done
command -v nginx >/dev/null || { echo "run.sh: nginx not installed (nginx-light, see setup.sh)" >&2; exit 2; }

TMP=$(mktemp -d /tmp/gaterig-platform-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

APPID=bench-app
SECRET=0123456789abcdef0123456789abcdef
PROJECT=360100202401010001
TEAM=1000000001
cat > "$TMP/platform.toml" <<TOML
[platform]
store = "store.db"
dialects = ["national"]
[[platform.projects]]
code = "$PROJECT"
appid = "$APPID"
appsecret = "$SECRET"
[[platform.projects.teams]]
sys_no = "$TEAM"
name = "Bench team"
TOML
if [[ -n $IO_THREADS ]]; then
  printf '[platform.server]\nio_threads = %s\n' "$IO_THREADS" >> "$TMP/platform.toml"
fi

# Waits for the first line of a file (a ready line) and prints it.
first_line() {
  local file=$1
  for _ in $(seq 1 300); do
    if [[ -s $file ]]; then head -n1 "$file"; return 0; fi
    sleep 0.05
  done
  echo "run.sh: no ready line in $file" >&2
  return 1
}
json_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])$2)" "$1"; }

# ---- gaterig platform (durable store on the real disk, not tmpfs) ----------------------------
STORE_DIR=$(mktemp -d "${BENCH_STORE_DIR:-/var/tmp}/gaterig-platform-store.XXXXXX")
trap 'cleanup; rm -rf "$STORE_DIR"' EXIT
"$GATERIG" --log-level warn platform --config "$TMP/platform.toml" --store "$STORE_DIR/store.db" \
  >"$TMP/gaterig.out" 2>"$TMP/gaterig.err" &
PIDS+=($!)
GATERIG_PID=$!
READY=$(first_line "$TMP/gaterig.out")
PORT=$(json_field "$READY" "['port']")

common=(--appid "$APPID" --secret "$SECRET" --project "$PROJECT" --team "$TEAM" --duration "$DURATION")

echo "run.sh: (a) WorkerAttendance.Add, 10 records x 20 KB, $RECORD_CONNS connections, ${DURATION}s" >&2
A=$("$LOAD" --port "$PORT" --kind attendance --batch 10 --image-bytes 20480 --enroll 2000 \
    --connections "$RECORD_CONNS" "${common[@]}")

# ---- nginx on a free loopback port --------------------------------------------------------------
NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/nginx"
cat > "$TMP/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    default_type application/json;
    location / { return 200 '{"code":0,"message":"success","data":{"pageIndex":0,"pageSize":10,"rowTotal":1,"rows":[]}}'; }
  }
}
NGINX
nginx -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
PIDS+=($!)
for _ in $(seq 1 200); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$NGINX_PORT),0.2)" 2>/dev/null && break
  sleep 0.05
done

echo "run.sh: (b) small POST, $SMALL_CONNS connections, ${DURATION}s each: nginx, gaterig Project.Query, gaterig /health" >&2
B_NGINX=$("$LOAD" --port "$NGINX_PORT" --kind query --connections "$SMALL_CONNS" "${common[@]}")
B_QUERY=$("$LOAD" --port "$PORT" --kind query --connections "$SMALL_CONNS" "${common[@]}")
B_HEALTH=$("$LOAD" --port "$PORT" --kind query --path /health --connections "$SMALL_CONNS" "${common[@]}")

kill -TERM "$GATERIG_PID"
wait "$GATERIG_PID" || true
SUMMARY=$(grep '"event":"summary"' "$TMP/gaterig.out" || echo '{}')

python3 - "$A" "$B_NGINX" "$B_QUERY" "$B_HEALTH" "$SUMMARY" "$(nproc)" "$(cat /proc/loadavg)" <<'PY'
import json, sys
a, ng, q, h, summary = (json.loads(x) for x in sys.argv[1:6])
cores, loadavg = sys.argv[6], sys.argv[7]
def row(name, r, unit="requests_per_s"):
    lat = r["latency_ms"]
    return (f"  {name:<44} {r[unit]:>10.0f} {unit.split('_')[0]}/s   p50 {lat['p50']:7.2f} ms  p99 {lat['p99']:7.2f} ms"
            f"   errors {r['errors']}")
ratio_q = q["requests_per_s"] / ng["requests_per_s"] if ng["requests_per_s"] else 0
ratio_h = h["requests_per_s"] / ng["requests_per_s"] if ng["requests_per_s"] else 0
lines = [
    f"platform benchmark ({cores} cores, load average {loadavg.split()[0]} at the end)",
    "(a) durable attendance upload, 10 records x 20 KB images per request (target >= 5000 records/s)",
    row("gaterig WorkerAttendance.Add", a, "records_per_s"),
    f"  {'':<44} {a['requests_per_s']:>10.0f} requests/s, {a['request_bytes']} bytes each",
    "(b) small requests, same client, same connections (target gaterig >= 0.5x nginx)",
    row("nginx fixed reply", ng),
    row("gaterig signed Project.Query (full path)", q) + f"   {ratio_q:.2f}x nginx",
    row("gaterig /health (full HTTP stack)", h) + f"   {ratio_h:.2f}x nginx",
]
print("\n".join(lines), file=sys.stderr)
print(json.dumps({"records": a, "nginx": ng, "gaterig_query": q, "gaterig_health": h,
                  "query_vs_nginx": round(ratio_q, 3), "health_vs_nginx": round(ratio_h, 3),
                  "records_target_met": a["records_per_s"] >= 5000, "small_target_met": ratio_q >= 0.5,
                  "health_target_met": ratio_h >= 0.5,
                  "platform_summary": {k: summary.get(k) for k in ("records_accepted", "duplicates", "findings", "requests")},
                  "cores": int(cores), "loadavg": loadavg}))
PY
