#!/usr/bin/env bash
# A MariaDB replica of the bench's sites on loopback, for Frappe's `read_from_replica` (see
# docs/DEVELOPING.md, "A read replica on your bench"). Run as root (the server runs as the `mysql` user).
#
#   scripts/replica.sh primary [--restart]  binary log + server_id on the primary (a restart of the
#                                           primary mysqld is needed once; --restart does it)
#   scripts/replica.sh start SITE...        a second mariadbd on 127.0.0.1:3307 (read_only, server_id 2)
#                                           replicating the sites' databases; seeded from a dump of the
#                                           primary the first time or when the list of sites changes
#   scripts/replica.sh reseed SITE...       drop the replica's copies and seed them again
#   scripts/replica.sh status               running? replicating? how far behind?
#   scripts/replica.sh stop                 stop the replica's server (data and position are kept)
#
# Every step is idempotent: `start` on a running, replicating replica only checks it. Loopback only.
# Environment (defaults): BENCH=/home/frappe/frappe-bench, PRIMARY_PORT=3306, PRIMARY_ROOT_PASSWORD=root,
# REPLICA_PORT=3307, REPLICA_DIR=/var/lib/mysql-replica, REPLICA_ROOT_PASSWORD=root,
# REPL_PASSWORD=repl (the replication account `repl`@`127.0.0.1` on the primary).
set -euo pipefail

BENCH=${BENCH:-/home/frappe/frappe-bench}
PRIMARY_PORT=${PRIMARY_PORT:-3306}
PRIMARY_ROOT_PASSWORD=${PRIMARY_ROOT_PASSWORD:-root}
REPLICA_PORT=${REPLICA_PORT:-3307}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/mysql-replica}
REPLICA_ROOT_PASSWORD=${REPLICA_ROOT_PASSWORD:-root}
REPL_PASSWORD=${REPL_PASSWORD:-repl}
RUN_DIR=/run/mysqld-replica
SOCKET=$RUN_DIR/mysqld.sock
PIDFILE=$RUN_DIR/mysqld.pid
CNF=$REPLICA_DIR.cnf
SITES_FILE=$REPLICA_DIR.sites
LOG=$REPLICA_DIR/replica.err
PRIMARY_CNF=/etc/mysql/mariadb.conf.d/70-crm-plus-replication.cnf

die() { echo "replica.sh: $*" >&2; exit 1; }
primary() { mariadb -h127.0.0.1 -P"$PRIMARY_PORT" -uroot -p"$PRIMARY_ROOT_PASSWORD" -N -B "$@"; }
replica() { mariadb -S "$SOCKET" -uroot -N -B "$@"; }
running() { [ -S "$SOCKET" ] && mariadb-admin -S "$SOCKET" -uroot ping >/dev/null 2>&1; }
need_root() { [ "$(id -u)" = 0 ] || die "run as root (the replica's server runs as the mysql user)"; }

db_name() {  # the database of a site, from its site_config.json
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_name"])' \
		"$BENCH/sites/$1/site_config.json" 2>/dev/null || die "no site $1 in $BENCH/sites"
}

