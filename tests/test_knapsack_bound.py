"""The knapsack bound (`assignment.knapsack_bound`): never above the best plan through a
pair (HiGHS with that pair held ≥ 1), above the LP where the LP splits a teacher, and the
later ranked terms that prune by it keep the exact optimum (test_assignment, test_leavers)."""

from __future__ import annotations

import numpy as np
import pytest

from assign.assignment import AssignmentSettings, Status, build_problem
from assign.assignment.formulation import Formulation, formulate
from assign.assignment.knapsack_bound import pair_rises
from assign.assignment.lp import solve_relaxation
from assign.assignment.mip import solve_highs
from assign.assignment.settings import Term
from assignment_helpers import everyone_placed_somewhere, planar_region

TRAVEL = {"travel": 1.0, "unplaced": 1.0, "short": 1.0}


def _best(f: Formulation, settings: AssignmentSettings) -> float:
    """HiGHS's optimum of the model's travel (with a partial plan's penalties); inf when
    no plan exists."""
    outcome = solve_highs(f, [f.objective(TRAVEL)], settings)
    if outcome.status is Status.INFEASIBLE:
        return float("inf")
    assert outcome.status is Status.OPTIMAL
    return outcome.objective


@pytest.mark.parametrize("allow_partial", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rises_never_exceed_the_best_plan_through_the_pair(seed: int, allow_partial: bool) -> None:
    """Weighted teachers, tight limits: for every pair, the best plan through it costs at
    least the bound plus the pair's rise, and the best plan at least the bound."""
    region = everyone_placed_somewhere(seed, teachers=24, methodists=4)
    settings = AssignmentSettings(
        min_load=5.0, max_load=11.0, load_unit="weighted", allow_partial=allow_partial
    )
    (comp,) = build_problem(region, settings).components
    f = formulate(comp, np.arange(comp.n_pairs), allow_partial, (Term.TRAVEL,))
    relaxation = solve_relaxation(f, *f.objective(TRAVEL))
    assert relaxation.feasible
    knapsacks = pair_rises(f, comp, relaxation)
    assert knapsacks is not None
    gain, rises = knapsacks
    bound = relaxation.objective + gain
    assert gain >= -1e-6 and (rises >= relaxation.reduced_costs[f.x] - gain - 1e-6).all()
    assert _best(f, settings) >= bound - 1e-6
    for i, var in enumerate(f.x):
        f.lb[var] = 1
        assert _best(f, settings) >= bound + rises[i] - 1e-6, i
        f.lb[var] = 0


def test_the_bound_counts_teachers_whole() -> None:
    """Three teachers of weight 1.5 whose nearest methodist takes at most 3.5: the LP sends
    two and a third there, the knapsack bound two — the integer optimum, above the LP."""
    region = planar_region(
        [("S1", 0.0, 0.0)],
        [(f"T{i}", "S1", "Математика", 1.5) for i in range(3)],
        [("P1", "Математика", 1, 0, None, None), ("P2", "Математика", 40, 0, None, None)],
    )
    settings = AssignmentSettings(
        min_load=0, max_load=3.5, load_unit="weighted", allow_partial=False, objective="distance"
    )
    (comp,) = build_problem(region, settings).components
    f = formulate(comp, np.arange(comp.n_pairs), False, (Term.TRAVEL,))
    relaxation = solve_relaxation(f, *f.objective(TRAVEL))
    knapsacks = pair_rises(f, comp, relaxation)
    assert knapsacks is not None
    optimum = _best(f, settings)
    assert relaxation.objective < optimum - 1
    assert relaxation.objective + knapsacks[0] == pytest.approx(optimum)
