"""Why a plan is impossible, per subject, in Russian, with what would fix it.

Cheap checks run before any solver: too little capacity, too much minimum load, manual pins
over a methodist's limit, a methodist who cannot reach enough teachers for the minimum, and
— by a maximum flow — a set of teachers whose reachable methodists lack the room for them.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from ortools.graph.python import max_flow

from assign.assignment.problem import LOAD_SCALE, AssignmentProblem, Component
from assign.format import count_ru, fmt_number, name_case, to_them
from assign.subjects import subject_name


def methodists_word(n: int) -> str:
    """Genitive, as after «не хватает»: 1 методиста, 2 методистов."""
    return count_ru(n, "методист", "gent")


def methodists_acc(n: int) -> str:
    """Accusative, as after «на … больше»: 1 методиста, 2 методиста, 5 методистов."""
    return count_ru(n, "методист", "accs")


def methodists_ins(n: int) -> str:
    """Instrumental, as after «закрепить за»: 1 методистом, 2 методистами."""
    return count_ru(n, "методист", "ablt")


def component_name(comp: Component) -> str:
    return ", ".join(subject_name(s) for s in comp.subjects)


def _load(value: float) -> str:
    return fmt_number(value / LOAD_SCALE, 2)


def _times(values: np.ndarray) -> str:
    """«4 × 250 = 1 000» when all are equal, else the sum."""
    total = _load(float(values.sum()))
    if len(values) and (values == values[0]).all():
        return f"{len(values)} × {_load(float(values[0]))} = {total}"
    return total


def diagnose_component(problem: AssignmentProblem, comp: Component) -> list[str]:
    region = problem.region
    name = component_name(comp)
    heads = int(comp.group_count.sum())
    total = comp.total_load
    weighted = problem.settings.load_unit == "weighted"
    unit = "ед. нагрузки" if weighted else "педагогов"
    teachers = count_ru(heads, "педагог") + (f" ({_load(total)} {unit})" if weighted else "")
    found: list[str] = []
    capacity = int(comp.max_load.sum())
    if total > capacity:
        missing = math.ceil((total - capacity) / (problem.settings.load_max * LOAD_SCALE))
        found.append(
            f"{name}: {teachers}, ёмкость "
            f"{_times(comp.max_load)}: не хватает {methodists_word(missing)}"
        )
    minimum = int(comp.min_load.sum())
    if minimum > total:
        extra = math.ceil((minimum - total) / max(int(comp.min_load.max()), 1))
        lower = total // len(comp.methodists) // LOAD_SCALE * LOAD_SCALE
        if total < int(comp.min_load.min()):  # not even one methodist reaches the minimum
            found.append(
                f"{name}: {teachers} — меньше минимальной нагрузки даже одного методиста "
                f"({_load(int(comp.min_load.min()))}): снизьте минимальную нагрузку до "
                f"{_load(total // LOAD_SCALE * LOAD_SCALE)} или закрепите этих педагогов за "
                "методистом другого предмета"
            )
        else:
            found.append(
                f"{name}: {teachers}, а минимальная нагрузка "
                f"методистов — {_times(comp.min_load)}: на {methodists_acc(extra)} больше, чем "
                f"нужно, или снизьте минимальную нагрузку до {_load(lower)}"
            )
    owners = comp.local_methodists(comp.pair_methodist).tolist()
    reachable = np.zeros(len(comp.methodists), dtype=np.int64)
    pinned = np.zeros(len(comp.methodists), dtype=np.int64)
    pins = {t for t, _ in problem.settings.pins}
    for p, m in enumerate(owners):
        g = int(comp.pair_group[p])
        load = int(comp.group_count[g] * comp.group_weight[g])
        reachable[m] += load
        if problem.teacher_ids[comp.group_teachers[g][0]] in pins:
            pinned[m] += load
    for i, m in enumerate(comp.methodists):
        methodist = region.methodists[int(m)]
        who = f"методист {methodist.full_name}"
        if pinned[i] > comp.max_load[i]:
            found.append(
                f"{name}: вручную закреплено за методистом "
                f"{name_case(methodist.full_name, 'ablt')} "
                f"{_load(pinned[i])} {unit} — больше его максимальной нагрузки "
                f"{_load(comp.max_load[i])}: снимите часть закреплений или поднимите максимум"
            )
        if reachable[i] < comp.min_load[i] and reachable[i] < total:  # else: too few teachers
            found.append(
                f"{name}: {who} может получить не более {_load(reachable[i])} {unit} в пределах "
                f"досягаемости, а минимальная нагрузка — {_load(comp.min_load[i])}: снизьте "
                f"{to_them(methodist.full_name)} минимум или разрешите дистанционную поддержку"
            )
    if not found:
        found += _hall_violation(problem, comp, unit)
    return found


def _hall_violation(problem: AssignmentProblem, comp: Component, unit: str) -> list[str]:
    """Teachers whose reachable methodists together lack room for them (a minimum cut)."""
    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    group_node = 2
    methodist_node = 2 + comp.n_groups
    owners = comp.local_methodists(comp.pair_methodist).tolist()
    for g in range(comp.n_groups):
        flow.add_arc_with_capacity(
            source, group_node + g, int(comp.group_count[g] * comp.group_weight[g])
        )
    big = comp.total_load + 1
    for p in range(comp.n_pairs):
        flow.add_arc_with_capacity(
            group_node + int(comp.pair_group[p]),
            methodist_node + owners[p],
            big,
        )
    for i in range(len(comp.methodists)):
        flow.add_arc_with_capacity(methodist_node + i, sink, int(comp.max_load[i]))
    if flow.solve(source, sink) != flow.OPTIMAL or flow.optimal_flow() >= comp.total_load:
        return []
    side = set(flow.get_source_side_min_cut())
    groups = [g for g in range(comp.n_groups) if group_node + g in side]
    methodists = [i for i in range(len(comp.methodists)) if methodist_node + i in side]
    region = problem.region
    munis: dict[str, int] = defaultdict(int)
    for g in groups:
        school = region.schools[int(comp.group_school[g])]
        munis[region.municipality_by_id[school.municipality_id].name] += int(comp.group_count[g])
    heads = sum(munis.values())
    load = sum(int(comp.group_count[g] * comp.group_weight[g]) for g in groups)
    room = int(sum(comp.max_load[i] for i in methodists))
    where = ", ".join(sorted(munis))
    ids = ", ".join(region.methodists[int(comp.methodists[i])].full_name for i in methodists)
    return (
        [
            f"{component_name(comp)}: {count_ru(heads, 'педагог')} ({_load(load)} {unit}; "
            f"{where}) можно закрепить только за {methodists_ins(len(methodists))} ({ids}) с "
            f"общей ёмкостью {_load(room)}: не хватает {_load(load - room)} — нужен методист "
            "поближе или дистанционная поддержка"
        ]
        if methodists
        else [
            f"{component_name(comp)}: {count_ru(heads, 'педагог')} ({where}) не может достичь "
            "ни один методист"
        ]
    )


def unplaceable_messages(problem: AssignmentProblem) -> list[str]:
    """Teachers with no possible methodist, grouped by reason."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for item in problem.unplaceable:
        grouped[item.reason].append(item.teacher)
    region = problem.region
    messages = []
    for reason, teachers in sorted(grouped.items()):
        munis = sorted(
            {
                region.municipality_by_id[
                    region.school_municipality(region.teachers[t].school_id)
                ].name
                for t in teachers
            }
        )
        shown = ", ".join(munis[:5]) + (f" и ещё {len(munis) - 5}" if len(munis) > 5 else "")
        messages.append(f"{count_ru(len(teachers), 'педагог')} ({shown}): {reason}")
    return messages
