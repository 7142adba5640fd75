"""The memory guard of pool sizing: an estimate before anything is built, a limit, the peak.

Every pair of a sizing model (a school's teachers of a subject × a methodist or candidate
of the subject) costs memory in the arrays, the model's rows, the LP and the integer
solver. Up to `DENSE_PAIRS` every pair is built, as for any assignment; past it, or past the
limit, each (school, subject) starts with its nearest candidates and the rest are priced
on demand (`assignment.growth`), with fewer nearest ones until the estimate fits. When even
the fewest do not fit, sizing stops before building, with a message that names the size and
the options that help — never a kernel kill mid-run.
"""

from __future__ import annotations

import os
import resource
from collections import defaultdict
from dataclasses import dataclass

from assign.assignment.candidates import BYTES_PER_PAIR, estimate_bytes, matrix_bytes
from assign.domain import Region
from assign.format import count_ru, fmt_number

DENSE_PAIRS = 200_000  # every pair is built up to this many (402 × 402 public instances)
NEAREST = (40, 20, 10)  # candidates per (school, subject) to start with, tried in turn
MODEL_PAIRS = 1_500_000  # at most in one model, so the integer search stays quick
LP_WORK = 500_000_000
"""Pairs × schools past which the first LP over the longest lists would not end within its
share of the time: HiGHS's simplex takes about 0.22 µs per pair × school on the generated
instances (gen2000 lists of 40: 67 334 pairs, 29.5 s; gen4000 lists of 20: 80 000, 72 s;
lists of 10: 40 000, 36 s), so gen4000's lists of 40 (158 820 pairs) need over 90 s of a
two-minute run's 48 s. Past it the lists start at their shortest: the LP ends in time and
its open set starts the search. all3000 (120 000 × 3 000, LP 32 s) stays below it."""
GB = 1024**3


class MemoryLimitError(ValueError):
    """Sizing would need more memory than its limit, even with the shortest candidate lists."""

    code = "memory_limit"


@dataclass(frozen=True)
class MemoryPlan:
    """How a sizing run is built: every pair (`nearest` None) or candidate lists."""

    nearest: int | None
    model_pairs: int  # pairs one model may hold
    estimate: int  # bytes at the peak, as estimated
    limit: int  # bytes


def machine_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def default_limit() -> int:
    """Half of the machine's memory: the other half is the rest of the machine's."""
    return machine_memory() // 2


def peak_memory_mb() -> float:
    """This process's peak resident memory so far (Linux reports it in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan_memory(
    region: Region, candidate_ids: frozenset[str], limit: int, nearest: int | None = None
) -> MemoryPlan:
    """The build that fits `limit` bytes, or a MemoryLimitError (in Russian) naming the size;
    `nearest` asks for candidate lists of that length whatever the size."""
    schools_of: dict[str, set[str]] = defaultdict(set)
    for teacher in region.teachers:
        schools_of[teacher.subject].add(teacher.school_id)
    existing: dict[str, int] = defaultdict(int)
    candidates: dict[str, int] = defaultdict(int)
    for methodist in region.methodists:
        counts = candidates if methodist.methodist_id in candidate_ids else existing
        for subject in methodist.subjects:
            counts[subject] += 1
    n_schools, n_people = len(region.schools), len(region.methodists)
    dense = sum(len(s) * (existing[k] + candidates[k]) for k, s in schools_of.items())
    dense_bytes = dense * BYTES_PER_PAIR + matrix_bytes(n_schools * n_people)
    if nearest is None and dense <= DENSE_PAIRS and dense_bytes <= limit:
        return MemoryPlan(None, max(dense, 1), dense_bytes, limit)
    base = sum(len(s) * existing[k] for k, s in schools_of.items())

    def pairs_with(k: int) -> int:
        return base + sum(len(s) * min(k, candidates[c]) for c, s in schools_of.items())

    lengths = NEAREST if nearest is None else (nearest,)
    if nearest is None and pairs_with(NEAREST[0]) * n_schools > LP_WORK:
        lengths = NEAREST[-1:]
    estimate = dense_bytes
    for k in lengths:
        pairs = pairs_with(k)
        estimate = estimate_bytes(pairs, n_schools, len(candidate_ids))
        if estimate <= limit:
            room = (limit - estimate_bytes(0, n_schools, len(candidate_ids))) // BYTES_PER_PAIR
            return MemoryPlan(k, int(min(max(room, pairs), MODEL_PAIRS)), estimate, limit)
    fewest = count_ru(nearest or NEAREST[-1], "ближайший кандидат", "ablt")
    raise MemoryLimitError(
        f"подбору пула нужно около {fmt_number(estimate / GB, 1)} ГБ памяти даже с "
        f"{fewest} на школу, а предел — {fmt_number(limit / GB, 1)} ГБ "
        f"({count_ru(n_schools, 'школа')}, {count_ru(len(candidate_ids), 'кандидат')}, "
        f"{count_ru(dense, 'пара')} школа–методист): ограничьте досягаемость (--max-hours), "
        "сократите список кандидатов или поднимите предел (--memory-limit, в ГБ)"
    )
