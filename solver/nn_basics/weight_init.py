"""``kind: init``: Xavier (Glorot) and He (Kaiming) initialisation, and the variance of activations through depth.

The primitive is the variance a scheme gives a weight from the layer's fans (PyTorch's fans: a Linear(n_in → n_out)
has fan_in = n_in, fan_out = n_out; a Conv2d has fan_in = C_in·k_h·k_w, fan_out = C_out·k_h·k_w)::

    Xavier:  Var(W) = 2/(fan_in + fan_out)        He (ReLU):  Var(W) = 2/fan_in
    PyTorch's default for Linear/Conv (kaiming_uniform_ with a = √5):  Var(W) = 1/(3·fan_in)

The normal form has std = √Var; the uniform form U(−a, a) has Var = a²/3, so a = √(3·Var).

Through a stack of Linear(n → n) layers without bias, z_l = W_l φ(z_{l−1}), the pre-activation variance follows
q_l = n·Var(W)·E[φ(z)²] with z ~ N(0, q_{l−1}) (q_1 = n·Var(W)·E[x²]). For ReLU E[φ(z)²] = q/2, so Xavier
(n·Var = 1) halves q at every layer and He (n·Var = 2) keeps it; for tanh the expectation is integrated numerically.

Exercise format::

    kind: init
    given: {fan_in: 784, fan_out: 128}          # or layer: {type: Conv2d, in_channels: 16, out_channels: 32, kernel_size: 3}
    ask: [{id: v, quantity: init_variance, scheme: xavier}, {id: s, quantity: init_std, scheme: he},
          {id: a, quantity: init_bound, scheme: pytorch_default}]

    given: {activation: relu, width: 256, depth: 10}
    ask: [{id: x, quantity: activation_variance, scheme: xavier}, {id: h, quantity: activation_variance, scheme: he}]

Examples:
    >>> variance("xavier", 784, 128), variance("he", 784, 128) == 2 / 784
    (0.0021929824561403508, True)
    >>> round(bound("pytorch_default", 784, 128), 6)
    0.035714
    >>> [round(q, 4) for q in depth_variances("relu", "xavier", 100, 4)]
    [1.0, 0.5, 0.25, 0.125]
"""
from __future__ import annotations

import math
from typing import Any

from ..i18n import Msg, Plain
from ..model import Exercise
from ..steps import Solution, Step, Table
from .common import finite_answers, check_given, check_parts, f, number

SCHEMES = ("xavier", "he", "pytorch_default")


def variance(scheme: str, fan_in: int, fan_out: int) -> float:
    """Var(W) of the scheme (the primitive)."""
    if scheme == "xavier":
        return 2.0 / (fan_in + fan_out)
    if scheme == "he":
        return 2.0 / fan_in
    return 1.0 / (3.0 * fan_in)


def std(scheme: str, fan_in: int, fan_out: int) -> float:
    """Standard deviation of the normal form: √Var."""
    return math.sqrt(variance(scheme, fan_in, fan_out))


def bound(scheme: str, fan_in: int, fan_out: int) -> float:
    """Bound a of the uniform form U(−a, a): a = √(3·Var)."""
    return math.sqrt(3.0 * variance(scheme, fan_in, fan_out))


def second_moment(activation: str, q: float) -> float:
    """E[φ(z)²] for z ~ N(0, q): q/2 for ReLU; for tanh a trapezoid rule on [−10, 10] standard deviations.

    The integrand tanh²(√q·u)·e^{−u²/2} is smooth, so the trapezoid rule converges geometrically once its step
    resolves the Gaussian and tanh's rise (width 1/√q): n = max(1000, 80√q) points agree with 64,000 to
    10⁻¹⁴ for q ≤ 10⁴ (a fixed 8,000 drifted by 3·10⁻⁴ at q = 10⁶).

    >>> round(second_moment("tanh", 1.0), 12), second_moment("relu", 3.0)
    (0.394294490398, 1.5)
    """
    if activation == "relu":
        return q / 2.0
    if activation == "linear":
        return q
    s = math.sqrt(q)
    n, lo, hi = min(400_000, max(1000, math.ceil(80 * s))), -10.0, 10.0
    h = (hi - lo) / n
    total = 0.0
    for k in range(n + 1):
        u = lo + k * h
        w = 0.5 if k in (0, n) else 1.0
        total += w * math.tanh(s * u) ** 2 * math.exp(-u * u / 2)
    return total * h / math.sqrt(2 * math.pi)


