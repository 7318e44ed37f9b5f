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

from .i18n import Count, Renderable


@record
class Table:
    """A table of a step: column headers and rows of cells (renderables or LaTeX-free strings).

    ``numeric``: the indices of the columns that hold numbers (renderers right-align them), as the rule that built
    the table says; left out (``None``), a column holds numbers when every cell of it that is not blank is a
    :class:`~solver.i18n.Count`.

    >>> from solver.i18n import Count, Plain
    >>> columns = [Plain("#"), Plain("layer"), Plain("params")]
    >>> Table(columns, [["1", "conv", Count(10)]], numeric=(0, 2)).numeric_columns()
    [True, False, True]
    >>> Table([Plain("layer"), Plain("params")], [["conv", Count(10)], ["total", ""]]).numeric_columns()
    [False, True]
    """

    columns: list[Renderable]
    rows: list[list[Any]]
    numeric: tuple[int, ...] | None = None

    def numeric_columns(self) -> list[bool]:
        """For each column, whether it holds numbers."""
        if self.numeric is not None:
            return [i in self.numeric for i in range(len(self.columns))]

        def counts(i: int) -> bool:
            cells = [row[i] for row in self.rows if i < len(row) and row[i] not in ("", None)]
            return bool(cells) and all(isinstance(c, Count) for c in cells)
        return [counts(i) for i in range(len(self.columns))]


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
