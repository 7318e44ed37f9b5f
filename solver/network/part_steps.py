"""The steps of a ``kind: network`` solution that answer the parts: one step per asked quantity (output shape,
a count, the jump, the receptive field in closed form, a ratio of two networks), each a small named function.

Example:
    >>> sum_math(r"\\text{MACs}", [0, 1200, 34], 1234)
    '\\\\text{MACs} = 1{,}200 + 34 = 1{,}234'
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from .. import latex as tex
from ..i18n import Msg, Plain
from ..model import Exercise, Part
from ..steps import Step
from .analysis import SPATIAL_NAMES, NetworkAnalysis
from .layer_steps import CDOT, layer_name
from .reading import Network, layer_index, network_of
from .receptive import Window, closed_form, recurrence
from .rules import count, selected

SYMBOLS = {"params": r"\#\text{params}", "macs": r"\text{MACs}", "flops": r"\text{MACs}"}


def sum_math(symbol: str, values: list[int], total: int) -> str:
    """``symbol = a + b + … = total`` (zeros left out; one term: ``symbol = total``)."""
    shown = [v for v in values if v] or [0]
    if len(shown) == 1:
        return rf"{symbol} = {tex.num(total)}"
    return rf"{symbol} = {' + '.join(tex.num(v) for v in shown)} = {tex.num(total)}"


def label(net: Network) -> Any:
    """A network's label, else its name."""
    return net.label if net.label is not None else Plain(net.name)


def _lhs(symbol: str, names: tuple[str, ...]) -> str:
    return " = ".join(f"{symbol}_{{{n}}}" for n in names)


def dim_names(dims: int, stacks: list[list[Window]]) -> list[tuple[int, tuple[str, ...]]]:
    """Dimensions to write out: one line ``R_H = R_W = …`` when every dimension has the same windows."""
    names = SPATIAL_NAMES[dims]
    if dims > 1 and all(s == stacks[0] for s in stacks):
        return [(0, names)]
    return [(i, (n,)) for i, n in enumerate(names)]


def closed_form_math(name: tuple[str, ...], stack: list[Window]) -> str:
    """R = 1 + Σ_j (k_j − 1) d_j ∏_{i<j} s_i, with the stack's numbers."""
    terms, strides = [], []
    for w in stack:
        factors = [f"({w.k}-1)"] + ([str(w.d)] if w.d != 1 else []) + [str(s) for s in strides if s != 1]
        terms.append(r" \cdot ".join(factors))
        strides.append(w.s)
    total = closed_form(stack)
    body = " + ".join(terms) if terms else "0"
    return rf"{_lhs('R', name)} = 1 + \sum_j (k_j - 1)\, d_j \prod_{{i<j}} s_i = 1 + {body} = {total}"

# ---------------------------------------------------------------- one step per kind of part


def ratio_step(part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis], value: float) -> Step:
    """a / b as a fraction, reduced when it is not whole, then its decimal value (and percentage below 1)."""
    what = part.options["of"]
    num, den = str(part.options["numerator"]), str(part.options["denominator"])
    a, b = count(analyses[num].layers, what), count(analyses[den].layers, what)
    fr = Fraction(a, b)
    line = rf"\frac{{{tex.num(a)}}}{{{tex.num(b)}}}"
    if fr.denominator == 1:
        line += f" = {tex.num(fr.numerator)}"
    else:
        if fr.denominator != b:
            line += f" = {tex.num(fr)}"
        line += rf" \approx {tex.num(value)}" + (rf" = {value * 100:.3g}\%" if value < 1 else "")
    names = {"what": Msg(f"net.what.{what}"), "num": label(nets[num]), "den": label(nets[den])}
    return Step(Msg("net.total.ratio", **names), text=Msg("net.total.ratio.text", **names), math=[line], result=value,
                rule="network.ratio")


