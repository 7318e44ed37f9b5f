"""The catalogue of typical mistakes: the answer recomputed under a wrong assumption.

Each :class:`Mistake` names the wrong assumption (bilingual), the kinds and quantities it applies to,
a default credit, and a function that recomputes the part's answer as a student making that mistake
would. An exercise adds its own with ``mistakes: [{value, message: {en, zh}, credit}]`` on a part.
A student answer that matches a mistaken answer (and not the gold) gets the targeted feedback.

Example:
    >>> from grader.gold import gold_for
    >>> g = gold_for("hw-q3")
    >>> [m.id for m, value in mistaken_answers(g, "params") if value == 4608]
    ['bias_forgotten']
"""
from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass
from math import prod
from typing import Any, Callable

from solver.i18n import Text


@dataclass(frozen=True)
class Mistake:
    id: str
    kinds: tuple[str, ...]
    quantities: tuple[str, ...]
    compute: Callable[[Any, Any], list[Any]]     # (gold, part) → mistaken values
    credit: float = 0.0

    @property
    def message(self) -> Any:
        from solver.i18n import Msg
        return Msg(f"m.{self.id}")


def mistake_text(name: str, lang: str) -> str:
    """A named mistake in words, in ``lang`` (its catalogue message ``m.<name>``); an exercise's own mistake,
    which has no catalogue entry, by its name."""
    from solver.i18n import Msg
    try:
        return Msg(f"m.{name}").render(lang)
    except KeyError:
        return name


# ------------------------------------------------------------------ network

def _net(gold: Any, part: Any) -> tuple[Any, Any, int | None]:
    from solver.network.solve import layer_index, network_of
    ctx = gold.solution.context
    net = network_of(gold.exercise, part, ctx["networks"])
    return net, ctx["analyses"][net.name], layer_index(gold.exercise, part, net)


def _layers_for_count(gold: Any, part: Any) -> list[Any]:
    net, analysis, at = _net(gold, part)
    return [analysis.layers[at - 1]] if at else analysis.layers


def _bias_of(la: Any) -> int:
    a = la.layer.args
    if la.layer.family in ("conv", "conv_transpose"):
        return a["out_channels"] if a["bias"] else 0
    if la.layer.family == "linear":
        return a["out_features"] if a["bias"] else 0
    return 0


def _missing_bias(la: Any) -> int:
    a = la.layer.args
    if la.layer.family in ("conv", "conv_transpose") and not a["bias"]:
        return a["out_channels"]
    if la.layer.family == "linear" and not a["bias"]:
        return a["out_features"]
    return 0


def _bias_forgotten(gold: Any, part: Any) -> list[Any]:
    layers = _layers_for_count(gold, part)
    bias = sum(_bias_of(la) for la in layers)
    return [sum(la.params for la in layers) - bias] if bias else []


def _bias_added(gold: Any, part: Any) -> list[Any]:
    layers = _layers_for_count(gold, part)
    extra = sum(_missing_bias(la) for la in layers)
    return [sum(la.params for la in layers) + extra] if extra else []


def _out_elements(la: Any) -> int:
    return prod(la.out_shape) if la.layer.family in ("conv", "conv_transpose", "linear") else 0


def _bias_ops(gold: Any, part: Any) -> list[Any]:
    layers = _layers_for_count(gold, part)
    extra = sum(_out_elements(la) for la in layers if _bias_of(la))
    macs = sum(la.macs for la in layers)
    if not extra:
        return []
    return [macs + extra] if part.quantity == "macs" else [2 * macs + extra]


def _scaled(factor: float) -> Callable[[Any, Any], list[Any]]:
    def compute(gold: Any, part: Any) -> list[Any]:
        value = gold.parts[part.id].value
        return [int(value * factor)] if isinstance(value, int) else []
    return compute


def _channels_ignored(gold: Any, part: Any) -> list[Any]:
    total, changed = 0, False
    for la in _layers_for_count(gold, part):
        a = la.layer.args
        if la.layer.family == "conv" and a["in_channels"] // a["groups"] > 1:
            changed = True
            k = prod(a["kernel_size"])
            if part.quantity == "params":
                total += a["out_channels"] * k + _bias_of(la)
            else:
                total += prod(la.out_shape[1:]) * a["out_channels"] * k
        else:
            total += la.params if part.quantity == "params" else la.macs
    if not changed:
        return []
    return [total * 2] if part.quantity == "flops" else [total]


