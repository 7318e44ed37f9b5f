"""Independent check of a network with branches, with PyTorch (imported here only).

A ``torch.nn.Module`` is built from the graph — one ``torch.nn`` module per layer node, built from its
arguments as PyTorch reads them; a sum node adds, a concatenation node calls ``torch.cat`` — and:

- one pass per graph (:mod:`.torch_count`): the module built without memory and run on an empty batch gives every
  node's output shape;
- parameters: ``numel`` of the trainable tensors of the modules of the asked nodes;
- MACs / FLOPs: the FLOPs of the ``conv``/``linear`` calls of the asked nodes' modules in that pass, by
  ``torch.utils.flop_counter``'s formulas (those of ``FlopCounterMode``, without importing ``torch._dynamo``), halved;
- receptive field and jump: a one-channel probe of the graph (all-ones kernels with each layer's kernel,
  stride, padding and dilation; pooling as a window sum; a sum or a concatenation adds its inputs) is
  back-propagated from one unit of the asked node and from its neighbour; the span of the non-zero gradient is
  the receptive field, the shift between the two spans the jump. All-ones kernels are separable, so each
  spatial dimension is probed on its own with a 1-D probe (the span of a union of rectangles along one axis is
  the span of the union of their sides).

Example:
    >>> from solver.yamlio import parse_yaml
    >>> from solver.model import exercise_from_document
    >>> from solver.network.graph_solve import solve
    >>> ex = exercise_from_document(parse_yaml('''
    ... id: r
    ... kind: network
    ... given:
    ...   input_shape: [2, 9, 9]
    ...   layers:
    ...     - type: Residual
    ...       body: [{type: Conv2d, out_channels: 4, kernel_size: 3, stride: 2, padding: 1}]
    ...       shortcut: [{type: Conv2d, out_channels: 4, kernel_size: 1, stride: 2}]
    ... ask: [{id: p, quantity: params}, {id: r, quantity: receptive_field}, {id: s, quantity: output_shape}]
    ... ''', "r.yaml"))
    >>> sol = solve(ex)
    >>> [c.ok for c in verify(ex, sol)], sol.answers["p"]
    ([True, True, True], 88)
"""
from __future__ import annotations

import warnings
from math import prod
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import Msg, Plain, Value
from ..model import Exercise
from ..steps import Check, Solution
from ..values import shape_text
from .graph import Graph, Node, pad_before
from .sizes import pool_output_size
from .graph_answers import member_nodes, node_at, target
from .torch_count import FlopCount, build as build_empty, empty_input, params as count_params

META_WORK = 1_000_000_000      # multiply-adds of a forward pass above which it runs on the meta device
META_SIZE = 20_000_000         # parameters, or entries of any node's output, above which too
BATCH = 2
PROBE_ELEMENTS = 1 << 22       # input length of the receptive-field probe (one dimension at a time)


def build_module(layer: Any) -> nn.Module:
    args = {k: tuple(v) if isinstance(v, list) else v for k, v in layer.args.items()}
    return getattr(nn, layer.type.name)(**args)


class GraphModule(nn.Module):
    """The graph as a module: ``forward`` returns every node's output."""

    def __init__(self, g: Graph) -> None:
        super().__init__()
        self.graph = g
        self.mods = nn.ModuleDict({str(n.index): build_module(n.layer) for n in g.nodes if n.op == "layer"})

    def forward(self, x: torch.Tensor, upto: int | None = None,
                flops: dict[int, int] | None = None) -> list[torch.Tensor]:
        """Every node's output; with ``flops``, each layer node's FLOPs per sample (:class:`.torch_count.FlopCount`)."""
        values = [x]
        for n in self.graph.nodes[1:(upto + 1 if upto is not None else None)]:
            ins = [values[i] for i in n.inputs]
            if n.op == "layer":
                module = self.mods[str(n.index)]
                if flops is not None:
                    with FlopCount() as fc:
                        y = module(ins[0])
                    flops[n.index] = fc.flops
                else:
                    y = module(ins[0])
            elif n.op == "add":
                y = ins[0]
                for other in ins[1:]:
                    y = y + other
            else:
                y = torch.cat(ins, dim=n.dim + 1)
            values.append(y)
        return values