def depth_variances(activation: str, scheme: str, width: int, depth: int, q0: float = 1.0) -> list[float]:
    """q_1 … q_L: Var of the pre-activations of each layer of a Linear(n → n) stack (no bias)."""
    gain = width * variance(scheme, width, width)
    qs = [gain * q0]
    for _ in range(depth - 1):
        qs.append(gain * second_moment(activation, qs[-1]))
    return qs


QUANTITIES = {"init_variance": ("scheme",), "init_std": ("scheme",), "init_bound": ("scheme",),
              "activation_variance": ("scheme", "at")}
# family → the fields of ``given`` it reads (solver/schema.py lists them too)
GIVEN = {"layer": ("errata", "fan_in", "fan_out", "layer"), "depth": ("errata", "activation", "width", "depth",
                                                                       "input_variance")}
FORMULA = {"xavier": r"\frac{2}{n_{in} + n_{out}}", "he": r"\frac{2}{n_{in}}", "pytorch_default": r"\frac{1}{3 n_{in}}"}


def _fans(ex: Exercise) -> tuple[int, int, list[int]]:
    g = ex.given
    if "layer" in g:
        layer = g["layer"]
        if not isinstance(layer, dict) or layer.get("type") not in ("Linear", "Conv2d"):
            raise ex.error("layer is {type: Linear, in_features, out_features} or {type: Conv2d, in_channels, "
                           "out_channels, kernel_size}", ("given", "layer"))
        if layer["type"] == "Linear":
            i = number(ex, layer.get("in_features"), ("given", "layer", "in_features"), positive=True, integer=True)
            o = number(ex, layer.get("out_features"), ("given", "layer", "out_features"), positive=True, integer=True)
            return i, o, [o, i]
        ci = number(ex, layer.get("in_channels"), ("given", "layer", "in_channels"), positive=True, integer=True)
        co = number(ex, layer.get("out_channels"), ("given", "layer", "out_channels"), positive=True, integer=True)
        k = layer.get("kernel_size")
        kh, kw = (k, k) if isinstance(k, int) else tuple(k) if isinstance(k, list) and len(k) == 2 else (None, None)
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (kh, kw)):
            raise ex.error("kernel_size is an integer or [k_h, k_w]", ("given", "layer", "kernel_size"))
        return ci * kh * kw, co * kh * kw, [co, ci, kh, kw]
    i = number(ex, g.get("fan_in"), ("given", "fan_in"), positive=True, integer=True)
    o = number(ex, g.get("fan_out"), ("given", "fan_out"), positive=True, integer=True)
    return i, o, [o, i]


def solve(ex: Exercise) -> Solution:
    check_parts(ex, QUANTITIES)
    for part in ex.ask:
        if part.options.get("scheme") not in SCHEMES or (part.quantity == "activation_variance"
                                                          and part.options["scheme"] == "pytorch_default"):
            raise ex.error("scheme is xavier or he (or pytorch_default for a layer's own initialisation)",
                           ("ask", part.index, "scheme"))
    if "activation" in ex.given:
        return _solve_depth(ex)
    check_given(ex, GIVEN["layer"])
    fi, fo, shape = _fans(ex)
    if math.prod(shape) > 1 << 24:
        raise ex.error("a layer of up to 16,777,216 weights (its initialisation is sampled to check it)", ("given",))
    for part in ex.ask:
        if part.quantity == "activation_variance":
            raise ex.error("activation_variance needs given activation, width, depth", ("ask", part.index))
    layer = ex.given.get("layer")
    fan_text = (Msg("init.fans.conv", ci=shape[1], co=shape[0], k=f"{shape[2]}×{shape[3]}", fi=fi, fo=fo)
                if len(shape) == 4 else Msg("init.fans.linear", fi=fi, fo=fo))
    steps = [Step(Msg("init.fans.title"), text=fan_text,
                  math=[rf"n_{{in}} = {fi},\quad n_{{out}} = {fo}"], rule="init.fans")]
    schemes = [s for s in SCHEMES if any(p.options["scheme"] == s for p in ex.ask)]
    for s in schemes:
        var, sd, a = variance(s, fi, fo), std(s, fi, fo), bound(s, fi, fo)
        num = {"xavier": rf"\frac{{2}}{{{fi} + {fo}}}", "he": rf"\frac{{2}}{{{fi}}}",
               "pytorch_default": rf"\frac{{1}}{{3 \times {fi}}}"}[s]
        steps.append(Step(Msg(f"init.{s}.title"), text=Msg(f"init.{s}.text"),
                          math=[rf"\mathrm{{Var}}(W) = {FORMULA[s]} = {num} = {f(var)}",
                                rf"N(0, \sigma^2):\ \sigma = \sqrt{{{f(var)}}} = {f(sd)}",
                                rf"U(-a, a):\ a = \sqrt{{3 \times {f(var)}}} = {f(a)}"],
                          result=var, rule=f"init.{s}"))
    if "xavier" in schemes and "he" in schemes:
        steps.append(Step(Msg("init.compare.title"), text=Msg("init.compare.text"),
                          math=[rf"\frac{{\mathrm{{Var}}_{{He}}}}{{\mathrm{{Var}}_{{Xavier}}}} = \frac{{n_{{in}} + n_{{out}}}}"
                                rf"{{n_{{in}}}} = {f((fi + fo) / fi)}"], rule="init.compare"))
    answers = {}
    for part in ex.ask:
        fn = {"init_variance": variance, "init_std": std, "init_bound": bound}[part.quantity]
        answers[part.id] = fn(part.options["scheme"], fi, fo)
    plan = [Msg("init.plan.fans"), Msg("init.plan.formulas"), Msg("init.plan.verify")]
    ctx = {"family": "fans", "fan_in": fi, "fan_out": fo, "shape": shape,
           "layer": layer.get("type") if isinstance(layer, dict) else "Linear"}
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)