def output_shape_step(at: int | None, at_name: Any, value: list[int]) -> Step:
    title = Msg("net.total.output_shape_at", n=at, name=at_name) if at else Msg("net.total.output_shape")
    return Step(title, text=Msg("net.total.output_shape.text"), math=[tex.shape(value)], result=value,
                rule="network.output_shape")


def count_step(q: str, analysis: NetworkAnalysis, at: int | None, at_name: Any, value: int) -> Step:
    """Parameters or MACs: the sum over the layers (or layer ``at`` alone); FLOPs = 2 × MACs."""
    layers = selected(analysis, at, per_layer=True)
    values = [la.params if q == "params" else la.macs for la in layers]
    math = [sum_math(SYMBOLS[q], values, sum(values))]
    if q == "flops":
        math.append(rf"\text{{FLOPs}} = 2 \times \text{{MACs}} = 2 \times {tex.num(sum(values))} = {tex.num(value)}")
    title = Msg(f"net.total.{q}_at", n=at, name=at_name) if at else Msg(f"net.total.{q}")
    if q == "flops":
        text = Msg("net.total.flops.text")
    else:
        text = Msg(f"net.total.{q}.one") if at else Msg(f"net.total.{q}.text")
    return Step(title, text=text, math=math, result=value, rule=f"network.{q}")


def _stacks(analysis: NetworkAnalysis, at: int | None) -> list[list[Window]]:
    """Per spatial dimension, the windows of the layers up to ``at``."""
    layers = analysis.upto(at)
    return [[la.windows[i] for la in layers if la.windows is not None] for i in range(analysis.spatial_dims)]


def jump_step(analysis: NetworkAnalysis, at: int | None, at_name: Any, value: list[int]) -> Step:
    """J = ∏ s_i (layers with k = s = 1 left out)."""
    stacks = _stacks(analysis, at)
    math = []
    for i, name in dim_names(analysis.spatial_dims, stacks):
        strides = [w.s for w in stacks[i] if not (w.k == 1 and w.s == 1)] or [1]
        product = f" = {tex.product(strides, CDOT)}" if len(strides) > 1 else ""
        math.append(rf"{_lhs('J', name)} = \prod s_i{product} = {value[i]}")
    title = Msg("net.total.jump_at", n=at, name=at_name) if at else Msg("net.total.jump")
    return Step(title, text=Msg("net.total.jump.text"), math=math, result=value, rule="network.jump")


def rf_step(analysis: NetworkAnalysis, at: int | None, at_name: Any, value: list[int]) -> Step:
    """The receptive field in closed form, and whether it agrees with the layer-by-layer recurrence."""
    stacks = _stacks(analysis, at)
    agree = True
    for i, stack in enumerate(stacks):
        agree &= closed_form(stack) == (recurrence(stack)[-1][0] if stack else 1) == value[i]
    math = [closed_form_math(name, [w for w in stacks[i] if not (w.k == 1 and w.s == 1)])
            for i, name in dim_names(analysis.spatial_dims, stacks)]
    title = Msg("net.total.rf_at", n=at, name=at_name) if at else Msg("net.total.rf")
    return Step(title, text=Msg("net.total.rf.text", agree=Msg("net.yes" if agree else "net.no")), math=math,
                result=value, rule="network.receptive_field.closed_form")


def part_step(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis],
              value: Any) -> Step:
    """The step that answers one part."""
    q = part.quantity
    if q == "ratio":
        return ratio_step(part, nets, analyses, value)
    net = network_of(ex, part, nets)
    analysis = analyses[net.name]
    at = layer_index(ex, part, net)
    at_name = layer_name(net.layers[at - 1]) if at else None
    if q == "output_shape":
        return output_shape_step(at, at_name, value)
    if q in SYMBOLS:
        return count_step(q, analysis, at, at_name, value)
    if q == "jump":
        return jump_step(analysis, at, at_name, value)
    return rf_step(analysis, at, at_name, value)
