"""``kind: optimizer``: SGD, momentum, weight decay and Adam, step by step, as ``torch.optim`` computes them.

The primitive is one step of each rule, on a list of parameters (a scalar is a list of one)::

    weight decay (L2, coupled):  g ← g + λw                      so plain SGD gives w ← (1 − ηλ)w − ηg
    SGD:       w ← w − ηg
    momentum:  b_t = μ b_{t−1} + g_t (b_1 = g_1),  w ← w − η b_t           (torch.optim.SGD, dampening 0)
    Adam:      m_t = β₁m_{t−1} + (1 − β₁)g_t,  v_t = β₂v_{t−1} + (1 − β₂)g_t²,
               m̂_t = m_t/(1 − β₁^t),  v̂_t = v_t/(1 − β₂^t),  w ← w − η m̂_t/(√v̂_t + ε)

At t = 1, m̂₁ = g₁ and v̂₁ = g₁², so Adam's first step is −η g/(|g| + ε) ≈ −η·sign(g) whatever the scale of g.

Exercise format::

    kind: optimizer
    given: {optimizer: adam, lr: 0.001, betas: [0.9, 0.999], eps: 1e-6, w0: 1.0, gradients: [0.2, -0.1, 0.4]}
    # or function: "(w1 - 3)**2 + w2**2" with w0: [0, 0] and steps: 3 (gradients taken at the current w)
    ask: [{id: ws, quantity: iterates}, {id: m2, quantity: state, name: m_hat, step: 2}, {id: d1, quantity: update, step: 1}]

Examples:
    >>> run("sgd", [1.0], [[0.5]], lr=0.1, weight_decay=0.1)["w"][-1]
    [0.94]
    >>> round(run("adam", [0.0], [[1000.0]], lr=0.01)["w"][-1][0], 8)
    -0.01
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ..i18n import Msg, Plain
from ..model import Exercise
from ..steps import Solution, Step, Table
from .common import finite_answers, check_given, check_parts, f, fp, number, vec

OPTIMIZERS = ("sgd", "momentum", "adam")
STATE_NAMES = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v", "m_hat", "v_hat")}


def run(opt: str, w0: list[float], grads: list[list[float]] | None = None, *, lr: float, momentum: float = 0.0,
        weight_decay: float = 0.0, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        grad_fn: Callable[[list[float]], list[float]] | None = None, steps: int | None = None) -> dict[str, Any]:
    """All iterates w_0 … w_T with the state after every step (``grads`` given, or ``grad_fn`` at the current w)."""
    T = len(grads) if grads is not None else int(steps or 0)
    w = list(w0)
    n = len(w)
    rec: dict[str, Any] = {"w": [list(w)], "g": [], "g_total": [], "velocity": [], "m": [], "v": [], "m_hat": [],
                           "v_hat": [], "update": []}
    b = [0.0] * n
    m = [0.0] * n
    v = [0.0] * n
    for t in range(1, T + 1):
        g = list(grads[t - 1]) if grads is not None else grad_fn(w)
        rec["g"].append(list(g))
        if weight_decay:
            g = [gi + weight_decay * wi for gi, wi in zip(g, w)]
        rec["g_total"].append(list(g))
        if opt == "sgd":
            step = [lr * gi for gi in g]
        elif opt == "momentum":
            b = [momentum * bi + gi for bi, gi in zip(b, g)] if t > 1 else list(g)
            rec["velocity"].append(list(b))
            step = [lr * bi for bi in b]
        else:
            b1, b2 = betas
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
            mh = [mi / (1 - b1 ** t) for mi in m]
            vh = [vi / (1 - b2 ** t) for vi in v]
            for key, val in (("m", m), ("v", v), ("m_hat", mh), ("v_hat", vh)):
                rec[key].append(list(val))
            step = [lr * a / (math.sqrt(c) + eps) for a, c in zip(mh, vh)]
        w = [wi - si for wi, si in zip(w, step)]
        rec["update"].append([-s for s in step])
        rec["w"].append(list(w))
    return rec


FUNCTIONS = ("exp", "log", "sin", "cos", "sqrt", "tanh")


def safe_function(text: str, names: list[str]) -> bool:
    """Only numbers, the variables, the functions of :data:`FUNCTIONS`, + − * / ** and brackets: the text is then
    given to sympy, which evaluates it, so nothing else may pass (no attribute, no call of another name).

    >>> safe_function("(w1 - 3)**2 + exp(w2)", ["w1", "w2"]), safe_function("__import__('os')", ["w"])
    (True, False)
    >>> safe_function("w**0.5 + w**-1", ["w"]), safe_function("9**9**9", ["w"]), safe_function("w**(9**9)", ["w"])
    (True, False, False)
    """
    import re
    if not re.fullmatch(r"[A-Za-z0-9_\s.+\-*/()]*", text) or re.search(r"[A-Za-z_]\s*\.|\.\s*[A-Za-z_]", text):
        return False
    # sympy evaluates integer powers exactly: an exponent is a small number (w**2, w**0.5, w**-1), never 9**9**9
    if len(re.findall(r"\*\*", text)) != len(re.findall(r"\*\*\s*-?\d{1,2}(?:\.\d+)?(?![\d.]|\s*\*\*)", text)):
        return False
    return set(re.findall(r"[A-Za-z_]\w*", text)) <= set(names) | set(FUNCTIONS)


def objective(ex: Exercise, text: Any, n: int):
    """The function to minimise (sympy), its variables and its gradient as a Python function."""
    import sympy
    if not isinstance(text, str) or len(text) > 200:
        raise ex.error("function is an expression of w (or w1, w2, …) such as \"(w - 3)**2\"", ("given", "function"))
    names = ["w"] if n == 1 else [f"w{i + 1}" for i in range(n)]
    if not safe_function(text, names):
        raise ex.error(f"function is an arithmetic expression of {', '.join(names)} (+ − * / ** and "
                       + ", ".join(FUNCTIONS) + ")", ("given", "function"))
    syms = sympy.symbols(names)
    syms = list(syms) if isinstance(syms, (list, tuple)) else [syms]
    try:
        expr = sympy.sympify(text, locals={nm: s for nm, s in zip(names, syms)}, convert_xor=False)
    except (sympy.SympifyError, SyntaxError, TypeError):
        raise ex.error("cannot read the function", ("given", "function")) from None
    if not expr.free_symbols <= set(syms):
        raise ex.error(f"the function may only use {', '.join(names)}", ("given", "function"))
    grads = [sympy.diff(expr, s) for s in syms]
    fn = sympy.lambdify(syms, grads, modules="math")
    return expr, syms, grads, (lambda w: [float(v) for v in fn(*w)])


QUANTITIES = {"iterates": (), "final": (), "state": ("name", "step"), "update": ("step",)}
# family → the fields of ``given`` it reads (solver/schema.py lists them too)
GIVEN = {"optimizer": ("errata", "optimizer", "lr", "momentum", "weight_decay", "betas", "eps", "w0", "gradients",
                       "function", "steps")}


def _vals(x: list[float], scalar: bool) -> Any:
    return x[0] if scalar else x


def _show(x: list[float]) -> str:
    return f(x[0]) if len(x) == 1 else vec(x)


def solve(ex: Exercise) -> Solution:
    check_given(ex, GIVEN["optimizer"])
    check_parts(ex, QUANTITIES)
    g = ex.given
    opt = g.get("optimizer")
    if opt not in OPTIMIZERS:
        raise ex.error("optimizer is sgd, momentum or adam", ("given", "optimizer"))
    lr = number(ex, g.get("lr"), ("given", "lr"), positive=True)
    mu = number(ex, g.get("momentum", 0.9 if opt == "momentum" else 0.0), ("given", "momentum"))
    wd = number(ex, g.get("weight_decay", 0.0), ("given", "weight_decay"))
    eps = number(ex, g.get("eps", 1e-8), ("given", "eps"))
    betas = g.get("betas", [0.9, 0.999])
    if not (isinstance(betas, list) and len(betas) == 2 and all(isinstance(b, (int, float)) and 0 <= b < 1 for b in betas)):
        raise ex.error("betas is [β₁, β₂] with 0 ≤ β < 1", ("given", "betas"))
    if opt != "momentum" and "momentum" in g:
        raise ex.error("momentum applies to optimizer: momentum", ("given", "momentum"))
    raw_w0 = g.get("w0")
    scalar = not isinstance(raw_w0, list)
    w0 = [float(number(ex, raw_w0, ("given", "w0")))] if scalar else [
        float(number(ex, v, ("given", "w0", i))) for i, v in enumerate(raw_w0)]
    if not 1 <= len(w0) <= 16:
        raise ex.error("w0 is a number or a list of up to 16 numbers", ("given", "w0"))
    n = len(w0)
    function = None
    if ("gradients" in g) == ("function" in g):
        raise ex.error("give either gradients (one per step) or function (with steps)", ("given",))
    if "gradients" in g:
        raw = g["gradients"]
        if not isinstance(raw, list) or not 1 <= len(raw) <= 50:
            raise ex.error("gradients is a list of 1 to 50 gradients, one per step", ("given", "gradients"))
        grads = []
        for t, gr in enumerate(raw):
            row = [gr] if scalar else gr
            if not isinstance(row, list) or len(row) != n:
                raise ex.error(f"each gradient has the shape of w0 ({n} number(s))", ("given", "gradients", t))
            grads.append([float(number(ex, v, ("given", "gradients", t))) for v in row])
        rec = run(opt, w0, grads, lr=lr, momentum=mu, weight_decay=wd, betas=tuple(betas), eps=eps)
    else:
        steps_n = number(ex, g.get("steps"), ("given", "steps"), positive=True, integer=True)
        if steps_n > 50:
            raise ex.error("at most 50 steps", ("given", "steps"))
        function = objective(ex, g["function"], n)
        try:
            rec = run(opt, w0, None, lr=lr, momentum=mu, weight_decay=wd, betas=tuple(betas), eps=eps,
                      grad_fn=function[3], steps=steps_n)
        except (OverflowError, ValueError, ZeroDivisionError, TypeError) as exc:
            raise ex.error(f"the gradient of the function cannot be evaluated along the way ({exc})",
                           ("given", "function")) from None
    T = len(rec["g"])
    for part in ex.ask:
        if part.quantity == "state":
            if part.options.get("name") not in STATE_NAMES[opt]:
                raise ex.error(f"name is one of {', '.join(STATE_NAMES[opt]) or '(none for plain SGD)'}",
                               ("ask", part.index, "name"))
        if part.quantity in ("state", "update"):
            t = part.options.get("step", T)
            if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= T:
                raise ex.error(f"step is 1 … {T}", ("ask", part.index, "step"))
    steps = _steps(opt, rec, lr, mu, wd, tuple(betas), eps, function)
    answers: dict[str, Any] = {}
    for part in ex.ask:
        q = part.quantity
        if q == "iterates":
            answers[part.id] = [_vals(w, scalar) for w in rec["w"][1:]]
        elif q == "final":
            answers[part.id] = _vals(rec["w"][-1], scalar)
        elif q == "state":
            answers[part.id] = _vals(rec[part.options["name"]][part.options.get("step", T) - 1], scalar)
        else:
            answers[part.id] = _vals(rec["update"][part.options.get("step", T) - 1], scalar)
    plan = [Msg(f"opt.plan.{opt}"), Msg("opt.plan.wd") if wd else None, Msg("opt.plan.verify")]
    ctx = {"optimizer": opt, "lr": lr, "momentum": mu, "weight_decay": wd, "betas": list(betas), "eps": eps,
           "w0": w0, "scalar": scalar, "record": rec, "function": g.get("function"), "steps": T,
           "gradients": rec["g"] if function is None else None}
    return Solution(ex, [p for p in plan if p is not None], steps, finite_answers(ex, answers), context=ctx)


def _steps(opt: str, rec: dict, lr: float, mu: float, wd: float, betas: tuple, eps: float, function: Any) -> list[Step]:
    out = [Step(Msg(f"opt.rule.{opt}.title"), text=Msg(f"opt.rule.{opt}.text"),
                math=[{"sgd": r"w_t = w_{t-1} - \eta\, g_t",
                       "momentum": r"b_t = \mu b_{t-1} + g_t,\quad w_t = w_{t-1} - \eta\, b_t",
                       "adam": r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,"
                               r"\quad m̂_t = \frac{m_t}{1 - \beta_1^t},\quad v̂_t = \frac{v_t}{1 - \beta_2^t},\quad "
                               r"w_t = w_{t-1} - \frac{\eta\, m̂_t}{\sqrt{v̂_t} + \epsilon}"}[opt]]
                     + ([r"g_t \leftarrow g_t + \lambda w_{t-1}\ \Rightarrow\ w_t = (1 - \eta\lambda) w_{t-1} - \eta\, g_t"
                         if opt == "sgd" else r"g_t \leftarrow g_t + \lambda w_{t-1}"] if wd else [])
                     + [rf"\eta = {f(lr)}" + (rf",\ \mu = {f(mu)}" if opt == "momentum" else "")
                        + (rf",\ \beta_1 = {f(betas[0])},\ \beta_2 = {f(betas[1])},\ \epsilon = {f(eps)}" if opt == "adam" else "")
                        + (rf",\ \lambda = {f(wd)}" if wd else "") + rf",\ w_0 = {_show(rec['w'][0])}"],
                rule=f"optimizer.{opt}")]
    if function is not None:
        import sympy
        expr, syms, grads = function[:3]
        out.append(Step(Msg("opt.function.title"), text=Msg("opt.function.text"),
                        math=[rf"f = {sympy.latex(expr)}"] + [rf"\frac{{\partial f}}{{\partial {sympy.latex(s)}}} = "
                                                              rf"{sympy.latex(d)}" for s, d in zip(syms, grads)],
                        rule="optimizer.gradient"))
    for t in range(1, len(rec["g"]) + 1):
        w_prev, w_new = rec["w"][t - 1], rec["w"][t]
        g_raw, g_tot = rec["g"][t - 1], rec["g_total"][t - 1]
        lines = [rf"g_{t} = {_show(g_raw)}"]
        if wd:
            lines.append(rf"g_{t} + \lambda w_{{{t - 1}}} = {_show(g_raw)} + {f(wd)} \times {_sp(w_prev)} = {_show(g_tot)}")
        if opt == "sgd":
            lines.append(rf"w_{t} = {_show(w_prev)} - {f(lr)} \times {_sp(g_tot)} = {_show(w_new)}")
        elif opt == "momentum":
            bt = rec["velocity"][t - 1]
            if t == 1:
                lines.append(rf"b_1 = g_1 = {_show(bt)}")
            else:
                lines.append(rf"b_{t} = {f(mu)} \times {_sp(rec['velocity'][t - 2])} + {_sp(g_tot)} = {_show(bt)}")
            lines.append(rf"w_{t} = {_show(w_prev)} - {f(lr)} \times {_sp(bt)} = {_show(w_new)}")
        else:
            m, v, mh, vh = (rec[k][t - 1] for k in ("m", "v", "m_hat", "v_hat"))
            mp = rec["m"][t - 2] if t > 1 else [0.0] * len(m)
            vp = rec["v"][t - 2] if t > 1 else [0.0] * len(v)
            lines += [rf"m_{t} = {f(betas[0])} \times {_sp(mp)} + {f(1 - betas[0])} \times {_sp(g_tot)} = {_show(m)}",
                      rf"v_{t} = {f(betas[1])} \times {_sp(vp)} + {f(1 - betas[1])} \times {_sp([x * x for x in g_tot])}"
                      rf" = {_show(v)}",
                      rf"m̂_{t} = \frac{{{_show(m)}}}{{1 - {f(betas[0])}^{{{t}}}}} = {_show(mh)},\quad "
                      rf"v̂_{t} = \frac{{{_show(v)}}}{{1 - {f(betas[1])}^{{{t}}}}} = {_show(vh)}",
                      rf"w_{t} = {_show(w_prev)} - \frac{{{f(lr)} \times {_sp(mh)}}}{{\sqrt{{{_show(vh)}}} + {f(eps)}}}"
                      rf" = {_show(w_new)}"]
        out.append(Step(Msg("opt.step.title", t=t), math=lines, result=w_new if len(w_new) > 1 else w_new[0],
                        rule=f"optimizer.{opt}_step"))
    if opt == "adam":
        g1 = rec["g_total"][0]
        sgd = [-lr * x for x in g1]
        out.append(Step(Msg("opt.adam.first.title"), text=Msg("opt.adam.first.text"),
                        math=[r"m̂_1 = g_1,\ v̂_1 = g_1^2\ \Rightarrow\ \Delta w_1 = -\frac{\eta\, g_1}{|g_1| + \epsilon}"
                              r" \approx -\eta \operatorname{sign}(g_1)",
                              rf"\Delta w_1 = {_show(rec['update'][0])},\quad \text{{SGD}}:\ -\eta g_1 = {_show(sgd)}"],
                        result=rec["update"][0] if len(g1) > 1 else rec["update"][0][0], rule="optimizer.adam_first_step"))
    rows = [[str(t), _plain(rec["g_total"][t - 1])] + ([_plain(rec["velocity"][t - 1])] if opt == "momentum" else [])
            + ([_plain(rec["m_hat"][t - 1]), _plain(rec["v_hat"][t - 1])] if opt == "adam" else [])
            + [_plain(rec["w"][t])] for t in range(1, len(rec["g"]) + 1)]
    cols = [Plain("t"), Plain("g_t")] + ([Plain("b_t")] if opt == "momentum" else []) + (
        [Plain("m̂_t"), Plain("v̂_t")] if opt == "adam" else []) + [Plain("w_t")]
    out.append(Step(Msg("opt.summary.title"), table=Table(cols, rows), rule="optimizer.summary"))
    return out


def _sp(x: list[float]) -> str:
    """:func:`_show` with a negative number in parentheses (a factor of a product)."""
    return fp(x[0]) if len(x) == 1 else vec(x)


def _plain(x: list[float]) -> str:
    return ", ".join(f"{v:.6g}" for v in x)
