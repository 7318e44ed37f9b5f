"""The network solver: answers and steps for ``kind: network``.

Reads ``given`` (one network, or several under ``networks:``), walks each network with
:func:`.analysis.analyse`, answers every asked part and explains it as steps.

Example:
    >>> from solver.bank import load_exercise
    >>> sol = solve(load_exercise("hw-q3"))
    >>> sol.answers["params"]
    4640
"""
from __future__ import annotations

from ..record import record
from math import prod
from typing import Any

from .. import latex as tex
from ..errors import InputError
from ..i18n import Msg, Plain, Sep
from ..model import Exercise, Part
from ..steps import Solution, Step, Table
from . import messages  # noqa: F401  (registers the wording)
from .analysis import MAX_LAYERS, SPATIAL_NAMES, LayerAnalysis, NetworkAnalysis, analyse, check_tensor
from .layers import Layer, parse_layer
from .receptive import Window, closed_form, recurrence

QUANTITIES = ("output_shape", "params", "macs", "flops", "receptive_field", "jump", "ratio")
PART_OPTIONS = {"at", "network", "of", "numerator", "denominator"}
DEFAULT = "main"
CDOT = r" \cdot "
ROWS = r"\text{rows} \cdot "


@record
class Network:
    name: str
    input_shape: tuple[int, ...]
    layers: list[Layer]
    label: Any = None
    path: tuple = ("given",)


def _located(ex: Exercise, exc: InputError, fallback: tuple) -> InputError:
    path = getattr(exc, "path", None)
    return ex.error(exc.message, path if path is not None else fallback)


