"""One answer to "how many methodists": `need()` checked by hand, and `assign info` and the
recruitment plan agreeing on it for the same settings."""

from __future__ import annotations

import math

import pytest

from assign.assignment import AssignmentSettings
from assign.io import load_region_or_raise
from assign.pool import PoolSettings, size_pool
from assign.pool.plan import recruitment_plan
from assign.summary import need, subject_capacity
from conftest import DATA, SAMPLES


def test_580_teachers_do_not_divide_under_200_250() -> None:
    """Two methodists carry at most 2 × 250 = 500 < 580, three need at least 3 × 200 = 600."""
    found = need(580, 200, 250)
    assert (found.fewest, found.most, found.fits) == (3, 2, False)
    assert found.problem() == (
        "580 педагогов не делятся по норме 200–250: 2 методиста возьмут не более 500, "
        "3 — не менее 600; варианты: снизить минимум до 193 (3 методиста по 193–194), "
        "поднять максимум до 290 (2 методиста по 290) или дать 2 методистам по 250, "
        "а остаток — 80 педагогов — закрепить за методистом другого предмета либо "
        "совместителем с индивидуальной нормой"
    )


@pytest.mark.parametrize(
    ("load", "low", "high", "fewest", "most", "text"),
    [
        (580, 100, 250, 3, 5, "3–5"),  # 580/250 = 2.32 → 3; 580/100 = 5.8 → 5
        (500, 200, 250, 2, 2, "2"),  # exactly 2 × 250 and 2.5 × 200
        (600, 200, 250, 3, 3, "3"),  # 2.4 → 3; exactly 3 × 200
        (1349, 100, 150, 9, 13, "9–13"),  # 8.99 → 9; 13.49 → 13
        (6.25, 0, 2.5, 3, None, "3 и больше"),  # no minimum: any number from 3 up
        (0, 100, 250, 0, 0, "0"),
    ],
)
def test_divisible_loads(
    load: float, low: float, high: float, fewest: int, most: int | None, text: str
) -> None:
    found = need(load, low, high)
    assert (found.fewest, found.most, found.fits) == (fewest, most, True)
    assert found.range_text() == text
    assert found.problem() is None
    assert found.deficit(1) == max(0, fewest - 1)


def test_a_load_below_one_minimum_says_so() -> None:
    found = need(150, 200, 250)
    assert (found.fewest, found.most, found.fits) == (1, 0, False)
    text = found.problem()
    assert text is not None and text.startswith(
        "150 педагогов — меньше минимальной нагрузки одного методиста по норме 200–250"
    )
    assert "снизить минимум до 150" in text


def test_weighted_loads_have_no_even_split_and_keep_decimals() -> None:
    found = need(6.25, 2.5, 3, unit="weighted")  # 6.25/3 = 2.08 → 3; 6.25/2.5 = 2.5 → 2
    assert (found.fewest, found.most) == (3, 2)
    assert found.problem() == (
        "6,25 ед. нагрузки не делятся по норме 2,5–3: 2 методиста возьмут не более 6, 3 — не "
        "менее 7,5; варианты: снизить минимум до 2,08, поднять максимум до 3,13 или дать "
        "2 методистам по 3, а остаток — 0,25 ед. нагрузки — закрепить за методистом другого "
        "предмета либо совместителем с индивидуальной нормой"
    )


def test_capacity_counts_in_the_settings_unit_and_norm() -> None:
    """small_ok mathematics: 5 teachers, weighted load 6.25 (its README), methodists P1, P2."""
    region = load_region_or_raise(DATA / "small_ok")
    heads = subject_capacity(region, AssignmentSettings(min_load=0, max_load=2))
    math_row = heads.set_index("subject").loc["math"]
    assert (math_row["load"], math_row["need"], math_row["deficit"]) == (5, 3, 1)
    weighted = subject_capacity(
        region, AssignmentSettings(min_load=0, max_load=2, load_unit="weighted")
    )
    math_row = weighted.set_index("subject").loc["math"]
    assert math_row["load"] == pytest.approx(6.25)
    assert (math_row["need"], math_row["deficit"]) == (4, 2)  # 6.25 / 2 = 3.125 → 4
    default = subject_capacity(region).set_index("subject").loc["math"]
    assert (default["need"], default["fits"]) == (1, False)  # 5 < the minimum 100
    assert default["note"].startswith("5 педагогов — меньше минимальной нагрузки")
    assert "1 методист нескольких предметов" in default["note"]  # P2: math and physics


@pytest.mark.parametrize(
    "settings",
    [
        AssignmentSettings(min_load=0, max_load=2),
        AssignmentSettings(min_load=0, max_load=3, load_unit="weighted"),
    ],
)
def test_info_and_the_recruitment_plan_agree_on_small_ok(settings: AssignmentSettings) -> None:
    region = load_region_or_raise(DATA / "small_ok")
    capacity = subject_capacity(region, settings).set_index("subject")
    plan = recruitment_plan(size_pool(region, PoolSettings(assignment=settings)))
    assert {p.subject for p in plan} == set(capacity.index)
    for item in plan:
        row = capacity.loc[item.subject]
        assert (item.need, item.deficit, item.have) == (
            row["need"],
            row["deficit"],
            row["methodists"],
        )
        assert item.load == pytest.approx(row["load"])
        assert item.note == row["note"]
    math_plan = next(p for p in plan if p.subject == "math")
    # P1 and P2 carry at most 2 × max; mathematics needs 3 by the norm, so C2 is invited
    assert (math_plan.need, math_plan.have, math_plan.deficit) == (3, 2, 1)
    assert math_plan.recruit == [("C2", "Северный район")]


@pytest.mark.parametrize(
    "settings",
    [AssignmentSettings(), AssignmentSettings(load_unit="weighted", min_load=50, max_load=150)],
)
def test_info_and_the_recruitment_plan_agree_on_tambov(settings: AssignmentSettings) -> None:
    """A quick pool run on one subject of the Tambov sample (chemistry: 242 teachers)."""
    region = load_region_or_raise(SAMPLES / "tambov")
    row = subject_capacity(region, settings).set_index("subject").loc["chemistry"]
    (item,) = recruitment_plan(
        size_pool(region, PoolSettings(assignment=settings, subject="chemistry"))
    )
    assert (item.need, item.deficit, item.have) == (row["need"], row["deficit"], row["methodists"])
    assert item.teachers == 242
    if settings.load_unit == "heads":
        assert item.need == 1  # 242 / 250 → 1
    else:
        assert item.load > 242  # every weight is at least 1
        assert item.need == math.ceil(item.load / 150)


def test_numerals_agree_in_the_problem_text() -> None:
    """5 260 under 245–250: 21 carry at most 21 × 250 = 5 250, 22 need at least 22 × 245 = 5 390."""
    text = need(5260, 245, 250).problem()
    assert text is not None
    assert text.startswith(
        "5 260 педагогов не делятся по норме 245–250: 21 методист возьмёт не более 5 250, "
        "22 — не менее 5 390; варианты: снизить минимум до 239 (22 методиста по 239–240), "
        "поднять максимум до 251 (21 методист по 250–251) или дать 21 методисту по 250, "
        "а остаток — 10 педагогов — закрепить"
    )
