"""Receptive field and jump (effective stride) of a stack of windowed layers, per dimension.

Recurrence, with ``R_0 = 1`` and ``J_0 = 1``::

    R_l = R_{l−1} + (k_l − 1)·d_l·J_{l−1}        J_l = J_{l−1}·s_l

Closed form (Li Hang 24.19, with dilation added)::

    R_L = 1 + Σ_{j=1..L} (k_j − 1)·d_j·Π_{i<j} s_i

Example:
    >>> stack = [Window(3, 1, 1), Window(3, 2, 1), Window(2, 2, 1)]
    >>> recurrence(stack)[-1], closed_form(stack)
    ((7, 4), 7)
"""
from __future__ import annotations

from ..record import record
from math import prod


@record(frozen=True)
class Window:
    """The geometry that matters for the receptive field: kernel, stride, dilation."""

    k: int
    s: int
    d: int = 1


IDENTITY = Window(1, 1, 1)


def recurrence(stack: list[Window]) -> list[tuple[int, int]]:
    """(R_l, J_l) after each layer."""
    r, j, out = 1, 1, []
    for w in stack:
        r = r + (w.k - 1) * w.d * j
        j = j * w.s
        out.append((r, j))
    return out


def closed_form(stack: list[Window]) -> int:
    """1 + Σ_j (k_j − 1)·d_j·Π_{i<j} s_i."""
    return 1 + sum((w.k - 1) * w.d * prod(v.s for v in stack[:j]) for j, w in enumerate(stack))


def jump(stack: list[Window]) -> int:
    """Π s_i."""
    return prod(w.s for w in stack)
