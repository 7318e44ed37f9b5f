"""Reading a ``kind: network`` exercise: its networks (``given``) and what each part asks (``ask``), checked
and located in the file; no answers, no steps.

Example:
    >>> from solver.bank import load_exercise
    >>> ex = load_exercise("hw-q3")
    >>> {name: (net.input_shape, len(net.layers)) for name, net in read_networks(ex).items()}
    {'k3': ((16, 28, 28), 1), 'k1': ((16, 28, 28), 1)}
"""
from __future__ import annotations

from math import prod
from typing import Any

from ..errors import InputError, did_you_mean
from ..i18n import Msg, Plain
from ..model import COMMON_OPTIONS, Exercise, Part, check_keys
from ..record import record
from .analysis import MAX_LAYERS, check_tensor
from .layers import Layer, parse_layer

QUANTITIES = ("output_shape", "params", "macs", "flops", "receptive_field", "jump", "ratio")
PART_OPTIONS = {"at", "network", "of", "numerator", "denominator"}
DEFAULT = "main"


@record
class Network:
    """One network of an exercise: its name (``main`` when there is one), input shape without the batch, layers,
    label (bilingual, optional) and where it is in the file."""

    name: str
    input_shape: tuple[int, ...]
    layers: list[Layer]
    label: Any = None
    path: tuple = ("given",)


def located(ex: Exercise, exc: InputError, fallback: tuple) -> InputError:
    """``exc`` located in the exercise's file: at its own path when it has one, else at ``fallback``."""
    path = getattr(exc, "path", None)
    return ex.error(exc.said, path if path is not None else fallback)


def read_network(ex: Exercise, name: str, raw: Any, path: tuple) -> Network:
    """One network ``{input_shape, layers, label}`` read from ``raw`` (at ``path`` of the exercise)."""
    if not isinstance(raw, dict):
        raise ex.error(Msg("err.net_kind"), path)
    check_keys(ex, raw, ("input_shape", "layers", "label"), path, has="a network has input_shape, layers, label")
    shape = raw.get("input_shape")
    if not isinstance(shape, list) or not 1 <= len(shape) <= 3 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in shape):
        raise ex.error(Msg("err.input_shape", got=Plain(repr(shape))), path + ("input_shape",))
    if any(v < 1 for v in shape):
        raise ex.error(Msg("err.input_positive", got=Plain(str(shape))), path + ("input_shape",))
    too_large = check_tensor("the input", tuple(shape), prod(shape))
    if too_large:
        raise ex.error(too_large, path + ("input_shape",))
    raw_layers = raw.get("layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise ex.error(Msg("err.layers_kind"), path + ("layers",))
    if len(raw_layers) > MAX_LAYERS:
        raise ex.error(Msg("err.too_many_layers", n=len(raw_layers), most=MAX_LAYERS), path + ("layers",))
    layers = []
    for i, item in enumerate(raw_layers):
        try:
            layers.append(parse_layer(item, i, path + ("layers", i)))
        except InputError as exc:
            raise located(ex, exc, path + ("layers", i)) from None
    label = None
    if "label" in raw:
        from ..model import text_field
        assert ex.doc is not None
        label = text_field(ex.doc, raw["label"], path + ("label",), False)
    return Network(name, tuple(shape), layers, label, path)


def read_networks(ex: Exercise) -> dict[str, Network]:
    """The networks of ``given``: ``{input_shape, layers}`` or ``{networks: {name: {...}}}``."""
    g = ex.given
    if "networks" in g:
        extra = set(g) - {"networks"}
        if extra:
            raise ex.error(Msg("err.beside_networks", name=Plain(str(sorted(extra)[0]))), ("given", sorted(extra)[0]))
        if not isinstance(g["networks"], dict) or not g["networks"]:
            raise ex.error(Msg("err.networks_kind"), ("given", "networks"))
        total = sum(len(v["layers"]) for v in g["networks"].values() if isinstance(v, dict)
                    and isinstance(v.get("layers"), list))
        if total > MAX_LAYERS:
            raise ex.error(Msg("err.too_many_layers", n=total, most=MAX_LAYERS), ("given", "networks"))
        return {str(k): read_network(ex, str(k), v, ("given", "networks", k)) for k, v in g["networks"].items()}
    check_keys(ex, g, ("input_shape", "layers"), ("given",), has="given has input_shape and layers (or networks)")
    return {DEFAULT: read_network(ex, DEFAULT, g, ("given",))}


def layer_index(ex: Exercise, part: Part, net: Network) -> int | None:
    """``at`` as a count of layers (1-based position or a layer name)."""
    at = part.options.get("at")
    path = ("ask", part.index, "at")
    if at is None:
        return None
    if isinstance(at, str):
        for layer in net.layers:
            if layer.name == at:
                return layer.number
        names = [l.name for l in net.layers if l.name]
        raise ex.error(Msg("err.no_layer_named", name=Plain(at), names=Plain(", ".join(names) or "—")), path)
    if isinstance(at, bool) or not isinstance(at, int) or not 1 <= at <= len(net.layers):
        raise ex.error(Msg("err.at", n=len(net.layers), got=Plain(repr(at))), path)
    return at


def network_of(ex: Exercise, part: Part, nets: dict[str, Network], key: str = "network") -> Network:
    """The network a part asks about (its ``network:`` option, or ``key``: numerator/denominator; the only one when
    there is one)."""
    name = part.options.get(key)
    if name is None:
        if len(nets) == 1:
            return next(iter(nets.values()))
        raise ex.error(Msg("err.which_network", nets=Plain(", ".join(nets)), key=Plain(key)), ("ask", part.index))
    if str(name) not in nets:
        raise ex.error(Msg("err.no_network", name=Plain(str(name)), nets=Plain(", ".join(nets))),
                       ("ask", part.index, key))
    return nets[str(name)]


def check_part(ex: Exercise, part: Part) -> None:
    """A part's quantity and options are ones a network exercise knows."""
    if part.quantity not in QUANTITIES:
        raise ex.error(Msg("err.quantity", name=Plain(str(part.quantity)), hint=did_you_mean(part.quantity, QUANTITIES),
                           known=Plain(", ".join(QUANTITIES))), ("ask", part.index, "quantity"))
    for key in part.options:
        if key not in PART_OPTIONS and key not in COMMON_OPTIONS:
            raise ex.error(Msg("err.part_option", name=Plain(str(key)), hint=did_you_mean(key, PART_OPTIONS),
                               known=Plain(", ".join(sorted(PART_OPTIONS)))), ("ask", part.index, key))
    if part.quantity == "ratio":
        if part.options.get("of") not in ("params", "macs", "flops"):
            raise ex.error(Msg("err.ratio_of"), ("ask", part.index, "of"))
        for key in ("numerator", "denominator"):
            if key not in part.options:
                raise ex.error(Msg("err.ratio_needs", key=Plain(key)), ("ask", part.index))
