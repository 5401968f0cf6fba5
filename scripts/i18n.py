#!/usr/bin/env python3
"""Refresh the gettext catalogues of crm_plus: locale/main.pot from the sources, and every locale/*.po
with the new strings added (translations kept). Prints the strings that still lack a translation.

Usage: python3 scripts/i18n.py [--check]   (--check: exit 1 when a translation is missing)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "apps" / "crm_plus"))

from tests.translations import LOCALE, app_strings, read_po, write_po  # noqa: E402


def main() -> int:
	strings = app_strings()
	LOCALE.mkdir(exist_ok=True)
	write_po(LOCALE / "main.pot", dict.fromkeys(strings, ""), None)
	missing_total = 0
	for po in sorted(LOCALE.glob("*.po")):
		entries = read_po(po)
		merged = {s: entries.get(s, "") for s in strings}
		write_po(po, merged, po.stem)
		missing = sorted(s for s, t in merged.items() if not t)
		missing_total += len(missing)
		print(f"{po.name}: {len(merged)} strings, {len(missing)} untranslated")
		for s in missing:
			print(f"  {s!r}")
	return 1 if "--check" in sys.argv and missing_total else 0


if __name__ == "__main__":
	sys.exit(main())
