"""Typical mistakes on networks with branches, for the grader's catalogue (grader/mistakes.py).

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.network.graph_solve import solve
    >>> g = solve(load_exercise("hw-q9-resnet18")).context["graphs"]["main"]
    >>> sorted(g.nodes[i].name for i in shortcut_nodes(g))[:2]
    ['layer2.0.downsample', 'layer2.0.downsample_bn']
"""
from __future__ import annotations

from typing import Any

from ..model import Part
from .graph import Graph
from .graph_answers import total_of, member_nodes, target



def shortcut_nodes(g: Graph) -> set[int]:
    """Nodes of the projection shortcuts: from the second input of each residual sum back to the residual's input."""
    out: set[int] = set()
    for grp in g.groups.values():
        if grp.kind != "residual":
            continue
        add = g.nodes[grp.output]
        stack = [add.inputs[1]] if len(add.inputs) > 1 else []
        while stack:
            i = stack.pop()
            if i == grp.input or i in out or i not in grp.nodes:
                continue
            out.add(i)
            stack.extend(g.nodes[i].inputs)
    return out


def shortcut_forgotten(gold: Any, part: Part) -> list[int]:
    """The grader's mistake: the parameters or MACs without those of the projection shortcuts."""
    from .solve import network_of
    graphs = gold.solution.context["graphs"]
    g = network_of(gold.exercise, part, graphs)
    key = "params" if part.quantity == "params" else "macs"
    nodes = member_nodes(g, target(gold.exercise, part, g))
    short = shortcut_nodes(g)
    dropped = total_of([n for n in nodes if n.index in short], key)
    if not dropped:
        return []
    return [total_of([n for n in nodes if n.index not in short], key) * (2 if part.quantity == "flops" else 1)]


NORMS = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "LayerNorm")


def norm_forgotten(gold: Any, part: Part) -> list[int]:
    """The grader's mistake: the parameters without those of the normalisation layers (BatchNorm's γ and β,
    2·C per layer; GroupNorm's and LayerNorm's likewise) — on any network, plain or branching."""
    from .solve import network_of
    graphs = gold.solution.context.get("graphs")
    if not graphs:
        return []
    g = network_of(gold.exercise, part, graphs)
    nodes = member_nodes(g, target(gold.exercise, part, g))
    norm = [n for n in nodes if n.layer is not None and n.layer.type.name in NORMS]
    if not norm or not total_of(norm, "params"):
        return []
    return [total_of([n for n in nodes if n not in norm], "params")]


def concat_added(gold: Any, part: Part) -> list[list[int]]:
    """The grader's mistake on a shape after a concatenation: the branches treated as added, not stacked —
    the stacked dimension keeps one branch's size (the largest) instead of the sum of them all
    (Inception: 256 = 64 + 128 + 32 + 32 channels, answered 128)."""
    from .graph_answers import node_at
    from .solve import network_of
    g = network_of(gold.exercise, part, gold.solution.context["graphs"])
    node = node_at(gold.exercise, part, g)
    if node.op != "cat" or len(node.in_shapes) < 2:
        return []
    wrong = list(node.out_shape)
    wrong[node.dim] = max(shape[node.dim] for shape in node.in_shapes)
    return [wrong] if wrong != list(node.out_shape) else []
