"""The year plan: events placed on days and hours for every methodist (CP-SAT)."""

from __future__ import annotations

from collections.abc import Mapping

from assign.assignment import AssignmentProblem
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import Catalogue
from assign.events.outline import outline
from assign.schedule.instances import build_instances
from assign.schedule.solver import ScheduleResult, ScheduleSettings, schedule_year


def plan_year(
    problem: AssignmentProblem,
    assignment: Mapping[str, str],
    catalogue: Catalogue,
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
) -> ScheduleResult:
    """Catalogue → events per methodist by month → instances → days and hours."""
    planned = outline(problem.region, assignment, catalogue, calendar.start_year)
    return schedule_year(build_instances(problem, planned, calendar), calendar, settings)


__all__ = ["ScheduleResult", "ScheduleSettings", "plan_year"]