def read_network(ex: Exercise, name: str, raw: Any, path: tuple) -> Network:
    """One network ``{input_shape, layers, label}`` read from ``raw`` (at ``path`` of the exercise)."""
    if not isinstance(raw, dict):
        raise ex.error("a network is a mapping {input_shape, layers}", path)
    for key in raw:
        if key not in ("input_shape", "layers", "label"):
            raise ex.error(f"unknown field '{key}'; a network has input_shape, layers, label", path + (key,))
    shape = raw.get("input_shape")
    if not isinstance(shape, list) or not 1 <= len(shape) <= 3 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in shape):
        raise ex.error("input_shape must be [C, L] (1-D), [C, H, W] (2-D) or [F] (features), without the "
                       f"batch dimension; got {shape!r}", path + ("input_shape",))
    if any(v < 1 for v in shape):
        raise ex.error(f"input_shape must be positive, got {shape}", path + ("input_shape",))
    too_large = check_tensor("the input", tuple(shape), prod(shape))
    if too_large:
        raise ex.error(too_large, path + ("input_shape",))
    raw_layers = raw.get("layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise ex.error("layers must be a non-empty list", path + ("layers",))
    if len(raw_layers) > MAX_LAYERS:
        raise ex.error(f"{len(raw_layers):,} layers: an exercise is limited to {MAX_LAYERS:,}", path + ("layers",))
    layers = []
    for i, item in enumerate(raw_layers):
        try:
            layers.append(parse_layer(item, i, path + ("layers", i)))
        except InputError as exc:
            raise _located(ex, exc, path + ("layers", i)) from None
    label = None
    if "label" in raw:
        from ..model import text_field
        assert ex.doc is not None
        label = text_field(ex.doc, raw["label"], path + ("label",), False)
    return Network(name, tuple(shape), layers, label, path)




def read_networks(ex: Exercise) -> dict[str, Network]:
    """The networks of ``given``: ``{input_shape, layers}`` or ``{networks: {name: {...}}}``."""
    g = ex.given
    if "networks" in g:
        extra = set(g) - {"networks"}
        if extra:
            raise ex.error(f"unknown field '{sorted(extra)[0]}' next to networks", ("given", sorted(extra)[0]))
        if not isinstance(g["networks"], dict) or not g["networks"]:
            raise ex.error("networks must map names to {input_shape, layers}", ("given", "networks"))
        total = sum(len(v["layers"]) for v in g["networks"].values() if isinstance(v, dict)
                    and isinstance(v.get("layers"), list))
        if total > MAX_LAYERS:
            raise ex.error(f"{total:,} layers in all: an exercise is limited to {MAX_LAYERS:,}", ("given", "networks"))
        return {str(k): read_network(ex, str(k), v, ("given", "networks", k)) for k, v in g["networks"].items()}
    for key in g:
        if key not in ("input_shape", "layers"):
            raise ex.error(f"unknown field '{key}'; given has input_shape and layers (or networks)", ("given", key))
    return {DEFAULT: read_network(ex, DEFAULT, g, ("given",))}


def layer_index(ex: Exercise, part: Part, net: Network) -> int | None:
    """``at`` as a count of layers (1-based position or a layer name)."""
    at = part.options.get("at")
    path = ("ask", part.index, "at")
    if at is None:
        return None
    if isinstance(at, str):
        for layer in net.layers:
            if layer.name == at:
                return layer.number
        names = [l.name for l in net.layers if l.name]
        raise ex.error(f"no layer is named '{at}'" + (f"; names: {', '.join(names)}" if names else ""), path)
    if isinstance(at, bool) or not isinstance(at, int) or not 1 <= at <= len(net.layers):
        raise ex.error(f"at must be a layer number from 1 to {len(net.layers)} (or a layer name), got {at!r}", path)
    return at




def network_of(ex: Exercise, part: Part, nets: dict[str, Network], key: str = "network") -> Network:
    """The network a part asks about (its ``network:`` option, or ``key``: numerator/denominator; the only one when
    there is one)."""
    name = part.options.get(key)
    if name is None:
        if len(nets) == 1:
            return next(iter(nets.values()))
        raise ex.error(f"this exercise has several networks ({', '.join(nets)}): say which with {key}:",
                       ("ask", part.index))
    if str(name) not in nets:
        raise ex.error(f"no network named '{name}'; networks: {', '.join(nets)}", ("ask", part.index, key))
    return nets[str(name)]




def _check_part(ex: Exercise, part: Part) -> None:
    if part.quantity not in QUANTITIES:
        raise ex.error(f"unknown quantity '{part.quantity}' for kind network; known: {', '.join(QUANTITIES)}",
                       ("ask", part.index, "quantity"))
    for key in part.options:
        if key not in PART_OPTIONS:
            raise ex.error(f"unknown option '{key}'; a network part may have {', '.join(sorted(PART_OPTIONS))}",
                           ("ask", part.index, key))
    if part.quantity == "ratio":
        if part.options.get("of") not in ("params", "macs", "flops"):
            raise ex.error("a ratio needs of: params, macs or flops", ("ask", part.index, "of"))
        for key in ("numerator", "denominator"):
            if key not in part.options:
                raise ex.error(f"a ratio needs {key}: a network name", ("ask", part.index))


# ---------------------------------------------------------------- quantities


def _count(la_list: list[LayerAnalysis], what: str) -> int:
    total = sum(la.params if what == "params" else la.macs for la in la_list)
    return total * 2 if what == "flops" else total


def _selected(analysis: NetworkAnalysis, at: int | None, per_layer: bool) -> list[LayerAnalysis]:
    """Layers a count covers: layer ``at`` alone for params/MACs/FLOPs, all layers otherwise."""
    if at is None:
        return analysis.layers
    return [analysis.layers[at - 1]] if per_layer else analysis.upto(at)


def _rf_or_error(ex: Exercise, part: Part, analysis: NetworkAnalysis, at: int | None) -> LayerAnalysis:
    layers = analysis.upto(at)
    last = layers[-1]
    if last.rf is None:
        reason = Msg(last.rf_undefined or "net.rf.undefined.flat_input").render("en")
        culprit = next((la for la in layers if la.rf is None), None)
        if culprit is not None and culprit is not last:
            reason += f" (layer {culprit.layer.number}, {culprit.layer.type.name})"
        defined = [la.layer.number for la in layers if la.rf is not None]
        hint = f"; ask with at: {defined[-1]} or earlier" if defined else ""
        raise ex.error(f"{part.quantity} is not defined after layer {last.layer.number} "
                       f"({last.layer.type.name}): {reason}{hint}", ("ask", part.index, "quantity"))
    return last


def answer(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis]) -> Any:
    """The JSON value of one part."""
    if part.quantity == "ratio":
        what = part.options["of"]
        num = network_of(ex, part, nets, "numerator")
        den = network_of(ex, part, nets, "denominator")
        a, b = _count(analyses[num.name].layers, what), _count(analyses[den.name].layers, what)
        if b == 0:
            raise ex.error(f"the denominator network has no {what}", ("ask", part.index, "denominator"))
        return a / b
    net = network_of(ex, part, nets)
    analysis = analyses[net.name]
    at = layer_index(ex, part, net)
    q = part.quantity
    if q == "output_shape":
        return list(analysis.output_shape(at))
    if q in ("params", "macs", "flops"):
        return _count(_selected(analysis, at, per_layer=True), q)
    last = _rf_or_error(ex, part, analysis, at)
    assert last.rf is not None and last.jump is not None
    return list(last.rf if q == "receptive_field" else last.jump)


