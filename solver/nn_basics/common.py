"""Helpers shared by the families: reading ``given`` values, numbers in LaTeX, small vector algebra.

Example:
    >>> matvec([[1, 2], [3, 4]], [1, -1])
    [-1, -1]
    >>> f(0.731058578630)
    '0.731059'
"""
from __future__ import annotations

import math
from typing import Any

from ..model import COMMON_OPTIONS, check_keys
from ..values import show_value


def f(x: Any) -> str:
    """A number as a solution writes it (6 significant figures), negative numbers in parentheses when asked."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return f"{x:,}".replace(",", "{,}")
    text = show_value(float(x)).replace(",", "{,}")
    if "e" in text:
        mant, _, exp = text.partition("e")
        text = rf"{mant} \times 10^{{{int(exp)}}}"
    return text


def fp(x: Any) -> str:
    """:func:`f` with parentheses around a negative number (for products)."""
    s = f(x)
    return f"({s})" if s.startswith("-") else s


def vec(v: list[float]) -> str:
    """A vector as a bracketed row ``[a, b]`` (LaTeX)."""
    return r"\left[" + ", ".join(f(x) for x in v) + r"\right]"


def mat(rows: list[list[float]]) -> str:
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(f(x) for x in row) for row in rows) + r" \end{bmatrix}"


def col(v: list[float]) -> str:
    """A column vector (LaTeX)."""
    return mat([[x] for x in v])


def matvec(W: list[list[float]], x: list[float]) -> list[float]:
    return [sum(w * v for w, v in zip(row, x)) for row in W]


def add(a: list[float], b: list[float]) -> list[float]:
    return [x + y for x, y in zip(a, b)]


def sigmoid(x: float) -> float:
    """σ(x) = 1/(1 + e^(−x)), computed without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def number(ex: Any, value: Any, path: tuple, *, positive: bool = False, integer: bool = False) -> Any:
    """A number of ``given`` (refused when it is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ex.error("must be a number", path)
    if integer and not isinstance(value, int):
        raise ex.error("must be an integer", path)
    if positive and value <= 0:
        raise ex.error("must be positive", path)
    return value


def vector(ex: Any, value: Any, path: tuple, n: int | None = None) -> list[float]:
    if not isinstance(value, list) or not value or len(value) > 64:
        raise ex.error("must be a list of 1 to 64 numbers", path)
    out = [float(number(ex, v, path + (i,))) for i, v in enumerate(value)]
    if n is not None and len(out) != n:
        raise ex.error(f"must have {n} entries", path)
    return out


def matrix(ex: Any, value: Any, path: tuple, rows: int | None = None, cols: int | None = None) -> list[list[float]]:
    if not isinstance(value, list) or not value or len(value) > 64:
        raise ex.error("must be a matrix (a list of rows)", path)
    out = [vector(ex, r, path + (i,)) for i, r in enumerate(value)]
    if len({len(r) for r in out}) != 1:
        raise ex.error("all rows must have the same length", path)
    if (rows is not None and len(out) != rows) or (cols is not None and len(out[0]) != cols):
        raise ex.error(f"must be {rows}×{cols}", path)
    return out


def check_given(ex: Any, allowed: tuple[str, ...]) -> None:
    check_keys(ex, ex.given, allowed, ("given",), has="given has " + ", ".join(allowed))


def check_parts(ex: Any, quantities: dict[str, tuple[str, ...]]) -> None:
    """Each part's quantity is known and its options are among the allowed ones."""
    for part in ex.ask:
        if part.quantity not in quantities:
            raise ex.error(f"unknown quantity '{part.quantity}'; known: {', '.join(quantities)}",
                           ("ask", part.index, "quantity"))
        for key in part.options:
            if key not in quantities[part.quantity] and key not in COMMON_OPTIONS:
                raise ex.error(f"unknown option '{key}' for quantity {part.quantity}; allowed: "
                               + (", ".join(quantities[part.quantity]) or "none"), ("ask", part.index, key))


def all_finite(value: Any) -> bool:
    """No inf/nan anywhere in an answer (nested lists of numbers).

    >>> all_finite([1.0, [2.0, 3]]), all_finite([1.0, float("inf")])
    (True, False)
    """
    if isinstance(value, list):
        return all(all_finite(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return math.isfinite(value)
    return True


def finite_answers(ex: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers, or one input error when a value overflowed (the numbers given are too large for the arithmetic)."""
    for part in ex.ask:
        if not all_finite(answers.get(part.id)):
            raise ex.error("the numbers given make a value overflow (inf or nan); give smaller numbers",
                           ("ask", part.index))
    return answers
