import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.geo import (
	CHECK_IN_CODES,
	EARTH_RADIUS_M,
	assess_check_in,
	check_in_decision,
	has_location,
	haversine_m,
	validate_coordinates,
)

TIANANMEN = (39.9087, 116.3975)
PEOPLES_SQUARE = (31.2304, 121.4737)

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)
distances = st.floats(min_value=0, max_value=50_000, allow_nan=False)
accuracies = st.one_of(st.none(), st.floats(min_value=0, max_value=5_000, allow_nan=False))


@pytest.mark.parametrize(
	("lat", "lon", "code"),
	[
		(39.9087, 116.3975, None),
		("39.9087", "116.3975", None),
		(90, 180, None),
		(-90, -180, None),
		(0, 0, None),
		(None, None, None),
		("", " ", None),
		(90.0001, 0, "latitude_out_of_range"),
		(-91, 0, "latitude_out_of_range"),
		(0, 180.5, "longitude_out_of_range"),
		(0, -181, "longitude_out_of_range"),
		("north", 116, "not_a_number"),
		(float("nan"), 116, "not_a_number"),
		(39, float("inf"), "not_a_number"),
		(True, 116, "not_a_number"),
		(39.9, None, "incomplete_coordinates"),
		("", 116.4, "incomplete_coordinates"),
	],
)
def test_validate_coordinates(lat, lon, code):
	assert validate_coordinates(lat, lon) == code


def test_has_location_treats_frappe_zero_default_as_missing():
	assert has_location(*TIANANMEN)
	assert has_location("31.2304", "121.4737")
	assert not has_location(0, 0)
	assert not has_location(0.0, "0")
	assert not has_location(None, None)
	assert not has_location(95, 10)
	assert has_location(0, 10)  # on the equator is a real place


def test_haversine_beijing_to_shanghai():
	distance = haversine_m(*TIANANMEN, *PEOPLES_SQUARE)
	assert distance == pytest.approx(1_067_000, rel=0.01)


def test_haversine_known_distances():
	# One degree along a meridian is about 111.2 km; half the equator is pi x R.
	assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=0.001)
	assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)
	assert haversine_m(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_M)
	# Longitude shrinks with latitude: one degree of longitude at 60° is half of one at the equator.
	assert haversine_m(60, 0, 60, 1) == pytest.approx(haversine_m(0, 0, 0, 1) / 2, rel=0.001)
	# Across the antimeridian the short way round.
	assert haversine_m(0, 179.5, 0, -179.5) == pytest.approx(haversine_m(0, 0, 0, 1))


@given(lats, lons, lats, lons)
def test_haversine_symmetric_and_bounded(lat1, lon1, lat2, lon2):
	there = haversine_m(lat1, lon1, lat2, lon2)
	back = haversine_m(lat2, lon2, lat1, lon1)
	assert there == pytest.approx(back, abs=1e-6)
	assert 0 <= there <= math.pi * EARTH_RADIUS_M + 1e-6


@given(lats, lons)
def test_haversine_zero_for_same_point(lat, lon):
	assert haversine_m(lat, lon, lat, lon) == 0


@given(lats, lons, lats, lons, lats, lons)
def test_haversine_triangle_inequality(a1, a2, b1, b2, c1, c2):
	# Haversine loses a few millimetres near antipodal points (asin close to 1): irrelevant for check-ins.
	assert haversine_m(a1, a2, c1, c2) <= haversine_m(a1, a2, b1, b2) + haversine_m(b1, b2, c1, c2) + 0.1


def test_check_in_within_threshold_needs_no_reason():
	assert check_in_decision(120, 10, 500, None) == (True, None)
	assert check_in_decision(0, None, 500, "") == (True, None)


def test_check_in_accuracy_counts_for_the_rep_and_boundary_is_inside():
	assert check_in_decision(500, 0, 500, None) == (True, None)
	assert check_in_decision(530, 30, 500, None) == (True, None)
	assert check_in_decision(530.5, 30, 500, None) == (False, "far_without_reason")
	assert check_in_decision(530, -30, 500, None) == (False, "far_without_reason")  # nonsense accuracy


def test_far_check_in_needs_a_non_blank_reason():
	assert check_in_decision(2_000, 20, 500, None) == (False, "far_without_reason")
	assert check_in_decision(2_000, 20, 500, "   ") == (False, "far_without_reason")
	assert check_in_decision(2_000, 20, 500, "Met at their warehouse") == (True, "far_with_reason")


