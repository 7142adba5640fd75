"""The moves held at their fewest (`assignment.leavers`): every plan within the moves held
meets what they imply (exhaustive search over small regions), the ranked optimum is the
exhaustive one also with a partial plan allowed, and on Yakutia's weighted loads the
deduction rules out a large share of the pairs."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest

from assign.assignment import AssignmentSettings, Status, build_problem, solve
from assign.assignment.formulation import Formulation
from assign.assignment.kpi import raw_terms
from assign.assignment.leavers import HeldMoves, Leaving
from assign.assignment.problem import Component
from assign.assignment.stages import Outcome, Stage
from assign.io import load_region_or_raise
from assign.sample.profiles import PROFILES
from assignment_helpers import brute_force, everyone_placed_somewhere, feasible_plans
from conftest import SAMPLES

RANKED = ("changes", "travel", "balance")


def _settings(allow_partial: bool) -> AssignmentSettings:
    return AssignmentSettings(
        min_load=3.0,
        max_load=4.5,
        load_unit="weighted",
        ranking=RANKED,
        allow_partial=allow_partial,
    )


def _pairs_used(
    comp: Component, teachers: list[str], plan: dict[str, str], ids: list[str]
) -> list[int]:
    pair_of = {
        (int(g), ids[int(m)]): p
        for p, (g, m) in enumerate(zip(comp.pair_group, comp.pair_methodist, strict=True))
    }
    return [pair_of[g, plan[teachers[t]]] for g, ts in enumerate(comp.group_teachers) for t in ts]


@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize("seed", range(8))
def test_every_plan_within_the_moves_held_meets_what_they_imply(seed: int, extra: int) -> None:
    """Held at the fewest moves (+ extra), as the ranked solve holds them: no plan within
    them uses a pair ruled out, or keeps fewer of a methodist's current teachers than the
    rows ask; and the floor is below every plan's moves."""
    region = everyone_placed_somewhere(seed)
    settings = _settings(allow_partial=False)
    problem = build_problem(region, settings)
    (comp,) = problem.components
    plans = [
        (plan, raw_terms(problem, plan)["changes"]) for _, plan in feasible_plans(region, settings)
    ]
    floor = Leaving.of(comp).floor(comp)
    assert plans and min(moved for _, moved in plans) >= floor
    most = min(moved for _, moved in plans) + extra
    moves = HeldMoves.of(comp, int(most))
    allowed = moves.movable(comp, np.arange(comp.n_pairs))
    current = {a.teacher_id: a.methodist_id for a in region.current_assignment}
    local_ids = [problem.methodist_ids[int(m)] for m in comp.methodists]
    for plan, moved in plans:
        if moved > most:
            continue
        assert allowed[_pairs_used(comp, problem.teacher_ids, plan, problem.methodist_ids)].all()
        kept = [sum(current.get(t) == m == plan[t] for t in plan) for m in local_ids]
        assert (np.array(kept) >= moves.least_kept()).all()


def test_the_deduction_rules_out_pairs_and_asks_for_stays() -> None:
    """Over the small regions of the test above, held at the floor, some pair is ruled out
    and some methodist must keep teachers: the test above checks something."""
    ruled_out = asked = 0
    for seed in range(8):
        (comp,) = build_problem(everyone_placed_somewhere(seed), _settings(False)).components
        moves = HeldMoves.of(comp, Leaving.of(comp).floor(comp))
        ruled_out += int((~moves.movable(comp, np.arange(comp.n_pairs))).sum())
        asked += int(moves.least_kept().sum())
    assert ruled_out > 0 and asked > 0


@pytest.mark.parametrize("seed", range(6))
def test_ranked_optimum_with_a_partial_plan_allowed_equals_brute_force(seed: int) -> None:
    """With a partial plan allowed (the product's default) a teacher who leaves may be left
    out rather than moved; leaving out costs more than a move, so the deduction holds, and
    where every teacher can be placed the ranked optimum is the exhaustive one."""
    region = everyone_placed_somewhere(seed)
    settings = _settings(allow_partial=True)
    expected = brute_force(region, settings, RANKED)
    if expected is None:
        pytest.skip("no plan places every teacher: the exhaustive search has nothing to compare")
    problem = build_problem(region, settings)
    result = solve(problem)
    assert result.status is Status.OPTIMAL and not result.unplaced
    got = raw_terms(problem, result.assignment)
    assert tuple(round(got[t], 6) for t in RANKED) == pytest.approx(expected)


def test_yakutia_primary_school_held_at_the_fewest_moves_loses_a_quarter_of_its_pairs() -> None:
    """On the sample's weighted loads the floor of primary school's moves is 169, the fewest
    the solver proves (bench/README), all from methodists over the maximum; held there, the
    pairs left for the later terms are at most three quarters of all."""
    region = load_region_or_raise(SAMPLES / "yakutia")
    settings = AssignmentSettings(**PROFILES["yakutia"].demo_settings, load_unit="weighted")
    problem = build_problem(region, settings)
    (comp,) = [c for c in problem.components if "primary" in c.subjects]
    floor = Leaving.of(comp).floor(comp)
    assert floor == 169
    allowed = HeldMoves.of(comp, floor).movable(comp, np.arange(comp.n_pairs))
    assert allowed.sum() <= 0.75 * comp.n_pairs


def test_a_start_that_meets_the_lp_bound_is_not_solved_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loads within the limits: no one needs to move, the LP's bound on the moves is 0 and
    its rounded-down plan meets it. That plan is the first term's optimum over every pair;
    the integer solver is asked for the first term only to complete the rounded plan."""
    engine = importlib.import_module("assign.assignment.solve")
    region = everyone_placed_somewhere(3, teachers=8)
    settings = AssignmentSettings(
        min_load=0, max_load=40.0, load_unit="weighted", ranking=RANKED, allow_partial=False
    )
    first_term_models: list[bool] = []  # per solve of the first term: from a rounded plan?
    highs = engine.INTEGER_SOLVERS["highs"]

    def recording(f: Formulation, stages: list[Stage], *args: Any) -> Outcome:
        if stages[0] == f.objective({"changes": 1.0, "unplaced": 1.0, "short": 1.0}):
            first_term_models.append(any(f.lb[v] > 0 for v in f.x))
        return highs(f, stages, *args)

    monkeypatch.setitem(engine.INTEGER_SOLVERS, "highs", recording)
    problem = build_problem(region, settings)
    result = solve(problem)
    assert result.status is Status.OPTIMAL and result.objective == 0
    (component,) = result.components
    assert component.pairs_kept == component.pairs_total  # the plan is over every pair
    assert first_term_models == [True]
    got = raw_terms(problem, result.assignment)
    assert tuple(round(got[t], 6) for t in RANKED) == pytest.approx(
        brute_force(region, settings, RANKED)
    )
