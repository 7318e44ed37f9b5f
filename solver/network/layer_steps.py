"""The steps of a ``kind: network`` solution that go layer by layer: one step per layer (its output size, and
its parameters, MACs and receptive field when they are asked, as LaTeX lines) and the summary table.

Each ``*_math`` function writes one rule's formula, then the same with the layer's numbers, then the result.

Example:
    >>> from solver.network.analysis import analyse
    >>> from solver.network.layers import parse_layer
    >>> layer = parse_layer({"type": "Conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3}, 0, ())
    >>> la = analyse((3, 32, 32), [layer]).layers[0]
    >>> la.params, params_math(la)[0].endswith(" 8 = 224")
    (224, True)
"""
from __future__ import annotations

from typing import Any

from .. import latex as tex
from ..i18n import Count, Join, Msg, Plain
from ..steps import Step, Table
from ..values import shape_text
from .analysis import SPATIAL_NAMES, LayerAnalysis, NetworkAnalysis
from .layers import Layer
from .receptive import GENERIC, Notation, size_lines, step_lines

CDOT = r" \cdot "
ROWS = r"\text{rows} \cdot "

# ---------------------------------------------------------------- output size


def size_math(la: LayerAnalysis, n: Notation = GENERIC) -> list[str]:
    """One line per spatial dimension: the output size by the layer's rule, in notation ``n``
    (:func:`.receptive.size_lines`: ⌊(n_in + 2p − d(k − 1) − 1)/s⌋ + 1, the transposed and adaptive rules)."""
    names = SPATIAL_NAMES.get(len(la.sizes), tuple(f"n_{i + 1}" for i in range(len(la.sizes))))
    return size_lines(la.sizes, names, n)

# ---------------------------------------------------------------- parameters and MACs


def _conv_params(la: LayerAnalysis) -> str:
    """#params = (C_in/g · ∏k + 1) · C_out (without the + 1 when there is no bias)."""
    a = la.layer.args
    g, k = a["groups"], list(a["kernel_size"])
    cin = a["in_channels"]
    per = [cin if g == 1 else f"{cin}/{g}"] + k
    kernel_sym = r"k_h \cdot k_w" if len(k) == 2 else "k"
    sym = r"C_{in}" + ("/g" if g > 1 else "") + r" \cdot " + kernel_sym
    if a["bias"]:
        return (rf"\#\text{{params}} = ({sym} + 1) \cdot C_{{out}} = ({tex.product(per, CDOT)} + 1)"
                rf" \cdot {a['out_channels']} = {tex.num(la.params)}")
    return (rf"\#\text{{params}} = {sym} \cdot C_{{out}} = {tex.product(per + [a['out_channels']], CDOT)}"
            rf" = {tex.num(la.params)}")


def _linear_params(la: LayerAnalysis) -> str:
    """#params = (f_in + 1) · f_out (without the + 1 when there is no bias)."""
    a = la.layer.args
    fin, fout = a["in_features"], a["out_features"]
    if a["bias"]:
        return (rf"\#\text{{params}} = (f_{{in}} + 1) \cdot f_{{out}} = ({tex.num(fin)} + 1) \cdot {tex.num(fout)}"
                rf" = {tex.num(la.params)}")
    return (rf"\#\text{{params}} = f_{{in}} \cdot f_{{out}} = {tex.num(fin)} \cdot {tex.num(fout)} = "
            rf"{tex.num(la.params)}")


def params_math(la: LayerAnalysis) -> list[str]:
    """The layer's trainable parameters (convolutions, linear layers, BatchNorm's γ and β)."""
    fam = la.layer.family
    if fam in ("conv", "conv_transpose"):
        return [_conv_params(la)]
    if fam == "linear":
        return [_linear_params(la)]
    if fam == "batch_norm":
        return [rf"\#\text{{params}} = 2C = 2 \cdot {la.layer.args['num_features']} = {la.params}"]
    return []


