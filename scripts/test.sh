#!/usr/bin/env bash
# The CRM Plus test command (see README, "Running the tests").
#   Tier 1: framework-free pytest (domain rules, metadata checks). Always runs.
#   Tier 2: the integration suite on a real Frappe site (bench run-tests), whenever a bench is found:
#           $CRM_PLUS_BENCH, else the first of /home/*/frappe-bench, /opt/*/frappe-bench, ~/frappe-bench
#           whose sites/apps.txt lists crm_plus. The site is $CRM_PLUS_SITE, else the first site of that
#           bench with "allow_tests" in its site_config.json. The checkout's app is copied into the bench,
#           migrated, and tested; MariaDB and the bench's Redis are started when they are not running.
# Exits non-zero when any test fails. Prints one closing line: "tests: N passed, N failed".
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app="$repo/apps/crm_plus"
logdir=$(mktemp -d)
passed=0
failed=0
status=0

say() { printf '\n== %s\n' "$*"; }

# ------------------------------------------------------------------ tier 1
say "Tier 1: framework-free tests (pytest apps/crm_plus/tests)"
python=${PYTHON:-python3}
if ! "$python" -c "import pytest, hypothesis" 2>/dev/null; then
	venv="$repo/.venv"
	[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
	"$venv/bin/pip" install -q pytest hypothesis || { echo "could not install pytest and hypothesis"; exit 2; }
	python="$venv/bin/python"
fi
(cd "$app" && "$python" -m pytest tests -q -p no:cacheprovider) 2>&1 | tee "$logdir/tier1.log"
t1=${PIPESTATUS[0]}
summary=$(grep -E '^[=]* ?[0-9]+ (passed|failed)' "$logdir/tier1.log" | tail -1)
p=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
f=$(grep -oE '[0-9]+ (failed|error)' <<<"$summary" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
if [ "$t1" -ne 0 ]; then
	status=1
	[ "${f:-0}" -eq 0 ] && failed=$((failed + 1))  # a collection error counts as a failure
fi

# ------------------------------------------------------------------ tier 2
. "$repo/scripts/find-bench.sh"

find_site() {
	if [ -n "${CRM_PLUS_SITE:-}" ]; then echo "$CRM_PLUS_SITE"; return; fi
	local cfg
	for cfg in "$1"/sites/*/site_config.json; do
		if grep -q '"allow_tests": *\(true\|1\)' "$cfg" 2>/dev/null; then
			basename "$(dirname "$cfg")"
			return
		fi
	done
}

bench_dir=$(find_bench)
if [ -z "$bench_dir" ] || [ ! -d "$bench_dir" ]; then
	say "SKIPPED: integration suite (tier 2): no Frappe bench with crm_plus was found (set CRM_PLUS_BENCH)"
else
	site=$(find_site "$bench_dir")
	owner=$(stat -c %U "$bench_dir")
	if [ -z "$site" ]; then
		say "SKIPPED: integration suite (tier 2): bench $bench_dir has no site with allow_tests (set CRM_PLUS_SITE)"
	else
		say "Tier 2: integration suite on $bench_dir, site $site, as $owner"
		as_owner() {
			# A login shell, with ~/.local/bin where `pip install --user frappe-bench` puts bench.
			local cmd="export PATH=\"\$HOME/.local/bin:\$PATH\"; $1"
			if [ "$(id -un)" = "$owner" ]; then
				bash -lc "$cmd"
			else
				runuser -u "$owner" -- bash -lc "$cmd"
			fi
		}
		# Services: MariaDB and the bench's Redis (cache and queue), started when not running.
		if ! mysqladmin ping --silent 2>/dev/null && [ "$(id -u)" = 0 ]; then
			(mysqld_safe >/dev/null 2>&1 &)
			for _ in $(seq 60); do mysqladmin ping --silent 2>/dev/null && break; sleep 1; done
		fi
		for conf in "$bench_dir"/config/redis_cache.conf "$bench_dir"/config/redis_queue.conf; do
			[ -f "$conf" ] || continue
			port=$(awk '/^port/ {print $2}' "$conf")
			if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
				as_owner "cd '$bench_dir/config' && redis-server '$conf' --daemonize yes >/dev/null"
			fi
		done
		# The code under test is this checkout's app.
		if command -v rsync >/dev/null; then
			rsync -a --delete --exclude .git --exclude '*.egg-info' --exclude __pycache__ \
				"$app/" "$bench_dir/apps/crm_plus/"
		else
			find "$bench_dir/apps/crm_plus" -mindepth 1 -maxdepth 1 ! -name .git ! -name '*.egg-info' -exec rm -rf {} +
			cp -a "$app/." "$bench_dir/apps/crm_plus/"
		fi
		[ "$(id -u)" = 0 ] && chown -R "$owner": "$bench_dir/apps/crm_plus"
		# The mail tests' real servers (Dovecot, aiosmtpd): installed when possible; they skip otherwise.
		bash "$repo/scripts/mail-servers.sh" "$bench_dir"
		as_owner "cd '$bench_dir' && bench --site '$site' migrate" >"$logdir/migrate.log" 2>&1
		if [ $? -ne 0 ]; then
			tail -40 "$logdir/migrate.log"
			echo "migrate failed"
			status=1
			failed=$((failed + 1))
		else
			as_owner "cd '$bench_dir' && bench --site '$site' run-tests --app crm_plus" 2>&1 | tee "$logdir/tier2.log"
			t2=${PIPESTATUS[0]}
			# The read-replica tier (crm_plus/tests/test_replica.py) runs inside tier 2 when the site
			# names a replica (replica_host, replica_db_port: scripts/replica.sh); it says so when it skips.
			if grep -q "\[replica tier\] SKIPPED" "$logdir/tier2.log"; then
				say "SKIPPED: replica tier: $(grep -m1 -o '\[replica tier\] SKIPPED.*' "$logdir/tier2.log" | sed 's/^\[replica tier\] SKIPPED: //')"
			else
				say "Replica tier: ran against the site's replica (crm_plus.tests.test_replica)"
			fi
			if grep -q "MAIL TESTS SKIPPED" "$logdir/tier2.log"; then
				say "SKIPPED: mail tests (real SMTP and IMAP servers): $(grep -m1 -o 'MAIL TESTS SKIPPED.*' "$logdir/tier2.log")"
			fi
			ran=$(grep -oE '^Ran [0-9]+ tests?' "$logdir/tier2.log" | grep -oE '[0-9]+' | tail -1)
			bad=$(grep -oE '^FAILED \((failures|errors)=[0-9]+(, (failures|errors)=[0-9]+)?' "$logdir/tier2.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
			bad=${bad:-0}
			if [ -z "$ran" ]; then
				echo "the integration suite did not report a test count"
				status=1
				failed=$((failed + 1))
			else
				passed=$((passed + ran - bad))
				failed=$((failed + bad))
				[ "$bad" -gt 0 ] && status=1
			fi
			[ "$t2" -ne 0 ] && status=1
		fi
	fi
fi

rm -rf "$logdir"
echo
echo "tests: $passed passed, $failed failed"
exit $status
