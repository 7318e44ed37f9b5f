"""Figures drawn from the same data as the steps: the kernel's window over the input for one output entry of a
machine-learning convolution (Li Hang's figure 24.22 for 1-D, the sliding window of the cross-correlation for
2-D), with that entry's products. Typst draws it in the PDF (its own tables, no external tool); Markdown gets
an inline SVG. The terminal gets none.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.pipeline import solve_exercise
    >>> fig = conv_window(solve_exercise(load_exercise("24.4"), verify=False))
    >>> fig.entry, fig.window, fig.value
    ((1, 1), [(1, 1), (1, 2), (1, 3)], 7)
    >>> "<svg" in svg(fig, "en") and "window" in typst(fig, "en")
    True
"""
from __future__ import annotations

from html import escape as _esc
from typing import Any

from ..i18n import Msg
from ..record import record

MAX_SIDE = 9      # larger inputs are not drawn


@record(frozen=True)
class ConvWindow:
    """What a window figure shows: input ``x`` and kernel ``k`` (2-D lists; a 1-D convolution is one row), the
    output ``y``, the 1-based output ``entry`` drawn, its input ``window`` cells and its ``value``."""

    x_name: str
    k_name: str
    x: list
    k: list
    y: list
    entry: tuple
    window: list
    value: Any
    rule: str = "convolution.corr"     # the step after which the figure goes


def _rows(data: Any) -> list | None:
    if isinstance(data, list) and data and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data):
        return [list(data)]
    if isinstance(data, list) and data and all(isinstance(r, list) and r and len(r) == len(data[0]) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in r) for r in data):
        return [list(r) for r in data]
    return None


def conv_window(solution: Any) -> ConvWindow | None:
    """The window figure of the first part that is a plain ML convolution of two given arrays (``w * x`` or
    ``corr(K, X)``), or None."""
    nodes, env = solution.context.get("nodes"), solution.context.get("env")
    if not isinstance(nodes, dict) or not isinstance(env, dict):
        return None
    from ..conv.expr import BinOp, Call, Name
    for node in nodes.values():
        if isinstance(node, BinOp) and node.op == "*" and isinstance(node.left, Name) and isinstance(node.right, Name):
            k_name, x_name = node.left.name, node.right.name
        elif isinstance(node, Call) and node.func == "corr" and len(node.args) == 2 and not node.kwargs and all(
                isinstance(a, Name) for a in node.args):
            k_name, x_name = node.args[0].name, node.args[1].name
        else:
            continue
        kv, xv = env.get(k_name), env.get(x_name)
        k, x = _rows(getattr(kv, "data", None)), _rows(getattr(xv, "data", None))
        if k is None or x is None or getattr(kv, "rank", 0) != getattr(xv, "rank", -1):
            continue
        if len(k) > len(x) or len(k[0]) > len(x[0]) or len(x) > MAX_SIDE or len(x[0]) > MAX_SIDE:
            continue
        oh, ow = len(x) - len(k) + 1, len(x[0]) - len(k[0]) + 1
        y = [[sum(k[m][n] * x[i + m][j + n] for m in range(len(k)) for n in range(len(k[0]))) for j in range(ow)]
             for i in range(oh)]
        window = [(m + 1, n + 1) for m in range(len(k)) for n in range(len(k[0]))]
        return ConvWindow(x_name, k_name, x, k, y, (1, 1), window, y[0][0])
    return None


def _num(v: Any) -> str:
    return (f"(−{-v})" if v < 0 else str(v)) if isinstance(v, int) else f"{v:g}".replace("-", "−")


def caption(fig: ConvWindow, lang: str) -> str:
    one_d = len(fig.x) == 1
    terms = " + ".join(f"{_num(fig.k[m][n])}×{_num(fig.x[m][n])}" for m in range(len(fig.k))
                       for n in range(len(fig.k[0])))
    y = "y₁" if one_d else "y₁₁"
    return Msg("fig.window", k=fig.k_name, x=fig.x_name, y=y, sum=terms, v=str(fig.value)).render(lang)


def _grid_svg(rows: list, x0: float, y0: float, cell: float, shade: set, colour: str, label: str) -> list[str]:
    out = [f'<text x="{x0}" y="{y0 - 6}" font-size="12">{_esc(label)}</text>']
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            fill = colour if (i + 1, j + 1) in shade else "#ffffff"
            out.append(f'<rect x="{x0 + j * cell}" y="{y0 + i * cell}" width="{cell}" height="{cell}" '
                       f'fill="{fill}" stroke="#555" stroke-width="1"/>')
            out.append(f'<text x="{x0 + j * cell + cell / 2}" y="{y0 + i * cell + cell / 2 + 4}" font-size="12" '
                       f'text-anchor="middle">{_esc(str(v).replace("-", "−"))}</text>')
    return out


