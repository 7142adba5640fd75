"""Why this methodist for this teacher, and what the next best choice would cost.

The cost of the next best choice is exact: the teacher's component is solved again with the
teacher pinned to that methodist, and the two optima are compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assign.assignment.changes import UNNAMED_FORMER, change_list
from assign.assignment.kpi import load_limits, methodist_loads, raw_terms, teacher_load
from assign.assignment.problem import AssignmentProblem, build_problem
from assign.assignment.result import Result, Status
from assign.assignment.settings import TERM_NAMES_RU, Term
from assign.assignment.solve import distribute_plan, solve_component
from assign.format import agree_with_person, fmt_number, name_case, to_them
from assign.subjects import subject_name


@dataclass
class Alternative:
    methodist_id: str
    travel: float
    reason: str


@dataclass
class Explanation:
    teacher_id: str
    methodist_id: str | None
    travel: float | None
    unit: str
    why: str
    nearer: list[Alternative] = field(default_factory=list)
    next_best: str | None = None
    next_best_delta: float | None = None
    next_best_travel_delta: float | None = None
    names: dict[str, str] = field(default_factory=dict)
    """How the lines name the teacher and the methodists (id → «Иванова Анна Петровна»)."""
    goal: str = "по цели плана"
    """The objective the next best choice is priced in: a ranked plan's first term."""
    next_best_later: list[tuple[str, float, str]] = field(default_factory=list)
    """The ranked plan's later goals with the next best choice: its Russian name, how much
    worse (below zero: better) and the unit — what decides where the first goal ties."""

    def _name(self, record_id: str) -> str:
        return self.names.get(record_id, record_id)

    def lines(self) -> list[str]:
        """The explanation in Russian, by name."""
        teacher = self._name(self.teacher_id)
        assigned = agree_with_person("закреплён", teacher)
        if self.methodist_id is None:
            return [f"Педагог {teacher} не {assigned}: {self.why}"]
        out = [
            f"Педагог {teacher} {assigned} за методистом "
            f"{name_case(self._name(self.methodist_id), 'ablt')} "
            f"(в пути {fmt_number(self.travel or 0, 2)} {self.unit}): {self.why}."
        ]
        for alt in self.nearer:
            out.append(
                f"  • {self._name(alt.methodist_id)} ближе ({fmt_number(alt.travel, 2)} "
                f"{self.unit}): {alt.reason}"
            )
        if self.next_best is not None:
            following = self._name(self.next_best)
            if self.next_best_delta is None:
                out.append(f"Следующий вариант — {following}: с ним план невозможен.")
            else:
                out.append(f"Следующий вариант — {following}: {self._cost_of_next_best()}.")
        else:
            out.append("Других методистов, которые могут вести этого педагога, нет.")
        return out

    def _cost_of_next_best(self) -> str:
        """What moving the teacher would cost: the plan's first goal, then the teacher's trip
        (a ranked plan can move a teacher at no cost to its first goal)."""
        delta = self.next_best_delta or 0.0
        travel = self.next_best_travel_delta or 0.0
        trip = (
            f"путь этого педагога стал бы {'длиннее' if travel > 0 else 'короче'} на "
            f"{fmt_number(abs(travel), 2)} {self.unit}"
            if abs(travel) >= 0.005
            else "путь этого педагога не изменился бы"
        )
        if abs(delta) >= 0.005:
            return f"план {self.goal} стал бы хуже на {fmt_number(delta, 2)} ед., {trip}"
        later = next(((n, d, u) for n, d, u in self.next_best_later if abs(d) >= 0.005), None)
        if later is None:
            return f"план не стал бы хуже ни по одной из целей, а {trip}"
        name, change, unit = later
        worse = "хуже" if change > 0 else "лучше"
        return (
            f"план {self.goal} не стал бы хуже, но по следующей цели («{name}») стал бы "
            f"{worse} на {fmt_number(abs(change), 2)} {unit}; {trip}"
        )


