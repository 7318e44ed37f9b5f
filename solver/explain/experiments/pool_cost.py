"""``pool_cost``: comparisons/additions of pooling vs a convolution (D2L 6.5 ex 3)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from .. import messages  # noqa: F401  (registers the wording)
from .common import Experiment, ExperimentError, Param, _analyse, _ok, _shape, ratio
from .conv_cost import _cfg_label


_POOL_CFG = {"label": Param("label"), "c": Param("int", 64, 1, 4096), "h": Param("int", 32, 1, 4096),
             "w": Param("int", 32, 1, 4096), "k": Param("pair", 2, 1, 64), "s": Param("pair", None, 1, 64),
             "p": Param("pair", 0, 0, 32)}


def _pool_cfg(c: dict[str, Any], kind: str) -> list[dict]:
    return [{"type": kind, "kernel_size": list(c["k"]), "stride": list(c["s"] or c["k"]), "padding": list(c["p"])}]


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
        with torch.device("meta"):
            x = torch.zeros((1, c["c"], c["h"], c["w"]))
        from torch.utils.flop_counter import FlopCounterMode
        with FlopCounterMode(display=False) as counter:
            F.max_pool2d(x, c["k"], c["s"] or c["k"], c["p"])
            F.avg_pool2d(x, c["k"], c["s"] or c["k"], c["p"])
        rows.append({"out": [ch, h_o, w_o], "outputs": ch * h_o * w_o, "window": window,
                     "max_cmp": ch * h_o * w_o * (window - 1), "avg_add": ch * h_o * w_o * (window - 1),
                     "avg_div": ch * h_o * w_o, "conv_macs": conv.macs, "counter": int(counter.get_total_flops())})
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
        rows.append([_cfg_label(i, c), Plain(f"{c['c']}×{c['h']}×{c['w']} → {_shape(r['out'])}"),
                     f"{r['max_cmp']:,}", f"{r['avg_add']:,} + {r['avg_div']:,}", f"{r['conv_macs']:,}",
                     ratio(r["conv_macs"] / max(1, r["max_cmp"]))])
    table = Step(Msg("xp.poolcost.table.title"),
                 text=Msg("xp.poolcost.table.text", counter=d["rows"][0]["counter"]),
                 table=Table([Msg("xp.col.config"), Msg("xp.col.shape"), Msg("xp.poolcost.col.max"),
                              Msg("xp.poolcost.col.avg"), Msg("xp.poolcost.col.conv"), Msg("xp.poolcost.col.ratio")], rows),
                 rule="explain.pool_cost.table")
    return [formula, table]


def _pool_cost_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    checks = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        x = torch.zeros((1, c["c"], c["h"], c["w"]), device="meta")             # shapes only, no memory
        cols = F.unfold(x, c["k"], padding=c["p"], stride=c["s"] or c["k"])       # one column per window
        y = F.max_pool2d(x, c["k"], c["s"] or c["k"], c["p"])
        windows = cols.shape[-1] * c["c"]
        ok = windows == r["outputs"] and list(y.shape[1:]) == r["out"] and cols.shape[1] == c["c"] * r["window"]
        checks.append(_ok("torch", part, ok, "xp.poolcost.check", label=_cfg_label(i, c), windows=windows,
                          window=r["window"]))
    return checks


# ================================================================ pool_gradients


EXPERIMENT = Experiment("pool_cost",
           {"configs": Param("configs", [{}], sub=_POOL_CFG)},
           _pool_cost_run, _pool_cost_steps, _pool_cost_checks, _pool_cost_validate)
