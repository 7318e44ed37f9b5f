"""``pool_as_conv``: average pooling = a depthwise convolution with weights 1/(p_h·p_w) (D2L 6.5 ex 1)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ... import latex as tex
from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from ...values import shape_text
from .common import Experiment, Param, _SEED, _latex_matrix, _need, _ok, _small, fmt, seeded


def _pool_as_conv_run(p: dict[str, Any]) -> dict[str, Any]:
    k, s = p["window"], p["stride"] or p["window"]
    c, n = p["channels"], p["size"]
    with seeded(p["seed"]):
        x = torch.randn(1, c, n, n, dtype=torch.float64)
    avg = F.avg_pool2d(x, k, stride=s, padding=p["padding"], count_include_pad=True)
    weight = torch.full((c, 1, k, k), 1.0 / (k * k), dtype=torch.float64)
    conv = F.conv2d(x, weight, stride=s, padding=p["padding"], groups=c)
    diff = float((avg - conv).abs().max())
    return {"out_shape": list(avg.shape[1:]), "conv_shape": list(conv.shape[1:]), "max_diff": diff,
            "allclose": bool(torch.allclose(avg, conv, rtol=1e-12, atol=1e-12)), "stride": s,
            "first": [[float(v) for v in row] for row in avg[0, 0, :2, :2]]}


def _pool_as_conv_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    k, c = p["window"], p["channels"]
    kernel = _latex_matrix([[tex.frac("1", str(k * k))] * k] * k)
    step = Step(Msg("xp.poolconv.title"),
                text=Msg("xp.poolconv.text", k=k, s=d["stride"], pad=p["padding"], c=c, n=p["size"], seed=p["seed"]),
                math=[r"\operatorname{avgpool}(X)_{c,i,j} = \frac{1}{k_h k_w} \sum_{m,n} x_{c,\, s(i-1)+m,\, s(j-1)+n}"
                      r" = (K * X_c)_{ij}, \quad K = " + kernel,
                      rf"\text{{Conv2d}}({c} \to {c},\ k={k},\ s={d['stride']},\ p={p['padding']},\ "
                      rf"\text{{groups}}={c},\ \text{{bias}}=\text{{False}})"],
                table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")],
                            [[Msg("xp.poolconv.avg_shape"), Plain(shape_text(d["out_shape"]))],
                             [Msg("xp.poolconv.conv_shape"), Plain(shape_text(d["conv_shape"]))],
                             [Msg("xp.col.maxdiff"), fmt(d["max_diff"])]]),
                rule="explain.pool_as_conv")
    return [step]


def _pool_as_conv_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    """The shown shapes, max |difference| and first outputs against torch.nn modules (``nn.AvgPool2d`` and a
    depthwise ``nn.Conv2d`` with weights 1/k²) on the same seeded input — not the functionals the run used."""
    k, s, pad, c, n = p["window"], p["stride"] or p["window"], p["padding"], p["channels"], p["size"]
    with seeded(p["seed"]):                   # the input again; the modules' own initialisation is overwritten
        x = torch.randn(1, c, n, n, dtype=torch.float64)
        pool = torch.nn.AvgPool2d(k, stride=s, padding=pad, count_include_pad=True)
        conv = torch.nn.Conv2d(c, c, k, stride=s, padding=pad, groups=c, bias=False, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.fill_(1.0 / (k * k))
        avg, dw = pool(x), conv(x)
    diff = float((avg - dw).abs().max())
    tol = 1e-12 * (1.0 + float(avg.abs().max()))
    first = avg[0, 0, :2, :2]
    ok = (d["stride"] == s and d["out_shape"] == list(avg.shape[1:]) and d["conv_shape"] == list(dw.shape[1:]) and diff <= tol
          and d["allclose"] is True and 0 <= d["max_diff"] <= tol
          and [len(row) for row in d["first"]] == [first.shape[1]] * first.shape[0]
          and bool(torch.allclose(torch.tensor(d["first"], dtype=torch.float64).reshape(first.shape), first,
                                  rtol=1e-12, atol=1e-12)))
    return [_ok("torch", part, ok, "xp.poolconv.check", diff=Plain(fmt(diff)), shown=Plain(fmt(d["max_diff"])),
                shape=Plain(shape_text(avg.shape[1:])))]


# ================================================================ pool_linearity


EXPERIMENT = Experiment("pool_as_conv",
           {"channels": Param("int", 3, 1, 64), "size": Param("int", 6, 1, 256), "window": Param("int", 2, 1, 16),
            "stride": Param("int", None, 1, 16), "padding": Param("int", 0, 0, 8), "seed": _SEED},
           _pool_as_conv_run, _pool_as_conv_steps, _pool_as_conv_checks,
           lambda p: (_need(2 * p["padding"] <= p["window"] and p["window"] <= p["size"] + 2 * p["padding"],
                            "the window must fit the padded input and padding be at most half the window",
                            ("padding",)), _small(p["channels"] * p["size"] ** 2, ("size",))))