def _groups_ignored(gold: Any, part: Any) -> list[Any]:
    total, changed = 0, False
    for la in _layers_for_count(gold, part):
        a = la.layer.args
        if la.layer.family == "conv" and a["groups"] > 1:
            changed = True
            g = a["groups"]
            total += (la.params - _bias_of(la)) * g + _bias_of(la) if part.quantity == "params" else la.macs * g
        else:
            total += la.params if part.quantity == "params" else la.macs
    if not changed:
        return []
    return [total * 2] if part.quantity == "flops" else [total]


def _reanalysed(gold: Any, part: Any, change: Callable[[dict], bool]) -> list[Any]:
    """Re-run the network walk with modified layer arguments."""
    from solver.errors import InputError
    from solver.network.analysis import analyse
    net, analysis, at = _net(gold, part)
    layers = copy.deepcopy(net.layers)
    if not any([change(l.args) for l in layers]):
        return []
    try:
        new = analyse(net.input_shape, layers)
    except InputError:
        return []
    return [list(new.output_shape(at))]


def _padding_ignored(gold: Any, part: Any) -> list[Any]:
    def change(args: dict) -> bool:
        pad = args.get("padding")
        if pad is None or pad == "valid" or (isinstance(pad, tuple) and not any(pad)):
            return False
        args["padding"] = (0,) * len(args["kernel_size"])
        return True
    return _reanalysed(gold, part, change)


def _floor_ceil(gold: Any, part: Any) -> list[Any]:
    def change(args: dict) -> bool:
        if "ceil_mode" in args:
            args["ceil_mode"] = not args["ceil_mode"]
            return True
        return False
    return _reanalysed(gold, part, change)


def _off_by_one(gold: Any, part: Any) -> list[Any]:
    shape = gold.parts[part.id].value
    out = []
    for delta in (-1, 1):
        candidate = [shape[0]] + [v + delta for v in shape[1:]] if len(shape) > 1 else [shape[0] + delta]
        out.append(candidate)
    return out


def _rf_no_stride(gold: Any, part: Any) -> list[Any]:
    net, analysis, at = _net(gold, part)
    dims = analysis.spatial_dims
    layers = analysis.upto(at)
    values = [1 + sum((la.windows[i].k - 1) * la.windows[i].d for la in layers if la.windows) for i in range(dims)]
    return [values] if values != gold.parts[part.id].value else []


def _ratio_counts(gold: Any, part: Any, drop_bias: bool = False) -> tuple[int, int] | None:
    from solver.network.solve import network_of
    ctx = gold.solution.context
    what = part.options.get("of")
    if what not in ("params", "macs", "flops"):
        return None
    counts = []
    for key in ("numerator", "denominator"):
        net = network_of(gold.exercise, part, ctx["networks"], key)
        layers = ctx["analyses"][net.name].layers
        total = sum(la.params if what == "params" else la.macs for la in layers)
        if drop_bias and what == "params":
            total -= sum(_bias_of(la) for la in layers)
        counts.append(total * 2 if what == "flops" else total)
    return counts[0], counts[1]


def _ratio_inverted(gold: Any, part: Any) -> list[Any]:
    value = gold.parts[part.id].value
    return [1 / value] if value and abs(value - 1) > 1e-9 else []


def _percent_missing(gold: Any, part: Any) -> list[Any]:
    value = gold.parts[part.id].value
    return [value * 100] if 0 < value < 1 else []


def _ratio_bias_forgotten(gold: Any, part: Any) -> list[Any]:
    with_bias = _ratio_counts(gold, part)
    without = _ratio_counts(gold, part, drop_bias=True)
    if not without or without == with_bias or not without[1]:
        return []
    return [without[0] / without[1]]


def _macs_padding_ignored(gold: Any, part: Any) -> list[Any]:
    """MACs/FLOPs counted on the output a layer would have without its padding."""
    from solver.errors import InputError
    from solver.network.analysis import analyse
    net, analysis, at = _net(gold, part)
    layers = copy.deepcopy(net.layers)
    changed = False
    for la in layers:
        pad = la.args.get("padding")
        if isinstance(pad, tuple) and any(pad):
            la.args["padding"] = (0,) * len(pad)
            changed = True
    if not changed:
        return []
    try:
        new = analyse(net.input_shape, layers)
    except InputError:
        return []
    chosen = [new.layers[at - 1]] if at else new.layers
    macs = sum(la.macs for la in chosen)
    return [2 * macs if part.quantity == "flops" else macs]


# ------------------------------------------------------------------ convolution

def _conv_variants(gold: Any, part: Any, transform: Callable[[Any], list[Any]]) -> list[Any]:
    from solver.conv.evaluate import EvalError, evaluate
    from solver.values import to_json
    node = gold.solution.context["nodes"][part.id]
    env = gold.solution.context["env"]
    out = []
    for variant in transform(node):
        try:
            out.append(to_json(evaluate(variant, env)[0].data))
        except (EvalError, TypeError, ValueError):
            continue
    return [v for v in out if v != gold.parts[part.id].value]


