"""Layers beyond the convolution/pooling/linear core: Embedding, LayerNorm, GroupNorm, ReLU6, Softmax,
LogSoftmax, Upsample, ZeroPad1d/2d and Unflatten. Each is added to the layer table of :mod:`.layers` when this module
is imported (``layers`` imports it at its end); :mod:`.analysis` adds :data:`RULES` to its own.

Counts, following the conventions already named (MACs: Conv*/Linear only):
- Embedding: ``num_embeddings · embedding_dim`` parameters (a table look-up: no MACs);
- LayerNorm: ``2·Π normalized_shape`` (γ and β; one factor without bias or affine);
- GroupNorm: ``2C`` (γ and β per channel), as BatchNorm;
- Softmax, LogSoftmax, Upsample, ZeroPad, Unflatten: no parameters, no MACs.

Example:
    >>> from solver.network.layers import parse_layer
    >>> from solver.network.analysis import analyse
    >>> net = analyse((7,), [parse_layer({"type": "Embedding", "num_embeddings": 100, "embedding_dim": 5}, 0)])
    >>> net.layers[0].out_shape, net.layers[0].params
    ((7, 5), 500)
    >>> net = analyse((3, 5, 5), [parse_layer({"type": "Upsample", "scale_factor": 2, "mode": "bilinear"}, 0)])
    >>> net.layers[0].out_shape
    (3, 10, 10)
"""
from __future__ import annotations

from math import floor, prod
from typing import Any

from .layers import LAYER_TYPES, Arg, Layer, LayerType, _bad, _is_int
from .receptive import IDENTITY


def _shape(name: str, value: Any, path: tuple, allow_infer: bool = False) -> tuple[int, ...]:
    items = [value] if _is_int(value) else value
    ok = isinstance(items, (list, tuple)) and 1 <= len(items) <= 3 and all(
        _is_int(v) and (v >= 1 or (allow_infer and v == -1)) for v in items)
    if not ok or (allow_infer and list(items).count(-1) > 1):
        extra = " (one of them may be -1)" if allow_infer else ""
        raise _bad(f"{name} must be a positive integer or a list of 1 to 3 of them{extra}, got {value!r}", path)
    return tuple(items)


def _optional_int(name: str, value: Any, path: tuple) -> Any:
    if value is not None and not _is_int(value):
        raise _bad(f"{name} must be an integer or null, got {value!r}", path)
    return value


def _optional_flag(name: str, value: Any, path: tuple) -> Any:
    if value is not None and not isinstance(value, bool):
        raise _bad(f"{name} must be true, false or null, got {value!r}", path)
    return value


def _scale(name: str, value: Any, path: tuple) -> Any:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1024 for v in items):
        raise _bad(f"{name} must be a positive number (or one per spatial dimension), got {value!r}", path)
    return value


def _up_size(name: str, value: Any, path: tuple) -> Any:
    return None if value is None else _shape(name, value, path)


def _sides(name: str, value: Any, path: tuple) -> Any:
    if (_is_int(value) and value >= 0) or (isinstance(value, list) and len(value) in (2, 4)
                                           and all(_is_int(v) and v >= 0 for v in value)):
        return tuple(value) if isinstance(value, list) else value
    raise _bad(f"{name} must be a non-negative integer or a list (left, right[, top, bottom]), got {value!r}", path)


def _mode(name: str, value: Any, path: tuple) -> Any:
    if value not in ("nearest", "linear", "bilinear"):
        raise _bad(f"{name} must be nearest, linear or bilinear, got {value!r}", path)
    return value


# argument kinds read here (layers._read_arg hands them over); the JSON Schema of each is in solver/schema.py
READERS = {"shape": _shape, "shape_infer": lambda n, v, p: _shape(n, v, p, True), "optional_int": _optional_int,
           "optional_flag": _optional_flag, "scale": _scale, "upsample_size": _up_size, "pad_sides": _sides,
           "upsample_mode": _mode}

