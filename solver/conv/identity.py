"""``kind: identity``: does an identity between convolution expressions hold?

Exercise format::

    kind: identity
    given:
      sizes: {X: [4, 5], W: [3, 3]}            # symbolic matrices x11…x45, w11…w33
      range: {X: [[2, 6], [2, 6]], W: [[1, 3], [1, 3]]}   # optional: also check this family of sizes
    ask:
      - {id: holds, quantity: identity, expr: "conv(W, X) = corr(rot180(W), X)"}

The solver builds matrices of sympy symbols, evaluates both sides with the same primitives as the
numeric solver, expands every entry and compares. When the identity fails it shows the first
entry that decides it and a concrete integer counterexample. The general index form of each side
is shown, with the reindexing of the summation variables that turns one into the other when one
of the simple reindexings (m → M+1−m, n → N+1−n) does. PyTorch re-checks on random real matrices.

Example:
    >>> from solver.bank import load_exercise
    >>> solve(load_exercise("24.1")).answers["holds"]
    True
"""
from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import Any

import sympy

from .. import latex as tex
from ..i18n import Msg, Plain
from ..model import Exercise, Part, check_keys
from ..steps import Solution, Step, Table
from ..values import shape_text
from .evaluate import EvalError, Value, evaluate
from .expr import Eq
from .solve import node_text, read_expr_part

MAX_SIDE = 12
MAX_RANGE_CASES = 400


def symbolic(name: str, rows: int, cols: int) -> list[list[sympy.Symbol]]:
    """Matrix of symbols ``x11 … xIJ`` named after the lower-case matrix name (``x_{10,2}`` past 9)."""
    low = name.lower()

    def sym(i: int, j: int) -> sympy.Symbol:
        sub = f"{i}{j}" if i < 10 and j < 10 else f"{i},{j}"
        return sympy.Symbol(f"{low}{sub}" if "," not in sub else f"{low}_{{{sub}}}")
    return [[sym(i, j) for j in range(1, cols + 1)] for i in range(1, rows + 1)]


def _sizes(ex: Exercise) -> dict[str, tuple[int, int]]:
    raw = ex.given.get("sizes")
    if not isinstance(raw, dict) or not raw:
        raise ex.error("sizes must map matrix names to [rows, cols]", ("given", "sizes"))
    out = {}
    for name, size in raw.items():
        ok = (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                 and 1 <= v <= MAX_SIDE for v in size))
        if not ok or not str(name).isidentifier():
            raise ex.error(f"{name}: a size is [rows, cols] with 1 ≤ rows, cols ≤ {MAX_SIDE}", ("given", "sizes", name))
        out[str(name)] = (size[0], size[1])
    return out


def _ranges(ex: Exercise, names: list[str]) -> dict[str, list[tuple[int, int]]] | None:
    raw = ex.given.get("range")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ex.error("range maps names to [[min_rows, max_rows], [min_cols, max_cols]]", ("given", "range"))
    out = {}
    for name in names:
        spec = raw.get(name)
        if spec is None:
            continue
        try:
            (r0, r1), (c0, c1) = spec
            assert all(isinstance(v, int) for v in (r0, r1, c0, c1)) and 1 <= r0 <= r1 <= MAX_SIDE \
                and 1 <= c0 <= c1 <= MAX_SIDE
        except (TypeError, ValueError, AssertionError):
            raise ex.error(f"range of {name} must be [[min_rows, max_rows], [min_cols, max_cols]] within "
                           f"1..{MAX_SIDE}", ("given", "range", name)) from None
        out[name] = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
    return out


def symbolic_env(sizes: dict[str, tuple[int, int]]) -> dict[str, Value]:
    """Each named matrix as a symbolic value of its size (what an identity is evaluated on)."""
    return {n: Value(symbolic(n, r, c), 2) for n, (r, c) in sizes.items()}




def _side(node: Any, env: dict[str, Value]) -> Value | None:
    try:
        return evaluate(node, env)[0]
    except EvalError:
        return None


def eval_reason(exc: Any) -> Msg:
    """The message of an evaluation error (why a side is undefined)."""
    key = getattr(exc, "key", "") or "eval.other"
    return Msg(key, **getattr(exc, "params", {}))




