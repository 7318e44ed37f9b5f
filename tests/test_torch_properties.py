"""Property tests: every network quantity the solver computes agrees with PyTorch.

Random networks of every layer type in ``LAYER_TYPES`` are written as the dicts a user writes in an
exercise file. The reference is built *from the same dicts* with ``torch.nn`` directly (``in_channels``,
``in_features`` and ``num_features`` taken from the tensor reaching the layer); it never goes through
``solver.network.verify``. Compared, layer by layer:

- output shape: a forward pass on a batch of two;
- parameters: ``numel`` of the trainable tensors;
- MACs: ``torch.utils.flop_counter.FlopCounterMode`` FLOPs / 2 (per sample);
- receptive field and jump: measured on the real layers by *perturbation*. Convolution weights are set
  to 1 and biases to 0, elementwise layers (activations, dropout, batch-statistics BatchNorm) become
  ReLU, which leaves the set of inputs a unit depends on unchanged while keeping every value
  non-negative. The input is zero except for one hyperplane (all channels, one index along the measured
  axis) per batch element; a unit depends on that index exactly when it becomes non-zero. Max pooling
  stays a real max pool (with its dilation and ceil_mode): the max of a window is positive exactly when
  the window holds a perturbed value. This is independent of ``solver.receptive_probe``, which rebuilds
  windows from the solver's own analysis. Borders are handled by enlarging the measured axis until two
  sizes give the same answer with both probed units away from the border; when an adaptive pool makes
  the geometry depend on the input size, the input cannot be enlarged and only ``measured <= computed``
  is required.

And the validation property: for random configurations, valid or not, ``parse_layer`` + ``analyse``
raise :class:`InputError` exactly when PyTorch refuses the configuration. "Refuses" means an exception
from the constructor or the forward pass, or a spatial layer that would only run by reading the batch
as an unbatched input (``Conv2d`` on ``(N, C, L)``), which PyTorch documents as a different input.
The reference runs a batch of two: ``BatchNorm`` with batch statistics refuses a batch of one value per
channel, and the tool's shapes carry no batch size. Deliberate differences, pinned by
``test_deliberately_stricter_than_torch``: flattening the batch dimension (``start_dim`` 0, not drawn
here), booleans where a number is due; and a layer whose output has a size-0 dimension (a
``ConvTranspose`` whose padding eats the whole output: PyTorch returns an empty tensor) counts as refused.

Finally the whole pipeline: ``solve`` plus the tool's own verifier on random networks must report every
check as passed (a false alarm would make ``solve`` exit 1 on a correct answer).

Fast defaults run in seconds; ``pytest --runslow`` (or ``-m slow``) adds 1,500-example variants.
"""
from __future__ import annotations

import copy
import json
import math
import warnings
from typing import Any

import pytest
import torch
import hypothesis
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from solver.errors import InputError
from solver.network.analysis import analyse
from solver.network.layers import LAYER_TYPES, parse_layer

BATCH = 2
FAST = settings(max_examples=150, deadline=None)
SLOW = settings(max_examples=1500, deadline=None)

ELEMENTWISE = ("ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Identity", "Dropout", "Dropout1d", "Dropout2d")
# The batched input rank PyTorch documents for layers that would otherwise read the batch as unbatched.
BATCHED_RANK = {"Conv1d": 3, "Conv2d": 4, "ConvTranspose1d": 3, "ConvTranspose2d": 4,
                "MaxPool1d": 3, "MaxPool2d": 4, "AvgPool1d": 3, "AvgPool2d": 4,
                "AdaptiveAvgPool1d": 3, "AdaptiveAvgPool2d": 4, "AdaptiveMaxPool1d": 3, "AdaptiveMaxPool2d": 4}


# ====================================================================== the reference (torch only)


def note(message: str) -> None:
    """hypothesis.note inside a property, nothing in a plain test."""
    if hypothesis.currently_in_test_context():
        hypothesis.note(message)


def torch_layer(raw: dict[str, Any], x: torch.Tensor) -> nn.Module:
    """The ``torch.nn`` module a layer dict names, inferred sizes taken from ``x`` (batched)."""
    kwargs = {k: v for k, v in raw.items() if k not in ("type", "name")}
    name = raw["type"]
    if name.startswith("Conv"):
        kwargs.setdefault("in_channels", x.shape[1])
    elif name.startswith("BatchNorm"):
        kwargs.setdefault("num_features", x.shape[1])
    elif name == "Linear":
        kwargs.setdefault("in_features", x.shape[-1])
    return getattr(nn, name)(**kwargs).eval()


def torch_run(input_shape, raws, batch: int = BATCH):
    """Forward pass layer by layer: (modules, inputs of each layer, final output)."""
    x = torch.zeros((batch,) + tuple(input_shape))
    modules, inputs = [], []
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for raw in raws:
            rank = BATCHED_RANK.get(raw["type"])
            if rank is not None and x.dim() != rank:
                raise ValueError(f"{raw['type']} expects a batched input of rank {rank}, got {x.dim()}")
            m = torch_layer(raw, x)
            inputs.append(x)
            x = m(x)
            if x.numel() == 0:
                raise ValueError(f"{raw['type']} gives an empty output {tuple(x.shape)}")
            modules.append(m)
    return modules, inputs, x


