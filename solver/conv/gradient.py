"""``kind: gradient``: derivatives of Y = W * X (ML convolution) — Jacobians, general entries, backprop.

Exercise format (Li Hang 24.8)::

    kind: gradient
    given: {sizes: {X: [4, 5], W: [3, 3]}}
    ask:
      - {id: dY_dW, quantity: jacobian, wrt: W}    # ∂vec(Y)/∂vec(W), rows y11, y12, …; columns w11, …
      - {id: dy_dw, quantity: partial, wrt: W}     # the general ∂y_kl/∂w_mn, derived by sympy
      - {id: dL_dW, quantity: backprop, wrt: W}    # ∂L/∂W in terms of δ = ∂L/∂Y

Everything is derived with sympy from the definition y_kl = Σ_m Σ_n w_mn x_{k+m−1, l+n−1} and
re-checked with torch autograd on random values.

Example:
    >>> from solver.bank import load_exercise
    >>> solve(load_exercise("24.8")).answers["dy_dw"]["expr"]
    'x[k + m - 1, l + n - 1]'
"""
from __future__ import annotations

from typing import Any

import sympy

from .. import latex as tex
from ..i18n import Msg
from ..model import Exercise, check_keys
from ..record import record
from ..steps import Solution, Step
from . import ops
from .identity import _sizes, sum_latex, symbolic

QUANTITIES = ("jacobian", "partial", "backprop")
BACKPROP_FORMS = {
    "W": ("corr(δ, X)", "\\delta \\ast X = \\operatorname{corr}(\\delta, X)"),   # kernel first: δ slides over X
    "X": ("conv(W, δ, mode=full)", "\\operatorname{conv}_{full}(\\delta, W) = "
                                   "\\operatorname{corr}_{full}(\\operatorname{rot180}(W), \\delta)"),
}


def _flatten_piecewise(expr: Any) -> Any:
    """Piecewise((Piecewise((e, c2), (0, True)), c1), (0, True)) → Piecewise((e, c1 ∧ c2), (0, True))."""
    conds = []
    while isinstance(expr, sympy.Piecewise) and len(expr.args) == 2 and expr.args[1].expr == 0:
        conds.append(expr.args[0].cond)
        expr = expr.args[0].expr
    if not conds:
        return expr
    return sympy.Piecewise((expr, sympy.And(*conds)), (0, True))


def _simplify_relation(r: Any) -> Any:
    """``sympy.simplify(r)`` for a linear relation in two or more symbols, by the steps of sympy's own
    ``Relational._eval_simplify`` for that case (the linear form divided by the gcd of its coefficients, the constant
    on the right; with no constant, the first term alone on the left; then ``canonical``; kept only if simpler by
    ``count_ops`` within sympy's ratio 1.7) — without its ``(lhs - rhs).equals(0)`` probe, which evaluates at random
    points and imports ``sympy.physics.units`` (about 0.2 s) to learn that ``j - l`` is not identically zero. Any
    other relation goes to ``sympy.simplify``."""
    from sympy.solvers.solveset import linear_coeffs
    dif = r.lhs - r.rhs
    free = list(sympy.ordered(dif.free_symbols))
    if len(free) < 2 or dif.is_comparable or sympy.expand(dif) == 0:
        return sympy.simplify(r)
    rel = r.canonical
    dif = rel.lhs - rel.rhs
    try:
        m = linear_coeffs(dif, *free)
    except ValueError:
        return sympy.simplify(r)
    constant = m.pop()
    scale = sympy.gcd(m)
    if scale.is_zero is not False:
        return sympy.simplify(r)
    terms = [(c / scale) * v for c, v in zip(m, free) if c != 0]
    if constant != 0:
        out = rel.func(sympy.Add(*terms), -constant / scale)
    else:
        out = rel.func(terms[0], -sympy.Add(*terms[1:]))
    out = out.canonical
    return out if sympy.count_ops(out) < 1.7 * sympy.count_ops(r) else r


def _simplify_conditions(expr: Any) -> Any:
    """``sympy.simplify`` of each relation in the conditions of ``expr`` (``j - l >= 0`` → ``j >= l``). On these
    derivatives that is all ``sympy.simplify(expr)`` changes (the same expression: ``tests/test_verify_no_dynamo.py``)
    at a fraction of its cost: the whole-expression simplify also tries piecewise folding, logic minimisation and
    hypergeometric rewrites of the values, and each relation's simplify probes ``equals(0)``, about 0.3 s for
    nothing here."""
    from sympy.core.relational import Relational
    return expr.xreplace({r: _simplify_relation(r) for r in expr.atoms(Relational)})