class Poly:
    """A polynomial with rational coefficients as a dictionary {monomial: coefficient}; a monomial is the sorted tuple
    of its symbols' indices (a square repeats one). Sums and products are kept expanded and canonical as they are
    built, so an identity is decided by integer arithmetic on dictionaries, without ``sympy.expand`` (from 6×6 on,
    ×100 and more faster). Only + − × and division by numbers: anything else (``max``…) raises TypeError.

    >>> names = tuple(sympy.symbols("x y"))
    >>> x, y = Poly.symbol(0, names), Poly.symbol(1, names)
    >>> (x + y) * (x - y) == x * x - y * y, ((x + y) * 3 / 2).as_expr()
    (True, 3*x/2 + 3*y/2)
    """

    __slots__ = ("terms", "names")

    def __init__(self, terms: dict[tuple[int, ...], Any], names: tuple[Any, ...]) -> None:
        self.terms, self.names = terms, names

    @staticmethod
    def symbol(index: int, names: tuple[Any, ...]) -> "Poly":
        return Poly({(index,): 1}, names)

    def _other(self, other: Any) -> dict[tuple[int, ...], Any]:
        if isinstance(other, Poly):
            return other.terms
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            return {(): other} if other else {}
        raise TypeError(f"not a polynomial: {type(other).__name__}")

    def __add__(self, other: Any) -> "Poly":
        out = dict(self.terms)
        for m, c in self._other(other).items():
            v = out.get(m, 0) + c
            if v:
                out[m] = v
            else:
                out.pop(m, None)
        return Poly(out, self.names)

    __radd__ = __add__

    def __neg__(self) -> "Poly":
        return Poly({m: -c for m, c in self.terms.items()}, self.names)

    def __sub__(self, other: Any) -> "Poly":
        return self + (-other)

    def __rsub__(self, other: Any) -> "Poly":
        return (-self) + other

    def __mul__(self, other: Any) -> Any:
        if not isinstance(other, Poly):
            self._other(other)
            return Poly({m: c * other for m, c in self.terms.items()}, self.names) if other else 0
        out: dict[tuple[int, ...], Any] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                m = tuple(sorted(m1 + m2))
                v = out.get(m, 0) + c1 * c2
                if v:
                    out[m] = v
                else:
                    out.pop(m, None)
        return Poly(out, self.names)

    __rmul__ = __mul__

    @staticmethod
    def sum_of(terms: Any) -> Any:
        """The sum of polynomials and numbers, in one dictionary (``a + b + …`` would copy it at each term)."""
        out: dict[tuple[int, ...], Any] = {}
        names: tuple[Any, ...] = ()
        for t in terms:
            if isinstance(t, Poly):
                names = t.names
                items = t.terms.items()
            elif isinstance(t, (int, Fraction)) and not isinstance(t, bool):
                items = {(): t}.items() if t else ()
            else:
                raise TypeError(f"not a polynomial: {type(t).__name__}")
            for m, c in items:
                out[m] = out.get(m, 0) + c
        return Poly({m: c for m, c in out.items() if c}, names) if names else sum(c for c in out.values())

    def __truediv__(self, other: Any) -> "Poly":
        if isinstance(other, Poly) or not self._other(other):
            raise TypeError("division by a polynomial or by zero")
        return Poly({m: _normal(Fraction(c) / other) for m, c in self.terms.items()}, self.names)

    def __eq__(self, other: object) -> bool:
        try:
            return self.terms == self._other(other)
        except TypeError:
            return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.terms)

    def as_expr(self) -> Any:
        """The sympy expression (expanded)."""
        def coefficient(c: Any) -> Any:
            return sympy.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else sympy.Integer(c)
        return sympy.Add(*(coefficient(c) * sympy.Mul(*(self.names[i] for i in m)) for m, c in self.terms.items()))


def _normal(f: Fraction) -> Any:
    return f.numerator if f.denominator == 1 else f


def poly_env(env: dict[str, Value]) -> dict[str, Value] | None:
    """The same symbolic matrices with :class:`Poly` entries, or None when the entries are not distinct plain
    symbols."""
    symbols = [e for v in env.values() if v.rank == 2 for row in v.data for e in row]
    if (not symbols or len(env) != sum(v.rank == 2 for v in env.values())
            or not all(isinstance(e, sympy.Symbol) for e in symbols) or len(set(symbols)) != len(symbols)):
        return None
    names = tuple(symbols)
    index = {e: i for i, e in enumerate(names)}
    return {n: Value([[Poly.symbol(index[e], names) for e in row] for row in v.data], v.rank) for n, v in env.items()}


