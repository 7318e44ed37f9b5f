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
