"""The layer table: which ``torch.nn`` classes a network may use and how their arguments read.

Each layer is written as in PyTorch: ``{type: Conv2d, out_channels: 32, kernel_size: 3, padding: 1}``.
``in_channels`` / ``in_features`` / ``num_features`` may be left out: they are inferred from
the shape coming in. Spatial arguments take an int or one value per spatial dimension.

Example:
    >>> layer = parse_layer({"type": "MaxPool2d", "kernel_size": 2}, 0)
    >>> layer.args["stride"], layer.args["padding"]
    ((2, 2), (0, 0))
"""
from __future__ import annotations

from ..record import factory, record
from typing import Any

from ..errors import InputError, did_you_mean
from ..i18n import Msg, Plain
from ..values import shape_text


@record(frozen=True)
class Arg:
    """One constructor argument: ``kind`` says how it is read, ``default`` what PyTorch assumes."""

    kind: str
    default: Any = None
    required: bool = False
    doc: str = ""


@record(frozen=True)
class LayerType:
    name: str
    family: str          # conv, conv_transpose, max_pool, avg_pool, adaptive_pool, batch_norm, elementwise, flatten, linear
    dims: int | None     # spatial dimensions the layer works on (None: any)
    args: dict[str, Arg] = factory(dict)


def _conv_args() -> dict[str, Arg]:
    return {
        "in_channels": Arg("channels", doc="inferred from the input when left out"),
        "out_channels": Arg("channels", required=True),
        "kernel_size": Arg("size", required=True),
        "stride": Arg("size", 1),
        "padding": Arg("conv_padding", 0, doc="int, one per dimension, 'same' or 'valid'"),
        "dilation": Arg("size", 1),
        "groups": Arg("positive", 1),
        "bias": Arg("flag", True),
        "padding_mode": Arg("padding_mode", "zeros"),
    }


def _conv_transpose_args() -> dict[str, Arg]:
    args = _conv_args()
    args["padding"] = Arg("padding", 0)
    args["output_padding"] = Arg("padding", 0)
    args["padding_mode"] = Arg("padding_mode_zeros", "zeros")
    return args


def _max_pool_args() -> dict[str, Arg]:
    return {"kernel_size": Arg("size", required=True), "stride": Arg("size", None, doc="defaults to kernel_size"),
            "padding": Arg("padding", 0), "dilation": Arg("size", 1), "return_indices": Arg("false", False),
            "ceil_mode": Arg("flag", False)}


def _avg_pool_args(two_d: bool) -> dict[str, Arg]:
    args = {"kernel_size": Arg("size", required=True), "stride": Arg("size", None, doc="defaults to kernel_size"),
            "padding": Arg("padding", 0), "ceil_mode": Arg("flag", False), "count_include_pad": Arg("flag", True)}
    if two_d:
        args["divisor_override"] = Arg("optional_positive", None)
    return args


_BN = {"num_features": Arg("channels", doc="inferred from the input when left out"), "eps": Arg("number", 1e-5),
       "momentum": Arg("optional_number", 0.1), "affine": Arg("flag", True),
       "track_running_stats": Arg("flag", True)}

LAYER_TYPES: dict[str, LayerType] = {t.name: t for t in [
    LayerType("Conv1d", "conv", 1, _conv_args()),
    LayerType("Conv2d", "conv", 2, _conv_args()),
    LayerType("ConvTranspose1d", "conv_transpose", 1, _conv_transpose_args()),
    LayerType("ConvTranspose2d", "conv_transpose", 2, _conv_transpose_args()),
    LayerType("MaxPool1d", "max_pool", 1, _max_pool_args()),
    LayerType("MaxPool2d", "max_pool", 2, _max_pool_args()),
    LayerType("AvgPool1d", "avg_pool", 1, _avg_pool_args(False)),
    LayerType("AvgPool2d", "avg_pool", 2, _avg_pool_args(True)),
    LayerType("AdaptiveAvgPool1d", "adaptive_pool", 1, {"output_size": Arg("output_size", required=True)}),
    LayerType("AdaptiveAvgPool2d", "adaptive_pool", 2, {"output_size": Arg("output_size", required=True)}),
    LayerType("AdaptiveMaxPool1d", "adaptive_pool", 1, {"output_size": Arg("output_size", required=True)}),
    LayerType("AdaptiveMaxPool2d", "adaptive_pool", 2, {"output_size": Arg("output_size", required=True)}),
    LayerType("BatchNorm1d", "batch_norm", None, dict(_BN)),
    LayerType("BatchNorm2d", "batch_norm", 2, dict(_BN)),
    LayerType("ReLU", "elementwise", None, {"inplace": Arg("flag", False)}),
    LayerType("LeakyReLU", "elementwise", None, {"negative_slope": Arg("number", 0.01), "inplace": Arg("flag", False)}),
    LayerType("GELU", "elementwise", None, {"approximate": Arg("gelu", "none")}),
    LayerType("Sigmoid", "elementwise", None, {}),
    LayerType("Tanh", "elementwise", None, {}),
    LayerType("Identity", "elementwise", None, {}),
    LayerType("Dropout", "elementwise", None, {"p": Arg("probability", 0.5), "inplace": Arg("flag", False)}),
    LayerType("Dropout1d", "elementwise", None, {"p": Arg("probability", 0.5), "inplace": Arg("flag", False)}),
    LayerType("Dropout2d", "elementwise", None, {"p": Arg("probability", 0.5), "inplace": Arg("flag", False)}),
    LayerType("Flatten", "flatten", None, {"start_dim": Arg("int", 1), "end_dim": Arg("int", -1)}),
    LayerType("Linear", "linear", None, {"in_features": Arg("channels", doc="inferred from the input when left out"),
                                         "out_features": Arg("channels", required=True), "bias": Arg("flag", True)}),
]}