def _as_expr(v: Any) -> Any:
    """A :class:`Poly` as a sympy expression; a sympy expression expanded."""
    return v.as_expr() if isinstance(v, Poly) else sympy.expand(v)


def compare(node: Eq, env: dict[str, Value]) -> tuple[str, Any]:
    """("holds", (a, b)) | ("shape", (shape_a, shape_b)) | ("entry", (i, j, a, b)) | ("undefined", message).
    Decided with :class:`Poly` entries when the operations allow it (sums, products, scaling by numbers);
    otherwise, e.g. for max pooling of symbols, by ``sympy.expand`` of each difference."""
    ring_env = poly_env(env)
    if ring_env is not None:
        try:
            return _compare(node, ring_env, lambda d: d == 0)
        except (TypeError, AttributeError, NotImplementedError, ValueError, ZeroDivisionError):
            pass                                   # an operation the ring lacks: decide with sympy
    return _compare(node, env, lambda d: sympy.expand(d) == 0)


def _compare(node: Eq, env: dict[str, Value], is_zero: Any) -> tuple[str, Any]:
    try:
        a = evaluate(node.left, env)[0]
        b = evaluate(node.right, env)[0]
    except EvalError as exc:
        return "undefined", exc
    if a.shape != b.shape:
        return "shape", (a.shape, b.shape)
    am, bm = a.as_matrix(), b.as_matrix()
    for i, row in enumerate(am):
        for j, v in enumerate(row):
            if not is_zero(v - bm[i][j]):
                return "entry", (i, j, _as_expr(v), _as_expr(bm[i][j]))
    return "holds", (a, b)


def _counterexample(node: Eq, sizes: dict[str, tuple[int, int]], seed: int = 24) -> tuple[dict, Value, Value] | None:
    rng = random.Random(seed)
    for _ in range(50):
        values = {n: [[rng.randint(-3, 3) for _ in range(c)] for _ in range(r)] for n, (r, c) in sizes.items()}
        env = {n: Value(v, 2) for n, v in values.items()}
        try:
            a, b = evaluate(node.left, env)[0], evaluate(node.right, env)[0]
        except EvalError:
            return None
        if a.shape != b.shape or a.data != b.data:
            return values, a, b
    return None


# --------------------------------------------------------------- index form

def _index_form(node: Any, idx: tuple[Any, Any], sizes: dict[str, tuple[Any, Any]], counter: list[int]) -> Any:
    """The general (k, l) entry of an expression as a sympy expression with IndexedBase and symbolic sizes.
    Returns None for operations without a simple index form (padding modes, strides, pooling)."""
    from .expr import BinOp, Call, Name, Neg
    k, l = idx
    if isinstance(node, Name):
        return sympy.IndexedBase(node.name)[k, l]
    if isinstance(node, Neg):
        inner = _index_form(node.operand, idx, sizes, counter)
        return None if inner is None else -inner
    if isinstance(node, BinOp) and node.op in "+-":
        a = _index_form(node.left, idx, sizes, counter)
        b = _index_form(node.right, idx, sizes, counter)
        return None if a is None or b is None else (a + b if node.op == "+" else a - b)
    if isinstance(node, Call) and node.func in ("rot180", "T") and len(node.args) == 1:
        rows, cols = _shape_symbols(node.args[0], sizes)
        if rows is None:
            return None
        new = (rows + 1 - k, cols + 1 - l) if node.func == "rot180" else (l, k)
        return _index_form(node.args[0], new, sizes, counter)
    conv_call = (isinstance(node, Call) and node.func in ("corr", "conv") and not node.kwargs and len(node.args) == 2)
    conv_bin = isinstance(node, BinOp) and node.op in ("*", "⊛")
    if conv_call or conv_bin:
        kern, inp = (node.args if conv_call else (node.left, node.right))  # type: ignore[union-attr]
        flip = (node.func == "conv") if conv_call else node.op == "⊛"  # type: ignore[union-attr]
        M, N = _shape_symbols(kern, sizes)
        if M is None:
            return None
        counter[0] += 1
        m, n = sympy.symbols(f"m{counter[0]} n{counter[0]}", integer=True, positive=True) if counter[0] > 1 \
            else sympy.symbols("m n", integer=True, positive=True)
        # Li Hang's forms: corr y_kl = Σ w_mn x_{k+m−1, l+n−1}; conv y_kl = Σ w_mn x_{k+M−m, l+N−n}
        w = _index_form(kern, (m, n), sizes, counter)
        x_idx = (k + M - m, l + N - n) if flip else (k + m - 1, l + n - 1)
        x = _index_form(inp, x_idx, sizes, counter)
        if w is None or x is None:
            return None
        return sympy.Sum(w * x, (m, 1, M), (n, 1, N))
    return None