def _delta_term(f: Any, var: Any, lo: Any, hi: Any) -> Any:
    """Σ_{var=lo}^{hi} f for f a product holding one Kronecker delta in ``var``, linear in it (δ(i, a + k − 1)):
    the other factors at the delta's root r, where lo ≤ r ≤ hi, else 0 — the Piecewise of sympy's
    ``deltasummation``; a Piecewise whose conditions do not hold ``var`` is summed branch by branch (as
    ``eval_sum``). ``None`` for any other summand."""
    if f == 0:
        return sympy.Integer(0)
    if isinstance(f, sympy.Piecewise):
        if any(c.has(var) for _, c in f.args):
            return None
        branches = [(_delta_term(e, var, lo, hi), c) for e, c in f.args]
        return None if any(e is None for e, _ in branches) else sympy.Piecewise(*branches)
    factors = sympy.Mul.make_args(f)
    deltas = [d for d in factors if isinstance(d, sympy.KroneckerDelta) and d.has(var)]
    if len(deltas) != 1:
        return None
    delta = deltas[0]
    rest = sympy.Mul(*[e for e in factors if e is not delta])
    if rest.has(sympy.KroneckerDelta) and any(d.has(var) for d in rest.atoms(sympy.KroneckerDelta)):
        return None
    form = delta.args[0] - delta.args[1]
    slope = form.coeff(var)
    if slope == 0 or slope.has(var) or sympy.expand(form - slope * var).has(var):
        return None
    root = -(form - slope * var) / slope                   # the one solution of form = 0 in var
    return sympy.Piecewise((rest.subs(var, root), sympy.Interval(lo, hi).as_relational(root)), (0, True))


def delta_sum(s: Any) -> Any:
    """``s.doit()`` for a ``Sum`` of Kronecker deltas such as ∂/∂x_ij of the definition of y_kl (one delta per
    summation variable, linear in it): each variable summed in turn, first limit first, by :func:`_delta_term`
    (the same expression as ``Sum.doit``'s delta summation, ``tests/test_conv_startup.py``, without its call to
    ``sympy.solve``, whose ``simplify`` imports ``sympy.physics.units``). Any other sum goes to ``doit``."""
    if not isinstance(s, sympy.Sum):
        return s.doit()
    f = s.function
    for var, lo, hi in s.limits:
        if ((hi - lo) < 0) == True:                         # noqa: E712  (a relation, not a bool)
            return sympy.Integer(0)
        f = _delta_term(f, var, lo, hi)
        if f is None:
            return s.doit()
    return f


def general_partials() -> dict[str, Any]:
    """∂y_kl/∂w_mn and ∂y_kl/∂x_ij derived from the definition (sympy)."""
    k, l, m, n, i, j, a, b = sympy.symbols("k l m n i j a b", integer=True, positive=True)
    M, N = sympy.symbols("M N", integer=True, positive=True)
    w, x = sympy.IndexedBase("w"), sympy.IndexedBase("x")
    y = sympy.Sum(w[a, b] * x[k + a - 1, l + b - 1], (a, 1, M), (b, 1, N))
    dw = _flatten_piecewise(_simplify_conditions(delta_sum(sympy.diff(y, w[m, n]))))
    dx = _flatten_piecewise(_simplify_conditions(delta_sum(sympy.diff(y, x[i, j]))))
    # inside the kernel's index range (1 ≤ m ≤ M, 1 ≤ n ≤ N) the condition on ∂y/∂w is always true
    if isinstance(dw, sympy.Piecewise):
        dw = dw.args[0].expr
    return {"y": y, "W": dw, "X": dx}


def _sym_json(expr: Any) -> dict[str, str]:
    return {"expr": str(expr), "latex": sympy.latex(expr)}


def _d(expr: Any, v: Any) -> Any:
    """∂expr/∂v, the same expression ``sympy.diff`` gives: term by term, a factor ``v`` of power one in a product
    whose other factors do not hold ``v`` is dropped (the terms here: entries times entries); anything else goes to
    ``diff``. A fraction of the cost on 24.8's hundreds of bilinear terms."""
    out = []
    for term in sympy.Add.make_args(expr):
        if not term.has(v):
            continue
        factors = sympy.Mul.make_args(term)
        if factors.count(v) == 1 and not any(f.has(v) for f in factors if f != v):
            out.append(sympy.Mul(*[f for f in factors if f != v]))
        else:
            out.append(term.diff(v))
    return sympy.Add(*out)


def _jacobian(y: list[list[Any]], wrt: list[list[Any]]) -> sympy.Matrix:
    ys = [e for row in y for e in row]
    vs = [e for row in wrt for e in row]
    return sympy.Matrix([[_d(f, v) for v in vs] for f in ys])


