"""``weight_sharing``: convolution vs locally connected vs dense parameters; a tied locally connected layer
is a convolution (hw-q7)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")
nn = lazy("torch.nn")

from ... import latex as tex
from ...i18n import Count, Msg, Plain
from ...steps import Check, Step, Table
from ...values import shape_text
from .common import Experiment, ExperimentError, Param, _SEED, _analyse, _count, _need, _ok, _small, fmt, ratio, seeded


def _sharing_run(p: dict[str, Any]) -> dict[str, Any]:
    ci, co, h, w, k, pad = p["c_i"], p["c_o"], p["h"], p["w"], p["k"], p["padding"]
    try:
        conv = _analyse((ci, h, w), [{"type": "Conv2d", "out_channels": co, "kernel_size": k, "padding": pad}])
    except Exception as exc:
        raise ExperimentError(getattr(exc, "message", str(exc)), ("k",)) from None
    _, ho, wo = conv.output_shape()
    dense = _analyse((ci, h, w), [{"type": "Flatten"}, {"type": "Linear", "out_features": co * ho * wo}])
    positions = ho * wo
    local = positions * (co * ci * k * k + co)
    # a locally connected layer whose weights are all copies of one kernel is the convolution
    with seeded(p["seed"]):
        layer = nn.Conv2d(ci, co, k, padding=pad)
        x = torch.randn(1, ci, h, w)
    cols = F.unfold(x, k, padding=pad)                                  # [1, ci·k·k, positions]
    tied = layer.weight.reshape(co, -1).unsqueeze(0).expand(positions, co, ci * k * k)
    y_local = torch.einsum("pok,kp->op", tied, cols[0]) + layer.bias[:, None]
    y_conv = layer(x).reshape(co, positions)
    return {"out": [co, ho, wo], "conv": conv.layers[0].params, "local": local,
            "dense": dense.layers[1].params, "positions": positions,
            "tied_diff": float((y_local - y_conv).abs().max())}


def _sharing_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    ci, co, k = p["c_i"], p["c_o"], p["k"]
    rows = [[Msg("xp.share.conv"), Count(d['conv']), "1"],
            [Msg("xp.share.local"), Count(d['local']), ratio(d["local"] / d["conv"])],
            [Msg("xp.share.dense"), Count(d['dense']), ratio(d["dense"] / d["conv"])]]
    return [Step(Msg("xp.share.title"),
                 text=Msg("xp.share.text", ci=ci, h=p["h"], w=p["w"], co=co, k=k, out=Plain(shape_text(d["out"])),
                          diff=Plain(fmt(d["tied_diff"]))),
                 math=[rf"\text{{conv: }} c_o (c_i k^2 + 1) = {co} \cdot ({ci} \cdot {k * k} + 1) = {tex.num(d['conv'])}",
                       rf"\text{{locally connected: }} h_o w_o \cdot c_o (c_i k^2 + 1) = {tex.num(d['positions'])} \cdot "
                       rf"{tex.num(d['conv'])} = {tex.num(d['local'])}",
                       rf"\text{{dense: }} (c_i h w + 1) \cdot c_o h_o w_o = {tex.num(d['dense'])}"],
                 table=Table([Msg("xp.col.layer"), Msg("xp.col.params"), Msg("xp.col.ratio")], rows),
                 rule="explain.weight_sharing")]


def _sharing_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    """The shown counts against ``numel`` of PyTorch tensors — ``nn.Conv2d`` and ``nn.Linear`` built on the meta
    device, a locally connected layer's weights and biases (one kernel per window ``F.unfold`` forms) — and the
    shown difference against the tied locally connected layer computed another way (the windows cut with
    ``Tensor.unfold``, one explicit copy of the kernel per position) compared with ``nn.Conv2d``."""
    ci, co, h, w, k, pad = p["c_i"], p["c_o"], p["h"], p["w"], p["k"], p["padding"]
    positions = F.unfold(torch.zeros(0, ci, h, w), k, padding=pad).shape[-1]   # zero samples: shapes only
    with seeded(p["seed"]):                  # the run's layer and input
        layer = nn.Conv2d(ci, co, k, padding=pad)
        x = torch.randn(1, ci, h, w)
    with torch.no_grad():
        padded = x.new_zeros(ci, h + 2 * pad, w + 2 * pad)
        padded[:, pad:pad + h, pad:pad + w] = x[0]
        win = padded.unfold(1, k, 1).unfold(2, k, 1)                           # [ci, h_o, w_o, k, k]
        kernels = layer.weight.expand(win.shape[1], win.shape[2], co, ci, k, k).contiguous()   # one copy each
        y_local = torch.einsum("hwocij,chwij->ohw", kernels, win) + layer.bias[:, None, None]
        y_conv = layer(x)[0]
    diff = float((y_local - y_conv).abs().max())
    with torch.device("meta"):
        conv = nn.Conv2d(ci, co, k, padding=pad)
        dense = nn.Linear(ci * h * w, y_conv.numel())
        local = [torch.empty(positions, co, ci, k, k), torch.empty(positions, co)]     # per position: kernel, bias
    n_local = sum(t.numel() for t in local)
    ok = (_count(conv) == d["conv"] and _count(dense) == d["dense"] and n_local == d["local"]
          and positions == d["positions"] and d["out"] == list(y_conv.shape)
          and diff < 1e-4 and 0 <= d["tied_diff"] < 1e-4)
    return [_ok("torch", part, ok, "xp.share.check", diff=Plain(fmt(diff)), shown=Plain(fmt(d["tied_diff"])),
                conv=_count(conv), local=n_local, dense=_count(dense))]


# ================================================================ networks


def _sharing_validate(p: dict[str, Any]) -> None:
    _need(p["k"] <= min(p["h"], p["w"]) + 2 * p["padding"], "the kernel is larger than the padded input", ("k",))
    _small(p["h"] * p["w"] * p["c_o"] * p["c_i"] * p["k"] ** 2, ("h",))


EXPERIMENT = Experiment("weight_sharing",
           {"c_i": Param("int", 3, 1, 64), "c_o": Param("int", 16, 1, 256), "h": Param("int", 32, 1, 128),
            "w": Param("int", 32, 1, 128), "k": Param("int", 3, 1, 15), "padding": Param("int", 1, 0, 7),
            "seed": _SEED},
           _sharing_run, _sharing_steps, _sharing_checks, _sharing_validate)
