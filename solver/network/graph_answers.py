"""The answer of each part of a network with branches (the steps that explain them are in :mod:`.graph_solve`).

``at:`` names a node, a block instance or a stage (or, as an integer N, the N-th top-level item): shapes,
receptive field and jump are taken at its output; parameters, MACs and FLOPs are summed over its nodes.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.network.graph import read_graphs
    >>> ex = load_exercise("hw-q9-resnet18")
    >>> g = read_graphs(ex)["main"]
    >>> total_of(member_nodes(g, "layer2"), "params"), total_of(member_nodes(g, "layer2.0.downsample"), "params")
    (525568, 8192)
"""
from __future__ import annotations

from typing import Any

from ..errors import suggest
from ..i18n import Msg
from ..model import Exercise, Part
from .graph import Graph, Node


def target(ex: Exercise, part: Part, g: Graph) -> str | None:
    """The node or group ``at`` names (an integer N: the N-th top-level item)."""
    at = part.options.get("at")
    path = ("ask", part.index, "at")
    if at is None:
        return None
    if isinstance(at, int) and not isinstance(at, bool):
        if 1 <= at <= len(g.top):
            return g.top[at - 1]
        raise ex.error(f"at must be an item number from 1 to {len(g.top)} or a node name, got {at}", path)
    if isinstance(at, str) and at in g.names:
        return at
    hint = suggest(at, [n for n in g.names if not n[-1:].isdigit()] + list(g.groups), n=3, quote=False)
    raise ex.error(f"no node named {at!r}{hint}", path)


def member_nodes(g: Graph, name: str | None) -> list[Node]:
    """The nodes of a node, block or stage ``name`` (None: every node but the input)."""
    return g.nodes[1:] if name is None else [g.nodes[i] for i in g.members(name)]




def total_of(nodes: list[Node], what: str) -> int:
    """Parameters, MACs or FLOPs (2 × MACs) of ``nodes``, summed."""
    total = sum(n.params if what == "params" else n.macs for n in nodes)
    return 2 * total if what == "flops" else total




def node_at(ex: Exercise, part: Part, g: Graph) -> Node:
    """The node whose output a part asks about (``at:``; the last node when not given)."""
    name = target(ex, part, g)
    return g.nodes[g.names[name]] if name else g.nodes[-1]




def answer(ex: Exercise, part: Part, graphs: dict[str, Graph]) -> Any:
    from .solve import network_of
    q = part.quantity
    if q == "ratio":
        what = part.options["of"]
        a = total_of(network_of(ex, part, graphs, "numerator").nodes, what)
        b = total_of(network_of(ex, part, graphs, "denominator").nodes, what)
        if b == 0:
            raise ex.error(f"the denominator network has no {what}", ("ask", part.index, "denominator"))
        return a / b
    g = network_of(ex, part, graphs)
    if q == "output_shape":
        return list(node_at(ex, part, g).out_shape)
    if q in ("params", "macs", "flops"):
        return total_of(member_nodes(g, target(ex, part, g)), q)
    node = node_at(ex, part, g)
    if node.rf is None or node.jump is None:
        reason = Msg(node.rf_undefined or "net.rf.undefined.flat_input").render("en")
        raise ex.error(f"{q} is not defined at {node.name}: {reason}", ("ask", part.index, "quantity"))
    return list(node.rf if q == "receptive_field" else node.jump)