def svg(fig: ConvWindow, lang: str) -> str:
    """The figure as one inline SVG element (numbers and labels only: nothing from a file but the names, escaped)."""
    cell, gap = 26, 30
    parts: list[str] = []
    x0 = 10
    parts += _grid_svg(fig.x, x0, 24, cell, set(fig.window), "#cfe3f7", Msg("fig.input", x=fig.x_name).render(lang))
    x0 += len(fig.x[0]) * cell + gap
    parts += _grid_svg(fig.k, x0, 24, cell, set(fig.window), "#cfe3f7", Msg("fig.kernel", k=fig.k_name).render(lang))
    x0 += len(fig.k[0]) * cell + gap
    parts += _grid_svg(fig.y, x0, 24, cell, {fig.entry}, "#f7d9a8", Msg("fig.output").render(lang))
    width = x0 + len(fig.y[0]) * cell + 10
    height = 24 + max(len(fig.x), len(fig.y)) * cell + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(caption(fig, lang))}">'
            + "".join(parts) + "</svg>")


def _grid_typst(rows: list, shade: set, colour: str) -> str:
    from .typst_math import typst_string
    cells = []
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            fill = f", fill: rgb(\"{colour}\")" if (i + 1, j + 1) in shade else ""
            cells.append(f"table.cell({'' if not fill else fill[2:]})[#{typst_string(str(v).replace('-', '−'))}]")
    return (f"table(columns: {len(rows[0])}, rows: 1.6em, align: center + horizon, inset: 3pt, "
            f"stroke: 0.5pt + luma(90), {', '.join(cells)})")


def typst(fig: ConvWindow, lang: str) -> str:
    """The figure as Typst markup: three tables side by side (input with the window shaded, kernel, output with
    the entry shaded) and a caption — a ``figure`` with kind ``"window"``."""
    from .typst_math import typst_string as S
    labels = [Msg("fig.input", x=fig.x_name).render(lang), Msg("fig.kernel", k=fig.k_name).render(lang),
              Msg("fig.output").render(lang)]
    columns = [(_grid_typst(fig.x, set(fig.window), "#cfe3f7")), (_grid_typst(fig.k, set(fig.window), "#cfe3f7")),
               (_grid_typst(fig.y, {fig.entry}, "#f7d9a8"))]
    body = ", ".join(f"[#align(center)[#text(size: 8pt)[#{S(label)}] \\ #{grid}]]" for label, grid in zip(labels, columns))
    return (f"#figure(kind: \"window\", supplement: none, caption: [#{S(caption(fig, lang))}], "
            f"grid(columns: 3, column-gutter: 1.5em, align: top, {body}))")


_RF_COLOURS = ("#2a6fb0", "#5b93c9", "#8db6de", "#bcd5ee", "#dfeaf6", "#eef4fb")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@record(frozen=True)
class RFLayers:
    """The receptive fields (square, odd or even) of one unit after each layer that has one, and the grid side."""

    sizes: list            # [(layer number, R)], R growing
    side: int
    rule: str = "network.table"


def rf_layers(solution: Any) -> RFLayers | None:
    """The receptive-field figure of a network exercise that asks for a receptive field (2-D, square windows,
    at most 15 pixels shown), or None."""
    ex = solution.exercise
    if ex.kind not in ("network", "rf_proof") or not any(p.quantity == "receptive_field" for p in ex.ask):
        return None
    analyses = solution.context.get("analyses")
    if not isinstance(analyses, dict) or len(analyses) != 1:
        return None
    analysis = next(iter(analyses.values()))
    if getattr(analysis, "spatial_dims", 0) != 2:
        return None
    sizes, last = [], 1
    for n, la in enumerate(analysis.layers, start=1):
        rf = getattr(la, "rf", None)
        if rf is None or len(rf) != 2 or rf[0] != rf[1]:
            break
        if rf[0] > last:
            sizes.append((n, rf[0]))
            last = rf[0]
    if not sizes or sizes[-1][1] + 2 > 15:
        return None
    return RFLayers(sizes, sizes[-1][1] + 2)