def _rewrite(node: Any, rule: Callable[[Any], Any]) -> Any:
    from solver.conv.expr import BinOp, Call, Neg
    node = rule(node)
    if isinstance(node, Call):
        return Call(node.func, tuple(_rewrite(a, rule) for a in node.args), node.kwargs)
    if isinstance(node, BinOp):
        return BinOp(node.op, _rewrite(node.left, rule), _rewrite(node.right, rule))
    if isinstance(node, Neg):
        return Neg(_rewrite(node.operand, rule))
    return node


def _swap(a: str, b: str) -> Callable[[Any], list[Any]]:
    def transform(node: Any) -> list[Any]:
        from solver.conv.expr import BinOp, Call
        seen = []

        def rule(n: Any) -> Any:
            if isinstance(n, Call) and n.func == a:
                seen.append(1)
                return Call(b, n.args, n.kwargs)
            if isinstance(n, BinOp) and {"conv": "⊛", "corr": "*"}.get(a) == n.op:
                seen.append(1)
                return BinOp({"conv": "*", "corr": "⊛"}[a], n.left, n.right)
            return n
        new = _rewrite(node, rule)
        return [new] if seen else []
    return transform


def _modes(node: Any) -> list[Any]:
    from solver.conv.expr import Call
    out = []
    for mode in ("valid", "full", "same"):
        def rule(n: Any, mode: str = mode) -> Any:
            if isinstance(n, Call) and n.func in ("corr", "conv") and "padding" not in dict(n.kwargs):
                kw = tuple((k, v) for k, v in n.kwargs if k != "mode") + ((("mode", mode),) if mode != "valid" else ())
                return Call(n.func, n.args, kw)
            return n
        out.append(_rewrite(node, rule))
    return out


def _drop_kw(key: str) -> Callable[[Any], list[Any]]:
    def transform(node: Any) -> list[Any]:
        from solver.conv.expr import Call

        def rule(n: Any) -> Any:
            if isinstance(n, Call) and key in dict(n.kwargs):
                return Call(n.func, n.args, tuple((k, v) for k, v in n.kwargs if k != key))
            return n
        return [_rewrite(node, rule)]
    return transform


def _rotation(node: Any) -> list[Any]:
    from solver.conv.expr import Call, Num

    def rule(n: Any) -> Any:
        if isinstance(n, Call) and n.func == "rot90cw":
            return Call("rot90", n.args, n.kwargs)
        if isinstance(n, Call) and n.func == "rot90" and len(n.args) == 1:
            return Call("rot90cw", n.args, n.kwargs)
        return n
    return [_rewrite(node, rule)]


def _conv(transform: Callable[[Any], list[Any]]) -> Callable[[Any, Any], list[Any]]:
    return lambda gold, part: _conv_variants(gold, part, transform)


# ------------------------------------------------------------------ recurrent, optimizer, init, mlp (solver/nn_basics)

def _rnn_count(convention: str) -> Callable[[Any, Any], list[Any]]:
    """The count of the other bias convention, for a part that asks ``convention``."""
    def compute(gold: Any, part: Any) -> list[Any]:
        ctx = gold.solution.context
        if ctx.get("family") != "counts" or part.options.get("convention", "pytorch") != convention:
            return []
        return [ctx["pytorch"] if convention == "textbook" else ctx["book"]]
    return compute


