"""Answer values shown as text: the one language-neutral display of a JSON answer value, shared by the renderers
and by the messages that quote a value (:class:`solver.i18n.Value`), and the one text of a shape (``32×28×28``,
:func:`shape_text`), and the one conversion of a computed value into a JSON answer value (:func:`to_json`). Pure
formatting: no project imports, no state, so rules and verifiers give a message the value itself and never import
a renderer.

Example:
    >>> show_value(3612672), show_value([32, 28, 28]), show_value(0.126736111)
    ('3,612,672', '[32, 28, 28]', '0.126736')
    >>> show_value(123456.5), show_value(True), show_value({"rows": [[1, 2], [3, 4]]})
    ('123,456.5', 'true', '[2×2 matrix]')
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any


def show_value(value: Any) -> str:
    """A compact, language-neutral display of a JSON answer value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if 1e5 <= abs(value) < 1e15:
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{value:.6g}"
    if isinstance(value, list):
        # no thousands separators inside lists: "[1, 1,000]" would read as four numbers
        return "[" + ", ".join(str(v) if isinstance(v, int) and not isinstance(v, bool) else show_value(v)
                               for v in value) + "]"
    if isinstance(value, dict) and "rows" in value:
        rows = value["rows"]
        return f"[{len(rows)}×{len(rows[0]) if rows else 0} matrix]"
    if isinstance(value, dict) and "expr" in value:
        return str(value["expr"])
    return str(value)


def shape_text(shape: Any) -> str:
    """A shape — a tensor's, a kernel's or a window's sizes, one per dimension — as text, the sizes joined by ×;
    an empty shape is empty text (a caller that means "scalar" says so).

    >>> shape_text((32, 28, 28)), shape_text([3]), shape_text(()), shape_text("CHW")
    ('32×28×28', '3', '', 'C×H×W')
    """
    return "×".join(map(str, shape))


def to_json(value: Any, digits: int | None = None) -> Any:
    """A computed value as a JSON answer value: lists, tuples and tensors (anything with ``tolist()``, so torch is
    never imported here) as nested lists, an exact fraction as an int when whole and a float otherwise. Floats stay as
    they are — or, with ``digits`` (values computed in floating point, PyTorch's), whole ones become ints and the
    others keep ``digits`` significant digits.

    >>> from fractions import Fraction
    >>> to_json([Fraction(4, 2), Fraction(1, 4), 3]), to_json((2.0, 0.1 + 0.2), digits=7), to_json(2.0)
    ([2, 0.25, 3], [2, 0.3], 2.0)
    """
    if isinstance(value, (list, tuple)):
        return [to_json(v, digits) for v in value]
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, float):
        if digits is None:
            return value
        if value.is_integer() and abs(value) < 2 ** 53:
            return int(value)
        return float(f"{value:.{digits}g}")
    if hasattr(value, "tolist"):
        return to_json(value.tolist(), digits)
    return value