def _rf_cells(fig: RFLayers) -> list[list[int | None]]:
    """For each cell of the grid, the index of the first layer whose (centred) field covers it."""
    grid: list[list[int | None]] = [[None] * fig.side for _ in range(fig.side)]
    centre = (fig.side - 1) // 2
    for idx in range(len(fig.sizes) - 1, -1, -1):
        r = fig.sizes[idx][1]
        lo = centre - (r - 1) // 2
        for i in range(lo, lo + r):
            for j in range(lo, lo + r):
                grid[i][j] = idx
    grid[centre][centre] = -1                      # the unit's centre pixel
    return grid


def rf_caption(fig: RFLayers, lang: str) -> str:
    sizes = ("、" if lang == "zh" else ", ").join(
        Msg("fig.rf.size", n=str(n).translate(_SUBSCRIPT), r=f"{r}×{r}").render(lang) for n, r in fig.sizes)
    return Msg("fig.rf", side=str(fig.side), sizes=sizes).render(lang)


def _rf_colour(idx: int | None) -> str:
    if idx is None:
        return "#ffffff"
    if idx < 0:
        return "#d9822b"
    return _RF_COLOURS[min(idx, len(_RF_COLOURS) - 1)]


def rf_svg(fig: RFLayers, lang: str) -> str:
    cell = 16
    size = fig.side * cell
    rects = [f'<rect x="{10 + j * cell}" y="{10 + i * cell}" width="{cell}" height="{cell}" fill="{_rf_colour(c)}" '
             f'stroke="#888" stroke-width="0.5"/>' for i, row in enumerate(_rf_cells(fig)) for j, c in enumerate(row)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 20}" height="{size + 20}" '
            f'viewBox="0 0 {size + 20} {size + 20}" role="img" aria-label="{_esc(rf_caption(fig, lang))}">'
            + "".join(rects) + "</svg>")


def rf_typst(fig: RFLayers, lang: str) -> str:
    from .typst_math import typst_string as S
    cells = ", ".join(f"table.cell(fill: rgb(\"{_rf_colour(c)}\"))[]" for row in _rf_cells(fig) for c in row)
    grid = f"table(columns: (0.45cm,) * {fig.side}, rows: 0.45cm, inset: 0pt, stroke: 0.3pt + luma(140), {cells})"
    return (f"#figure(kind: \"rf\", supplement: none, caption: [#{S(rf_caption(fig, lang))}], "
            f"box(width: {0.45 * fig.side:.2f}cm)[#{grid}])")


def figures_for(solution: Any) -> list[tuple[str, Any, Any]]:
    """The figures of a solution: (rule of the step they follow, SVG maker, Typst maker), each maker taking
    the language."""
    out: list[tuple[str, Any, Any]] = []
    window = conv_window(solution)
    if window is not None:
        out.append((window.rule, lambda lang, f=window: svg(f, lang), lambda lang, f=window: typst(f, lang)))
    for rot in rotations(solution):
        out.append((rot.rule, lambda lang, f=rot: rotation_svg(f, lang), lambda lang, f=rot: rotation_typst(f, lang)))
    rf = rf_layers(solution)
    if rf is not None:
        out.append((rf.rule, lambda lang, f=rf: rf_svg(f, lang), lambda lang, f=rf: rf_typst(f, lang)))
    return out


MAX_BLOCKS = 14     # longer networks: the table says it better


def _blocks(table: Any, lang: str) -> list[tuple[str, str]] | None:
    """(layer label, output shape) of each row of a network's layer table, the input first; None when the table
    is not a network's layer table or is too long to draw."""
    keys = [getattr(c, "key", "") for c in getattr(table, "columns", [])]
    if "net.table.layer" not in keys or "net.table.shape" not in keys:
        return None
    li, si = keys.index("net.table.layer"), keys.index("net.table.shape")

    def text(cell: Any) -> str:
        return cell.render(lang) if hasattr(cell, "render") else str(cell)
    rows = [(text(r[li]), text(r[si])) for r in table.rows if len(r) > si and text(r[si]).strip()]
    return rows if 2 <= len(rows) <= MAX_BLOCKS else None


