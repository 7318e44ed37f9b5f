"""The terminal renderer (rich): panels, numbered steps, tables, answers, ✓/✗ checks.

Everything from a file (statement, titles) goes in as ``rich.text.Text``, never as markup,
so an exercise cannot inject console markup.
"""
from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from .. import messages  # noqa: F401
from ..i18n import Msg
from ..steps import Solution, Step
from .common import heading, show_value, walk
from .unicode_math import to_unicode


def _cell(value: object, lang: str) -> str:
    return value.render(lang) if hasattr(value, "render") else str(value)  # type: ignore[union-attr]


def _step(number: str, depth: int, step: Step, lang: str) -> Padding:
    parts: list = [Text.assemble((f"{number}. ", "bold cyan"), (step.title.render(lang), "bold"))]
    if step.text is not None:
        parts.append(Padding(Text(step.text.render(lang)), (0, 0, 0, 3)))
    for line in step.math:
        parts.append(Padding(Text(to_unicode(line), style="green"), (0, 0, 0, 5)))
    if step.table is not None:
        table = RichTable(show_header=True, header_style="bold", box=None, padding=(0, 1))
        for col in step.table.columns:
            table.add_column(_cell(col, lang), justify="right" if _cell(col, "en") in
                             ("params", "MACs", "#") else "left")
        for row in step.table.rows:
            table.add_row(*(_cell(c, lang) for c in row))
        parts.append(Padding(table, (0, 0, 0, 3)))
    if step.result is not None and not step.children:
        parts.append(Padding(Text("⇒ " + show_value(step.result), style="bold"), (0, 0, 0, 3)))
    return Padding(Group(*parts), (0, 0, 0, 3 * depth))


def render(solution: Solution, lang: str, console: Console, verified: bool = True) -> None:
    """Print one solution."""
    ex = solution.exercise
    body: list = []
    statement = ex.statement.render(lang)
    if statement:
        body.append(Text(statement))
    console.print(Panel(Group(*body) if body else Text(""), title=Text(heading(solution, lang), style="bold"),
                        title_align="left"))
    console.print(Text(Msg("head.plan").render(lang), style="bold underline"))
    console.print(_bullets([("•", None, item.render(lang)) for item in solution.plan]))
    console.print()
    console.print(Text(Msg("head.steps").render(lang), style="bold underline"))
    for number, depth, step in walk(solution.steps):
        console.print(_step(number, depth, step, lang))
    console.print()
    console.print(Text(Msg("head.answers").render(lang), style="bold underline"))
    for part in ex.ask:
        console.print(Text.assemble(("  " + part.id, "bold"), "  ", show_value(solution.answers[part.id])))
    console.print()
    console.print(Text(Msg("head.checks").render(lang), style="bold underline"))
    if not verified:
        console.print(Text("  · " + Msg("check.skipped").render(lang), style="dim"))
    rows = []
    for check in solution.checks:
        mark, style = ("✓", "green") if check.ok else ("✗", "red" if check.by != "source" else "yellow")
        rows.append((mark, style, Text.assemble((Msg(f"by.{check.by}").render(lang), "bold"),
                                                f" [{check.part}] ", check.detail.render(lang))))
    if rows:
        console.print(_bullets(rows))


def _bullets(rows: list[tuple[str, str | None, object]]) -> RichTable:
    """Marker + text with a hanging indent."""
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(width=2, justify="right")
    grid.add_column()
    for mark, style, body in rows:
        grid.add_row(Text(mark, style=style or ""), body if isinstance(body, Text) else Text(str(body)))
    return grid
