"""Independent check of network answers with PyTorch (imported here only).

- one pass per network (:mod:`.torch_count`): ``nn.Sequential`` built by ``torch.nn`` from the layers' arguments
  (without memory), run on an empty batch, gives every layer's output shape;
- parameters: ``sum(p.numel() for p in model.parameters() if p.requires_grad)``;
- MACs / FLOPs: the FLOPs of every ``conv``/``linear`` call of that pass by ``torch.utils.flop_counter``'s formulas
  (those of ``FlopCounterMode``, without importing ``torch._dynamo``; MACs are half);
- receptive field and jump: a probe network with the same windows (kernel, stride, padding,
  dilation; pooling becomes a window sum so that the gradient reaches every input of the window)
  is back-propagated from one output unit and from its neighbour; the span of the non-zero
  gradient is the receptive field, the shift between the two spans the jump.  The probe input is
  enlarged until the span lies strictly inside it, so borders cannot clip the measurement.

No layer multiplies anything, so large models cost what small ones cost.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.network.solve import solve
    >>> sol = solve(load_exercise("hw-q2"))
    >>> all(c.ok for c in verify(sol.exercise, sol))
    True
"""
from __future__ import annotations

import warnings
from math import prod
from typing import Any

import torch
from torch import nn

from ..i18n import Msg, Plain, Value
from ..model import Exercise
from ..receptive_probe import ProbeTooLarge, measure_window
from ..steps import Check, Solution
from ..values import shape_text
from .analysis import NetworkAnalysis
from .layers import Layer
from .receptive import closed_form, recurrence
from .solve import Network, layer_index, network_of
from .torch_count import FlopCount, build as build_empty, empty_input, params as count_params

META_PARAMS = 20_000_000   # above this many parameters, or entries of the input or of any layer's output…
META_WORK = 1_000_000_000  # …or multiply-adds/window reads of a forward pass, run on the meta device
BATCH = 2                  # BatchNorm with batch statistics refuses a batch of one value per channel


def build_layer(layer: Layer) -> nn.Module:
    """The ``torch.nn`` module the layer describes (arguments as validated, channels inferred)."""
    cls = getattr(nn, layer.type.name)
    return cls(**dict(layer.args))


def build(net: Network, upto: int | None = None, device: str = "cpu") -> nn.Sequential:
    layers = net.layers if upto is None else net.layers[:upto]
    with torch.device(device):
        model = nn.Sequential(*(build_layer(l) for l in layers))
    return model.eval()


def _work(la: Any) -> int:
    """Multiply-adds of a layer, or for a pooling layer the window entries it reads."""
    if la.layer.family in ("max_pool", "avg_pool"):
        return prod(la.out_shape) * prod(la.layer.args["kernel_size"])
    if la.layer.family == "adaptive_pool":
        return 2 * prod(la.in_shape)
    return la.macs


def _device(analysis: NetworkAnalysis) -> str:
    """``meta`` (shapes and counts, no memory, no arithmetic) when the parameters, the input, any layer's output
    or the work of a forward pass is large; ``cpu`` otherwise."""
    params = sum(la.params for la in analysis.layers)
    elements = max([prod(analysis.input_shape)] + [prod(la.out_shape) for la in analysis.layers])
    work = sum(_work(la) for la in analysis.layers)
    return "meta" if params > META_PARAMS or elements > META_PARAMS or work > META_WORK else "cpu"


class Pass:
    """What one PyTorch pass over the whole network measured, layer by layer (index 0: the input)."""

    def __init__(self, net: Network) -> None:
        model = build_empty(lambda: nn.Sequential(*(build_layer(l) for l in net.layers)))
        x = empty_input(net.input_shape)
        self.shapes, self.flops, self.params = [list(x.shape[1:])], [0], [0]
        with torch.no_grad():
            for module in model:
                with FlopCount() as counter:
                    x = module(x)
                self.shapes.append(list(x.shape[1:]))
                self.flops.append(counter.flops)
                self.params.append(count_params(module))

    def at(self, what: str, at: int | None) -> Any:
        values = getattr(self, what)
        if what == "shapes":
            return values[-1 if at is None else at]
        return sum(values) if at is None else values[at]


def _pass(passes: dict[str, Pass], net: Network) -> Pass:
    if net.name not in passes:
        passes[net.name] = Pass(net)
    return passes[net.name]


