"""The terminal table of one graded sheet without rich's table machinery, for output that is not styled (a pipe, a
file, a test runner): the same characters ``rich.table.Table`` draws for :func:`grader.report.print_text`'s table
(heavy-headed box, one space of padding, every column folding), written straight to the file. Importing and running
``rich.table`` costs a ``grade`` of one file about a quarter of its start-up; this costs a millisecond.

Cells are wrapped as ``rich.text.Text.wrap`` wraps them (rich's own ``divide_line`` and ``cell_len``, without
importing ``rich.text`` and the styling it brings); the column widths follow ``Table._calculate_column_widths`` for
this table. Anything this writer does not reproduce (a terminal too narrow for a column, a non-UTF-8 output, a
header with markup or emoji characters) returns ``None`` and the caller draws with rich
(``tests/test_plain_table.py`` compares both on random and hostile cells).

Example:
    >>> print("\\n".join(draw_table("s1  2 / 2  s1.yaml", ["part", "verdict"], [["params", "correct"]], 40)))
    s1  2 / 2  s1.yaml  
    ┏━━━━━━━━┳━━━━━━━━━┓
    ┃ part   ┃ verdict ┃
    ┡━━━━━━━━╇━━━━━━━━━┩
    │ params │ correct │
    └────────┴─────────┘
"""
from __future__ import annotations

import re

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size

_TRAILING = re.compile(r"\s+$")


def wrap(text: str, width: int, pad: bool) -> list[str] | None:
    """``[line.plain for line in Text(text).wrap(console, width, justify="left" if pad else "default",
    overflow="fold")]``; None for text with a tab (rich expands it by cell position: not reproduced)."""
    if "\t" in text:
        return None
    out: list[str] = []
    for line in text.split("\n"):
        offsets = divide_line(line, width, fold=True)
        pieces = [line[a:b] for a, b in zip([0, *offsets], [*offsets, len(line)])] if offsets else [line]
        for piece in pieces:
            if len(piece) > width:                       # Text.rstrip_end: trailing spaces past the width go
                space = _TRAILING.search(piece)
                if space is not None:
                    piece = piece[:len(piece) - min(len(space.group(0)), len(piece) - width)]
            cells = cell_len(piece)
            if cells > width:                            # Text.truncate (folding: cropped to the width)
                piece = set_cell_size(piece, width)
            elif pad and cells < width:                  # justified left: padded to the width
                piece += " " * (width - cells)
            out.append(piece)
    return out


def _measure(text: str, limit: int) -> tuple[int, int]:
    """rich's ``Measurement.get`` of ``Padding(Text(text), (0, 1))`` at ``limit`` cells (``limit`` ≥ 3)."""
    lines = text.splitlines()
    widest = max(cell_len(line) for line in lines) if lines else 0
    words = text.split()
    longest = max(cell_len(word) for word in words) if words else widest
    lo, hi = _normal(longest, widest, limit)                 # the text, inside the padding
    if hi < 1:
        lo, hi = 0, 0
    lo, hi = min(lo + 2, limit), min(hi + 2, limit)         # the padding
    lo, hi = _normal(lo, hi, limit)
    return (0, 0) if hi < 1 else _normal(lo, hi, limit)


def _normal(lo: int, hi: int, limit: int) -> tuple[int, int]:
    """``Measurement(lo, hi).normalize().with_maximum(limit)``, normalised again."""
    lo = max(0, min(max(0, lo), hi))
    hi = max(0, max(lo, hi))
    lo, hi = min(lo, limit), min(hi, limit)
    lo = max(0, min(lo, hi))
    return lo, max(0, max(lo, hi))


def _column(cells: list[str], limit: int) -> tuple[int, int]:
    if limit < 1:
        return 0, 0
    found = [_measure(c, limit) for c in cells] if limit >= 3 else [(limit, limit)] * len(cells)
    return min(max(lo for lo, _ in found), limit), min(max(hi for _, hi in found), limit)


def _widths(columns: list[list[str]], limit: int) -> list[int]:
    """``Table._calculate_column_widths`` for columns that all wrap, with no fixed width and no expansion."""
    widths = [_column(cells, limit)[1] or 1 for cells in columns]
    if sum(widths) <= limit:
        return widths
    total, excess = sum(widths), sum(widths) - limit
    from rich._ratio import ratio_reduce
    while total and excess > 0:                  # Table._collapse_widths: the widest columns first
        widest = max(widths)
        second = max(w if w != widest else 0 for w in widths)
        if not widest - second:
            break
        widths = ratio_reduce(excess, [1 if w == widest else 0 for w in widths],
                              [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - limit
    if sum(widths) > limit:                      # last resort: every column evenly
        widths = ratio_reduce(sum(widths) - limit, [1] * len(widths), widths, widths)
    return [_column(cells, w)[1] or 0 for cells, w in zip(columns, widths)]


def _cell_lines(text: str, width: int) -> list[str] | None:
    """One padded cell as rich renders it: the text wrapped (folding long words) and left-justified to
    ``width - 2`` cells, one space either side."""
    lines = wrap(text, width - 2, pad=True)
    return None if lines is None else [f" {line} " for line in lines]


def draw_table(title: str, header: list[str], rows: list[list[str]], width: int) -> list[str] | None:
    """The lines of the table (title first) at a console ``width`` cells wide, or None where rich would draw
    something this does not reproduce. Cells are plain text, already made terminal-safe."""
    if any("[" in h or ":" in h for h in header):       # console markup or emoji codes: rich's own rendering
        return None
    n = len(header)
    extra = 2 + (n - 1)                                  # the edges and the dividers
    columns = [[header[i]] + [r[i] for r in rows] for i in range(n)]
    widths = _widths(columns, width - extra)
    if min(widths) < 3:                                  # too narrow for a padded cell: rich's own
        return None
    out = wrap(title, sum(widths) + extra, pad=True) if title else []
    if out is None:
        return None
    out.append("┏" + "┳".join("━" * w for w in widths) + "┓")
    for k, row in enumerate([header] + rows):
        cells = [_cell_lines(text, w) for text, w in zip(row, widths)]
        if None in cells:
            return None
        height = max(len(c) for c in cells)
        if k == 0:                                       # the header sits at the bottom of its row
            cells = [[" " * w] * (height - len(c)) + c for c, w in zip(cells, widths)]
        else:
            cells = [c + [" " * w] * (height - len(c)) for c, w in zip(cells, widths)]
        bar = "┃" if k == 0 else "│"
        out += [bar + bar.join(c[i] for c in cells) + bar for i in range(height)]
        if k == 0:
            out.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    if any(cell_len(line) > width for line in out):   # rich would crop: not reproduced
        return None
    return out


def utf8_output(file: object) -> bool:
    """Whether rich would draw box characters on ``file`` (a UTF encoding), as ``Console.encoding`` reads it."""
    return (getattr(file, "encoding", "utf-8") or "utf-8").lower().startswith("utf")
