"""Answer values shown as text: the one language-neutral display of a JSON answer value, shared by the renderers
and by the messages that quote a value (:class:`solver.i18n.Value`). Pure formatting: no imports, no state, so
rules and verifiers give a message the value itself and never import a renderer.

Example:
    >>> show_value(3612672), show_value([32, 28, 28]), show_value(0.126736111)
    ('3,612,672', '[32, 28, 28]', '0.126736')
    >>> show_value(123456.5), show_value(True), show_value({"rows": [[1, 2], [3, 4]]})
    ('123,456.5', 'true', '[2×2 matrix]')
"""
from __future__ import annotations

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
