#!/usr/bin/env bash
# CRM Plus on a fresh Debian/Ubuntu machine, in one command (run as root):
#   sudo bash scripts/setup-fresh-machine.sh
# Provisions MariaDB (utf8mb4) and Redis from the distribution, a user `frappe`, a bench built from
# bench's ordinary upstream source (frappe-bench from PyPI, Frappe version-15 from GitHub), a site
# with CRM Plus installed, the demo settings for tests, and starts the bench on http://localhost:8000.
#
# Settings (environment): BENCH_USER (frappe), BENCH_DIR (/home/$BENCH_USER/frappe-bench),
# SITE (crm.localhost), DB_ROOT_PASSWORD (root), ADMIN_PASSWORD (admin), FRAPPE_BRANCH (version-15).
set -euo pipefail

BENCH_USER=${BENCH_USER:-frappe}
BENCH_DIR=${BENCH_DIR:-/home/$BENCH_USER/frappe-bench}
SITE=${SITE:-crm.localhost}
DB_ROOT_PASSWORD=${DB_ROOT_PASSWORD:-root}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
FRAPPE_BRANCH=${FRAPPE_BRANCH:-version-15}
APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../apps/crm_plus" && pwd)

[ "$(id -u)" = 0 ] || { echo "run as root (bench itself runs as $BENCH_USER)"; exit 1; }

echo "== packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	git curl sudo rsync cron python3 python3-dev python3-venv python3-pip pkg-config build-essential \
	mariadb-server mariadb-client libmariadb-dev redis-server xvfb libfontconfig wkhtmltopdf nodejs npm >/dev/null
command -v yarn >/dev/null || npm install -g yarn >/dev/null

echo "== MariaDB (utf8mb4) and Redis"
cat >/etc/mysql/mariadb.conf.d/99-frappe.cnf <<'CNF'
[mysqld]
character-set-client-handshake = FALSE
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
[mysql]
default-character-set = utf8mb4
CNF
if ! mysqladmin ping --silent 2>/dev/null; then
	(mysqld_safe >/dev/null 2>&1 &)
	for _ in $(seq 60); do mysqladmin ping --silent 2>/dev/null && break; sleep 1; done
fi
mysql -uroot -p"$DB_ROOT_PASSWORD" -e "select 1" >/dev/null 2>&1 ||
	mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$DB_ROOT_PASSWORD'); FLUSH PRIVILEGES;"

echo "== user $BENCH_USER and the bench CLI"
id "$BENCH_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$BENCH_USER"
echo "$BENCH_USER ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/"$BENCH_USER"
as_bench() { sudo -u "$BENCH_USER" -H bash -lc "export PATH=\$HOME/.local/bin:\$PATH; $1"; }
as_bench "python3 -m pip install --user --break-system-packages -q frappe-bench"

echo "== bench (Frappe $FRAPPE_BRANCH)"
if [ ! -d "$BENCH_DIR/apps/frappe" ]; then
	as_bench "bench init --frappe-branch '$FRAPPE_BRANCH' --skip-redis-config-generation '$BENCH_DIR'"
	as_bench "cd '$BENCH_DIR' && env/bin/pip install -q 'setuptools<81'"
fi
as_bench "cd '$BENCH_DIR' && bench setup redis"

echo "== starting the bench: web, workers, scheduler and Redis (log: $BENCH_DIR/logs/bench-start.log)"
mkdir -p "$BENCH_DIR/logs" && chown "$BENCH_USER": "$BENCH_DIR/logs"
pgrep -u "$BENCH_USER" -f "frappe.utils.bench_helper frappe serve" >/dev/null ||
	as_bench "cd '$BENCH_DIR' && nohup bench start >logs/bench-start.log 2>&1 &"
port=$(awk '/^port/ {print $2}' "$BENCH_DIR/config/redis_cache.conf")
for _ in $(seq 60); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 1; done

echo "== the crm_plus app and site $SITE"
[ -d "$BENCH_DIR/apps/crm_plus" ] || bash "$(dirname "$APP_DIR")/../scripts/bench-get-app.sh" "$BENCH_DIR"
if [ ! -d "$BENCH_DIR/sites/$SITE" ]; then
	as_bench "cd '$BENCH_DIR' && bench new-site '$SITE' --db-root-password '$DB_ROOT_PASSWORD' --admin-password '$ADMIN_PASSWORD' --install-app crm_plus"
fi
as_bench "cd '$BENCH_DIR' && bench --site '$SITE' set-config allow_tests true && bench use '$SITE'"

echo "== the app's assets (built and linked; a production bench runs no build watcher)"
[ -e "$BENCH_DIR/sites/assets/crm_plus" ] || as_bench "cd '$BENCH_DIR' && bench build --app crm_plus"
for _ in $(seq 30); do
	curl -fsS -o /dev/null -H "Host: $SITE" http://127.0.0.1:8000/assets/crm_plus/js/public_post.js && break
	sleep 2
done
curl -fsS -o /dev/null -H "Host: $SITE" http://127.0.0.1:8000/assets/crm_plus/js/public_post.js ||
	echo "warning: /assets/crm_plus/js/public_post.js does not answer yet; run: cd $BENCH_DIR && bench build --app crm_plus" >&2

echo "CRM Plus runs at http://localhost:8000 (user Administrator, password $ADMIN_PASSWORD)."
echo "Run the tests with: bash scripts/test.sh"
