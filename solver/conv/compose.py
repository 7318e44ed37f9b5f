"""Is a kernel the composition of two smaller ones? (D2L 6.4 ex 1, the converse.)

Two stacked convolutions with kernels A (m₁×n₁) and B (m₂×n₂) act as one with K = conv(A, B, mode=full)
((m₁+m₂−1)×(n₁+n₂−1)). In polynomial form K(x, y) = Σ k_ij xⁱ yʲ this is K = A(x, y)·B(x, y), so the converse
asks whether K factors into two real polynomials of those degrees. sympy factors K over the rationals and
solves the coefficient equations (the scale fixed: B's first non-zero entry is 1; a Gröbner basis and back
substitution, :func:`solve_system`); when every solution is complex,
no real pair exists: a counterexample.

Example:
    >>> composable([[1, 0, 0], [0, 0, 0], [0, 0, 1]], (2, 2))[0]
    False
"""
from __future__ import annotations

from typing import Any

import sympy


def polynomial(k: list[list[Any]], x: Any, y: Any) -> Any:
    return sum(sympy.Rational(str(v)) * x ** i * y ** j for i, row in enumerate(k) for j, v in enumerate(row))


def _gaussian_roots(polys: list[Any], v: Any) -> list[Any] | None:
    """The common roots in v of univariate polynomials with Gaussian-rational coefficients, each once, when all of
    them are Gaussian rationals (their gcd splits into linear factors over ℚ(i)); ``None`` otherwise."""
    from sympy.polys.domains import QQ_I
    g = None
    for e in polys:
        q = sympy.Poly(e, v, domain=QQ_I)
        g = q if g is None else g.gcd(q)
    if g is None or g.is_zero:
        return None
    roots = []
    for factor, _ in ([(g, 1)] if g.degree() == 1 else g.factor_list()[1]):
        if factor.degree() != 1:
            return None
        c1, c0 = factor.all_coeffs()
        roots.append(-c0 / c1)
    return roots


def _gaussian_solutions(equations: list[Any], unknowns: list[Any]) -> list[dict[Any, Any]] | None:
    """Every complex solution of a polynomial system with rational coefficients, when there are finitely many and
    all are Gaussian rationals: a lex Gröbner basis (``sympy.groebner``), then back substitution, the last unknown
    first (each partial solution's next values are the common roots of the basis elements in that unknown and the
    ones already fixed; a zero-dimensional ideal's partial solutions all extend). ``None`` for anything else."""
    basis = sympy.groebner(equations, *unknowns, order="lex")
    if list(basis.exprs) == [1]:
        return []
    if not basis.is_zero_dimensional:
        return None
    partial: list[dict[Any, Any]] = [{}]
    for k in range(len(unknowns) - 1, -1, -1):
        v, later = unknowns[k], set(unknowns[k + 1:])
        here = [g for g in basis.exprs if g.has(v) and g.free_symbols - {v} <= later]
        grown = []
        for sol in partial:
            roots = _gaussian_roots([g.xreplace(sol) for g in here], v)
            if roots is None:
                return None
            grown += [{**sol, v: r} for r in roots]
        partial = grown
    return partial


def solve_system(equations: list[Any], unknowns: list[Any]) -> list[dict[Any, Any]]:
    """``sympy.solve(equations, unknowns, dict=True)``: the same list (each solution's keys in sympy's canonical order,
    the solutions sorted by ``default_sort_key``, as ``solve`` returns them). A system with finitely many solutions,
    all Gaussian rationals (every case of the bank), is solved by :func:`_gaussian_solutions` — whose values have one
    canonical form, so the list is the one ``solve`` gives (``tests/test_conv_startup.py``) — without ``solve``'s
    ``simplify``, which imports ``sympy.physics.units``; any other system goes to ``sympy.solve``."""
    if not equations:
        return sympy.solve(equations, unknowns, dict=True)
    found = _gaussian_solutions(equations, unknowns)
    if found is None:
        return sympy.solve(equations, unknowns, dict=True)
    from sympy.core.sorting import default_sort_key, ordered
    out = [{k: s[k] for k in ordered(s)} for s in found]
    out.sort(key=default_sort_key)
    return out


def composable(kernel: list[list[Any]], a_size: tuple[int, int]) -> tuple[bool, dict[str, Any]]:
    """(whether real A of ``a_size`` and B exist with conv(A, B, full) = kernel, details for the steps)."""
    x, y = sympy.symbols("x y")
    rows, cols = len(kernel), len(kernel[0])
    m1, n1 = a_size
    m2, n2 = rows - m1 + 1, cols - n1 + 1
    if m2 < 1 or n2 < 1:
        raise ValueError(f"a {m1}×{n1} factor does not fit a {rows}×{cols} kernel")
    a = [[sympy.Symbol(f"a{i + 1}{j + 1}") for j in range(n1)] for i in range(m1)]
    b = [[sympy.Symbol(f"b{i + 1}{j + 1}") for j in range(n2)] for i in range(m2)]
    pk = polynomial(kernel, x, y)
    pa = sum(a[i][j] * x ** i * y ** j for i in range(m1) for j in range(n1))
    pb = sum(b[i][j] * x ** i * y ** j for i in range(m2) for j in range(n2))
    equations = sympy.Poly(sympy.expand(pa * pb - pk), x, y).coeffs()
    a_unknowns = [v for row in a for v in row]
    b_unknowns = [v for row in b for v in row]
    solutions = []
    # (tA, B/t) composes to the same K for every t ≠ 0: each solution is a curve, which sympy.solve handles slowly
    # (and returns repeatedly). Fixing the scale, one case per position of B's first non-zero entry (taken as 1,
    # the entries before it 0), leaves finitely many solutions; a real pair exists exactly when one case has a
    # real solution (divide B by its first non-zero entry, which is real, and multiply A by it).
    for p, lead in enumerate(b_unknowns):
        fixed = {v: sympy.Integer(0) for v in b_unknowns[:p]}
        fixed[lead] = sympy.Integer(1)
        case = [e for e in (eq.xreplace(fixed) for eq in equations) if e != 0]
        for sol in solve_system(case, a_unknowns + b_unknowns[p + 1:]):
            solutions.append({**fixed, **sol})
    real = [s for s in solutions if not any(v.has(sympy.I) for v in s.values())]
    return bool(real), {"polynomial": pk, "factors": sympy.factor_list(pk), "equations": len(equations),
                        "solutions": solutions, "real": real, "b_size": (m2, n2), "pa": pa, "pb": pb}