def torch_refusal(input_shape, raws) -> str | None:
    try:
        torch_run(input_shape, raws)
    except Exception as exc:  # noqa: BLE001 - any refusal counts
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def torch_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters() if p.requires_grad)


def torch_flops(m: nn.Module, x: torch.Tensor) -> int:
    with torch.no_grad(), warnings.catch_warnings(), FlopCounterMode(display=False) as counter:
        warnings.simplefilter("ignore")
        m(x)
    return int(counter.get_total_flops())


def _probe_module(raw: dict[str, Any], x: torch.Tensor) -> nn.Module:
    name = raw["type"]
    if name in ELEMENTWISE or (name.startswith("BatchNorm") and raw.get("track_running_stats") is False):
        return nn.ReLU()          # elementwise: same dependence, keeps values >= 0, no batch mixing
    m = torch_layer(raw, x)
    with torch.no_grad():
        for p_name, p in m.named_parameters():
            p.fill_(1.0 if p_name == "weight" else 0.0)
    return m


def _dependence(input_shape, raws, sizes, axis: int) -> tuple[torch.Tensor, int] | None:
    """dep[i, o]: does output index o (along ``axis``) depend on input index i? Inputs of size ``sizes``."""
    channels, n = input_shape[0], sizes[axis]
    if n * channels * math.prod(sizes) > 3_000_000:
        return None
    x = torch.zeros((n, channels) + tuple(sizes))
    index = torch.arange(n)
    view = x.movedim(2 + axis, 1)                     # (n, n_axis, C, ...), shares memory with x
    view[index, index] = 1.0
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = x
        for raw in raws:
            # a max-pool window lying wholly in the padding gives -inf: it depends on nothing
            y = torch.nan_to_num(_probe_module(raw, y)(y), neginf=0.0)
    assert bool((y >= 0).all())
    out = y.movedim(2 + axis, 1).abs()
    dep = out.reshape(n, out.shape[1], -1).sum(-1) > 0  # (input index, output index)
    return dep, n


def _span(dep: torch.Tensor, unit: int) -> tuple[int, int] | None:
    idx = torch.nonzero(dep[:, unit]).flatten()
    return (int(idx[0]), int(idx[-1])) if len(idx) else None


def measure_axis(input_shape, raws, sizes, axis: int):
    """(rf, jump, inside) of the centre unit along ``axis`` (rf and jump None when not measured), or None
    when the probe would be too large."""
    got = _dependence(input_shape, raws, sizes, axis)
    if got is None:
        return None
    dep, n = got
    outputs = dep.shape[1]
    centre = (outputs - 1) // 2
    units = [centre, centre + 1] if outputs >= 2 else [centre]
    spans = [_span(dep, u) for u in units]
    if any(span is None for span in spans):
        return None, None, False                      # a unit reading only padding: try a larger input
    rf = spans[0][1] - spans[0][0] + 1
    jump = spans[1][0] - spans[0][0] if len(spans) == 2 else None
    inside = all(lo >= 1 and hi <= n - 2 for lo, hi in spans)
    return rf, jump, inside


def measure_rf(input_shape, raws):
    """Per spatial axis: ('exact', rf, jump) or ('bound', rf) or None (not measurable)."""
    sizes = list(input_shape[1:])
    adaptive = any(r["type"].startswith("Adaptive") for r in raws)
    result = []
    for axis in range(len(sizes)):
        if adaptive:
            # circular padding makes a border unit depend on the far side of the input: no bound then
            circular = any(r.get("padding_mode") == "circular" for r in raws)
            m = None if circular else measure_axis(input_shape, raws, sizes, axis)
            result.append(None if m is None or m[0] is None else ("bound", m[0]))
            continue
        previous, found = None, None
        n = sizes[axis]
        for _ in range(8):
            trial = list(sizes)
            trial[axis] = n
            m = measure_axis(input_shape, raws, trial, axis)
            if m is None:
                break
            if m[2] and m[1] is not None and previous is not None and m[:2] == previous:
                found = ("exact", m[0], m[1])
                break
            previous = m[:2] if m[2] else None
            n = 2 * n + 7
        result.append(found)
    return result


# ====================================================================== random valid networks


