"""Evaluate a parsed convolution expression on concrete values, recording how every
convolution and pooling entry was obtained (the trace the steps show).

Values are :class:`Value`: nested lists of numbers or sympy expressions with a rank —
1 vector, 2 matrix, 3 channels × H × W, 4 out × in × kh × kw (a kernel bank).

Example:
    >>> from solver.conv.expr import parse
    >>> v, trace = evaluate(parse("W * X"), {"W": Value.of([1, -1, 2]), "X": Value.of([3, 0, 2, -2, 2, 1, 2])})
    >>> v.data, trace[0].entries[0].terms
    ([7, -6, 8, -2, 5], [(1, 3), (-1, 0), (2, 2)])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..values import shape_text
from . import ops
from .expr import BinOp, Call, Eq, Name, Neg, Node, Num


class EvalError(ValueError):
    """An expression that cannot be evaluated on these values (shapes, unknown names).

    ``key`` names a bilingual message for the reasons a reader meets in a solution."""

    def __init__(self, message: str, key: str = "", **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


def _numeric(data: Any) -> bool:
    from fractions import Fraction
    if isinstance(data, list):
        return all(_numeric(d) for d in data)
    return isinstance(data, (int, Fraction, float))


@dataclass
class Value:
    data: Any
    rank: int

    @staticmethod
    def of(data: Any) -> "Value":
        rank = 0
        probe = data
        while isinstance(probe, list):
            rank += 1
            if not probe:
                raise EvalError("empty list")
            probe = probe[0]
        return Value(data, rank)

    @property
    def shape(self) -> tuple[int, ...]:
        out, probe = [], self.data
        for _ in range(self.rank):
            out.append(len(probe))
            probe = probe[0]
        return tuple(out)

    def as_matrix(self) -> ops.Matrix:
        return [self.data] if self.rank == 1 else self.data


@dataclass
class Entry:
    """One output entry: 0-based index, the (weight, input) pairs of its sum, its value."""

    index: tuple[int, ...]
    terms: list[tuple[Any, Any]]
    value: Any
    window: list[Any] = field(default_factory=list)   # pooling: the values of the window


@dataclass
class TraceItem:
    """One convolution or pooling evaluated: its operands as used (kernel rotated for conv,
    input padded) and every entry."""

    node: Call | BinOp
    op: str                 # corr, conv, maxpool, avgpool
    kernel: Any             # as given
    kernel_used: Any        # rotated by 180° for conv
    input: Any
    input_padded: Any
    geometry: ops.Geometry
    mode: str | None
    result: Any
    entries: list[Entry]
    channel: int | None = None
    out_channel: int | None = None
    one_d: bool = False
    work: int = 0           # products (or entries) this item cost, counted against MAX_WORK


MAX_WORK = 1_000_000        # products and entries computed exactly for one expression (the bank needs < 2,000)


def _charge(trace: list[TraceItem], work: int, what: str) -> int:
    """Refuse, before it is computed, an operation that would take the expression's exact entry-by-entry
    evaluation beyond ``MAX_WORK`` products (padded and produced entries counted too); returns ``work``."""
    done = sum(item.work for item in trace)
    if done + work > MAX_WORK:
        before = f" (after {done:,} already)" if done else ""
        raise EvalError(f"{what} needs {work:,} products{before}: exact entry-by-entry evaluation is limited to "
                        f"{MAX_WORK:,} per expression")
    return work


def _geometry(node: Call | BinOp, kernel_shape: tuple[int, int]) -> tuple[ops.Geometry, str | None]:
    if isinstance(node, BinOp):
        return ops.Geometry(), None

    def pair(key: str, default: int) -> tuple[int, int]:
        v = node.kw(key, default)
        return v if isinstance(v, tuple) else (int(v), int(v))  # type: ignore[arg-type,return-value]

    stride, dilation = pair("stride", 1), pair("dilation", 1)
    if any(s < 1 for s in stride) or any(d < 1 for d in dilation):
        raise EvalError("stride and dilation must be positive")
    mode = node.kw("mode")
    if mode is not None and node.kw("padding") is not None:
        raise EvalError("give either mode= or padding=, not both")
    if mode is not None:
        padding = ops.mode_padding(str(mode), kernel_shape, dilation)
    else:
        p = pair("padding", 0)
        padding = (p[0], p[0], p[1], p[1])
    return ops.Geometry(stride, padding, dilation), (str(mode) if mode else None)


def _conv_matrix(node: Call | BinOp, op: str, k: ops.Matrix, x: ops.Matrix, trace: list[TraceItem],
                 channel: int | None = None, out_channel: int | None = None, one_d: bool = False) -> ops.Matrix:
    g, mode = _geometry(node, ops.shape(k))
    h, w = ops.shape(x)
    kh, kw = ops.shape(k)
    top, bottom, left, right = g.padding
    if h + top + bottom < g.dilation[0] * (kh - 1) + 1 or w + left + right < g.dilation[1] * (kw - 1) + 1:
        raise EvalError(f"the kernel ({kh}×{kw}) is larger than the padded input "
                        f"({h + top + bottom}×{w + left + right})", key="eval.kernel_larger",
                        k=f"{kh}×{kw}", x=f"{h + top + bottom}×{w + left + right}")
    out = [ops.output_size(n, kn, s, p, d) for n, kn, s, p, d in
           zip((h, w), (kh, kw), g.stride, (top + bottom, left + right), g.dilation)]
    work = _charge(trace, (h + top + bottom) * (w + left + right) + out[0] * out[1] * kh * kw,
                   f"{op} of a {kh}×{kw} kernel over a {h}×{w} input" + (f" ({mode} mode)" if mode else ""))
    used = ops.rot180(k) if op == "conv" else k
    xp = ops.pad(x, *g.padding)
    entries, result = [], []
    for r, row in enumerate(ops.windows((h, w), (kh, kw), g)):
        out_row = []
        for c, cell in enumerate(row):
            terms = [(used[m][n], xp[i][j]) for m, n, i, j in cell]
            value = ops._sum([a * b for a, b in terms])
            entries.append(Entry((r, c), terms, value))
            out_row.append(value)
        result.append(out_row)
    trace.append(TraceItem(node, op, k, used, x, xp, g, mode, result, entries, channel, out_channel, one_d, work))
    return result


def _add(a: ops.Matrix, b: ops.Matrix) -> ops.Matrix:
    return [[x + y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


def _convolve(node: Call | BinOp, op: str, k: Value, x: Value, trace: list[TraceItem]) -> Value:
    if k.rank == 1 and x.rank == 1:
        return Value(_conv_matrix(node, op, [k.data], [x.data], trace, one_d=True)[0], 1)
    if k.rank == 2 and x.rank == 2:
        return Value(_conv_matrix(node, op, k.data, x.data, trace), 2)
    if k.rank == 3 and x.rank == 3:
        if len(k.data) != len(x.data):
            raise EvalError(f"the kernel has {len(k.data)} channels but the input has {len(x.data)}")
        total = None
        for c, (kc, xc) in enumerate(zip(k.data, x.data)):
            part = _conv_matrix(node, op, kc, xc, trace, channel=c)
            total = part if total is None else _add(total, part)
        return Value(total, 2)
    if k.rank == 4 and x.rank == 3:
        outs = []
        for o, bank in enumerate(k.data):
            if len(bank) != len(x.data):
                raise EvalError(f"kernel {o + 1} has {len(bank)} input channels but the input has {len(x.data)}")
            total = None
            for c, (kc, xc) in enumerate(zip(bank, x.data)):
                part = _conv_matrix(node, op, kc, xc, trace, channel=c, out_channel=o)
                total = part if total is None else _add(total, part)
            outs.append(total)
        return Value(outs, 3)
    raise EvalError(f"cannot convolve a kernel of shape {shape_text(k.shape)} with an input of shape "
                    f"{shape_text(x.shape)}")


def _pool(node: Call, how: str, x: Value, size: Value | None, trace: list[TraceItem]) -> Value:
    if how == "max" and not _numeric(x.data):
        raise EvalError("max pooling of symbolic entries cannot be decided symbolically: use numbers "
                        "(kind: convolution)", key="eval.max_symbolic")
    if size is None or size.rank != 0:
        raise EvalError(f"{node.func} needs a window size: {node.func}(X, 2)")
    s = int(size.data)
    g = ops.Geometry(*[(v if isinstance(v, tuple) else (int(v), int(v)))  # type: ignore[arg-type]
                       for v in (node.kw("stride", s), (0, 0), node.kw("dilation", 1))])
    p = node.kw("padding", 0)
    p = p if isinstance(p, tuple) else (int(p), int(p))  # type: ignore[arg-type]
    g = ops.Geometry(g.stride, (p[0], p[0], p[1], p[1]), g.dilation)
    if s < 1 or min(g.stride + g.dilation) < 1 or min(p) < 0:
        raise EvalError(f"{node.func}: the window, stride and dilation must be positive, the padding not negative")

    def one(m: ops.Matrix, channel: int | None) -> ops.Matrix:
        (h, w), (top, bottom, left, right) = ops.shape(m), g.padding
        out = [ops.output_size(n, s, st, p, d) for n, st, p, d in
               zip((h, w), g.stride, (top + bottom, left + right), g.dilation)]
        if min(out) < 1:
            raise EvalError(f"the {s}×{s} window is larger than the padded input ({h + top + bottom}×"
                            f"{w + left + right})")
        work = _charge(trace, (h + top + bottom) * (w + left + right) + out[0] * out[1] * s * s,
                       f"{how} pooling of a {h}×{w} input with a {s}×{s} window")
        result = ops.pool2d(m, (s, s), g, how)
        fill = None if how == "max" else 0
        xp = ops.pad(m, *g.padding, fill=fill)
        entries = []
        for r, row in enumerate(ops.windows(ops.shape(m), (s, s), g)):
            for c, cell in enumerate(row):
                entries.append(Entry((r, c), [], result[r][c], [xp[i][j] for _a, _b, i, j in cell]))
        trace.append(TraceItem(node, how + "pool", None, None, m, xp, g, None, result, entries, channel, work=work))
        return result

    if x.rank == 2:
        return Value(one(x.data, None), 2)
    if x.rank == 3:
        return Value([one(m, c) for c, m in enumerate(x.data)], 3)
    raise EvalError("pooling takes a matrix or a stack of channels")


def _matrix_op(name: str, v: Value, arg: Value | None = None) -> Value:
    if v.rank == 1:
        if name in ("rot180",):
            return Value(list(reversed(v.data)), 1)
        if name == "T":
            return Value([[e] for e in v.data], 2)
        raise EvalError(f"{name} takes a matrix")
    if v.rank != 2:
        raise EvalError(f"{name} takes a matrix, got shape {shape_text(v.shape)}")
    if name == "rot180":
        return Value(ops.rot180(v.data), 2)
    if name == "T":
        return Value(ops.transpose(v.data), 2)
    if name == "rot90cw":
        return Value(ops.rot90(v.data, -1), 2)
    turns = 1 if arg is None else int(arg.data)
    return Value(ops.rot90(v.data, turns), 2)


def _ints(values: list[Value], f: str) -> list[int]:
    if not all(v.rank == 0 and int(v.data) == v.data and int(v.data) > 0 for v in values):
        raise EvalError(f"{f} takes positive whole numbers for its sizes")
    return [int(v.data) for v in values]


def _linear_algebra(f: str, args: list[Value]) -> Value:
    if f == "mm":
        if len(args) != 2 or args[0].rank not in (1, 2) or args[1].rank not in (1, 2):
            raise EvalError("mm takes two matrices: mm(A, B)")
        a, b = args[0].as_matrix(), args[1].as_matrix()
        if len(a[0]) != len(b):
            raise EvalError(f"mm: {len(a)}×{len(a[0])} times {len(b)}×{len(b[0])} does not fit")
        return Value(ops.matmul(a, b), 2)
    if f == "flat":
        if len(args) != 1 or args[0].rank not in (3, 4):
            raise EvalError("flat takes a C×H×W input or a C_out×C_in×1×1 kernel")
        v = args[0]
        if v.rank == 3:
            return Value([[e for row in channel for e in row] for channel in v.data], 2)
        if any(len(k) != 1 or len(k[0]) != 1 for bank in v.data for k in bank):
            raise EvalError("flat of a kernel bank needs 1×1 kernels")
        return Value([[k[0][0] for k in bank] for bank in v.data], 2)
    if f == "vec":
        if len(args) != 1 or args[0].rank not in (1, 2):
            raise EvalError("vec takes one matrix")
        return Value(ops.vec(args[0].as_matrix()), 2)
    if f == "toeplitz":
        if len(args) != 3 or args[0].rank != 2:
            raise EvalError("toeplitz takes a kernel and the input size: toeplitz(K, rows, cols)")
        rows, cols = _ints(args[1:], f)
        kh, kw = args[0].shape
        if kh > rows or kw > cols:
            raise EvalError(f"toeplitz: the kernel {kh}×{kw} is larger than the input {rows}×{cols}")
        return Value(ops.toeplitz(args[0].data, rows, cols), 2)
    if len(args) != 3 or args[0].rank != 2:
        raise EvalError("im2col takes a matrix and the kernel size: im2col(X, kh, kw)")
    kh, kw = _ints(args[1:], f)
    rows, cols = args[0].shape
    if kh > rows or kw > cols:
        raise EvalError(f"im2col: the window {kh}×{kw} is larger than the input {rows}×{cols}")
    return Value(ops.im2col(args[0].data, kh, kw), 2)


def _entries(v: Value) -> int:
    from math import prod
    return prod(v.shape) if v.rank else 1


def _linear_algebra_work(f: str, args: list[Value]) -> int:
    """Products/entries of a linear-algebra call, from its arguments' sizes (before it is computed)."""
    if f == "mm" and len(args) == 2 and args[0].rank in (1, 2) and args[1].rank in (1, 2):
        (r, c), cols = (len(args[0].as_matrix()), len(args[0].as_matrix()[0])), len(args[1].as_matrix()[0])
        return r * c * cols
    sizes = [int(v.data) for v in args[1:] if v.rank == 0 and isinstance(v.data, int) and v.data > 0]
    if f == "toeplitz" and len(sizes) == 2 and args[0].rank == 2:
        (kh, kw), (rows, cols) = args[0].shape, sizes
        return max(rows - kh + 1, 0) * max(cols - kw + 1, 0) * rows * cols
    if f == "im2col" and len(sizes) == 2 and args[0].rank == 2:
        (rows, cols), (kh, kw) = args[0].shape, sizes
        return kh * kw * max(rows - kh + 1, 0) * max(cols - kw + 1, 0)
    return sum(_entries(v) for v in args)


