"""Lists (shapes, vectors) and matrices, written as text or given as YAML/JSON lists.

Vector grammar (after normalisation and dropping a left-hand side)::

    vector  := WRAP "(" vector ")"                      # array(...), tensor(...), torch.Size([...]), Matrix(...)
             | LATEX_MATRIX                             # one row or one column
             | d+ "@" vector                            # 32@28x28 → [32, 28, 28] (channels first)
             | vector ("^T" | "^{T}" | "ᵀ" | "'")              # a column written as a transposed row
             | [ "(" | "[" | "{" ] items [ ")" | "]" | "}" ]
    items   := entry { ("," | ";") entry } [","]        # 1,2,3   (32, 28, 28)   [7, -6, 8]
             | entry { ("×" | "*" | "·" | "x") entry } # 28×28×32  28x28x32  28*28*32  (x only between numbers)
             | entry { WHITESPACE entry }               # 7 -6 8 -2 5   (MATLAB rule: "7 - 6" is 1, "7 -6" is two)
    entry   := number (no thousands separators inside a list) | expression

Matrix grammar::

    matrix  := LATEX_MATRIX                             # \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}; pmatrix, vmatrix,
                                                       # Bmatrix, Vmatrix, matrix, smallmatrix, array{cc}
             | "[" row_group { [","] row_group } "]"   # [[1,2],[3,4]]   [[1 2]\\n [3 4]] (numpy)
             | [ "[" ] row { ";" row } [ "]" ]        # 1 2; 3 4   [1 2; 3 4]   [1, 2; 3, 4]
             | row { "\\\\" row }                        # 1 & 2 \\\\ 3 & 4
             | row { NEWLINE row }                      # a YAML block: one row per line
             | matrix ("^T" | "^{\\top}" | "'")               # transposed
    row     := entry { ("&" | "," | WHITESPACE) entry }

Entries are ``int``, ``Fraction`` (decimals and fractions exactly as written), ``float`` (irrational numbers) or
sympy expressions (``x_{11}``). At most 10,000 entries in a list and 100×100 in a matrix.

Example:
    >>> from grader.parse._text import Src, normalize
    >>> read_matrix(normalize(Src.of(r"\\begin{pmatrix} 1 & -\\frac{1}{2} \\\\ 0.5 & 4 \\end{pmatrix}")))[0]
    [[1, Fraction(-1, 2)], [Fraction(1, 2), 4]]
"""
from __future__ import annotations

import math
import re
from typing import Any, Iterable

from ._number import fmt, match_number, sympy_number
from ._text import (MAX_COLS, MAX_ENTRIES, MAX_LENGTH, MAX_ROWS, ReadError, Src, normalize, short, split_top,
                    strip_outer, where)

_WRAP = re.compile(r"(?:np\.|numpy\.|torch\.|sympy\.|sp\.)?(?:array|tensor|Tensor|Matrix|matrix|Size|list|tuple)"
                   r"\s*\((.*)\)", re.S)
_ENV = re.compile(r"\\begin\s*\{\s*([A-Za-z]*matrix\*?|array)\s*\}")
_TRANSPOSED = re.compile(r"(.*[\])}])\s*(?:\^\s*\{?\s*(?:T|\\top|⊤|\\intercal)\s*\}?|T|')", re.S)
_OPS_END = tuple("+-*/^×·_(,=<>≤≥")
_OPS_START = tuple("*/^×·)_")

Entry = Any


