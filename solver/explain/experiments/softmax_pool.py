"""``softmax_pool``: softmax pooling moves from the mean (β = 0) to the max (β → ∞) (D2L 6.5 ex 6)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")

from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from .common import Experiment, Param, _ok, _same, fmt


def _softmax_pool_run(p: dict[str, Any]) -> dict[str, Any]:
    x = torch.tensor(p["values"], dtype=torch.float64)
    rows = []
    for beta in p["betas"]:
        w = torch.softmax(beta * x, dim=0)
        rows.append({"beta": beta, "weights": [float(v) for v in w], "pooled": float((w * x).sum())})
    return {"rows": rows, "mean": float(x.mean()), "max": float(x.max())}


def _softmax_pool_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = [[Plain(fmt(r["beta"])), Plain(", ".join(f"{w:.3f}" for w in r["weights"])), f"{r['pooled']:.4f}"]
            for r in d["rows"]]
    return [Step(Msg("xp.softpool.title"),
                 text=Msg("xp.softpool.text", values=Plain(", ".join(fmt(v) for v in p["values"])),
                          mean=Plain(fmt(d["mean"])), max=Plain(fmt(d["max"]))),
                 math=[r"\operatorname{softpool}_\beta(x) = \sum_i \frac{e^{\beta x_i}}{\sum_j e^{\beta x_j}} x_i, \quad "
                       r"\beta = 0: \text{mean}, \quad \beta \to \infty: \max"],
                 table=Table([Plain("β"), Msg("xp.softpool.col.weights"), Msg("xp.softpool.col.pooled")], rows),
                 rule="explain.softmax_pool")]


def _softmax_pool_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _softmax_pool_run(p)
    pooled = [r["pooled"] for r in sorted(again["rows"], key=lambda r: r["beta"])]
    betas = sorted(p["betas"])
    monotone = all(b >= a - 1e-12 for a, b in zip(pooled, pooled[1:]))
    spread = d["max"] - min(p["values"])
    ends = ((betas[0] != 0 or abs(pooled[0] - again["mean"]) < 1e-12)
            and (betas[-1] * max(spread, 1e-9) < 20 or again["max"] - pooled[-1] < 1e-3 * max(spread, 1e-9) + 1e-12))
    return [_ok("torch", part, monotone and ends and _same(again, d), "xp.softpool.check")]


# ================================================================ matmul_1x1


EXPERIMENT = Experiment("softmax_pool",
           {"values": Param("floats", [0.5, 1.0, 2.0, 4.0], -1e3, 1e3, max_len=16),
            "betas": Param("floats", [0, 0.5, 1, 2, 5, 20, 100], 0, 1e4, max_len=12)},
           _softmax_pool_run, _softmax_pool_steps, _softmax_pool_checks)