def _elementwise(a: Value, b: Value, f: Any, what: str) -> Value:
    if a.rank == 0 and b.rank == 0:
        return Value(f(a.data, b.data), 0)
    if a.rank == 0 or b.rank == 0:     # a number added to every entry (X + 1)
        def bc(x: Any, depth: int, scalar_left: bool, c: Any) -> Any:
            if depth == 0:
                return f(c, x) if scalar_left else f(x, c)
            return [bc(p, depth - 1, scalar_left, c) for p in x]
        big, small, left = (b, a, True) if a.rank == 0 else (a, b, False)
        return Value(bc(big.data, big.rank, left, small.data), big.rank)
    if a.shape != b.shape:
        raise EvalError(f"cannot {what} shapes {shape_text(a.shape)} and {shape_text(b.shape)}",
                        key="eval.shapes", a=shape_text(a.shape) or "1", b=shape_text(b.shape) or "1")

    def rec(x: Any, y: Any, depth: int) -> Any:
        return f(x, y) if depth == 0 else [rec(p, q, depth - 1) for p, q in zip(x, y)]

    return Value(rec(a.data, b.data, a.rank), a.rank)


def _scale(c: Any, v: Value) -> Value:
    def rec(x: Any, depth: int) -> Any:
        return c * x if depth == 0 else [rec(p, depth - 1) for p in x]
    return Value(rec(v.data, v.rank), v.rank)


