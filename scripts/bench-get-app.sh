#!/usr/bin/env bash
# Put this checkout's app into a bench: bash scripts/bench-get-app.sh /path/to/frappe-bench
#
# `bench get-app` takes a URL or a local git repository whose root is the app. The app lives in
# apps/crm_plus of this repository, so this makes a git snapshot of that folder (owned by the bench's
# user, under the bench's own tmp folder) and runs `bench get-app` on it. Run it as the bench's owner,
# or as root (it then switches to the owner). A bench that has the app already gets this checkout's
# files over its copy.
set -euo pipefail

bench_dir=$(cd "${1:?usage: $0 /path/to/frappe-bench}" && pwd)
app_src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../apps/crm_plus" && pwd)
owner=$(stat -c %U "$bench_dir")
snapshot="$bench_dir/tmp/crm_plus"

run_as_owner() {
	if [ "$(id -un)" = "$owner" ]; then bash -c "$1"; else runuser -u "$owner" -- bash -lc "$1"; fi
}

rm -rf "$snapshot"
mkdir -p "$snapshot"
(cd "$app_src" && tar cf - --exclude=__pycache__ --exclude='*.egg-info' .) | (cd "$snapshot" && tar xf -)
[ "$(id -u)" = 0 ] && chown -R "$owner": "$bench_dir/tmp"
run_as_owner "cd '$snapshot' && git init -q -b main && git add -A && git -c user.name=crm_plus -c user.email=crm_plus@localhost commit -qm 'crm_plus snapshot'"
if [ -d "$bench_dir/apps/crm_plus" ]; then
	# The bench has the app already: `bench get-app` would ask whether to replace it and stop when nobody
	# answers (its --overwrite takes a local path for a GitHub name). Update that copy in place from the
	# snapshot instead; it is installed in the bench's environment as editable, so nothing else changes.
	# (files the checkout no longer has are removed from the copy too)
	run_as_owner "rsync -a --delete --exclude .git --exclude '*.egg-info' '$snapshot/' '$bench_dir/apps/crm_plus/'"
	run_as_owner "cd '$bench_dir' && env/bin/pip install -q -e apps/crm_plus"
else
	run_as_owner "cd '$bench_dir' && bench get-app --skip-assets '$snapshot'"
fi
# `--skip-assets` leaves the app's assets unbuilt and unlinked: /assets/crm_plus/... would answer 404 (the
# public survey, complaint and feedback pages could not submit, the desk would lose its seconds fix) on a
# production bench, which runs no build watcher. Build and link them now (`bench build --app` links the
# app's public folder into sites/assets and builds its bundles); install-app and migrate also link them
# when they are still missing (crm_plus.install.ensure_assets_link).
if ! run_as_owner "cd '$bench_dir' && bench build --app crm_plus"; then
	echo "warning: 'bench build --app crm_plus' failed; 'bench --site SITE install-app crm_plus' links the app's assets, or run the build again" >&2
fi
echo "crm_plus is in $bench_dir/apps; install it with: bench --site SITE install-app crm_plus"
