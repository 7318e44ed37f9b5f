"""Parameter and multiply–accumulate counts of one layer.

Conventions (named in every solution):
- parameters are the trainable tensors PyTorch creates (bias included when ``bias: true``;
  BatchNorm's γ and β, not its running statistics);
- MACs count one multiply–accumulate per kernel tap per output element, padded zeros included,
  bias additions excluded — ``torch.utils.flop_counter`` halved; FLOPs = 2 × MACs.
  Only convolutions and Linear layers count (pooling, activations and BatchNorm do not).

Example:
    >>> conv_params(16, 32, (3, 3), groups=1, bias=True)
    4640
    >>> conv_macs((28, 28), 16, 32, (3, 3), groups=1)
    3612672
"""
from __future__ import annotations

from math import prod


def conv_params(c_in: int, c_out: int, kernel: tuple[int, ...], groups: int, bias: bool) -> int:
    """C_out · (C_in/g) · Πk  (+ C_out for the bias). The same count holds for a transposed convolution."""
    return c_out * (c_in // groups) * prod(kernel) + (c_out if bias else 0)


def linear_params(f_in: int, f_out: int, bias: bool) -> int:
    """f_in · f_out (+ f_out)."""
    return f_in * f_out + (f_out if bias else 0)


def batch_norm_params(c: int, affine: bool) -> int:
    """γ and β per channel: 2C (0 without affine)."""
    return 2 * c if affine else 0


def conv_macs(out_spatial: tuple[int, ...], c_in: int, c_out: int, kernel: tuple[int, ...], groups: int) -> int:
    """Π(out sizes) · C_out · (C_in/g) · Πk."""
    return prod(out_spatial) * c_out * (c_in // groups) * prod(kernel)


def conv_transpose_macs(in_spatial: tuple[int, ...], c_in: int, c_out: int, kernel: tuple[int, ...],
                        groups: int) -> int:
    """Every input element is multiplied by a whole kernel: Π(in sizes) · C_in · (C_out/g) · Πk."""
    return prod(in_spatial) * c_in * (c_out // groups) * prod(kernel)


def linear_macs(rows: int, f_in: int, f_out: int) -> int:
    """rows · f_in · f_out (rows: positions the layer is applied at, 1 for a flat input)."""
    return rows * f_in * f_out