def _adam_uncorrected(gold: Any, part: Any) -> list[Any]:
    """Adam re-run with m_t, v_t in place of m̂_t, v̂_t (same gradients, or the function's at the new iterates)."""
    from math import sqrt
    ctx = gold.solution.context
    if ctx.get("optimizer") != "adam":
        return []
    name = part.options.get("name")
    if part.quantity == "state" and name not in ("m_hat", "v_hat"):
        return []
    grad_fn = None
    if ctx.get("gradients") is None:
        from solver.nn_basics.optim import objective
        grad_fn = objective(gold.exercise, ctx["function"], len(ctx["w0"]))[3]
    (b1, b2), lr, eps, wd = ctx["betas"], ctx["lr"], ctx["eps"], ctx["weight_decay"]
    w = list(ctx["w0"])
    m, v = [0.0] * len(w), [0.0] * len(w)
    rec: dict[str, list] = {"w": [], "m_hat": [], "v_hat": [], "update": []}
    for t in range(ctx["steps"]):
        g = grad_fn(w) if grad_fn else list(ctx["gradients"][t])
        g = [gi + wd * wi for gi, wi in zip(g, w)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        step = [lr * a / (sqrt(c) + eps) for a, c in zip(m, v)]
        w = [wi - si for wi, si in zip(w, step)]
        rec["w"].append(w)
        rec["m_hat"].append(m)
        rec["v_hat"].append(v)
        rec["update"].append([-s for s in step])

    def out(x: list[float]) -> Any:
        return x[0] if ctx["scalar"] else x
    t = part.options.get("step", ctx["steps"]) - 1
    value = {"iterates": lambda: [out(x) for x in rec["w"]], "final": lambda: out(rec["w"][-1]),
             "state": lambda: out(rec[name][t]), "update": lambda: out(rec["update"][t])}[part.quantity]()
    return [value] if value != gold.parts[part.id].value else []


def _optimizer_part(ctx: dict, part: Any, rec: dict) -> Any:
    """The value a part asks, read from a run's record (as :mod:`solver.nn_basics.optim` answers it)."""
    def out(x: list[float]) -> Any:
        return x[0] if ctx["scalar"] else x
    t = part.options.get("step", ctx["steps"]) - 1
    return {"iterates": lambda: [out(x) for x in rec["w"][1:]], "final": lambda: out(rec["w"][-1]),
            "state": lambda: out(rec[part.options.get("name")][t]), "update": lambda: out(rec["update"][t])}[
        part.quantity]()


def _weight_decay_forgotten(gold: Any, part: Any) -> list[Any]:
    """Optimiser steps without the λw term; an MLP's ∂J/∂W without λW."""
    ctx = gold.solution.context
    if gold.exercise.kind == "mlp":
        lam, name = ctx.get("lambda") or 0, part.options.get("name")
        if ctx.get("family") != "mlp" or not lam or name not in ("W1", "W2"):
            return []
        grad = gold.parts[part.id].value
        return [[[g - lam * w for g, w in zip(gr, wr)] for gr, wr in zip(grad, ctx[name])]]
    if not ctx.get("weight_decay"):
        return []
    from solver.nn_basics.optim import objective, run
    grad_fn = None if ctx.get("gradients") is not None else objective(gold.exercise, ctx["function"],
                                                                       len(ctx["w0"]))[3]
    rec = run(ctx["optimizer"], ctx["w0"], ctx.get("gradients"), lr=ctx["lr"], momentum=ctx["momentum"],
              weight_decay=0.0, betas=tuple(ctx["betas"]), eps=ctx["eps"], grad_fn=grad_fn, steps=ctx["steps"])
    value = _optimizer_part(ctx, part, rec)
    return [value] if value != gold.parts[part.id].value else []


def _init_swapped(asked: str, used: str) -> Callable[[Any, Any], list[Any]]:
    """The answer computed with the scheme ``used`` where ``asked`` is asked."""
    def compute(gold: Any, part: Any) -> list[Any]:
        from solver.nn_basics import weight_init as wi
        ctx = gold.solution.context
        if part.options.get("scheme") != asked:
            return []
        if ctx.get("family") == "depth":
            n, L = ctx["width"], ctx["depth"]
            value = wi.depth_variances(ctx["activation"], used, n, L, ctx["q0"])[part.options.get("at", L) - 1]
        else:
            fn = {"init_variance": wi.variance, "init_std": wi.std, "init_bound": wi.bound}[part.quantity]
            value = fn(used, ctx["fan_in"], ctx["fan_out"])
        return [value] if value != gold.parts[part.id].value else []
    return compute


def _dropout(scaled: bool) -> Callable[[Any, Any], list[Any]]:
    """For a part asking ``scaled``, the expectation of the other form: (1 − p)h for the scaled one, h otherwise."""
    def compute(gold: Any, part: Any) -> list[Any]:
        ctx = gold.solution.context
        if ctx.get("family") != "dropout" or part.options.get("scaled", True) != scaled or not ctx["p"]:
            return []
        return [[(1 - ctx["p"]) * v for v in ctx["h"]] if scaled else list(ctx["h"])]
    return compute


CATALOGUE: list[Mistake] = [
    Mistake("bias_forgotten", ("network", "rf_proof"), ("params",), _bias_forgotten, 0.5),
    Mistake("bias_added", ("network", "rf_proof"), ("params",), _bias_added, 0.5),
    Mistake("flops_for_macs", ("network", "rf_proof"), ("macs",), _scaled(2), 0.5),
    Mistake("macs_for_flops", ("network", "rf_proof"), ("flops",), _scaled(0.5), 0.5),
    Mistake("bias_ops", ("network", "rf_proof"), ("macs", "flops"), _bias_ops, 0.75),
    Mistake("channels_ignored", ("network", "rf_proof"), ("params", "macs", "flops"), _channels_ignored, 0.0),
    Mistake("groups_ignored", ("network", "rf_proof"), ("params", "macs", "flops"), _groups_ignored, 0.0),
    Mistake("padding_ignored", ("network", "rf_proof"), ("output_shape",), _padding_ignored, 0.25),
    Mistake("padding_ignored", ("network", "rf_proof"), ("macs", "flops"), _macs_padding_ignored, 0.25),
    Mistake("bias_forgotten", ("network", "rf_proof"), ("ratio",), _ratio_bias_forgotten, 0.5),
    Mistake("ratio_inverted", ("network", "rf_proof"), ("ratio",), _ratio_inverted, 0.0),
    Mistake("percent_missing", ("network", "rf_proof"), ("ratio",), _percent_missing, 0.5),
    Mistake("floor_ceil", ("network", "rf_proof"), ("output_shape",), _floor_ceil, 0.5),
    Mistake("off_by_one", ("network", "rf_proof"), ("output_shape",), _off_by_one, 0.25),
    Mistake("rf_no_stride", ("network", "rf_proof"), ("receptive_field",), _rf_no_stride, 0.25),
    Mistake("shortcut_forgotten", ("network",), ("params", "macs", "flops"),
            lambda gold, part: importlib.import_module("solver.network.graph_mistakes").shortcut_forgotten(gold, part),
            0.25),                                    # networks with branches: solver/network/graph_mistakes.py
    Mistake("concat_added", ("network",), ("output_shape",),
            lambda gold, part: importlib.import_module("solver.network.graph_mistakes").concat_added(gold, part),
            0.0),
    Mistake("norm_forgotten", ("network",), ("params",),
            lambda gold, part: importlib.import_module("solver.network.graph_mistakes").norm_forgotten(gold, part),
            0.25),
    Mistake("kernel_not_flipped", ("convolution",), ("value",), _conv(_swap("conv", "corr")), 0.25),
    Mistake("kernel_flipped", ("convolution",), ("value",), _conv(_swap("corr", "conv")), 0.25),
    Mistake("wrong_mode", ("convolution",), ("value",), _conv(_modes), 0.25),
    Mistake("rotation_direction", ("convolution",), ("value",), _conv(_rotation), 0.25),
    Mistake("stride_ignored", ("convolution",), ("value",), _conv(_drop_kw("stride")), 0.25),
    Mistake("two_biases_textbook", ("recurrent",), ("params",), _rnn_count("textbook"), 0.5),
    Mistake("one_bias_pytorch", ("recurrent",), ("params",), _rnn_count("pytorch"), 0.5),
    Mistake("adam_no_bias_correction", ("optimizer",), ("iterates", "final", "state", "update"), _adam_uncorrected,
            0.25),
    Mistake("weight_decay_forgotten", ("optimizer",), ("iterates", "final", "state", "update"),
            _weight_decay_forgotten, 0.25),
    Mistake("weight_decay_forgotten", ("mlp",), ("grad",), _weight_decay_forgotten, 0.25),
    Mistake("xavier_for_he", ("init",), ("init_variance", "init_std", "init_bound", "activation_variance"),
            _init_swapped("he", "xavier"), 0.0),
    Mistake("he_for_xavier", ("init",), ("init_variance", "init_std", "init_bound", "activation_variance"),
            _init_swapped("xavier", "he"), 0.0),
    Mistake("dropout_unscaled", ("mlp",), ("dropout_mean",), _dropout(True), 0.25),
    Mistake("dropout_scaled", ("mlp",), ("dropout_mean",), _dropout(False), 0.0),
]


@dataclass(frozen=True)
class ExerciseMistake:
    """A mistake declared in the exercise file."""

    id: str
    text: Text
    credit: float

    @property
    def message(self) -> Text:
        return self.text


def mistaken_answers(gold: Any, part_id: str) -> list[tuple[Any, Any]]:
    """(mistake, mistaken value) pairs for one part: the catalogue's and the exercise's own."""
    part = gold.parts[part_id].part
    out: list[tuple[Any, Any]] = []
    for m in CATALOGUE:
        if gold.exercise.kind in m.kinds and part.quantity in m.quantities:
            try:
                values = m.compute(gold, part)
            except (KeyError, AttributeError, IndexError, TypeError):
                values = []
            out += [(m, v) for v in values]
    for i, declared in enumerate(part.grading.get("mistakes", [])):
        out.append((ExerciseMistake(f"declared_{i + 1}", declared["message"], float(declared.get("credit", 0))),
                    declared["value"]))
    return out
