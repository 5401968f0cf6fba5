#!/usr/bin/env bash
# One site served the way a growing company deploys Frappe, on loopback (README, "Deploying for a
# growing company"): two web processes (gunicorn, WEB_WORKERS workers each) behind one entry point
# (nginx, least connections), and two RQ workers on one queue. Run as the bench's user.
#
#   scripts/scale-out.sh start SITE    entry point http://127.0.0.1:$ENTRY_PORT, web on $WEB_PORTS
#   scripts/scale-out.sh check SITE    requests reach both web processes (with ADMIN_PASSWORD: one
#                                      logged-in session served by both); N jobs run exactly N times
#                                      across the two workers
#   scripts/scale-out.sh status SITE
#   scripts/scale-out.sh stop SITE
#
# The workers listen on a private queue (a redis-server on $QUEUE_PORT), so that they never take the
# jobs of the bench's other sites; the web processes and `check` enqueue there. No scheduler is started
# (on a real deployment exactly one `bench schedule` runs, beside any number of web processes and
# workers). Environment (defaults): BENCH=/home/frappe/frappe-bench, ENTRY_PORT=8041,
# WEB_PORTS="8042 8043", WEB_WORKERS=2, QUEUE_PORT=8049, JOBS=40.
set -euo pipefail

BENCH=${BENCH:-/home/frappe/frappe-bench}
ENTRY_PORT=${ENTRY_PORT:-8041}
WEB_PORTS=${WEB_PORTS:-"8042 8043"}
WEB_WORKERS=${WEB_WORKERS:-2}
QUEUE_PORT=${QUEUE_PORT:-8049}
JOBS=${JOBS:-40}
REPO=$(cd "$(dirname "$0")/.." && pwd)
export PYTHONPATH=${CRM_PLUS_APP:-$REPO/apps/crm_plus}
export FRAPPE_REDIS_QUEUE=redis://127.0.0.1:$QUEUE_PORT
export PATH=$PATH:/usr/sbin

die() { echo "scale-out.sh: $*" >&2; exit 1; }
[ "$(id -u)" != 0 ] || die "run as the bench's user (e.g. runuser -u frappe -- $0 $*)"
CMD=${1:-}
SITE=${2:-}
[ -n "$SITE" ] || { sed -n '2,18p' "$0"; exit 2; }
[ -d "$BENCH/sites/$SITE" ] || die "no site $SITE in $BENCH/sites"
RUN=/tmp/crm-plus-scale-out-$SITE
mkdir -p "$RUN"

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

start_bg() {  # name, command...: in the background, its own process group, pid in $RUN/name.pid
	local name=$1
	shift
	alive "$name" && return
	setsid nohup "$@" >"$RUN/$name.log" 2>&1 &
	echo $! >"$RUN/$name.pid"
}

write_nginx_conf() {
	local servers=""
	for port in $WEB_PORTS; do servers+="server 127.0.0.1:$port;"$'\n'; done
	mkdir -p "$RUN/nginx"
	cat >"$RUN/nginx.conf" <<-EOF
		daemon off;
		worker_processes 1;
		pid $RUN/nginx.pid.nginx;
		error_log $RUN/nginx-error.log warn;
		events { worker_connections 1024; }
		http {
		    include /etc/nginx/mime.types;
		    access_log $RUN/nginx-access.log;
		    client_body_temp_path $RUN/nginx/body;
		    proxy_temp_path $RUN/nginx/proxy;
		    fastcgi_temp_path $RUN/nginx/fastcgi;
		    uwsgi_temp_path $RUN/nginx/uwsgi;
		    scgi_temp_path $RUN/nginx/scgi;
		    client_max_body_size 50m;
		    upstream frappe_web {
		        least_conn;
		        $servers
		    }
		    server {
		        listen 127.0.0.1:$ENTRY_PORT;
		        location /assets { alias $BENCH/sites/assets; }
		        location /files { alias $BENCH/sites/$SITE/public/files; }
		        location / {
		            proxy_pass http://frappe_web;
		            proxy_set_header Host \$host;
		            proxy_set_header X-Frappe-Site-Name $SITE;
		            proxy_set_header X-Forwarded-For \$remote_addr;
		            proxy_read_timeout 120;
		            add_header X-Upstream \$upstream_addr always;
		        }
		    }
		}
	EOF
}

