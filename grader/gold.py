"""Gold answers: the solver's own answers for each exercise part, computed once and cached.

The expected answer *type* of a part (what the parser should look for) follows from the gold value.

Example:
    >>> gold = gold_for("hw-q3")
    >>> gold.parts["params"].value, gold.parts["params"].expected
    (4640, 'int')
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

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
    # values computed from these answers by their users (e.g. the grader's sympy forms of a symbolic part), kept
    # with them: they go when the gold goes (GoldCache.clear)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


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


class GoldCache:
    """The gold answers of this process, the one place that keeps them: the answers by ``(id, seed)``, the ids
    that could not be solved (their :class:`InputError`, up to ``max_failed``), and the extra bank folders they
    were read with. Whatever is computed from gold answers elsewhere (a memo of graded parts, the mistaken answers)
    registers a callback with :meth:`on_clear`, and :meth:`clear` calls it: nothing reaches into other modules.

    Example:
        >>> cache = GoldCache()
        >>> seen = []
        >>> _ = cache.on_clear(lambda: seen.append("cleared"))
        >>> cache.get("hw-q3").parts["params"].value, len(cache)
        (4640, 1)
        >>> cache.clear(); len(cache), seen
        (0, ['cleared'])
    """

    def __init__(self, max_failed: int = 10_000) -> None:
        self.max_failed = max_failed
        self.extra: list[Path] = []
        self._gold: dict[tuple[str, int | None], Gold] = {}
        self._failed: dict[tuple[str, int | None], InputError] = {}
        self._on_clear: list[Callable[[], Any]] = []

    def __len__(self) -> int:
        return len(self._gold)

    def get(self, ex_id: str, seed: int | None = None) -> Gold:
        """The gold of ``ex_id`` (variant ``seed``), solved on first use; a remembered failure raised again."""
        key = (ex_id, seed)
        gold = self._gold.get(key)
        if gold is not None:
            return gold
        failed = self._failed.get(key)
        if failed is not None:
            raise copy.copy(failed)
        try:
            gold = compute_gold(ex_id, seed, self.extra)
        except InputError as exc:
            if len(self._failed) < self.max_failed:
                self._failed[key] = exc
            raise
        return self._gold.setdefault(key, gold)

    def on_clear(self, callback: Callable[[], Any]) -> Callable[[], Any]:
        """Call ``callback`` whenever the gold answers are dropped (once per callback, however often registered);
        returns it, so it can decorate a function."""
        if callback not in self._on_clear:
            self._on_clear.append(callback)
        return callback

    def clear(self) -> None:
        """Drop every gold answer and remembered failure, then clear what was computed from them."""
        self._gold.clear()
        self._failed.clear()
        for callback in list(self._on_clear):
            callback()

    def set_extra_banks(self, folders: list[Path]) -> None:
        """Folders given with ``grade --bank``; clears the cache (and its dependants) when they change."""
        folders = [Path(f) for f in folders]
        if folders != self.extra:
            self.extra = folders
            self.clear()


CACHE = GoldCache()


def gold_for(ex_id: str, seed: int | None = None) -> Gold:
    """Solve the exercise — variant ``seed`` if it declares parameters — and keep the answers in :data:`CACHE` (no
    verification: the bank is verified by its own tests). ``gold_for(x)`` and ``gold_for(x, None)`` are one entry.
    An id that cannot be solved (unknown: :class:`solver.bank.UnknownExercise`; or its file invalid or beyond
    the solver's limits) raises its :class:`InputError`, remembered too (up to ``CACHE.max_failed`` ids), so a
    class naming a broken exercise costs one attempt, not one per student."""
    return CACHE.get(ex_id, seed)


def set_extra_banks(folders: list[Path]) -> None:
    """Folders given with ``grade --bank`` (:meth:`GoldCache.set_extra_banks` of :data:`CACHE`)."""
    CACHE.set_extra_banks(folders)


def compute_gold(ex_id: str, seed: int | None = None, extra: list[Path] | tuple = ()) -> Gold:
    """The gold of one exercise, not kept here: read from the on-disk cache (``CNN_GOLD_CACHE``,
    :mod:`grader.gold_cache`) if an earlier run stored it, else solved (and stored there)."""
    from solver.bank import load_exercise
    ex = load_exercise(ex_id, list(extra), seed=seed)
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
