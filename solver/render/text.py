"""The terminal renderer (rich): a panel with the statement, the plan, numbered steps with their
math in Unicode, tables, answers and ✓/✗ checks, in one language.

Paragraphs are wrapped here (hanging indents, CJK-aware) and printed as plain ``rich.text.Text``:
everything from a file goes in as text, never as console markup, so an exercise cannot inject
markup; and flat text renders several times faster than nested rich layouts.
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from .. import messages  # noqa: F401
from ..i18n import Msg
from ..steps import Solution, Step
from .common import heading, show_value, walk
from .unicode_math import to_unicode

_TOKEN = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\s+")


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap by display cells; CJK characters may break anywhere, other words at spaces.

    >>> wrap("one two three", 8)
    ['one two', 'three']
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in _TOKEN.findall(paragraph):
            size = cell_len(token)
            if token.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            if used + size > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines


class _Doc:
    """Accumulates styled, pre-wrapped lines; tables and panels are flushed in order."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.width = max(40, console.width)
        self.text = Text()

    def para(self, body: str, indent: int = 0, style: str = "", marker: str = "", marker_style: str = "") -> None:
        hang = indent + cell_len(marker)
        for i, line in enumerate(wrap(body, self.width - hang) or [""]):
            if i == 0:
                self.text.append(" " * indent)
                self.text.append(marker, style=marker_style or style)
            else:
                self.text.append(" " * hang)
            self.text.append(line, style=style)
            self.text.append("\n")

    def flush(self) -> None:
        if self.text.plain:
            self.text.rstrip()
            self.console.print(self.text, soft_wrap=True)
            self.text = Text()

    def block(self, renderable: object) -> None:
        self.flush()
        self.console.print(renderable)


def _cell(value: object, lang: str) -> str:
    return value.render(lang) if hasattr(value, "render") else str(value)  # type: ignore[union-attr]


def _table(step: Step, lang: str, indent: int) -> RichTable:
    assert step.table is not None
    table = RichTable(show_header=True, header_style="bold", box=None, padding=(0, 1), pad_edge=False)
    for col in step.table.columns:
        numeric = _cell(col, "en") in ("params", "MACs", "#")
        table.add_column(_cell(col, lang), justify="right" if numeric else "left")
    for row in step.table.rows:
        table.add_row(*(_cell(c, lang) for c in row))
    from rich.padding import Padding
    return Padding(table, (0, 0, 0, indent))  # type: ignore[return-value]


def _step(doc: _Doc, number: str, depth: int, step: Step, lang: str) -> None:
    pad = 3 * depth
    doc.para(step.title.render(lang), pad, "bold", marker=f"{number}. ", marker_style="bold cyan")
    if step.text is not None:
        doc.para(step.text.render(lang), pad + 3)
    for line in step.math:
        doc.para(to_unicode(line), pad + 5, "green")
    if step.table is not None:
        doc.block(_table(step, lang, pad + 3))
    if step.result is not None and not step.children:
        doc.para(show_value(step.result), pad + 3, "bold", marker="⇒ ")


def render(solution: Solution, lang: str, console: Console, verified: bool = True) -> None:
    """Print one solution."""
    ex = solution.exercise
    statement = ex.statement.render(lang)
    console.print(Panel(Text(statement), title=Text(heading(solution, lang), style="bold"), title_align="left"))
    doc = _Doc(console)
    doc.para(Msg("head.plan").render(lang), 0, "bold underline")
    for item in solution.plan:
        doc.para(item.render(lang), 1, marker="• ")
    doc.para("")
    doc.para(Msg("head.steps").render(lang), 0, "bold underline")
    for number, depth, step in walk(solution.steps):
        _step(doc, number, depth, step, lang)
    doc.para("")
    doc.para(Msg("head.answers").render(lang), 0, "bold underline")
    for part in ex.ask:
        doc.para(show_value(solution.answers[part.id]), 2, marker=part.id + "  ", marker_style="bold")
    doc.para("")
    doc.para(Msg("head.checks").render(lang), 0, "bold underline")
    if not verified:
        doc.para(Msg("check.skipped").render(lang), 2, "dim", marker="· ")
    for check in solution.checks:
        mark, style = ("✓ ", "green") if check.ok else ("✗ ", "red" if check.by != "source" else "yellow")
        by = Msg(f"by.{check.by}").render(lang)
        doc.para(f"{by} [{check.part}] {check.detail.render(lang)}", 2, marker=mark, marker_style=style)
    doc.flush()
