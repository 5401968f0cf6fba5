"""Locations and the check-in distance rule (拜访签到).

A rep checks in to a visit from a phone: the browser gives a position and its accuracy, the customer
has a stored latitude/longitude. A check-in close to the customer is accepted; a far one (or one
without a position) is accepted only with a reason the rep types in. Functions return error codes,
never messages: the Frappe shell translates them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
DEFAULT_THRESHOLD_M = 500.0

# Every code check_in_decision can return, for the shell's translation table.
CHECK_IN_CODES = (
	"no_customer_location",
	"far_with_reason",
	"far_without_reason",
	"no_position_with_reason",
	"no_position_without_reason",
	"imprecise_position_with_reason",
	"imprecise_position_without_reason",
)


def _blank(value: object) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def to_number(value: object) -> float | None:
	"""A finite float from a number or numeric string; None when it is not one."""
	if isinstance(value, bool):
		return None
	try:
		number = float(value)  # type: ignore[arg-type]
	except (TypeError, ValueError):
		return None
	return number if math.isfinite(number) else None


def validate_coordinates(lat: object, lon: object) -> str | None:
	"""None when (lat, lon) is a valid position or both are blank; otherwise an error code.

	Codes: "incomplete_coordinates" (one given without the other), "not_a_number",
	"latitude_out_of_range" (outside -90..90), "longitude_out_of_range" (outside -180..180).
	"""
	if _blank(lat) and _blank(lon):
		return None
	if _blank(lat) or _blank(lon):
		return "incomplete_coordinates"
	lat_number, lon_number = to_number(lat), to_number(lon)
	if lat_number is None or lon_number is None:
		return "not_a_number"
	if not -90.0 <= lat_number <= 90.0:
		return "latitude_out_of_range"
	if not -180.0 <= lon_number <= 180.0:
		return "longitude_out_of_range"
	return None


def has_location(lat: object, lon: object) -> bool:
	"""Whether a stored position is usable.

	Frappe Float fields store 0 for an empty value, so (0, 0) counts as "no location" (it lies in the
	Gulf of Guinea, where no customer of ours is).
	"""
	if validate_coordinates(lat, lon) is not None or _blank(lat):
		return False
	return not (to_number(lat) == 0.0 and to_number(lon) == 0.0)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
	"""Great-circle distance in metres between two positions in decimal degrees."""
	phi1, phi2 = math.radians(lat1), math.radians(lat2)
	d_phi = phi2 - phi1
	d_lambda = math.radians(lon2 - lon1)
	a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
	return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def check_in_decision(
	distance_m: float | None,
	accuracy_m: float | None,
	threshold_m: float | None,
	reason: str | None,
	*,
	customer_located: bool = True,
	max_accuracy_m: float | None = None,
) -> tuple[bool, str | None]:
	"""Whether a check-in is accepted, and a code describing it (None: close enough, nothing to note).

	- The customer has no stored location (customer_located=False): accepted, "no_customer_location".
	- No device position (distance_m None): accepted only with a reason.
	- The fix is less precise than max_accuracy_m (when given): accepted only with a reason.
	- Otherwise the GPS accuracy counts in the rep's favour: accepted when
	  distance - accuracy <= threshold, else only with a reason.
	A threshold of None or <= 0 switches the distance rule off.
	"""
	if not customer_located:
		return True, "no_customer_location"
	if threshold_m is None or threshold_m <= 0:
		return True, None
	if distance_m is None:
		situation = "no_position"
	else:
		if distance_m < 0:
			raise ValueError("distance_m must not be negative")
		accuracy = max(0.0, accuracy_m or 0.0)
		if max_accuracy_m is not None and accuracy > max_accuracy_m:
			situation = "imprecise_position"
		elif distance_m - accuracy <= threshold_m:
			return True, None
		else:
			situation = "far"
	if _blank(reason):
		return False, f"{situation}_without_reason"
	return True, f"{situation}_with_reason"


@dataclass(frozen=True)
class CheckIn:
	allowed: bool
	code: str | None  # a CHECK_IN_CODES entry, a validate_coordinates code, or None
	distance_m: float | None  # rounded to the metre; None when it cannot be measured


def assess_check_in(
	customer_lat: object,
	customer_lon: object,
	device_lat: object,
	device_lon: object,
	accuracy_m: float | None,
	threshold_m: float | None,
	reason: str | None,
	*,
	max_accuracy_m: float | None = None,
) -> CheckIn:
	"""The whole check-in rule from raw values: validate the device position, measure, decide.

	An invalid device position is refused with its validation code (bad input, not a far check-in).
	A customer location that is missing or invalid counts as no location.
	"""
	error = validate_coordinates(device_lat, device_lon)
	if error is not None:
		return CheckIn(False, error, None)
	accuracy = to_number(accuracy_m) if not _blank(accuracy_m) else None
	customer_located = has_location(customer_lat, customer_lon)
	distance = None
	if customer_located and not _blank(device_lat):
		customer = (to_number(customer_lat), to_number(customer_lon))
		device = (to_number(device_lat), to_number(device_lon))
		distance = haversine_m(*customer, *device)  # type: ignore[arg-type]
	allowed, code = check_in_decision(
		distance,
		accuracy,
		threshold_m,
		reason,
		customer_located=customer_located,
		max_accuracy_m=max_accuracy_m,
	)
	distance = None if distance is None else float(round(distance))
	return CheckIn(allowed, code, distance)


def point_from_geojson(text: str | None) -> tuple[float, float] | None:
	"""(latitude, longitude) of the last Point in a GeoJSON FeatureCollection, as Frappe's map field stores it.

	GeoJSON orders coordinates longitude first. Anything else (no point, bad JSON) gives None.
	"""
	import json

	try:
		data = json.loads(text or "")
	except (TypeError, ValueError):
		return None
	features = data.get("features", []) if isinstance(data, dict) else []
	for feature in reversed(features):
		geometry = (feature or {}).get("geometry") or {}
		coords = geometry.get("coordinates")
		if geometry.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
			lon, lat = to_number(coords[0]), to_number(coords[1])
			if lat is not None and lon is not None and validate_coordinates(lat, lon) is None:
				return (lat, lon)
	return None
