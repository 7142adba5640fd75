"""The LP relaxation of a formulation (GLOP): a lower bound and the reduced costs.

Reduced costs prune pairs exactly: a pair whose reduced cost exceeds (upper bound − LP bound)
cannot carry a teacher in any plan at least as good as the upper bound (reduced-cost fixing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from assign.assignment.formulation import UNBOUNDED, Formulation


@dataclass
class Relaxation:
    feasible: bool
    objective: float  # in points, with the constant
    values: np.ndarray
    reduced_costs: np.ndarray


def solve_relaxation(f: Formulation, coefs: dict[int, int], constant: int) -> Relaxation:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    variables = [solver.NumVar(float(lo), float(hi), "") for lo, hi in zip(f.lb, f.ub, strict=True)]
    infinity = solver.infinity()
    for row in f.rows:
        # the formulation writes "no bound" as ±10¹²; GLOP must see true infinity there
        lb = -infinity if row.lb <= -UNBOUNDED else float(row.lb)
        ub = infinity if row.ub >= UNBOUNDED else float(row.ub)
        constraint = solver.Constraint(lb, ub)
        for var, coef in zip(row.vars, row.coefs, strict=True):
            constraint.SetCoefficient(variables[var], float(coef))
    objective = solver.Objective()
    for var, coef in coefs.items():
        objective.SetCoefficient(variables[var], float(coef))
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        empty = np.zeros(len(variables))
        return Relaxation(False, float("inf"), empty, empty)
    values = np.array([v.solution_value() for v in variables])
    reduced = np.array([v.reduced_cost() for v in variables])
    return Relaxation(True, objective.Value() + constant, values, reduced)
