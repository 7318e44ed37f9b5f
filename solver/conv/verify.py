"""PyTorch check of ``kind: convolution`` answers (imports torch)."""
from __future__ import annotations

from typing import Any

import torch

from ..i18n import Msg, Plain
from ..model import Exercise
from ..render.common import show_value
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
        shown = Plain(show_value(_tidy(got.tolist())))
        checks.append(Check("torch", part.id, ok, Msg("conv.check.value", got=shown) if ok else
                            Msg("conv.check.mismatch", got=shown, ours=Plain(show_value(ours)))))
    return checks


def _tidy(v: Any) -> Any:
    if isinstance(v, list):
        return [_tidy(x) for x in v]
    return int(v) if float(v).is_integer() else v


def _check_composable(solution: Solution, part: Any, ours: bool) -> Check:
    """torch: a real solution (if any) really composes to K; otherwise a least-squares fit of two kernels by
    gradient descent from several starts stays away from K."""
    import torch.nn.functional as F
    env = {name: _plain(v.data) for name, v in solution.context["env"].items()}
    k = torch_evaluate(solution.context["nodes"][part.id], env)
    m1, n1 = part.options["factor"]
    m2, n2 = k.shape[0] - m1 + 1, k.shape[1] - n1 + 1
    best = float("inf")
    gen = torch.Generator().manual_seed(0)
    for _ in range(8):
        a = torch.randn(m1, n1, generator=gen, dtype=torch.float64, requires_grad=True)
        b = torch.randn(m2, n2, generator=gen, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([a, b], max_iter=200, line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            opt.zero_grad()
            full = F.conv2d(F.pad(b[None, None], (n1 - 1, n1 - 1, m1 - 1, m1 - 1)), torch.flip(a, (0, 1))[None, None])[0, 0]
            loss = ((full - k) ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
        best = min(best, float(closure()))
    found = best < 1e-8
    return Check("torch", part.id, found == ours, Msg("conv.check.compose", err=Plain(f"{best:.3g}")))
