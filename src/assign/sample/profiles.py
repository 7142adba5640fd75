"""The figures behind the sample regions, each with its basis (repeated in data/README.md).

Subject shares are the share of a region's teachers whose *main* subject it is, estimated from the
weekly hours of the federal curricula (ФОП НОО/ООО/СОО: primary grades 1–4 take about a quarter
of all class hours and are taught by primary-school teachers; Russian and mathematics 4–6 hours a
week in grades 5–9; a second foreign language and ОРКСЭ/ОДНКНР an hour or so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUBJECT_SHARES: dict[str, float] = {  # sums to 1
    "primary": 0.220,
    "russian": 0.115,
    "literature": 0.040,
    "math": 0.125,
    "english": 0.090,
    "german": 0.010,
    "french": 0.005,
    "history": 0.050,
    "social_studies": 0.027,
    "geography": 0.025,
    "biology": 0.032,
    "chemistry": 0.022,
    "physics": 0.030,
    "informatics": 0.025,
    "physical_education": 0.080,
    "technology": 0.045,
    "art": 0.016,
    "music": 0.016,
    "obzr": 0.018,
    "orkse": 0.005,
    "odnknr": 0.004,
}

# Subjects too small for a methodist of their own are served by one methodist of several
# subjects, as the regions do it (a "second foreign language" methodist, say).
SUBJECT_BUNDLES: tuple[tuple[str, ...], ...] = (
    ("german", "french"),
    ("orkse", "odnknr", "history"),
)


@dataclass(frozen=True)
class RegionProfile:
    key: str
    geo_folder: str
    name_ru: str
    schools: int
    teachers: int
    norm_target_load: float
    """Teachers per methodist the pool is sized for (the norm the region follows)."""
    extra_shares: dict[str, float] = field(default_factory=dict)
    yakut_share: float = 0.0
    central_municipality: str = ""
    seed: int = 2026
    basis: str = ""
    demo_settings: dict[str, object] = field(default_factory=dict)
    """Assignment settings `assign demo` uses for this region (its norm and reach rule)."""


TAMBOV = RegionProfile(
    key="tambov",
    geo_folder="tambov",
    name_ru="Тамбовская область",
    schools=490,
    teachers=10_800,
    norm_target_load=215.0,
    extra_shares={"native_language": 0.002},
    central_municipality="TMB-M24",
    seed=68,
    demo_settings={"preset": "default"},
    basis=(
        "472 municipal + 24 regional general-education organisations in 2013/14 (vtambove.ru), "
        "network slightly smaller since; 14.3 thousand teachers in 2004/05 and a third fewer "
        "pupils since (134.5 → ~94 thousand), at ~9 pupils per teacher → ~10.8 thousand; "
        "methodists sized by the federal norm (200–250 per methodist, letter АЗ-1061/08)"
    ),
)

YAKUTIA = RegionProfile(
    key="yakutia",
    geo_folder="sakha",
    name_ru="Республика Саха (Якутия)",
    schools=628,
    teachers=18_600,
    norm_target_load=130.0,
    extra_shares={"native_language": 0.050},
    yakut_share=0.5,
    central_municipality="SAH-M35",
    seed=14,
    # the Yakutia norm; visits in January–April, when the winter roads run
    demo_settings={"preset": "yakutia", "reach": "months", "reach_months": (1, 2, 3, 4)},
    basis=(
        "628 schools opened on 1 September 2025 (kyym.ru); 19.3 thousand teachers in 2004/05 "
        "(HSE data), slightly fewer today → 18.6 thousand; Yakut language and literature "
        "teachers ~5 %; methodists sized by the Yakutia norm (1 per 100–150 teachers, 002 §3.7)"
    ),
)

PROFILES = {p.key: p for p in (TAMBOV, YAKUTIA)}

# Share of teachers in each category (basis in data/README.md) and of low-results schools.
CATEGORY_SHARES = {"young": 0.14, "iom": 0.10, "contest": 0.03, "expert": 0.03}
LOW_RESULTS_SCHOOL_SHARE = 0.12
UNASSIGNED_SHARE = 0.04  # new hires not yet in the current order
