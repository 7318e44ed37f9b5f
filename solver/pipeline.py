"""Solve an exercise end to end: kind solver → source comparison → independent verification.

Example:
    >>> from solver.bank import load_exercise
    >>> sol = solve_exercise(load_exercise("hw-q3"), verify=False)
    >>> sorted({c.by for c in sol.checks})
    ['source']
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from .model import Exercise
from .registry import KINDS, RUN_OPTIONAL, VERIFIERS, load
from .source import errata_steps, source_checks
from .steps import Solution


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """The checks run on small tensors: one PyTorch thread is faster than several (no hand-offs; on a busy machine
    several threads can make a check 100× slower) and sums in a fixed order. Only when torch is already imported."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def solve_exercise(ex: Exercise, *, verify: bool = True) -> Solution:
    """Solve ``ex``; with ``verify`` the kind's independent checker (PyTorch, sympy) runs too. Without it PyTorch is
    never imported (the kinds of ``RUN_OPTIONAL`` then show their experiments and programs without running them).
    For every kind the printed answers are compared and the errata (``solver/source.py``) shown as a last step."""
    solve = load(KINDS[ex.kind])
    solution: Solution = solve(ex, run=False) if not verify and ex.kind in RUN_OPTIONAL else solve(ex)
    if verify and ex.kind in VERIFIERS:
        checker = load(VERIFIERS[ex.kind])
        with _one_torch_thread():
            solution.checks.extend(checker(ex, solution))
    solution.checks.extend(source_checks(solution.answers, ex.source_answer))
    solution.steps.extend(errata_steps(ex, solution.answers))     # every kind: what the source gets wrong
    return solution


def prepare(kinds: set[str], *, freeze: bool = False) -> None:
    """Import what checking exercises of these kinds needs — PyTorch and the kinds' solver and checker modules
    (sympy for the symbolic kinds) — so that processes forked afterwards inherit it instead of each importing it
    (``solve file`` of a folder, :mod:`solver.forked`), and put it out of the garbage collector's reach. The
    collector is off while importing (imports make no garbage; with PyTorch loaded each full collection walks its
    hundreds of thousands of objects, 50–80 ms a time); with ``freeze`` what was imported is then frozen
    (:func:`gc.freeze`): later collections skip it, and a fork's pages stay shared — for a one-shot command (the
    ``solve`` console script), not a long-lived process such as a test run or a notebook."""
    import gc
    import importlib
    enabled = gc.isenabled()
    gc.disable()
    try:
        modules = ["torch"] + [t[k].partition(":")[0] for k in sorted(kinds) for t in (KINDS, VERIFIERS) if k in t]
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:            # noqa: BLE001 - each file meets it again where it is reported, alone
                continue
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
