"""The plain table writer (grader/plain_table.py) draws exactly what rich's table draws for ``grade``'s terminal
output when nothing is styled: compared character for character on random and hostile sheets, at many widths."""
from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from grader.grade import PartResult, SheetResult
from grader.report import print_text
from solver.i18n import Plain
from solver.render.plain_console import PlainConsole

WORDS = ["4640", "3.61M", "params", "macs_1x1", "No answer given.", "Accepted to the 3 significant figures given.",
         "输出形状", "不成立", "参数量少算了偏置", "x" * 57, "28×28×32", "[[1, 2], [3, 4]]", "∂L/∂W = X * δ", "a\tb",
         "line one\nline two", "", " ", "—", "😀😀", "e\u0301", "ﾊﾝｶｸ", "\u2028", "w_{i-k+1, j-l+1}",
         "corr(rot180(W), delta, mode=full)", "  lead", "trail  ", "[bold]x[/bold]", ":smile:", "\x1b[31mred"]


def _text(rng: random.Random, most: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, most)))


def _sheet(rng: random.Random) -> SheetResult:
    parts = [PartResult(rng.choice(["hw-q3", "24.8", "习题6.2", "e" * 30]), _text(rng, 2),
                        rng.choice(["correct", "incorrect", "partial", "unparsable", "needs_review", "missing"]),
                        rng.choice([0.0, 0.5, 1.0, 0.3333]), rng.choice([1.0, 2.0, 1.5]), _text(rng, 4),
                        [Plain(_text(rng, 6)) for _ in range(rng.randint(0, 2))]) for _ in range(rng.randint(0, 7))]
    return SheetResult(rng.choice(["s1", "张三", "x" * 90, "s\x1b[2J"]), rng.choice(["s1.yaml", "作业/张三.md"]), parts,
                       problems=[Plain(_text(rng, 12)) for _ in range(rng.randint(0, 1))],
                       notes=[Plain(_text(rng, 12)) for _ in range(rng.randint(0, 2))])


def _has_tab(result: SheetResult) -> bool:
    texts = [p.answer for p in result.parts] + [p.part for p in result.parts] + [
        f.text for p in result.parts for f in p.feedback] + [n.text for n in result.notes + result.problems]
    return any("\t" in t for t in texts)


def _both(result: SheetResult, lang: str, width: int) -> tuple[str, str, bool]:
    rich_out = io.StringIO()
    print_text(result, lang, Console(file=rich_out, width=width, highlight=False))
    plain_out = io.StringIO()
    console = PlainConsole(plain_out, {"COLUMNS": str(width)})
    from grader.report import _print_plain
    drawn = _print_plain(result, lang, console)
    if not drawn:                          # print_text falls back to rich: the same characters all the same
        print_text(result, lang, console)
    return rich_out.getvalue(), plain_out.getvalue(), drawn


@pytest.mark.parametrize("seed", range(12))
def test_the_plain_table_is_rich_s_table(seed: int) -> None:
    rng = random.Random(seed)
    drawn = without_tabs = 0
    for _ in range(40):
        width = rng.choice([20, 31, 40, 57, 80, 100, 120, 161, 250])
        result, lang = _sheet(rng), rng.choice(["en", "zh"])
        expected, got, plain = _both(result, lang, width)
        assert got == expected, (width, lang, result)
        if not _has_tab(result) and width >= 40:     # a tab, a very narrow terminal: rich draws the table
            without_tabs += 1
            drawn += plain
    assert drawn >= 0.9 * without_tabs      # else the plain writer drew it itself


def test_a_usual_sheet_is_drawn_without_rich_table() -> None:
    result = SheetResult("s1", "s1.yaml", [PartResult("hw-q3", "params", "correct", 1.0, 1.0, "4640"),
                                           PartResult("hw-q3", "macs", "incorrect", 0.0, 1.0, "3.2M",
                                                      [Plain("MACs of the 1×1 convolution counted twice.")])])
    expected, got, plain = _both(result, "en", 100)
    assert plain and got == expected
    assert got.splitlines()[1].startswith("┏━") and "│ hw-q3    │ macs   │ 3.2M   │ incorrect │" in got
