"""``shift_equivariance``: conv(shift X) = shift(conv X); global pooling forgets the position (D2L 6.1 ex 2)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from .common import Experiment, Param, _SEED, _need, _ok, fmt, seeded


def _shift_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k, (dy, dx) = p["size"], p["kernel"], p["shift"]
    with seeded(p["seed"]):
        x = torch.randn(1, 1, n, n, dtype=torch.float64)
        w = torch.randn(1, 1, k, k, dtype=torch.float64)

    def conv(t: torch.Tensor) -> torch.Tensor:
        return F.conv2d(F.pad(t, (k // 2,) * 4, mode="circular"), w)

    def shift(t: torch.Tensor) -> torch.Tensor:
        return torch.roll(t, (dy, dx), dims=(2, 3))
    a, b = conv(shift(x)), shift(conv(x))
    fa, fb = conv(x), conv(shift(x))
    pos_a, pos_b = divmod(int(fa.flatten().argmax()), fa.shape[-1]), divmod(int(fb.flatten().argmax()), fb.shape[-1])
    return {"max_diff": float((a - b).abs().max()), "pooled": [float(fa.amax()), float(fb.amax())],
            "argmax": [list(pos_a), list(pos_b)]}


def _shift_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    (dy, dx) = p["shift"]
    rows = [[Msg("xp.shift.equi"), fmt(d["max_diff"])],
            [Msg("xp.shift.argmax"), Plain(f"{tuple(d['argmax'][0])} → {tuple(d['argmax'][1])}")],
            [Msg("xp.shift.pooled"), Plain(f"{d['pooled'][0]:.6f} / {d['pooled'][1]:.6f}")]]
    return [Step(Msg("xp.shift.title"), text=Msg("xp.shift.text", n=p["size"], k=p["kernel"], dy=dy, dx=dx),
                 math=[r"\operatorname{conv}(T_\delta X) = T_\delta \operatorname{conv}(X), \quad "
                       r"\max_{i,j} \operatorname{conv}(T_\delta X)_{ij} = \max_{i,j} \operatorname{conv}(X)_{ij}"],
                 table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")], rows),
                 rule="explain.shift_equivariance")]


def _shift_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    """The shown max |difference|, argmax positions and pooled values against the same seeded image and kernel
    convolved another way: the circular correlation written as a sum of ``torch.roll``\\ s of the image, one per
    kernel entry — not ``F.pad(mode="circular")`` and ``F.conv2d`` as in the run."""
    n, k, (dy, dx) = p["size"], p["kernel"], p["shift"]
    with seeded(p["seed"]):
        x = torch.randn(n, n, dtype=torch.float64)
        w = torch.randn(k, k, dtype=torch.float64)
    c = k // 2

    def circ(t: torch.Tensor) -> torch.Tensor:      # y[i, j] = Σ w[m, n]·t[(i + m − c) mod n, (j + n − c) mod n]
        return sum(w[a, b] * torch.roll(t, (c - a, c - b), dims=(0, 1)) for a in range(k) for b in range(k))
    fa, fb = circ(x), circ(torch.roll(x, (dy, dx), dims=(0, 1)))
    diff = float((fb - torch.roll(fa, (dy, dx), dims=(0, 1))).abs().max())
    tol = 1e-12 * (1.0 + float(fa.abs().max()))
    argmax = [list(divmod(int(t.argmax()), n)) for t in (fa, fb)]
    pooled = [float(fa.max()), float(fb.max())]
    ok = (diff <= tol and 0 <= d["max_diff"] <= tol and d["argmax"] == argmax
          and argmax[1] == [(argmax[0][0] + dy) % n, (argmax[0][1] + dx) % n]
          and len(d["pooled"]) == 2 and all(abs(v - pooled[0]) <= tol for v in d["pooled"] + pooled[1:]))
    return [_ok("torch", part, ok, "xp.shift.check", diff=Plain(fmt(diff)), shown=Plain(fmt(d["max_diff"])),
                a=Plain(str(tuple(argmax[0]))), b=Plain(str(tuple(argmax[1]))))]


# ================================================================ init_compare


EXPERIMENT = Experiment("shift_equivariance",
           {"size": Param("int", 12, 3, 128), "kernel": Param("int", 3, 1, 15), "shift": Param("pair", [2, 3], 0, 127),
            "seed": _SEED},
           _shift_run, _shift_steps, _shift_checks,
           lambda p: _need(p["kernel"] % 2 == 1 and p["kernel"] <= p["size"],
                           "kernel must be odd and at most size", ("kernel",)))
