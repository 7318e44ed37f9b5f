"""``conv_cost``: MACs of a convolution by formula, by the network solver and by FlopCounterMode's per-op formulas;
ratios between configurations; backward = 2 × forward (D2L 6.3/6.4)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
nn = lazy("torch.nn")

from ... import latex as tex
from ...i18n import Count, Msg, Plain
from ...steps import Check, Step, Table
from .common import Experiment, ExperimentError, Param, _analyse, _ok, ratio


_CONV_CFG = {"label": Param("label"), "c_i": Param("int", 16, 1, 4096), "c_o": Param("int", 32, 1, 4096),
             "h": Param("int", 32, 1, 4096), "w": Param("int", 32, 1, 4096), "k": Param("pair", 3, 1, 64),
             "p": Param("pair", 0, 0, 64), "s": Param("pair", 1, 1, 64)}


def _conv_cfg(c: dict[str, Any]) -> list[dict]:
    return [{"type": "Conv2d", "out_channels": c["c_o"], "kernel_size": list(c["k"]), "stride": list(c["s"]),
             "padding": list(c["p"])}]


def _conv_flops(c: dict[str, Any], backward: bool) -> tuple[int, int]:
    """(forward MACs, backward MACs) per sample, counted by PyTorch's own per-op formulas without
    ``FlopCounterMode`` (which imports ``torch._dynamo``, about 0.8 s): ``nn.Conv2d`` built by ``torch.nn`` without
    memory, run on a batch of zero samples under ``solver.network.torch_count.FlopCount`` (``conv_flop_count`` on
    the shapes PyTorch passes); the backward is ``flop_counter.conv_backward_flop`` — the formula FlopCounterMode
    applies to ``aten.convolution_backward`` — on the arguments autograd saved for that call (the
    ``ConvolutionBackward0`` node: stride, padding, dilation, groups, the input and weight shapes) and the outputs
    autograd asks of it (an input of ``next_functions`` that needs no gradient gets none)."""
    from torch.utils import flop_counter
    from ...network.torch_count import FlopCount, build, empty_input
    conv = build(lambda: nn.Conv2d(c["c_i"], c["c_o"], c["k"], stride=c["s"], padding=c["p"]))
    x = empty_input((c["c_i"], c["h"], c["w"]))
    x.requires_grad_(backward)
    with FlopCount() as fwd:
        y = conv(x)
    back = 0
    if backward:
        node = y.grad_fn
        if node is None or node.name() != "ConvolutionBackward0":
            raise ExperimentError(f"unexpected backward node {node}", ("configs",))
        one = lambda shape: [1] + list(shape[1:])  # noqa: E731  (per sample, as the forward count)
        x_shape, w_shape = one(node._saved_input.shape), list(node._saved_weight.shape)
        mask = [f is not None for f, _ in node.next_functions]
        back = flop_counter.conv_backward_flop(
            one(y.shape), x_shape, w_shape, None, node._saved_stride, node._saved_padding, node._saved_dilation,
            node._saved_transposed, node._saved_output_padding, node._saved_groups, mask,
            out_val=(x_shape, w_shape, [w_shape[0]])) // 2
    return fwd.flops // 2, int(back)


def _conv_cost_run(p: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for c in p["configs"]:
        try:
            an = _analyse((c["c_i"], c["h"], c["w"]), _conv_cfg(c))
        except Exception as exc:                           # the network solver's InputError: bad geometry
            raise ExperimentError(getattr(exc, "message", str(exc)), ("configs",)) from None
        la = an.layers[0]
        c_o, h_o, w_o = la.out_shape
        kh, kw = c["k"]
        macs = c["c_i"] * c["c_o"] * kh * kw * h_o * w_o          # the formula, written out
        fwd, back = _conv_flops(c, "backward" in p["show"])
        rows.append({"h_o": h_o, "w_o": w_o, "macs": macs, "macs_solver": la.macs, "macs_counter": fwd,
                     "macs_backward": back, "params": la.params, "in_elems": c["c_i"] * c["h"] * c["w"],
                     "out_elems": c_o * h_o * w_o, "weights": la.params})
    return {"rows": rows}


def _conv_cost_validate(p: dict[str, Any]) -> None:
    """Bad geometry is refused when the file is read (also under --no-verify, where the experiment does not run)."""
    for c in p["configs"]:
        try:
            _analyse((c["c_i"], c["h"], c["w"]), _conv_cfg(c))
        except Exception as exc:
            raise ExperimentError(getattr(exc, "message", str(exc)), ("configs",)) from None


def _cfg_label(i: int, c: dict[str, Any]) -> Any:
    return c.get("label") or Plain(f"#{i + 1}")


def _conv_cost_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    steps = []
    if "macs" in p["show"]:
        steps.append(Step(Msg("xp.cost.formula.title"), text=Msg("xp.cost.formula.text"),
                          math=[r"h_o = \left\lfloor \frac{h + 2 p_h - k_h}{s_h} \right\rfloor + 1, \quad "
                                r"w_o = \left\lfloor \frac{w + 2 p_w - k_w}{s_w} \right\rfloor + 1",
                                r"\text{MACs} = c_i \cdot c_o \cdot k_h \cdot k_w \cdot h_o \cdot w_o",
                                r"\text{multiplications} = \text{MACs}, \quad \text{additions} = c_o h_o w_o (c_i k_h k_w - 1)"
                                r" + c_o h_o w_o \ \text{(bias)}"],
                          rule="explain.cost.formula"))
        subs, rows = [], []
        base = d["rows"][0]["macs"]
        for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
            (kh, kw), (ph, pw), (sh, sw) = c["k"], c["p"], c["s"]
            sizes = rf"h_o = \left\lfloor \frac{{{c['h']} + {2 * ph} - {kh}}}{{{sh}}} \right\rfloor + 1 = {r['h_o']}"
            if (c["h"], ph, kh, sh) != (c["w"], pw, kw, sw):
                sizes += (rf", \quad w_o = \left\lfloor \frac{{{c['w']} + {2 * pw} - {kw}}}{{{sw}}} \right\rfloor + 1"
                          rf" = {r['w_o']}")
            subs.append(sizes)
            subs.append(r"\text{MACs} = " + tex.product([c["c_i"], c["c_o"], kh, kw, r["h_o"], r["w_o"]]) + " = "
                        + tex.num(r["macs"]))
            rows.append([_cfg_label(i, c), Plain(f"{c['c_i']}×{c['h']}×{c['w']} → {c['c_o']}×{r['h_o']}×{r['w_o']}"),
                         Count(r['macs']), Count(r['macs_counter']), ratio(r["macs"] / base), Count(r['params'])])
        steps.append(Step(Msg("xp.cost.table.title"), text=Msg("xp.cost.table.text"), math=subs,
                          table=Table([Msg("xp.col.config"), Msg("xp.col.shape"), Msg("xp.cost.col.formula"),
                                       Msg("xp.cost.col.counter"), Msg("xp.col.ratio"), Msg("xp.col.params")], rows),
                          rule="explain.cost.table"))
    if "memory" in p["show"]:
        mem_rows = [[_cfg_label(i, c), Count(r['in_elems']), Count(r['out_elems']), Count(r['weights']),
                     Plain(f"{4 * (r['in_elems'] + r['out_elems'] + r['weights']) / 1024:.1f} KiB")]
                    for i, (c, r) in enumerate(zip(p["configs"], d["rows"]))]
        steps.append(Step(Msg("xp.cost.memory.title"), text=Msg("xp.cost.memory.text"),
                          math=[r"\text{memory} = 4 \cdot (c_i h w + c_o h_o w_o + c_o c_i k_h k_w + c_o) \ \text{bytes}"],
                          table=Table([Msg("xp.col.config"), Msg("xp.cost.col.input"), Msg("xp.cost.col.output"),
                                       Msg("xp.col.params"), Msg("xp.cost.col.bytes")], mem_rows),
                          rule="explain.cost.memory"))
    if "backward" in p["show"]:
        back_rows = [[_cfg_label(i, c), Count(r['macs_counter']), Count(r['macs_backward']),
                      ratio(r["macs_backward"] / r["macs_counter"])] for i, (c, r) in enumerate(zip(p["configs"], d["rows"]))]
        steps.append(Step(Msg("xp.cost.backward.title"), text=Msg("xp.cost.backward.text"),
                          math=[r"\frac{\partial L}{\partial X} = \text{transposed conv}\left(\frac{\partial L}{\partial Y}, W\right): "
                                r"\text{MACs}, \quad \frac{\partial L}{\partial W} = \text{corr}\left(X, \frac{\partial L}{\partial Y}\right): "
                                r"\text{MACs}"],
                          table=Table([Msg("xp.col.config"), Msg("xp.cost.col.forward"), Msg("xp.cost.col.backward"),
                                       Msg("xp.col.ratio")], back_rows),
                          rule="explain.cost.backward"))
    return steps


def _backward_by_decomposition(c: dict[str, Any], h_o: int, w_o: int) -> tuple[int, int] | None:
    """(MACs of ∂L/∂X, MACs of ∂L/∂W) per sample, each gradient computed by its own PyTorch operation on zero samples
    (shapes checked, nothing multiplied): ∂L/∂X = ``F.conv_transpose2d(∂L/∂Y, W)`` counted under ``FlopCount``
    (PyTorch's transposed-convolution formula), ∂L/∂W = ``torch.nn.grad.conv2d_weight(X, W.shape, ∂L/∂Y)`` counted
    by ``torch.utils.flop_counter``'s formula for that weight-gradient call alone. Another route than the run's
    ``conv_backward_flop`` on what autograd saved for the whole backward; ``None`` if a gradient does not come out
    with the shape of X or of W."""
    from torch.utils import flop_counter
    from ...network.torch_count import FlopCount
    (kh, kw), (sh, sw), (ph, pw) = c["k"], c["s"], c["p"]
    ci, co, h, w = c["c_i"], c["c_o"], c["h"], c["w"]
    x, gy = torch.zeros(0, ci, h, w), torch.zeros(0, co, h_o, w_o)
    with torch.no_grad(), FlopCount() as dx:
        gx = torch.nn.functional.conv_transpose2d(
            gy, torch.zeros(()).expand(co, ci, kh, kw), stride=(sh, sw), padding=(ph, pw),
            output_padding=((h + 2 * ph - kh) % sh, (w + 2 * pw - kw) % sw))
    gw = torch.nn.grad.conv2d_weight(x, (co, ci, kh, kw), gy, stride=(sh, sw), padding=(ph, pw))
    if list(gx.shape[1:]) != [ci, h, w] or list(gw.shape) != [co, ci, kh, kw]:
        return None
    dw = flop_counter.conv_backward_flop([1, co, h_o, w_o], [1, ci, h, w], list(gw.shape), None, [sh, sw], [ph, pw],
                                         [1, 1], False, [0, 0], 1, [False, True, False],
                                         out_val=([1, ci, h, w], list(gw.shape), [co]))
    return dx.flops // 2, int(dw) // 2


def _conv_cost_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    checks = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        fwd, _ = _conv_flops(c, False)                      # measured again, independently of the solve run
        checks.append(_ok("torch", part, fwd == r["macs"] == r["macs_solver"] == r["macs_counter"],
                          "xp.cost.check.macs", label=_cfg_label(i, c), got=fwd))
        if "backward" in p["show"]:
            parts = _backward_by_decomposition(c, r["h_o"], r["w_o"])
            dx, dw = parts or (-1, -1)
            checks.append(_ok("torch", part, parts is not None and dx + dw == r["macs_backward"] and dx == dw == fwd,
                              "xp.cost.check.backward", label=_cfg_label(i, c), dx=dx, dw=dw, got=dx + dw))
    return checks


# ================================================================ pool_as_conv


EXPERIMENT = Experiment("conv_cost",
           {"configs": Param("configs", [{}], sub=_CONV_CFG),
            "show": Param("choices", ["macs"], choices=("macs", "memory", "backward"), max_len=3)},
           _conv_cost_run, _conv_cost_steps, _conv_cost_checks, _conv_cost_validate)
