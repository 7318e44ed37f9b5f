"""Small LaTeX builders used by rules to write the mathematics of a step.

Example:
    >>> num(3612672)
    '3{,}612{,}672'
    >>> product([28, 28, 32])
    '28 \\\\times 28 \\\\times 32'
"""
from __future__ import annotations

from typing import Any, Iterable


def _is_fraction(value: Any) -> bool:
    """Without importing ``fractions`` (a few milliseconds) unless a Fraction is around."""
    return type(value).__name__ == "Fraction" and hasattr(value, "denominator")


def num(value: Any) -> str:
    """An integer with thousands separators (``{,}`` keeps LaTeX from adding space); others as they are."""
    if isinstance(value, bool):
        return r"\text{" + str(value).lower() + "}"
    if isinstance(value, int):
        text = f"{abs(value):,}".replace(",", "{,}")
        return ("-" if value < 0 else "") + text
    if _is_fraction(value):
        if value.denominator == 1:
            return num(int(value))
        sign = "-" if value < 0 else ""
        return sign + frac(num(abs(value.numerator)), num(value.denominator))
    if isinstance(value, float):
        from .values import show_value
        return show_value(value).replace(",", "{,}")
    return str(value)


def product(factors: Iterable[Any], sep: str = r" \times ") -> str:
    """``a × b × c`` (factors formatted by :func:`num`; negative ones in parentheses)."""
    parts = []
    for f in factors:
        text = num(f) if not isinstance(f, str) else f
        if isinstance(f, int) and f < 0:
            text = f"({text})"
        parts.append(text)
    return sep.join(parts)


def frac(a: str, b: str) -> str:
    return r"\frac{" + a + "}{" + b + "}"


def floor(x: str) -> str:
    return r"\left\lfloor " + x + r" \right\rfloor"


def ceil(x: str) -> str:
    return r"\left\lceil " + x + r" \right\rceil"


def shape(values: Iterable[int]) -> str:
    """``28 × 28 × 32``-style shape."""
    return product(list(values))


def text(s: str) -> str:
    """Language-neutral words inside math (layer names): ``\\text{...}`` with braces escaped."""
    return r"\text{" + s.replace("\\", "").replace("{", "").replace("}", "") + "}"


def matrix(rows: Any, env: str = "bmatrix") -> str:
    """A matrix (or a vector, as one row) as ``\\begin{bmatrix} … \\end{bmatrix}``; entries by :func:`num`
    (sympy expressions by sympy's LaTeX printer)."""
    if rows and not isinstance(rows[0], list):
        rows = [rows]
    if rows and rows[0] and isinstance(rows[0][0], list):     # channels: one matrix per channel
        return r",\ ".join(matrix(m, env) for m in rows)
    body = r" \\ ".join(" & ".join(entry(e) for e in row) for row in rows)
    return r"\begin{" + env + "} " + body + r" \end{" + env + "}"


def entry(value: Any) -> str:
    """One matrix entry: numbers by :func:`num`, anything else (sympy) by its ``_latex`` if it has one."""
    if isinstance(value, (int, float)) or _is_fraction(value) or value is None:
        return num(value) if value is not None else r"-\infty"
    try:
        import sympy
        return sympy.latex(value)
    except Exception:  # pragma: no cover - not a sympy object
        return str(value)
