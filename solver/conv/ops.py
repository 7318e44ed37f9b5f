"""Convolution primitives on nested lists, for any elements that add and multiply
(ints, Fractions, sympy symbols). Indices in docstrings count from 1, as in the books.

A *matrix* is a list of rows; a *tensor* is a list of matrices (channels first). The one
primitive is the ML convolution (cross-correlation) of Li Hang's Definition 24.1::

    y_kl = Σ_m Σ_n w_mn · x_{(k−1)s+(m−1)d+1, (l−1)s+(n−1)d+1}

on the zero-padded input; everything else is built on it: the mathematical convolution is the
cross-correlation with the kernel rotated by 180° (Li Hang 24.1), ``full`` mode pads by k−1,
``same`` pads to keep the size, pooling replaces the weighted sum by max or mean.

Example:
    >>> corr2d([[0, 1], [2, 3]], [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    [[19, 25], [37, 43]]
    >>> conv2d([[1, 2]], [[1, 0, 0]], mode="full")
    [[1, 2, 0, 0]]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..network.sizes import conv_output_size, same_padding

Matrix = list[list[Any]]


def shape(m: Matrix) -> tuple[int, int]:
    return len(m), len(m[0]) if m else 0


def transpose(m: Matrix) -> Matrix:
    return [list(col) for col in zip(*m)]


def rot180(m: Matrix) -> Matrix:
    """Rotate by 180°: ``a'_ij = a_{I−i+1, J−j+1}``."""
    return [list(reversed(row)) for row in reversed(m)]


def rot90(m: Matrix, turns: int = 1) -> Matrix:
    """Rotate counter-clockwise by 90° ``turns`` times (negative: clockwise), like ``numpy.rot90``."""
    turns %= 4
    for _ in range(turns):
        m = [list(row) for row in zip(*m)][::-1]
    return m


def pad(m: Matrix, top: int, bottom: int, left: int, right: int, fill: Any = 0) -> Matrix:
    rows, cols = shape(m)
    width = cols + left + right
    out = [[fill] * width for _ in range(top)]
    out += [[fill] * left + list(row) + [fill] * right for row in m]
    out += [[fill] * width for _ in range(bottom)]
    return out


@dataclass(frozen=True)
class Geometry:
    """Stride, padding (top, bottom, left, right) and dilation of a sliding window."""

    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int, int, int] = (0, 0, 0, 0)
    dilation: tuple[int, int] = (1, 1)


def mode_padding(mode: str, kernel: tuple[int, int], dilation: tuple[int, int] = (1, 1)) -> tuple[int, int, int, int]:
    """Padding of a mode: valid 0; full k−1 on each side; same (k−1) in total, the extra one after
    (PyTorch's and scipy's convention: :func:`solver.network.sizes.same_padding`).

    >>> mode_padding("same", (4, 3), (1, 2)), mode_padding("full", (2, 3))
    ((1, 2, 2, 2), (1, 1, 2, 2))
    """
    eff = [d * (k - 1) for k, d in zip(kernel, dilation)]
    if mode == "valid":
        return (0, 0, 0, 0)
    if mode == "full":
        return (eff[0], eff[0], eff[1], eff[1])
    if mode == "same":
        (top, bottom), (left, right) = (same_padding(k, d) for k, d in zip(kernel, dilation))
        return (top, bottom, left, right)
    raise ValueError(f"unknown mode {mode!r}")


# the output size along one dimension, total padding p (both sides): the one formula, in solver/network/sizes.py
output_size = conv_output_size


def windows(x_shape: tuple[int, int], k_shape: tuple[int, int], g: Geometry) -> list[list[list[tuple[int, int, int, int]]]]:
    """For every output entry (k, l), the list of (m, n, i, j): kernel index and padded-input index
    (0-based) that meet in its sum."""
    (h, w), (kh, kw) = x_shape, k_shape
    top, bottom, left, right = g.padding
    oh = output_size(h, kh, g.stride[0], top + bottom, g.dilation[0])
    ow = output_size(w, kw, g.stride[1], left + right, g.dilation[1])
    out = []
    for k in range(oh):
        row = []
        for l in range(ow):
            row.append([(m, n, k * g.stride[0] + m * g.dilation[0], l * g.stride[1] + n * g.dilation[1])
                        for m in range(kh) for n in range(kw)])
        out.append(row)
    return out