def diagram_svg(table: Any, lang: str) -> str | None:
    """A network as a column of blocks, the shape on each edge (inline SVG), or None."""
    rows = _blocks(table, lang)
    if rows is None:
        return None
    from rich.cells import cell_len
    width = max(cell_len(label) for label, _ in rows) * 7 + 24
    box, edge = 24, 26
    parts, y = [], 6
    for i, (label, shape) in enumerate(rows):
        if i:
            parts.append(f'<line x1="{10 + width / 2}" y1="{y}" x2="{10 + width / 2}" y2="{y + edge - 4}" '
                         f'stroke="#555" marker-end="url(#arrow)"/>')
            y += edge
        parts.append(f'<rect x="10" y="{y}" width="{width}" height="{box}" rx="4" fill="#eef4fb" stroke="#2a6fb0"/>')
        parts.append(f'<text x="{10 + width / 2}" y="{y + 16}" font-size="12" text-anchor="middle">{_esc(label)}</text>')
        parts.append(f'<text x="{width + 18}" y="{y + 16}" font-size="11" fill="#555">{_esc(shape)}</text>')
        y += box
    total_w = width + 28 + max(cell_len(s) for _, s in rows) * 7
    marker = ('<defs><marker id="arrow" viewBox="0 0 8 8" refX="4" refY="4" markerWidth="6" markerHeight="6" '
              'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{y + 6}" '
            f'viewBox="0 0 {total_w} {y + 6}" role="img">' + marker + "".join(parts) + "</svg>")


def diagram_typst(table: Any, lang: str) -> str | None:
    """The same diagram in Typst: blocks joined by arrows, each block with its output shape under its name."""
    rows = _blocks(table, lang)
    if rows is None:
        return None
    from .typst_math import typst_string as S
    blocks = [f"box(stroke: 0.6pt + rgb(\"#2a6fb0\"), fill: rgb(\"#eef4fb\"), radius: 2pt, inset: 4pt)"
              f"[#text(size: 8pt)[#{S(label)}] \\ #text(size: 7pt, fill: luma(90))[#{S(shape)}]]"
              for label, shape in rows]
    return "#block(breakable: false)[#set par(leading: 1.2em)\n#" + " #sym.arrow.r #".join(blocks) + "]"


_TURNS = {"rot90": 1, "rot90cw": -1, "rot180": 2}


@record(frozen=True)
class Rotation:
    name: str
    func: str
    before: list
    after: list
    rule: str


def _calls(node: Any) -> list:
    from ..conv.expr import BinOp, Call, Eq, Neg
    if isinstance(node, Call):
        return [node] + [c for a in node.args for c in _calls(a)]
    if isinstance(node, (BinOp, Eq)):
        return _calls(node.left) + _calls(node.right)
    if isinstance(node, Neg):
        return _calls(node.operand)
    return []


def rotations(solution: Any) -> list[Rotation]:
    """The rotations of a given matrix the solution makes (24.5: X turned 90° either way), first of each kind."""
    import numpy as np

    from ..conv.expr import Name
    nodes, env = solution.context.get("nodes"), solution.context.get("env")
    if not isinstance(nodes, dict) or not isinstance(env, dict):
        return []
    out, seen = [], set()
    for node in nodes.values():
        for call in _calls(node):
            if call.func in _TURNS and len(call.args) == 1 and isinstance(call.args[0], Name) and call.func not in seen:
                value = env.get(call.args[0].name)
                rows = _rows(getattr(value, "data", None))
                if rows is None or getattr(value, "rank", 0) != 2 or len(rows) > MAX_SIDE or len(rows[0]) > MAX_SIDE:
                    continue
                after = np.rot90(np.array(rows), _TURNS[call.func]).tolist()
                out.append(Rotation(call.args[0].name, call.func, rows, after, f"convolution.{call.func}"))
                seen.add(call.func)
    return out


def rotation_svg(fig: Rotation, lang: str) -> str:
    cell = 24
    parts = _grid_svg(fig.before, 10, 24, cell, set(), "#ffffff", fig.name)
    x0 = 10 + len(fig.before[0]) * cell + 40
    mid = 24 + len(fig.before) * cell / 2
    parts.append(f'<text x="{x0 - 30}" y="{mid + 5}" font-size="16">→</text>')
    label = Msg(f"fig.rot.{fig.func}", x=fig.name).render(lang)
    parts += _grid_svg(fig.after, x0, 24, cell, set(), "#ffffff", label)
    width = x0 + len(fig.after[0]) * cell + 120
    height = 24 + max(len(fig.before), len(fig.after)) * cell + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(label)}">' + "".join(parts) + "</svg>")


def rotation_typst(fig: Rotation, lang: str) -> str:
    from .typst_math import typst_string as S
    label = Msg(f"fig.rot.{fig.func}", x=fig.name).render(lang)
    return (f"#figure(kind: \"rotation\", supplement: none, caption: [#{S(label)}], "
            f"grid(columns: 3, column-gutter: 1.2em, align: horizon, {_grid_typst(fig.before, set(), '#ffffff')}, "
            f"[#sym.arrow.r], {_grid_typst(fig.after, set(), '#ffffff')}))")
