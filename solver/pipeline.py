"""Solve an exercise end to end: kind solver → source comparison → independent verification.

Example:
    >>> from solver.bank import load_exercise
    >>> sol = solve_exercise(load_exercise("hw-q3"), verify=False)
    >>> sorted({c.by for c in sol.checks})
    ['source']
"""
from __future__ import annotations

from .model import Exercise
from .registry import KINDS, VERIFIERS, load
from .source import source_checks
from .steps import Solution


def solve_exercise(ex: Exercise, *, verify: bool = True) -> Solution:
    """Solve ``ex``; with ``verify`` the kind's independent checker (PyTorch, sympy) runs too."""
    solution: Solution = load(KINDS[ex.kind])(ex)
    if verify and ex.kind in VERIFIERS:
        solution.checks.extend(load(VERIFIERS[ex.kind])(ex, solution))
    solution.checks.extend(source_checks(solution.answers, ex.source_answer))
    return solution