def _sum(terms: Sequence[Any]) -> Any:
    many = next((m for m in (getattr(type(t), "sum_of", None) for t in terms) if m is not None), None)
    if many is not None:        # solver.conv.identity.Poly: one dictionary, not a copy per term
        return many(terms)
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def corr2d(kernel: Matrix, x: Matrix, g: Geometry = Geometry(), mode: str | None = None) -> Matrix:
    """ML convolution ``kernel * x`` (cross-correlation), Li Hang Definition 24.1, with geometry or mode."""
    if mode is not None:
        g = Geometry(g.stride, mode_padding(mode, shape(kernel), g.dilation), g.dilation)
    xp = pad(x, *g.padding)
    return [[_sum([kernel[m][n] * xp[i][j] for m, n, i, j in cell]) for cell in row]
            for row in windows(shape(x), shape(kernel), g)]


def conv2d(kernel: Matrix, x: Matrix, g: Geometry = Geometry(), mode: str | None = None) -> Matrix:
    """Mathematical convolution ``kernel ⊛ x`` = ``rot180(kernel) * x`` (Li Hang exercise 24.1)."""
    return corr2d(rot180(kernel), x, g, mode)


def corr2d_multi(kernel: list[Matrix], x: list[Matrix], g: Geometry = Geometry(), mode: str | None = None) -> Matrix:
    """Several input channels: the channel results added (D2L ``corr2d_multi_in``)."""
    results = [corr2d(k, c, g, mode) for k, c in zip(kernel, x)]
    return [[_sum([r[i][j] for r in results]) for j in range(len(results[0][0]))] for i in range(len(results[0]))]


def pool2d(x: Matrix, size: tuple[int, int], g: Geometry, how: str) -> Matrix:
    """Max or average pooling (``how`` = max|avg); padding counts as −∞ for max and 0 for avg
    (PyTorch's count_include_pad)."""
    reduce: Callable[[list[Any]], Any]
    if how == "max":
        fill: Any = None
        reduce = lambda vals: max(v for v in vals if v is not None)  # noqa: E731
    else:
        fill = 0
        reduce = _mean
    xp = pad(x, *g.padding, fill=fill)
    return [[reduce([xp[i][j] for _m, _n, i, j in cell]) for cell in row]
            for row in windows(shape(x), size, g)]


def _mean(vals: list[Any]) -> Any:
    """Exact mean: a Fraction for numbers, a division for symbolic entries."""
    from fractions import Fraction
    total = _sum(vals)
    if isinstance(total, (int, Fraction)):
        return _normal(Fraction(total) / len(vals))
    return total / len(vals)


def _normal(value: Any) -> Any:
    """A Fraction with denominator 1 becomes an int."""
    return int(value) if getattr(value, "denominator", None) == 1 else value


def matmul(a: Matrix, b: Matrix) -> Matrix:
    """Matrix product (rows of ``a`` times columns of ``b``)."""
    return [[_sum([x * y for x, y in zip(row, col)]) for col in zip(*b)] for row in a]


def vec(m: Matrix) -> Matrix:
    """Row-major vectorisation as a column: vec(X) = (x11, x12, …, x1J, x21, …)ᵀ."""
    return [[e] for row in m for e in row]


def toeplitz(kernel: Matrix, rows: int, cols: int) -> Matrix:
    """The (oh·ow)×(rows·cols) matrix C with vec(corr2d(kernel, X)) = C · vec(X) for any rows×cols X
    (valid mode, stride 1): row (k, l) holds w_mn at column (k+m−1, l+n−1)."""
    kh, kw = shape(kernel)
    oh, ow = rows - kh + 1, cols - kw + 1
    out = []
    for k in range(oh):
        for l in range(ow):
            row = [0] * (rows * cols)
            for m in range(kh):
                for n in range(kw):
                    row[(k + m) * cols + (l + n)] = kernel[m][n]
            out.append(row)
    return out


def im2col(x: Matrix, kh: int, kw: int) -> Matrix:
    """The (kh·kw)×(oh·ow) matrix whose column (k, l) is the window of output (k, l), read row by row;
    vec(W)ᵀ · im2col(X) is the convolution as one row."""
    rows, cols = shape(x)
    oh, ow = rows - kh + 1, cols - kw + 1
    return [[x[k + m][l + n] for k in range(oh) for l in range(ow)] for m in range(kh) for n in range(kw)]
