"""PyTorch check of ``kind: convolution`` answers (imports torch)."""
from __future__ import annotations

from typing import Any

import torch

from ..i18n import Msg, Plain, Value
from ..model import Exercise
from ..steps import Check, Solution
from .expr import Eq
from .torch_eval import torch_evaluate


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return float(value)


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    env = {name: _plain(v.data) for name, v in solution.context["env"].items()}
    checks = []
    for part in ex.ask:
        node = solution.context["nodes"][part.id]
        ours = solution.answers[part.id]
        if part.quantity == "composable":
            checks.append(_check_composable(solution, part, ours))
            continue
        if isinstance(node, Eq):
            a, b = torch_evaluate(node.left, env), torch_evaluate(node.right, env)
            equal = a.shape == b.shape and bool(torch.allclose(a, b, rtol=1e-9, atol=1e-9))
            checks.append(Check("torch", part.id, equal == ours,
                                Msg("conv.check.equal", verdict=Msg("conv.equal.word" if equal else "conv.differ.word"))))
            continue
        got = torch_evaluate(node, env)
        want = torch.tensor(_plain(ours), dtype=torch.float64)
        ok = got.shape == want.shape and bool(torch.allclose(got, want, rtol=1e-9, atol=1e-9))
        shown = Value(_tidy(got.tolist()))
        checks.append(Check("torch", part.id, ok, Msg("conv.check.value", got=shown) if ok else
                            Msg("conv.check.mismatch", got=shown, ours=Value(ours))))
    return checks


def _tidy(v: Any) -> Any:
    if isinstance(v, list):
        return [_tidy(x) for x in v]
    return int(v) if float(v).is_integer() else v


def _full(kernels: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The full convolutions of ``x`` with each of ``kernels`` (P × p × q), by ``torch.nn.functional.conv2d``."""
    import torch.nn.functional as F
    p, q = kernels.shape[-2:]
    return F.conv2d(F.pad(x[None, None], (q - 1, q - 1, p - 1, p - 1)), torch.flip(kernels, (-2, -1))[:, None])[0]


def _fit(k: torch.Tensor, m1: int, n1: int, gen: torch.Generator, iterations: int = 150) -> float:
    """Least-squares fit of K by the full convolution of an m1×n1 and an m2×n2 kernel: Levenberg–Marquardt from a
    random start, the residual and its Jacobian computed by torch (the map is bilinear: the Jacobian's columns are
    the full convolutions of the basis kernels with the other factor). Returns the smallest squared error."""
    m2, n2 = k.shape[0] - m1 + 1, k.shape[1] - n1 + 1
    a = torch.randn(m1, n1, generator=gen, dtype=torch.float64)
    b = torch.randn(m2, n2, generator=gen, dtype=torch.float64)
    basis_a = torch.eye(m1 * n1, dtype=torch.float64).reshape(-1, m1, n1)
    basis_b = torch.eye(m2 * n2, dtype=torch.float64).reshape(-1, m2, n2)
    target = k.flatten()

    def residual(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return _full(a[None], b)[0].flatten() - target
    r = residual(a, b)
    loss, damping = float(r @ r), 1e-3
    for _ in range(iterations):
        if loss < 1e-20:
            break
        jac = torch.cat([_full(basis_a, b).reshape(m1 * n1, -1).T, _full(basis_b, a).reshape(m2 * n2, -1).T], 1)
        normal = jac.T @ jac
        step = torch.linalg.solve(normal + damping * torch.diag(normal.diagonal().clamp_min(1e-9)), -(jac.T @ r))
        a2, b2 = a + step[:m1 * n1].reshape(m1, n1), b + step[m1 * n1:].reshape(m2, n2)
        r2 = residual(a2, b2)
        loss2 = float(r2 @ r2)
        if loss2 < loss:
            a, b, r, loss, damping = a2, b2, r2, loss2, max(damping / 3, 1e-12)
        else:
            damping *= 4
            if damping > 1e12:
                break
    return loss


def _check_composable(solution: Solution, part: Any, ours: bool) -> Check:
    """torch: a least-squares fit of two kernels whose full convolution is K (Levenberg–Marquardt from several
    random starts, stopping at the first exact fit) reaches K when K is composable and stays away from it when not."""
    env = {name: _plain(v.data) for name, v in solution.context["env"].items()}
    k = torch_evaluate(solution.context["nodes"][part.id], env).to(torch.float64)
    m1, n1 = part.options["factor"]
    best = float("inf")
    gen = torch.Generator().manual_seed(0)
    for _ in range(8):
        best = min(best, _fit(k, m1, n1, gen))
        if best < 1e-8:
            break
    found = best < 1e-8
    return Check("torch", part.id, found == ours, Msg("conv.check.compose", err=Plain(f"{best:.3g}")))
