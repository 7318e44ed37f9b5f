"""Measure a receptive field and jump by back-propagation (PyTorch), for any stack of windows.

The probe is a one-channel stack of all-ones convolutions with the given kernels, strides,
paddings and dilations, in float64. The gradient of one output unit with respect to the input
is non-zero exactly on the inputs that unit depends on; its span along each dimension is the
receptive field, and the shift of the span between two neighbouring output units is the jump.
A measurement counts once two probe sizes in a row agree with the spans inside the input.

Example:
    >>> measure_window([{"kernel": (3,), "stride": (2,), "padding": (0,), "dilation": (1,)}] * 2, 1)
    ((7,), (4,))
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

MAX_ELEMENTS = 1 << 22
MAX_WORK = 100_000_000     # multiply-adds of one probe's forward pass: a larger probe is refused, not run


class ProbeTooLarge(Exception):
    """Measuring these windows needs a probe whose forward pass costs more than ``MAX_WORK`` multiply-adds."""

    def __init__(self, work: int) -> None:
        super().__init__(f"the probe would need {work:,} multiply-adds (limit {MAX_WORK:,})")
        self.work = work


def probe_work(layers: list[dict[str, Any]], dims: int, side: int) -> int:
    """Multiply-adds of the probe's forward pass on a ``side``-wide input (0 once the windows no longer fit)."""
    from math import prod
    sizes, work = [side] * dims, 0
    for spec in layers:
        k, s, d = spec["kernel"], spec["stride"], spec["dilation"]
        pad = spec["padding"]
        if pad == "same":
            out = list(sizes)
        else:
            out = [(n + 2 * p - dd * (kk - 1) - 1) // ss + 1 for n, p, kk, ss, dd in zip(sizes, pad, k, s, d)]
        if min(out) < 1:
            return work
        work += prod(out) * prod(k)
        sizes = out
    return work


def _forward(x: torch.Tensor, layers: list[dict[str, Any]], dims: int) -> torch.Tensor:
    conv = F.conv1d if dims == 1 else F.conv2d
    for spec in layers:
        weight = torch.ones((1, 1) + tuple(spec["kernel"]), dtype=x.dtype)
        x = conv(x, weight, stride=spec["stride"], padding=spec["padding"], dilation=spec["dilation"])
    return x


def _axis(spec: dict[str, Any], d: int) -> dict[str, Any]:
    """The window of one layer along dimension ``d`` alone."""
    pad = spec["padding"]
    return {"kernel": (spec["kernel"][d],), "stride": (spec["stride"][d],),
            "padding": pad if pad == "same" else (pad[d],), "dilation": (spec["dilation"][d],)}


def nonzero_span(grad: torch.Tensor, dim: int) -> tuple[int, int] | None:
    """First and last index along ``dim`` where ``grad`` is non-zero (None: nowhere)."""
    other = tuple(i for i in range(grad.dim()) if i != dim)
    nz = (grad.abs().sum(dim=other) if other else grad.abs()) > 0
    idx = torch.nonzero(nz).flatten()
    if not len(idx):
        return None              # the unit reads only padding
    return int(idx[0]), int(idx[-1])




def measure_window(layers: list[dict[str, Any]], dims: int) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(receptive field, jump) per dimension, or None if no probe of up to ``MAX_ELEMENTS`` inputs fits.
    Raises :class:`ProbeTooLarge` rather than run a probe of more than ``MAX_WORK`` multiply-adds."""
    side = 16
    previous = None
    while side ** dims <= MAX_ELEMENTS:
        work = probe_work(layers, dims, side)
        if work > MAX_WORK:
            raise ProbeTooLarge(work)
        # all-ones kernels are separable: the gradient of unit (c_1, …, c_d) of the side^d probe is the outer
        # product of the gradients of the 1-D probes along each dimension, so each dimension is probed on its
        # own (the same spans, a fraction of the work)
        per_dim = []
        try:
            for d in range(dims):
                x = torch.zeros((1, 1, side), dtype=torch.float64, requires_grad=True)
                per_dim.append((x, _forward(x, [_axis(spec, d) for spec in layers], 1)))
        except RuntimeError:
            side *= 2
            continue
        if min(y.shape[-1] for _, y in per_dim) < 3:
            side *= 2
            continue
        spans: list[list] = [[], []]
        for x, y in per_dim:
            centre = y.shape[-1] // 2
            for k, unit in enumerate((centre, centre + 1)):     # the unit and its neighbour
                (g,) = torch.autograd.grad(y[0, 0, unit], x, retain_graph=True)
                spans[k].append(nonzero_span(g[0, 0], 0))
        inside = all(s is not None and 0 < s[0] and s[1] < side - 1 for span in spans for s in span)
        if inside:
            rf = tuple(hi - lo + 1 for lo, hi in spans[0])
            jump = tuple(b[0] - a[0] for a, b in zip(spans[0], spans[1]))
            # a span can be clipped without touching the border (a dilated or strided layer's taps falling
            # in the padding): accept a measurement only when the next larger probe gives the same one
            if (rf, jump) == previous:
                return rf, jump
            previous = (rf, jump)
        else:
            previous = None
        side *= 2
    return None