_NORM = {"eps": Arg("number", 1e-5)}
EXTRA_TYPES = [
    LayerType("Embedding", "embedding", None, {"num_embeddings": Arg("channels", required=True),
                                               "embedding_dim": Arg("channels", required=True),
                                               "padding_idx": Arg("optional_int", None)}),
    LayerType("LayerNorm", "layer_norm", None, {"normalized_shape": Arg("shape", required=True), **_NORM,
                                                "elementwise_affine": Arg("flag", True), "bias": Arg("flag", True)}),
    LayerType("GroupNorm", "group_norm", None, {"num_groups": Arg("positive", required=True),
                                                "num_channels": Arg("channels", doc="inferred from the input when left out"),
                                                **_NORM, "affine": Arg("flag", True)}),
    LayerType("ReLU6", "elementwise", None, {"inplace": Arg("flag", False)}),
    LayerType("Softmax", "softmax", None, {"dim": Arg("int", required=True)}),
    LayerType("LogSoftmax", "softmax", None, {"dim": Arg("int", required=True)}),
    LayerType("Upsample", "upsample", None, {"size": Arg("upsample_size", None), "scale_factor": Arg("scale", None),
                                             "mode": Arg("upsample_mode", "nearest"),
                                             "align_corners": Arg("optional_flag", None)}),
    LayerType("ZeroPad1d", "zero_pad", 1, {"padding": Arg("pad_sides", required=True)}),
    LayerType("ZeroPad2d", "zero_pad", 2, {"padding": Arg("pad_sides", required=True)}),
    LayerType("Unflatten", "unflatten", None, {"dim": Arg("int", required=True),
                                               "unflattened_size": Arg("shape_infer", required=True)}),
]


def _torch_dim(layer: Layer, dim: int, shape: tuple[int, ...], key: str = "dim") -> int:
    """PyTorch's ``dim`` (batch included, negative from the end) as a position in ``shape`` (no batch)."""
    rank = len(shape) + 1
    if not -rank <= dim < rank or dim % rank == 0:
        raise _bad(f"{key}={dim} must name a dimension of the input other than the batch (it has {rank} "
                   "dimensions, batch included)", layer.path + (key,))
    return dim % rank - 1