PLAN = ("grad.plan.define", "grad.plan.jacobian", "grad.plan.general", "grad.plan.backprop", "grad.plan.verify")


@record
class Symbols:
    """The exercise's matrices as symbols: X (I×J), W (M×N), Y = W ∗ X (K×L, K = I − M + 1, L = J − N + 1, each
    entry a polynomial), δ = ∂L/∂Y (K×L) and the expanded L = Σ_kl δ_kl y_kl, whose derivative in a variable v
    is ∂L/∂v = Σ_kl δ_kl ∂y_kl/∂v (:func:`_d`, term by term)."""

    X: list[list[Any]]
    W: list[list[Any]]
    Y: list[list[Any]]
    delta: list[list[Any]]
    loss_terms: Any


def solve(ex: Exercise) -> Solution:
    """Solve a ``kind: gradient`` exercise (no verification; see :mod:`.verify`): the definition of Y = W ∗ X with
    symbolic matrices, then each part — a Jacobian, a general partial derivative, or ∂L/∂W, ∂L/∂X by backprop."""
    sizes = read_sizes(ex)
    s = symbols(sizes)
    general = general_partials()
    steps = [definition_step(s)]
    answers: dict[str, Any] = {}
    context: dict[str, Any] = {"sizes": sizes, "jacobians": {}, "backprop": {}, "sympy_answers": {},
                               "expr_answers": {}}
    for part in ex.ask:
        wrt = part.options["wrt"]
        if part.quantity == "jacobian":
            step = jacobian_step(part.id, wrt, s, answers, context)
        elif part.quantity == "partial":
            step = partial_step(part.id, wrt, general, answers, context)
        else:
            step = backprop_step(part.id, wrt, s, answers, context)
        steps.append(step)
    return Solution(ex, [Msg(key) for key in PLAN], steps, answers, context=context)


def read_sizes(ex: Exercise) -> dict[str, tuple[int, int]]:
    """The sizes of X (I×J) and W (M×N), the kernel no larger than the input (M ≤ I, N ≤ J), and each part a known
    quantity with ``wrt: W`` or ``wrt: X``; errors located in the file."""
    check_keys(ex, ex.given, ("sizes",), ("given",), has="given has sizes: {X: [I, J], W: [M, N]}")
    sizes = _sizes(ex)
    if set(sizes) != {"X", "W"}:
        raise ex.error("a gradient exercise gives the sizes of X and W", ("given", "sizes"))
    (I, J), (M, N) = sizes["X"], sizes["W"]
    if M > I or N > J:
        raise ex.error(f"the kernel {M}×{N} is larger than the input {I}×{J}", ("given", "sizes"))
    for part in ex.ask:
        if part.quantity not in QUANTITIES:
            raise ex.error(f"unknown quantity '{part.quantity}'; known: {', '.join(QUANTITIES)}",
                           ("ask", part.index, "quantity"))
        if part.options.get("wrt") not in ("W", "X") or set(part.options) != {"wrt"}:
            raise ex.error("each part needs wrt: W or wrt: X (and nothing else)", ("ask", part.index))
    return sizes


def symbols(sizes: dict[str, tuple[int, int]]) -> Symbols:
    """X, W as matrices of symbols; Y = W ∗ X (ML convolution: y_kl = Σ_m Σ_n w_mn x_{k+m−1, l+n−1}); δ with
    Y's shape; L = Σ_kl δ_kl y_kl expanded, so that ∂L/∂v can be taken term by term."""
    (I, J), (M, N) = sizes["X"], sizes["W"]
    X, W = symbolic("X", I, J), symbolic("W", M, N)
    Y = ops.corr2d(W, X)
    K, L = ops.shape(Y)
    delta = symbolic("delta", K, L)
    loss = sum(d * e for drow, yrow in zip(delta, Y) for d, e in zip(drow, yrow))
    return Symbols(X, W, Y, delta, sympy.expand(loss))                # ∂L/∂v term by term (_d)


def definition_step(s: Symbols) -> Step:
    """X, W, the definition y_kl = Σ_m Σ_n w_mn x_{k+m−1, l+n−1}, Y's size K×L and its first entry y_11."""
    K, L = ops.shape(s.Y)
    return Step(Msg("grad.def.title"), text=Msg("grad.def.text", K=K, L=L),
                math=[rf"X = {tex.matrix(s.X)}", rf"W = {tex.matrix(s.W)}",
                      r"y_{kl} = \sum_{m=1}^{M} \sum_{n=1}^{N} w_{mn}\, x_{k+m-1,\, l+n-1}",
                      rf"Y = W \ast X \quad ({K} \times {L}),\qquad y_{{11}} = {sympy.latex(s.Y[0][0])}"],
                rule="gradient.definition")


