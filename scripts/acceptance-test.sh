#!/usr/bin/env bash
# The acceptance suite (see README, "Running the tests"): a newcomer's first day, in Chromium.
#   bash scripts/acceptance-test.sh [SITE] [--keep] [--reuse] [--get-app]
#
# On the bench found as scripts/test.sh finds it ($CRM_PLUS_BENCH, else the first of
# /home/*/frappe-bench, /opt/*/frappe-bench, ~/frappe-bench whose sites/apps.txt lists crm_plus), it
# builds a brand-new site (default accept.localhost) with the README's own commands:
#   bench new-site SITE; bench --site SITE install-app crm_plus; bench --site SITE migrate;
#   bash scripts/demo-site.sh BENCH SITE   (the setup wizard for the demo company, the demo generator)
# serves it on 127.0.0.1:$CRM_PLUS_PORT (default 8017) with `bench --site SITE serve`, walks each
# role's tour of the README by clicks in Chromium (tests/acceptance), in Chinese on a phone and in
# English on a desktop, then stops the server and drops the site.
#   --keep     keep the site afterwards (it is dropped by default)
#   --reuse    use SITE as it is when it exists (no new site; for developing the suite)
#   --get-app  first put this checkout's app into the bench with scripts/bench-get-app.sh, as the
#              README's install does (it replaces the bench's copy of the app)
# CRM_PLUS_ONLY=REGEX runs only the tours whose name matches (e.g. "service-"); CRM_PLUS_PORT, the port.
# Needs node and npm, /usr/bin/chromium (apt-get install chromium fonts-wqy-zenhei), MariaDB root
# password in $DB_ROOT_PASSWORD (default "root"). Screenshots: tests/acceptance/artifacts/.
# Exits non-zero when the site cannot be built or any check fails.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
site=""
keep=""
reuse=""
get_app=""
for arg in "$@"; do
	case "$arg" in
	--keep) keep=yes ;;
	--reuse) reuse=yes ;;
	--get-app) get_app=yes ;;
	-*) echo "unknown option $arg" >&2; exit 2 ;;
	*) site=$arg ;;
	esac
done
site=${site:-accept.localhost}
port=${CRM_PLUS_PORT:-8017}
url="http://127.0.0.1:$port"
db_root=${DB_ROOT_PASSWORD:-root}
step_timeout=${CRM_PLUS_STEP_TIMEOUT:-900}

say() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

. "$repo/scripts/find-bench.sh"
bench_dir=$(find_bench)
if [ -z "$bench_dir" ] || [ ! -d "$bench_dir" ]; then
	echo "no Frappe bench with crm_plus was found (set CRM_PLUS_BENCH)" >&2
	exit 2
fi
owner=$(stat -c %U "$bench_dir")
as_owner() {
	# A login shell with ~/.local/bin (where `pip install --user frappe-bench` puts bench), bounded.
	local cmd="export PATH=\"\$HOME/.local/bin:\$PATH\"; cd '$bench_dir' && $1"
	if [ "$(id -un)" = "$owner" ]; then
		timeout "$step_timeout" bash -lc "$cmd"
	else
		timeout "$step_timeout" runuser -u "$owner" -- bash -lc "$cmd"
	fi
}

server_pid=""
created=""
cleanup() {
	if [ -n "$server_pid" ]; then
		# the server was started in a process group of its own: end that group only
		kill -TERM -- "-$server_pid" 2>/dev/null
		sleep 1
		kill -KILL -- "-$server_pid" 2>/dev/null
		server_pid=""
	fi
	if [ -n "$created" ] && [ -z "$keep" ]; then
		say "Dropping $site"
		as_owner "bench drop-site '$site' --db-root-password '$db_root' --no-backup --force" >/dev/null 2>&1 ||
			echo "could not drop $site"
		created=""
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
if [ -n "$get_app" ]; then
	say "bash scripts/bench-get-app.sh $bench_dir"
	bash "$repo/scripts/bench-get-app.sh" "$bench_dir" || exit 1
fi

if [ -d "$bench_dir/sites/$site" ] && [ -n "$reuse" ]; then
	say "Reusing the site $site"
else
	if [ -d "$bench_dir/sites/$site" ]; then
		echo "the site $site exists already: pass another name, or --reuse to test it as it is" >&2
		exit 2
	fi
	created=yes
	say "bench new-site $site"
	as_owner "bench new-site '$site' --db-root-password '$db_root' --admin-password admin" || { echo "new-site failed"; exit 1; }
	say "bench --site $site install-app crm_plus"
	as_owner "bench --site '$site' install-app crm_plus" || { echo "install-app failed"; exit 1; }
	say "bench --site $site migrate"
	as_owner "bench --site '$site' migrate" >/dev/null || { echo "migrate failed"; exit 1; }
	say "bash scripts/demo-site.sh $bench_dir $site (the demo company)"
	timeout "$step_timeout" bash "$repo/scripts/demo-site.sh" "$bench_dir" "$site" || { echo "the demo site failed"; exit 1; }
fi
say "Site ready after $(( $(date +%s) - started )) s"

if curl -s -o /dev/null "$url/api/method/ping"; then
	echo "something answers on port $port already: set CRM_PLUS_PORT" >&2
	exit 2
fi
say "bench --site $site serve --port $port"
log="$bench_dir/logs/acceptance-serve-$port.log"
pidfile=$(mktemp)
runner=$(mktemp)
cat >"$runner" <<EOF
cd '$bench_dir' && export PATH="\$HOME/.local/bin:\$PATH" && exec bench --site '$site' serve --port '$port' --noreload
EOF
chmod 644 "$runner"
# In a session (and process group) of its own, whose leader writes its id: the cleanup ends that group.
as_leader() { setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$pidfile" "$@" >"$log" 2>&1 & }
if [ "$(id -un)" = "$owner" ]; then as_leader bash -l "$runner"; else as_leader runuser -u "$owner" -- bash -l "$runner"; fi
for _ in $(seq 20); do [ -s "$pidfile" ] && break; sleep 0.2; done
server_pid=$(cat "$pidfile")
rm -f "$pidfile"
(sleep 30; rm -f "$runner") &
for _ in $(seq 90); do curl -sf -o /dev/null "$url/api/method/ping" && break; sleep 1; done
if ! curl -sf -o /dev/null "$url/api/method/ping"; then
	tail -20 "$log"
	echo "the server did not answer on $url"
	exit 1
fi

say "The tours in Chromium (tests/acceptance)"
cd "$repo/tests/acceptance"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund >/dev/null || { echo "npm install failed"; exit 1; }
rm -rf artifacts # screenshots and the state the tours pass on are this run's only
status=0
CRM_PLUS_URL="$url" CRM_PLUS_SITE="$site" timeout "${CRM_PLUS_SUITE_TIMEOUT:-900}" \
	node --test --test-concurrency=1 ${CRM_PLUS_ONLY:+--test-name-pattern="$CRM_PLUS_ONLY"} || status=$?
say "Done in $(( $(date +%s) - started )) s; screenshots in tests/acceptance/artifacts/"
exit $status