def macs_math(la: LayerAnalysis) -> list[str]:
    """Multiply–accumulates: ∏n_out · C_out · C_in/g · ∏k (convolution), ∏n_in · C_in · C_out/g · ∏k
    (transposed), rows · f_in · f_out (linear)."""
    a, fam = la.layer.args, la.layer.family
    if fam == "conv":
        g = a["groups"]
        factors = list(la.out_shape[1:]) + [a["out_channels"], a["in_channels"] if g == 1 else a["in_channels"] // g] \
            + list(a["kernel_size"])
        sym = r"\prod n_{out} \cdot C_{out} \cdot " + ("C_{in}/g" if g > 1 else "C_{in}") + r" \cdot \prod k"
        return [rf"\text{{MACs}} = {sym} = {tex.product(factors)} = {tex.num(la.macs)}"]
    if fam == "conv_transpose":
        g = a["groups"]
        factors = list(la.in_shape[1:]) + [a["in_channels"], a["out_channels"] // g] + list(a["kernel_size"])
        sym = r"\prod n_{in} \cdot C_{in} \cdot " + ("C_{out}/g" if g > 1 else "C_{out}") + r" \cdot \prod k"
        return [rf"\text{{MACs}} = {sym} = {tex.product(factors)} = {tex.num(la.macs)}"]
    if fam == "linear":
        rows = la.macs // (a["in_features"] * a["out_features"])
        factors = ([rows] if rows != 1 else []) + [a["in_features"], a["out_features"]]
        rows_sym = ROWS if rows != 1 else ""
        return [rf"\text{{MACs}} = {rows_sym}f_{{in}} \cdot f_{{out}} = "
                rf"{tex.product(factors)} = {tex.num(la.macs)}"]
    return []

# ---------------------------------------------------------------- receptive field


def rf_math(la: LayerAnalysis, prev_rf: tuple[int, ...], prev_jump: tuple[int, ...],
            n: Notation = GENERIC) -> list[str]:
    """R_l = R_{l−1} + (k_l − 1) d_l J_{l−1}, J_l = J_{l−1} s_l (Li Hang: R(l) = R(l−1) + (F(l) − 1) I(l),
    I(l+1) = I(l) S(l)): one line, or one per dimension when they differ (:func:`.receptive.step_lines`)."""
    if la.rf is None or la.windows is None or la.jump is None:
        return []
    return step_lines(la.layer.number, la.windows, prev_rf, prev_jump, la.rf, la.jump,
                      SPATIAL_NAMES.get(len(la.windows), ()), n)

# ---------------------------------------------------------------- the layer steps and the table


def layer_text(la: LayerAnalysis, n: Notation = GENERIC) -> Any:
    """What the layer does, in words (in notation ``n`` where the sentence names the layer's letters)."""
    fam, a = la.layer.family, la.layer.args
    if fam == "conv":
        if a["padding"] == "same":
            return Msg("net.layer.same")
        if n.key("net.layer.conv") != "net.layer.conv" and any(d != 1 for d in a.get("dilation", (1,))):
            return Msg("proof.layer.conv_d")             # the book's letters, and the dilation d
        return Msg(n.key("net.layer.conv"))
    if fam == "conv_transpose":
        return Msg("net.layer.transposed")
    if fam in ("max_pool", "avg_pool"):
        if any(c.ceil_dropped for c in la.sizes):
            return Join((Msg(n.key("net.layer.pool")), Msg("net.layer.ceil_dropped")))
        return Msg(n.key("net.layer.pool"))
    if fam == "adaptive_pool":
        return Msg("net.layer.adaptive")
    if fam == "batch_norm":
        return Msg("net.layer.batch_norm", c=a["num_features"])
    if fam == "flatten":
        return Msg("net.layer.flatten")
    if fam == "linear":
        rows = la.macs // max(1, a["in_features"] * a["out_features"])
        if rows > 1:
            return Msg("net.layer.linear", fin=a["in_features"], fout=a["out_features"], rows=rows)
        return Msg("net.layer.linear1", fin=a["in_features"], fout=a["out_features"])
    if la.layer.type.name.startswith("Dropout"):
        return Msg("net.layer.dropout")
    return Msg("net.layer.elementwise")


def layer_name(layer: Layer) -> Any:
    """`` (conv2)`` / ``（conv2）`` after the layer number when the layer is named."""
    return Msg("net.layer.name", name=layer.name) if layer.name else Plain("")


def fmt_pair(values: tuple[int, ...] | None) -> str:
    if values is None:
        return "—"
    return "×".join(map(str, values)) if len(set(values)) > 1 or len(values) == 1 else f"{values[0]}×{values[0]}"


def layer_steps(analysis: NetworkAnalysis, want: set[str], n: Notation = GENERIC) -> list[Step]:
    """The input, then one step per layer with the formulas of the asked quantities, in notation ``n``."""
    steps = [Step(Msg("net.input.title"), math=[tex.shape(analysis.input_shape)],
                  result=list(analysis.input_shape), rule="network.input")]
    prev_rf = (1,) * analysis.spatial_dims
    prev_jump = prev_rf
    for la in analysis.layers:
        math = [rf"{tex.shape(la.in_shape)} \to {tex.shape(la.out_shape)}"]
        math += size_math(la, n)
        if want & {"params", "ratio"}:
            math += params_math(la)
        if want & {"macs", "flops", "ratio"}:
            math += macs_math(la)
        if want & {"receptive_field", "jump"}:
            math += rf_math(la, prev_rf, prev_jump, n)
        if la.rf is not None and la.jump is not None:
            prev_rf, prev_jump = la.rf, la.jump
        title = Msg("net.layer.title", n=la.layer.number, name=layer_name(la.layer), label=Plain(n.layer_label(la.layer)))
        steps.append(Step(title, text=layer_text(la, n), math=math, result=list(la.out_shape),
                          rule=f"network.layer.{la.layer.family}"))
    return steps


def table(analysis: NetworkAnalysis, want: set[str], n: Notation = GENERIC) -> Step:
    """The layer-by-layer summary: shape, and parameters, MACs, R and J when asked; totals of the counts."""
    show_params = bool(want & {"params", "ratio"})
    show_macs = bool(want & {"macs", "flops", "ratio"})
    show_rf = bool(want & {"receptive_field", "jump"})
    cols: list[Any] = [Plain("#"), Msg("net.table.layer"), Msg("net.table.shape")]
    cols += [Msg("net.table.params")] * show_params + [Msg("net.table.macs")] * show_macs
    cols += [Msg(n.key("net.table.rf")), Msg(n.key("net.table.jump"))] if show_rf else []
    first: list[Any] = ["0", Msg("net.table.input"), shape_text(analysis.input_shape)]
    first += [""] * (int(show_params) + int(show_macs))
    if show_rf:
        ones = (1,) * analysis.spatial_dims
        first += [fmt_pair(ones) if ones else "—", fmt_pair(ones) if ones else "—"]
    rows: list[list[Any]] = [first]
    for la in analysis.layers:
        row: list[Any] = [str(la.layer.number), n.layer_label(la.layer), shape_text(la.out_shape)]
        row += [Count(la.params)] * show_params + [Count(la.macs)] * show_macs
        row += [fmt_pair(la.rf), fmt_pair(la.jump)] if show_rf else []
        rows.append(row)
    if show_params or show_macs:
        total: list[Any] = ["", Msg("net.table.total"), ""]
        total += [Count(sum(la.params for la in analysis.layers))] * show_params
        total += [Count(sum(la.macs for la in analysis.layers))] * show_macs
        total += ["", ""] if show_rf else []
        rows.append(total)
    numbers = (0,) + tuple(range(3, 3 + int(show_params) + int(show_macs)))     # the layer number and the counts
    return Step(Msg("net.table.title"), table=Table(cols, rows, numeric=numbers), rule="network.table")