cmd_primary() {
	need_root
	if [ ! -f "$PRIMARY_CNF" ]; then
		cat >"$PRIMARY_CNF" <<-EOF
			# CRM Plus scripts/replica.sh: the primary writes a binary log for its replica (loopback).
			[mysqld]
			server_id = 1
			log_bin = mariadb-bin
			log_bin_index = mariadb-bin.index
			binlog_format = MIXED
			expire_logs_days = 2
		EOF
		echo "wrote $PRIMARY_CNF"
	fi
	if [ "$(primary -e 'select @@log_bin')" = 1 ]; then
		echo "primary: binary log on (server_id $(primary -e 'select @@server_id'))"
		return
	fi
	if [ "${1:-}" != "--restart" ]; then
		echo "primary: binary log still off: restart the primary mysqld (scripts/replica.sh primary --restart)"
		return 1
	fi
	echo "restarting the primary mysqld ..."
	local pid
	pid=$(primary -e 'select @@pid_file' | xargs cat 2>/dev/null || true)
	# wait until the server and its mysqld_safe have exited, or the new mysqld_safe finds them running
	mariadb-admin -h127.0.0.1 -P"$PRIMARY_PORT" -uroot -p"$PRIMARY_ROOT_PASSWORD" shutdown
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	while pgrep -f '^/bin/sh /usr/bin/mysqld_safe' >/dev/null; do sleep 0.2; done
	(setsid nohup mysqld_safe >/dev/null 2>&1 &)
	for _ in $(seq 1 300); do
		primary -e 'select 1' >/dev/null 2>&1 && break
		sleep 0.2
	done
	[ "$(primary -e 'select @@log_bin')" = 1 ] || die "the primary came back without its binary log"
	echo "primary: binary log on"
}

write_cnf() {  # the replica's configuration; replicates only the named databases
	{
		echo "# CRM Plus scripts/replica.sh: a read replica on loopback (generated; rewritten by start)"
		echo "[mysqld]"
		echo "server_id = 2"
		echo "port = $REPLICA_PORT"
		echo "bind_address = 127.0.0.1"
		echo "socket = $SOCKET"
		echo "pid_file = $PIDFILE"
		echo "datadir = $REPLICA_DIR"
		echo "log_error = $LOG"
		echo "user = mysql"
		echo "read_only = ON"
		echo "relay_log = relay-bin"
		echo "innodb_buffer_pool_size = 256M"
		echo "character-set-client-handshake = FALSE"
		echo "character-set-server = utf8mb4"
		echo "collation-server = utf8mb4_unicode_ci"
		for db in "$@"; do echo "replicate_wild_do_table = $db.%"; done
	} >"$CNF"
}

start_server() {
	running && return
	mkdir -p "$RUN_DIR" && chown mysql:mysql "$RUN_DIR"
	if [ ! -d "$REPLICA_DIR/mysql" ]; then
		echo "initialising $REPLICA_DIR ..."
		mariadb-install-db --defaults-file="$CNF" --user=mysql --datadir="$REPLICA_DIR" \
			--auth-root-authentication-method=socket >/dev/null
	fi
	(setsid nohup /usr/sbin/mariadbd --defaults-file="$CNF" >/dev/null 2>&1 &)
	for _ in $(seq 1 100); do
		running && break
		sleep 0.2
	done
	running || die "the replica's server did not start (see $LOG)"
	# root also by password over TCP on loopback, as on the primary (the integration tier pauses
	# replication and reads the general log)
	replica -e "alter user 'root'@'localhost' identified via unix_socket
		or mysql_native_password using password('$REPLICA_ROOT_PASSWORD');"
}

seed() {  # CHANGE MASTER, then the primary's databases with their GTID position, then the sites' users
	local dbs=("$@")
	primary -e "create user if not exists 'repl'@'127.0.0.1' identified by '$REPL_PASSWORD';
		grant replication slave on *.* to 'repl'@'127.0.0.1';"
	replica -e "stop slave; reset slave all;
		change master to master_host='127.0.0.1', master_port=$PRIMARY_PORT, master_user='repl',
			master_password='$REPL_PASSWORD', master_use_gtid=slave_pos;"
	for db in $(replica -e "select schema_name from information_schema.schemata where schema_name like '\\_%'"); do
		replica -e "drop database \`$db\`"
	done
	echo "seeding ${dbs[*]} from a dump of the primary ..."
	# --gtid with --master-data=1 sets gtid_slave_pos to the dump's consistent point
	mariadb-dump -h127.0.0.1 -P"$PRIMARY_PORT" -uroot -p"$PRIMARY_ROOT_PASSWORD" --single-transaction \
		--master-data=1 --gtid --routines --triggers --events --add-drop-database --databases "${dbs[@]}" \
		| replica
	for db in "${dbs[@]}"; do  # the site's own account, exactly as on the primary (same password hash)
		local user_host
		for user_host in $(primary -e "select concat(quote(user), '@', quote(host)) from mysql.user where user = '$db'"); do
			replica -e "set sql_log_bin=0; $(primary -e "show create user $user_host");" 2>/dev/null || true
			primary -e "show grants for $user_host" | while read -r grant; do
				replica -e "set sql_log_bin=0; $grant"
			done
		done
	done
	replica -e "start slave"
}