def _written(draw, values: tuple[int, ...]):
    """An int when every dimension agrees (sometimes), else a list — both are valid file syntax."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return list(values)


def _divisors(n: int) -> list[int]:
    return [g for g in range(1, n + 1) if n % g == 0]


def _channels(draw, raw, c_in, key="in_channels"):
    if draw(st.integers(0, 3)) == 0:
        raw[key] = c_in
    return raw


def _groups_and_out(draw, c_in: int, cap: int = 12) -> tuple[int, int]:
    mode = draw(st.sampled_from(["plain", "plain", "grouped", "depthwise"]))
    if mode == "depthwise":
        g = c_in
    elif mode == "grouped":
        g = draw(st.sampled_from(_divisors(c_in)))
    else:
        g = 1
    mult = draw(st.integers(1, max(1, cap // g)))
    return g, g * mult


def gen_conv(draw, name, shape):
    dims = len(shape) - 1
    c_in, sizes = shape[0], shape[1:]
    g, c_out = _groups_and_out(draw, c_in)
    k = [draw(st.integers(1, 4)) for _ in range(dims)]
    s = [draw(st.integers(1, 3 if dims == 1 else 2)) for _ in range(dims)]
    d = [draw(st.integers(1, 3 if dims == 1 else 2)) for _ in range(dims)]
    pad_kind = draw(st.sampled_from(["int", "int", "int", "same", "valid"]))
    if pad_kind == "same":
        s = [1] * dims
        total = [d[i] * (k[i] - 1) for i in range(dims)]
        sides = [(t // 2, t - t // 2) for t in total]
        padding: Any = "same"
    else:
        p = [0] * dims if pad_kind == "valid" else [draw(st.integers(0, 3)) for _ in range(dims)]
        for i in range(dims):                       # shrink the window until it fits the padded input
            while d[i] * (k[i] - 1) + 1 > sizes[i] + 2 * p[i]:
                if d[i] > 1:
                    d[i] -= 1
                else:
                    k[i] -= 1
        sides = [(v, v) for v in p]
        padding = "valid" if pad_kind == "valid" else _written(draw, tuple(p))
    mode = draw(st.sampled_from(["zeros"] * 5 + ["reflect", "replicate", "circular"]))
    if mode == "reflect" and any(max(sd) >= n for sd, n in zip(sides, sizes)):
        mode = "zeros"
    if mode == "circular" and any(max(sd) > n for sd, n in zip(sides, sizes)):
        mode = "zeros"
    raw = {"type": name, "out_channels": c_out, "kernel_size": _written(draw, tuple(k))}
    if any(v != 1 for v in s) or draw(st.booleans()):
        raw["stride"] = _written(draw, tuple(s))
    if padding != 0 and padding != [0] * dims or draw(st.booleans()):
        raw["padding"] = padding
    if any(v != 1 for v in d) or draw(st.booleans()):
        raw["dilation"] = _written(draw, tuple(d))
    if g != 1 or draw(st.booleans()):
        raw["groups"] = g
    if draw(st.booleans()):
        raw["bias"] = draw(st.booleans())
    if mode != "zeros" or draw(st.integers(0, 4)) == 0:
        raw["padding_mode"] = mode
    return _channels(draw, raw, c_in)


def gen_conv_transpose(draw, name, shape):
    dims = len(shape) - 1
    c_in, sizes = shape[0], shape[1:]
    g, c_out = _groups_and_out(draw, c_in)
    cap = 200 if dims == 1 else 40
    k, s, d, p, op = [], [], [], [], []
    for n in sizes:
        ki, di = draw(st.integers(1, 4)), draw(st.integers(1, 2))
        si = draw(st.integers(1, 3))
        while si > 1 and (n - 1) * si + di * (ki - 1) + si > cap:
            si -= 1
        opi = draw(st.integers(0, max(si, di) - 1))
        pi = draw(st.integers(0, 2))
        while pi > 0 and (n - 1) * si - 2 * pi + di * (ki - 1) + opi + 1 < 1:
            pi -= 1
        k.append(ki), s.append(si), d.append(di), p.append(pi), op.append(opi)
    raw = {"type": name, "out_channels": c_out, "kernel_size": _written(draw, tuple(k))}
    for key, values, default in (("stride", s, 1), ("padding", p, 0), ("dilation", d, 1),
                                 ("output_padding", op, 0)):
        if any(v != default for v in values) or draw(st.booleans()):
            raw[key] = _written(draw, tuple(values))
    if g != 1 or draw(st.booleans()):
        raw["groups"] = g
    if draw(st.booleans()):
        raw["bias"] = draw(st.booleans())
    return _channels(draw, raw, c_in)


def gen_pool(draw, name, shape):
    dims = len(shape) - 1
    sizes = shape[1:]
    is_max = name.startswith("Max")
    k = [draw(st.integers(1, 4)) for _ in range(dims)]
    d = [draw(st.integers(1, 3 if dims == 1 else 2)) if is_max else 1 for _ in range(dims)]
    p = []
    for i in range(dims):
        pi = draw(st.integers(0, k[i] // 2))
        while d[i] * (k[i] - 1) + 1 > sizes[i] + 2 * pi:
            if d[i] > 1:
                d[i] -= 1
            else:
                k[i] -= 1
            pi = min(pi, k[i] // 2)
        p.append(pi)
    raw: dict[str, Any] = {"type": name, "kernel_size": _written(draw, tuple(k))}
    if draw(st.booleans()):
        raw["stride"] = _written(draw, tuple(draw(st.integers(1, 3)) for _ in range(dims)))
    if any(p) or draw(st.booleans()):
        raw["padding"] = _written(draw, tuple(p))
    if is_max and (any(v != 1 for v in d) or draw(st.booleans())):
        raw["dilation"] = _written(draw, tuple(d))
    if draw(st.booleans()):
        raw["ceil_mode"] = draw(st.booleans())
    if not is_max and draw(st.booleans()):
        raw["count_include_pad"] = draw(st.booleans())
    if name == "AvgPool2d" and draw(st.booleans()):
        raw["divisor_override"] = draw(st.one_of(st.none(), st.integers(1, 5)))
    if is_max and draw(st.integers(0, 5)) == 0:
        raw["return_indices"] = False
    return raw


def gen_adaptive(draw, name, shape):
    dims = len(shape) - 1
    sizes = shape[1:]
    values = []
    for n in sizes:
        choice = draw(st.sampled_from(["divisor", "divisor", "any", "none"]))
        if choice == "divisor":
            values.append(draw(st.sampled_from(_divisors(n))))
        elif choice == "any":
            values.append(draw(st.integers(1, n + 2)))
        else:
            values.append(None if dims == 2 else n)
    if dims == 1 or draw(st.booleans()):
        output_size: Any = values[0] if dims == 1 and draw(st.booleans()) else list(values)
    else:
        output_size = _written(draw, tuple(values)) if None not in values else list(values)
    return {"type": name, "output_size": output_size}


def gen_batch_norm(draw, name, shape):
    raw: dict[str, Any] = {"type": name}
    for key, strategy in (("affine", st.booleans()), ("track_running_stats", st.booleans()),
                          ("eps", st.sampled_from([1e-5, 1e-3, 0.1])),
                          ("momentum", st.sampled_from([None, 0.1, 0.5]))):
        if draw(st.booleans()):
            raw[key] = draw(strategy)
    return _channels(draw, raw, shape[0], "num_features")


def gen_elementwise(draw, name, shape):
    raw: dict[str, Any] = {"type": name}
    if name in ("ReLU", "LeakyReLU", "Dropout", "Dropout1d", "Dropout2d") and draw(st.booleans()):
        raw["inplace"] = draw(st.booleans())
    if name == "LeakyReLU" and draw(st.booleans()):
        raw["negative_slope"] = draw(st.sampled_from([0.01, 0.2, -1.0, 2]))
    if name == "GELU" and draw(st.booleans()):
        raw["approximate"] = draw(st.sampled_from(["none", "tanh"]))
    if name.startswith("Dropout") and draw(st.booleans()):
        raw["p"] = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1]))
    return raw


def gen_flatten(draw, name, shape):
    rank = len(shape) + 1                            # with the batch dimension
    start = draw(st.integers(1, rank - 1))
    end = draw(st.integers(start, rank - 1))
    raw: dict[str, Any] = {"type": "Flatten"}
    if start != 1 or draw(st.booleans()):
        raw["start_dim"] = start - rank if draw(st.booleans()) and start - rank != -rank else start
    if end != rank - 1 or draw(st.booleans()):
        raw["end_dim"] = end - rank if draw(st.booleans()) else end
    return raw


def gen_linear(draw, name, shape):
    raw: dict[str, Any] = {"type": "Linear", "out_features": draw(st.integers(1, 12))}
    if draw(st.booleans()):
        raw["bias"] = draw(st.booleans())
    return _channels(draw, raw, shape[-1], "in_features")


GENERATORS = {
    "Conv1d": gen_conv, "Conv2d": gen_conv,
    "ConvTranspose1d": gen_conv_transpose, "ConvTranspose2d": gen_conv_transpose,
    "MaxPool1d": gen_pool, "MaxPool2d": gen_pool, "AvgPool1d": gen_pool, "AvgPool2d": gen_pool,
    "AdaptiveAvgPool1d": gen_adaptive, "AdaptiveAvgPool2d": gen_adaptive,
    "AdaptiveMaxPool1d": gen_adaptive, "AdaptiveMaxPool2d": gen_adaptive,
    "BatchNorm1d": gen_batch_norm, "BatchNorm2d": gen_batch_norm,
    "Flatten": gen_flatten, "Linear": gen_linear,
    **{name: gen_elementwise for name in ELEMENTWISE},
}


ALL_TYPES = sorted(GENERATORS)


FAMILIES = {
    "conv": ["Conv1d", "Conv2d"], "transposed": ["ConvTranspose1d", "ConvTranspose2d"],
    "pool": ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d"],
    "adaptive": ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"],
    "norm": ["BatchNorm1d", "BatchNorm2d"], "elementwise": list(ELEMENTWISE), "flatten": ["Flatten"],
    "linear": ["Linear"],
}
# drawn family by family, spatial layers more often (a repeated name is drawn more often)
FAMILY_WEIGHTS = ["conv", "pool", "conv", "pool", "conv", "transposed", "adaptive", "norm", "elementwise",
                  "flatten", "linear"]


def allowed_types(shape: tuple[int, ...]) -> list[str]:
    """Layer types PyTorch runs on a (batched) input of this shape."""
    rank = len(shape)
    out = ["Flatten", "Linear"] + [t for t in ELEMENTWISE if t not in ("Dropout1d", "Dropout2d")]
    if rank <= 2:
        out += ["BatchNorm1d", "Dropout1d"]
    if rank == 2:
        out += ["Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d"]
    if rank == 3:
        # Dropout2d only on its documented (N, C, H, W) input: on 2-D/3-D input torch warns (deprecated / read as
        # Dropout1d); those inputs stay covered by the refusal property, which draws any layer on any shape
        out += ["Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
                "BatchNorm2d", "Dropout2d"]
    return out


def _next_shape(shape, raw):
    _, _, y = torch_run(shape, [raw])
    return tuple(y.shape[1:])


@st.composite
def input_shapes(draw):
    rank = draw(st.sampled_from([1, 2, 2, 3, 3, 3]))
    c = draw(st.integers(1, 6))
    if rank == 1:
        return (draw(st.integers(1, 40)),)
    hi = 24 if rank == 2 else 12
    return (c,) + tuple(draw(st.integers(1, hi)) for _ in range(rank - 1))


@st.composite
def valid_networks(draw, max_layers: int = 4):
    """(input shape, layer dicts) that PyTorch runs; the shape is tracked with torch itself."""
    shape = draw(input_shapes())
    n_layers = draw(st.integers(1, max_layers))
    raws, current = [], shape
    for _ in range(n_layers):
        allowed = allowed_types(current)
        family = draw(st.sampled_from([f for f in FAMILY_WEIGHTS if any(t in allowed for t in FAMILIES[f])]))
        name = draw(st.sampled_from([t for t in FAMILIES[family] if t in allowed]))
        raw = GENERATORS[name](draw, name, current)
        try:
            nxt = _next_shape(current, raw)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"test generator produced a layer PyTorch refuses: {raw} on {current}: {exc}")
        if math.prod(nxt) > 40_000 or (len(nxt) > 1 and max(nxt[1:]) > 300):
            break                                       # keep the reference fast
        raws.append(raw)
        current = nxt
    assume(raws)
    return shape, raws


def _solver_analysis(shape, raws):
    layers = [parse_layer(copy.deepcopy(raw), i) for i, raw in enumerate(raws)]
    return analyse(tuple(shape), layers)


# ====================================================================== properties


def test_the_generators_cover_every_layer_type():
    from solver.network.layers_extra import EXTRA_TYPES      # tested in graphs, by tests/test_graph.py
    core = set(LAYER_TYPES) - {t.name for t in EXTRA_TYPES}
    assert set(GENERATORS) == core, "a layer type without a random generator is untested"
    assert set(ALL_TYPES) == core
    assert set(sum(FAMILIES.values(), [])) == core


def check_agrees_with_torch(shape, raws) -> None:
    note(f"input {shape}, layers {raws}")
    modules, inputs, y = torch_run(shape, raws)
    analysis = _solver_analysis(shape, raws)
    assert len(analysis.layers) == len(raws)
    for i, (la, m, x) in enumerate(zip(analysis.layers, modules, inputs)):
        out = torch_run(shape, raws[: i + 1])[2] if i < len(raws) - 1 else y
        assert list(la.out_shape) == list(out.shape[1:]), f"shape after layer {i + 1}"
        assert la.params == torch_params(m), f"params of layer {i + 1}"
        flops = torch_flops(m, x)
        assert flops == 2 * BATCH * la.macs, f"MACs of layer {i + 1}: torch {flops} FLOPs for a batch of {BATCH}"
    for t in {r["type"] for r in raws}:
        event(t)
    # receptive field and jump of the last layer where the solver defines them
    defined = [i for i, la in enumerate(analysis.layers) if la.rf is not None]
    if not defined:
        return
    last = defined[-1]
    la = analysis.layers[last]
    measured = measure_rf(shape, raws[: last + 1])
    for axis, m in enumerate(measured):
        if m is None:
            event("rf not measurable")
            continue
        if m[0] == "exact":
            event("rf exact")
            assert m[1] == la.rf[axis], f"receptive field along axis {axis + 1} after layer {last + 1}"
            assert m[2] == la.jump[axis], f"jump along axis {axis + 1} after layer {last + 1}"
        else:
            event("rf bound")
            assert m[1] <= la.rf[axis], f"receptive field along axis {axis + 1} after layer {last + 1}"


@FAST
@given(valid_networks())
def test_every_quantity_agrees_with_torch(net):
    check_agrees_with_torch(*net)


@pytest.mark.slow
@SLOW
@given(valid_networks())
def test_every_quantity_agrees_with_torch_many(net):
    check_agrees_with_torch(*net)


# ---------------------------------------------------------------- the whole pipeline, with the tool's own checker


def random_exercise(shape, raws):
    """A user's exercise file (JSON is YAML) asking every quantity of the random network."""
    from solver.model import exercise_from_document
    from solver.yamlio import parse_yaml
    analysis = _solver_analysis(shape, raws)
    ask = [{"id": q, "quantity": q} for q in ("output_shape", "params", "macs", "flops")]
    ask += [{"id": "shape_1", "quantity": "output_shape", "at": 1}, {"id": "macs_1", "quantity": "macs", "at": 1}]
    defined = [i for i, la in enumerate(analysis.layers) if la.rf is not None]
    if defined:
        ask += [{"id": "rf", "quantity": "receptive_field", "at": defined[-1] + 1},
                {"id": "jump", "quantity": "jump", "at": defined[-1] + 1}]
    doc = {"id": "random", "kind": "network", "given": {"input_shape": list(shape), "layers": raws}, "ask": ask}
    return exercise_from_document(parse_yaml(json.dumps(doc), "random.json"))


