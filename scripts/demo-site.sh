#!/usr/bin/env bash
# A demo site in one command, on a bench that has crm_plus (see README):
#   bash scripts/demo-site.sh [/path/to/frappe-bench] [site name]
# Creates the site (MariaDB root password from $DB_ROOT_PASSWORD, default "root"), installs CRM Plus,
# fills it with the demo company (300 customers with transactions, visits, complaints, surveys), and
# prints the users to try it as each role.
set -euo pipefail
bench_dir=${1:-$(ls -d /home/*/frappe-bench 2>/dev/null | head -1)}
site=${2:-demo.localhost}
owner=$(stat -c %U "$bench_dir")
as_owner() { if [ "$(id -un)" = "$owner" ]; then bash -lc "$1"; else runuser -u "$owner" -- bash -lc "export PATH=\$HOME/.local/bin:\$PATH; $1"; fi; }
cd "$bench_dir"
if [ ! -d "sites/$site" ]; then
	as_owner "cd '$bench_dir' && bench new-site '$site' --db-root-password '${DB_ROOT_PASSWORD:-root}' --admin-password '${ADMIN_PASSWORD:-admin}' --install-app crm_plus"
fi
# Frappe's setup wizard, completed for the demo company (China, Asia/Shanghai, CNY) before any user
# exists: a site whose setup is not complete sends every user who logs in to the wizard, and users
# get the system's time zone when they are created (Asia/Kolkata while none is set). Does nothing
# where the setup is complete already.
as_owner "cd '$bench_dir' && bench --site '$site' execute frappe.desk.page.setup_wizard.setup_wizard.setup_complete --kwargs '{\"args\": {\"language\": \"English\", \"country\": \"China\", \"timezone\": \"Asia/Shanghai\", \"currency\": \"CNY\"}}'"
as_owner "cd '$bench_dir' && bench --site '$site' execute crm_plus.devtools.demo.generate --kwargs '{\"size\": \"demo\"}'"
as_owner "cd '$bench_dir' && bench --site '$site' execute crm_plus.devtools.demo.credentials"
echo "Open the site (bench start, then http://$site:8000) and log in as Administrator or any user above."
