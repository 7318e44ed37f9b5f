"""Gold answers: the solver's own answers for each exercise part, computed once and cached.

The expected answer *type* of a part (what the parser should look for) follows from the gold value.

Example:
    >>> gold = gold_for("hw-q3")
    >>> gold.parts["params"].value, gold.parts["params"].expected
    (4640, 'int')
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from solver.errors import InputError
from solver.model import Exercise, Part


@dataclass(frozen=True)
class GoldPart:
    exercise: str
    part: Part
    value: Any
    expected: str            # int, real, shape, vector, matrix, bool, expr, prose


@dataclass
class Gold:
    exercise: Exercise
    parts: dict[str, GoldPart]
    solution: Any


def expected_type(value: Any, part: Part) -> str:
    """The parser's target for a gold value."""
    if part.quantity == "proof":       # the solver's True means "proved"; a student's proof is read by a teacher
        return "prose"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "real"
    if isinstance(value, dict) and "rows" in value:
        return "expr_matrix"
    if isinstance(value, dict):
        return "expr"
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return "matrix"
        if part.quantity in ("output_shape", "receptive_field", "jump"):
            return "shape"
        return "vector"
    return "prose"


_EXTRA: list[Path] = []


def set_extra_banks(folders: list[Path]) -> None:
    """Folders given with ``grade --bank``; clears the caches when they change (gold answers and the mistake
    values computed from them)."""
    folders = [Path(f) for f in folders]
    if folders == _EXTRA:
        return
    _EXTRA[:] = folders
    gold_for.cache_clear()
    import sys
    grade = sys.modules.get("grader.grade")
    if grade is not None:
        grade._mistakes.cache_clear()
        grade.clear_memo()


def gold_for(ex_id: str, seed: int | None = None) -> Gold:
    """Solve the exercise — variant ``seed`` if it declares parameters — and keep the answers (no verification:
    the bank is verified by its own tests). ``gold_for(x)`` and ``gold_for(x, None)`` share one cache entry.
    An id that cannot be solved (unknown: :class:`solver.bank.UnknownExercise`; or its file invalid or beyond
    the solver's limits) raises its :class:`InputError`, remembered too (up to ``MAX_FAILED`` ids), so a class
    naming a broken exercise costs one attempt, not one per student."""
    failed = _FAILED.get((ex_id, seed))
    if failed is not None:
        raise copy.copy(failed)
    try:
        return _gold_for(ex_id, seed)
    except InputError as exc:
        if len(_FAILED) < MAX_FAILED:
            _FAILED[(ex_id, seed)] = exc
        raise


MAX_FAILED = 10_000
_FAILED: dict[tuple[str, int | None], InputError] = {}


def _clear() -> None:
    _gold_for.cache_clear()
    _FAILED.clear()
    import sys
    grade = sys.modules.get("grader.grade")
    if grade is not None:                    # results memoised against the old gold answers
        grade.clear_memo()


gold_for.cache_clear = _clear       # type: ignore[attr-defined]


@lru_cache(maxsize=None)
def _gold_for(ex_id: str, seed: int | None) -> Gold:
    from solver.bank import load_exercise
    ex = load_exercise(ex_id, _EXTRA, seed=seed)
    from . import gold_cache                  # the answers computed by an earlier run (grader/gold_cache.py)
    cached = gold_cache.load(ex)
    if cached is not None:
        return cached
    from solver.pipeline import solve_exercise
    solution = solve_exercise(ex, verify=False)
    parts = {}
    for p in ex.ask:
        expected = expected_type(solution.answers[p.id], p)
        if p.id in solution.context.get("expr_answers", {}):
            expected = "convexpr"
        parts[p.id] = GoldPart(ex.id, p, solution.answers[p.id], expected)
    gold = Gold(ex, parts, solution)
    gold_cache.store(gold)
    return gold
