"""Reading a student's answer: what YAML/JSON gave → a typed value, safely.

:func:`parse_answer` takes a part's value from an answer file (``str``, ``int``, ``float``, ``bool``, list,
nested list, ``None``, or a mapping with an ``expr``/``latex``/``value`` field) and the type the question
expects, and returns a :class:`Parsed`. It never raises for any ``raw`` and never evaluates the text: numbers,
lists and matrices are read by regular grammars, expressions by a whitelisted tokenizer and a recursive-descent
parser that builds sympy objects with their constructors. Sizes are bounded (10,000 characters, 100 digits a
number, results of at most 1,000 digits, nesting 50, 10,000 list entries, 100×100 matrices), so hostile input
fails fast with ``kind="unparsable"`` and a message saying what was expected and where reading stopped.

Expected types and what is accepted (grammars in the submodules' docstrings):

``int``, ``real``
    ``4640``, ``4,640``, ``4 640``, ``4.64e3``, ``4.64×10^3``, ``4.64K``, ``3.61M``, ``7.23 M``, ``3.61万``, ``1.2亿``,
    ``≈ 7.23M``, ``7,225,344 FLOPs`` (unit dropped), ``2^10``, ``2**10``, ``12.7%``, ``0.127``, ``2336/18432``,
    ``1/4``, ``½``, ``-3.5``, ``1e-3``, ``(3*3*3+1)*64``, ``28×28×32`` (read as the product, with a note).
    Comma: thousands only, in groups of three (``4,640`` = 4640); ``4,64`` is refused as ambiguous.
    An exactly written integer is kind ``int``; a value with a multiplier, ``%``, ``≈``, or not whole, is
    ``real`` (a ``Fraction``, exactly as written; ``float`` only for irrational values like ``sqrt(2)``).
    ``sig`` holds the significant digits when the writing shows limited precision (``3.61M`` → 3, ``0.127`` → 3).
``shape``, ``vector``
    ``28×28×32``, ``28x28x32``, ``28*28*32``, ``(32, 28, 28)``, ``[7, -6, 8, -2, 5]``, ``1,2,3``, ``7 -6 8 -2 5``,
    ``32@28x28`` (channels first), ``(7, -6, 8)^T``, YAML lists, a one-row or one-column matrix. Kind ``vector``.
``matrix``
    nested lists (YAML or text ``[[1,2],[3,4]]``), ``1 2; 3 4``, ``[1 2; 3 4]``, one row per line, LaTeX
    ``bmatrix``/``pmatrix``/``vmatrix``/``Bmatrix``/``matrix``/``array{cc}``; entries integers, decimals, fractions,
    ``\\frac``, either minus sign, or expressions. A flat list is one row (with a note); ``…^T`` is transposed.
``bool``
    true/false, yes/no, y/n, T/F, 1/0, holds/does not hold, 成立/不成立, 是/否/不是, 对/错/不对, 正确/错误,
    相等/不相等, ✓/✗, optionally after "the identity is"/"等式"; "True, because …" is True with the rest
    in ``notes``.
``expr``
    plain or LaTeX: ``x_{k+m-1,l+n-1}``, ``w[i-k+1][j-l+1]``, ``(n - k + 2p)/s + 1``, ``\\frac{n-k+2p}{s}+1``,
    ``\\left\\lfloor … \\right\\rfloor``, ``2^{10}``, ``k_h k_w C_in``, ``\\delta_{kl}``, ``δ``, sums, and piecewise
    answers (``… if 1 <= i-k+1 <= M and … else 0``, ``\\begin{cases} … \\end{cases}``, ``当 … 时 …；否则 0``,
    sympy's own ``Piecewise((…, …), (0, True))``) → sympy ``Piecewise``. Indexed quantities are
    ``IndexedBase(letter)[…]``; names are plain ``Symbol``s without assumptions. ``symbols`` (names the question
    uses) decides ``C_in`` vs ``C[i, n]``-style subscripts and splits ``np`` into ``n·p`` when n and p are known.
``prose``
    any text, kept as it is (kind ``prose``).

A leading "Answer:"/"答：" and a left-hand side (``y_{kl} = …``, ``params = …``) are dropped with a note.
``Parsed.kind`` reports what was read, which may differ from what was expected (an exact integer where a real
was expected is ``int``; ``0.5`` where an int was expected is ``real``); the comparer decides.

Example:
    >>> parse_answer("≈ 3.61M", "int")
    Parsed(kind='real', value=Fraction(3610000, 1), text='≈ 3.61M', message='', notes=['read ≈ 3.61M as an approximate value', 'read ≈ 3.61M as 3,610,000'], sig=3, factor=False)
    >>> parse_answer("28×28×32", "shape").value
    [28, 28, 32]
    >>> parse_answer("x_{k+m-1, l+n-1}", "expr").value
    x[k + m - 1, l + n - 1]
    >>> parse_answer("4.64kk", "int").message
    "expected a number; stopped at character 5: 'k' ('kk' is a name, not a number)"
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable

from ._number import Num, read_number
from ._text import MAX_LENGTH, ReadError, Src, normalize, short, strip_label, where

# Read on first use (``grade`` of one numeric file needs neither): lists and matrices (._lists), true/false
# (._bool), the value inside words and working (._salvage); expressions (._expr, sympy) likewise, below.

__all__ = ["Parsed", "parse_answer", "EXPECTED", "MAX_LENGTH", "MAX_PROSE_LENGTH"]

EXPECTED = ("int", "real", "shape", "vector", "matrix", "bool", "expr", "prose")
KINDS = ("int", "real", "vector", "matrix", "bool", "expr", "prose", "unparsable")
MAX_PROSE_LENGTH = 100_000

WHAT = {
    "int": "a number", "real": "a number", "shape": "a shape such as 28×28×32 or [32, 28, 28]",
    "vector": "a list of numbers such as [7, -6, 8]", "matrix": "a matrix such as [[1, 2], [3, 4]] or 1 2; 3 4",
    "bool": "true or false (yes/no, 成立/不成立, 是/否)", "expr": "an expression", "prose": "an answer",
}


@dataclass
class Parsed:
    """The result of reading one answer.

    ``kind``: "int", "real", "vector", "matrix", "bool", "expr", "prose" or "unparsable".
    ``value``: int | Fraction | float | list[…] | list[list[…]] | bool | sympy object | str (None if unparsable).
    ``text``: the answer as written (stripped; lists and numbers given by YAML are shown as text).
    ``message``: for unparsable answers, what was expected and where reading stopped.
    ``notes``: how ambiguous spellings were read ("read 7.23M as 7,230,000", "dropped the unit 'FLOPs'"), or for a
    boolean the rest of the answer ("because …").
    ``sig``: significant digits of a number written with limited precision (3.61M → 3), else None.
    """

    kind: str
    value: Any
    text: str
    message: str = ""
    notes: list[str] = field(default_factory=list)
    sig: int | None = None
    factor: bool = False      # a factor stated with a direction word ("9x fewer"): its size, not its direction


def _show(raw: Any, budget: int = 2000) -> str:
    """Bounded text of a YAML/JSON value (never walks more than ``budget`` characters' worth)."""
    out: list[str] = []
    left = [budget]

    def put(s: str) -> None:
        if left[0] > 0:
            out.append(s[: left[0]])
        left[0] -= len(s)

    def walk(x: Any, depth: int) -> None:
        if left[0] <= 0:
            return
        if depth > 20:
            put("…")
        elif isinstance(x, bool):
            put("true" if x else "false")
        elif x is None:
            put("null")
        elif isinstance(x, int):
            put(str(x) if x.bit_length() < 3000 else "<a very large number>")
        elif isinstance(x, float):
            put(repr(x))
        elif isinstance(x, str):
            put(json.dumps(x[: left[0] + 2], ensure_ascii=False) if depth else x[: left[0]])
        elif isinstance(x, (list, tuple)):
            put("[")
            for i, y in enumerate(x):
                if left[0] <= 0:
                    break
                if i:
                    put(", ")
                walk(y, depth + 1)
            put("]")
        elif isinstance(x, dict):
            put("{")
            for i, (k, y) in enumerate(x.items()):
                if left[0] <= 0:
                    break
                if i:
                    put(", ")
                walk(k, depth + 1)
                put(": ")
                walk(y, depth + 1)
            put("}")
        else:
            put(f"<{type(x).__name__}>")

    walk(raw, 0)
    text = "".join(out)
    return text if left[0] >= 0 else text + "…"


def _message(expected: str, e: ReadError, text: str) -> str:
    what = f"expected {WHAT[expected]}"
    if e.pos is not None and text:
        return f"{what}; stopped at {where(text, e.pos)} ({e.reason})"
    return f"{what}; {e.reason}"


def _prepare(text: str) -> tuple[Src, list[str]]:
    if len(text) > MAX_LENGTH:
        raise ReadError(f"the answer is longer than {MAX_LENGTH:,} characters")
    return strip_label(normalize(Src.of(text)))


def _read_number(raw: Any, text: str) -> Parsed:
    if isinstance(raw, bool):
        raise ReadError(f"{text} is not a number")
    if isinstance(raw, int):
        if raw.bit_length() > 3400:
            raise ReadError("a number with more than 1,000 digits is too large")
        return Parsed("int", raw, text)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ReadError(f"{raw} is not a finite number")
        if raw.is_integer() and abs(raw) < 1e300:
            return Parsed("int", int(raw), text)
        num = read_number(Src.of(repr(raw)))
        return Parsed(num.kind, num.value, text, notes=num.notes, sig=num.sig)
    if isinstance(raw, (list, tuple)):
        raise ReadError("a list where one number was expected")
    src, notes = _prepare(text)
    num: Num = read_number(src)
    return Parsed(num.kind, num.value, text, notes=notes + num.notes, sig=num.sig)


def _read_vector(raw: Any, text: str, symbols: frozenset[str], shape: bool) -> Parsed:
    from ._lists import raw_vector, read_vector
    if isinstance(raw, bool):
        raise ReadError(f"{text} is not a list")
    if isinstance(raw, (list, tuple)):
        values, notes, sig = raw_vector(list(raw), symbols)
    elif isinstance(raw, (int, float)):
        values, notes, sig = raw_vector([raw], symbols)
        notes.append("read a single value as a one-entry list")
    else:
        src, notes = _prepare(text)
        values, more, sig = read_vector(src, symbols)
        notes += more
    if not values:
        raise ReadError("the list is empty")
    if shape:
        values = [int(v) if isinstance(v, Fraction) and v.denominator == 1 else v for v in values]
        if not all(isinstance(v, int) for v in values):
            notes.append("a shape holds whole numbers")
    return Parsed("vector", values, text, notes=notes, sig=sig)


def _read_matrix(raw: Any, text: str, symbols: frozenset[str]) -> Parsed:
    from ._lists import raw_matrix, read_matrix
    if isinstance(raw, bool) or isinstance(raw, (int, float)):
        raise ReadError(f"{text} is not a matrix")
    if isinstance(raw, (list, tuple)):
        notes: list[str] = []
        rows, sig = raw_matrix(list(raw), symbols, notes)
    else:
        src, notes = _prepare(text)
        rows, more, sig = read_matrix(src, symbols)
        notes += more
    return Parsed("matrix", rows, text, notes=notes, sig=sig)


def _read_expr(raw: Any, text: str, symbols: frozenset[str]) -> Parsed:
    import sympy                                     # only symbolic parts pay for sympy
    from sympy.logic.boolalg import Boolean

    from ._expr import check_size, parse_expression
    if isinstance(raw, bool):
        raise ReadError(f"{text} is not an expression")
    if isinstance(raw, int):
        if raw.bit_length() > 3400:
            raise ReadError("a number with more than 1,000 digits is too large")
        return Parsed("expr", sympy.Integer(raw), text)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ReadError(f"{raw} is not a finite number")
        f = Fraction(repr(raw))
        return Parsed("expr", sympy.Rational(f.numerator, f.denominator), text)
    if isinstance(raw, (list, tuple)):
        raise ReadError("a list where one expression was expected")
    src, notes = _prepare(text)
    if not src.text:
        raise ReadError("no answer was given")
    value, more, names = parse_expression(src, symbols)
    if isinstance(value, Boolean) and not isinstance(value, sympy.Expr):
        raise ReadError("a condition where an expression was expected")
    check_size(value)
    notes += more
    if symbols:
        unknown = sorted({n for n, _ in names} - symbols)
        if unknown:
            notes.append(f"names not in the question: {', '.join(unknown)}")
    return Parsed("expr", value, text, notes=notes)


def _read_bool(raw: Any, text: str) -> Parsed:
    from ._bool import read_bool
    if isinstance(raw, bool):
        return Parsed("bool", raw, text)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw in (0, 1):
        return Parsed("bool", bool(raw), text, notes=[f"read {text} as {'true' if raw else 'false'}"])
    if not isinstance(raw, str):
        raise ReadError(f"{short(text)} is not true or false")
    if len(text) > MAX_LENGTH:
        raise ReadError(f"the answer is longer than {MAX_LENGTH:,} characters")
    value, notes = read_bool(text)
    return Parsed("bool", value, text, notes=notes)


def _text_of(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if raw is None:
        return ""
    return _show(raw)


_SALVAGED = ("int", "real", "shape", "vector", "matrix", "expr")


def parse_answer(raw: Any, expected: str, *, symbols: Iterable[str] = (), quantity: str | None = None) -> Parsed:
    """Read one answer as the ``expected`` type; when the whole text does not read, look for the value inside
    the words and working around it (:mod:`._salvage`): the result then carries a note on what was left out.
    ``quantity="ratio"`` also reads ratios and factors in words (``9:1``, ``8.53x``, ``减少了 8.5 倍``).

    >>> parse_answer("感受野为 7×7", "shape").value
    [7, 7]
    >>> parse_answer("9x fewer", "real", quantity="ratio").factor
    True
    """
    if expected == "shape" and isinstance(raw, str) and len(raw) <= 200:
        from ._salvage import shape_words          # 32 个 28×28 的特征图: before the grammar reads 32, 28×28 as a list
        said = shape_words(raw)
        got = _reread(raw.strip(), said, expected, symbols) if said is not None else None
        if got is not None:
            return got
    first = _parse_answer(raw, expected, symbols=symbols)
    if first.kind != "unparsable" or not isinstance(raw, str) or expected not in _SALVAGED:
        return first
    text = raw.strip()
    if len(text) > 2000 or re.search(r"more than|longer than|too large|too deep|larger than", first.message):
        return first
    from ._salvage import candidates, piecewise, ratio_form
    if expected == "expr":                       # expressions: only the piecewise form in words
        rewritten = piecewise(text)
        return (_reread(text, rewritten, expected, symbols) if rewritten is not None else None) or first
    ratio = quantity == "ratio" or expected == "real"
    form = ratio_form(text) if ratio else None
    if form is not None:
        got = _reread(text, form[0], expected, symbols, form[2])
        if got is not None:
            got.factor = form[1]
            return got
    for piece, left in candidates(text):
        note = f"read {short(piece)} and left out {short(left)}" if left else ""
        got = _reread(text, piece, expected, symbols, note)
        form = ratio_form(piece) if got is None and ratio else None
        if form is not None:
            got = _reread(text, form[0], expected, symbols, note)
            if got is not None:
                got.factor = form[1]
        if got is not None:
            return got
    return first


def _reread(text: str, said: str, expected: str, symbols: Iterable[str], note: str | None = None) -> Parsed | None:
    """``said`` — what was found in the student's ``text`` — read as ``expected``: the result keeps the student's
    text and, first among its notes, ``note`` (by default "read TEXT as SAID"); None when ``said`` does not read."""
    got = _parse_answer(said, expected, symbols=symbols)
    if got.kind == "unparsable":
        return None
    got.text = text
    note = f"read {short(text)} as {short(said)}" if note is None else note
    if note:
        got.notes.insert(0, note)
    return got


def _parse_answer(raw: Any, expected: str, *, symbols: Iterable[str] = ()) -> Parsed:
    """Read one answer as the ``expected`` type ("int", "real", "shape", "vector", "matrix", "bool", "expr" or
    "prose"); ``symbols`` are the names the question uses (they guide subscripts and implicit products).

    Never raises for any ``raw`` (a wrong ``expected`` is a programming error: ValueError) and never executes
    anything; what cannot be read comes back as ``kind="unparsable"`` with a message.

    >>> parse_answer("7,225,344 FLOPs", "int").value
    7225344
    >>> parse_answer("__import__('os').system('echo hi')", "expr").kind
    'unparsable'
    """
    if expected not in EXPECTED:
        raise ValueError(f"expected must be one of {', '.join(EXPECTED)}, not {expected!r}")
    text = ""
    try:
        syms = frozenset(str(s) for s in symbols) if symbols else frozenset()
        if isinstance(raw, dict):
            for key in ("expr", "value", "answer", "latex", "text"):
                if key in raw:
                    if isinstance(raw[key], dict):
                        text = _show(raw)
                        raise ReadError("a mapping inside a mapping is not an answer")
                    inner = _parse_answer(raw[key], expected, symbols=syms)
                    inner.notes.insert(0, f"read the '{key}' field")
                    return inner
            text = _show(raw)
            raise ReadError("a mapping (key: value) is not an answer")
        text = _text_of(raw)
        if isinstance(raw, str) and len(text) > MAX_PROSE_LENGTH:
            text = text[:MAX_LENGTH] + "…"
            raise ReadError(f"the answer is longer than {MAX_PROSE_LENGTH:,} characters")
        if raw is None or (isinstance(raw, str) and not text):
            raise ReadError("no answer was given")
        if expected == "prose":
            return Parsed("prose", text, text)
        if expected == "bool":
            return _read_bool(raw, text)
        if expected in ("int", "real"):
            return _read_number(raw, text)
        if expected in ("shape", "vector"):
            return _read_vector(raw, text, syms, expected == "shape")
        if expected == "matrix":
            return _read_matrix(raw, text, syms)
        return _read_expr(raw, text, syms)
    except ReadError as e:
        return Parsed("unparsable", None, text, message=_message(expected, e, text))
    except RecursionError:
        return Parsed("unparsable", None, text, message=f"expected {WHAT[expected]}; the answer is nested too deeply")
    except Exception as e:  # noqa: BLE001 — an answer must never crash the grader
        return Parsed("unparsable", None, text,
                      message=f"expected {WHAT[expected]}; could not read this answer ({type(e).__name__})")
