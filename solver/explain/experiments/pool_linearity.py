"""``pool_linearity``: max pooling is not additive, average pooling is (D2L 6.5 ex 2)."""
from __future__ import annotations

import math
from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ... import latex as tex
from ...i18n import Msg
from ...steps import Check, Step, Table
from .common import Experiment, Param, _SEED, _need, _ok, seeded


def _pool_linearity_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k, trials = p["size"], p["window"], p["trials"]
    with seeded(p["seed"]):
        xs = torch.randint(-3, 4, (trials, 1, n, n)).double()
        ys = torch.randint(-3, 4, (trials, 1, n, n)).double()
    out: dict[str, Any] = {"trials": trials}
    for name, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        lhs, rhs = pool(xs + ys, k), pool(xs, k) + pool(ys, k)
        bad = ~torch.isclose(lhs, rhs, rtol=0, atol=1e-12).flatten(1).all(1)
        out[f"{name}_failures"] = int(bad.sum())
        if name == "max" and bad.any():
            i = int(bad.nonzero()[0])
            out["example"] = {key: [[int(v) for v in row] for row in t[i, 0]]
                              for key, t in (("X", xs), ("Y", ys), ("lhs", lhs), ("rhs", rhs))}
    return out


def _pool_linearity_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    math = [r"\operatorname{conv}(X + Y) = \operatorname{conv}(X) + \operatorname{conv}(Y), \quad "
            r"\operatorname{conv}(a X) = a \operatorname{conv}(X)"]
    if "example" in d:
        e = d["example"]
        math += [rf"X = {tex.matrix(e['X'])}, \quad Y = {tex.matrix(e['Y'])}",
                 rf"\operatorname{{maxpool}}(X + Y) = {tex.matrix(e['lhs'])} \ne {tex.matrix(e['rhs'])} = "
                 r"\operatorname{maxpool}(X) + \operatorname{maxpool}(Y)"]
    rows = [[Msg("xp.pool.max"), f"{d['max_failures']:,} / {d['trials']:,}"],
            [Msg("xp.pool.avg"), f"{d['avg_failures']:,} / {d['trials']:,}"]]
    return [Step(Msg("xp.poollin.title"), text=Msg("xp.poollin.text", n=p["size"], k=p["window"], trials=d["trials"]),
                 math=math, table=Table([Msg("xp.col.pooling"), Msg("xp.poollin.col.failures")], rows),
                 rule="explain.pool_linearity")]


def _pool_linearity_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _pool_linearity_run(p)
    return [_ok("torch", part, again["max_failures"] > 0 and again["avg_failures"] == 0, "xp.poollin.check",
                max=again["max_failures"], avg=again["avg_failures"], trials=again["trials"])]


# ================================================================ pool_cost


EXPERIMENT = Experiment("pool_linearity",
           {"size": Param("int", 4, 1, 32), "window": Param("int", 2, 1, 8), "trials": Param("int", 200, 1, 2000),
            "seed": _SEED},
           _pool_linearity_run, _pool_linearity_steps, _pool_linearity_checks,
           lambda p: _need(p["window"] <= p["size"], "window must not exceed size", ("window",)))
