"""A network walked layer by layer: shapes, parameters, MACs and receptive-field geometry.

``analyse`` infers ``in_channels``/``in_features``/``num_features``, checks every layer the way
PyTorch would refuse it (with a clear message instead of a traceback) and records, per layer,
the calculations the steps show.

Example:
    >>> from solver.network.layers import parse_layer
    >>> net = analyse((16, 28, 28), [parse_layer({"type": "Conv2d", "out_channels": 32,
    ...                                           "kernel_size": 3, "padding": 1}, 0)])
    >>> net.layers[0].out_shape, net.layers[0].params, net.layers[0].macs
    ((32, 28, 28), 4640, 3612672)
"""
from __future__ import annotations

from ..record import factory, record
from math import prod

from ..errors import InputError
from ..i18n import Msg, Plain, Text
from ..values import shape_text
from . import counts, sizes
from .layers import Layer, _bad
from .receptive import IDENTITY, Window

SPATIAL_NAMES = {1: ("L",), 2: ("H", "W")}
MAX_LAYERS = 1_000              # layers of one exercise (all its networks together)
MAX_ELEMENTS = 10 ** 12         # entries of any tensor: the input, a layer's output, a layer's parameters


def check_tensor(what: str, shape: tuple[int, ...] | None, entries: int) -> str | None:
    """Why a tensor is too large to analyse and verify (PyTorch's sizes are 64-bit), or None when it fits."""
    if entries <= MAX_ELEMENTS:
        return None
    dims = f" ({shape_text(shape)})" if shape else ""
    return f"{what}{dims} has {entries:,} entries: tensors are limited to {MAX_ELEMENTS:,} entries"


def _bounded(layer: Layer, la: LayerAnalysis) -> None:
    """A layer whose output or parameters exceed ``MAX_ELEMENTS`` is refused before anything uses it."""
    for problem in (check_tensor(f"the output of layer {layer.number}", la.out_shape, prod(la.out_shape)),
                    check_tensor(f"the parameters of layer {layer.number}", None, la.params)):
        if problem:
            raise _bad(problem, layer.path)


@record
class LayerAnalysis:
    layer: Layer
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    sizes: list[sizes.SizeCalc] = factory(list)
    params: int = 0
    macs: int = 0
    windows: tuple[Window, ...] | None = None    # per spatial dimension; None: RF undefined from here on
    rf_undefined: str | None = None              # message key saying why
    rf: tuple[int, ...] | None = None
    jump: tuple[int, ...] | None = None


@record
class NetworkAnalysis:
    input_shape: tuple[int, ...]
    layers: list[LayerAnalysis]

    @property
    def spatial_dims(self) -> int:
        return len(self.input_shape) - 1

    def upto(self, at: int | None) -> list[LayerAnalysis]:
        """Layers 1..at (all when ``at`` is None)."""
        return self.layers if at is None else self.layers[:at]

    def output_shape(self, at: int | None = None) -> tuple[int, ...]:
        layers = self.upto(at)
        return layers[-1].out_shape if layers else self.input_shape


def _need_rank(layer: Layer, shape: tuple[int, ...], ranks: tuple[int, ...]) -> None:
    if len(shape) not in ranks:
        shapes = [{1: "[F]", 2: "[C, L]", 3: "[C, H, W]"}[r] for r in ranks]
        want = Text(" or ".join(shapes), " 或 ".join(shapes))
        hint = Msg("err.after_flatten") if len(shape) == 1 and layer.type.dims else Plain("")
        raise _bad(Msg("err.layer_rank", layer=Plain(layer.type.name), want=want, n=layer.number,
                       got=Plain(str(list(shape))), hint=hint), layer.path)


def _infer(layer: Layer, key: str, actual: int, what: str) -> int:
    given = layer.args.get(key)
    if given is None:
        layer.args[key] = actual
    elif given != actual:
        raise _bad(Msg("err.layer_infer", name=Plain(key), given=given, what=Msg(f"err.what.{what}"),
                       n=layer.number, actual=actual), layer.path + (key,))
    return actual


def _too_small(layer: Layer, calc: sizes.SizeCalc, dim: int) -> InputError:
    dk = calc.d * (calc.k - 1) + 1
    key = "err.kernel_larger_dilated" if calc.d > 1 else "err.kernel_larger"
    return _bad(Msg(key, k=calc.k, dim=dim + 1, n=layer.number, n_in=calc.n_in, p=calc.p, dk=dk),
                layer.path + ("kernel_size",))