def _embedding(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    a = layer.args
    if len(shape) > 2:
        raise _bad(f"Embedding needs token indices [L] (or [N, L]), but layer {layer.number} receives {list(shape)}",
                   layer.path)
    if a["padding_idx"] is not None and not -a["num_embeddings"] <= a["padding_idx"] < a["num_embeddings"]:
        raise _bad("padding_idx must lie within num_embeddings", layer.path + ("padding_idx",))
    la.out_shape = shape + (a["embedding_dim"],)
    la.params = a["num_embeddings"] * a["embedding_dim"]
    la.rf_undefined = "net.rf.undefined.embedding"


def _layer_norm(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    ns = layer.args["normalized_shape"]
    if tuple(shape[len(shape) - len(ns):]) != ns or len(ns) > len(shape):
        raise _bad(f"normalized_shape {list(ns)} must equal the last dimensions of the input {list(shape)} "
                   f"reaching layer {layer.number}", layer.path + ("normalized_shape",))
    la.out_shape = shape
    per = prod(ns) if layer.args["elementwise_affine"] else 0
    la.params = per * (2 if layer.args["bias"] else 1)
    if len(ns) >= len(shape) - 1 and len(shape) > 1:   # statistics over the spatial positions
        la.rf_undefined = "net.rf.undefined.norm"
    else:
        la.windows = (IDENTITY,) * (len(shape) - 1)


def _group_norm(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    from .analysis import _infer
    c = _infer(layer, "num_channels", shape[0], "channels")
    g = layer.args["num_groups"]
    if c % g:
        raise _bad(f"num_groups={g} must divide the {c} channels", layer.path + ("num_groups",))
    la.out_shape = shape
    la.params = 2 * c if layer.args["affine"] else 0
    if len(shape) > 1:
        la.rf_undefined = "net.rf.undefined.norm"


def _softmax(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    d = _torch_dim(layer, layer.args["dim"], shape)
    la.out_shape = shape
    if d > 0:
        la.rf_undefined = "net.rf.undefined.softmax"
    else:
        la.windows = (IDENTITY,) * (len(shape) - 1)


def _upsample(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    a = layer.args
    dims = len(shape) - 1
    need = {"linear": 1, "bilinear": 2}.get(a["mode"])
    if dims < 1 or (need and dims != need):
        want = {1: "[C, L]", 2: "[C, H, W]"}.get(need or 0, "[C, L] or [C, H, W]")
        raise _bad(f"Upsample(mode={a['mode']}) needs an input {want}, but layer {layer.number} receives "
                   f"{list(shape)}", layer.path)
    if (a["size"] is None) == (a["scale_factor"] is None):
        raise _bad("Upsample needs exactly one of size and scale_factor", layer.path)
    if a["align_corners"] is not None and a["mode"] == "nearest":
        raise _bad("align_corners only applies to linear and bilinear modes", layer.path + ("align_corners",))
    if a["size"] is not None:
        size = a["size"] if len(a["size"]) == dims else a["size"] * dims if len(a["size"]) == 1 else None
        if size is None:
            raise _bad(f"size must give 1 or {dims} values", layer.path + ("size",))
        out = tuple(size)
    else:
        sf = a["scale_factor"] if isinstance(a["scale_factor"], list) else [a["scale_factor"]] * dims
        if len(sf) != dims:
            raise _bad(f"scale_factor must give 1 or {dims} values", layer.path + ("scale_factor",))
        out = tuple(floor(n * f) for n, f in zip(shape[1:], sf))
        if min(out) < 1:
            raise _bad(f"scale_factor {a['scale_factor']} leaves an empty output", layer.path + ("scale_factor",))
    la.out_shape = (shape[0],) + out
    la.rf_undefined = "net.rf.undefined.upsample"


def _zero_pad(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    dims = layer.type.dims
    assert dims
    from .analysis import _need_rank
    _need_rank(layer, shape, (dims + 1,))
    pad = layer.args["padding"]
    sides = (pad,) * (2 * dims) if _is_int(pad) else tuple(pad)
    if len(sides) != 2 * dims:
        raise _bad(f"{layer.type.name} padding is one integer or {2 * dims} (left, right"
                   + (", top, bottom)" if dims == 2 else ")"), layer.path + ("padding",))
    # PyTorch's order: (left, right) for the last dimension, then (top, bottom) for the one before
    per_dim = [(sides[2 * (dims - 1 - i)], sides[2 * (dims - 1 - i) + 1]) for i in range(dims)]
    la.out_shape = (shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(shape[1:], per_dim))
    la.windows = (IDENTITY,) * dims


def _unflatten(layer: Layer, shape: tuple[int, ...], la: Any) -> None:
    d = _torch_dim(layer, layer.args["dim"], shape)
    parts = list(layer.args["unflattened_size"])
    known = prod(v for v in parts if v != -1)
    if -1 in parts:
        if shape[d] % known:
            raise _bad(f"unflattened_size {parts} does not divide dimension {d + 1} of size {shape[d]}",
                       layer.path + ("unflattened_size",))
        parts[parts.index(-1)] = shape[d] // known
    if prod(parts) != shape[d]:
        raise _bad(f"unflattened_size {parts} has {prod(parts)} entries, dimension {d + 1} of the input has "
                   f"{shape[d]}", layer.path + ("unflattened_size",))
    out = shape[:d] + tuple(parts) + shape[d + 1:]
    if len(out) > 3:
        raise _bad(f"the output {list(out)} would have more than 3 dimensions (batch excluded)", layer.path)
    la.out_shape = out
    la.rf_undefined = "net.rf.undefined.reshape"


RULES = {"embedding": _embedding, "layer_norm": _layer_norm, "group_norm": _group_norm, "softmax": _softmax,
         "upsample": _upsample, "zero_pad": _zero_pad, "unflatten": _unflatten}


def describe_extra(layer: Layer) -> str | None:
    """Short signature of the layers of this module (None for the others)."""
    a, t = layer.args, layer.type.name
    fam = layer.family
    if fam == "embedding":
        return f"Embedding({a['num_embeddings']}, {a['embedding_dim']})"
    if fam == "layer_norm":
        return f"LayerNorm({list(a['normalized_shape'])})"
    if fam == "group_norm":
        return f"GroupNorm({a['num_groups']}, {a.get('num_channels') or '?'})"
    if fam == "softmax":
        return f"{t}(dim={a['dim']})"
    if fam == "upsample":
        how = f"size={list(a['size'])}" if a["size"] is not None else f"×{a['scale_factor']}"
        return f"Upsample({how}, {a['mode']})"
    if fam == "zero_pad":
        return f"{t}({a['padding']})"
    if fam == "unflatten":
        return f"Unflatten({a['dim']}, {list(a['unflattened_size'])})"
    return None


for _t in EXTRA_TYPES:
    LAYER_TYPES.setdefault(_t.name, _t)