def check_pipeline(shape, raws) -> None:
    """``solve`` + the tool's verifier (solver.network.verify) on a valid network: every check passes
    (a false alarm would make the CLI exit 1 on a correct answer) and the answers are torch's."""
    from solver.pipeline import solve_exercise
    note(f"input {shape}, layers {raws}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sol = solve_exercise(random_exercise(shape, raws), verify=True)
    failed = [(c.by, c.part, c.detail.render("en")) for c in sol.checks if not c.ok]
    assert not failed
    assert {c.part for c in sol.checks if c.by == "torch"} == set(sol.answers)
    _, _, y = torch_run(shape, raws)
    assert sol.answers["output_shape"] == list(y.shape[1:])
    assert sol.answers["flops"] == 2 * sol.answers["macs"]


@settings(max_examples=40, deadline=None)
@given(valid_networks())
def test_solve_and_verify_agree_on_random_networks(net):
    check_pipeline(*net)


@pytest.mark.slow
@SLOW
@given(valid_networks())
def test_solve_and_verify_agree_on_random_networks_many(net):
    check_pipeline(*net)


# ---------------------------------------------------------------- some fixed networks, measured exactly


@pytest.mark.parametrize("shape, raws, rf, jump", [
    # homework Q2: RF 7, jump 4
    ((1, 32, 32), [{"type": "Conv2d", "out_channels": 2, "kernel_size": 3, "padding": 1},
                   {"type": "Conv2d", "out_channels": 2, "kernel_size": 3, "stride": 2},
                   {"type": "MaxPool2d", "kernel_size": 2}], (7, 7), (4, 4)),
    # dilated max pool and non-square everything
    ((2, 60, 50), [{"type": "Conv2d", "out_channels": 4, "kernel_size": [3, 2], "stride": [2, 1], "groups": 2},
                   {"type": "MaxPool2d", "kernel_size": [2, 3], "dilation": [2, 1], "stride": [1, 2],
                    "ceil_mode": True, "padding": [1, 0]},
                   {"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "dilation": 2, "groups": 4}],
     (3 + 2 * 2 + 4 * 2, 2 + 2 + 4 * 2), (2, 2)),
    # adaptive pool that divides: a window of 4, stride 4
    ((1, 80), [{"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "padding": 1},
               {"type": "AdaptiveMaxPool1d", "output_size": 20},
               {"type": "Conv1d", "out_channels": 1, "kernel_size": 3}], (14,), (4,)),
])
def test_fixed_networks_receptive_field(shape, raws, rf, jump):
    analysis = _solver_analysis(shape, raws)
    assert analysis.layers[-1].rf == rf and analysis.layers[-1].jump == jump
    for axis in range(len(shape) - 1):
        m = measure_axis(shape, raws, list(shape[1:]), axis)
        assert m is not None and m[2], "the probe should be away from the borders here"
        assert (m[0], m[1]) == (rf[axis], jump[axis])


# ====================================================================== refusal: any configuration

@st.composite
def any_layer(draw):
    """A layer with argument values of the right types, in ranges that make many combinations invalid."""
    name = draw(st.sampled_from(ALL_TYPES))
    dims = 2 if name.endswith("2d") else 1

    def sp(lo, hi):
        values = tuple(draw(st.integers(lo, hi)) for _ in range(dims))
        return _written(draw, values)

    raw: dict[str, Any] = {"type": name}
    maybe = lambda: draw(st.booleans())  # noqa: E731
    if name.startswith("Conv"):
        raw["out_channels"] = draw(st.integers(1, 6))
        raw["kernel_size"] = sp(1, 5)
        if maybe():
            raw["stride"] = sp(1, 3)
        if maybe():
            raw["dilation"] = sp(1, 3)
        if maybe():
            raw["groups"] = draw(st.integers(1, 4))
        if name.startswith("ConvTranspose"):
            if maybe():
                raw["padding"] = sp(0, 3)
            if maybe():
                raw["output_padding"] = sp(0, 3)
        else:
            if maybe():
                raw["padding"] = draw(st.one_of(st.sampled_from(["same", "valid"]), st.just(None)))
                if raw["padding"] is None:
                    raw["padding"] = sp(0, 4)
            if draw(st.integers(0, 2)) == 0:
                raw["padding_mode"] = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
        if draw(st.integers(0, 3)) == 0:
            raw["in_channels"] = draw(st.integers(1, 4))
    elif "Pool" in name and not name.startswith("Adaptive"):
        raw["kernel_size"] = sp(1, 5)
        if maybe():
            raw["stride"] = sp(1, 3)
        if maybe():
            raw["padding"] = sp(0, 3)
        if name.startswith("Max") and maybe():
            raw["dilation"] = sp(1, 3)
        if maybe():
            raw["ceil_mode"] = draw(st.booleans())
    elif name.startswith("Adaptive"):
        if dims == 1:
            raw["output_size"] = draw(st.one_of(st.integers(1, 6), st.none(), st.just([None]), st.just([3])))
        else:
            raw["output_size"] = draw(st.one_of(st.integers(1, 6),
                                                st.lists(st.one_of(st.none(), st.integers(1, 6)),
                                                         min_size=2, max_size=2)))
    elif name.startswith("BatchNorm"):
        if draw(st.integers(0, 2)) == 0:
            raw["num_features"] = draw(st.integers(1, 6))
        if draw(st.integers(0, 3)) == 0:
            raw["track_running_stats"] = False
    elif name == "Flatten":
        if maybe():
            raw["start_dim"] = draw(st.integers(-4, 4))
        if maybe():
            raw["end_dim"] = draw(st.integers(-4, 4))
    elif name == "Linear":
        raw["out_features"] = draw(st.integers(1, 6))
        if draw(st.integers(0, 2)) == 0:
            raw["in_features"] = draw(st.integers(1, 30))
    return raw


@st.composite
def any_networks(draw):
    rank = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(rank))
    raws = draw(st.lists(any_layer(), min_size=1, max_size=3))
    return shape, raws


def _flattens_the_batch(shape, raws) -> bool:
    """Would a Flatten reach the batch dimension (start_dim 0)? Walked with torch shapes."""
    x_rank = len(shape) + 1
    for i, raw in enumerate(raws):
        if raw["type"] == "Flatten":
            start = raw.get("start_dim", 1)
            if -x_rank <= start < x_rank and start % x_rank == 0:
                return True
        try:
            _, _, y = torch_run(shape, raws[: i + 1])
        except Exception:  # noqa: BLE001
            return False
        x_rank = y.dim()
    return False


def check_refusal(shape, raws) -> None:
    assume(not _flattens_the_batch(shape, raws))
    note(f"input {shape}, layers {raws}")
    refused_by_torch = torch_refusal(shape, raws)
    try:
        analysis = _solver_analysis(shape, raws)
        ours = None
    except InputError as exc:
        ours = str(exc)
    note(f"torch: {refused_by_torch}; solver: {ours}")
    event("refused" if refused_by_torch else "accepted")
    if refused_by_torch is None:
        assert ours is None, f"the solver refuses a configuration PyTorch runs: {ours}"
        _, _, y = torch_run(shape, raws)
        assert list(analysis.output_shape()) == list(y.shape[1:])
    else:
        assert ours is not None, f"PyTorch refuses ({refused_by_torch}) but the solver accepts"


@FAST
@given(any_networks())
def test_solver_refuses_exactly_what_torch_refuses(net):
    check_refusal(*net)


@pytest.mark.slow
@SLOW
@given(any_networks())
def test_solver_refuses_exactly_what_torch_refuses_many(net):
    check_refusal(*net)


@pytest.mark.parametrize("shape, raw", [
    # each of these once disagreed with PyTorch (see the report of the test suite)
    ((1, 9), {"type": "MaxPool1d", "kernel_size": 3, "dilation": 2, "padding": 2}),
    ((1, 9, 9), {"type": "MaxPool2d", "kernel_size": 3, "dilation": 2, "padding": 2}),
    ((2, 3, 3), {"type": "Dropout1d"}),
    ((3, 5), {"type": "AdaptiveAvgPool1d", "output_size": None}),
    ((3, 5), {"type": "AdaptiveMaxPool1d", "output_size": [None]}),
    ((2, 5, 5), {"type": "Conv2d", "out_channels": 2, "kernel_size": 3, "padding": 5, "padding_mode": "reflect"}),
    ((2, 5), {"type": "Conv1d", "out_channels": 2, "kernel_size": 3, "padding": 6, "padding_mode": "circular"}),
    ((2, 5), {"type": "Conv1d", "out_channels": 2, "kernel_size": 11, "padding": "same",
              "padding_mode": "reflect"}),
])
def test_known_refusals(shape, raw):
    assert torch_refusal(shape, [raw]) is not None
    with pytest.raises(InputError):
        _solver_analysis(shape, [raw])


@pytest.mark.parametrize("shape, raw", [
    ((1, 9), {"type": "MaxPool1d", "kernel_size": 2, "dilation": 2, "padding": 1}),
    ((2, 5, 5), {"type": "Conv2d", "out_channels": 2, "kernel_size": 3, "padding": 4, "padding_mode": "reflect"}),
    ((2, 5), {"type": "Conv1d", "out_channels": 2, "kernel_size": 3, "padding": 5, "padding_mode": "circular"}),
    ((2, 5), {"type": "Conv1d", "out_channels": 2, "kernel_size": 3, "padding": 9, "padding_mode": "replicate"}),
    ((2, 5), {"type": "Dropout1d"}),
    ((5,), {"type": "Dropout1d"}),
    ((2, 5), {"type": "MaxPool1d", "kernel_size": 3, "stride": 2, "ceil_mode": True}),   # last window overhangs
])
def test_known_acceptances(shape, raw):
    assert torch_refusal(shape, [raw]) is None
    _, _, y = torch_run(shape, [raw])
    assert list(_solver_analysis(shape, [raw]).output_shape()) == list(y.shape[1:])


# ====================================================================== exhaustive small grids (1-D)
# Every combination of small sizes, so rare corners (ceil_mode's dropped window, output_padding
# against stride or dilation, 'same' with even kernels) are always covered, not only when drawn.


def _grid_mismatches(configs):
    bad = []
    for shape, raw in configs:
        try:
            theirs, refused = list(torch_run(shape, [raw], batch=1)[2].shape[1:]), None
        except Exception as exc:  # noqa: BLE001
            theirs, refused = None, str(exc)
        try:
            ours = list(_solver_analysis(shape, [raw]).output_shape())
        except InputError:
            ours = None
        if refused is not None:
            if ours is not None:
                bad.append((shape, raw, "torch refuses", refused, "solver", ours))
            continue
        if ours != theirs:
            bad.append((shape, raw, "torch", theirs, "solver", ours))
    return bad


def test_grid_pooling_sizes_and_refusals():
    configs = []
    for n in range(1, 11):
        for k in range(1, 5):
            for s in range(1, 4):
                for pad in range(0, 3):
                    for ceil in (False, True):
                        for d in range(1, 4):
                            configs.append(((1, n), {"type": "MaxPool1d", "kernel_size": k, "stride": s,
                                                     "padding": pad, "dilation": d, "ceil_mode": ceil}))
                        configs.append(((1, n), {"type": "AvgPool1d", "kernel_size": k, "stride": s,
                                                 "padding": pad, "ceil_mode": ceil}))
    assert _grid_mismatches(configs) == []


def test_grid_convolution_sizes_and_refusals():
    configs = []
    for n in range(1, 10):
        for k in range(1, 5):
            for s in range(1, 4):
                for d in range(1, 4):
                    for pad in (0, 1, 2, 3, "same", "valid"):
                        for mode in ("zeros", "reflect", "circular"):
                            if mode != "zeros" and (s, d) != (1, 1) and pad not in (2, "same"):
                                continue
                            configs.append(((1, n), {"type": "Conv1d", "out_channels": 1, "kernel_size": k,
                                                     "stride": s, "dilation": d, "padding": pad,
                                                     "padding_mode": mode}))
    assert _grid_mismatches(configs) == []


def test_grid_transposed_convolution_sizes_and_refusals():
    configs = []
    for n in range(1, 6):
        for k in range(1, 5):
            for s in range(1, 4):
                for d in range(1, 4):
                    for p in range(0, 4):
                        for op in range(0, 4):
                            configs.append(((1, n), {"type": "ConvTranspose1d", "out_channels": 1, "kernel_size": k,
                                                     "stride": s, "dilation": d, "padding": p,
                                                     "output_padding": op}))
    assert _grid_mismatches(configs) == []


@pytest.mark.parametrize("shape, raws", [
    # the probe's centre unit once read only padding (an IndexError, i.e. a traceback in the CLI)
    ((1, 2), [{"type": "Conv1d", "out_channels": 1, "kernel_size": 2, "stride": 3, "padding_mode": "reflect"},
              {"type": "Conv1d", "out_channels": 1, "kernel_size": 1, "stride": 2, "padding": 1}]),
    # a dilated layer's taps fell in the padding without the span touching the border: RF measured 10, not 16
    ((1, 2, 1), [{"type": "Conv2d", "out_channels": 2, "kernel_size": [2, 1], "stride": [1, 2], "padding": "valid",
                  "dilation": [1, 2]},
                 {"type": "AvgPool2d", "kernel_size": [3, 1], "padding": [1, 0]},
                 {"type": "Conv2d", "out_channels": 2, "kernel_size": [3, 1], "stride": [2, 1], "padding": [3, 0],
                  "dilation": [2, 1], "groups": 2}]),
    # BatchNorm with batch statistics on one value per channel: the verifier once ran a batch of one
    ((3,), [{"type": "BatchNorm1d", "track_running_stats": False}]),
    ((3, 1), [{"type": "BatchNorm1d", "track_running_stats": False}, {"type": "Flatten"}]),
])
def test_pipeline_regressions(shape, raws):
    check_pipeline(shape, raws)


# ====================================================================== argument values

AGREED_REFUSALS = [
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 0},
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "stride": 0},
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "dilation": 0},
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "groups": 0},
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "padding": -1},
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "padding": "full"},
    {"type": "Conv1d", "out_channels": 1, "kernel_size": 3.0},
    {"type": "Conv1d", "out_channels": 0, "kernel_size": 3},
    {"type": "ConvTranspose1d", "out_channels": 1, "kernel_size": 3, "output_padding": -1},
    {"type": "ConvTranspose1d", "out_channels": 1, "kernel_size": 3, "padding": "same"},
    {"type": "ConvTranspose1d", "out_channels": 1, "kernel_size": 3, "padding_mode": "reflect"},
    {"type": "MaxPool1d", "kernel_size": 0},
    {"type": "MaxPool1d", "kernel_size": 2, "stride": 0},
    {"type": "MaxPool1d", "kernel_size": 2, "padding": -1},
    {"type": "MaxPool1d", "kernel_size": 2, "return_indices": True},
    {"type": "AdaptiveAvgPool1d", "output_size": 0},
    {"type": "BatchNorm1d", "num_features": 0},
    {"type": "Linear", "out_features": 0},
    {"type": "Dropout", "p": 1.5},
    {"type": "GELU", "approximate": "fast"},
]


@pytest.mark.parametrize("raw", AGREED_REFUSALS, ids=lambda r: str(r))
def test_out_of_range_argument_values_are_refused_by_both(raw):
    assert torch_refusal((1, 8), [raw]) is not None
    with pytest.raises(InputError):
        _solver_analysis((1, 8), [raw])


@pytest.mark.parametrize("raw", [
    {"type": "Flatten", "start_dim": 0},                              # flattening the batch: no batch here
    {"type": "Dropout", "p": True},                                   # a flag is not a probability
    {"type": "Conv1d", "out_channels": 1, "kernel_size": True},       # nor a size
], ids=lambda r: str(r))
def test_deliberately_stricter_than_torch(raw):
    """PyTorch runs these; the tool refuses them on purpose (documented here so a change is noticed)."""
    assert torch_refusal((1, 8), [raw]) is None
    with pytest.raises(InputError):
        _solver_analysis((1, 8), [raw])
