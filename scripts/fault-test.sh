#!/usr/bin/env bash
# Fault drills (issue 8) on a site filled with `crm_plus.devtools.demo` data, each job run as a worker runs it
# (`bench execute`) and killed with SIGKILL halfway:
#   1. the nightly regrade killed after its first chunks: each committed chunk is whole (no grade
#      without its log), the rerun finishes the rest and logs nobody twice;
#   2. an escalation pass over 500 breached complaints killed halfway: what it committed (every 250
#      complaints) is whole; then two passes at once, then a third: each step claimed, sent and
#      logged once, and no alert left pending (alerts are batched per person after each pass).
#   3. Redis stopped and restarted while the desk saves records and enqueues jobs (scripts/fault_redis.py).
# Usage (as root or the bench owner):  bash scripts/fault-test.sh [SITE]    (default scale.test)
# Exits 1 when a check finds a problem. Loopback only; every step is bounded in time.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_dir=${CRM_PLUS_BENCH:-$(ls -d /home/*/frappe-bench 2>/dev/null | head -1)}
site=${1:-scale.test}
owner=$(stat -c %U "$bench_dir")
as_owner() { if [ "$(id -un)" = "$owner" ]; then bash -lc "$1"; else runuser -u "$owner" -- bash -lc "export PATH=\$HOME/.local/bin:\$PATH; $1"; fi; }
run() { as_owner "cd '$bench_dir' && timeout 1800 bench --site '$site' execute $1" | grep '^[{"0-9]' | tail -1; }
db() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$bench_dir/sites/$site/site_config.json" "$1"; }
sql() { mysql -h 127.0.0.1 -u "$(db db_name)" -p"$(db db_password)" "$(db db_name)" -N -s -e "$1" 2>/dev/null; }
# Runs the job $1 as a worker runs it and kills it like a lost worker (SIGKILL) once the SQL count $2 is
# above 0 (its first committed chunk), asking up to $3 times, $4 seconds apart.
kill_after_first_chunk() {
	local pid n
	as_owner "cd '$bench_dir' && exec bench --site '$site' execute $1" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq "$3"); do
		n=$(sql "$2" || echo 0)
		[ "${n:-0}" -gt 0 ] && break
		sleep "$4"
	done
	pkill -KILL -u "$owner" -f "frappe.utils.bench_helper frappe --site $site execute" || true
	wait "$pid" 2>/dev/null || true
}
failed=0
check() { # $1: label, $2: JSON from a check; fails when any problem count is non-zero
	echo "$1: $2"
	if ! python3 -c 'import json,sys; p=json.loads(sys.argv[1])["problems"]; sys.exit(1 if any(p.values()) else 0)' "$2"; then
		echo "  FAILED: $1"; failed=1
	fi
}

echo "== 1. regrade killed after its first chunks ($site)"
marker=$(run crm_plus.devtools.faults.prepare_regrade | tr -d '"')
kill_after_first_chunk crm_plus.crm_customers.grading.regrade_customers \
	"select count(*) from \`tabCRM Customer\` where grade_score <> -1 and disabled = 0 and grade_locked = 0" 600 0.5
check "after the kill" "$(run "crm_plus.devtools.faults.check_regrade --kwargs '{\"since\": \"$marker\"}'")"
run crm_plus.crm_customers.grading.regrade_customers >/dev/null
after=$(run "crm_plus.devtools.faults.check_regrade --kwargs '{\"since\": \"$marker\"}'")
check "after the rerun" "$after"
python3 -c 'import json,sys; c=json.loads(sys.argv[1]); sys.exit(0 if c["not_regraded"] == 0 and c["logged"] == c["customers"] else 1)' "$after" \
	|| { echo "  FAILED: the rerun did not finish the regrade"; failed=1; }

echo "== 2. escalation pass killed halfway, then two at once"
prepared=$(run "crm_plus.devtools.faults.prepare_escalation --kwargs '{\"count\": 500}'")
received=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["received"])' "$prepared")
kill_after_first_chunk crm_plus.crm_complaints.service_level.escalate \
	"select count(*) from \`tabCRM Complaint\` where received_at = '$received' and escalation_level > 0" 1200 0.1
killed=$(run "crm_plus.devtools.faults.check_escalation --kwargs '{\"received\": \"$received\"}'")
check "after the kill" "$killed"
echo "  (a pass commits every 250 complaints: what it finished before the kill stays, whole)"
as_owner "cd '$bench_dir' && bench --site '$site' execute crm_plus.crm_complaints.service_level.escalate" >/dev/null 2>&1 &
p1=$!
as_owner "cd '$bench_dir' && bench --site '$site' execute crm_plus.crm_complaints.service_level.escalate" >/dev/null 2>&1 &
p2=$!
start=$(date +%s)
wait "$p1" "$p2" || true
echo "two passes at once took $(($(date +%s) - start)) s (with the bench's start-up)"
both=$(run "crm_plus.devtools.faults.check_escalation --kwargs '{\"received\": \"$received\"}'")
check "after two passes at once" "$both"
run crm_plus.crm_complaints.service_level.escalate >/dev/null
again=$(run "crm_plus.devtools.faults.check_escalation --kwargs '{\"received\": \"$received\"}'")
check "after one more pass" "$again"
python3 -c 'import json,sys; a,b=(json.loads(x) for x in sys.argv[1:]); a.pop("problems"); b.pop("problems"); sys.exit(0 if a == b and a["escalated complaints"] > 0 else 1)' "$both" "$again" \
	|| { echo "  FAILED: the extra pass changed the escalations"; failed=1; }
python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["alerts pending"] == 0 else 1)' "$again" \
	|| { echo "  FAILED: alerts left pending after complete passes"; failed=1; }

echo "== 3. Redis restarted while the desk saves and enqueues"
python3 "$repo/scripts/fault_redis.py" --bench "$bench_dir" --site "$site" --owner "$owner" || failed=1

[ "$failed" = 0 ] && echo "fault drills: all checks passed" || echo "fault drills: FAILED"
exit $failed
