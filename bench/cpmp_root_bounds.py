"""How far below the known optimum the relaxations of the public capacitated p-median
instances lie: the compact LP (x_ij ≤ y_j, Σ y = p) and the set-partitioning (Dantzig–Wolfe)
LP, whose columns are a median with the points it serves within its capacity — the root of a
branch-and-price, and the best bound any Lagrangian of the assignment rows (the engine's
`lagrange.py`) can reach.

The Dantzig–Wolfe LP is solved by column generation: a HiGHS master (every point once, p
medians, each median at most once), each median's column priced by an exact 0–1 knapsack
(a dynamic programme over the integer capacity). The duals are smoothed towards the best
Lagrangian prices (Wentges, α = 0.8), and each round's Lagrangian bound (Σ u + the p best
knapsacks) is a valid lower bound on its own: the table reports the best of them and the
master's value, equal when the generation ends (no column prices out).

This is a measurement, not a solver of the product: it says how much of the gap to the optimum
a proof must close by branching once the strongest of these bounds is in hand.

Run: .venv/bin/python bench/cpmp_root_bounds.py [--only oc20,sjc1] [--limit 120]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import highspy
import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
SMOOTHING = 0.8
INF = highspy.kHighsInf


def instance(name: str) -> tuple[int, int, np.ndarray, np.ndarray]:
    numbers = (BENCH / "cpmp" / f"{name}.txt").read_text().split()
    n, p, capacity = int(numbers[0]), int(numbers[1]), int(numbers[2])
    rows = np.array(numbers[3 : 3 + 3 * n], dtype=float).reshape(n, 3)
    diff = rows[:, None, :2] - rows[None, :, :2]
    d = np.sqrt((diff * diff).sum(-1))
    if name.startswith("oc"):  # their optima count distances rounded down (README there)
        d = np.floor(d)
    return p, capacity, d, rows[:, 2].astype(np.int64)


def quiet() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def compact_lp(p: int, capacity: int, d: np.ndarray, q: np.ndarray) -> tuple[float, np.ndarray]:
    """min Σ d_ij x_ij: Σ_j x_ij = 1, Σ_i q_i x_ij ≤ Q y_j, x_ij ≤ y_j, Σ y_j = p; its value
    and the duals of the points' rows (the column generation's first prices)."""
    n = len(q)
    h = quiet()
    h.addVars(n * n + n, np.zeros(n * n + n), np.ones(n * n + n))
    h.changeColsCost(n * n, np.arange(n * n, dtype=np.int32), d.T.ravel())  # x[j * n + i]
    lower, upper, rows = [], [], []  # each row: its columns and coefficients
    for i in range(n):
        lower.append(1.0), upper.append(1.0)
        rows.append((np.arange(n) * n + i, np.ones(n)))
    for j in range(n):
        lower.append(-INF), upper.append(0.0)
        rows.append((np.append(np.arange(n) + j * n, n * n + j), np.append(q, -capacity)))
        for i in range(n):
            lower.append(-INF), upper.append(0.0)
            rows.append((np.array([j * n + i, n * n + j]), np.array([1.0, -1.0])))
    lower.append(p), upper.append(p)
    rows.append((np.arange(n * n, n * n + n), np.ones(n)))
    starts = np.cumsum([0] + [len(c) for c, _ in rows[:-1]]).astype(np.int32)
    index = np.concatenate([c for c, _ in rows]).astype(np.int32)
    values = np.concatenate([v for _, v in rows]).astype(float)
    h.addRows(len(rows), np.array(lower), np.array(upper), len(index), starts, index, values)
    h.run()
    duals = np.array(h.getSolution().row_dual)[:n]
    return float(h.getInfo().objective_function_value), duals


def knapsack(profit: np.ndarray, q: np.ndarray, capacity: int) -> tuple[float, list[int]]:
    """The most profit within the capacity (items of positive profit only) and its items."""
    items = np.flatnonzero(profit > 1e-9)
    best = np.zeros(capacity + 1)
    took = np.zeros((len(items), capacity + 1), dtype=bool)
    for k, i in enumerate(items):
        w = int(q[i])
        if w > capacity:
            continue
        with_it = np.full(capacity + 1, -1.0)
        with_it[w:] = best[: capacity + 1 - w] + profit[i]
        took[k] = with_it > best + 1e-12
        best = np.where(took[k], with_it, best)
    chosen, room = [], capacity
    for k in range(len(items) - 1, -1, -1):
        if took[k, room]:
            chosen.append(int(items[k]))
            room -= int(q[items[k]])
    return float(best[capacity]), chosen


def dantzig_wolfe(
    p: int, capacity: int, d: np.ndarray, q: np.ndarray, prices: np.ndarray, seconds: float
) -> tuple[float, float, int, bool]:
    """The master's value, the best Lagrangian bound, the rounds, and whether it converged;
    the smoothing's centre starts at `prices` (the compact LP's duals)."""
    start, n = time.perf_counter(), len(q)
    h = quiet()
    for _ in range(n):
        h.addRow(1.0, 1.0, 0, np.array([], np.int32), np.array([]))  # each point once
    h.addRow(p, p, 0, np.array([], np.int32), np.array([]))  # p medians
    for _ in range(n):
        h.addRow(-INF, 1.0, 0, np.array([], np.int32), np.array([]))  # each median once
    artificial = float(d.max()) * n
    for i in range(n):
        h.addCol(artificial, 0.0, INF, 1, np.array([i], np.int32), np.array([1.0]))
    h.addCol(0.0, 0.0, INF, 1, np.array([n], np.int32), np.array([1.0]))  # fewer medians

    def add(j: int, served: list[int]) -> None:
        rows = np.array([*served, n, n + 1 + j], dtype=np.int32)
        h.addCol(float(d[served, j].sum()), 0.0, INF, len(rows), rows, np.ones(len(rows)))

    best_bound, centre, rounds, master = -np.inf, prices, 0, np.inf
    while time.perf_counter() - start < seconds:
        h.run()
        rounds += 1
        master = float(h.getInfo().objective_function_value)
        dual = np.array(h.getSolution().row_dual)
        u, v, w = dual[:n], dual[n], dual[n + 1 :]
        smoothed = SMOOTHING * centre + (1 - SMOOTHING) * u
        values, columns = np.zeros(n), []
        for j in range(n):
            gain, served = knapsack(smoothed - d[:, j], q, capacity)
            values[j], columns = -gain, [*columns, served]
        bound = float(smoothed.sum() + np.sort(values)[:p].sum())
        if bound > best_bound:
            best_bound, centre = bound, smoothed
        added = 0
        for j, served in enumerate(columns):
            if served and d[served, j].sum() - u[served].sum() - v - w[j] < -1e-6:
                add(j, served)
                added += 1
        if not added:  # no column at the smoothed prices: price at the master's own
            for j in range(n):
                gain, served = knapsack(u - d[:, j], q, capacity)
                if served and -gain - v - w[j] < -1e-6:
                    add(j, served)
                    added += 1
        if not added:
            return master, max(best_bound, master), rounds, True
    return master, best_bound, rounds, False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="instances, comma-separated")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per column generation")
    args = parser.parse_args()
    with (BENCH / "bks.csv").open() as f:
        known = {r["instance"]: float(r["bks"]) for r in csv.DictReader(f)}
    names = args.only.split(",") if args.only else sorted(known)
    print(
        "| instance | n | p | optimum | compact LP | gap | set-partitioning LP | gap | rounds | s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        p, capacity, d, q = instance(name)
        optimum = known[name]
        lp, prices = compact_lp(p, capacity, d, q)
        start = time.perf_counter()
        master, bound, rounds, converged = dantzig_wolfe(p, capacity, d, q, prices, args.limit)
        seconds = time.perf_counter() - start
        shown = f"{bound:,.2f}" if converged else f"≥ {bound:,.2f} (master {master:,.2f})"
        print(
            f"| {name} | {len(q)} | {p} | {optimum:,.2f} | {lp:,.2f} | "
            f"{(optimum - lp) / optimum:.2%} | {shown} | {(optimum - bound) / optimum:.2%} | "
            f"{rounds} | {seconds:.1f} |".replace(",", " "),
            flush=True,
        )


if __name__ == "__main__":
    main()