def _shape_symbols(node: Any, sizes: dict[str, tuple[Any, Any]]) -> tuple[Any, Any]:
    from .expr import Call, Name
    if isinstance(node, Name) and node.name in sizes:
        return sizes[node.name]
    if isinstance(node, Call) and node.func == "rot180" and len(node.args) == 1:
        return _shape_symbols(node.args[0], sizes)
    if isinstance(node, Call) and node.func == "T" and len(node.args) == 1:
        r, c = _shape_symbols(node.args[0], sizes)
        return c, r
    return None, None


def _reindexing(a: Any, b: Any) -> str | None:
    """A substitution of summation variables (identity or m → M+1−m, n → N+1−n) making the summands equal."""
    if not (isinstance(a, sympy.Sum) and isinstance(b, sympy.Sum)):
        return None
    limits_a, limits_b = a.limits, b.limits
    if [lim[1:] for lim in limits_a] != [lim[1:] for lim in limits_b]:
        return None
    vars_a = [lim[0] for lim in limits_a]
    vars_b = [lim[0] for lim in limits_b]
    for flips in itertools.product([False, True], repeat=len(vars_b)):
        sub = {}
        for va, vb, flip, lim in zip(vars_a, vars_b, flips, limits_b):
            sub[vb] = (lim[2] + 1 - va) if flip else va
        # the summands are products of indexed entries whose indices are linear forms (kept canonical by sympy):
        # their difference is a polynomial in those entries, zero exactly when its expansion is — what
        # sympy.simplify concluded here too, at a fifth of the cost
        if any(flips) and sympy.expand(b.function.xreplace(sub) - a.function) == 0:
            return ", ".join(f"{vb} → {sub[vb]}" for vb in vars_b)
    return None


# ------------------------------------------------------------------ solve

def _parse(ex: Exercise, part: Part) -> Eq:
    node = read_expr_part(ex, part, "identity", ("identity",), "conv(W, X) = corr(rot180(W), X)")
    if not isinstance(node, Eq):
        raise ex.error("an identity needs '=': left = right", ("ask", part.index, "expr"))
    return node


def sum_latex(expr: Any) -> str:
    """``\\sum_{m=1}^{M} \\sum_{n=1}^{N} …`` (one sum sign per variable, readable in the terminal too)."""
    if isinstance(expr, sympy.Sum):
        sums = "".join(rf"\sum_{{{sympy.latex(v)}={sympy.latex(a)}}}^{{{sympy.latex(b)}}} " for v, a, b in expr.limits)
        return sums + sum_latex(expr.function)
    if isinstance(expr, sympy.Mul):
        return r" \cdot ".join(sum_latex(f) for f in expr.args)
    return sympy.latex(expr)


def _matrix_tex(v: Value, limit: int = 4, max_terms: int = 4) -> str:
    """The matrix when it is small, else its size and its first entry (entries: ring elements or sympy)."""
    rows = v.as_matrix()
    if len(rows) > limit or len(rows[0]) > limit:        # large: only the first entry is ever shown
        return rf"\left[{len(rows)} \times {len(rows[0])}\right],\ (\cdot)_{{11}} = {sympy.latex(_as_expr(rows[0][0]))}"
    m = [[_as_expr(e) for e in row] for row in rows]
    big = any(len(sympy.Add.make_args(e)) > max_terms for row in m for e in row)
    if big:
        return rf"\left[{len(m)} \times {len(m[0])}\right],\ (\cdot)_{{11}} = {sympy.latex(m[0][0])}"
    return tex.matrix(m)


PLAN = ("id.plan.symbols", "id.plan.expand", "id.plan.counter", "id.plan.index", "id.plan.verify")