# Spatial arguments that become one value per dimension.
SPATIAL_KINDS = {"size", "conv_padding", "padding"}


@record
class Layer:
    """A validated layer: ``args`` holds every argument, defaults filled, spatial ones as tuples."""

    index: int                      # position in the network, from 0
    type: LayerType
    args: dict[str, Any]
    name: str | None = None
    path: tuple = ()

    @property
    def number(self) -> int:
        """Position from 1, as ``at:`` counts."""
        return self.index + 1

    @property
    def family(self) -> str:
        return self.type.family

    def label(self) -> str:
        """Short signature such as ``Conv2d(16→32, k=3×3, s=1, p=1)`` (language-neutral)."""
        return describe(self)


def _bad(message: Any, path: tuple) -> InputError:
    """An input error that remembers its path, so the caller can add file and line."""
    exc = InputError(message, field=_fmt(path))
    exc.path = path  # type: ignore[attr-defined]
    return exc


def _fmt(path: tuple) -> str:
    from ..yamlio import format_path
    return format_path(path)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


MAX_ARG = 2 ** 31 - 1       # a size, stride, padding, dilation or channel count beyond this overflows PyTorch


def _at_most(name: str, values: tuple[int, ...] | list[int], path: tuple) -> None:
    if any(v > MAX_ARG for v in values):
        raise _bad(Msg("err.arg_large", name=Plain(name), most=MAX_ARG), path)


def _spatial(value: Any, dims: int, name: str, path: tuple, minimum: int) -> tuple[int, ...]:
    if _is_int(value):
        values = (value,) * dims
    elif isinstance(value, (list, tuple)) and len(value) == dims and all(_is_int(v) for v in value):
        values = tuple(value)
    else:
        shape = Msg("err.an_int") if dims == 1 else Msg("err.int_or_list", n=dims)
        raise _bad(Msg("err.arg_must", name=Plain(name), what=shape, got=Plain(repr(value))), path)
    if any(v < minimum for v in values):
        what = Msg("err.positive" if minimum == 1 else "err.non_negative")
        raise _bad(Msg("err.arg_must", name=Plain(name), what=what, got=Plain(repr(value))), path)
    _at_most(name, values, path)
    return values


def _read_arg(arg: Arg, name: str, value: Any, dims: int | None, path: tuple) -> Any:
    kind = arg.kind
    if kind in EXTRA_READERS:                 # argument kinds of solver/network/layers_extra.py
        return EXTRA_READERS[kind](name, value, path)
    if kind in SPATIAL_KINDS:
        assert dims is not None
        if kind == "conv_padding" and isinstance(value, str):
            if value not in ("same", "valid"):
                raise _bad(Msg("err.arg_must", name=Plain("padding"), what=Msg("err.padding_words"),
                               got=Plain(repr(value))), path)
            return value
        if name == "stride" and value is None:
            return None
        return _spatial(value, dims, name, path, 1 if kind == "size" else 0)
    if kind in ("channels", "positive"):
        if not _is_int(value) or value < 1:
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.positive_int"), got=Plain(repr(value))), path)
        _at_most(name, [value], path)
        return value
    if kind == "optional_positive":
        if value is not None and (not _is_int(value) or value < 1):
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.positive_int_or_null"),
                           got=Plain(repr(value))), path)
        return value
    if kind == "int":
        if not _is_int(value):
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.an_int"), got=Plain(repr(value))), path)
        return value
    if kind == "flag":
        if not isinstance(value, bool):
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.bool"), got=Plain(repr(value))), path)
        return value
    if kind == "false":
        if value is not False:
            raise _bad(f"{name}: only false is supported", path)
        return value
    if kind in ("number", "optional_number", "probability"):
        if value is None and kind == "optional_number":
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.a_number"), got=Plain(repr(value))), path)
        if kind == "probability" and not 0 <= value <= 1:
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.probability"), got=Plain(repr(value))),
                       path)
        return value
    if kind in ("padding_mode", "padding_mode_zeros"):
        allowed = ("zeros",) if kind == "padding_mode_zeros" else ("zeros", "reflect", "replicate", "circular")
        if value not in allowed:
            raise _bad(Msg("err.arg_must", name=Plain(name), what=Msg("err.one_of", allowed=Plain(", ".join(allowed))),
                           got=Plain(repr(value))), path)
        return value
    if kind == "gelu":
        if value not in ("none", "tanh"):
            raise _bad(f"{name} must be 'none' or 'tanh', got {value!r}", path)
        return value
    if kind == "output_size":
        assert dims is not None
        items = [value] * dims if (value is None or _is_int(value)) else value
        keep = dims > 1          # null keeps a size; PyTorch's 1-D adaptive pools refuse it
        if not isinstance(items, (list, tuple)) or len(items) != dims or not all(
                (v is None and keep) or (_is_int(v) and v >= 1) for v in items):
            what = f"a positive integer or a list of {dims} (null keeps a size)" if keep else "a positive integer"
            raise _bad(f"output_size must be {what}, got {value!r}", path)
        _at_most(name, [v for v in items if v is not None], path)
        return tuple(items)
    raise AssertionError(kind)  # pragma: no cover


