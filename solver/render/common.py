"""What every renderer shares: numbering the step tree and showing answer values.

Example:
    >>> show_value(3612672), show_value([32, 28, 28]), show_value(0.126736111)
    ('3,612,672', '[32, 28, 28]', '0.126736')
"""
from __future__ import annotations

from typing import Any, Iterator

from ..steps import Step


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


def walk(steps: list[Step], prefix: str = "") -> Iterator[tuple[str, int, Step]]:
    """(number such as ``3.2``, depth, step) in reading order."""
    for i, step in enumerate(steps, start=1):
        number = f"{prefix}{i}"
        yield number, number.count("."), step
        yield from walk(step.children, number + ".")


def heading(solution: Any, lang: str) -> str:
    ex = solution.exercise
    title = ex.title.render(lang)
    ident = ex.id
    if getattr(ex, "seed", None) is not None:
        ident += (f"（变式 {ex.seed}）" if lang == "zh" else f" (variant {ex.seed})")
    return f"{ident} · {title}" if title else ident
