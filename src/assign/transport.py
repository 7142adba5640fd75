"""Travel time and distance from schools to methodist bases, month by month.

Three layers, each overriding the one before where it has something to say:

1. **Roads by default**: the geodesic distance times a detour factor, driven at road speed.
   Only municipalities of one `road_network` are joined by all-year roads; the rest are reached
   through links.
2. **Transport links** between municipalities (road, winter road, river, air), each working in
   given months. A link between two municipalities replaces the default road between them; the
   network of roads and links is searched for the fastest route in every month (a trip by air to
   the hub, then by winter road, say). The ends are reached by road from the municipality centre.
3. **A travel-time matrix** the region already has: an entry between two municipalities replaces
   that network edge; an entry between two places (school, methodist or candidate) replaces the
   whole answer for that pair.

Links and matrix entries are taken as symmetric when only one direction is given.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assign.domain import MONTHS, Mode, Person, Region, TravelTime
from assign.geo import FloatArray, distance_matrix_km, paired_distance_km

INF = np.inf


class TravelSettings(BaseModel):
    """How the default road model turns distance into time."""

    model_config = ConfigDict(frozen=True)

    detour_factor: float = Field(1.3, gt=0, description="road km per straight-line km")
    planar_detour_factor: float = Field(1.0, gt=0, description="the same, planar coordinates")
    road_speed_kmh: float = Field(60.0, gt=0)


@dataclass(frozen=True)
class Place:
    """An end of a trip: a point in a municipality, known under some ids in `travel_times`."""

    point: tuple[float, float]
    municipality_id: str
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trip:
    hours: float
    km: float

    @property
    def reachable(self) -> bool:
        return bool(np.isfinite(self.hours))


@dataclass(frozen=True)
class TravelMatrix:
    """Hours and km for schools × places in each month (index 0 = January); inf = unreachable."""

    school_ids: tuple[str, ...]
    places: tuple[Place, ...]
    hours: FloatArray  # shape (12, schools, places)
    km: FloatArray

    def reachable(self, months: Sequence[int] = MONTHS) -> np.ndarray:
        """True where the place can be reached in every one of `months`."""
        idx = [m - 1 for m in months]
        return np.asarray(np.isfinite(self.hours[idx]).all(axis=0))

    def worst_hours(self, months: Sequence[int] = MONTHS) -> FloatArray:
        """The longest trip over `months` for each pair: what an all-season plan must accept."""
        return np.asarray(self.hours[[m - 1 for m in months]].max(axis=0))


MAX_BYTES = 64 * 2**20  # a model's remembered matrix, at most (Yakutia's: 19 MB)


def _nbytes(schools: int, places: int) -> int:
    return 2 * 8 * 12 * schools * places  # hours and km, 12 months of float64


class _Wide:
    """A remembered matrix and where each of its places is."""

    def __init__(self, matrix: TravelMatrix) -> None:
        self.matrix = matrix
        self.column = {p: j for j, p in enumerate(matrix.places)}


SHARED_MODELS = 2  # each holds its region and up to MAX_BYTES: a batch must not pile them up
_shared: OrderedDict[tuple[object, ...], TravelModel] = OrderedDict()
_shared_lock = threading.Lock()


def shared_travel_model(region: Region) -> TravelModel:
    """The region's travel model (default settings), shared among regions that agree on
    all it reads — municipalities, schools, links, travel times: a what-if that removes
    a methodist (who has no travel times of their own) or moves teachers reuses its base
    region's model and remembered columns. The last SHARED_MODELS are kept."""
    key = (
        region.coordinate_system,
        region.municipalities,
        region.schools,
        region.transport,
        region.travel_times,
    )
    with _shared_lock:
        model = _shared.get(key)
        if model is None:
            model = _shared[key] = TravelModel(region)
        _shared.move_to_end(key)
        while len(_shared) > SHARED_MODELS:
            _shared.popitem(last=False)
        return model