# ---------------------------------------------------------------- steps


def _size_math(la: LayerAnalysis) -> list[str]:
    names = SPATIAL_NAMES.get(len(la.sizes), tuple(f"n_{i + 1}" for i in range(len(la.sizes))))
    lines = []
    for name, c in zip(names, la.sizes):
        out, inn = f"{name}_{{out}}", f"{name}_{{in}}"
        if c.rule == "transposed":
            formula = rf"({inn} - 1)s - 2p + d(k - 1) + p_{{out}} + 1"
            numbers = rf"({c.n_in} - 1) \cdot {c.s} - 2 \cdot {c.p} + {c.d} \cdot ({c.k} - 1) + {c.output_padding} + 1"
            lines.append(f"{out} = {formula} = {numbers} = {c.n_out}")
            continue
        if c.rule == "adaptive":
            lines.append(f"{out} = {c.n_out}" + (rf" \quad (\text{{output\_size}})" if c.n_out != c.n_in else ""))
            continue
        bracket = tex.ceil if c.ceil else tex.floor
        # p is the padding per side (as in the layer's header): 2p in the formula; an odd total is written as is
        pad, pads = ("2p", rf"2 \cdot {c.p // 2}") if c.p % 2 == 0 else ("p_{total}", str(c.p))
        if c.d == 1:
            formula = bracket(tex.frac(f"{inn} + {pad} - k", "s")) + " + 1"
            numbers = bracket(tex.frac(f"{c.n_in} + {pads} - {c.k}", str(c.s))) + " + 1"
        else:
            formula = bracket(tex.frac(f"{inn} + {pad} - d(k-1) - 1", "s")) + " + 1"
            numbers = bracket(tex.frac(f"{c.n_in} + {pads} - {c.d}({c.k}-1) - 1", str(c.s))) + " + 1"
        line = f"{out} = {formula} = {numbers} = {c.n_out + (1 if c.ceil_dropped else 0)}"
        if c.ceil_dropped:
            line += rf" \to {c.n_out}"
        lines.append(line)
    return lines


def _params_math(la: LayerAnalysis) -> list[str]:
    a, fam = la.layer.args, la.layer.family
    if fam in ("conv", "conv_transpose"):
        g, k = a["groups"], list(a["kernel_size"])
        cin = a["in_channels"]
        per = [cin if g == 1 else f"{cin}/{g}"] + k
        kernel_sym = r"k_h \cdot k_w" if len(k) == 2 else "k"
        sym = r"C_{in}" + ("/g" if g > 1 else "") + r" \cdot " + kernel_sym
        if a["bias"]:
            return [rf"\#\text{{params}} = ({sym} + 1) \cdot C_{{out}} = ({tex.product(per, CDOT)} + 1)"
                    rf" \cdot {a['out_channels']} = {tex.num(la.params)}"]
        return [rf"\#\text{{params}} = {sym} \cdot C_{{out}} = {tex.product(per + [a['out_channels']], CDOT)}"
                rf" = {tex.num(la.params)}"]
    if fam == "linear":
        fin, fout = a["in_features"], a["out_features"]
        if a["bias"]:
            return [rf"\#\text{{params}} = (f_{{in}} + 1) \cdot f_{{out}} = ({tex.num(fin)} + 1) \cdot {tex.num(fout)}"
                    rf" = {tex.num(la.params)}"]
        return [rf"\#\text{{params}} = f_{{in}} \cdot f_{{out}} = {tex.num(fin)} \cdot {tex.num(fout)} = "
                rf"{tex.num(la.params)}"]
    if fam == "batch_norm":
        return [rf"\#\text{{params}} = 2C = 2 \cdot {a['num_features']} = {la.params}"]
    return []