def jacobian_step(part_id: str, wrt: str, s: Symbols, answers: dict[str, Any], context: dict[str, Any]) -> Step:
    """∂vec(Y)/∂vec(V) for V = W or X: row (k, l), column (m, n) holds ∂y_kl/∂v_mn (rows and columns in row-major
    order), and how many of its entries are not zero. Each part's step records its answer in ``answers`` and what
    the verifier re-checks in ``context`` (as do :func:`partial_step` and :func:`backprop_step`)."""
    jac = _jacobian(s.Y, s.W if wrt == "W" else s.X)
    context["jacobians"][part_id] = (wrt, jac)
    answers[part_id] = {"expr": str(jac.tolist()), "latex": sympy.latex(jac),
                        "rows": [[str(e) for e in row] for row in jac.tolist()]}
    nonzero = sum(1 for e in jac if e != 0)
    return Step(Msg("grad.jac.title", wrt=wrt), text=Msg("grad.jac.text", wrt=wrt, r=jac.rows, c=jac.cols, nz=nonzero),
                math=[rf"\frac{{\partial \operatorname{{vec}}(Y)}}{{\partial \operatorname{{vec}}({wrt})}} = "
                      rf"{tex.matrix(jac.tolist())}"],
                rule="gradient.jacobian")


def partial_step(part_id: str, wrt: str, general: dict[str, Any], answers: dict[str, Any],
                 context: dict[str, Any]) -> Step:
    """The general ∂y_kl/∂w_mn = x_{k+m−1, l+n−1} or ∂y_kl/∂x_ij (a piecewise expression: w_{i−k+1, j−l+1}
    where that index lies in the kernel), differentiated by sympy from the definition (:func:`general_partials`)."""
    expr = general[wrt]
    answers[part_id] = _sym_json(expr)
    context["sympy_answers"][part_id] = expr
    lhs = r"\frac{\partial y_{kl}}{\partial w_{mn}}" if wrt == "W" else r"\frac{\partial y_{kl}}{\partial x_{ij}}"
    return Step(Msg(f"grad.partial.{wrt}.title"), text=Msg(f"grad.partial.{wrt}.text"),
                math=[rf"{lhs} = \frac{{\partial}}{{\partial {'w_{mn}' if wrt == 'W' else 'x_{ij}'}}} "
                      rf"{sum_latex(general['y'])}", rf"{lhs} = {sympy.latex(expr)}"],
                result=answers[part_id], rule="gradient.partial")


def backprop_step(part_id: str, wrt: str, s: Symbols, answers: dict[str, Any], context: dict[str, Any]) -> Step:
    """∂L/∂V = Σ_kl δ_kl ∂y_kl/∂V, entry by entry, compared with the closed form: ∂L/∂W = corr(δ, X) (δ slides
    over X) and ∂L/∂X = conv_full(δ, W) = corr_full(rot180(W), δ); the step says whether every entry agrees."""
    grad = [[_d(s.loss_terms, v) for v in row] for row in (s.W if wrt == "W" else s.X)]
    form_text, form_tex = BACKPROP_FORMS[wrt]
    candidate = ops.corr2d(s.delta, s.X) if wrt == "W" else ops.conv2d(s.W, s.delta, mode="full")
    same = all(sympy.expand(g - c) == 0 for grow, crow in zip(grad, candidate) for g, c in zip(grow, crow))
    context["backprop"][part_id] = (wrt, same)
    context["expr_answers"][part_id] = {"expr": form_text.replace("δ", "delta"),
                                        "env": {"X": s.X, "W": s.W, "delta": s.delta}}
    answers[part_id] = {"expr": form_text, "latex": rf"\frac{{\partial L}}{{\partial {wrt}}} = {form_tex}"}
    return Step(Msg(f"grad.backprop.{wrt}.title"),
                text=Msg(f"grad.backprop.{wrt}.text", ok=Msg("grad.yes" if same else "grad.no")),
                math=[rf"\delta = \frac{{\partial L}}{{\partial Y}} = {tex.matrix(s.delta)}",
                      rf"\frac{{\partial L}}{{\partial {wrt}}} = \sum_{{k,l}} \delta_{{kl}} "
                      rf"\frac{{\partial y_{{kl}}}}{{\partial {wrt}}} = {form_tex}",
                      rf"\left(\frac{{\partial L}}{{\partial {wrt}}}\right)_{{11}} = "
                      rf"{sympy.latex(sympy.expand(grad[0][0]))}"],
                result=answers[part_id], rule="gradient.backprop")
