"""What a school × methodist trip costs the plan, from the travel matrix and the settings."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assign.assignment.settings import HOURS_TO_KM, AssignmentSettings
from assign.transport import TravelMatrix

FloatArray = npt.NDArray[np.float64]


def pair_costs(
    travel: TravelMatrix, settings: AssignmentSettings
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Hours, km and in-person reachability of every school × methodist pair.

    A pair's trip is the mean over the cost months in which it can be made; one that can
    never be made (allowed only with remote support) costs `remote_penalty_hours`.
    """
    months = [m - 1 for m in settings.cost_months]
    hours = travel.hours[months]
    km = travel.km[months]
    finite = np.isfinite(hours)
    if settings.max_hours is not None:
        finite &= hours <= settings.max_hours
    count = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_h = np.where(finite, hours, 0.0).sum(axis=0) / count
        mean_km = np.where(finite, km, 0.0).sum(axis=0) / count
    required = [m - 1 for m in settings.required_months]
    in_person = np.isfinite(travel.hours[required]).all(axis=0) if required else count > 0
    if settings.max_hours is not None and required:
        in_person &= (travel.hours[required] <= settings.max_hours).all(axis=0)
    never = count == 0
    mean_h = np.where(never, settings.remote_penalty_hours, mean_h)
    mean_km = np.where(never, settings.remote_penalty_hours * HOURS_TO_KM, mean_km)
    return mean_h, mean_km, np.asarray(in_person, dtype=bool)
