"""Verification without ``torch._dynamo`` (issue 16): ``torch.optim``'s classes and ``FlopCounterMode`` import it
(0.8 s on top of ``import torch``), so the optimiser check calls the step functions those classes call, and the
conv_cost/pool_cost experiments apply ``torch.utils.flop_counter``'s per-op formulas themselves. Each replacement
is checked here against the original it stands for (``torch.optim.Adam``/``SGD``, ``FlopCounterMode``), and the
whole bank verified in one interpreter must never import ``torch._dynamo``.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import warnings

import pytest
import torch

from solver.bank import load_exercise
from solver.pipeline import solve_exercise

_BANK = r"""
import json, sys
from solver.bank import load_bank
from solver.pipeline import solve_exercise
first, failed = None, []
for ex in load_bank():
    sol = solve_exercise(ex, verify=True)
    if not sol.ok:
        failed.append(ex.id)
    if first is None and "torch._dynamo" in sys.modules:
        first = [ex.id, ex.kind]
print("RESULT=" + json.dumps({"first": first, "failed": failed, "torch": "torch" in sys.modules}))
"""


@pytest.mark.slow
def test_verifying_the_whole_bank_never_imports_torch_dynamo():
    """Every kind (optimisers, explanation experiments, networks, identities, …) verified in one process; the
    first exercise after which ``torch._dynamo`` is loaded is named."""
    out = subprocess.run([sys.executable, "-c", _BANK], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads([line for line in out.stdout.splitlines() if line.startswith("RESULT=")][-1][7:])
    assert result["torch"], "the verification ran without torch"
    assert result["first"] is None, f"torch._dynamo imported while verifying {result['first']}"
    assert not result["failed"], result["failed"]


_ONE = r"""
import sys
from solver.bank import load_exercise
from solver.pipeline import solve_exercise
for ex_id in sys.argv[1:]:
    assert solve_exercise(load_exercise(ex_id), verify=True).ok, ex_id
