"""``resnet_gradients``: ‖∂L/∂W₁‖ of a plain vs a residual MLP across depths (24.10, hw-q9)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
nn = lazy("torch.nn")

from ...i18n import Join, Msg, Plain
from ...steps import Check, Step, Table
from .common import Experiment, ExperimentError, Param, _SEED, _ok, _same, fmt, seeded


def _resnet_run(p: dict[str, Any]) -> dict[str, Any]:
    act = torch.relu if p["activation"] == "relu" else torch.tanh
    width, batch, seed = p["width"], p["batch"], p["seed"]
    plain, residual, scaled = [], [], []
    for depth in p["depths"]:
        for kind, out in (("plain", plain), ("residual", residual), ("scaled", scaled)):
            with seeded(seed):
                layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))   # PyTorch's default init
                head = nn.Linear(width, 1)
                x, y = torch.randn(batch, width), torch.randn(batch, 1)
            h = x
            if kind != "plain":
                alpha = 1.0 if kind == "residual" else (depth / 2) ** -0.5
                for i in range(0, depth, 2):                       # x_b = x_{b-1} + α W_2b σ(W_2b-1 x_{b-1})
                    h = h + alpha * layers[i + 1](act(layers[i](h)))
            else:
                for layer in layers:                               # x_l = σ(W_l x_{l-1})
                    h = act(layer(h))
            loss = ((head(h) - y) ** 2).mean()
            loss.backward()
            out.append(float(layers[0].weight.grad.norm()))
    return {"depths": list(p["depths"]), "plain": plain, "residual": residual, "scaled": scaled}


def _resnet_validate(p: dict[str, Any]) -> None:
    if any(d % 2 for d in p["depths"]):
        raise ExperimentError("every depth must be even (a residual block holds two layers)", ("depths",))


def _resnet_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    setup = Step(Msg("xp.resnet.setup.title"),
                 text=Msg("xp.resnet.setup.text", width=p["width"], act=Plain(p["activation"]),
                          batch=p["batch"], seed=p["seed"]),
                 math=[r"\text{plain: } x_l = \sigma(W_l x_{l-1}), \quad l = 1, \ldots, D",
                       r"\text{residual: } x_b = x_{b-1} + \alpha W_{2b}\, \sigma(W_{2b-1} x_{b-1}), \quad b = 1, \ldots, D/2,"
                       r" \quad \alpha = 1 \text{ or } \alpha = (D/2)^{-1/2}",
                       r"L = \frac{1}{N} \sum_n (v^T x_{\text{out}} - y_n)^2"],
                 rule="explain.resnet.setup")
    chain = Step(Msg("xp.resnet.chain.title"), text=Msg("xp.resnet.chain.text"),
                 math=[r"\frac{\partial L}{\partial x_0} = \frac{\partial L}{\partial x_D} \prod_{l=D}^{1} "
                       r"\operatorname{diag}(\sigma'(W_l x_{l-1}))\, W_l \quad \text{(plain)}",
                       r"\frac{\partial L}{\partial x_0} = \frac{\partial L}{\partial x_{D/2}} \prod_{b=D/2}^{1} "
                       r"\left(I + \frac{\partial F_b}{\partial x_{b-1}}\right) \quad \text{(residual)}"],
                 rule="explain.resnet.chain")
    rows = [[str(depth), fmt(a), fmt(b), fmt(c)]
            for depth, a, b, c in zip(d["depths"], d["plain"], d["residual"], d["scaled"])]
    lo, hi = min(d["residual"]), max(d["residual"])
    slo, shi = min(d["scaled"]), max(d["scaled"])
    text: Any = Msg("xp.resnet.table.text", first=Plain(fmt(d["plain"][0])), last=Plain(fmt(d["plain"][-1])),
                    dmin=d["depths"][0], dmax=d["depths"][-1], lo=Plain(fmt(lo)), hi=Plain(fmt(hi)),
                    slo=Plain(fmt(slo)), shi=Plain(fmt(shi)))
    if 0.0 in d["plain"]:
        text = Join((text, Msg("xp.resnet.underflow")))
    table = Step(Msg("xp.resnet.table.title"), text=text,
                 table=Table([Msg("xp.col.depth"), Msg("xp.resnet.col.plain"), Msg("xp.resnet.col.residual"),
                              Msg("xp.resnet.col.scaled")], rows),
                 rule="explain.resnet.table")
    return [setup, chain, table]


def _resnet_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _resnet_run(p)
    plain, res, scaled = d["plain"], d["residual"], d["scaled"]
    decays = plain[-1] <= 1e-3 * plain[0] if len(plain) > 1 and d["depths"][-1] >= 16 else plain[-1] <= plain[0]
    kept = min(res) >= 0.1 * res[0]
    lo, hi = min(scaled), max(scaled)
    return [_ok("torch", part, _same(again, d), "xp.check.reproducible", seed=p["seed"]),
            _ok("torch", part, decays, "xp.resnet.check.plain", first=Plain(fmt(plain[0])), last=Plain(fmt(plain[-1]))),
            _ok("torch", part, kept, "xp.resnet.check.residual", low=Plain(fmt(min(res))), first=Plain(fmt(res[0]))),
            _ok("torch", part, lo > 0 and hi / lo <= 10, "xp.resnet.check.scaled", lo=Plain(fmt(lo)), hi=Plain(fmt(hi)))]


# ================================================================ textcnn


EXPERIMENT = Experiment("resnet_gradients",
           {"depths": Param("ints", [4, 8, 16, 32, 64], 2, 128), "width": Param("int", 32, 2, 256),
            "activation": Param("choice", "relu", choices=("relu", "tanh")), "batch": Param("int", 64, 1, 512),
            "seed": _SEED},
           _resnet_run, _resnet_steps, _resnet_checks, _resnet_validate)
