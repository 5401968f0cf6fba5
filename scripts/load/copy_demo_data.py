"""Copy the generated demo data of one site into another on the same MariaDB, instead of generating
it again (the large set takes 10-15 minutes on two cores):

        /home/frappe/frappe-bench/env/bin/python scripts/load/copy_demo_data.py SITES_DIR FROM_SITE TO_SITE

Both sites must have crm_plus installed at the same version. TO_SITE's app tables (`tabCRM ...`) are
emptied and filled from FROM_SITE's (columns both have), and the demo users (demo-*@crm-demo.example:
User, Has Role, their passwords in __Auth, their Contacts, Notification Settings, defaults, social
login rows and the share of their own User record) replace TO_SITE's; the naming series
counters of the app's records are copied. Frappe's own tables are left alone. MariaDB root/root on
127.0.0.1 (override with DB_ROOT_PASSWORD). RESUME=1 skips the tables already as long as their source. Afterwards: bench --site TO_SITE clear-cache.
"""

import json
import os
import sys
import time

import pymysql

DEMO_USERS = "demo-%@crm-demo.example"


def db_name(sites: str, site: str) -> str:
	with open(os.path.join(sites, site, "site_config.json")) as f:
		return json.load(f)["db_name"]


def columns(cur, db: str, table: str) -> list[str]:
	cur.execute(
		"select column_name from information_schema.columns where table_schema = %s and table_name = %s",
		(db, table),
	)
	return [r[0] for r in cur.fetchall()]


def copy_rows(cur, src: str, dst: str, table: str, where: str = "", args=()) -> int:
	common = [c for c in columns(cur, dst, table) if c in set(columns(cur, src, table))]
	cols = ", ".join(f"`{c}`" for c in common)
	cur.execute(
		f"insert into `{dst}`.`{table}` ({cols}) select {cols} from `{src}`.`{table}` {where}",
		args,
	)
	return cur.rowcount


def restart_sequence(cur, db: str, table: str) -> None:
	"""An autoincrement DocType names its rows from a sequence (`<doctype scrubbed>_id_seq`): after
	the copy it must start above the copied names, or the next insert collides."""
	sequence = table[3:].lower().replace(" ", "_").replace("-", "_") + "_id_seq"
	cur.execute(
		"select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
		" and table_type = 'SEQUENCE'",
		(db, sequence),
	)
	if not cur.fetchone()[0]:
		return
	cur.execute(f"select ifnull(max(name), 0) + 1 from `{db}`.`{table}`")
	start = int(cur.fetchone()[0])
	cur.execute(f"alter sequence `{db}`.`{sequence}` restart with {start}")
	print(f"  sequence {sequence} restarts at {start}")


def main(sites: str, from_site: str, to_site: str) -> None:
	src, dst = db_name(sites, from_site), db_name(sites, to_site)
	conn = pymysql.connect(
		host="127.0.0.1",
		user="root",
		password=os.environ.get("DB_ROOT_PASSWORD", "root"),
		autocommit=False,
	)
	cur = conn.cursor()
	cur.execute("set foreign_key_checks = 0, unique_checks = 0")
	cur.execute(
		"select table_name from information_schema.tables where table_schema = %s and table_name like 'tabCRM %%'",
		(dst,),
	)
	app_tables = [r[0] for r in cur.fetchall()]
	cur.execute(
		"select table_name from information_schema.tables where table_schema = %s and table_name like 'tabCRM %%'",
		(src,),
	)
	present = {r[0] for r in cur.fetchall()}
	for table in sorted(app_tables):
		start = time.time()
		if table in present and os.environ.get("RESUME"):
			# RESUME=1 after an interrupted copy: a table with as many rows as its source is done
			cur.execute(
				f"select (select count(*) from `{src}`.`{table}`) = (select count(*) from `{dst}`.`{table}`)"
			)
			if cur.fetchone()[0]:
				continue
		cur.execute(f"delete from `{dst}`.`{table}`")
		n = copy_rows(cur, src, dst, table) if table in present else 0
		conn.commit()
		print(f"{table}: {n} rows ({time.time() - start:.1f} s)", flush=True)
		restart_sequence(cur, dst, table)
	# The demo users: their rows in TO_SITE replaced by FROM_SITE's.
	for table, where in (
		("tabUser", "where name like %s"),
		("tabHas Role", "where parenttype = 'User' and parent like %s"),
		("__Auth", "where doctype = 'User' and name like %s"),
		("tabContact Email", "where email_id like %s"),
		("tabContact", "where email_id like %s"),
		# what Frappe makes with a user and the desk's boot reads (a user without them gets a 500)
		("tabNotification Settings", "where name like %s"),
		("tabDefaultValue", "where parent like %s"),
		("tabUser Social Login", "where parent like %s"),
		("tabDocShare", "where user like %s and share_doctype = 'User'"),
	):
		cur.execute(f"delete from `{dst}`.`{table}` {where}", (DEMO_USERS,))
		n = copy_rows(cur, src, dst, table, where, (DEMO_USERS,))
		print(f"{table}: {n} demo rows", flush=True)
	cur.execute(f"delete from `{dst}`.`tabSeries` where name like 'CRM-%%'")
	n = copy_rows(cur, src, dst, "tabSeries", "where name like 'CRM-%%'")
	print(f"tabSeries: {n} counters")
	conn.commit()


if __name__ == "__main__":
	main(*sys.argv[1:4])
