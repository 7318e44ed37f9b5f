"""``init_compare``: zeros / constant / N(0, 1) / Xavier / He in a deep ReLU MLP (hw-q1)."""
from __future__ import annotations

import math
from typing import Any

from ...lazy import lazy

torch = lazy("torch")
nn = lazy("torch.nn")

from ...i18n import Msg
from ...steps import Check, Step, Table
from .common import Experiment, Param, _SEED, _ok, _same, fmt, seeded


INITS = ("zeros", "constant", "normal", "xavier", "he")


def _init_run(p: dict[str, Any]) -> dict[str, Any]:
    depth, width, batch = p["depth"], p["width"], p["batch"]
    rows = []
    for kind in p["inits"]:
        with seeded(p["seed"]):
            layers = [nn.Linear(width, width) for _ in range(depth)]
            for layer in layers:
                if kind == "zeros":
                    nn.init.zeros_(layer.weight)
                elif kind == "constant":
                    nn.init.constant_(layer.weight, 0.05)
                elif kind == "normal":
                    nn.init.normal_(layer.weight, 0.0, 1.0)
                elif kind == "xavier":
                    nn.init.xavier_normal_(layer.weight)
                else:
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
            head = nn.Linear(width, 1)
            x, y = torch.randn(batch, width), torch.randn(batch, 1)
        h = x
        for layer in layers:
            h = torch.relu(layer(h))
        ((head(h) - y) ** 2).mean().backward()
        g = layers[0].weight.grad
        rows.append({"init": kind, "std": float(h.std()), "grad": float(g.norm()),
                     "distinct": int(torch.unique(g, dim=0).shape[0])})
    return {"rows": rows}


def _init_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    n = p["width"]
    rows = [[Msg(f"xp.init.{r['init']}"), fmt(r["std"]), fmt(r["grad"]), str(r["distinct"])] for r in d["rows"]]
    return [Step(Msg("xp.init.title"),
                 text=Msg("xp.init.text", depth=p["depth"], width=n, batch=p["batch"], seed=p["seed"]),
                 math=[r"\operatorname{Var}(h_l) \approx \frac{n_{in} \operatorname{Var}(W)}{2} \operatorname{Var}(h_{l-1})"
                       r" \quad \text{(ReLU keeps half of the signal)}",
                       rf"\text{{Xavier: }} \operatorname{{Var}}(W) = \frac{{2}}{{n_{{in}} + n_{{out}}}} = "
                       rf"\frac{{2}}{{{2 * n}}} \Rightarrow \text{{factor }} \frac{{1}}{{2}} \text{{ per layer}}",
                       rf"\text{{He: }} \operatorname{{Var}}(W) = \frac{{2}}{{n_{{in}}}} = \frac{{2}}{{{n}}} \Rightarrow "
                       r"\text{factor } 1 \text{ per layer}"],
                 table=Table([Msg("xp.col.init"), Msg("xp.init.col.std"), Msg("xp.init.col.grad"),
                              Msg("xp.init.col.distinct")], rows),
                 rule="explain.init_compare")]


def _init_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _init_run(p)
    by = {r["init"]: r for r in again["rows"]}
    ok = _same(again, d)
    if "zeros" in by:
        ok = ok and by["zeros"]["grad"] == 0 and by["zeros"]["distinct"] == 1
    if "constant" in by:
        ok = ok and by["constant"]["distinct"] == 1
    if "he" in by and p["depth"] >= 6:
        ok = ok and 0.1 <= by["he"]["std"] <= 10
        if "xavier" in by:
            ok = ok and by["xavier"]["std"] < by["he"]["std"] / 4
        if "normal" in by and p["width"] >= 32:
            ok = ok and (not math.isfinite(by["normal"]["grad"]) or by["normal"]["grad"] > 1e3 * by["he"]["grad"])
    return [_ok("torch", part, ok, "xp.init.check")]


# ================================================================ weight_sharing


EXPERIMENT = Experiment("init_compare",
           {"depth": Param("int", 12, 1, 64), "width": Param("int", 128, 2, 1024), "batch": Param("int", 64, 2, 1024),
            "inits": Param("choices", list(INITS), choices=INITS, max_len=5), "seed": _SEED},
           _init_run, _init_steps, _init_checks)
