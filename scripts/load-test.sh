#!/usr/bin/env bash
# A company's working day under load: Locust against gunicorn with RQ workers and the scheduler.
#
#   bash scripts/load-test.sh [SITE] [USERS] [STEP_SECONDS] [PORT]
#
#   SITE          the bench site to load (default load.test); it must hold the demo data
#                 (bench --site SITE execute crm_plus.devtools.demo.generate --kwargs '{"size": "large"}').
#                 Never a production site: the test adds records and a survey campaign.
#   USERS         concurrent users per step, space-separated in one argument (default "20 40 60 80 100");
#                 each step starts a fresh Locust run with that many people (reps 10 : agents 2 :
#                 managers 2 : guests 6), ramping up in 10 s, measured for STEP_SECONDS.
#   STEP_SECONDS  length of each step (default 150)
#   PORT          loopback port for gunicorn (default 8031); PORT+1 runs a private Redis queue.
#
# Environment: BENCH (default /home/frappe/frappe-bench), APP_PATH (the crm_plus checkout whose code
# runs; default this checkout's apps/crm_plus), LOCUST (default /home/frappe/locust-venv/bin/locust;
# `python3 -m venv /home/frappe/locust-venv && /home/frappe/locust-venv/bin/pip install locust`),
# WORKERS (gunicorn workers, default 4), OUT (results folder, default /tmp/load-test-<time>).
#
# What runs, as a production bench runs it (bench's supervisor template): gunicorn -w 4 --preload
# frappe.app:application on 127.0.0.1:PORT, one `bench worker` (all queues) and `bench schedule`,
# with the site's scheduler enabled. They run from a sites folder of their own beside the bench's
# (the site linked in, the bench's config with the queue on a private Redis at PORT+1), so that this
# test's jobs and scheduler touch only SITE on a shared development bench. All of them are stopped
# when the script ends, however it ends.
#
# Output in OUT: per step Locust's CSV (step-N_stats.csv: per endpoint p50/p95/p99, requests/s,
# failures), the desk calls' p50/p95/p99 (step-N_desk.json), CPU seconds of gunicorn and MariaDB over
# the step (step-N_cpu.json) and the machine's load; summary.txt with the table; verify.txt: every
# acknowledged write found with the values sent and nothing else added (exit status 1 otherwise).
set -euo pipefail

SITE=${1:-load.test}
USERS=${2:-"20 40 60 80 100"}
STEP_SECONDS=${3:-150}
PORT=${4:-8031}
QUEUE_PORT=$((PORT + 1))
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-/home/frappe/frappe-bench}
APP_PATH=${APP_PATH:-$(cd "$HERE/../apps/crm_plus" && pwd)}
LOCUST=${LOCUST:-/home/frappe/locust-venv/bin/locust}
WORKERS=${WORKERS:-4}
OUT=${OUT:-/tmp/load-test-$(date -u +%Y%m%d-%H%M%S)}

if [ "$(id -u)" = 0 ]; then
	# bench refuses root: run as the bench's owner
	owner=$(stat -c %U "$BENCH")
	exec runuser -u "$owner" -- env BENCH="$BENCH" APP_PATH="$APP_PATH" LOCUST="$LOCUST" WORKERS="$WORKERS" \
		OUT="$OUT" PROFILE_STEP="${PROFILE_STEP:-}" PYSPY="${PYSPY:-}" bash "$0" "$SITE" "$USERS" "$STEP_SECONDS" "$PORT"