def _n(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _entry_value(value: Any, pos: int | None) -> Entry:
    import sympy
    from sympy.logic.boolalg import Boolean
    if isinstance(value, Boolean):
        raise ReadError("a condition is not an entry", pos)
    if isinstance(value, sympy.Expr) and value.is_number:
        return sympy_number(value, pos)[1]
    return value


def read_scalar(src: Src, symbols: Iterable[str] = ()) -> tuple[Entry, list[str], int | None]:
    """One entry of a list or matrix: (value, notes, significant digits)."""
    src = src.strip()
    if not src.text:
        raise ReadError("an entry is empty", src.at(0))
    num = match_number(src, grouping=False)
    if num is not None:
        return num.value, num.notes, num.sig
    from ._expr import parse_expression
    value, notes, _ = parse_expression(src, symbols)
    return _entry_value(value, src.at(0)), notes, None


def _wrap(src: Src) -> Src:
    m = _WRAP.fullmatch(src.text)
    return src.slice(m.start(1), m.end(1)).strip() if m else src


def _transposed(src: Src) -> tuple[Src, bool]:
    """``(7, -6, 8)^T``, ``[…]ᵀ``, ``[…]'`` → the inside and True."""
    m = _TRANSPOSED.fullmatch(src.text)
    return (src.slice(0, m.end(1)).strip(), True) if m else (src, False)


def split_ws(src: Src) -> list[Src]:
    """Whitespace-separated entries outside brackets, MATLAB style: an operator standing alone or ending/starting
    a piece joins its neighbours (``7 - 6`` is one entry), a sign stuck to a number starts one (``7 -6``)."""
    text = src.text
    spans: list[list[int]] = []
    depth, start = 0, None
    for i, ch in enumerate(text):
        if ch in "([{⌊⌈":
            depth += 1
        elif ch in ")]}⌋⌉":
            depth -= 1
        if ch.isspace() and depth == 0:
            if start is not None:
                spans.append([start, i])
                start = None
        elif start is None:
            start = i
    if start is not None:
        spans.append([start, len(text)])
    merged: list[list[int]] = []
    for a, b in spans:
        piece = text[a:b]
        if merged:
            prev = text[merged[-1][0]:merged[-1][1]]
            if (piece in ("+", "-", "*", "/", "^", "×", "·", "**") or prev.endswith(_OPS_END)
                    or piece.startswith(_OPS_START) or re.search(r"\\[A-Za-z]+$", prev)):
                merged[-1][1] = b
                continue
        merged.append([a, b])
    return [src.slice(a, b) for a, b in merged]


def _times_parts(src: Src) -> list[Src]:
    text = src.text
    if re.fullmatch(r"\s*[-+]?\d+(?:\.\d+)?(?:\s*[xX×*·]\s*[-+]?\d+(?:\.\d+)?)+\s*", text):
        out, last = [], 0
        for m in re.finditer(r"[xX×*·]", text):
            out.append(src.slice(last, m.start()))
            last = m.end()
        out.append(src.slice(last))
        return out
    return split_top(src, "×·" if "**" in text else "×·*")


def _bracket_groups(src: Src) -> list[Src] | None:
    """The rows of ``[1,2],[3,4]`` / ``[1 2]\\n [3 4]``: bracket groups separated by commas, ';' or space."""
    text = src.text
    groups: list[Src] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace() or ch in ",;":
            i += 1
            continue
        if ch not in "([":
            return None
        close = ")" if ch == "(" else "]"
        depth, j = 0, i
        while j < len(text):
            if text[j] in "([{":
                depth += 1
            elif text[j] in ")]}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= len(text) or text[j] != close:
            return None
        groups.append(src.slice(i, j + 1))
        i = j + 1
    return groups or None


def _entries(parts: list[Src], symbols: Iterable[str], notes: list[str]) -> tuple[list[Entry], int | None]:
    if len(parts) > MAX_ENTRIES:
        raise ReadError(f"more than {MAX_ENTRIES:,} entries")
    values, sigs = [], []
    for p in parts:
        v, n, s = read_scalar(p, symbols)
        values.append(v)
        notes.extend(x for x in n if x not in notes)
        if s is not None:
            sigs.append(s)
    return values, (min(sigs) if sigs else None)


def latex_matrix(src: Src, symbols: Iterable[str], notes: list[str]) -> tuple[list[list[Entry]], int | None]:
    text = src.text
    m = _ENV.search(text)
    if not m:
        raise ReadError("expected \\begin{bmatrix}", src.at(0))
    env = m.group(1)
    after = m.end()
    opt = re.compile(r"\s*\{[^{}]*\}" if env == "array" else r"\s*\[[a-z]\]").match(text, after)
    if opt:
        after = opt.end()
    end = re.compile(r"\\end\s*\{\s*" + re.escape(env) + r"\s*\}").search(text, after)
    if not end:
        raise ReadError(f"\\begin{{{env}}} is never ended with \\end{{{env}}}", src.at(m.start()))
    outside = text[:m.start()] + text[end.end():]
    if not re.fullmatch(r"[\s\[\]()|{}.]*", outside):
        bad = next(i for i, ch in enumerate(text) if (i < m.start() or i >= end.end()) and ch not in " \t\n[](){}|.")
        raise ReadError("unexpected text outside the matrix", src.at(bad))
    body = src.slice(after, end.start())
    body = body.sub(r"\\(?:hline|midrule|toprule|bottomrule)|\\cline\s*\{[^{}]*\}", " ")
    rows = [r for r in split_top(body, "\\")]
    while rows and not rows[-1].text.strip():
        rows.pop()
    return _rows([split_top(r, "&") for r in rows], symbols, notes)


def _rows(rows: list[list[Src]], symbols: Iterable[str], notes: list[str]) -> tuple[list[list[Entry]], int | None]:
    if not rows:
        raise ReadError("the matrix has no rows")
    if len(rows) > MAX_ROWS:
        raise ReadError(f"more than {MAX_ROWS} rows")
    out, sigs = [], []
    for i, cells in enumerate(rows):
        if len(cells) > MAX_COLS:
            raise ReadError(f"row {i + 1} has more than {MAX_COLS} entries")
        values, s = _entries(cells, symbols, notes)
        if s is not None:
            sigs.append(s)
        if out and len(values) != len(out[0]):
            raise ReadError(f"row {i + 1} has {_n(len(values))} but row 1 has {_n(len(out[0]))}",
                            cells[0].at(0) if cells else None)
        out.append(values)
    return out, (min(sigs) if sigs else None)


def _row_cells(src: Src) -> list[Src]:
    inner, _ = strip_outer(src.strip())
    if "&" in inner.text:
        parts = split_top(inner, "&")
    else:
        parts = split_top(inner, ",")
        if len(parts) == 1:
            parts = split_ws(inner)
    if len(parts) > 1 and not parts[-1].text.strip() and "," in inner.text:
        parts.pop()
    return parts


def read_matrix(src: Src, symbols: Iterable[str] = ()) -> tuple[list[list[Entry]], list[str], int | None]:
    """A matrix written as text: (rows, notes, significant digits)."""
    notes: list[str] = []
    src, transposed = _transposed(src.strip())
    if transposed:
        rows, more, sig = read_matrix(src, symbols)
        notes = more + ["transposed the matrix written with ^T"]
        return [list(col) for col in zip(*rows)], notes, sig
    src = _wrap(src)
    if not src.text:
        raise ReadError("no answer was given")
    if _ENV.search(src.text):
        rows, sig = latex_matrix(src, symbols, notes)
        return rows, notes, sig
    inner, bracket = strip_outer(src)
    groups = _bracket_groups(inner)
    if groups and (bracket or len(groups) > 1):
        row_srcs = groups
    elif len(split_top(inner, ";")) > 1:
        row_srcs = split_top(inner, ";")
    elif len(split_top(inner, "\\")) > 1:
        row_srcs = split_top(inner, "\\")
    elif "\n" in inner.text.strip():
        row_srcs = [r for r in split_top(inner, "\n") if r.text.strip()]
    else:
        row_srcs = [inner]
        notes.append("read a single row")
    while len(row_srcs) > 1 and not row_srcs[-1].text.strip():
        row_srcs.pop()
    if len(row_srcs) > MAX_ROWS:
        raise ReadError(f"more than {MAX_ROWS} rows")
    rows, sig = _rows([_row_cells(r) for r in row_srcs], symbols, notes)
    return rows, notes, sig


def read_vector(src: Src, symbols: Iterable[str] = ()) -> tuple[list[Entry], list[str], int | None]:
    """A list written as text: (entries, notes, significant digits)."""
    notes: list[str] = []
    src, transposed = _transposed(src.strip())
    if transposed:
        notes.append("read a transposed list (…)^T as the list")
    src = _wrap(src)
    text = src.text
    if not text:
        raise ReadError("no answer was given")
    if _ENV.search(text):
        rows, sig = latex_matrix(src, symbols, notes)
        return _flat(rows, notes), notes, sig
    m = re.fullmatch(r"(\d+)\s*@\s*(\S.*)", text, re.S)
    if m:
        first, n1, _ = read_scalar(src.slice(m.start(1), m.end(1)))
        rest, n2, sig = read_vector(src.slice(m.start(2)), symbols)
        values = [first] + rest
        notes.append(f"read {short(text)} as channels first: [{', '.join(fmt(v) for v in values)}]")
        return values, notes, sig
    inner, bracket = strip_outer(src)
    groups = _bracket_groups(inner)
    if groups and bracket:
        rows, sig = _rows([_row_cells(g) for g in groups], symbols, notes)
        return _flat(rows, notes), notes, sig
    parts = split_top(inner, ",;")
    if len(parts) > 1:
        if not parts[-1].text.strip():
            parts.pop()
        values, sig = _entries(parts, symbols, notes)
        return values, notes, sig
    parts = _times_parts(inner)
    if len(parts) > 1:
        values, sig = _entries(parts, symbols, notes)
        notes.append(f"read {short(text)} as a shape [{', '.join(fmt(v) for v in values)}]")
        return values, notes, sig
    parts = split_ws(inner)
    values, sig = _entries(parts, symbols, notes)
    if len(values) == 1 and not bracket:
        notes.append("read a single value as a one-entry list")
    return values, notes, sig


def _flat(rows: list[list[Entry]], notes: list[str]) -> list[Entry]:
    if len(rows) == 1:
        notes.append("read a one-row matrix as a list")
        return rows[0]
    if all(len(r) == 1 for r in rows):
        notes.append("read a one-column matrix as a list")
        return [r[0] for r in rows]
    raise ReadError(f"a {len(rows)}×{len(rows[0])} matrix where a list was expected")


# ------------------------------------------------------------------ YAML / JSON lists

def raw_scalar(x: Any, symbols: Iterable[str], budget: list[int]) -> tuple[Entry, list[str], int | None]:
    """An entry given by YAML/JSON: int, float or text."""
    if isinstance(x, bool):
        raise ReadError(f"{str(x).lower()} is not a number")
    if isinstance(x, int):
        if x.bit_length() > 3400:
            raise ReadError("a number with more than 1,000 digits is too large")
        return x, [], None
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ReadError(f"{x} is not a finite number")
        if x.is_integer() and abs(x) < 1e300:
            return int(x), [], None
        x = repr(x)
    if isinstance(x, str):
        budget[0] -= len(x)
        if budget[0] < 0:
            raise ReadError(f"the entries together are longer than {MAX_LENGTH:,} characters")
        s = Src.of(x.strip())
        try:
            return read_scalar(normalize(s), symbols)
        except ReadError as e:
            raise ReadError(f"{short(x)!r}: stopped at {where(s.orig, e.pos)}: {e.reason}") from None
    if x is None:
        raise ReadError("an entry is empty")
    if isinstance(x, (list, tuple)):
        raise ReadError("a list inside a list where a number was expected")
    raise ReadError(f"a {type(x).__name__} is not a number")


def raw_entries(items: list[Any], symbols: Iterable[str], notes: list[str],
                budget: list[int]) -> tuple[list[Entry], int | None]:
    if len(items) > MAX_ENTRIES:
        raise ReadError(f"more than {MAX_ENTRIES:,} entries")
    values, sigs = [], []
    for i, x in enumerate(items):
        try:
            v, n, s = raw_scalar(x, symbols, budget)
        except ReadError as e:
            raise ReadError(f"entry {i + 1}: {e.reason}") from None
        values.append(v)
        notes.extend(m for m in n if m not in notes)
        if s is not None:
            sigs.append(s)
    return values, (min(sigs) if sigs else None)


def raw_vector(items: list[Any], symbols: Iterable[str]) -> tuple[list[Entry], list[str], int | None]:
    notes: list[str] = []
    budget = [MAX_LENGTH]
    if len(items) > MAX_ENTRIES:
        raise ReadError(f"more than {MAX_ENTRIES:,} entries")
    if items and all(isinstance(x, (list, tuple)) for x in items):
        rows, sig = raw_matrix(items, symbols, notes, budget)
        return _flat(rows, notes), notes, sig
    values, sig = raw_entries(list(items), symbols, notes, budget)
    return values, notes, sig


def raw_matrix(items: list[Any], symbols: Iterable[str], notes: list[str] | None = None,
               budget: list[int] | None = None) -> tuple[list[list[Entry]], int | None]:
    notes = [] if notes is None else notes
    budget = [MAX_LENGTH] if budget is None else budget
    if not items:
        raise ReadError("the matrix has no rows")
    if len(items) > MAX_ROWS:
        raise ReadError(f"more than {MAX_ROWS} rows")
    if not any(isinstance(x, (list, tuple, str)) for x in items):
        notes.append("read a flat list as one row")
        items = [items]
    rows, sigs = [], []
    for i, row in enumerate(items):
        if isinstance(row, (list, tuple)) and len(row) == 1 and isinstance(row[0], str) and " " in row[0].strip():
            row = row[0]          # YAML [[19 25],[37 43]]: each row one string, numpy style
        if isinstance(row, str):
            budget[0] -= len(row)
            if budget[0] < 0:
                raise ReadError(f"the rows together are longer than {MAX_LENGTH:,} characters")
            s = Src.of(row.strip())
            try:
                values, sig = _entries(_row_cells(normalize(s)), symbols, notes)
            except ReadError as e:
                raise ReadError(f"row {i + 1} ({short(row)!r}): stopped at {where(s.orig, e.pos)}: "
                                f"{e.reason}") from None
        elif isinstance(row, (list, tuple)):
            if len(row) > MAX_COLS:
                raise ReadError(f"row {i + 1} has more than {MAX_COLS} entries")
            try:
                values, sig = raw_entries(list(row), symbols, notes, budget)
            except ReadError as e:
                raise ReadError(f"row {i + 1}, {e.reason}") from None
        else:
            raise ReadError(f"row {i + 1} is not a list")
        if rows and len(values) != len(rows[0]):
            raise ReadError(f"row {i + 1} has {_n(len(values))} but row 1 has {_n(len(rows[0]))}")
        rows.append(values)
        if sig is not None:
            sigs.append(sig)
    return rows, (min(sigs) if sigs else None)
