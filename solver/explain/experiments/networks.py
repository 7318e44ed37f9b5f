"""``networks``: shapes, parameters, MACs and receptive fields of named networks (the network solver)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")

from ...i18n import Count, Msg, Plain
from ...steps import Check, Step, Table
from ...values import shape_text
from .common import Experiment, ExperimentError, _count, _ok


def _networks_read(ex: Any, raw: dict[str, Any], path: tuple) -> dict[str, Any]:
    from ...errors import InputError
    from ...network.solve import read_network
    for key in raw:
        if key not in ("networks", "show"):
            raise ExperimentError(f"unknown parameter '{key}'; known: networks, show", (key,))
    nets = raw.get("networks")
    if not isinstance(nets, dict) or not nets or len(nets) > 8:
        raise ExperimentError("networks must map 1 to 8 names to {input_shape, layers, label}", ("networks",))
    show = raw.get("show", ["output_shape", "params", "macs", "receptive_field"])
    allowed = ("output_shape", "params", "macs", "receptive_field")
    if not isinstance(show, list) or not show or not all(s in allowed for s in show):
        raise ExperimentError(f"show is a list of {', '.join(allowed)}", ("show",))
    from ...network.analysis import analyse
    parsed = {}
    for name, net_raw in nets.items():
        net = read_network(ex, str(name), net_raw, path + ("networks", name))
        try:
            analysis = analyse(net.input_shape, net.layers)
        except InputError as exc:
            where = getattr(exc, "path", None)
            raise ex.error(exc.said, tuple(where) if where else path + ("networks", name)) from None
        parsed[str(name)] = (net, analysis)
    return {"nets": parsed, "show": show}


def _networks_run(p: dict[str, Any]) -> dict[str, Any]:
    rows = {}
    for name, (net, an) in p["nets"].items():
        last_rf = next((la.rf for la in reversed(an.layers) if la.rf is not None and la.rf_undefined is None), None)
        rows[name] = {"shape": list(an.output_shape()), "params": sum(la.params for la in an.layers),
                      "macs": sum(la.macs for la in an.layers), "rf": list(last_rf) if last_rf else None,
                      "layers": [la.layer.label() for la in an.layers], "input": list(net.input_shape)}
    return {"rows": rows}


_NET_COLS = {"output_shape": "xp.col.output", "params": "xp.col.params", "macs": "xp.col.macs",
             "receptive_field": "xp.col.rf"}


def _networks_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = []
    for name, r in d["rows"].items():
        net = p["nets"][name][0]
        cells: list[Any] = [net.label or Plain(name), Plain(" → ".join([shape_text(r["input"])] + r["layers"]))]
        for col in p["show"]:
            if col == "output_shape":
                cells.append(Plain(shape_text(r["shape"])))
            elif col == "params":
                cells.append(Count(r['params']))
            elif col == "macs":
                cells.append(Count(r['macs']))
            else:
                cells.append(Plain(shape_text(r["rf"]) if r["rf"] else "—"))
        rows.append(cells)
    return [Step(Msg("xp.nets.title"), text=Msg("xp.nets.text"),
                 table=Table([Msg("xp.col.network"), Msg("xp.col.layers")] + [Msg(_NET_COLS[c]) for c in p["show"]],
                             rows),
                 rule="explain.networks")]


def _measured_rf(net: Any, an: Any) -> list[int] | None | str:
    """The receptive field of the last layer that has one, measured by back-propagation: the span of the non-zero
    gradient of one output unit with respect to the input, in a one-channel probe with the layers' windows (the
    network solver's probe, :func:`solver.receptive_probe.measure_window`) — not the recurrence the run read.
    ``None`` when no layer has one; a message key when the probe cannot measure it."""
    from ...network.verify import _probe_layers
    from ...receptive_probe import ProbeTooLarge, measure_window
    at = max((i + 1 for i, la in enumerate(an.layers) if la.rf is not None), default=0)
    if not at:
        return None
    try:
        measured = measure_window(_probe_layers(net, an, at), an.spatial_dims)
    except ProbeTooLarge:
        return "xp.nets.check.rf_large"
    return list(measured[0]) if measured else "xp.nets.check.rf_small"


def _networks_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    checks = []
    for name, r in d["rows"].items():
        net, an = p["nets"][name]
        from ...network.torch_count import FlopCount, build, empty_input   # one pass, no torch._dynamo
        from ...network.verify import build_layer
        model = build(lambda: torch.nn.Sequential(*(build_layer(la.layer) for la in an.layers)))
        with torch.no_grad(), FlopCount() as counter:
            y = model(empty_input(tuple(net.input_shape)))
        ok = (list(y.shape[1:]) == r["shape"] and _count(model) == r["params"]
              and counter.flops // 2 == r["macs"])
        label = net.label or Plain(name)
        checks.append(_ok("torch", part, ok, "xp.nets.check", name=label, params=_count(model),
                          shape=Plain(shape_text(y.shape[1:]))))
        if "receptive_field" in p["show"]:
            rf = _measured_rf(net, an)
            if isinstance(rf, str):
                checks.append(_ok("torch", part, False, rf, name=label))
            else:
                checks.append(_ok("torch", part, rf == r["rf"], "xp.nets.check.rf" if rf else "xp.nets.check.rf_none",
                                  name=label, rf=Plain(shape_text(rf) if rf else "—")))
    return checks


# ================================================================ the table of experiments


EXPERIMENT = Experiment("networks", {}, _networks_run, _networks_steps, _networks_checks, read=_networks_read)
