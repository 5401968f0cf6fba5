"""Framework-free test tier: domain rules and metadata checks. Frappe is never imported here."""

import sys
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parents[1]
if str(APP_ROOT) not in sys.path:
	sys.path.insert(0, str(APP_ROOT))
