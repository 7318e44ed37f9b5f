"""The terminal renderer (rich): a panel with the statement, the plan, numbered steps with their
math in Unicode, tables, answers and ✓/✗ checks, in one language.

Paragraphs are wrapped here (hanging indents, CJK-aware) and printed as plain ``rich.text.Text``:
everything from a file goes in as text, never as console markup, so an exercise cannot inject
markup, and through ``terminal_safe`` (no escape sequence or control character reaches the terminal); and
flat text renders several times faster than nested rich layouts.
"""
from __future__ import annotations


from typing import TYPE_CHECKING, Iterator

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.console import Console
from ..i18n import Msg, is_cjk
from ..steps import Solution, Step
from .common import check_by, heading, plan_items, step_marker, walk
from .summary import conclusion, localise_latex, part_labels, show_value
from .plain_console import new_text
from .safe_text import terminal_safe
from .unicode_math import to_block

def _tokens(paragraph: str) -> Iterator[str]:
    """Where a line may break: each CJK character alone, other words whole, runs of white space.

    >>> list(_tokens("卷积 of  a3×3"))
    ['卷', '积', ' ', 'of', '  ', 'a3×3']
    """
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        j = i + 1
        if not is_cjk(ch):
            space = ch.isspace()
            while j < n and paragraph[j].isspace() == space and (space or not is_cjk(paragraph[j])):
                j += 1
        yield paragraph[i:j]
        i = j


_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)]")  # kinsoku: punctuation stays on the line before


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap by display cells; CJK characters may break anywhere, other words at spaces.

    >>> wrap("one two three", 8)
    ['one two', 'three']
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in _tokens(paragraph):
            size = cell_len(token)
            if token.isspace():
                if line:
                    line, used = line + token, used + size
                continue
            if used + size > width and line.strip() and token not in _NO_LINE_START:
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
        self.text = new_text(console)   # rich's Text only when styles are drawn

    def para(self, body: str, indent: int = 0, style: str = "", marker: str = "", marker_style: str = "") -> None:
        body, marker = terminal_safe(body), terminal_safe(marker)
        hang = indent + cell_len(marker)
        for i, line in enumerate(wrap(body, self.width - hang) or [""]):
            if i == 0:
                self.text.append(" " * indent)
                self.text.append(marker, style=marker_style or style)
            else:
                self.text.append(" " * hang)
            self.text.append(line, style=style)
            self.text.append("\n")

    def line(self, body: str, indent: int = 0, style: str = "") -> None:
        """One line, not wrapped (tables)."""
        self.text.append(" " * indent + terminal_safe(body) + "\n", style=style)

    def flush(self) -> None:
        if not self.text.plain:
            return
        self.text.rstrip()
        if self.console.is_terminal and not self.console.no_color:
            self.console.print(self.text, soft_wrap=True)
        else:                      # no styles to draw: plain text, without rich's segment rendering
            self.console.file.write(self.text.plain + "\n")
        self.text = new_text(self.console)


def _cell(value: object, lang: str) -> str:
    return value.render(lang) if hasattr(value, "render") else str(value)  # type: ignore[union-attr]


def _table(doc: "_Doc", step: Step, lang: str, indent: int) -> None:
    """Aligned columns (numbers right-aligned), header in bold; cells wider than the screen just overflow."""
    assert step.table is not None
    header = [_cell(c, lang) for c in step.table.columns]
    numeric = step.table.numeric_columns()
    rows = [[_cell(c, lang) for c in row] for row in step.table.rows]
    widths = [max(cell_len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        out = []
        for text, width, right in zip(cells, widths, numeric):
            gap = " " * (width - cell_len(text))
            out.append(gap + text if right else text + gap)
        return "  ".join(out).rstrip()

    doc.line(fmt(header), indent, "bold")
    for row in rows:
        doc.line(fmt(row), indent)


def _step(doc: _Doc, number: str, depth: int, step: Step, lang: str) -> None:
    pad = 3 * depth
    doc.para(step.title.render(lang), pad, "bold", marker=step_marker(number, lang), marker_style="bold cyan")
    if step.text is not None and getattr(step.text, "verbatim", False):   # code keeps its indentation
        for row in step.text.render(lang).split("\n"):
            doc.line(row, pad + 3, "cyan")
    elif step.text is not None:
        doc.para(step.text.render(lang), pad + 3)
    for line in step.math:
        block = to_block(localise_latex(line, lang))
        if len(block) == 1:
            doc.para(block[0], pad + 5, "green")
        else:
            for row in block:
                doc.line(row, pad + 5, "green")
    if step.table is not None:
        _table(doc, step, lang, pad + 3)
    if step.result is not None and not step.children:
        doc.para(show_value(step.result, lang), pad + 3, "bold", marker="⇒ ")


def render(solution: Solution, lang: str, console: Console, verified: bool = True) -> None:
    """Print one solution."""
    ex = solution.exercise
    doc = _Doc(console)
    title = heading(solution, lang)
    doc.line("━" * min(doc.width, max(cell_len(title), 20)), 0, "cyan")
    doc.para(title, 0, "bold")
    statement = ex.statement.render(lang)
    if statement:
        doc.para(statement, 0)
    doc.line("━" * min(doc.width, max(cell_len(title), 20)), 0, "cyan")
    doc.para(Msg("head.plan").render(lang), 0, "bold underline")
    for item in plan_items(solution):
        doc.para(item.render(lang), 1, marker="• ")
    doc.para("")
    doc.para(Msg("head.steps").render(lang), 0, "bold underline")
    for number, depth, step in walk(solution.steps):
        _step(doc, number, depth, step, lang)
    doc.para("")
    doc.para(Msg("head.answers").render(lang), 0, "bold underline")
    doc.para(Msg("sum.lead").render(lang), 0)
    colon = "：" if lang == "zh" else ": "
    for item in conclusion(solution, lang):
        block = to_block(item.latex) if item.latex else [item.plain(lang)]
        if len(block) == 1:
            doc.para(item.label + colon + block[0], 2, marker="• ")
        else:
            doc.para(item.label + colon, 2, marker="• ")
            for row in block:
                doc.line(row, 6, "green")
    doc.para("")
    doc.para(Msg("head.checks").render(lang), 0, "bold underline")
    if not verified:
        doc.para(Msg("check.skipped").render(lang), 2, "dim", marker="· ")
    labels = part_labels(solution, lang)
    for check in solution.checks:
        mark, style = ("✓ ", "green") if check.ok else ("✗ ", "red" if check.by != "source" else "yellow")
        by = check_by(check, ex, lang)
        doc.para(f"{by} [{labels.get(check.part, check.part)}] {check.detail.render(lang)}", 2, marker=mark,
                 marker_style=style)
    doc.flush()