fi
[ -x "$LOCUST" ] || { echo "Locust not found at $LOCUST (see the head of this script)"; exit 2; }
[ -d "$BENCH/sites/$SITE" ] || { echo "No site $SITE in $BENCH"; exit 2; }
mkdir -p "$OUT"
export PYTHONPATH="$APP_PATH"
PY="$BENCH/env/bin/python"
RUN="$OUT/run"  # the private sites folder
mkdir -p "$RUN/sites" "$RUN/logs"
# The site is a folder of its own here (Frappe's scheduler skips a site that is a symbolic link), its
# contents linked to the bench's site.
mkdir -p "$RUN/sites/$SITE"
for entry in "$BENCH/sites/$SITE"/* "$BENCH/sites/$SITE"/.[!.]*; do
	[ -e "$entry" ] && ln -sfn "$entry" "$RUN/sites/$SITE/$(basename "$entry")"
done
ln -sfn "$BENCH/sites/assets" "$RUN/sites/assets"
cp "$BENCH/sites/apps.txt" "$RUN/sites/apps.txt"
[ -f "$BENCH/sites/apps.json" ] && cp "$BENCH/sites/apps.json" "$RUN/sites/apps.json"
ln -sfn "$BENCH/apps" "$RUN/apps"
ln -sfn "$BENCH/env" "$RUN/env"
"$PY" - "$BENCH/sites/common_site_config.json" "$RUN/sites/common_site_config.json" "$QUEUE_PORT" <<'EOF'
import json, sys
conf = json.load(open(sys.argv[1]))
conf["redis_queue"] = f"redis://127.0.0.1:{sys.argv[3]}"
conf["bench_id"] = f"load-test-{sys.argv[3]}"
json.dump(conf, open(sys.argv[2], "w"), indent=1)
EOF

PIDS=()
locust_pid=""
cleanup() {
	set +e  # every process is stopped, whatever one kill answers
	if [ -n "$locust_pid" ]; then kill -TERM "$locust_pid" 2>/dev/null; fi
	for pid in "${PIDS[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	done
	sleep 2
	for pid in "${PIDS[@]}"; do
		kill -KILL -- "-$pid" 2>/dev/null
	done
	PIDS=()
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # the EXIT trap stops everything

bench_site() { (cd "$RUN/sites" && "$PY" -m frappe.utils.bench_helper frappe --site "$SITE" "$@"); }

for port in "$PORT" "$QUEUE_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "Port $port is in use: stop what listens there or choose another PORT"
		exit 2
	fi
done
echo "== $(date -u +%FT%TZ) site $SITE, steps: $USERS users x ${STEP_SECONDS}s, gunicorn -w $WORKERS on 127.0.0.1:$PORT"
setsid redis-server --port "$QUEUE_PORT" --bind 127.0.0.1 --save "" --appendonly no \
	>"$RUN/logs/redis.log" 2>&1 &
PIDS+=($!)
bench_site enable-scheduler
(cd "$RUN/sites" && exec setsid "$BENCH/env/bin/gunicorn" -b "127.0.0.1:$PORT" -w "$WORKERS" -t 120 \
	--graceful-timeout 30 --preload frappe.app:application >"$RUN/logs/web.log" 2>&1) &
PIDS+=($!)
WEB_PID=$!
(cd "$RUN/sites" && exec setsid "$PY" -m frappe.utils.bench_helper frappe worker \
	>"$RUN/logs/worker.log" 2>&1) &
PIDS+=($!)
JOB_PIDS="$!"
(cd "$RUN/sites" && exec setsid "$PY" -m frappe.utils.bench_helper frappe schedule \
	>"$RUN/logs/schedule.log" 2>&1) &
PIDS+=($!)
JOB_PIDS="$JOB_PIDS $!"
for _ in $(seq 60); do
	curl -sf -H "Host: $SITE" "http://127.0.0.1:$PORT/api/method/ping" >/dev/null && break
	sleep 1
done
curl -sf -H "Host: $SITE" "http://127.0.0.1:$PORT/api/method/ping" >/dev/null || {
	echo "gunicorn did not answer"; tail -20 "$RUN/logs/web.log"; exit 1
}

FIXTURE="$OUT/fixture.json"
JOURNAL="$OUT/journal.jsonl"
: >"$JOURNAL"
bench_site execute crm_plus.devtools.load_test.prepare --kwargs "{\"out\": \"$FIXTURE\"}" | tail -1

# CPU seconds (user+system, in ticks) of processes, from /proc: the process groups this script
# started (gunicorn and its workers; the job worker and the scheduler), or every mariadbd.
cpu_of() { # "group PGID..." or "name NAME"
	local total=0 pid t pids
	if [ "$1" = group ]; then
		shift
		pids=$(ps -e -o pid=,pgid= | awk -v g=" $* " 'index(g, " " $2 " ") {print $1}')
	else
		pids=$(pgrep -x "$2" || true)
	fi
	for pid in $pids; do
		t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + t))
	done
	echo "$total"
}
TICKS=$(getconf CLK_TCK)
RAMP=10
# With PROFILE_STEP=N (and PYSPY, default /home/frappe/locust-venv/bin/py-spy, run as root), the
# gunicorn workers are sampled for 60 s of step N: folded stacks in OUT/profile-<pid>.txt.
PYSPY=${PYSPY:-/home/frappe/locust-venv/bin/py-spy}
profile_workers() {
	for pid in $(ps -e -o pid=,ppid= | awk -v p="$WEB_PID" '$2 == p {print $1}'); do
		"$PYSPY" record -p "$pid" -d 60 -r 50 -f raw -o "$OUT/profile-$pid.txt" --nonblocking \
			>"$OUT/profile-$pid.log" 2>&1 &
	done
}
step=0
for users in $USERS; do
	step=$((step + 1))
	rate=$(( (users + 9) / 10 ))
	echo "-- step $step: $users users, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	LOAD_FIXTURE="$FIXTURE" LOAD_JOURNAL="$JOURNAL" LOAD_RESULT="$OUT/step-$step""_desk.json" \
		LOAD_HOST_HEADER="$SITE" LOAD_TOKEN_SLICE="$(( (step - 1) * 1000 )):1000" \
		timeout $((STEP_SECONDS + RAMP + 60)) "$LOCUST" -f "$HERE/load/locustfile.py" --headless \
		-H "http://127.0.0.1:$PORT" -u "$users" -r "$(( (users + RAMP - 1) / RAMP ))" \
		-t "$((STEP_SECONDS + RAMP))s" --reset-stats --csv "$OUT/step-$step" --only-summary \
		--stop-timeout 20 >"$OUT/step-$step.log" 2>&1 &
	locust_pid=$!
	# Measure after the ramp (log-ins and desk boots), as Locust does with --reset-stats.
	sleep "$RAMP"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	g0=$(cpu_of group $WEB_PID); m0=$(cpu_of name mariadbd); w0=$(cpu_of group $JOB_PIDS)
	t0=$(date +%s.%N)
	[ -n "${PROFILE_STEP:-}" ] && [ "$PROFILE_STEP" = "$step" ] && profile_workers
	wait "$locust_pid" || true
	t1=$(date +%s.%N)
	g1=$(cpu_of group $WEB_PID); m1=$(cpu_of name mariadbd); w1=$(cpu_of group $JOB_PIDS)
	load_after=$(cut -d' ' -f1-3 /proc/loadavg)
	"$PY" - "$OUT/step-$step""_cpu.json" "$users" "$t0" "$t1" "$g0" "$g1" "$m0" "$m1" "$w0" "$w1" "$TICKS" \
		"$load_before" "$load_after" <<'EOF'
import json, sys
out, users, t0, t1, g0, g1, m0, m1, w0, w1, ticks, lb, la = sys.argv[1:]
wall = float(t1) - float(t0)
tk = float(ticks)
json.dump({"users": int(users), "wall_s": round(wall, 1),
	"gunicorn_cpu_s": round((int(g1) - int(g0)) / tk, 1), "mariadb_cpu_s": round((int(m1) - int(m0)) / tk, 1),
	"jobs_cpu_s": round((int(w1) - int(w0)) / tk, 1), "load_before": lb, "load_after": la}, open(out, "w"))
EOF
	{ uptime; top -b -n 1 | head -25; } >"$OUT/step-$step""_top.txt" 2>/dev/null || true
done

"$PY" "$HERE/load/summary.py" "$OUT" | tee "$OUT/summary.txt"
echo "== verify (servers, worker and scheduler stopped first)"
cleanup
set +e
bench_site execute crm_plus.devtools.load_test.verify \
	--kwargs "{\"fixture\": \"$FIXTURE\", \"journal\": \"$JOURNAL\"}" | tee "$OUT/verify.txt"
grep -q '^VERIFY OK' "$OUT/verify.txt"
status=$?
bench_site disable-scheduler >/dev/null 2>&1
echo "== results in $OUT"
exit $status