def _macs_math(la: LayerAnalysis) -> list[str]:
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


def _rf_math(la: LayerAnalysis, prev_rf: tuple[int, ...], prev_jump: tuple[int, ...]) -> list[str]:
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


def _layer_text(la: LayerAnalysis) -> Any:
    fam, a = la.layer.family, la.layer.args
    if fam == "conv":
        return Msg("net.layer.same") if a["padding"] == "same" else Msg("net.layer.conv")
    if fam == "conv_transpose":
        return Msg("net.layer.transposed")
    if fam in ("max_pool", "avg_pool"):
        if any(c.ceil_dropped for c in la.sizes):
            from ..i18n import Join
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


def _layer_name(layer: Layer) -> Any:
    """`` (conv2)`` / ``（conv2）`` after the layer number when the layer is named."""
    return Msg("net.layer.name", name=layer.name) if layer.name else Plain("")


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


def _fmt_pair(values: tuple[int, ...] | None) -> str:
    if values is None:
        return "—"
    return "×".join(map(str, values)) if len(set(values)) > 1 or len(values) == 1 else f"{values[0]}×{values[0]}"


def _layer_steps(analysis: NetworkAnalysis, want: set[str]) -> list[Step]:
    steps = [Step(Msg("net.input.title"), math=[tex.shape(analysis.input_shape)],
                  result=list(analysis.input_shape), rule="network.input")]
    prev_rf = (1,) * analysis.spatial_dims
    prev_jump = prev_rf
    for la in analysis.layers:
        math = [rf"{tex.shape(la.in_shape)} \to {tex.shape(la.out_shape)}"]
        math += _size_math(la)
        if want & {"params", "ratio"}:
            math += _params_math(la)
        if want & {"macs", "flops", "ratio"}:
            math += _macs_math(la)
        if want & {"receptive_field", "jump"}:
            math += _rf_math(la, prev_rf, prev_jump)
        if la.rf is not None and la.jump is not None:
            prev_rf, prev_jump = la.rf, la.jump
        steps.append(Step(Msg("net.layer.title", n=la.layer.number, name=_layer_name(la.layer), label=Plain(la.layer.label())),
                          text=_layer_text(la), math=math, result=list(la.out_shape),
                          rule=f"network.layer.{la.layer.family}"))
    return steps


def _table(analysis: NetworkAnalysis, want: set[str]) -> Step:
    cols: list[Any] = [Plain("#"), Msg("net.table.layer"), Msg("net.table.shape")]
    show_params = bool(want & {"params", "ratio"})
    show_macs = bool(want & {"macs", "flops", "ratio"})
    show_rf = bool(want & {"receptive_field", "jump"})
    if show_params:
        cols.append(Msg("net.table.params"))
    if show_macs:
        cols.append(Msg("net.table.macs"))
    if show_rf:
        cols += [Msg("net.table.rf"), Msg("net.table.jump")]
    rows: list[list[Any]] = []
    first: list[Any] = ["0", Msg("net.table.input"), _fmt_shape(analysis.input_shape)]
    first += [""] * (int(show_params) + int(show_macs))
    if show_rf:
        ones = (1,) * analysis.spatial_dims
        first += [_fmt_pair(ones) if ones else "—", _fmt_pair(ones) if ones else "—"]
    rows.append(first)
    for la in analysis.layers:
        row: list[Any] = [str(la.layer.number), la.layer.label(), _fmt_shape(la.out_shape)]
        if show_params:
            row.append(f"{la.params:,}")
        if show_macs:
            row.append(f"{la.macs:,}")
        if show_rf:
            row += [_fmt_pair(la.rf), _fmt_pair(la.jump)]
        rows.append(row)
    if show_params or show_macs:
        total: list[Any] = ["", Msg("net.table.total"), ""]
        if show_params:
            total.append(f"{sum(la.params for la in analysis.layers):,}")
        if show_macs:
            total.append(f"{sum(la.macs for la in analysis.layers):,}")
        if show_rf:
            total += ["", ""]
        rows.append(total)
    return Step(Msg("net.table.title"), table=Table(cols, rows), rule="network.table")


def _sum_math(symbol: str, values: list[int], total: int) -> str:
    shown = [v for v in values if v] or [0]
    if len(shown) == 1:
        return rf"{symbol} = {tex.num(total)}"
    return rf"{symbol} = {' + '.join(tex.num(v) for v in shown)} = {tex.num(total)}"