print("DYNAMO", "torch._dynamo" in sys.modules, "TORCH", "torch" in sys.modules)
"""


@pytest.mark.parametrize("ex_ids", [["optim-adam-first-step", "optim-adam-seed"],
                                    ["optim-momentum", "optim-sgd-weight-decay"],
                                    ["d2l-6.3-ex4-explain"],                 # conv_cost, with the backward pass
                                    ["d2l-6.5-ex3"]])                        # pool_cost
@pytest.mark.slow
def test_the_kinds_that_used_to_import_dynamo_no_longer_do(ex_ids):
    out = subprocess.run([sys.executable, "-c", _ONE, *ex_ids], capture_output=True, text=True, timeout=600)
    assert "DYNAMO False TORCH True" in out.stdout, out.stdout[-500:] + out.stderr[-2000:]


# ------------------------------------------------------------------ the optimiser step against torch.optim's classes


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("seed", range(5))
def test_functional_step_equals_torch_optim_classes(opt, seed):
    from solver.nn_basics.verify import _optimizer_step
    rnd = random.Random(seed)
    n, T = rnd.randint(1, 3), rnd.randint(1, 6)
    ctx = {"optimizer": opt, "lr": rnd.uniform(0.001, 0.5), "momentum": rnd.uniform(0.1, 0.95),
           "weight_decay": rnd.choice([0.0, 0.01, 0.3]), "eps": rnd.choice([1e-8, 1e-6]),
           "betas": [rnd.uniform(0.5, 0.95), rnd.uniform(0.9, 0.9999)]}
    w0 = [rnd.uniform(-2, 2) for _ in range(n)]
    grads = [[rnd.uniform(-3, 3) for _ in range(n)] for _ in range(T)]
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    q = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = (torch.optim.Adam([q], lr=ctx["lr"], betas=tuple(ctx["betas"]), eps=ctx["eps"],
                              weight_decay=ctx["weight_decay"]) if opt == "adam" else
             torch.optim.SGD([q], lr=ctx["lr"], momentum=ctx["momentum"] if opt == "momentum" else 0.0,
                             weight_decay=ctx["weight_decay"]))
    step = _optimizer_step(ctx)
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        q.grad = torch.tensor(g, dtype=torch.float64)
        state = step(p)
        o.step()
        assert torch.equal(p.detach(), q.detach())           # the same code: bit for bit
        for key, value in o.state[q].items():
            assert torch.equal(state[key], value), key


def _perturbed(v):
    return [_perturbed(e) for e in v] if isinstance(v, list) else v * 1.001 + 1e-3


def test_a_wrong_optimiser_answer_fails_the_torch_check():
    from solver.nn_basics.verify import verify_optimizer
    for ex_id in ("optim-adam-seed", "optim-momentum", "optim-sgd-weight-decay", "optim-adam-first-step"):
        sol = solve_exercise(load_exercise(ex_id), verify=False)
        assert all(c.ok for c in verify_optimizer(sol.exercise, sol)), ex_id
        part = sol.exercise.ask[0].id
        sol.answers[part] = _perturbed(sol.answers[part])
        checks = {c.part: c.ok for c in verify_optimizer(sol.exercise, sol)}
        assert checks[part] is False, ex_id


# ------------------------------------------------------------------ conv_cost / pool_cost against FlopCounterMode


def _flop_counter(c: dict, backward: bool) -> tuple[int, int]:
    from torch.utils.flop_counter import FlopCounterMode
    conv = torch.nn.Conv2d(c["c_i"], c["c_o"], c["k"], stride=c["s"], padding=c["p"])
    x = torch.zeros((1, c["c_i"], c["h"], c["w"]), requires_grad=backward)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with FlopCounterMode(display=False) as fwd:
            y = conv(x)
        back = 0
        if backward:
            with FlopCounterMode(display=False) as bwd:
                y.sum().backward()
            back = int(bwd.get_total_flops()) // 2
    return int(fwd.get_total_flops()) // 2, back


@pytest.mark.parametrize("seed", range(6))
def test_conv_cost_counts_equal_flop_counter_mode(seed):
    from solver.explain.experiments.conv_cost import _conv_flops
    rnd = random.Random(seed)
    k = (rnd.randint(1, 5), rnd.randint(1, 5))
    c = {"c_i": rnd.randint(1, 8), "c_o": rnd.randint(1, 8), "h": rnd.randint(k[0], 20), "w": rnd.randint(k[1], 20),
         "k": k, "s": (rnd.randint(1, 3), rnd.randint(1, 3)), "p": (rnd.randint(0, 2), rnd.randint(0, 2))}
    for backward in (False, True):
        assert _conv_flops(c, backward) == _flop_counter(c, backward), (c, backward)


def test_pool_cost_counter_equals_flop_counter_mode():
    from torch.nn import functional as F
    from torch.utils.flop_counter import FlopCounterMode

    from solver.explain.experiments.pool_cost import _pool_counter_flops
    c = {"c": 4, "h": 9, "w": 7, "k": (3, 2), "s": (2, 2), "p": (1, 1)}
    x = torch.zeros((1, 4, 9, 7))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with FlopCounterMode(display=False) as counter:
            F.max_pool2d(x, c["k"], c["s"], c["p"])
            F.avg_pool2d(x, c["k"], c["s"], c["p"])
    assert _pool_counter_flops(c) == int(counter.get_total_flops())


# ------------------------------------------------------------------ 24.8: the cheaper simplification gives the same


def test_general_partials_equal_the_full_simplify():
    import sympy

    from solver.conv import gradient
    k, l, m, n, i, j, a, b = sympy.symbols("k l m n i j a b", integer=True, positive=True)
    M, N = sympy.symbols("M N", integer=True, positive=True)
    w, x = sympy.IndexedBase("w"), sympy.IndexedBase("x")
    y = sympy.Sum(w[a, b] * x[k + a - 1, l + b - 1], (a, 1, M), (b, 1, N))
    for d in (sympy.diff(y, w[m, n]).doit(), sympy.diff(y, x[i, j]).doit()):
        assert sympy.srepr(gradient._simplify_conditions(d)) == sympy.srepr(sympy.simplify(d))
    got = gradient.general_partials()
    assert str(got["W"]) == "x[k + m - 1, l + n - 1]"
    assert "j >= l" in str(got["X"]) and "i >= k" in str(got["X"])
