"""Compare a computed answer with what the source printed (``source_answer``).

A printed value is either the value itself, or a mapping that says how it was printed:
``{value: 7.23e6, sig: 3}`` (rounded to 3 significant figures), ``{value: 0.127, rel: 0.005}``
(relative tolerance), ``{value: [28, 28, 32], layout: HWC}`` (a shape written H×W×C).

Example:
    >>> compare_printed([32, 28, 28], {"value": [28, 28, 32], "layout": "HWC"}, "shape").ok
    True
    >>> compare_printed(7225344, {"value": 7.23e6, "sig": 3}, "flops").ok
    True
"""
from __future__ import annotations

import math
from typing import Any

from . import messages  # noqa: F401
from .i18n import Msg, Plain
from .render.common import show_value as _show
from .steps import Check


def _to_layout(chw: list[Any], layout: str) -> list[Any]:
    """Reorder a channels-first shape into ``layout`` (HWC, WHC, CHW, LC, CL)."""
    layout = layout.upper()
    names = "C" + ("HW" if len(chw) == 3 else "L" if len(chw) == 2 else "")
    index = {n: i for i, n in enumerate(names)}
    return [chw[index[ch]] for ch in layout]


def _close(a: Any, b: Any, rel: float, abs_tol: float) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel, abs_tol) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)
    return a == b


def _is_matrix(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(r, list) and r and not isinstance(r[0], list) for r in v)


def _shape(m: list[list[Any]]) -> tuple[int, ...]:
    return (len(m),) + tuple(len(r) for r in m)


def compare_printed(value: Any, printed: Any, part: str) -> Check:
    """A ``by: source`` check of one part."""
    spec = printed if isinstance(printed, dict) and "value" in printed else {"value": printed}
    target = spec["value"]
    ours = value
    if "layout" in spec and isinstance(value, list):
        ours = _to_layout(value, str(spec["layout"]))
    rel, abs_tol = float(spec.get("rel", 1e-9)), float(spec.get("abs", 0.0))
    if "sig" in spec and isinstance(target, (int, float)) and target != 0:
        abs_tol = 0.5 * 10 ** (math.floor(math.log10(abs(target))) - int(spec["sig"]) + 1)
        rel = 0.0
    ok = _close(ours, target, rel, abs_tol)
    if "layout" in spec:
        shown = Plain("×".join(map(str, target)))
    elif "sig" in spec and isinstance(target, float):
        shown = Plain(f"{target:.{int(spec['sig'])}g}".replace("e+0", "e").replace("e+", "e"))
    else:
        shown = Plain(_show(target))
    if not ok and _is_matrix(ours) and _is_matrix(target) and _shape(ours) == _shape(target):
        i, j = next((i, j) for i, row in enumerate(ours) for j, v in enumerate(row)
                    if not _close(v, target[i][j], rel, abs_tol))
        wrong = sum(1 for r, row in enumerate(ours) for c, v in enumerate(row) if not _close(v, target[r][c], rel, abs_tol))
        detail = Msg("src.wrong_entry", n=wrong, i=i + 1, j=j + 1, printed=Plain(_show(target[i][j])),
                     value=Plain(_show(ours[i][j])))
    elif not ok:
        detail = Msg("src.wrong", printed=shown, value=Plain(_show(ours if "layout" in spec else value)))
    elif "layout" in spec:
        detail = Msg("src.agree_layout", printed=shown, layout=Plain("×".join(str(spec["layout"]).upper())))
    elif "sig" in spec:
        detail = Msg("src.agree_approx", printed=shown, sig=int(spec["sig"]))
    else:
        detail = Msg("src.agree", printed=shown)
    return Check("source", part, ok, detail)


def source_checks(answers: dict[str, Any], printed: dict[str, Any]) -> list[Check]:
    """One check per printed part."""
    return [compare_printed(answers[pid], value, pid) for pid, value in printed.items() if pid in answers]
