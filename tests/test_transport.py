"""The transport model against hand-checked trips and an independent geodesic."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from geopy.distance import geodesic

from assign import transport
from assign.geo import distance_matrix_km, paired_distance_km
from assign.io import load_region_or_raise
from assign.scenario import Changes, Scenario, apply
from assign.transport import Place, TravelModel, TravelSettings, shared_travel_model
from conftest import DATA, SAMPLES

A, B, C, D = (62.03, 129.73), (62.72, 129.67), (66.77, 123.37), (67.46, 153.71)


def test_andoyer_lambert_matches_geopy_geodesic() -> None:
    rng = np.random.default_rng(7)
    points = np.c_[rng.uniform(42, 75, 60), rng.uniform(20, 175, 60)]
    ours = distance_matrix_km(points, points, "geographic")
    for i in range(0, 60, 3):
        for j in range(1, 60, 4):
            if i == j:
                continue
            exact = geodesic(points[i], points[j]).km
            assert ours[i, j] == pytest.approx(exact, rel=5e-4)
    assert paired_distance_km(points, points[::-1], "geographic") == pytest.approx(
        np.diagonal(ours[:, ::-1])
    )
    assert ours[5, 5] == pytest.approx(0.0, abs=1e-3)


def _model(folder: Path) -> TravelModel:
    return TravelModel(load_region_or_raise(folder))


def _pa(model: TravelModel) -> Place:
    return model.person_place(model.region.methodist_by_id["PA"])


def test_winter_road_works_in_january_not_in_july() -> None:
    model = _model(DATA / "small_winter_road")
    pa = _pa(model)
    january = model.trip("SC", pa, 1)
    assert january.reachable
    assert january.hours == pytest.approx(20.0)
    assert january.km == pytest.approx(geodesic(A, C).km * 1.3, rel=1e-3)
    # July: no winter road; river C–D (40 h) then air D–A (3 h)
    july = model.trip("SC", pa, 7)
    assert july.hours == pytest.approx(43.0)
    assert july.km == pytest.approx(geodesic(C, D).km * 1.3 + geodesic(D, A).km, rel=1e-3)
    # October: neither the winter road nor the river runs
    assert not model.trip("SC", pa, 10).reachable


def test_air_all_year_and_road_within_a_network() -> None:
    model = _model(DATA / "small_winter_road")
    pa = _pa(model)
    for month in (1, 4, 7, 10):
        assert model.trip("SD", pa, month).hours == pytest.approx(3.0)
        road = model.trip("SB", pa, month)
        assert road.km == pytest.approx(geodesic(B, A).km * 1.3, rel=1e-3)
        assert road.hours == pytest.approx(road.km / 60)
    assert model.trip("SA", pa, 1).hours == pytest.approx(0.0, abs=1e-6)


def test_matrix_reachability_by_months() -> None:
    model = _model(DATA / "small_winter_road")
    matrix = model.matrix(["SA", "SB", "SC", "SD"], [_pa(model)])
    assert matrix.reachable([1, 2, 3])[:, 0].tolist() == [True, True, True, True]
    assert matrix.reachable()[:, 0].tolist() == [True, True, False, True]
    assert matrix.worst_hours([1, 7])[2, 0] == pytest.approx(43.0)


def test_travel_times_override_the_model(tmp_path: Path) -> None:
    folder = tmp_path / "region"
    shutil.copytree(DATA / "small_winter_road", folder)
    (folder / "travel_times.csv").write_text(
        "from_id,to_id,km,hours,months\n"
        "PA,SC,900,99,10\n"  # a place pair, given in the other direction, October only
        "C,A,,5,1\n",  # a municipality pair: replaces the network edge in January
        encoding="utf-8",
    )
    model = _model(folder)
    pa = _pa(model)
    october = model.trip("SC", pa, 10)
    assert (october.hours, october.km) == (99.0, 900.0)
    assert model.trip("SC", pa, 1).hours == pytest.approx(5.0)
    assert model.trip("SC", pa, 7).hours == pytest.approx(43.0)  # untouched months stay


def test_a_link_replaces_the_default_road(tmp_path: Path) -> None:
    folder = tmp_path / "region"
    shutil.copytree(DATA / "small_ok", folder)
    (folder / "transport.csv").write_text(
        "from_municipality,to_municipality,hours,mode,months\nM1,M2,2,river,6-9\n", encoding="utf-8"
    )
    region = load_region_or_raise(folder)
    model = TravelModel(region)
    p1 = model.person_place(region.methodist_by_id["P1"])  # centre of M1
    m1, m2, m3 = (52.72, 41.45), (53.20, 41.50), (52.20, 41.60)
    school = (53.21, 41.52)  # S3 in M2
    leg = geodesic(school, m2).km * 1.3 / 60
    assert model.trip("S3", p1, 7).hours == pytest.approx(leg + 2.0, rel=1e-3)
    # January: no direct road M2–M1 any more, so round through M3 by road
    around = (geodesic(m2, m3).km + geodesic(m3, m1).km) * 1.3 / 60
    assert model.trip("S3", p1, 1).hours == pytest.approx(leg + around, rel=1e-3)


def test_planar_coordinates_are_euclidean_and_matrix_overrides() -> None:
    model = _model(DATA / "small_planar")
    p1 = model.person_place(model.region.methodist_by_id["P1"])
    near = model.trip("S1", p1, 3)
    assert (near.km, near.hours) == (pytest.approx(5.0), pytest.approx(5 / 60))
    far = model.trip("S2", p1, 3)
    assert (far.km, far.hours) == (pytest.approx(250.0), pytest.approx(250 / 60))


def test_settings_change_speed_and_detour() -> None:
    region = load_region_or_raise(DATA / "small_winter_road")
    model = TravelModel(region, TravelSettings(detour_factor=1.0, road_speed_kmh=50))
    trip = model.trip("SB", model.person_place(region.methodist_by_id["PA"]), 1)
    assert trip.km == pytest.approx(geodesic(B, A).km, rel=1e-3)
    assert trip.hours == pytest.approx(trip.km / 50)


def test_remembered_columns_equal_fresh_ones_whatever_places_are_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    region = load_region_or_raise(SAMPLES / "tambov")
    schools = [s.school_id for s in region.schools]
    fresh, kept = TravelModel(region), TravelModel(region)
    places = [fresh.person_place(m) for m in region.methodists]
    asked = [places[:20], places[10:40], places[::-1], places[5:6], [], places[3:9] * 2]
    for limit in (transport.MAX_BYTES, 2 * 8 * 12 * len(schools) * 30):  # kept, or outgrown
        monkeypatch.setattr(transport, "MAX_BYTES", limit)
        for chosen in asked:
            want, got = fresh.matrix(schools, chosen), kept.matrix(schools, chosen, remember=True)
            assert got.places == want.places and got.school_ids == want.school_ids
            assert np.array_equal(got.hours, want.hours) and np.array_equal(got.km, want.km)
            got.hours[...] = -1  # a caller's matrix is its own: the remembered one stays
        again = kept.matrix(schools, places[:20], remember=True)
        assert np.array_equal(again.hours, fresh.matrix(schools, places[:20]).hours)


def test_a_what_if_that_leaves_travel_alone_shares_its_base_regions_model() -> None:
    region = load_region_or_raise(DATA / "small_winter_road")
    base = shared_travel_model(region)
    gone = region.teachers[0].teacher_id
    leave = apply(region, Scenario(name="x", changes=Changes(remove_teachers=(gone,))))
    assert shared_travel_model(leave) is base
    closed = region.changed(transport=region.transport[1:])  # the winter road is gone
    other = shared_travel_model(closed)
    assert other is not base and other.region is closed
    school, place = region.schools[0].school_id, base.person_place(region.methodists[0])
    assert [other.trip(school, place, m) for m in range(1, 13)] == [
        TravelModel(closed).trip(school, place, m) for m in range(1, 13)
    ]
