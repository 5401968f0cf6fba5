"""The security shell: what makes isolation hold on the Frappe side. Its entry is one table,
`table.py` (every DocType and the kind of rule it follows; hooks.py is wired from it). `conditions.py`
writes each kind once, `scope.py` reads the user's place, `guards.py` guards writes,
`request_guard.py` checks every request, `framework_overrides.py` narrows framework methods.
docs/DEVELOPING.md, "The security shell"."""
