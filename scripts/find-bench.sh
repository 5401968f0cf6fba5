# shellcheck shell=bash
# Sourced by scripts/test.sh and scripts/acceptance-test.sh: `find_bench` prints the bench to use,
# $CRM_PLUS_BENCH, else the first of /home/*/frappe-bench, /opt/*/frappe-bench, ~/frappe-bench whose
# sites/apps.txt lists crm_plus (nothing when there is none).
find_bench() {
	if [ -n "${CRM_PLUS_BENCH:-}" ]; then echo "$CRM_PLUS_BENCH"; return; fi
	local d
	for d in /home/*/frappe-bench /opt/*/frappe-bench "$HOME/frappe-bench"; do
		if [ -d "$d/apps/frappe" ] && grep -qx "crm_plus" "$d/sites/apps.txt" 2>/dev/null; then
			echo "$d"
			return
		fi
	done
}