def solve(ex: Exercise) -> Solution:
    """Solve a ``kind: identity`` exercise (no verification; see :mod:`.verify`): the symbolic matrices, then for
    each identity L = R its two sides, the verdict (expanded entry by entry, with a counterexample when it fails),
    the general index form and the family of sizes asked; then, when asked, the continuous case."""
    sizes, nodes = read_identities(ex)
    ranges = _ranges(ex, list(sizes))
    env = symbolic_env(sizes)
    steps = [given_step(env)]
    answers: dict[str, Any] = {}
    context: dict[str, Any] = {"nodes": nodes, "sizes": sizes, "counterexamples": {}}
    for part in ex.ask:
        holds, part_steps = identity_steps(nodes[part.id], part.id, env, sizes, ranges, context)
        answers[part.id] = holds
        steps += part_steps
    if ex.given.get("continuous") is True:
        steps.append(continuous_commutativity_step())
        context["continuous_ok"] = steps[-1].result
    return Solution(ex, [Msg(key) for key in PLAN], steps, answers, context=context)


def read_identities(ex: Exercise) -> tuple[dict[str, tuple[int, int]], dict[str, Eq]]:
    """The matrices' sizes and each part's identity ``L = R``, errors located in the file: ``given`` holds only
    sizes, range and continuous, and every matrix an identity names has a size."""
    check_keys(ex, ex.given, ("sizes", "range", "continuous"), ("given",), has="given has sizes, range and continuous")
    sizes = _sizes(ex)
    nodes = {p.id: _parse(ex, p) for p in ex.ask}
    from .expr import names
    for p in ex.ask:
        missing = names(nodes[p.id]) - set(sizes)
        if missing:
            raise ex.error(f"no size given for {', '.join(sorted(missing))}", ("ask", p.index, "expr"))
    return sizes, nodes


def given_step(env: dict[str, Value]) -> Step:
    """Each matrix written with one symbol per entry (X = [x_ij], 1 ≤ i ≤ I, 1 ≤ j ≤ J), so that both sides are
    polynomials in these symbols."""
    return Step(Msg("id.given.title"), text=Msg("id.given.text"),
                math=[rf"{n} = {tex.matrix(v.data)} \quad ({shape_text(v.shape)})" for n, v in env.items()],
                rule="identity.given")


def identity_steps(node: Eq, part_id: str, env: dict[str, Value], sizes: dict[str, tuple[int, int]],
                   ranges: dict[str, list[tuple[int, int]]] | None, context: dict[str, Any]) -> tuple[bool, list[Step]]:
    """Whether ``L = R`` holds, and its steps: the two sides, the verdict (with a counterexample when it fails),
    the general index form when both sides have one, and the family of sizes when a range is given."""
    verdict, info = compare(node, env)
    steps = [sides_step(node, shown_sides(node, env, verdict, info))]
    steps += verdict_steps(node, verdict, info, sizes, context, part_id)
    index = index_form_step(node, sizes)
    if index is not None:
        steps.append(index)
    if ranges:
        steps.append(_range_step(node, sizes, ranges, context, part_id))
    return verdict == "holds", steps


def shown_sides(node: Eq, env: dict[str, Value], verdict: str, info: Any) -> list[Value | None]:
    """L and R as shown: as :func:`compare` evaluated them when the identity holds; otherwise evaluated again over
    the exact ring of :func:`poly_env` when it can (readable entries), over sympy when it cannot; ``None`` for a
    side that is undefined at these sizes."""
    if verdict == "holds":
        return list(info)
    shown_env = poly_env(env) or env
    try:
        return [_side(node.left, shown_env), _side(node.right, shown_env)]
    except (TypeError, AttributeError, NotImplementedError, ValueError, ZeroDivisionError):
        return [_side(node.left, env), _side(node.right, env)]


def sides_step(node: Eq, sides: list[Value | None]) -> Step:
    """``L = left expression = its matrix (size)`` and the same for R (a large matrix: its size and first entry;
    an undefined side: its expression alone)."""
    math = []
    for label, side_node, val in (("L", node.left, sides[0]), ("R", node.right, sides[1])):
        if val is None:
            math.append(rf"{label} = {tex.text(node_text(side_node))}")
        else:
            shown = _matrix_tex(val)
            size = "" if shown.startswith(r"\left[") else rf" \quad ({shape_text(val.shape)})"
            math.append(rf"{label} = {tex.text(node_text(side_node))} = {shown}{size}")
    return Step(Msg("id.sides.title", expr=Plain(node_text(node))), text=Msg("id.sides.text"), math=math,
                rule="identity.sides")


