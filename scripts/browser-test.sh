#!/usr/bin/env bash
# Browser tests (tier 3): headless Chromium from Debian's `chromium` package, driven by playwright-core,
# against a running bench with built desk assets. Screenshots go to tests/browser/artifacts/.
#   bash scripts/browser-test.sh            (finds the bench and site as scripts/test.sh does)
# Needs: node and npm, /usr/bin/chromium (apt-get install chromium fonts-wqy-zenhei), a bench whose
# assets are built (`bench build`). Starts `bench serve` on 127.0.0.1:8000 if nothing answers there,
# and one `bench worker` (queues short, default) for the run when the bench runs none.
# CRM_PLUS_ADMIN_PASSWORD (default admin): Administrator's, for the views tests/browser/xss.test.mjs
# makes as Administrator (skipped with a note when it does not sign in).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_dir=${CRM_PLUS_BENCH:-$(ls -d /home/*/frappe-bench 2>/dev/null | head -1)}
site=${CRM_PLUS_SITE:-crm.test}
owner=$(stat -c %U "$bench_dir")
url=${CRM_PLUS_URL:-http://127.0.0.1:8000}
as_owner() { if [ "$(id -un)" = "$owner" ]; then bash -lc "$1"; else runuser -u "$owner" -- bash -lc "export PATH=\$HOME/.local/bin:\$PATH; $1"; fi; }

started=""
if ! curl -sf "$url/api/method/ping" >/dev/null; then
	as_owner "cd '$bench_dir' && (nohup bench --site '$site' serve --port 8000 >logs/browser-serve.log 2>&1 &)"
	started=yes
	for _ in $(seq 60); do curl -sf "$url/api/method/ping" >/dev/null && break; sleep 1; done
fi
# The public survey's follow-up (the complaint an unhappy answer opens) runs as a background job, as on a
# production bench: start one worker for the run when the bench has none.
worker=""
if ! pgrep -u "$owner" -f "frappe.utils.bench_helper frappe worker" >/dev/null; then
	as_owner "cd '$bench_dir' && (nohup bench worker --queue short,default >logs/browser-worker.log 2>&1 &)"
	worker=yes
fi
fixture=$(as_owner "cd '$bench_dir' && bench --site '$site' execute crm_plus.tests.browser_fixtures.setup" | tail -1)
export CRM_PLUS_FIXTURE=$(python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(v if isinstance(v, str) else json.dumps(v))' "$fixture")
cd "$repo/tests/browser"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund >/dev/null
status=0
CRM_PLUS_URL="$url" node --test || status=$?
if [ -n "$worker" ]; then pkill -u "$owner" -f "frappe.utils.bench_helper frappe worker --queue short,default" || true; fi
if [ -n "$started" ]; then pkill -u "$owner" -f "frappe.utils.bench_helper frappe --site $site serve" || true; fi
exit $status
