"""The network solver: answers and steps for ``kind: network`` (a plain stack of layers; networks with branches
go through :mod:`.graph_solve`, which hands a plain stack here).

The work is split by what it does: :mod:`.reading` reads and checks the networks and the parts, :mod:`.rules`
computes each part's answer, :mod:`.layer_steps` and :mod:`.part_steps` explain them; this module puts the
solution together (plan, conventions, steps). The names other modules use are importable from here too.

Example:
    >>> from solver.bank import load_exercise
    >>> sol = solve(load_exercise("hw-q3"))
    >>> sol.answers["params"]
    4640
"""
from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..i18n import Msg, Plain, Sep
from ..model import Exercise
from ..record import record
from ..steps import Solution, Step
from ..values import shape_text
from .analysis import NetworkAnalysis, analyse
from .layer_steps import layer_steps, table
from .part_steps import label, part_step
from .reading import (DEFAULT, PART_OPTIONS, QUANTITIES, Network, check_part, layer_index, located,  # noqa: F401
                      network_of, read_network, read_networks)
from .receptive import GENERIC, Notation, notation_for
from .rules import answer, wanted_by_network

__all__ = ["solve", "Network", "read_network", "read_networks", "layer_index", "network_of", "answer", "QUANTITIES",
           "PART_OPTIONS", "DEFAULT"]


def analyse_all(ex: Exercise, nets: dict[str, Network]) -> dict[str, NetworkAnalysis]:
    """Each network walked layer by layer; an impossible layer is reported at its place in the file."""
    analyses: dict[str, NetworkAnalysis] = {}
    for name, net in nets.items():
        try:
            analyses[name] = analyse(net.input_shape, net.layers)
        except InputError as exc:
            raise located(ex, exc, net.path) from None
    return analyses


def plan(ex: Exercise, nets: dict[str, Network], wanted: set[str], n: Notation = GENERIC) -> list[Any]:
    """The approach: walk the network(s), the rules of the asked counts, and how each answer is checked."""
    shapes = " / ".join(dict.fromkeys(shape_text(n.input_shape) for n in nets.values()))
    out: list[Any] = [Msg("net.plan.walk", shape=Plain(shapes))]
    if "params" in wanted:
        out.append(Msg("net.plan.params"))
    if wanted & {"macs", "flops"}:
        out.append(Msg("net.plan.macs"))
    if wanted & {"receptive_field", "jump"}:
        out.append(Msg(n.key("net.plan.rf")))
    if any(p.quantity == "ratio" for p in ex.ask):
        out.append(Msg("net.plan.ratio"))
    methods = [Msg("net.verify.shape")]
    if wanted & {"params", "ratio"}:
        methods.append(Msg("net.verify.params"))
    if wanted & {"macs", "flops", "ratio"}:
        methods.append(Msg("net.verify.macs"))
    if wanted & {"receptive_field", "jump"}:
        methods.append(Msg("net.verify.rf"))
    out.append(Msg("net.plan.verify", methods=Sep(tuple(methods))))
    return out


@record(frozen=True)
class Conventions:
    """The conventions that matter, rendered as one sentence; ``parts`` are the clauses (a booklet states each
    distinct clause once in its front matter)."""

    parts: tuple[Msg, ...]

    def render(self, lang: str) -> str:
        return Msg("net.cv.sentence", items=Sep(self.parts)).render(lang)


def _rounding(sizes: list) -> list[str]:
    """``net.cv.floor`` or ``net.cv.ceil`` when one of these output sizes is rounded (a division that is not
    exact); an exact division needs no convention."""
    inexact = [c for c in sizes if (c.n_in + c.p - c.d * (c.k - 1) - 1) % c.s]
    if not inexact:
        return []
    return ["net.cv.ceil" if any(c.ceil for c in inexact) else "net.cv.floor"]


def _counted(layers: dict[str, list], want_by_net: dict[str, set[str]], what: set[str]) -> list:
    """The layers of the networks of which one of ``what`` is asked."""
    return [layer for name, net_layers in layers.items() if want_by_net[name] & what for layer in net_layers]


def _layout_clauses(ex: Exercise, wanted: set[str], graph: bool) -> list[str]:
    """The numbering when a part names a layer by its number (in a network with branches, how its nodes are named
    when a part names one); the shape's layout when a shape is asked."""
    at = [p.options.get("at") for p in ex.ask]
    numbered = any(isinstance(a, int) and not isinstance(a, bool) for a in at)
    named = graph and any(isinstance(a, str) for a in at)
    return ["net.cv.at"] * numbered + ["net.cv.names"] * named + ["net.cv.shape"] * ("output_shape" in wanted)


