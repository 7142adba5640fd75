"""Who changes methodist against the current order, and why — the list a re-plan owes the
people it moves (the order's second appendix, the planner's «изменения» sheet).

A teacher counts as changed when the current order names a methodist and the plan names
another, including a methodist no longer in the region. The reason is the first of: the
methodist left, does not teach the subject, cannot reach the school under the reach rule, the
pair is banned, the teacher is pinned elsewhere, the methodist was over the load limit, the
new methodist needed teachers for the minimum load; otherwise the plan's objective moved them
(shorter travel or a more even load).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from assign.assignment.kpi import load_array, load_limits
from assign.assignment.problem import LOAD_SCALE, AssignmentProblem
from assign.format import count_ru, fmt_number, name_case

UNNAMED_FORMER = "выбывший методист"
"""Who a teacher was with, in the documents, when the region no longer names that methodist."""


class ChangeReason(StrEnum):
    """Stable codes of why a teacher changes methodist."""

    LEFT = "methodist_left"
    SUBJECT = "subject_not_taught"
    OUT_OF_REACH = "out_of_reach"
    BANNED = "banned"
    PINNED = "pinned"
    RELEASED = "methodist_released"
    OVERLOADED = "overloaded"
    MINIMUM_LOAD = "minimum_load"
    TRAVEL = "shorter_travel"
    BALANCE = "balance"


@dataclass(frozen=True)
class Change:
    teacher_id: str
    teacher_name: str
    school_id: str
    school_name: str
    subject: str
    from_id: str
    from_name: str  # blank when the methodist left and the region no longer names them
    to_id: str
    to_name: str
    reason: ChangeReason
    reason_text: str  # Russian, for the person who reads the list


def _hours(new: float, old: float) -> str:
    """«0,3 ч вместо 0,5 ч», in as many digits as tell the two apart («0,28 ч вместо 0,30 ч»;
    minutes when even hundredths do not: it read «0,3 ч вместо 0,3 ч»)."""
    for digits in (1, 2):
        shown = fmt_number(new, digits), fmt_number(old, digits)
        if shown[0] != shown[1]:
            return f"{shown[0]} ч вместо {shown[1]} ч"
    return f"на {max(round((old - new) * 60), 1)} мин"


def change_list(problem: AssignmentProblem, assignment: dict[str, str]) -> list[Change]:
    """Every teacher whose methodist differs from the current order, in region order."""
    region = problem.region
    settings = problem.settings
    current_of = region.current_methodist_of
    m_index = {m: i for i, m in enumerate(problem.methodist_ids)}
    s_index = {s: i for i, s in enumerate(problem.school_ids)}
    hours, _, in_person = problem.costs
    limits = load_limits(problem)
    arrays = problem.teacher_arrays
    loads_before = load_array(problem, arrays.current).tolist()
    before = {m: loads_before[i] for m, i in m_index.items()}
    pins = dict(settings.pins)
    bans = set(settings.bans)
    chosen = problem.methodist_of(assignment)
    serving = set(assignment.values())  # a methodist with no teacher left is out of the pool
    moved = np.flatnonzero((arrays.current != -1) & (chosen >= 0) & (arrays.current != chosen))
    changes = []
    for teacher in (region.teachers[t] for t in moved.tolist()):
        old, new = current_of[teacher.teacher_id], assignment[teacher.teacher_id]
        s = s_index[teacher.school_id]
        old_m = region.methodist_by_id.get(old)
        former = region.former_methodist_by_id.get(old)
        if old_m is None:
            reason, text = ChangeReason.LEFT, "методист выбыл из регионального методического актива"
        elif teacher.subject not in old_m.subjects:
            reason, text = ChangeReason.SUBJECT, "методист не ведёт предмет педагога"
        elif not in_person[s, m_index[old]] and settings.required_months:
            reason, text = ChangeReason.OUT_OF_REACH, "школа вне досягаемости методиста"
        elif (teacher.teacher_id, old) in bans:
            reason, text = ChangeReason.BANNED, "закрепление за методистом запрещено"
        elif pins.get(teacher.teacher_id) == new:
            reason, text = ChangeReason.PINNED, "закреплён за новым методистом вручную"
        elif old not in serving:  # a pool plan released her (`--release-existing`)
            reason = ChangeReason.RELEASED
            text = (
                "методист не вошёл в пул по плану (выведен из регионального методического актива)"
            )
        elif old in limits and before[old] > limits[old][1]:
            reason = ChangeReason.OVERLOADED
            text = (
                f"методист был перегружен: {count_ru(round(before[old] / LOAD_SCALE), 'педагог')}"
                f" при максимуме {fmt_number(limits[old][1] / LOAD_SCALE, 0)}"
            )
        elif new in limits and before[new] < limits[new][0]:
            reason = ChangeReason.MINIMUM_LOAD
            text = (
                f"у методиста {name_case(region.methodist_by_id[new].full_name, 'gent')} было "
                f"{count_ru(round(before[new] / LOAD_SCALE), 'педагог')} при минимуме "
                f"{fmt_number(limits[new][0] / LOAD_SCALE, 0)}"
            )
        else:
            old_h, new_h = float(hours[s, m_index[old]]), float(hours[s, m_index[new]])
            if new_h < old_h - 1e-9:
                reason = ChangeReason.TRAVEL
                text = f"дорога короче: {_hours(new_h, old_h)}"
            else:
                reason, text = ChangeReason.BALANCE, "выравнивание нагрузки методистов"
        school = region.school_by_id[teacher.school_id]
        changes.append(
            Change(
                teacher.teacher_id,
                teacher.full_name,
                school.school_id,
                school.name,
                teacher.subject,
                old,
                old_m.full_name if old_m else former.full_name if former else "",
                new,
                region.methodist_by_id[new].full_name,
                reason,
                text,
            )
        )
    return changes
