"""Networks with branches: reusable blocks, residual additions, concatenations and named nodes.

One primitive: a graph of nodes in creation order, each a layer (one input) or a merge (``add``: the
inputs' sum, shapes equal; ``cat``: the inputs stacked along a dimension, the others equal). Everything
else is written with it:

- ``{type: Residual, body: [...], shortcut: [...]}`` = body(x) + shortcut(x); no shortcut (or
  ``identity``) is x itself; ``shortcut: {when: "stride != 1", layers: [...]}`` projects only when the
  condition holds (``in_channels``, the channels reaching the block, may be used);
- ``{type: Concat, branches: [[...], [...]], dim: 1}`` = torch.cat([b(x) for b in branches], dim) (an
  empty branch is x itself, as in DenseNet);
- ``{type: Add|Cat, inputs: [a, b]}`` and ``from: a`` on any layer refer to named nodes (``input``: the
  input of the block, or of the network);
- ``when: "expand_ratio != 1"`` on any item keeps it only when the condition holds (a Python ``if``);
- ``blocks: {BasicBlock: {args: {planes: null, stride: 1}, layers: [...]}}`` defines a block once; it is
  used as ``{type: BasicBlock, planes: 128, stride: 2, repeat: 2, then: {stride: 1}, name: layer2}``, the
  uses after the first taking ``then``'s arguments, like torchvision's ``_make_layer``. In a block,
  ``"{planes * 4}"`` is an expression of its arguments.

Names are qualified like ``print(model)`` shows them: ``layer2.0.conv1``; a use with ``repeat`` names
its instances ``.0``, ``.1``, …; unnamed items are numbered from 1 (``at: 3`` is the third item).

Receptive field through a merge: the union of the windows of its inputs (left edge the smallest, right
edge the largest), which is the largest over the paths when the windows are nested; the jump must agree.

Example:
    >>> from solver.yamlio import parse_yaml
    >>> from solver.model import exercise_from_document
    >>> ex = exercise_from_document(parse_yaml('''
    ... id: r
    ... kind: network
    ... given:
    ...   input_shape: [8, 6, 6]
    ...   layers:
    ...     - {type: Residual, name: res, body: [{type: Conv2d, out_channels: 8, kernel_size: 3, padding: 1}]}
    ... ask: [{id: p, quantity: params}]
    ... ''', "r.yaml"))
    >>> g = read_graphs(ex)["main"]
    >>> [n.name for n in g.nodes], g.nodes[-1].out_shape, g.nodes[-1].rf
    (['input', 'res.body.1', 'res'], (8, 6, 6), (3, 3))
"""
from __future__ import annotations

import re
from typing import Any

from ..model import Exercise, check_keys
from ..record import factory, record
from . import sizes
from .analysis import LayerAnalysis
from .layers import LAYER_TYPES, Layer

MERGES = ("Add", "Cat")
STRUCTURES = ("Residual", "Concat")
GRAPH_KEYS = {"blocks"}                     # network fields beyond input_shape, layers, label
MAX_DEPTH = 16                              # blocks used inside blocks
_EXPR = re.compile(r"^\{(.+)\}$")


@record
class Node:
    index: int
    name: str
    op: str                                  # input, layer, add, cat
    inputs: tuple[int, ...]
    path: tuple
    in_shapes: list[tuple[int, ...]] = factory(list)
    out_shape: tuple[int, ...] = ()
    layer: Layer | None = None
    la: LayerAnalysis | None = None
    dim: int = 0                             # cat: position of the stacked dimension (no batch)
    params: int = 0
    macs: int = 0
    rf: tuple[int, ...] | None = None
    jump: tuple[int, ...] | None = None
    left: tuple[int, ...] | None = None      # left edge of unit 0's window on the input (padding makes it < 0)
    rf_undefined: str | None = None
    via: int | None = None                   # merges: the input whose window is the largest
    jumps_differ: bool = False
    groups: tuple[str, ...] = ()             # enclosing groups, outermost first


@record
class Group:
    """A named part of the graph: a block instance, a stage (a repeated use), a residual or a concat."""

    name: str
    kind: str                                # block, stage, residual, concat
    nodes: list[int]
    output: int = 0
    block: str | None = None
    args: dict[str, Any] = factory(dict)
    path: tuple = ()
    input: int = 0


@record
class Graph:
    name: str
    input_shape: tuple[int, ...]
    nodes: list[Node]
    groups: dict[str, Group]
    names: dict[str, int]                    # name → node whose output it is
    top: list[str]                           # top-level items in order (names)
    label: Any = None
    path: tuple = ("given",)

    @property
    def spatial_dims(self) -> int:
        return len(self.input_shape) - 1

    def members(self, name: str) -> list[int]:
        """Nodes a name covers: a group's nodes, or the one node."""
        return self.groups[name].nodes if name in self.groups else [self.names[name]]


