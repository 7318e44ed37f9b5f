"""``pool_cost``: comparisons/additions of pooling vs a convolution (D2L 6.5 ex 3)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ...i18n import Count, Msg, Plain
from ...steps import Check, Step, Table
from ...values import shape_text
from .common import Experiment, ExperimentError, Param, _analyse, _ok, ratio
from .conv_cost import _cfg_label


_POOL_CFG = {"label": Param("label"), "c": Param("int", 64, 1, 4096), "h": Param("int", 32, 1, 4096),
             "w": Param("int", 32, 1, 4096), "k": Param("pair", 2, 1, 64), "s": Param("pair", None, 1, 64),
             "p": Param("pair", 0, 0, 32)}


def _pool_cfg(c: dict[str, Any], kind: str) -> list[dict]:
    return [{"type": kind, "kernel_size": list(c["k"]), "stride": list(c["s"] or c["k"]), "padding": list(c["p"])}]


def _pool_counter_flops(c: dict[str, Any]) -> int:
    """What ``FlopCounterMode`` counts for ``F.max_pool2d`` and ``F.avg_pool2d`` on one sample, without it (it
    imports ``torch._dynamo``, about 0.8 s): the pooling calls run under ``solver.network.torch_count.FlopCount``
    (FlopCounterMode's formulas for the calls it sees), plus, for each ATen pooling operator, the formula
    ``torch.utils.flop_counter.flop_registry`` — FlopCounterMode's own table — holds for it, applied to the call's
    arguments and result. Today the table has none, so the count is 0."""
    from torch.utils import flop_counter
    from ...network.torch_count import FlopCount, empty_input
    aten = torch.ops.aten
    x = empty_input((c["c"], c["h"], c["w"]))          # zero samples: shapes checked, nothing computed
    window = (list(c["k"]), list(c["s"] or c["k"]), list(c["p"]))
    with FlopCount() as counted:
        y_max = F.max_pool2d(x, *window)
        y_avg = F.avg_pool2d(x, *window)
    total = counted.flops
    one = lambda t: [1] + list(t.shape[1:])  # noqa: E731  (per sample)
    for ops, y in (((aten.max_pool2d, aten.max_pool2d_with_indices), y_max), ((aten.avg_pool2d,), y_avg)):
        for op in ops:
            formula = flop_counter.flop_registry.get(op)
            if formula is not None:
                total += int(formula(one(x), *window, out_val=one(y)))
    return total


def _pool_cost_run(p: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for c in p["configs"]:
        try:
            pool = _analyse((c["c"], c["h"], c["w"]), _pool_cfg(c, "MaxPool2d")).layers[0]
            conv = _analyse((c["c"], c["h"], c["w"]), [{"type": "Conv2d", "out_channels": c["c"],
                                                        "kernel_size": list(c["k"]), "stride": list(c["s"] or c["k"]),
                                                        "padding": list(c["p"])}]).layers[0]
        except Exception as exc:
            raise ExperimentError(getattr(exc, "message", str(exc)), ("configs",)) from None
        ch, h_o, w_o = pool.out_shape
        window = c["k"][0] * c["k"][1]
        counter = _pool_counter_flops(c)
        rows.append({"out": [ch, h_o, w_o], "outputs": ch * h_o * w_o, "window": window,
                     "max_cmp": ch * h_o * w_o * (window - 1), "avg_add": ch * h_o * w_o * (window - 1),
                     "avg_div": ch * h_o * w_o, "conv_macs": conv.macs, "counter": counter})
    return {"rows": rows}


def _pool_cost_validate(p: dict[str, Any]) -> None:
    """Bad geometry is refused when the file is read (also under --no-verify, where the experiment does not run)."""
    for c in p["configs"]:
        try:
            _analyse((c["c"], c["h"], c["w"]), _pool_cfg(c, "MaxPool2d"))
        except Exception as exc:
            raise ExperimentError(getattr(exc, "message", str(exc)), ("configs",)) from None


def _pool_cost_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    formula = Step(Msg("xp.poolcost.formula.title"), text=Msg("xp.poolcost.formula.text"),
                   math=[r"\text{max: } c \cdot h_o \cdot w_o \cdot (k_h k_w - 1) \text{ comparisons}",
                         r"\text{average: } c \cdot h_o \cdot w_o \cdot (k_h k_w - 1) \text{ additions} + c \cdot h_o"
                         r" \cdot w_o \text{ divisions}",
                         r"\text{conv } c \to c \text{ with the same window: } c \cdot c \cdot k_h k_w \cdot h_o w_o"
                         r" \text{ MACs}"], rule="explain.pool_cost.formula")
    rows = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        rows.append([_cfg_label(i, c), Plain(f"{c['c']}×{c['h']}×{c['w']} → {shape_text(r['out'])}"),
                     Count(r['max_cmp']), Plain(f"{r['avg_add']:,} + {r['avg_div']:,}"), Count(r['conv_macs']),
                     ratio(r["conv_macs"] / max(1, r["max_cmp"]))])
    table = Step(Msg("xp.poolcost.table.title"),
                 text=Msg("xp.poolcost.table.text", counter=d["rows"][0]["counter"]),
                 table=Table([Msg("xp.col.config"), Msg("xp.col.shape"), Msg("xp.poolcost.col.max"),
                              Msg("xp.poolcost.col.avg"), Msg("xp.poolcost.col.conv"), Msg("xp.poolcost.col.ratio")], rows),
                 rule="explain.pool_cost.table")
    return [formula, table]


def _pool_cost_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    """Each row's shown counts against PyTorch: the pooling columns from the windows ``F.unfold`` forms (their
    number and size), the convolution's MACs from ``torch.utils.flop_counter``'s convolution formula on the weight
    ``nn.Conv2d`` builds and those windows — not the network solver's output size and formulas the run used."""
    from torch.utils import flop_counter
    from ...network.torch_count import build, empty_input
    checks = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        s = c["s"] or c["k"]
        x = empty_input((c["c"], c["h"], c["w"]))     # zero samples: shapes only, no memory (on the meta
        # device F.unfold's decomposition would import torch._dynamo)
        cols = F.unfold(x, c["k"], padding=c["p"], stride=s)                      # one column per window
        y = F.max_pool2d(x, c["k"], s, c["p"])
        windows, entries = cols.shape[-1] * c["c"], cols.shape[1] // c["c"]
        ok = (windows == r["outputs"] and list(y.shape[1:]) == r["out"] and entries == r["window"]
              and r["max_cmp"] == r["avg_add"] == windows * (entries - 1) and r["avg_div"] == windows)
        checks.append(_ok("torch", part, ok, "xp.poolcost.check", label=_cfg_label(i, c), windows=windows,
                          window=entries, cmp=windows * (entries - 1)))
        # the convolution's MACs: its weight as nn.Conv2d shapes it (built without memory) and one output per
        # window, in FlopCounterMode's formula for a convolution (a forward pass, even on zero samples, would
        # materialise c·c·k_h·k_w weights)
        conv = build(lambda: torch.nn.Conv2d(c["c"], c["c"], c["k"], stride=s, padding=c["p"], bias=False))
        macs = flop_counter.conv_flop_count([1, c["c"], c["h"], c["w"]], list(conv.weight.shape),
                                            [1, c["c"], cols.shape[-1]], False) // 2
        checks.append(_ok("torch", part, macs == r["conv_macs"], "xp.poolcost.check.conv", label=_cfg_label(i, c),
                          macs=macs))
    return checks


# ================================================================ pool_gradients


EXPERIMENT = Experiment("pool_cost",
           {"configs": Param("configs", [{}], sub=_POOL_CFG)},
           _pool_cost_run, _pool_cost_steps, _pool_cost_checks, _pool_cost_validate)