class TravelModel:
    """Answers "how many hours from this school to this base in month M, and can one get there"."""

    def __init__(self, region: Region, settings: TravelSettings | None = None) -> None:
        self.region = region
        self.settings = settings or TravelSettings()
        self.coordinate_system = region.coordinate_system
        self.detour = (
            self.settings.planar_detour_factor
            if region.coordinate_system == "planar"
            else self.settings.detour_factor
        )
        self.muni_ids = [m.municipality_id for m in region.municipalities]
        self.muni_index = {mid: i for i, mid in enumerate(self.muni_ids)}
        self.centers = np.array([m.point for m in region.municipalities], dtype=float)
        labels = [m.road_network or "" for m in region.municipalities]
        network_ids = {label: i for i, label in enumerate(dict.fromkeys(labels))}
        self.road_network = np.array([network_ids[label] for label in labels], dtype=int)
        self._place_entries: dict[tuple[str, str], list[TravelTime]] = {}
        self._muni_entries: list[TravelTime] = []
        for entry in region.travel_times:
            if entry.from_id in self.muni_index and entry.to_id in self.muni_index:
                self._muni_entries.append(entry)
            else:
                self._place_entries.setdefault((entry.from_id, entry.to_id), []).append(entry)
        self.overridden = np.zeros((len(self.muni_ids),) * 2, dtype=bool)
        self.network_hours, self.network_km = self._build_network()
        self._remembered: _Wide | None = None  # one matrix, for one list of schools

    # --- the municipality network -----------------------------------------------------------
    def _road(self, km_straight: FloatArray) -> tuple[FloatArray, FloatArray]:
        km = km_straight * self.detour
        return km / self.settings.road_speed_kmh, km

    def _build_network(self) -> tuple[FloatArray, FloatArray]:
        n = len(self.muni_ids)
        straight = distance_matrix_km(self.centers, self.centers, self.coordinate_system)
        road_h, road_km = self._road(straight)
        for link in self.region.transport:
            i, j = self.muni_index[link.from_municipality], self.muni_index[link.to_municipality]
            self.overridden[i, j] = self.overridden[j, i] = True
        for entry in self._muni_entries:
            i, j = self.muni_index[entry.from_id], self.muni_index[entry.to_id]
            self.overridden[i, j] = self.overridden[j, i] = True
        connected = (self.road_network[:, None] == self.road_network[None, :]) & ~self.overridden
        hours = np.full((12, n, n), INF)
        km = np.full((12, n, n), INF)
        base_h = np.where(connected, road_h, INF)
        base_km = np.where(connected, road_km, INF)
        hours[:] = base_h
        km[:] = base_km
        for link in self.region.transport:
            i, j = self.muni_index[link.from_municipality], self.muni_index[link.to_municipality]
            link_km = link.km
            if link_km is None:
                link_km = straight[i, j] * (1.0 if link.mode is Mode.AIR else self.detour)
            for month in link.months:
                for a, b in ((i, j), (j, i)):
                    if link.hours < hours[month - 1, a, b]:
                        hours[month - 1, a, b] = link.hours
                        km[month - 1, a, b] = link_km
        for entry in self._muni_entries:
            i, j = self.muni_index[entry.from_id], self.muni_index[entry.to_id]
            entry_h, entry_km = self._entry_values(entry, straight[i, j])
            for month in entry.months:
                for a, b in ((i, j), (j, i)):
                    hours[month - 1, a, b] = entry_h
                    km[month - 1, a, b] = entry_km
        idx = np.arange(n)
        hours[:, idx, idx] = 0.0
        km[:, idx, idx] = 0.0
        for month in range(12):
            _floyd_warshall(hours[month], km[month])
        return hours, km

    def _entry_values(self, entry: TravelTime, straight_km: float) -> tuple[float, float]:
        if entry.hours is not None and entry.km is not None:
            return entry.hours, entry.km
        if entry.km is not None:
            return entry.km / self.settings.road_speed_kmh, entry.km
        assert entry.hours is not None
        return entry.hours, straight_km * self.detour

    # --- places ------------------------------------------------------------------------------
    def school_place(self, school_id: str) -> Place:
        school = self.region.school_by_id[school_id]
        return Place(self.region.school_point(school), school.municipality_id, (school_id,))

    def person_place(self, person: Person) -> Place:
        point, municipality_id = self.region.person_base(person)
        ids: tuple[str, ...] = (person.person_id,)  # type: ignore[attr-defined]
        if person.school_id is not None:
            ids += (person.school_id,)
        return Place(point, municipality_id, ids)

    # --- queries -----------------------------------------------------------------------------
    def matrix(
        self, school_ids: Sequence[str], places: Sequence[Place], remember: bool = False
    ) -> TravelMatrix:
        """Hours and km from each school to each place, in each month. With `remember`,
        each place's column is kept and later calls work out only the places not seen
        (a what-if asks for the same methodists again): one matrix per model, up to
        MAX_BYTES — keep to the methodists, thousands of candidates would not fit."""
        if not remember or _nbytes(len(school_ids), len(places)) > MAX_BYTES:
            return self._matrix(school_ids, places)
        key = tuple(school_ids)
        wide = self._remembered
        if wide is not None and wide.matrix.school_ids != key:
            wide = None
        known = wide.column if wide is not None else {}
        missing = [p for p in dict.fromkeys(places) if p not in known]
        if wide is None or missing:
            if wide is not None and _nbytes(len(key), len(known) + len(missing)) <= MAX_BYTES:
                fresh = self._matrix(school_ids, missing)
                fresh = TravelMatrix(
                    key,
                    wide.matrix.places + fresh.places,
                    np.concatenate([wide.matrix.hours, fresh.hours], axis=2),
                    np.concatenate([wide.matrix.km, fresh.km], axis=2),
                )
            else:  # the first, other schools, or too many places: start again from these
                fresh = self._matrix(school_ids, list(dict.fromkeys(places)))
            wide = self._remembered = _Wide(fresh)
        at = np.fromiter((wide.column[p] for p in places), np.int64, len(places))
        kept = wide.matrix
        return TravelMatrix(key, tuple(places), kept.hours[:, :, at], kept.km[:, :, at])

    def _matrix(self, school_ids: Sequence[str], places: Sequence[Place]) -> TravelMatrix:
        schools = [self.school_place(sid) for sid in school_ids]
        s_pts = np.array([p.point for p in schools], dtype=float).reshape(-1, 2)
        p_pts = np.array([p.point for p in places], dtype=float).reshape(-1, 2)
        s_mun = np.array([self.muni_index[p.municipality_id] for p in schools], dtype=int)
        p_mun = np.array([self.muni_index[p.municipality_id] for p in places], dtype=int)

        direct_h, direct_km = self._road(distance_matrix_km(s_pts, p_pts, self.coordinate_system))
        leg_s_h, leg_s_km = self._road(
            paired_distance_km(s_pts, self.centers[s_mun], self.coordinate_system)
        )
        leg_p_h, leg_p_km = self._road(
            paired_distance_km(p_pts, self.centers[p_mun], self.coordinate_system)
        )
        same = s_mun[:, None] == p_mun[None, :]
        free_road = (self.road_network[s_mun][:, None] == self.road_network[p_mun][None, :]) & (
            ~self.overridden[np.ix_(s_mun, p_mun)]
        )
        direct_ok = same | free_road

        hours = np.empty((12, len(schools), len(places)))
        km = np.empty_like(hours)
        for m in range(12):
            via_h = (
                leg_s_h[:, None] + self.network_hours[m][np.ix_(s_mun, p_mun)] + leg_p_h[None, :]
            )
            via_km = (
                leg_s_km[:, None] + self.network_km[m][np.ix_(s_mun, p_mun)] + leg_p_km[None, :]
            )
            use_direct = direct_ok & (direct_h <= via_h)
            hours[m] = np.where(use_direct, direct_h, via_h)
            km[m] = np.where(use_direct, direct_km, via_km)
        self._apply_place_entries(schools, places, hours, km, direct_km)
        return TravelMatrix(tuple(school_ids), tuple(places), hours, km)

    def _apply_place_entries(
        self,
        schools: Sequence[Place],
        places: Sequence[Place],
        hours: FloatArray,
        km: FloatArray,
        direct_km: FloatArray,
    ) -> None:
        """Matrix entries between places replace the modelled trip, in their months."""
        if not self._place_entries:
            return
        school_rows: dict[str, list[int]] = {}
        for si, school in enumerate(schools):
            for pid in school.ids:
                school_rows.setdefault(pid, []).append(si)
        place_cols: dict[str, list[int]] = {}
        for pi, place in enumerate(places):
            for pid in place.ids:
                place_cols.setdefault(pid, []).append(pi)
        for (a, b), entries in self._place_entries.items():
            for s_id, p_id in ((a, b), (b, a)):
                if (s_id, p_id) != (a, b) and (s_id, p_id) in self._place_entries:
                    continue  # the other direction is given explicitly
                for si in school_rows.get(s_id, ()):
                    for pi in place_cols.get(p_id, ()):
                        for entry in entries:
                            straight = direct_km[si, pi] / self.detour
                            entry_h, entry_km = self._entry_values(entry, straight)
                            for month in entry.months:
                                hours[month - 1, si, pi] = entry_h
                                km[month - 1, si, pi] = entry_km

    def trip(self, school_id: str, place: Place, month: int) -> Trip:
        result = self.matrix([school_id], [place])
        return Trip(float(result.hours[month - 1, 0, 0]), float(result.km[month - 1, 0, 0]))


def _floyd_warshall(hours: FloatArray, km: FloatArray) -> None:
    """Fastest routes in place; km follows the route chosen for time."""
    n = hours.shape[0]
    for k in range(n):
        cand_h = hours[:, k : k + 1] + hours[k : k + 1, :]
        better = cand_h < hours - 1e-12
        if better.any():
            cand_km = km[:, k : k + 1] + km[k : k + 1, :]
            hours[better] = cand_h[better]
            km[better] = cand_km[better]