def _device(g: Graph) -> str:
    params = sum(n.params for n in g.nodes)
    biggest = max(prod(n.out_shape) for n in g.nodes)
    work = sum(n.macs for n in g.nodes) + sum(prod(n.out_shape) * 9 for n in g.nodes)
    return "meta" if params > META_SIZE or biggest > META_SIZE or work > META_WORK else "cpu"


def _input(g: Graph, device: str) -> torch.Tensor:
    tokens = any(n.op == "layer" and n.layer.family == "embedding" and 0 in n.inputs for n in g.nodes)  # type: ignore
    dtype = torch.long if tokens else torch.float32
    return torch.zeros((BATCH,) + g.input_shape, dtype=dtype, device=device)


def _model(g: Graph, device: str) -> GraphModule:
    with torch.device(device):
        return GraphModule(g).eval()


# ---------------------------------------------------------------- receptive-field probe


def _probe(g: Graph, node: Node, dim: int, side: int) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The one-channel probe along spatial dimension ``dim`` (the windows are separable: a kernel of all ones
    is the product of one all-ones kernel per dimension, so each dimension's span is measured on its own)."""
    need = {node.index}
    for n in reversed(g.nodes[:node.index + 1]):
        if n.index in need:
            need.update(n.inputs)
    x = torch.zeros((1, 1, side), dtype=torch.float64, requires_grad=True)
    values: dict[int, torch.Tensor] = {0: x}
    for n in g.nodes[1:node.index + 1]:
        if n.index not in need:
            continue
        ins = [values[i] for i in n.inputs]
        if n.op != "layer":
            if len({t.shape for t in ins}) > 1:
                return None
            values[n.index] = sum(ins[1:], ins[0])
            continue
        assert n.la is not None and n.la.windows is not None and n.layer is not None
        w, fam, y = n.la.windows[dim], n.layer.family, ins[0]
        before = pad_before(n.layer, dim)
        if fam == "zero_pad":
            y = F.pad(y, [before, n.out_shape[1 + dim] - n.in_shapes[0][1 + dim] - before])
        elif w.k > 1 or w.s > 1 or before:
            span = w.d * (w.k - 1) + 1
            after = before
            if fam == "conv" and n.layer.args["padding"] == "same":
                after = span - 1 - before
            if fam in ("max_pool", "avg_pool") and n.layer.args["ceil_mode"]:   # PyTorch's last, partial window
                out = pool_output_size(y.shape[-1], w.k, w.s, before, w.d, True)
                after = max(before, (out - 1) * w.s + span - y.shape[-1] - before)
            # an all-ones kernel: the sum of every d-th entry of each window (what conv1d computes, but faster)
            y = F.pad(y, [before, after]).unfold(2, span, w.s)[..., ::w.d].sum(-1)
        values[n.index] = y
        if y.shape[-1] < 1:
            return None
    return x, values[node.index]


def measure(g: Graph, node: Node) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(receptive field, jump) at ``node`` by back-propagation, or None when no probe fits."""
    rf, jump = [], []
    for dim in range(g.spatial_dims):
        found = _measure_dim(g, node, dim)
        if found is None:
            return None
        rf.append(found[0])
        jump.append(found[1])
    return tuple(rf), tuple(jump)


def _measure_dim(g: Graph, node: Node, dim: int) -> tuple[int, int] | None:
    from ..receptive_probe import nonzero_span
    side, step = 16, (node.jump or (1,) * (dim + 1))[dim]
    while side < (node.rf or (1,) * (dim + 1))[dim] + 2 * step + 2:
        side *= 2
    previous = None
    while side <= PROBE_ELEMENTS:
        probe = _probe(g, node, dim, side)
        if probe is None or probe[1].shape[-1] < 3:
            side *= 2
            continue
        x, y = probe
        centre = y.shape[-1] // 2
        spans = []
        for unit in (centre, centre + 1):
            (grad,) = torch.autograd.grad(y[0, 0, unit], x, retain_graph=True)
            spans.append(nonzero_span(grad[0, 0], 0))
        if all(s is not None and 0 < s[0] and s[1] < side - 1 for s in spans):
            found = (spans[0][1] - spans[0][0] + 1, spans[1][0] - spans[0][0])  # type: ignore[index]
            if found == previous:
                return found
            previous = found
            side += 2 * step          # confirm on a slightly larger input: a clipped span would change
            continue
        previous = None
        side *= 2
    return None


# ---------------------------------------------------------------- checks


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    if "graphs" not in solution.context:
        from .verify import verify as verify_stack
        return verify_stack(ex, solution)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _verify(ex, solution)


class GraphPass:
    """What one PyTorch pass over the whole graph measured: every node's output shape, every layer node's FLOPs per
    sample and parameters."""

    def __init__(self, g: Graph) -> None:
        self.graph = g
        model = build_empty(lambda: GraphModule(g))
        x = _input(g, "cpu")
        self.flops: dict[int, int] = {}
        with torch.no_grad():
            values = model(empty_input(g.input_shape, x.dtype), flops=self.flops)
        self.shapes = [list(v.shape[1:]) for v in values]
        self.params = {int(key): count_params(m) for key, m in model.mods.items()}

    def total(self, what: str, name: str | None) -> int:
        values = self.flops if what == "flops" else self.params
        return sum(values.get(n.index, 0) for n in member_nodes(self.graph, name))


def _pass(passes: dict[str, GraphPass], g: Graph) -> GraphPass:
    if g.name not in passes:
        passes[g.name] = GraphPass(g)
    return passes[g.name]


def _verify(ex: Exercise, solution: Solution) -> list[Check]:
    from .solve import network_of
    graphs: dict[str, Graph] = solution.context["graphs"]
    checks: list[Check] = []
    probes: dict[tuple[str, int], Any] = {}
    passes: dict[str, GraphPass] = {}
    for part in ex.ask:
        ours, q = solution.answers[part.id], part.quantity
        if q == "ratio":
            what = part.options["of"]
            got_pair = []
            for key in ("numerator", "denominator"):
                g = graphs[str(part.options[key])]
                got_pair.append(_pass(passes, g).total("params", None) if what == "params" else
                                _pass(passes, g).total("flops", None) * (2 if what == "flops" else 1))
            got = got_pair[0] / got_pair[1]
            checks.append(Check("torch", part.id, abs(got - ours) <= 1e-12 * max(1.0, abs(got)),
                                Msg("net.check.ratio", got=Value(got))))
            continue
        g = network_of(ex, part, graphs)
        name = target(ex, part, g)
        if q == "output_shape":
            node = node_at(ex, part, g)
            shape = _pass(passes, g).shapes[node.index]
            checks.append(Check("torch", part.id, shape == ours, Msg("net.check.shape", got=Plain(shape_text(shape)))))
        elif q == "params":
            got = _pass(passes, g).total("params", name)
            msg = Msg("graph.check.params_at", name=Plain(name), got=got) if name else Msg("net.check.params", got=got)
            checks.append(Check("torch", part.id, got == ours, msg))
        elif q in ("macs", "flops"):
            flops = _pass(passes, g).total("flops", name)
            got = flops // 2 if q == "macs" else flops
            msg = Msg("net.check.macs", flops=flops, got=got) if q == "macs" else Msg("net.check.flops", got=got)
            checks.append(Check("torch", part.id, got == ours, msg))
        else:
            node = node_at(ex, part, g)
            if (g.name, node.index) not in probes:
                probes[(g.name, node.index)] = measure(g, node)
            measured = probes[(g.name, node.index)]
            if measured is None:
                checks.append(Check("torch", part.id, False, Msg("net.check.probe_small")))
                continue
            got_rf = measured[0] if q == "receptive_field" else measured[1]
            key = "net.check.rf" if q == "receptive_field" else "net.check.jump"
            checks.append(Check("torch", part.id, list(got_rf) == ours, Msg(key, got=Plain(shape_text(got_rf)))))
    return checks
