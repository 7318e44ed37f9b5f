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


def _windows(t: torch.Tensor, k: int) -> torch.Tensor:
    """The k×k windows (stride k) of ``t`` [N, 1, n, n] as [N, k·k, windows], by ``Tensor.unfold`` (not pooling)."""
    w = t[:, 0].unfold(1, k, k).unfold(2, k, k)             # [N, n_o, n_o, k, k]
    return w.flatten(3).flatten(1, 2).transpose(1, 2)


def _pool_linearity_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    """The shown failure counts and example against the same seeded trials pooled another way: the windows taken
    with ``Tensor.unfold``, their max and mean — not ``F.max_pool2d``/``F.avg_pool2d`` as in the run."""
    n, k, trials = p["size"], p["window"], p["trials"]
    with seeded(p["seed"]):
        xs = torch.randint(-3, 4, (trials, 1, n, n)).double()
        ys = torch.randint(-3, 4, (trials, 1, n, n)).double()
    wx, wy, ws = _windows(xs, k), _windows(ys, k), _windows(xs + ys, k)
    bad = (ws.amax(1) != wx.amax(1) + wy.amax(1)).any(1)
    max_bad = int(bad.sum())
    avg_bad = int(((ws.mean(1) - wx.mean(1) - wy.mean(1)).abs() > 1e-12).any(1).sum())
    ok = (d["trials"], d["max_failures"], d["avg_failures"]) == (trials, max_bad, avg_bad) and max_bad > 0 and avg_bad == 0
    e = d.get("example")
    ok = ok and e is not None
    if ok:       # the example shown: the first failing trial; maxpool(X + Y) and maxpool(X) + maxpool(Y) from it
        X, Y = (torch.tensor(e[key], dtype=torch.float64).reshape(1, 1, n, n) for key in ("X", "Y"))
        first = int(bad.nonzero()[0])
        ok = bool(torch.equal(X[0], xs[first]) and torch.equal(Y[0], ys[first]))
        side = n // k
        lhs = _windows(X + Y, k).amax(1).reshape(side, side)
        rhs = (_windows(X, k).amax(1) + _windows(Y, k).amax(1)).reshape(side, side)
        ok = ok and e["lhs"] == lhs.int().tolist() and e["rhs"] == rhs.int().tolist() and e["lhs"] != e["rhs"]
    return [_ok("torch", part, ok, "xp.poollin.check", max=max_bad, avg=avg_bad, trials=trials)]


# ================================================================ pool_cost


EXPERIMENT = Experiment("pool_linearity",
           {"size": Param("int", 4, 1, 32), "window": Param("int", 2, 1, 8), "trials": Param("int", 200, 1, 2000),
            "seed": _SEED},
           _pool_linearity_run, _pool_linearity_steps, _pool_linearity_checks,
           lambda p: _need(p["window"] <= p["size"], "window must not exceed size", ("window",)))