def test_check_in_without_customer_location_or_device_position():
	assert check_in_decision(None, None, 500, None, customer_located=False) == (True, "no_customer_location")
	assert check_in_decision(None, None, 500, None) == (False, "no_position_without_reason")
	assert check_in_decision(None, None, 500, "GPS denied") == (True, "no_position_with_reason")


def test_imprecise_fix_cannot_stretch_the_radius():
	assert check_in_decision(3_000, 4_000, 500, None) == (True, None)  # no cap given
	assert check_in_decision(3_000, 4_000, 500, None, max_accuracy_m=1_000) == (
		False,
		"imprecise_position_without_reason",
	)
	assert check_in_decision(100, 1_000, 500, None, max_accuracy_m=1_000) == (True, None)
	assert check_in_decision(100, 4_000, 500, "wifi only", max_accuracy_m=1_000) == (
		True,
		"imprecise_position_with_reason",
	)


def test_threshold_off_and_bad_distance():
	assert check_in_decision(50_000, 0, 0, None) == (True, None)
	assert check_in_decision(50_000, 0, None, None) == (True, None)
	with pytest.raises(ValueError):
		check_in_decision(-1, 0, 500, None)


@given(distances, distances, accuracies, st.sampled_from([None, "", "  ", "reason"]))
def test_check_in_monotonic_in_distance(d1, d2, accuracy, reason):
	near, far = sorted((d1, d2))
	allowed_far, _ = check_in_decision(far, accuracy, 500, reason)
	allowed_near, _ = check_in_decision(near, accuracy, 500, reason)
	assert allowed_near or not allowed_far


@given(st.one_of(st.none(), distances), accuracies, st.booleans(), st.floats(1, 5_000))
def test_check_in_reason_always_allows_and_codes_are_known(distance, accuracy, located, threshold):
	allowed, code = check_in_decision(
		distance, accuracy, threshold, "customer moved", customer_located=located
	)
	assert allowed
	assert code is None or code in CHECK_IN_CODES
	_, code = check_in_decision(distance, accuracy, threshold, None, customer_located=located)
	assert code is None or code in CHECK_IN_CODES


def test_assess_check_in_end_to_end():
	# About 111 m north of Tiananmen, threshold 100 m, accuracy 20 m: inside.
	result = assess_check_in(*TIANANMEN, "39.9097", "116.3975", 20, 100, None)
	assert result.allowed and result.code is None and result.distance_m == 111
	far = assess_check_in(*TIANANMEN, *PEOPLES_SQUARE, 15, 500, None)
	assert not far.allowed and far.code == "far_without_reason"
	assert far.distance_m == pytest.approx(1_067_000, rel=0.01)
	assert assess_check_in(*TIANANMEN, *PEOPLES_SQUARE, 15, 500, "trade fair").code == "far_with_reason"


def test_assess_check_in_missing_and_invalid_positions():
	assert assess_check_in(0, 0, *TIANANMEN, 10, 500, None) == assess_check_in(
		None, None, *TIANANMEN, 10, 500, None
	)
	no_customer = assess_check_in(0, 0, *TIANANMEN, 10, 500, None)
	assert (
		no_customer.allowed and no_customer.code == "no_customer_location" and no_customer.distance_m is None
	)
	no_device = assess_check_in(*TIANANMEN, None, None, None, 500, None)
	assert not no_device.allowed and no_device.code == "no_position_without_reason"
	bad = assess_check_in(*TIANANMEN, 123, 116, 10, 500, "reason")
	assert not bad.allowed and bad.code == "latitude_out_of_range"
	assert assess_check_in(*TIANANMEN, *TIANANMEN, "n/a", 500, None).allowed  # unreadable accuracy = 0


def test_point_from_geojson_reads_the_last_marker():
	from crm_plus.domain.geo import point_from_geojson

	collection = (
		'{"type": "FeatureCollection", "features": ['
		'{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [116.3975, 39.9087]}},'
		'{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [121.4737, 31.2304]}}]}'
	)
	assert point_from_geojson(collection) == (31.2304, 121.4737)
	line = '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}]}'
	assert point_from_geojson(line) is None
	assert point_from_geojson("not json") is None
	assert point_from_geojson(None) is None
	out_of_range = '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [10, 95]}}]}'
	assert point_from_geojson(out_of_range) is None
