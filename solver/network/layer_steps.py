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
from .analysis import SPATIAL_NAMES, LayerAnalysis, NetworkAnalysis
from .layers import Layer

CDOT = r" \cdot "
ROWS = r"\text{rows} \cdot "

# ---------------------------------------------------------------- output size


def _transposed_size(out: str, inn: str, c: Any) -> str:
    """n_out = (n_in − 1)s − 2p + d(k − 1) + p_out + 1."""
    formula = rf"({inn} - 1)s - 2p + d(k - 1) + p_{{out}} + 1"
    numbers = rf"({c.n_in} - 1) \cdot {c.s} - 2 \cdot {c.p} + {c.d} \cdot ({c.k} - 1) + {c.output_padding} + 1"
    return f"{out} = {formula} = {numbers} = {c.n_out}"


def _adaptive_size(out: str, c: Any) -> str:
    """n_out = output_size."""
    return f"{out} = {c.n_out}" + (rf" \quad (\text{{output\_size}})" if c.n_out != c.n_in else "")


def _window_size(out: str, inn: str, c: Any) -> str:
    """n_out = ⌊(n_in + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈·⌉ with ceil_mode; a last window starting in the right
    padding is dropped). ``p`` is the padding per side, as in the layer's header: 2p in the formula; an odd total
    is written as it is."""
    bracket = tex.ceil if c.ceil else tex.floor
    pad, pads = ("2p", rf"2 \cdot {c.p // 2}") if c.p % 2 == 0 else ("p_{total}", str(c.p))
    if c.d == 1:
        formula = bracket(tex.frac(f"{inn} + {pad} - k", "s")) + " + 1"
        numbers = bracket(tex.frac(f"{c.n_in} + {pads} - {c.k}", str(c.s))) + " + 1"
    else:
        formula = bracket(tex.frac(f"{inn} + {pad} - d(k-1) - 1", "s")) + " + 1"
        numbers = bracket(tex.frac(f"{c.n_in} + {pads} - {c.d}({c.k}-1) - 1", str(c.s))) + " + 1"
    line = f"{out} = {formula} = {numbers} = {c.n_out + (1 if c.ceil_dropped else 0)}"
    return line + (rf" \to {c.n_out}" if c.ceil_dropped else "")


def size_math(la: LayerAnalysis) -> list[str]:
    """One line per spatial dimension: the output size by the layer's rule."""
    names = SPATIAL_NAMES.get(len(la.sizes), tuple(f"n_{i + 1}" for i in range(len(la.sizes))))
    lines = []
    for name, c in zip(names, la.sizes):
        out, inn = f"{name}_{{out}}", f"{name}_{{in}}"
        if c.rule == "transposed":
            lines.append(_transposed_size(out, inn, c))
        elif c.rule == "adaptive":
            lines.append(_adaptive_size(out, c))
        else:
            lines.append(_window_size(out, inn, c))
    return lines

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


def rf_math(la: LayerAnalysis, prev_rf: tuple[int, ...], prev_jump: tuple[int, ...]) -> list[str]:
    """R_l = R_{l−1} + (k_l − 1) d_l J_{l−1}, J_l = J_{l−1} s_l: one line, or one per dimension when they
    differ."""
    if la.rf is None or la.windows is None or la.jump is None:
        return []
    w = la.windows
    n = la.layer.number
    dims = range(len(w))
    same = len(set((w[i], prev_rf[i], prev_jump[i]) for i in dims)) == 1
    lines = []
    for i in ([0] if same else dims):
        suffix = "" if same or len(w) == 1 else rf"\ (\text{{{SPATIAL_NAMES[len(w)][i]}}})"
        if w[i].k == 1 and w[i].s == 1:
            lines.append(rf"R_{{{n}}} = R_{{{n - 1}}} = {la.rf[i]}, \quad J_{{{n}}} = J_{{{n - 1}}} = {la.jump[i]}"
                         + suffix)
            continue
        dil = rf" \cdot {w[i].d}" if w[i].d != 1 else ""
        d_sym = f" d_{{{n}}}" if w[i].d != 1 else ""
        lines.append(rf"R_{{{n}}} = R_{{{n - 1}}} + (k_{{{n}}} - 1){d_sym} J_{{{n - 1}}}"
                     rf" = {prev_rf[i]} + ({w[i].k} - 1){dil} \cdot {prev_jump[i]} = {la.rf[i]}, \quad "
                     rf"J_{{{n}}} = J_{{{n - 1}}} s_{{{n}}} = {prev_jump[i]} \cdot {w[i].s} = {la.jump[i]}" + suffix)
    return lines

