"""PyTorch check of identity verdicts: both sides on random real matrices (and on the counterexample)."""
from __future__ import annotations

import torch

from ..i18n import Msg, Plain
from ..model import Exercise
from ..steps import Check, Solution
from .torch_eval import torch_evaluate


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    gen = torch.Generator().manual_seed(0)
    checks = []
    for part in ex.ask:
        node = solution.context["nodes"][part.id]
        equal = True
        for _ in range(3):
            values = {n: torch.randn(r, c, generator=gen, dtype=torch.float64).tolist()
                      for n, (r, c) in solution.context["sizes"].items()}
            try:
                a, b = torch_evaluate(node.left, values), torch_evaluate(node.right, values)
            except RuntimeError:
                equal = False
                break
            equal &= a.shape == b.shape and bool(torch.allclose(a, b, rtol=1e-9, atol=1e-9))
        ours = solution.answers[part.id]
        verdict = Msg("conv.equal.word" if equal else "conv.differ.word")
        checks.append(Check("torch", part.id, equal == ours, Msg("id.check.torch", verdict=verdict)))
        counter = solution.context["counterexamples"].get(part.id)
        if counter is not None:
            try:
                a, b = torch_evaluate(node.left, counter), torch_evaluate(node.right, counter)
                differ = a.shape != b.shape or not bool(torch.allclose(a, b))
            except RuntimeError:
                differ = True
            checks.append(Check("torch", part.id, differ, Msg("id.check.counter" if differ else "id.check.counter_bad")))
    if "continuous_ok" in solution.context and ex.ask:
        checks.append(Check("sympy", ex.ask[0].id, bool(solution.context["continuous_ok"]), Msg("id.check.cont")))
    return checks
