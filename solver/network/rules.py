"""The rules of ``kind: network``: what each part's answer is, computed from the analysis of the networks
(:func:`.analysis.analyse`); numbers only — the steps that explain them are in :mod:`.layer_steps` and
:mod:`.part_steps`.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.network.analysis import analyse
    >>> ex = load_exercise("hw-q3")
    >>> nets = read_networks(ex)
    >>> analyses = {name: analyse(net.input_shape, net.layers) for name, net in nets.items()}
    >>> {part.id: answer(ex, part, nets, analyses) for part in ex.ask if part.id in ("params", "macs_ratio")}
    {'params': 4640, 'macs_ratio': 9.0}
"""
from __future__ import annotations

from typing import Any

from ..i18n import Msg
from ..model import Exercise, Part
from .analysis import LayerAnalysis, NetworkAnalysis
from .reading import Network, layer_index, network_of, read_networks  # noqa: F401  (read_networks: the doctest)

COUNTED = ("params", "macs", "flops")


def count(la_list: list[LayerAnalysis], what: str) -> int:
    """Parameters, MACs or FLOPs (2 × MACs) of these layers."""
    total = sum(la.params if what == "params" else la.macs for la in la_list)
    return total * 2 if what == "flops" else total


def selected(analysis: NetworkAnalysis, at: int | None, per_layer: bool) -> list[LayerAnalysis]:
    """Layers a count covers: layer ``at`` alone for params/MACs/FLOPs, all layers otherwise."""
    if at is None:
        return analysis.layers
    return [analysis.layers[at - 1]] if per_layer else analysis.upto(at)


def rf_layer(ex: Exercise, part: Part, analysis: NetworkAnalysis, at: int | None) -> LayerAnalysis:
    """The layer whose receptive field (or jump) a part asks; an error naming the first layer after which it is
    not defined (a flatten, a linear layer, adaptive pooling…)."""
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


def ratio(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis]) -> float:
    """``of`` (params, MACs or FLOPs) of the numerator network over the denominator network's."""
    what = part.options["of"]
    num = network_of(ex, part, nets, "numerator")
    den = network_of(ex, part, nets, "denominator")
    a, b = count(analyses[num.name].layers, what), count(analyses[den.name].layers, what)
    if b == 0:
        raise ex.error(f"the denominator network has no {what}", ("ask", part.index, "denominator"))
    return a / b


def answer(ex: Exercise, part: Part, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis]) -> Any:
    """The JSON value of one part."""
    if part.quantity == "ratio":
        return ratio(ex, part, nets, analyses)
    net = network_of(ex, part, nets)
    analysis = analyses[net.name]
    at = layer_index(ex, part, net)
    q = part.quantity
    if q == "output_shape":
        return list(analysis.output_shape(at))
    if q in COUNTED:
        return count(selected(analysis, at, per_layer=True), q)
    last = rf_layer(ex, part, analysis, at)
    assert last.rf is not None and last.jump is not None
    return list(last.rf if q == "receptive_field" else last.jump)


def wanted_by_network(ex: Exercise, nets: dict[str, Network]) -> dict[str, set[str]]:
    """The quantities asked of each network (a ratio asks its ``of`` of both of its networks)."""
    want: dict[str, set[str]] = {name: set() for name in nets}
    for part in ex.ask:
        if part.quantity == "ratio":
            for key in ("numerator", "denominator"):
                want[str(part.options[key])].add(part.options["of"])
        else:
            want[network_of(ex, part, nets).name].add(part.quantity)
    return want