def _check_padding_mode(layer: Layer, mode: str, pad: int | str, k: int, d: int, n: int, dim: int) -> None:
    """PyTorch pads 'reflect' by less than the input size and 'circular' by at most the input size."""
    if mode not in ("reflect", "circular"):
        return
    side = max(sizes.same_padding(k, d)) if pad == "same" else 0 if pad == "valid" else int(pad)
    if side >= n + (mode == "circular"):
        limit = "smaller than" if mode == "reflect" else "at most"
        raise _bad(f"padding_mode '{mode}' needs a padding {limit} the input size: padding {side} on an input of "
                   f"{n} along spatial dimension {dim + 1} of layer {layer.number}", layer.path + ("padding",))


def _conv(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    a, dims = layer.args, layer.type.dims
    assert dims
    _need_rank(layer, shape, (dims + 1,))
    c_in = _infer(layer, "in_channels", shape[0], "channels")
    c_out, g = a["out_channels"], a["groups"]
    if c_in % g or c_out % g:
        raise _bad(f"groups={g} must divide in_channels={c_in} and out_channels={c_out}", layer.path + ("groups",))
    transposed = layer.family == "conv_transpose"
    if a["padding"] == "same" and any(s != 1 for s in a["stride"]):
        raise _bad("padding='same' needs stride 1 (PyTorch refuses strided 'same' convolutions)",
                   layer.path + ("padding",))
    calcs = []
    for i in range(dims):
        k, s, d = a["kernel_size"][i], a["stride"][i], a["dilation"][i]
        if transposed:
            op = a["output_padding"][i]
            if op >= s and op >= d:
                raise _bad(f"output_padding {op} must be smaller than the stride ({s}) or the dilation ({d})",
                           layer.path + ("output_padding",))
            calc = sizes.transposed_size(shape[1 + i], k, s, a["padding"][i], d, op)
            if calc.n_out < 1:
                raise _bad(f"the output size along dimension {i + 1} would be {calc.n_out}: padding "
                           f"{a['padding'][i]} is too large", layer.path + ("padding",))
        else:
            pad = a["padding"] if isinstance(a["padding"], str) else a["padding"][i]
            calc = sizes.conv_size(shape[1 + i], k, s, pad, d)
            if calc.n_out < 1:
                raise _too_small(layer, calc, i)
            _check_padding_mode(layer, a.get("padding_mode", "zeros"), pad, k, d, shape[1 + i], i)
        calcs.append(calc)
    la.sizes = calcs
    out_spatial = tuple(c.n_out for c in calcs)
    la.out_shape = (c_out,) + out_spatial
    la.params = counts.conv_params(c_in, c_out, a["kernel_size"], g, a["bias"])
    if transposed:
        la.macs = counts.conv_transpose_macs(shape[1:], c_in, c_out, a["kernel_size"], g)
        la.rf_undefined = "net.rf.undefined.transposed"
    else:
        la.macs = counts.conv_macs(out_spatial, c_in, c_out, a["kernel_size"], g)
        la.windows = tuple(Window(c.k, c.s, c.d) for c in calcs)


def _pool(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    a, dims = layer.args, layer.type.dims
    assert dims
    _need_rank(layer, shape, (dims + 1,))
    calcs = []
    for i in range(dims):
        k, s, pad = a["kernel_size"][i], a["stride"][i], a["padding"][i]
        d = a.get("dilation", (1,) * dims)[i]
        if 2 * pad > k:     # PyTorch compares with the kernel size, not the dilated one, for max pooling too
            raise _bad(f"padding {pad} must be at most half the kernel size {k} (PyTorch's rule for pooling)",
                       layer.path + ("padding",))
        calc = sizes.pool_size(shape[1 + i], k, s, pad, d, a["ceil_mode"])
        if calc.n_out < 1:
            raise _too_small(layer, calc, i)
        calcs.append(calc)
    la.sizes = calcs
    la.out_shape = (shape[0],) + tuple(c.n_out for c in calcs)
    la.windows = tuple(Window(c.k, c.s, c.d) for c in calcs)


def _adaptive(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    dims = layer.type.dims
    assert dims
    _need_rank(layer, shape, (dims + 1,))
    calcs = [sizes.adaptive_size(shape[1 + i], t) for i, t in enumerate(layer.args["output_size"])]
    la.sizes = calcs
    la.out_shape = (shape[0],) + tuple(c.n_out for c in calcs)
    windows = []
    for c in calcs:
        if c.n_in % c.n_out:
            la.rf_undefined = "net.rf.undefined.adaptive"
            return
        step = c.n_in // c.n_out
        windows.append(Window(step, step, 1))
    la.windows = tuple(windows)


def _batch_norm(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    _need_rank(layer, shape, (3,) if layer.type.dims == 2 else (1, 2))
    c = _infer(layer, "num_features", shape[0], "channels")
    la.out_shape = shape
    la.params = counts.batch_norm_params(c, layer.args["affine"])
    la.windows = (IDENTITY,) * (len(shape) - 1)


def _flatten(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    rank = len(shape) + 1                       # with the batch dimension PyTorch sees
    start, end = layer.args["start_dim"], layer.args["end_dim"]
    start_n, end_n = start % rank if -rank <= start < rank else None, end % rank if -rank <= end < rank else None
    if start_n is None or end_n is None or start_n > end_n:
        raise _bad(f"start_dim={start}, end_dim={end} do not fit an input of {rank} dimensions (batch included)",
                   layer.path)
    if start_n == 0:
        raise _bad("flattening the batch dimension (start_dim=0) is not supported", layer.path + ("start_dim",))
    lo, hi = start_n - 1, end_n - 1
    la.out_shape = shape[:lo] + (prod(shape[lo:hi + 1]),) + shape[hi + 1:]
    if len(shape) > 1 and hi > lo:
        la.rf_undefined = "net.rf.undefined.flatten"
    else:
        la.windows = (IDENTITY,) * (len(shape) - 1)


def _linear(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    f_in = _infer(layer, "in_features", shape[-1], "last")
    f_out = layer.args["out_features"]
    la.out_shape = shape[:-1] + (f_out,)
    la.params = counts.linear_params(f_in, f_out, layer.args["bias"])
    la.macs = counts.linear_macs(prod(shape[:-1]), f_in, f_out)
    la.rf_undefined = "net.rf.undefined.linear"


def _elementwise(layer: Layer, shape: tuple[int, ...], la: LayerAnalysis) -> None:
    if layer.type.name == "Dropout1d":
        _need_rank(layer, shape, (1, 2))       # PyTorch: 2-D or 3-D input, batch included
    la.out_shape = shape
    la.windows = (IDENTITY,) * (len(shape) - 1)


RULES = {"conv": _conv, "conv_transpose": _conv, "max_pool": _pool, "avg_pool": _pool,
         "adaptive_pool": _adaptive, "batch_norm": _batch_norm, "flatten": _flatten, "linear": _linear,
         "elementwise": _elementwise}
from .layers_extra import RULES as _EXTRA_RULES  # noqa: E402  (Embedding, LayerNorm, GroupNorm, Softmax, …)
RULES.update(_EXTRA_RULES)


def analyse(input_shape: tuple[int, ...], layers: list[Layer]) -> NetworkAnalysis:
    """Walk the layers from ``input_shape`` (no batch dimension)."""
    shape = tuple(input_shape)
    rf: tuple[int, ...] | None = (1,) * (len(shape) - 1) if len(shape) > 1 else None
    jump: tuple[int, ...] | None = rf
    undefined = None if rf else "net.rf.undefined.flat_input"
    out: list[LayerAnalysis] = []
    for layer in layers:
        la = LayerAnalysis(layer, shape, shape)
        RULES[layer.family](layer, shape, la)
        _bounded(layer, la)
        if rf is not None and jump is not None and la.windows is not None and undefined is None:
            rf = tuple(r + (w.k - 1) * w.d * j for r, w, j in zip(rf, la.windows, jump))
            jump = tuple(j * w.s for j, w in zip(jump, la.windows))
            la.rf, la.jump = rf, jump
        else:
            undefined = undefined or la.rf_undefined
            la.rf_undefined = undefined
            rf = jump = None
        out.append(la)
        shape = la.out_shape
    return NetworkAnalysis(tuple(input_shape), out)
