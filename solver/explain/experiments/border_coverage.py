"""``border_coverage``: how many windows cover each pixel, with and without padding (D2L 6.1 ex 3)."""
from __future__ import annotations

import math
from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ... import latex as tex
from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from .common import Experiment, ExperimentError, Param, _ok


def _coverage(n: int, k: int, pad: int) -> list[list[int]]:
    """Windows (stride 1) covering each input pixel, counted with torch: a transposed conv of ones."""
    m = n + 2 * pad - k + 1
    full = F.conv_transpose2d(torch.ones(1, 1, m, m, dtype=torch.float64), torch.ones(1, 1, k, k, dtype=torch.float64))
    inner = full[0, 0, pad:pad + n, pad:pad + n]
    return [[int(v) for v in row] for row in inner]


def _border_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k = p["size"], p["kernel"]
    rows = []
    for pad in p["paddings"]:
        if n + 2 * pad < k:
            raise ExperimentError("the kernel is larger than the padded input", ("paddings",))
        cov = _coverage(n, k, pad)
        rows.append({"padding": pad, "out": n + 2 * pad - k + 1, "coverage": cov, "corner": cov[0][0],
                     "centre": cov[n // 2][n // 2]})
    return {"rows": rows}


def _border_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    n, k = p["size"], p["kernel"]
    math = [rf"p = {r['padding']}: \quad {tex.matrix(r['coverage'])}" for r in d["rows"]]
    rows = [[str(r["padding"]), Plain(f"{n}×{n} → {r['out']}×{r['out']}"), str(r["corner"]), str(r["centre"])]
            for r in d["rows"]]
    return [Step(Msg("xp.border.title"), text=Msg("xp.border.text", n=n, k=k), math=math,
                 table=Table([Msg("xp.col.padding"), Msg("xp.col.shape"), Msg("xp.border.col.corner"),
                              Msg("xp.border.col.centre")], rows),
                 rule="explain.border_coverage")]


def _border_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    n, k = p["size"], p["kernel"]
    ok = True
    for r in d["rows"]:
        pad, m = r["padding"], r["out"]
        count = [[sum(1 for a in range(m) for b in range(m) if a - pad <= i < a - pad + k and b - pad <= j < b - pad + k)
                  for j in range(n)] for i in range(n)]
        ok = ok and count == r["coverage"]
    return [_ok("torch", part, ok, "xp.border.check")]


# ================================================================ shift_equivariance


EXPERIMENT = Experiment("border_coverage",
           {"size": Param("int", 6, 1, 16), "kernel": Param("int", 3, 1, 9),
            "paddings": Param("ints", [0, 1], 0, 8, max_len=4)},
           _border_run, _border_steps, _border_checks)
