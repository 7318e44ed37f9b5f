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
from ..i18n import Msg, Plain, part_label
from ..model import Exercise, Part
from ..steps import Step
from .analysis import SPATIAL_NAMES, NetworkAnalysis
from .layer_steps import layer_name
from .reading import Network, layer_index, network_of
from .receptive import GENERIC, Notation, Window, closed_form, closed_form_line, jump_line, recurrence
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


def dim_names(dims: int, stacks: list[list[Window]]) -> list[tuple[int, tuple[str, ...]]]:
    """Dimensions to write out: one line ``R_H = R_W = …`` when every dimension has the same windows."""
    names = SPATIAL_NAMES[dims]
    if dims > 1 and all(s == stacks[0] for s in stacks):
        return [(0, names)]
    return [(i, (n,)) for i, n in enumerate(names)]


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


def jump_step(analysis: NetworkAnalysis, at: int | None, at_name: Any, value: list[int],
              n: Notation = GENERIC) -> Step:
    """J = ∏ s_i (layers with k = s = 1 left out); Li Hang: I(l+1) = ∏_{i=0}^{l} S(i), every factor written."""
    stacks = _stacks(analysis, at)
    dims = dim_names(analysis.spatial_dims, stacks)
    math = []
    for i, names in dims:
        strides = [1] + [w.s for w in stacks[i]] if n.functional else \
            [w.s for w in stacks[i] if not (w.k == 1 and w.s == 1)] or [1]
        math.append(jump_line(names, strides, value[i], n, at or len(analysis.layers), len(dims) > 1))
    title = Msg("net.total.jump_at", n=at, name=at_name) if at else Msg("net.total.jump")
    return Step(title, text=Msg(n.key("net.total.jump.text")), math=math, result=value, rule="network.jump")


def rf_step(analysis: NetworkAnalysis, at: int | None, at_name: Any, value: list[int],
            n: Notation = GENERIC) -> Step:
    """The receptive field in closed form (relation (24.19)), and whether it agrees with the layer-by-layer
    recurrence."""
    stacks = _stacks(analysis, at)
    agree = True
    for i, stack in enumerate(stacks):
        agree &= closed_form(stack) == (recurrence(stack)[-1][0] if stack else 1) == value[i]
    dims = dim_names(analysis.spatial_dims, stacks)
    math = [closed_form_line(names, [w for w in stacks[i] if not (w.k == 1 and w.s == 1)], n,
                             at or len(analysis.layers), len(dims) > 1) for i, names in dims]
    title = Msg(n.key("net.total.rf_at"), n=at, name=at_name) if at else Msg(n.key("net.total.rf"))
    if n is GENERIC:
        text = Msg("net.total.rf.text", agree=Msg("net.yes" if agree else "net.no"))
    else:                                  # the book's sentence names relation (24.19) and says whether they agree
        text = Msg("proof.total.rf.same" if agree else "proof.total.rf.differs")
    return Step(title, text=text, math=math, result=value, rule="network.receptive_field.closed_form")


def asked(step: Step, part: Part) -> Step:
    """``step`` titled with the part's own label when the exercise gives one (``label: {en, zh}`` on the ask
    item: the part in the question's words, :func:`solver.i18n.part_label`); as it is otherwise."""
    if "label" in part.options:
        step.title = Msg("net.total.asked", part=part_label(part))
    return step


def part_step(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis],
              value: Any, n: Notation = GENERIC) -> Step:
    """The step that answers one part, in notation ``n`` (titled with the part's label if it has one)."""
    return asked(_part_step(ex, part, nets, analyses, value, n), part)


def _part_step(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis],
               value: Any, n: Notation = GENERIC) -> Step:
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
        return jump_step(analysis, at, at_name, value, n)
    return rf_step(analysis, at, at_name, value, n)