def verdict_steps(node: Eq, verdict: str, info: Any, sizes: dict[str, tuple[int, int]], context: dict[str, Any],
                  part_id: str) -> list[Step]:
    """The verdict: L_ij − R_ij = 0 for all i, j (holds); a side undefined at these sizes; or the first
    difference (the shapes, or the first entry L_ij ≠ R_ij) followed by an integer counterexample."""
    if verdict == "holds":
        return [Step(Msg("id.holds.title"), text=Msg("id.holds.text"),
                     math=[r"L_{ij} - R_{ij} = 0 \quad \forall i, j"], result=True, rule="identity.expand")]
    if verdict == "undefined":
        return [Step(Msg("id.undefined.title"), text=eval_reason(info), result=False, rule="identity.undefined")]
    steps = [difference_step(verdict, info)]
    counter = counterexample_step(node, sizes, context, part_id)
    return steps + ([counter] if counter is not None else [])


def difference_step(verdict: str, info: Any) -> Step:
    """Where L ≠ R first shows: different shapes (a×b against c×d), or the first entry (i, j) whose expanded
    polynomials L_ij and R_ij differ."""
    if verdict == "shape":
        text = Msg("id.shape.text", a=shape_text(info[0]), b=shape_text(info[1]))
        math: list[str] = []
    else:
        i, j, a, b = info
        text = Msg("id.entry.text", i=i + 1, j=j + 1)
        math = [rf"L_{{{i + 1}{j + 1}}} = {sympy.latex(a)}", rf"R_{{{i + 1}{j + 1}}} = {sympy.latex(b)}"]
    return Step(Msg("id.fails.title"), text=text, math=math, result=False, rule="identity.expand")


def counterexample_step(node: Eq, sizes: dict[str, tuple[int, int]], context: dict[str, Any],
                        part_id: str) -> Step | None:
    """Integer matrices for which L ≠ R, with both sides (kept in ``context`` for the verifier); ``None`` when
    the search finds none."""
    found = _counterexample(node, sizes)
    if found is None:
        return None
    values, a_val, b_val = found
    context["counterexamples"][part_id] = values
    math = [rf"{n} = {tex.matrix(v)}" for n, v in values.items()]
    math += [rf"L = {tex.matrix(a_val.as_matrix())}", rf"R = {tex.matrix(b_val.as_matrix())}"]
    return Step(Msg("id.counter.title"), text=Msg("id.counter.text"), math=math, rule="identity.counterexample")


def index_form_step(node: Eq, sizes: dict[str, tuple[int, int]]) -> Step | None:
    """Both sides at a general entry (k, l) with symbolic sizes (W: M×N, X: I×J), as sums such as
    L_kl = Σ_m Σ_n w_mn x_{k+m−1, l+n−1}; and the reindexing (m → M+1−m, n → N+1−n) that turns one sum into the
    other, when a simple one does. ``None`` when a side has no index form."""
    symbolic_sizes = {n: (sympy.Symbol(_size_name(n, 0), integer=True, positive=True),
                          sympy.Symbol(_size_name(n, 1), integer=True, positive=True)) for n in sizes}
    k, l = sympy.symbols("k l", integer=True, positive=True)
    forms = [_index_form(side, (k, l), symbolic_sizes, [0]) for side in (node.left, node.right)]
    if any(f is None for f in forms):
        return None
    math = [rf"L_{{kl}} = {sum_latex(forms[0])}", rf"R_{{kl}} = {sum_latex(forms[1])}"]
    reindex = _reindexing(forms[0], forms[1]) or _reindexing(forms[1], forms[0])
    text = Msg("id.index.reindex", sub=Plain(reindex)) if reindex else Msg("id.index.text")
    return Step(Msg("id.index.title"), text=text, math=math, rule="identity.index_form")


