"""The solution model: a plan (解答思路) and a tree of steps (解答步骤), plus answers and checks.

Rules build these objects; renderers (``solver.render``) walk them. Text is held as
:mod:`solver.i18n` renderables, mathematics as LaTeX source, so one solution renders in
either language and in every output format.

Example:
    >>> from solver.i18n import Plain
    >>> s = Step(Plain("Output size"), math=["n_{out} = 28"], result=28, rule="conv_output_size")
    >>> s.rule
    'conv_output_size'
"""
from __future__ import annotations

from .record import factory, record
from typing import Any

from .i18n import Renderable


@record
class Table:
    """A table of a step: column headers and rows of cells (text or LaTeX-free strings)."""

    columns: list[Renderable]
    rows: list[list[Any]]


@record
class Step:
    """One step: title, explanation, math lines (LaTeX), result, the rule that made it, sub-steps."""

    title: Renderable
    text: Renderable | None = None
    math: list[str] = factory(list)
    result: Any = None
    rule: str = ""
    table: Table | None = None
    children: list["Step"] = factory(list)


@record
class Check:
    """One independent verification of one part (``by``: torch, sympy, source, closed-form…)."""

    by: str
    part: str
    ok: bool
    detail: Renderable


@record
class Solution:
    """Everything a renderer needs; ``answers`` maps part id → JSON-ready value."""

    exercise: Any
    plan: list[Renderable]
    steps: list[Step]
    answers: dict[str, Any]
    checks: list[Check] = factory(list)
    context: dict[str, Any] = factory(dict)   # what verifiers need; never rendered

    @property
    def ok(self) -> bool:
        """True when no check failed (a source disagreement is not a failure of the solver)."""
        return all(c.ok for c in self.checks if c.by != "source")
