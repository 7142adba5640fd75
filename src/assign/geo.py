"""Distances between points, vectorised.

Geographic points use the Andoyer–Lambert approximation of the WGS-84 geodesic: numpy evaluates a
whole school × base matrix at once, where geopy's exact `geodesic` costs ~90 µs a pair. The tests
hold it to geopy's geodesic within 0.05 % (tens of metres over a region), far below the detour
factor's own uncertainty. Planar points (x, y in km) use the Euclidean distance.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563

FloatArray = npt.NDArray[np.float64]


def _andoyer_lambert(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    # reduced latitudes
    beta1 = np.arctan((1 - WGS84_F) * np.tan(phi1))
    beta2 = np.arctan((1 - WGS84_F) * np.tan(phi2))
    dlon = np.radians(lon2 - lon1)
    cos_sigma = np.sin(beta1) * np.sin(beta2) + np.cos(beta1) * np.cos(beta2) * np.cos(dlon)
    sigma = np.arccos(np.clip(cos_sigma, -1.0, 1.0))
    p = (beta1 + beta2) / 2
    q = (beta2 - beta1) / 2
    sin_sigma = np.sin(sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - sin_sigma) * (np.sin(p) * np.cos(q)) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + sin_sigma) * (np.cos(p) * np.sin(q)) ** 2 / np.sin(sigma / 2) ** 2
        dist = WGS84_A_KM * (sigma - WGS84_F / 2 * (x + y))
    return np.where(sigma < 1e-12, 0.0, dist)


def distance_matrix_km(a: FloatArray, b: FloatArray, coordinate_system: str) -> FloatArray:
    """Distances between every row of `a` (n×2) and every row of `b` (m×2): an n×m matrix."""
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    if coordinate_system == "planar":
        diff = a[:, None, :] - b[None, :, :]
        return np.asarray(np.hypot(diff[..., 0], diff[..., 1]), dtype=float)
    return _andoyer_lambert(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1])


def distance_km(p: tuple[float, float], q: tuple[float, float], coordinate_system: str) -> float:
    return float(distance_matrix_km(np.array([p]), np.array([q]), coordinate_system)[0, 0])


def paired_distance_km(a: FloatArray, b: FloatArray, coordinate_system: str) -> FloatArray:
    """Distance from a[i] to b[i] for every i (both n×2)."""
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    if coordinate_system == "planar":
        return np.asarray(np.hypot(a[:, 0] - b[:, 0], a[:, 1] - b[:, 1]), dtype=float)
    return _andoyer_lambert(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