def change_variable(integral: Any, new: Any, var: Any) -> Any:
    """``integral.transform(τ, (new, var))`` for a one-variable definite integral ∫_a^b F(τ) dτ and τ = new, linear
    in ``var`` (τ = s·λ + c, s ≠ 0): the integrand F(new)·s, each limit mapped to λ = (a − c)/s, and the limits put
    in increasing order with the sign changed when they come out decreasing — as ``Integral.transform`` does, the
    same integral (``tests/test_conv_startup.py``), without its ``sympy.solve`` for the inverse map (whose
    ``simplify`` imports ``sympy.physics.units``, about 0.1 s)."""
    (tau, a, b), = integral.limits
    slope = new.diff(var)
    if slope == 0 or slope.has(var):
        raise ValueError("the substitution must be linear in the new variable")
    shift = new - slope * var
    a, b = (a - shift) / slope, (b - shift) / slope
    func = integral.function.subs(tau, new) * slope
    if (a - b > 0) == True:                                 # noqa: E712  (a relation, not a bool)
        a, b, func = b, a, -func
    return sympy.Integral(func, (var, a, b))


def continuous_commutativity_step() -> Step:
    """(f ∗ g)(t) = ∫ f(τ) g(t−τ) dτ becomes ∫ g(λ) f(t−λ) dλ = (g ∗ f)(t) under λ = t − τ — the change of
    variable done by sympy (:func:`change_variable`: τ = t − λ substituted, dτ = −dλ, the limits mapped), not
    written by hand."""
    t, tau, lam = sympy.symbols("t tau lambda", real=True)
    f, g = sympy.Function("f"), sympy.Function("g")
    fg = sympy.Integral(f(tau) * g(t - tau), (tau, -sympy.oo, sympy.oo))
    substituted = change_variable(fg, t - lam, lam)
    gf = sympy.Integral(g(lam) * f(t - lam), (lam, -sympy.oo, sympy.oo))
    same = substituted == gf or sympy.simplify(substituted - gf) == 0
    return Step(Msg("id.cont.title"), text=Msg("id.cont.text", ok=Msg("id.yes" if same else "id.no")),
                math=[rf"(f \ast g)(t) = {sympy.latex(fg)}",
                      rf"\lambda = t - \tau:\quad {sympy.latex(fg)} = {sympy.latex(substituted)}",
                      rf"= {sympy.latex(gf)} = (g \ast f)(t)"],
                result=bool(same), rule="identity.continuous")


def _range_step(node: Eq, sizes: dict[str, tuple[int, int]], ranges: dict[str, list[tuple[int, int]]],
                context: dict[str, Any], part_id: str) -> Step:
    """Check the identity over a family of sizes; undefined combinations are counted, not hidden."""
    names_ = list(sizes)
    choices = [ranges.get(n, [sizes[n]]) for n in names_]
    total = 1
    for c in choices:
        total *= len(c)
    rows: list[list[Any]] = []
    checked = 0
    for count, combo in enumerate(itertools.product(*choices)):
        if count >= MAX_RANGE_CASES:
            break
        checked += 1
        case_sizes = dict(zip(names_, combo))
        verdict, _ = compare(node, symbolic_env(case_sizes))
        if verdict == "undefined":
            continue
        rows.append([", ".join(f"{n}: {r}×{c}" for n, (r, c) in case_sizes.items()),
                     Msg("id.yes" if verdict == "holds" else "id.no")])
    holds = [r for r in rows if r[1].key == "id.yes"]
    context.setdefault("range_cases", {})[part_id] = len(rows)
    if not rows:
        summary = "id.range.empty"
    else:
        summary = "id.range.all" if len(holds) == len(rows) else "id.range.none" if not holds else "id.range.some"
    parts: list[Any] = [Msg("id.range.defined", n=checked, d=len(rows))]
    if checked < total:
        parts.append(Msg("id.range.cut", n=checked, total=total))
    parts.append(Msg(summary))
    if summary == "id.range.some":     # show where it holds and where it fails, both
        fails = [r for r in rows if r[1].key == "id.no"]
        shown = holds[:6] + fails[:6]
    else:
        shown = rows if len(rows) <= 12 else rows[:6] + [["…", Plain("…")]] + rows[-5:]
    from ..i18n import Join
    return Step(Msg("id.range.title", n=len(rows)), text=Join(tuple(parts)),
                table=Table([Msg("id.range.sizes"), Msg("id.range.holds")], shown),
                result=bool(rows) and len(holds) == len(rows), rule="identity.range")


def _size_name(name: str, axis: int) -> str:
    """Symbolic sizes: W → M, N; X → I, J; others → R_A, C_A."""
    table = {"W": ("M", "N"), "K": ("M", "N"), "B": ("M", "N"), "X": ("I", "J"), "A": ("I", "J")}
    if name in table:
        return table[name][axis]
    return ("R_", "C_")[axis] + name