def _solve_depth(ex: Exercise) -> Solution:
    check_given(ex, GIVEN["depth"])
    g = ex.given
    act = g["activation"]
    if act not in ("relu", "tanh"):
        raise ex.error("activation is relu or tanh", ("given", "activation"))
    n = number(ex, g.get("width"), ("given", "width"), positive=True, integer=True)
    L = number(ex, g.get("depth"), ("given", "depth"), positive=True, integer=True)
    q0 = float(number(ex, g.get("input_variance", 1.0), ("given", "input_variance"), positive=True))
    if n > 1024 or L > 64 or n * n * L > 1 << 24:
        raise ex.error("width up to 1,024, depth up to 64 and at most 16,777,216 weights in all (width² × depth; "
                       "the stack is run to check it)", ("given",))
    for part in ex.ask:
        if part.quantity != "activation_variance":
            raise ex.error("a depth exercise asks activation_variance", ("ask", part.index))
        at = part.options.get("at", L)
        if isinstance(at, bool) or not isinstance(at, int) or not 1 <= at <= L:
            raise ex.error(f"at is a layer number 1 … {L}", ("ask", part.index, "at"))
    schemes = [s for s in ("xavier", "he") if any(p.options["scheme"] == s for p in ex.ask)]
    qs = {s: depth_variances(act, s, n, L, q0) for s in schemes}
    moment = r"\frac{q_{l-1}}{2}" if act == "relu" else r"\operatorname{E}_{z ∼ N(0, q_{l-1})}[\tanh^2 z]"
    steps = [Step(Msg("init.depth.model.title"), text=Msg(f"init.depth.model.{act}", n=n, L=L),
                  math=[rf"z_l = W_l\,\phi(z_{{l-1}}),\quad q_l = \mathrm{{Var}}(z_l) = n\,\mathrm{{Var}}(W)\,"
                        rf"\operatorname{{E}}[\phi(z_{{l-1}})^2] = n\,\mathrm{{Var}}(W) \cdot {moment},\quad q_1 = n\,\mathrm{{Var}}(W)"
                        rf" \cdot {f(q0)}"], rule="init.depth_recursion")]
    for s in schemes:
        gain = n * variance(s, n, n)
        closed = ""
        if act == "relu":
            closed = (rf",\quad q_L = {f(q0)} \times ({f(gain / 2)})^{{{L - 1}}} = {f(qs[s][-1])}")
        steps.append(Step(Msg(f"init.depth.{s}.title"), text=Msg(f"init.depth.{s}.{act}"),
                          math=[rf"n\,\mathrm{{Var}}(W) = {n} \times {FORMULA[s]} = {f(gain)}" + closed],
                          result=qs[s][-1], rule=f"init.depth_{s}"))
    rows = [[str(l + 1)] + [f"{qs[s][l]:.6g}" for s in schemes] for l in range(L)]
    steps.append(Step(Msg("init.depth.table.title"), text=Msg("init.depth.table.text"),
                      table=Table([Plain("l")] + [Plain({"xavier": "Xavier", "he": "He"}[s]) for s in schemes], rows),
                      rule="init.depth_table"))
    answers = {p.id: qs[p.options["scheme"]][p.options.get("at", L) - 1] for p in ex.ask}
    plan = [Msg("init.plan.depth"), Msg(f"init.plan.depth_{act}"), Msg("init.plan.verify_depth")]
    ctx = {"family": "depth", "activation": act, "width": n, "depth": L, "q0": q0, "variances": qs}
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)