cmd_start() {
	command -v nginx >/dev/null || die "nginx is missing (Debian: apt-get install nginx-light)"
	command -v redis-server >/dev/null || die "redis-server is missing"
	start_bg queue redis-server --port "$QUEUE_PORT" --bind 127.0.0.1 --save "" --appendonly no
	local i=0
	for port in $WEB_PORTS; do
		i=$((i + 1))
		(cd "$BENCH/sites" && start_bg "web$i" "$BENCH/env/bin/gunicorn" -b "127.0.0.1:$port" \
			-w "$WEB_WORKERS" -t 120 --preload frappe.app:application)
	done
	for w in 1 2; do
		(cd "$BENCH" && start_bg "worker$w" "$(command -v bench)" worker --queue short,default,long)
	done
	write_nginx_conf
	start_bg entry nginx -c "$RUN/nginx.conf" -p "$RUN"
	for _ in $(seq 1 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$ENTRY_PORT/api/method/ping" && break
		sleep 0.3
	done
	cmd_status
}

cmd_status() {
	local name
	for name in entry web1 web2 worker1 worker2 queue; do
		if alive "$name"; then echo "$name: running (pid $(cat "$RUN/$name.pid"))"; else echo "$name: stopped"; fi
	done
	echo "entry point: http://127.0.0.1:$ENTRY_PORT (site $SITE); logs in $RUN"
}

cmd_check() {
	local seen
	seen=$(for _ in $(seq 1 20); do
		curl -s -D - -o /dev/null "http://127.0.0.1:$ENTRY_PORT/api/method/ping" | tr -d '\r' \
			| sed -n 's/^X-Upstream: //Ip'
	done | sort | uniq -c)
	echo "20 requests through the entry point, by web process:"
	echo "$seen"
	[ "$(echo "$seen" | grep -c .)" -ge 2 ] || die "the requests did not reach both web processes"
	if [ -n "${ADMIN_PASSWORD:-}" ]; then  # one session, served by either process
		local jar="$RUN/cookies" user
		curl -sf -c "$jar" -o /dev/null -H 'Content-Type: application/json' \
			-d "{\"usr\": \"Administrator\", \"pwd\": \"$ADMIN_PASSWORD\"}" \
			"http://127.0.0.1:$ENTRY_PORT/api/method/login" || die "login through the entry point failed"
		seen=$(for _ in $(seq 1 10); do
			curl -s -b "$jar" -D - -o "$RUN/user.json" "http://127.0.0.1:$ENTRY_PORT/api/method/frappe.auth.get_logged_user" \
				| tr -d '\r' | sed -n 's/^X-Upstream: //Ip'
			grep -q '"Administrator"' "$RUN/user.json" || die "a request lost the session"
		done | sort | uniq -c)
		echo "one logged-in session, 10 requests, by web process:"
		echo "$seen"
	fi
	cd "$BENCH"
	bench --site "$SITE" execute crm_plus.devtools.scale_out.check_workers --kwargs "{\"jobs\": $JOBS}"
}

cmd_stop() {
	local name
	for name in entry web1 web2 worker1 worker2 queue; do
		if alive "$name"; then
			kill -TERM -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || kill -TERM "$(cat "$RUN/$name.pid")"
			echo "$name: stopped"
		fi
		rm -f "$RUN/$name.pid"
	done
}

case "$CMD" in
start) cmd_start ;;
check) cmd_check ;;
status) cmd_status ;;
stop) cmd_stop ;;
*) sed -n '2,18p' "$0"; exit 2 ;;
esac