def _part_step(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis],
               value: Any) -> Step:
    q = part.quantity
    if q != "ratio":
        at_number = layer_index(ex, part, network_of(ex, part, nets))
        at_name = _layer_name(network_of(ex, part, nets).layers[at_number - 1]) if at_number else None
    if q == "ratio":
        what = part.options["of"]
        num, den = str(part.options["numerator"]), str(part.options["denominator"])
        a, b = _count(analyses[num].layers, what), _count(analyses[den].layers, what)
        from fractions import Fraction
        fr = Fraction(a, b)
        line = rf"\frac{{{tex.num(a)}}}{{{tex.num(b)}}}"
        if fr.denominator == 1:
            line += f" = {tex.num(fr.numerator)}"
        else:
            if fr.denominator != b:
                line += f" = {tex.num(fr)}"
            line += rf" \approx {tex.num(value)}" + (rf" = {value * 100:.3g}\%" if value < 1 else "")
        math = [line]
        num_label, den_label = _label(nets[num]), _label(nets[den])
        return Step(Msg("net.total.ratio", what=Msg(f"net.what.{what}"), num=num_label, den=den_label),
                    text=Msg("net.total.ratio.text", what=Msg(f"net.what.{what}"), num=num_label, den=den_label),
                    math=math, result=value, rule="network.ratio")
    net = network_of(ex, part, nets)
    analysis = analyses[net.name]
    at = layer_index(ex, part, net)
    if q == "output_shape":
        title = Msg("net.total.output_shape_at", n=at, name=at_name) if at else Msg("net.total.output_shape")
        return Step(title, text=Msg("net.total.output_shape.text"), math=[tex.shape(value)], result=value,
                    rule="network.output_shape")
    if q in ("params", "macs", "flops"):
        layers = _selected(analysis, at, per_layer=True)
        key = "params" if q == "params" else "macs"
        values = [la.params if key == "params" else la.macs for la in layers]
        symbol = {"params": r"\#\text{params}", "macs": r"\text{MACs}", "flops": r"\text{MACs}"}[q]
        math = [_sum_math(symbol, values, sum(values))]
        if q == "flops":
            math.append(rf"\text{{FLOPs}} = 2 \times \text{{MACs}} = 2 \times {tex.num(sum(values))} = {tex.num(value)}")
        title = Msg(f"net.total.{q}_at", n=at, name=at_name) if at else Msg(f"net.total.{q}")
        if q == "flops":
            text = Msg("net.total.flops.text")
        elif at:
            text = Msg(f"net.total.{q}.one")
        else:
            text = Msg(f"net.total.{q}.text")
        return Step(title, text=text, math=math, result=value, rule=f"network.{q}")
    layers = analysis.upto(at)
    stack_dims = []
    for i in range(analysis.spatial_dims):
        stack_dims.append([la.windows[i] for la in layers if la.windows is not None])
    names = _dim_names(analysis.spatial_dims, stack_dims)
    if q == "jump":
        math = []
        for i, name in names:
            strides = [w.s for w in stack_dims[i] if not (w.k == 1 and w.s == 1)] or [1]
            product = f" = {tex.product(strides, CDOT)}" if len(strides) > 1 else ""
            math.append(rf"{_lhs('J', name)} = \prod s_i{product} = {value[i]}")
        title = Msg("net.total.jump_at", n=at, name=at_name) if at else Msg("net.total.jump")
        return Step(title, text=Msg("net.total.jump.text"), math=math, result=value,
                    rule="network.jump")
    math = []
    agree = True
    for i, stack in enumerate(stack_dims):
        agree &= closed_form(stack) == (recurrence(stack)[-1][0] if stack else 1) == value[i]
    for i, name in names:
        math.append(_closed_form_math(name, [w for w in stack_dims[i] if not (w.k == 1 and w.s == 1)]))
    return Step(Msg("net.total.rf_at", n=at, name=at_name) if at else Msg("net.total.rf"), text=Msg("net.total.rf.text", agree=Msg("net.yes" if agree else "net.no")),
                math=math, result=value, rule="network.receptive_field.closed_form")


