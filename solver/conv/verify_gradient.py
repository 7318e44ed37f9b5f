"""torch autograd check of ``kind: gradient`` answers."""
from __future__ import annotations

import sympy
import torch
import torch.nn.functional as F

from ..i18n import Msg, Plain
from ..model import Exercise
from ..steps import Check, Solution
from .identity import symbolic


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    (I, J), (M, N) = solution.context["sizes"]["X"], solution.context["sizes"]["W"]
    gen = torch.Generator().manual_seed(8)
    x = torch.randn(I, J, generator=gen, dtype=torch.float64)
    w = torch.randn(M, N, generator=gen, dtype=torch.float64)

    def forward(wt: torch.Tensor, xt: torch.Tensor) -> torch.Tensor:
        return F.conv2d(xt[None, None], wt[None, None])[0, 0]

    subs = {s: float(v) for row_s, row_v in zip(symbolic("X", I, J), x.tolist()) for s, v in zip(row_s, row_v)}
    subs.update({s: float(v) for row_s, row_v in zip(symbolic("W", M, N), w.tolist()) for s, v in zip(row_s, row_v)})
    checks = []
    for part in ex.ask:
        wrt = part.options["wrt"]
        if part.quantity == "jacobian":
            _, jac = solution.context["jacobians"][part.id]
            j_torch = torch.autograd.functional.jacobian(lambda t: forward(t, x) if wrt == "W" else forward(w, t),
                                                         w if wrt == "W" else x)
            j_torch = j_torch.reshape(jac.rows, jac.cols)
            ours = torch.tensor([[float(e.xreplace(subs)) for e in row] for row in jac.tolist()], dtype=torch.float64)
            ok = bool(torch.allclose(ours, j_torch))
            checks.append(Check("torch", part.id, ok, Msg("grad.check.jac" if ok else "grad.check.jac_bad")))
        elif part.quantity == "partial":
            j_torch = torch.autograd.functional.jacobian(lambda t: forward(t, x) if wrt == "W" else forward(w, t),
                                                         w if wrt == "W" else x)   # (K, L, a, b)
            K, L = j_torch.shape[:2]
            ok = True
            for k in range(K):
                for l in range(L):
                    for a in range(j_torch.shape[2]):
                        for b in range(j_torch.shape[3]):
                            if wrt == "W":
                                want = x[k + a, l + b]
                            else:
                                m, n = a - k, b - l
                                want = w[m, n] if 0 <= m < M and 0 <= n < N else torch.tensor(0.0, dtype=torch.float64)
                            ok &= bool(torch.isclose(j_torch[k, l, a, b], want))
            checks.append(Check("torch", part.id, ok, Msg("grad.check.partial")))
        else:
            wt, xt = w.clone().requires_grad_(), x.clone().requires_grad_()
            y = forward(wt, xt)
            delta = torch.randn(y.shape, generator=gen, dtype=torch.float64)
            # ∂(Σ δ ⊙ Y)/∂V = δ-weighted backprop, the same gradient as y.backward(delta); a scalar's backward does
            # not import torch.fx.experimental.symbolic_shapes (≈ 0.13 s), which a tensor of output gradients does
            (y * delta).sum().backward()
            if wrt == "W":
                form = F.conv2d(x[None, None], delta[None, None])[0, 0]
                got = wt.grad
            else:
                form = F.conv2d(F.pad(delta, (N - 1, N - 1, M - 1, M - 1))[None, None],
                                torch.flip(w, (0, 1))[None, None])[0, 0]
                got = xt.grad
            symbolic_ok = solution.context["backprop"][part.id][1]
            ok = symbolic_ok and bool(torch.allclose(got, form))
            checks.append(Check("torch", part.id, ok, Msg("grad.check.backprop", form=Plain(solution.answers[part.id]["expr"]))))
    return checks
