"""The reference a planner would make by hand: each teacher to the nearest methodist with room.

Kept as a baseline for the benchmarks: it respects the maximum load and reach, but not the
minimum load, and knows nothing of the current assignment.
"""

from __future__ import annotations

import time

import numpy as np

from assign.assignment.problem import AssignmentProblem
from assign.assignment.result import Result, Status, Unplaced


def solve_greedy(problem: AssignmentProblem) -> Result:
    start = time.perf_counter()
    assignment: dict[str, str] = {}
    unplaced = [Unplaced(problem.teacher_ids[u.teacher], u.reason) for u in problem.unplaceable]
    for comp in problem.components:
        load = {int(m): 0 for m in comp.methodists}
        capacity = {int(m): int(c) for m, c in zip(comp.methodists, comp.max_load, strict=True)}
        order = np.lexsort((comp.pair_methodist, comp.pair_travel, comp.pair_group))
        options: dict[int, list[int]] = {}
        for p in order:
            options.setdefault(int(comp.pair_group[p]), []).append(int(p))
        for g in range(comp.n_groups):
            weight = int(comp.group_weight[g])
            for t in sorted(comp.group_teachers[g]):
                for p in options.get(g, []):
                    m = int(comp.pair_methodist[p])
                    if load[m] + weight <= capacity[m]:
                        load[m] += weight
                        assignment[problem.teacher_ids[t]] = problem.methodist_ids[m]
                        break
                else:
                    unplaced.append(
                        Unplaced(problem.teacher_ids[t], "у ближайших методистов нет места")
                    )
    status = Status.FEASIBLE if assignment else Status.INFEASIBLE
    return Result(
        status,
        float("nan"),
        float("nan"),
        time.perf_counter() - start,
        assignment,
        unplaced,
        [],
        {},
    )