def parse_layer(raw: Any, index: int, path: tuple = ()) -> Layer:
    """Validate one layer mapping. Errors are :class:`InputError` with the field path set."""
    path = path or ("layers", index)
    if not isinstance(raw, dict):
        raise _bad(Msg("err.layer_kind"), path)
    type_name = raw.get("type")
    if type_name not in LAYER_TYPES:
        raise _bad(Msg("err.layer_type", name=Plain(repr(type_name)), hint=did_you_mean(type_name, LAYER_TYPES,
                                                                                        quote=False),
                       known=Plain(", ".join(LAYER_TYPES))), path + ("type",))
    ltype = LAYER_TYPES[type_name]
    args: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("type", "name"):
            continue
        if key not in ltype.args:
            allowed = Plain(", ".join(ltype.args)) if ltype.args else Msg("err.none")
            raise _bad(Msg("err.layer_arg", layer=Plain(type_name), name=Plain(key),
                           hint=did_you_mean(key, ltype.args), allowed=allowed), path + (key,))
        args[key] = _read_arg(ltype.args[key], key, value, ltype.dims, path + (key,))
    for key, arg in ltype.args.items():
        if key not in args:
            if arg.required:
                raise _bad(Msg("err.layer_needs", layer=Plain(type_name), name=Plain(key)), path)
            default = arg.default
            if arg.kind in SPATIAL_KINDS and default is not None:
                default = (default,) * ltype.dims  # type: ignore[operator]
            args[key] = default
    if "stride" in args and args["stride"] is None:
        args["stride"] = args["kernel_size"]
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise _bad("name must be text", path + ("name",))
    return Layer(index, ltype, args, name, path)


def _pair(values: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in values) if len(set(values)) > 1 else str(values[0])


def describe(layer: Layer) -> str:
    """A compact, language-neutral signature of the layer (channels filled in once inferred)."""
    a, fam, t = layer.args, layer.family, layer.type.name
    if fam in ("conv", "conv_transpose"):
        cin = a.get("in_channels") or "?"
        parts = [f"{cin}→{a['out_channels']}", f"k={shape_text(a['kernel_size'])}"]
        if a["stride"] != (1,) * len(a["stride"]):
            parts.append(f"s={_pair(a['stride'])}")
        pad = a["padding"]
        if isinstance(pad, str):
            parts.append(f"p={pad}")
        elif any(pad):
            parts.append(f"p={_pair(pad)}")
        if fam == "conv_transpose" and any(a["output_padding"]):
            parts.append(f"op={_pair(a['output_padding'])}")
        if any(d != 1 for d in a["dilation"]):
            parts.append(f"d={_pair(a['dilation'])}")
        if a["groups"] != 1:
            parts.append(f"g={a['groups']}")
        if not a["bias"]:
            parts.append("bias=False")
        return f"{t}({', '.join(parts)})"
    if fam in ("max_pool", "avg_pool"):
        parts = [f"k={shape_text(a['kernel_size'])}", f"s={_pair(a['stride'])}"]
        if any(a["padding"]):
            parts.append(f"p={_pair(a['padding'])}")
        if any(d != 1 for d in a.get("dilation", (1,))):
            parts.append(f"d={_pair(a['dilation'])}")
        if a["ceil_mode"]:
            parts.append("ceil")
        return f"{t}({', '.join(parts)})"
    if fam == "adaptive_pool":
        return f"{t}({shape_text('·' if v is None else v for v in a['output_size'])})"
    if fam == "linear":
        return f"Linear({a.get('in_features') or '?'}→{a['out_features']}{'' if a['bias'] else ', bias=False'})"
    if fam == "batch_norm":
        return f"{t}({a.get('num_features') or '?'})"
    if fam == "flatten":
        return "Flatten" if (a["start_dim"], a["end_dim"]) == (1, -1) else f"Flatten({a['start_dim']}, {a['end_dim']})"
    if t.startswith("Dropout"):
        return f"{t}(p={a['p']})"
    from .layers_extra import describe_extra
    return describe_extra(layer) or t


from .layers_extra import READERS as EXTRA_READERS  # noqa: E402  (registers Embedding, LayerNorm, … at import)
