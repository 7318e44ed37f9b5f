"""Receptive field, jump and window position at every node of a graph.

Along a layer (the recurrence of :mod:`.receptive`, plus the left edge ``a`` of unit 0's window, which
padding moves to the left)::

    R_l = R_{l−1} + (k_l − 1)·d_l·J_{l−1}     J_l = J_{l−1}·s_l     a_l = a_{l−1} − p_l·J_{l−1}

At a merge (sum or concatenation) a unit depends on the windows of all its inputs: their union, from the
smallest left edge to the largest right edge ``a + R − 1``::

    a = min_i a_i      R = max_i (a_i + R_i − 1) − a + 1

which is the largest R_i when the windows are nested (the usual case: centred branches), and larger
otherwise. The jump of a merge is its inputs' jump; when they differ the window is not the same for
every unit, which the solution says.

Example:
    >>> union([(3,), (1,)], [(-1,), (0,)])
    ((3,), (-1,), 0)
    >>> union([(3,), (3,)], [(0,), (-1,)])
    ((4,), (-1,), 0)
"""
from __future__ import annotations

from typing import Any


def union(rfs: list[tuple[int, ...]], lefts: list[tuple[int, ...]]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """(R, left edge, index of the input with the largest R) of the union of windows, per dimension."""
    dims = len(rfs[0])
    left = tuple(min(l[i] for l in lefts) for i in range(dims))
    right = tuple(max(l[i] + r[i] - 1 for l, r in zip(lefts, rfs)) for i in range(dims))
    rf = tuple(right[i] - left[i] + 1 for i in range(dims))
    via = max(range(len(rfs)), key=lambda k: (rfs[k], -k))
    return rf, left, via


def layer_window(node: Any, prev: Any) -> None:
    """Fill ``node.rf``, ``jump``, ``left`` from its input's (or say why they are undefined)."""
    from .graph import pad_before
    la = node.la
    if prev.rf is None or la.windows is None or prev.rf_undefined:
        node.rf_undefined = prev.rf_undefined or la.rf_undefined
        return
    w = la.windows
    node.rf = tuple(r + (wi.k - 1) * wi.d * j for r, wi, j in zip(prev.rf, w, prev.jump))
    node.jump = tuple(j * wi.s for j, wi in zip(prev.jump, w))
    node.left = tuple(a - pad_before(la.layer, i) * j for i, (a, j) in enumerate(zip(prev.left, prev.jump)))
    la.rf, la.jump = node.rf, node.jump


def merge_window(node: Any, inputs: list[Any]) -> None:
    undefined = [n.rf_undefined for n in inputs if n.rf is None]
    if undefined:
        node.rf_undefined = undefined[0] or "net.rf.undefined.flat_input"
        return
    node.rf, node.left, k = union([n.rf for n in inputs], [n.left for n in inputs])
    node.via = k
    jumps = {n.jump for n in inputs}
    node.jumps_differ = len(jumps) > 1
    node.jump = max(jumps)