def _number(value: Fraction) -> Any:
    return int(value) if value.denominator == 1 else value


def evaluate(node: Node | Eq, env: dict[str, Value], trace: list[TraceItem] | None = None) -> tuple[Value, list[TraceItem]]:
    """The value of ``node`` with names bound by ``env``; the trace lists every convolution/pooling."""
    trace = [] if trace is None else trace
    if isinstance(node, Eq):
        raise EvalError("an identity has two sides: evaluate each side")
    if isinstance(node, Num):
        return Value(_number(node.value), 0), trace
    if isinstance(node, Name):
        if node.name not in env:
            raise EvalError(f"unknown name '{node.name}'; given: {', '.join(sorted(env))}")
        return env[node.name], trace
    if isinstance(node, Neg):
        v, _ = evaluate(node.operand, env, trace)
        return _scale(-1, v), trace
    if isinstance(node, BinOp):
        a, _ = evaluate(node.left, env, trace)
        b, _ = evaluate(node.right, env, trace)
        if node.op == "+":
            return _elementwise(a, b, lambda x, y: x + y, "add"), trace
        if node.op == "-":
            return _elementwise(a, b, lambda x, y: x - y, "subtract"), trace
        if a.rank == 0:
            return _scale(a.data, b), trace
        if b.rank == 0:
            return _scale(b.data, a), trace
        return _convolve(node, "corr" if node.op == "*" else "conv", a, b, trace), trace
    assert isinstance(node, Call)
    args = [evaluate(a, env, trace)[0] for a in node.args]
    f = node.func
    if f in ("corr", "conv"):
        if len(args) != 2:
            raise EvalError(f"{f} takes a kernel and an input: {f}(K, X)")
        return _convolve(node, f, args[0], args[1], trace), trace
    if f in ("maxpool", "avgpool"):
        if not 1 <= len(args) <= 2:
            raise EvalError(f"{f} takes an input and a window size: {f}(X, 2)")
        return _pool(node, f[:3], args[0], args[1] if len(args) > 1 else None, trace), trace
    if f in ("mm", "vec", "toeplitz", "im2col", "flat"):
        work = _charge(trace, _linear_algebra_work(f, args), f"{f}(…)")
        result = _linear_algebra(f, args)
        trace.append(TraceItem(node, f, None, None, args[0].data, None, ops.Geometry(), None, result.data, [],
                               work=work))
        return result, trace
    if len(args) not in (1, 2) or (len(args) == 2 and f != "rot90"):
        raise EvalError(f"{f} takes one matrix")
    work = _charge(trace, _entries(args[0]), f"{f}(…)")
    result = _matrix_op(f, args[0], args[1] if len(args) == 2 else None)
    trace.append(TraceItem(node, f, None, None, args[0].data, None, ops.Geometry(), None, result.data, [],
                           work=work))
    return result, trace
