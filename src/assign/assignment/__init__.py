"""Assigning teachers to methodists: settings → problem → solver → result with KPIs."""

from assign.assignment.problem import AssignmentProblem, PinError, build_problem
from assign.assignment.result import Result, Status
from assign.assignment.settings import AssignmentSettings, Preset, Term, Weights
from assign.assignment.solve import solve

__all__ = [
    "AssignmentProblem",
    "AssignmentSettings",
    "PinError",
    "Preset",
    "Result",
    "Status",
    "Term",
    "Weights",
    "build_problem",
    "solve",
]
