"""``im2col``: any convolution as one matrix product of unfolded windows (D2L 6.4 ex 6)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from ...values import shape_text
from .common import Experiment, ExperimentError, Param, _SEED, _need, _ok, _small, fmt, seeded


def _im2col_run(p: dict[str, Any]) -> dict[str, Any]:
    ci, co, h, w, k, s, pad = p["c_i"], p["c_o"], p["h"], p["w"], p["k"], p["stride"], p["padding"]
    if (h + 2 * pad - k) < 0 or (w + 2 * pad - k) < 0:
        raise ExperimentError("the kernel is larger than the padded input", ("k",))
    with seeded(p["seed"]):
        x = torch.randn(1, ci, h, w, dtype=torch.float64)
        weight = torch.randn(co, ci, k, k, dtype=torch.float64)
    cols = F.unfold(x, k, padding=pad, stride=s)                       # [1, ci·k·k, h_o·w_o]
    conv = F.conv2d(x, weight, stride=s, padding=pad)
    ho, wo = conv.shape[-2:]
    y = (weight.reshape(co, -1) @ cols[0]).reshape(1, co, ho, wo)
    return {"cols": list(cols.shape[1:]), "weights": [co, ci * k * k], "out": [co, int(ho), int(wo)],
            "max_diff": float((y - conv).abs().max()), "allclose": bool(torch.allclose(y, conv, rtol=1e-12, atol=1e-12)),
            "blowup": cols[0].numel() / x.numel()}


def _im2col_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = [[Msg("xp.im2col.weights"), Plain(shape_text(d["weights"]))],
            [Msg("xp.im2col.cols"), Plain(shape_text(d["cols"]))],
            [Msg("xp.im2col.product"), Plain(f"{d['weights'][0]}×{d['cols'][1]} → {shape_text(d['out'])}")],
            [Msg("xp.col.maxdiff"), fmt(d["max_diff"])],
            [Msg("xp.im2col.blowup"), fmt(d["blowup"])]]
    return [Step(Msg("xp.im2col.title"),
                 text=Msg("xp.im2col.text", ci=p["c_i"], co=p["c_o"], h=p["h"], w=p["w"], k=p["k"], s=p["stride"],
                          pad=p["padding"]),
                 math=[r"Y_{c_o \times (h_o w_o)} = W_{c_o \times (c_i k_h k_w)} \cdot "
                       r"\operatorname{im2col}(X)_{(c_i k_h k_w) \times (h_o w_o)}"],
                 table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")], rows),
                 rule="explain.im2col")]


def _im2col_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    """The shown shapes, blow-up and max |difference| against another route on the same seeded data: the windows
    cut with ``Tensor.unfold`` from the zero-padded input, times the weights, against ``nn.Conv2d`` — not
    ``F.unfold`` and ``F.conv2d`` as in the run."""
    ci, co, h, w, k, s, pad = p["c_i"], p["c_o"], p["h"], p["w"], p["k"], p["stride"], p["padding"]
    with seeded(p["seed"]):
        x = torch.randn(1, ci, h, w, dtype=torch.float64)
        weight = torch.randn(co, ci, k, k, dtype=torch.float64)
        conv = torch.nn.Conv2d(ci, co, k, stride=s, padding=pad, bias=False, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(weight)
        y = conv(x)[0]
    padded = x.new_zeros(ci, h + 2 * pad, w + 2 * pad)
    padded[:, pad:pad + h, pad:pad + w] = x[0]
    win = padded.unfold(1, k, s).unfold(2, k, s)                          # [ci, h_o, w_o, k, k]
    ho, wo = win.shape[1:3]
    cols = win.permute(0, 3, 4, 1, 2).reshape(ci * k * k, ho * wo)        # rows in (channel, row, column) order
    product = (weight.reshape(co, -1) @ cols).reshape(co, ho, wo)
    diff = float((product - y).abs().max()) if product.shape == y.shape else float("inf")
    tol = 1e-12 * (1.0 + float(y.abs().max()))
    ok = (d["cols"] == list(cols.shape) and d["weights"] == [co, ci * k * k] and d["out"] == list(y.shape)
          and d["blowup"] == cols.numel() / x.numel() and diff <= tol and d["allclose"] is True
          and 0 <= d["max_diff"] <= tol)
    return [_ok("torch", part, ok, "xp.im2col.check", diff=Plain(fmt(diff)), shown=Plain(fmt(d["max_diff"])),
                cols=Plain(shape_text(cols.shape)), out=Plain(shape_text(y.shape)))]


# ================================================================ border_coverage


def _im2col_validate(p: dict[str, Any]) -> None:
    _need(p["k"] <= min(p["h"], p["w"]) + 2 * p["padding"], "the kernel is larger than the padded input", ("k",))
    _small(p["c_i"] * p["k"] ** 2 * (p["h"] + 2 * p["padding"]) * (p["w"] + 2 * p["padding"]), ("h",))


EXPERIMENT = Experiment("im2col",
           {"c_i": Param("int", 3, 1, 64), "c_o": Param("int", 4, 1, 64), "h": Param("int", 6, 1, 128),
            "w": Param("int", 6, 1, 128), "k": Param("int", 3, 1, 16), "stride": Param("int", 1, 1, 8),
            "padding": Param("int", 0, 0, 8), "seed": _SEED},
           _im2col_run, _im2col_steps, _im2col_checks, _im2col_validate)
