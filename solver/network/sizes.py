"""Output sizes along one spatial dimension. One primitive, the others built on it.

The primitive is the convolution formula (PyTorch's, with total padding ``p`` and dilation ``d``)::

    n_out = ⌊(n + p − d·(k − 1) − 1) / s⌋ + 1            (⌈·⌉ with ceil_mode)

Pooling is that formula with the pool's own kernel, stride and padding (``p = 2·pad``), plus
PyTorch's ceil-mode rule that the last window must start inside the input or its left padding.
The transposed convolution inverts it: ``n_out = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1``.

Example:
    >>> conv_output_size(28, 3, s=1, p=2)
    28
    >>> pool_output_size(5, 2, s=2, pad=0, ceil=True)
    3
"""
from __future__ import annotations

from ..record import record


def conv_output_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, ceil: bool = False) -> int:
    """⌊(n + p − d(k−1) − 1)/s⌋ + 1 with total padding ``p`` (both sides together)."""
    span = n + p - d * (k - 1) - 1
    if ceil:
        return -(-span // s) + 1
    return span // s + 1


def pool_output_size(n: int, k: int, s: int, pad: int, d: int = 1, ceil: bool = False) -> int:
    """Pooling: the convolution formula with ``p = 2·pad``; in ceil mode the last window must start
    at or before ``n + pad − 1`` (PyTorch drops it otherwise)."""
    out = conv_output_size(n, k, s, 2 * pad, d, ceil)
    if ceil and (out - 1) * s >= n + pad:
        out -= 1
    return out


def transposed_output_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0) -> int:
    """(n − 1)·s − 2p + d·(k − 1) + output_padding + 1."""
    return (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def same_padding(k: int, d: int = 1) -> tuple[int, int]:
    """Padding that keeps the size at stride 1: total d(k−1), the extra one on the right (PyTorch)."""
    total = d * (k - 1)
    return total // 2, total - total // 2


@record(frozen=True)
class SizeCalc:
    """How one spatial size was obtained; ``rule`` is conv, pool, same, transposed, adaptive."""

    rule: str
    n_in: int
    n_out: int
    k: int = 1
    s: int = 1
    p: int = 0             # total padding (conv, pool: 2·pad) or the transposed conv's padding
    d: int = 1
    ceil: bool = False
    ceil_dropped: bool = False   # ceil mode dropped a window starting in the right padding
    output_padding: int = 0


def conv_size(n: int, k: int, s: int, pad: int | str, d: int) -> SizeCalc:
    """Convolution size along one dimension; ``pad`` is per side or 'same'/'valid'."""
    if pad == "same":
        before, after = same_padding(k, d)
        return SizeCalc("same", n, conv_output_size(n, k, s, before + after, d), k, s, before + after, d)
    p = 0 if pad == "valid" else 2 * int(pad)
    return SizeCalc("conv", n, conv_output_size(n, k, s, p, d), k, s, p, d)


def pool_size(n: int, k: int, s: int, pad: int, d: int, ceil: bool) -> SizeCalc:
    out = pool_output_size(n, k, s, pad, d, ceil)
    dropped = ceil and out != conv_output_size(n, k, s, 2 * pad, d, True)
    return SizeCalc("pool", n, out, k, s, 2 * pad, d, ceil, dropped)


def transposed_size(n: int, k: int, s: int, pad: int, d: int, output_padding: int) -> SizeCalc:
    return SizeCalc("transposed", n, transposed_output_size(n, k, s, pad, d, output_padding), k, s, pad, d,
                    output_padding=output_padding)


def adaptive_size(n: int, target: int | None) -> SizeCalc:
    return SizeCalc("adaptive", n, n if target is None else target)
