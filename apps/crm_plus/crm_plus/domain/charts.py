"""Report charts the desk can draw (frappe-charts, as the report page and the workspace's Dashboard Chart
widget draw them).

- No label, or no value in any dataset: no chart, so the report and the widget show their empty state
  ("No Data") instead of a line whose path has no point (`<path> attribute d: Unexpected end of
  attribute` in the console, an empty box on the workspace).
- A missing value (None) is drawn as 0, never as a gap the path cannot draw.
- Counts get an integer y axis: frappe-charts splits an axis whose top is 1 or 2 into quarters (0.25,
  0.5, ...), which the desk's number format rounds to "1, 1, 1"; a range of at least 0 to 4 keeps the
  ticks whole numbers (a larger count widens it as usual).
"""

from __future__ import annotations

COUNT_AXIS = {"yAxisRange": {"min": 0, "max": 4}}


def drawable(chart: dict | None, counts: bool = False) -> dict | None:
	"""The chart with missing values drawn as 0 (and an integer axis for counts), or None when there is
	nothing to draw."""
	if not chart:
		return None
	data = chart.get("data") or {}
	labels = list(data.get("labels") or [])
	datasets = [
		{**ds, "values": [v if v is not None else 0 for v in (ds.get("values") or [])][: len(labels)]}
		for ds in data.get("datasets") or []
	]
	if not labels or not any(ds["values"] for ds in datasets):
		return None
	for ds in datasets:
		ds["values"] += [0] * (len(labels) - len(ds["values"]))
	result = {**chart, "data": {**data, "labels": labels, "datasets": datasets}}
	if counts:
		axis = dict(result.get("axisOptions") or {})
		axis.update(COUNT_AXIS)
		result["axisOptions"] = axis
	return result


def widget_data(labels: list, name: str, values: list) -> dict:
	"""A Dashboard Chart source's answer: one dataset `name` of `values` over `labels`, or {} when there
	is nothing to draw (the widget's empty state)."""
	chart = drawable({"data": {"labels": labels, "datasets": [{"name": name, "values": values}]}})
	return chart["data"] if chart else {}