def is_graph(given: dict[str, Any]) -> bool:
    """Whether ``given`` uses branches, blocks or the layers of :mod:`.layers_extra` (else the stack solver)."""
    from .layers_extra import EXTRA_TYPES
    extra = {t.name for t in EXTRA_TYPES} | set(MERGES) | set(STRUCTURES)
    nets = given.get("networks") if isinstance(given.get("networks"), dict) else {"main": given}
    if "blocks" in given:
        return True
    for net in nets.values():
        if not isinstance(net, dict):
            continue
        if "blocks" in net:
            return True
        for item in net.get("layers") or []:
            if isinstance(item, dict) and ("from" in item or item.get("type") in extra):
                return True
    return False


def _blocks(ex: Exercise, raw: Any, path: tuple, inherited: dict[str, Any]) -> dict[str, Any]:
    out = dict(inherited)
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise ex.error("blocks must map block names to {args, layers}", path)
    for name, spec in raw.items():
        where = path + (name,)
        if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise ex.error(f"a block name must be an identifier, got {name!r}", where)
        if name in LAYER_TYPES or name in MERGES + STRUCTURES:
            raise ex.error(f"'{name}' is a layer type: give the block another name", where)
        if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list) or not spec["layers"]:
            raise ex.error("a block is {args: {name: default or null}, layers: [a non-empty list]}", where)
        check_keys(ex, spec, ("args", "layers", "label"), where, has="a block has args, layers, label")
        args = spec.get("args") or {}
        if not isinstance(args, dict) or not all(isinstance(k, str) and k.isidentifier() for k in args):
            raise ex.error("args must map argument names to defaults (null: required)", where + ("args",))
        if "in_channels" in args:
            raise ex.error("in_channels is given by the graph (the channels reaching the block)", where + ("args",))
        out[name] = {"args": args, "layers": spec["layers"], "path": where}
    return out


def read_graph(ex: Exercise, name: str, raw: Any, path: tuple, shared: dict[str, Any]) -> Graph:
    from .solve import read_network
    if not isinstance(raw, dict):
        raise ex.error("a network is a mapping {input_shape, layers}", path)
    plain = {k: v for k, v in raw.items() if k != "blocks"}
    # input_shape, label and the bounds are read as for a stack; the layers are read below
    net = read_network(ex, name, dict(plain, layers=[{"type": "Identity"}]), path)
    blocks = _blocks(ex, raw.get("blocks"), path + ("blocks",), shared)
    if not isinstance(raw.get("layers"), list) or not raw["layers"]:
        raise ex.error("layers must be a non-empty list", path + ("layers",))
    from .graph_build import _Builder, _Scope
    b = _Builder(ex, blocks, net.input_shape)
    scope = _Scope("", 0, {}, {})
    top, outs = [], []
    x = 0
    for pos, item in enumerate(raw["layers"]):
        x = b.item(item, path + ("layers", pos), scope, x, pos + 1)
        local = item.get("name", pos + 1) if isinstance(item, dict) else pos + 1
        top.append(str(local))
        outs.append(x)
    for pos, x in enumerate(outs):
        b.names.setdefault(str(pos + 1), x)        # "3": the third item, unless a node has that name
    return Graph(name, net.input_shape, b.nodes, b.groups, b.names, top, net.label, path)


def read_graphs(ex: Exercise) -> dict[str, Graph]:
    """The networks of ``given`` as graphs (``blocks`` may sit next to ``networks`` and be shared)."""
    g = ex.given
    if "networks" in g:
        extra = set(g) - {"networks", "blocks"}
        if extra:
            raise ex.error(f"unknown field '{sorted(extra)[0]}' next to networks", ("given", sorted(extra)[0]))
        if not isinstance(g["networks"], dict) or not g["networks"]:
            raise ex.error("networks must map names to {input_shape, layers}", ("given", "networks"))
        shared = _blocks(ex, g.get("blocks"), ("given", "blocks"), {})
        return {str(k): read_graph(ex, str(k), v, ("given", "networks", k), shared)
                for k, v in g["networks"].items()}
    check_keys(ex, g, ("input_shape", "layers", "blocks", "label"), ("given",),
               has="given has input_shape, layers and blocks (or networks)")
    return {"main": read_graph(ex, "main", g, ("given",), {})}


def pad_before(layer: Layer, i: int) -> int:
    """Padding on the left/top of spatial dimension ``i`` (what shifts the window's left edge)."""
    a, fam = layer.args, layer.family
    if fam == "conv":
        pad = a["padding"]
        if pad == "same":
            return sizes.same_padding(a["kernel_size"][i], a["dilation"][i])[0]
        return 0 if pad == "valid" else pad[i]
    if fam in ("max_pool", "avg_pool"):
        return a["padding"][i]
    if fam == "zero_pad":
        dims = layer.type.dims or 1
        p = a["padding"]
        return p if isinstance(p, int) else p[2 * (dims - 1 - i)]
    return 0