def _dim_names(dims: int, stacks: list[list[Window]]) -> list[tuple[int, tuple[str, ...]]]:
    """Dimensions to write out: one line ``R_H = R_W = …`` when every dimension has the same windows."""
    names = SPATIAL_NAMES[dims]
    if dims > 1 and all(s == stacks[0] for s in stacks):
        return [(0, names)]
    return [(i, (n,)) for i, n in enumerate(names)]


def _lhs(symbol: str, names: tuple[str, ...]) -> str:
    return " = ".join(f"{symbol}_{{{n}}}" for n in names)


def _label(net: Network) -> Any:
    return net.label if net.label is not None else Plain(net.name)


def _closed_form_math(name: tuple[str, ...], stack: list[Window]) -> str:
    terms, strides = [], []
    for w in stack:
        factors = [f"({w.k}-1)"] + ([str(w.d)] if w.d != 1 else []) + [str(s) for s in strides if s != 1]
        terms.append(r" \cdot ".join(factors))
        strides.append(w.s)
    total = closed_form(stack)
    body = " + ".join(terms) if terms else "0"
    return rf"{_lhs('R', name)} = 1 + \sum_j (k_j - 1)\, d_j \prod_{{i<j}} s_i = 1 + {body} = {total}"


def solve(ex: Exercise) -> Solution:
    """Solve a ``kind: network`` exercise (no verification; see :mod:`.verify`)."""
    for part in ex.ask:
        _check_part(ex, part)
    nets = read_networks(ex)
    analyses: dict[str, NetworkAnalysis] = {}
    for name, net in nets.items():
        try:
            analyses[name] = analyse(net.input_shape, net.layers)
        except InputError as exc:
            raise _located(ex, exc, net.path) from None
    answers = {part.id: answer(ex, part, nets, analyses) for part in ex.ask}
    want_by_net: dict[str, set[str]] = {name: set() for name in nets}
    for part in ex.ask:
        if part.quantity == "ratio":
            for key in ("numerator", "denominator"):
                want_by_net[str(part.options[key])].add(part.options["of"])
        else:
            want_by_net[network_of(ex, part, nets).name].add(part.quantity)
    wanted = set().union(*want_by_net.values())
    plan: list[Any] = [Msg("net.plan.walk", shape=Plain(" / ".join(dict.fromkeys(_fmt_shape(n.input_shape) for n in nets.values()))))]
    if "params" in wanted:
        plan.append(Msg("net.plan.params"))
    if wanted & {"macs", "flops"}:
        plan.append(Msg("net.plan.macs"))
    if wanted & {"receptive_field", "jump"}:
        plan.append(Msg("net.plan.rf"))
    if any(p.quantity == "ratio" for p in ex.ask):
        plan.append(Msg("net.plan.ratio"))
    methods = [Msg("net.verify.shape")]
    if wanted & {"params", "ratio"}:
        methods.append(Msg("net.verify.params"))
    if wanted & {"macs", "flops", "ratio"}:
        methods.append(Msg("net.verify.macs"))
    if wanted & {"receptive_field", "jump"}:
        methods.append(Msg("net.verify.rf"))
    plan.append(Msg("net.plan.verify", methods=Sep(tuple(methods))))
    conventions = [Msg("net.conv.indices"), Msg("net.conv.shape")]
    if "params" in wanted:
        conventions.append(Msg("net.conv.bias"))
    if wanted & {"macs", "flops"}:
        conventions.append(Msg("net.conv.macs"))
    if wanted & {"receptive_field", "jump"}:
        conventions.append(Msg("net.conv.rf"))
    from ..i18n import Join
    steps = [Step(Msg("net.conv.title"), text=Join(tuple(conventions)), rule="network.conventions")]
    for name, net in nets.items():
        want = want_by_net[name] or {"output_shape"}
        body = _layer_steps(analyses[name], want) + [_table(analyses[name], want)]
        body += [_part_step(ex, p, nets, analyses, answers[p.id]) for p in ex.ask
                 if p.quantity != "ratio" and network_of(ex, p, nets).name == name]
        if len(nets) > 1:
            steps.append(Step(Msg("net.network.title", name=_label(net)), children=body, rule="network"))
        else:
            steps += body
    steps += [_part_step(ex, p, nets, analyses, answers[p.id]) for p in ex.ask if p.quantity == "ratio"]
    return Solution(ex, plan, steps, answers, context={"networks": nets, "analyses": analyses})