# ---------------------------------------------------------------- the layer steps and the table


def layer_text(la: LayerAnalysis) -> Any:
    """What the layer does, in words."""
    fam, a = la.layer.family, la.layer.args
    if fam == "conv":
        return Msg("net.layer.same") if a["padding"] == "same" else Msg("net.layer.conv")
    if fam == "conv_transpose":
        return Msg("net.layer.transposed")
    if fam in ("max_pool", "avg_pool"):
        if any(c.ceil_dropped for c in la.sizes):
            return Join((Msg("net.layer.pool"), Msg("net.layer.ceil_dropped")))
        return Msg("net.layer.pool")
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


def fmt_shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


def fmt_pair(values: tuple[int, ...] | None) -> str:
    if values is None:
        return "—"
    return "×".join(map(str, values)) if len(set(values)) > 1 or len(values) == 1 else f"{values[0]}×{values[0]}"


def layer_steps(analysis: NetworkAnalysis, want: set[str]) -> list[Step]:
    """The input, then one step per layer with the formulas of the asked quantities."""
    steps = [Step(Msg("net.input.title"), math=[tex.shape(analysis.input_shape)],
                  result=list(analysis.input_shape), rule="network.input")]
    prev_rf = (1,) * analysis.spatial_dims
    prev_jump = prev_rf
    for la in analysis.layers:
        math = [rf"{tex.shape(la.in_shape)} \to {tex.shape(la.out_shape)}"]
        math += size_math(la)
        if want & {"params", "ratio"}:
            math += params_math(la)
        if want & {"macs", "flops", "ratio"}:
            math += macs_math(la)
        if want & {"receptive_field", "jump"}:
            math += rf_math(la, prev_rf, prev_jump)
        if la.rf is not None and la.jump is not None:
            prev_rf, prev_jump = la.rf, la.jump
        title = Msg("net.layer.title", n=la.layer.number, name=layer_name(la.layer), label=Plain(la.layer.label()))
        steps.append(Step(title, text=layer_text(la), math=math, result=list(la.out_shape),
                          rule=f"network.layer.{la.layer.family}"))
    return steps


def table(analysis: NetworkAnalysis, want: set[str]) -> Step:
    """The layer-by-layer summary: shape, and parameters, MACs, R and J when asked; totals of the counts."""
    show_params = bool(want & {"params", "ratio"})
    show_macs = bool(want & {"macs", "flops", "ratio"})
    show_rf = bool(want & {"receptive_field", "jump"})
    cols: list[Any] = [Plain("#"), Msg("net.table.layer"), Msg("net.table.shape")]
    cols += [Msg("net.table.params")] * show_params + [Msg("net.table.macs")] * show_macs
    cols += [Msg("net.table.rf"), Msg("net.table.jump")] if show_rf else []
    first: list[Any] = ["0", Msg("net.table.input"), fmt_shape(analysis.input_shape)]
    first += [""] * (int(show_params) + int(show_macs))
    if show_rf:
        ones = (1,) * analysis.spatial_dims
        first += [fmt_pair(ones) if ones else "—", fmt_pair(ones) if ones else "—"]
    rows: list[list[Any]] = [first]
    for la in analysis.layers:
        row: list[Any] = [str(la.layer.number), la.layer.label(), fmt_shape(la.out_shape)]
        row += [Count(la.params)] * show_params + [Count(la.macs)] * show_macs
        row += [fmt_pair(la.rf), fmt_pair(la.jump)] if show_rf else []
        rows.append(row)
    if show_params or show_macs:
        total: list[Any] = ["", Msg("net.table.total"), ""]
        total += [Count(sum(la.params for la in analysis.layers))] * show_params
        total += [Count(sum(la.macs for la in analysis.layers))] * show_macs
        total += ["", ""] if show_rf else []
        rows.append(total)
    return Step(Msg("net.table.title"), table=Table(cols, rows), rule="network.table")