def _probe_layers(net: Network, analysis: NetworkAnalysis, at: int | None) -> list[dict[str, Any]]:
    """The windows of layers 1..at as (kernel, stride, padding, dilation) per dimension."""
    out = []
    for la in analysis.upto(at):
        layer = la.layer
        a, fam = layer.args, layer.family
        dims = analysis.spatial_dims
        if fam in ("conv", "max_pool", "avg_pool"):
            pad = a["padding"]
            if pad == "same":
                pad = "same"
            elif pad == "valid":
                pad = (0,) * dims
            out.append({"kernel": a["kernel_size"], "stride": a["stride"], "padding": pad,
                        "dilation": a.get("dilation", (1,) * dims)})
        elif fam == "adaptive_pool":
            steps = tuple(c.n_in // c.n_out for c in la.sizes)
            out.append({"kernel": steps, "stride": steps, "padding": (0,) * dims, "dilation": (1,) * dims})
    return out


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    with warnings.catch_warnings():      # PyTorch's advisory warnings (Dropout2d on 3-D input…) are not ours to show
        warnings.simplefilter("ignore")
        return _verify(ex, solution)


def _verify(ex: Exercise, solution: Solution) -> list[Check]:
    """One ``by: torch`` check per part (plus the closed-form agreement for receptive fields)."""
    nets: dict[str, Network] = solution.context["networks"]
    analyses: dict[str, NetworkAnalysis] = solution.context["analyses"]
    checks: list[Check] = []
    passes: dict[str, Pass] = {}
    for part in ex.ask:
        ours = solution.answers[part.id]
        q = part.quantity
        if q == "ratio":
            what = part.options["of"]
            counts = []
            for key in ("numerator", "denominator"):
                net = nets[str(part.options[key])]
                measured = _pass(passes, net)
                counts.append(measured.at("params", None) if what == "params"
                              else measured.at("flops", None) // (2 if what == "macs" else 1))
            got = counts[0] / counts[1]
            ok = abs(got - ours) <= 1e-12 * max(1.0, abs(got))
            checks.append(Check("torch", part.id, ok, Msg("net.check.ratio", got=Value(got))))
            continue
        net = network_of(ex, part, nets)
        analysis = analyses[net.name]
        at = layer_index(ex, part, net)
        if q == "output_shape":
            got_shape = _pass(passes, net).at("shapes", at)
            checks.append(Check("torch", part.id, got_shape == ours,
                                Msg("net.check.shape", got=Plain(shape_text(got_shape)))))
        elif q == "params":
            got = _pass(passes, net).at("params", at)
            checks.append(Check("torch", part.id, got == ours, Msg("net.check.params", got=got)))
        elif q in ("macs", "flops"):
            flops = _pass(passes, net).at("flops", at)
            got = flops // 2 if q == "macs" else flops
            msg = Msg("net.check.macs", flops=flops, got=got) if q == "macs" else Msg("net.check.flops", got=got)
            checks.append(Check("torch", part.id, got == ours, msg))
        else:
            try:
                measured = measure_window(_probe_layers(net, analysis, at), analysis.spatial_dims)
            except ProbeTooLarge as exc:
                raise ex.error(f"the {q.replace('_', ' ')} cannot be checked by back-propagation: {exc}; "
                               "solve with --no-verify", ("ask", part.index)) from None
            if measured is None:
                checks.append(Check("torch", part.id, False, Msg("net.check.probe_small")))
                continue
            rf, jump = measured
            got = rf if q == "receptive_field" else jump
            key = "net.check.rf" if q == "receptive_field" else "net.check.jump"
            checks.append(Check("torch", part.id, list(got) == ours, Msg(key, got=Plain(shape_text(got)))))
            if q == "receptive_field":
                stacks = [[la.windows[i] for la in analysis.upto(at) if la.windows is not None]
                          for i in range(analysis.spatial_dims)]
                closed = [closed_form(s) for s in stacks]
                rec = [recurrence(s)[-1][0] if s else 1 for s in stacks]
                checks.append(Check("closed_form", part.id, closed == rec == ours,
                                    Msg("net.check.closed_form", got=Plain(shape_text(closed)),
                                        want=Plain(shape_text(rec)))))
    return checks
