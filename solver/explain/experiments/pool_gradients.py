"""``pool_gradients``: where max and average pooling send the gradient (D2L 6.5 ex 4)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ... import latex as tex
from ...i18n import Msg
from ...steps import Check, Step, Table
from .common import Experiment, Param, _SEED, _latex_matrix, _need, _ok, _same, seeded


def _pool_gradients_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k = p["size"], p["window"]
    with seeded(p["seed"]):
        values = torch.randperm(n * n).double().reshape(1, 1, n, n)
    out: dict[str, Any] = {"X": [[int(v) for v in row] for row in values[0, 0]]}
    for name, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        x = values.clone().requires_grad_(True)
        pool(x, k).sum().backward()
        g = x.grad[0, 0]
        out[f"grad_{name}"] = [[float(v) for v in row] for row in g]
        out[f"nonzero_{name}"] = int((g != 0).sum())
        # nudge the smallest entry of every window (never the maximum): does the output move?
        nudged = values.clone()
        for i in range(0, n - k + 1, k):
            for j in range(0, n - k + 1, k):
                win = nudged[0, 0, i:i + k, j:j + k]
                m = int(win.argmin())
                nudged[0, 0, i + m // k, j + m % k] += 0.5
        out[f"changed_{name}"] = int((pool(nudged, k) != pool(values, k)).sum())
    out["windows"] = (n // k) ** 2
    return out


def _pool_gradients_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    k = p["window"]
    grad_avg = [[tex.frac("1", str(k * k)) if v else "0" for v in row] for row in d["grad_avg"]]
    grad_max = [[int(v) for v in row] for row in d["grad_max"]]
    rows = [[Msg("xp.pool.max"), f"{d['nonzero_max']} / {p['size'] ** 2}", f"{d['changed_max']} / {d['windows']}"],
            [Msg("xp.pool.avg"), f"{d['nonzero_avg']} / {p['size'] ** 2}", f"{d['changed_avg']} / {d['windows']}"]]
    return [Step(Msg("xp.poolgrad.title"), text=Msg("xp.poolgrad.text", n=p["size"], k=k),
                 math=[rf"X = {tex.matrix(d['X'])}",
                       r"\frac{\partial \sum \operatorname{maxpool}(X)}{\partial X} = " + tex.matrix(grad_max),
                       r"\frac{\partial \sum \operatorname{avgpool}(X)}{\partial X} = " + _latex_matrix(grad_avg)],
                 table=Table([Msg("xp.col.pooling"), Msg("xp.poolgrad.col.nonzero"), Msg("xp.poolgrad.col.changed")],
                             rows),
                 rule="explain.pool_gradients")]


def _pool_gradients_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _pool_gradients_run(p)
    k = p["window"]
    ok = (_same(again, d) and again["nonzero_max"] == again["windows"] and again["changed_max"] == 0
          and all(abs(v - 1 / (k * k)) < 1e-12 for row in again["grad_avg"] for v in row[: p["size"] // k * k]
                  ) and again["changed_avg"] == again["windows"])
    return [_ok("torch", part, ok, "xp.poolgrad.check", windows=again["windows"])]


# ================================================================ softmax_pool


EXPERIMENT = Experiment("pool_gradients",
           {"size": Param("int", 4, 2, 12), "window": Param("int", 2, 2, 6), "seed": _SEED},
           _pool_gradients_run, _pool_gradients_steps, _pool_gradients_checks,
           lambda p: _need(p["size"] % p["window"] == 0, "size must be a multiple of window", ("size",)))
