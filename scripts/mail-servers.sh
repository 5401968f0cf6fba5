#!/usr/bin/env bash
# Installs the real mail servers the integration suite's mail tests run against (see
# apps/crm_plus/crm_plus/tests/mail_servers.py): Dovecot's IMAP server (Debian `dovecot-imapd`,
# installed when run as root) and aiosmtpd (PyPI) in the bench's Python. The tests start and stop the
# servers themselves, unprivileged, on loopback; nothing is started here (the package's own service is
# left stopped). Never fails: when something cannot be installed, the mail tests skip and say why.
#   usage: scripts/mail-servers.sh [BENCH_DIR]
set -uo pipefail
bench_dir=${1:-${CRM_PLUS_BENCH:-}}

if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "mail servers: installing dovecot-imapd"
		# policy-rc.d 101: the package's own system service is not started.
		policy=/usr/sbin/policy-rc.d
		made_policy=0
		if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1; fi
		(timeout 300 apt-get install -y -qq dovecot-imapd >/dev/null 2>&1 ||
			{ timeout 300 apt-get update -qq >/dev/null 2>&1 && timeout 300 apt-get install -y -qq dovecot-imapd >/dev/null 2>&1; }) ||
			echo "mail servers: could not install dovecot-imapd (the mail tests will skip)"
		[ "$made_policy" = 1 ] && rm -f "$policy"
	else
		echo "mail servers: dovecot is missing and this is not root: the mail tests will skip"
	fi
fi

if [ -n "$bench_dir" ] && [ -x "$bench_dir/env/bin/python" ]; then
	if ! "$bench_dir/env/bin/python" -c "import aiosmtpd" 2>/dev/null; then
		echo "mail servers: installing aiosmtpd into $bench_dir/env"
		owner=$(stat -c %U "$bench_dir")
		cmd="'$bench_dir/env/bin/python' -m pip install -q aiosmtpd"
		if [ "$(id -un)" = "$owner" ]; then
			timeout 300 bash -c "$cmd" || echo "mail servers: could not install aiosmtpd (the mail tests will skip)"
		else
			timeout 300 runuser -u "$owner" -- bash -c "$cmd" ||
				echo "mail servers: could not install aiosmtpd (the mail tests will skip)"
		fi
	fi
fi
exit 0