def explain_teacher(
    problem: AssignmentProblem,
    result: Result,
    teacher_id: str,
    time_limit: float | None = None,
) -> Explanation:
    region = problem.region
    settings = problem.settings
    unit = "км" if settings.objective == "distance" else "ч"
    teacher = region.teacher_by_id[teacher_id]
    names = {m.methodist_id: m.full_name for m in region.methodists}
    names[teacher_id] = f"{teacher.full_name} ({subject_name(teacher.subject).lower()})"
    assigned = result.assignment.get(teacher_id)
    if assigned is None:
        reason = next(
            (u.reason for u in result.unplaced if u.teacher_id == teacher_id), "план не построен"
        )
        return Explanation(teacher_id, None, None, unit, reason, names=names)
    hours, km, in_person = problem.costs
    cost = km if settings.objective == "distance" else hours
    s = problem.school_ids.index(teacher.school_id)
    m_index = {m: i for i, m in enumerate(problem.methodist_ids)}
    loads = methodist_loads(problem, result.assignment)
    limits = {mid: high for mid, (_, high) in load_limits(problem).items()}
    pins = dict(settings.pins)
    banned = {m for t, m in settings.bans if t == teacher_id}
    own = float(cost[s, m_index[assigned]])
    covering = [
        m for m in region.methodists if teacher.subject in m.subjects and m.methodist_id != assigned
    ]
    covering.sort(key=lambda m: (float(cost[s, m_index[m.methodist_id]]), m.methodist_id))
    nearer = []
    for other in covering:
        travel = float(cost[s, m_index[other.methodist_id]])
        if travel >= own:
            break
        mid = other.methodist_id
        if mid in banned:
            reason = "запрещён для этого педагога"
        elif not in_person[s, m_index[mid]] and settings.reach != "remote":
            reason = "недосягаем в требуемые месяцы"
        elif loads.get(mid, 0) + teacher_load(problem, teacher_id) > limits.get(mid, 0):
            reason = (
                f"нагрузка заполнена ({fmt_number(loads.get(mid, 0) / 100, 2)} из "
                f"{fmt_number(limits.get(mid, 0) / 100, 2)})"
            )
        else:
            reason = (
                f"передача {to_them(other.full_name)} ухудшила бы план в целом (пределы "
                "нагрузки других методистов или изменения текущего закрепления)"
            )
        nearer.append(Alternative(mid, travel, reason))
    current = region.current_methodist_of.get(teacher_id)
    if pins.get(teacher_id) == assigned:
        why = f"{agree_with_person('закреплён', teacher.full_name)} вручную (задано в сценарии)"
    elif not nearer:
        why = f"ближайший методист, ведущий предмет «{subject_name(teacher.subject)}»"
    elif current == assigned:
        why = "сохранено текущее закрепление: ближайшие методисты заняты или перенос дороже"
    elif current is not None:  # moved against the current order: the change list's reason
        change = next(
            c for c in change_list(problem, result.assignment) if c.teacher_id == teacher_id
        )
        before = change.from_name or UNNAMED_FORMER
        why = (
            f"{agree_with_person('переведён', teacher.full_name)} от "
            f"{name_case(before, 'gent')} (по текущему приказу): {change.reason_text}"
        )
    else:
        why = "ближайший методист с учётом пределов нагрузки"
    ranking = settings.effective_ranking
    goal = f"по первой цели («{TERM_NAMES_RU[ranking[0]]}»)" if ranking else "по цели плана"
    explanation = Explanation(teacher_id, assigned, own, unit, why, nearer, names=names, goal=goal)
    options = [
        m.methodist_id
        for m in covering
        if m.methodist_id not in banned
        and (in_person[s, m_index[m.methodist_id]] or settings.reach == "remote")
    ]
    if options and teacher_id not in pins:
        explanation.next_best = options[0]
        _price_next_best(problem, result, teacher_id, options[0], explanation, time_limit)
    return explanation


def _price_next_best(
    problem: AssignmentProblem,
    result: Result,
    teacher_id: str,
    methodist_id: str,
    explanation: Explanation,
    time_limit: float | None = None,
) -> None:
    """Solve the teacher's component again with the teacher pinned to `methodist_id`,
    within `time_limit` (by default the settings')."""
    subject = problem.region.teacher_by_id[teacher_id].subject
    base = next(r for r in result.components if subject in r.subjects)
    settings = problem.settings.model_copy(
        update={"pins": (*problem.settings.pins, (teacher_id, methodist_id))}
    )
    pinned = build_problem(problem.region, settings)
    comp = next(c for c in pinned.components if subject in c.subjects)
    other, plan = solve_component(pinned, comp, time_limit=time_limit)
    if plan is None or other.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return
    explanation.next_best_delta = other.objective - base.objective
    moved = dict(result.assignment)  # the plan with the teacher's group solved again
    distribute_plan(comp, plan, pinned.methodist_ids, pinned.teacher_ids, moved)
    before, after = raw_terms(problem, result.assignment), raw_terms(pinned, moved)
    units = {Term.TRAVEL: explanation.unit, Term.CHANGES: "пед.", Term.BALANCE: "пед."}
    explanation.next_best_later = [
        (TERM_NAMES_RU[t], after[t.value] - before[t.value], units.get(t, "ед."))
        for t in (problem.settings.effective_ranking or ())[1:]
    ]
    hours, km, _ = problem.costs
    cost = km if problem.settings.objective == "distance" else hours
    s = problem.school_ids.index(problem.region.teacher_by_id[teacher_id].school_id)
    m_index = {m: i for i, m in enumerate(problem.methodist_ids)}
    explanation.next_best_travel_delta = float(cost[s, m_index[methodist_id]]) - (
        explanation.travel or 0.0
    )