def _size_clauses(layers: dict[str, list], sizes: list, want_by_net: dict[str, set[str]],
                  wanted: set[str]) -> list[str]:
    """The padding per side and the rounding, when an asked quantity follows the sizes (a shape, MACs, or the
    parameters of a linear layer, whose input size is a flattened feature map)."""
    sized = wanted & {"output_shape", "macs", "flops"} or any(
        layer.family == "linear" for layer in _counted(layers, want_by_net, {"params"}))
    if not sized:
        return []
    sizes = [c for c in sizes if c.rule in ("conv", "pool")]
    return ["net.cv.pad"] * any(c.p for c in sizes) + _rounding(sizes)


def _count_clauses(layers: dict[str, list], want_by_net: dict[str, set[str]], wanted: set[str]) -> list[str]:
    """Biases and the normalisations' γ, β when parameters are counted and there are some (an embedding's table);
    what a MAC is (and that bias additions are not MACs, when there are biases) when MACs or FLOPs are asked;
    FLOPs = 2 MACs for FLOPs."""
    def has_bias(group: list) -> bool:
        return any(layer.args.get("bias") for layer in group if layer.family in ("conv", "conv_transpose", "linear"))
    items = []
    with_params = _counted(layers, want_by_net, {"params"})
    families = {layer.family for layer in with_params}
    bias, batch_norm = has_bias(with_params), "batch_norm" in families
    if bias or batch_norm:
        items.append("net.cv.bias_bn" if bias and batch_norm else "net.cv.bias" if bias else "net.cv.bn")
    items += ["net.cv.norm"] * bool(families & {"layer_norm", "group_norm"}) + \
        ["net.cv.embedding"] * ("embedding" in families)
    with_macs = _counted(layers, want_by_net, {"macs", "flops"})
    if with_macs:
        items.append("net.cv.macs_bias" if has_bias(with_macs) else "net.cv.macs")
    return items + ["net.cv.flops"] * ("flops" in wanted)


def conventions(ex: Exercise, layers: dict[str, list], sizes: list, want_by_net: dict[str, set[str]],
                n: Notation = GENERIC, graph: bool = False, branches: bool = False) -> list[Step]:
    """One sentence naming only the conventions the asked quantities depend on (issue 14), in notation ``n``; no
    step when none matters. ``layers``: each network's layers; ``sizes``: every output-size calculation of them;
    ``graph``: networks in the format with blocks and branches (:mod:`.graph_solve`), ``branches``: with sums or
    concatenations (whose receptive field is a union). The one place for plain stacks and networks with branches."""
    wanted = set().union(*want_by_net.values())
    rf = bool(wanted & {"receptive_field", "jump"})
    items = _layout_clauses(ex, wanted, graph) + _size_clauses(layers, sizes, want_by_net, wanted) \
        + _count_clauses(layers, want_by_net, wanted) + ["net.cv.rf"] * rf + ["net.cv.union"] * (rf and branches)
    if not items:
        return []
    return [Step(Msg("net.cv.title"), text=Conventions(tuple(Msg(n.key(key)) for key in items)),
                 rule="network.conventions")]


def network_steps(ex: Exercise, nets: dict[str, Network], analyses: dict[str, NetworkAnalysis],
                  answers: dict[str, Any], want_by_net: dict[str, set[str]], n: Notation = GENERIC) -> list[Step]:
    """Per network: its layers, its table and the steps of the parts asked of it (grouped under the network's
    name when there are several); then the ratios, which span two networks. Formulas and the sentences that name
    letters are in notation ``n``."""
    steps: list[Step] = []
    for name, net in nets.items():
        want = want_by_net[name] or {"output_shape"}
        body = layer_steps(analyses[name], want, n) + [table(analyses[name], want, n)]
        body += [part_step(ex, p, nets, analyses, answers[p.id], n) for p in ex.ask
                 if p.quantity != "ratio" and network_of(ex, p, nets).name == name]
        if len(nets) > 1:
            steps.append(Step(Msg("net.network.title", name=label(net)), children=body, rule="network"))
        else:
            steps += body
    steps += [part_step(ex, p, nets, analyses, answers[p.id], n) for p in ex.ask if p.quantity == "ratio"]
    return steps


def solve(ex: Exercise) -> Solution:
    """Solve a ``kind: network`` exercise (no verification; see :mod:`.verify`), in the notation of its source
    (:func:`.receptive.notation_for`: Li Hang ch. 24 writes F, S, P, I and R(l); PyTorch's k, s, p, J otherwise)."""
    for part in ex.ask:
        check_part(ex, part)
    nets = read_networks(ex)
    analyses = analyse_all(ex, nets)
    answers = {part.id: answer(ex, part, nets, analyses) for part in ex.ask}
    want_by_net = wanted_by_network(ex, nets)
    wanted = set().union(*want_by_net.values())
    n = notation_for(ex.source)
    sizes = [c for analysis in analyses.values() for la in analysis.layers for c in la.sizes]
    steps = conventions(ex, {name: net.layers for name, net in nets.items()}, sizes, want_by_net, n) \
        + network_steps(ex, nets, analyses, answers, want_by_net, n)
    return Solution(ex, plan(ex, nets, wanted, n), steps, answers, context={"networks": nets, "analyses": analyses})