cmd_start() {
	need_root
	[ $# -gt 0 ] || die "usage: replica.sh start SITE [SITE...]"
	[ "$(primary -e 'select @@log_bin')" = 1 ] || die "the primary has no binary log: scripts/replica.sh primary --restart"
	local dbs=() site
	for site in "$@"; do dbs+=("$(db_name "$site")"); done
	write_cnf "${dbs[@]}"
	local wanted current
	wanted=$(printf '%s\n' "$@" | sort -u)
	current=$(sort -u "$SITES_FILE" 2>/dev/null || true)
	if running && [ "$wanted" != "$current" ]; then  # new filters need a restart of the replica
		mariadb-admin -S "$SOCKET" -uroot shutdown
	fi
	start_server
	if [ "$wanted" != "$current" ] || [ "${FORCE_SEED:-0}" = 1 ] \
		|| [ -z "$(replica -e 'show slave status')" ]; then
		seed "${dbs[@]}"
		echo "$wanted" >"$SITES_FILE"
	else
		replica -e "start slave" 2>/dev/null || true
	fi
	wait_caught_up
	cmd_status
	echo
	echo "Frappe reads @frappe.read_only() requests from it with (for each site):"
	for site in "$@"; do
		echo "  bench --site $site set-config -p read_from_replica 1"
		echo "  bench --site $site set-config replica_host 127.0.0.1"
		echo "  bench --site $site set-config -p replica_db_port $REPLICA_PORT"
	done
}

wait_caught_up() {
	local target
	target=$(primary -e 'select @@gtid_binlog_pos')
	for _ in $(seq 1 150); do
		[ -n "$(replica -e "select 1 where master_gtid_wait('$target', 0) = 0")" ] && return
		sleep 0.2
	done
	echo "replica.sh: the replica is still behind the primary after 30 s" >&2
}

cmd_status() {
	echo "primary 127.0.0.1:$PRIMARY_PORT: log_bin=$(primary -e 'select @@log_bin' 2>/dev/null || echo '?')" \
		"gtid_binlog_pos=$(primary -e 'select @@gtid_binlog_pos' 2>/dev/null || echo '?')"
	if ! running; then
		echo "replica 127.0.0.1:$REPLICA_PORT: stopped"
		return 3
	fi
	echo "replica 127.0.0.1:$REPLICA_PORT: running, read_only=$(replica -e 'select @@read_only')," \
		"sites: $(tr '\n' ' ' <"$SITES_FILE" 2>/dev/null)"
	mariadb -S "$SOCKET" -uroot -e "show slave status\G" | grep -E "Slave_IO_Running:|Slave_SQL_Running:|Seconds_Behind_Master|Gtid_IO_Pos|Last_(IO_|SQL_)?Error:" \
		| sed 's/^ */  /'
}

cmd_stop() {
	need_root
	if running; then
		replica -e "stop slave" || true
		mariadb-admin -S "$SOCKET" -uroot shutdown
		echo "replica stopped"
	else
		echo "replica not running"
	fi
}

case "${1:-}" in
primary) shift; cmd_primary "$@" ;;
start) shift; cmd_start "$@" ;;
reseed) shift; FORCE_SEED=1 cmd_start "$@" ;;
status) cmd_status ;;
stop) cmd_stop ;;
*) sed -n '2,16p' "$0"; exit 2 ;;
esac
