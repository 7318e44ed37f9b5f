"""The recurrent, optimiser, initialisation and MLP families (solver/nn_basics): hand-worked values beside an
independent PyTorch oracle.

Every expected number in the hand-worked tests was computed on paper from the formula named next to it; the oracle
tests rebuild the same problem with torch (``nn.LSTM`` numel, ``nn.LSTMCell``/``nn.GRUCell``, ``torch.optim``,
``torch.nn.init``, autograd) without going through ``solver.nn_basics.verify``.
"""
from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest
import torch

from solver.errors import InputError
from solver.nn_basics import mlp, optim, recurrent, weight_init
from solver.nn_basics.recurrent import gru_step, layer_params, lstm_step, stack_params


def flat(m):
    """A matrix as one list (pytest.approx compares flat sequences)."""
    return [v for row in m for v in row] if m and isinstance(m[0], list) else m

# ------------------------------------------------------------------ recurrent: parameter counts
# one layer, one direction: G·(h·(x + h) + B·h); G = 1 (RNN), 3 (GRU), 4 (LSTM); B = 1 textbook, 2 PyTorch


@pytest.mark.parametrize("cell, x, h, layers, bidir, head, biases, expected", [
    ("LSTM", 28, 128, 1, False, None, 1, 80384),    # 4·(128·156 + 128) = 4·20,096
    ("LSTM", 28, 128, 1, False, None, 2, 80896),    # 4·(128·156 + 256) = 4·20,224
    ("GRU", 28, 128, 1, False, None, 1, 60288),     # 3·20,096
    ("GRU", 28, 128, 1, False, None, 2, 60672),     # 3·20,224
    ("RNN", 28, 128, 2, False, 10, 2, 54538),       # 20,224 + (128·256 + 256 = 33,024) + (1,280 + 10)
    ("RNN", 28, 128, 2, False, 10, 1, 54282),       # 54,538 − 2·128
    ("LSTM", 100, 64, 2, True, 5, 2, 184965),       # 2·4·(64·164 + 128) + 2·4·(64·192 + 128) + 128·5 + 5
    ("RNN", 1, 1, 1, False, None, 1, 3),            # w_x, w_h, b
])
def test_stack_params_by_hand(cell, x, h, layers, bidir, head, biases, expected):
    assert stack_params(cell, x, h, layers, bidir, biases, head=head) == expected


def test_the_difference_is_one_bias_vector_per_gate_layer_and_direction():
    for cell, G in (("RNN", 1), ("GRU", 3), ("LSTM", 4)):
        assert stack_params(cell, 10, 7, 3, True, 2) - stack_params(cell, 10, 7, 3, True, 1) == 3 * 2 * G * 7


@pytest.mark.parametrize("seed", range(12))
def test_stack_params_against_torch_numel(seed):
    rnd = random.Random(seed)
    cell = rnd.choice(["RNN", "LSTM", "GRU"])
    x, h, layers, bidir = rnd.randint(1, 40), rnd.randint(1, 40), rnd.randint(1, 3), rnd.random() < 0.5
    with torch.device("meta"):
        module = getattr(torch.nn, cell)(x, h, layers, bidirectional=bidir)
    numel = sum(p.numel() for p in module.parameters())
    no_bias_hh = sum(p.numel() for n, p in module.named_parameters() if not n.startswith("bias_hh"))
    assert stack_params(cell, x, h, layers, bidir, 2) == numel
    assert stack_params(cell, x, h, layers, bidir, 1) == no_bias_hh


# ------------------------------------------------------------------ recurrent: one cell step


def _zero_gates(names, n, m):
    return {g: ([[0.0] * (n + m) for _ in range(n)], [0.0] * n) for g in names}


def test_lstm_step_with_zero_weights_by_hand():
    # every gate σ(0) = 0.5, C̃ = tanh 0 = 0: C = 0.5·C_prev, h = 0.5·tanh(C)
    s = lstm_step([1.0, -2.0], [0.3, 0.7], [2.0, -1.0], _zero_gates("fico", 2, 2))
    assert s["f"] == s["i"] == s["o"] == [0.5, 0.5] and s["c_tilde"] == [0.0, 0.0]
    assert s["c"] == [1.0, -0.5]
    assert s["h"] == pytest.approx([0.5 * math.tanh(1.0), 0.5 * math.tanh(-0.5)])   # [0.380797, −0.231059]
    assert s["h"] == pytest.approx([0.380797, -0.231059], abs=1e-6)


def _torch_cell(kind, gates, order, n, m):
    cell = (torch.nn.LSTMCell if kind == "lstm" else torch.nn.GRUCell)(m, n).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor([row[n:] for g in order for row in gates[g][0]], dtype=torch.float64))
        cell.weight_hh.copy_(torch.tensor([row[:n] for g in order for row in gates[g][0]], dtype=torch.float64))
        cell.bias_ih.copy_(torch.tensor([v for g in order for v in gates[g][1]], dtype=torch.float64))
        cell.bias_hh.zero_()
    return cell


def _random_gates(rnd, names, n, m):
    return {g: ([[rnd.uniform(-1, 1) for _ in range(n + m)] for _ in range(n)], [rnd.uniform(-1, 1) for _ in range(n)])
            for g in names}


@pytest.mark.parametrize("seed", range(8))
def test_lstm_step_against_lstmcell(seed):
    rnd = random.Random(seed)
    n, m = rnd.randint(1, 4), rnd.randint(1, 4)
    gates = _random_gates(rnd, "fico", n, m)
    x, h, c = ([rnd.uniform(-2, 2) for _ in range(k)] for k in (m, n, n))
    s = lstm_step(x, h, c, gates)
    h1, c1 = _torch_cell("lstm", gates, "ifco", n, m)(torch.tensor([x], dtype=torch.float64),
                                                      (torch.tensor([h], dtype=torch.float64),
                                                       torch.tensor([c], dtype=torch.float64)))
    assert s["h"] == pytest.approx(h1[0].tolist(), abs=1e-12)
    assert s["c"] == pytest.approx(c1[0].tolist(), abs=1e-12)


def test_gru_forms_by_hand():
    # h = [1, 0], x = [0]; R = σ([0, ln 3]) = [0.5, 0.75], Z = σ(0) = 0.5; W_hh = [[0, 1], [1, 0]], W_hx = 0, b_h = 0.
    # D2L: W_hh(R⊙h) = W_hh[0.5, 0] = [0, 0.5] → tanh = [0, 0.462117]
    # PyTorch: R⊙(W_hh h) = [0.5, 0.75]⊙[0, 1] = [0, 0.75] → tanh = [0, 0.635149]
    gates = {"r": ([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [0.0, math.log(3.0)]),
             "z": ([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [0.0, 0.0]),
             "h": ([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [0.0, 0.0])}
    s = gru_step([0.0], [1.0, 0.0], gates)
    assert s["r"] == pytest.approx([0.5, 0.75])
    assert s["h_tilde"]["d2l"] == pytest.approx([0.0, 0.462117], abs=1e-6)
    assert s["h_tilde"]["pytorch"] == pytest.approx([0.0, 0.635149], abs=1e-6)
    # h = Z·h_prev + (1 − Z)·H̃ = 0.5·[1, 0] + 0.5·H̃
    assert s["h"]["d2l"] == pytest.approx([0.5, 0.231059], abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_gru_pytorch_form_against_grucell_and_forms_agree_for_diagonal_w_hh(seed):
    rnd = random.Random(seed)
    n, m = rnd.randint(1, 4), rnd.randint(1, 4)
    gates = _random_gates(rnd, "rzh", n, m)
    x, h = [rnd.uniform(-2, 2) for _ in range(m)], [rnd.uniform(-2, 2) for _ in range(n)]
    s = gru_step(x, h, gates)
    want = _torch_cell("gru", gates, "rzh", n, m)(torch.tensor([x], dtype=torch.float64), torch.tensor([h], dtype=torch.float64))
    assert s["h"]["pytorch"] == pytest.approx(want[0].tolist(), abs=1e-12)
    for i in range(n):                                 # a diagonal W_hh: R⊙(W h) = W(R⊙h)
        for j in range(n):
            if i != j:
                gates["h"][0][i][j] = 0.0
    s = gru_step(x, h, gates)
    assert s["h"]["d2l"] == pytest.approx(s["h"]["pytorch"], abs=1e-12)


def test_bptt_by_hand():
    # h_t = σ(h_{t−1}), h_0 = 0: a_1 = 0, σ′(0) = 1/4; h_1 = 1/2, σ′(1/2) = σ(1/2)(1 − σ(1/2)) = 0.235004
    d = recurrent.bptt("sigmoid", 1.0, 0.0, 0.0, 0.0, [0.0, 0.0])
    assert d["factors"] == pytest.approx([0.25, 0.235004], abs=1e-6)
    assert d["grad"] == pytest.approx(0.058751, abs=1e-6)
    assert d["bound"] == 1 / 16


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("seed", range(4))
def test_bptt_against_autograd_and_within_the_bound(activation, seed):
    rnd = random.Random(seed)
    w, u, b, h0 = (rnd.uniform(-2, 2) for _ in range(4))
    xs = [rnd.uniform(-2, 2) for _ in range(rnd.randint(1, 12))]
    d = recurrent.bptt(activation, w, u, b, h0, xs)
    f = torch.sigmoid if activation == "sigmoid" else torch.tanh
    start = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    h = start
    for x in xs:
        h = f(w * h + u * x + b)
    (g,) = torch.autograd.grad(h, start)
    assert d["grad"] == pytest.approx(float(g), rel=1e-9, abs=1e-300)
    assert abs(float(g)) <= d["bound"] * (1 + 1e-12)


# ------------------------------------------------------------------ optimisers


def test_sgd_weight_decay_by_hand():
    # (1 − ηλ)w − ηg = 0.99·1 − 0.1·0.5 = 0.94
    assert optim.run("sgd", [1.0], [[0.5]], lr=0.1, weight_decay=0.1)["w"][1] == pytest.approx([0.94])


def test_momentum_by_hand():
    # g ≡ 1, μ = 0.9: b = 1, 1.9, 2.71; w = −0.1, −0.29, −0.561 (η = 0.1)
    r = optim.run("momentum", [0.0], [[1.0]] * 3, lr=0.1, momentum=0.9)
    assert [v[0] for v in r["velocity"]] == pytest.approx([1.0, 1.9, 2.71])
    assert [w[0] for w in r["w"][1:]] == pytest.approx([-0.1, -0.29, -0.561])


def test_adam_first_steps_by_hand():
    # constant g: m̂_t = g and v̂_t = g² for every t, so each step is −ηg/(|g| + ε)
    r = optim.run("adam", [0.0, 0.0], [[4.0, -0.001]] * 2, lr=0.01, eps=1e-8)
    assert r["m_hat"][1] == pytest.approx([4.0, -0.001])
    assert r["v_hat"][1] == pytest.approx([16.0, 1e-6])
    assert r["update"][0] == pytest.approx([-0.01 * 4 / (4 + 1e-8), 0.01 * 0.001 / (0.001 + 1e-8)])
    # without the bias correction the first step would be η·0.1g/(√0.001·|g|) = 3.16η: the correction matters
    assert abs(r["update"][0][0]) == pytest.approx(0.01, rel=1e-6)


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("seed", range(4))
def test_optimisers_against_torch_optim(opt, seed):
    rnd = random.Random(seed)
    n, T = rnd.randint(1, 3), rnd.randint(1, 6)
    w0 = [rnd.uniform(-2, 2) for _ in range(n)]
    grads = [[rnd.uniform(-3, 3) for _ in range(n)] for _ in range(T)]
    lr, mu, wd = rnd.uniform(0.001, 0.5), rnd.uniform(0.1, 0.95), rnd.choice([0.0, 0.01, 0.3])
    eps = rnd.choice([1e-8, 1e-6])
    r = optim.run(opt, w0, grads, lr=lr, momentum=mu, weight_decay=wd, eps=eps)
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    o = (torch.optim.Adam([p], lr=lr, eps=eps, weight_decay=wd) if opt == "adam" else
         torch.optim.SGD([p], lr=lr, momentum=mu if opt == "momentum" else 0.0, weight_decay=wd))
    for t, g in enumerate(grads, start=1):
        p.grad = torch.tensor(g, dtype=torch.float64)
        o.step()
        assert r["w"][t] == pytest.approx(p.detach().tolist(), rel=1e-9, abs=1e-12)


def test_optimizer_function_form_against_autograd_gradients():
    from solver.bank import load_exercise
    from solver.pipeline import solve_exercise
    sol = solve_exercise(load_exercise("optim-momentum"), verify=False)
    # f = w1² + 5w2² from [1, 1], η = 0.05, μ = 0.9: g_1 = [2, 10], w_1 = [0.9, 0.5]; g_2 = [1.8, 5], b_2 = [3.6, 14],
    # w_2 = [0.72, −0.2]; g_3 = [1.44, −2], b_3 = [4.68, 10.6], w_3 = [0.486, −0.73]
    assert flat(sol.answers["iterates"]) == pytest.approx([0.9, 0.5, 0.72, -0.2, 0.486, -0.73])
    assert sol.answers["velocity"] == pytest.approx([4.68, 10.6])


# ------------------------------------------------------------------ initialisation


def test_init_formulas_by_hand():
    assert weight_init.variance("xavier", 784, 128) == pytest.approx(2 / 912)        # 0.0021930
    assert weight_init.std("he", 784, 128) == pytest.approx(math.sqrt(2 / 784))      # 0.050508
    assert weight_init.bound("xavier", 784, 128) == pytest.approx(math.sqrt(6 / 912))
    assert weight_init.bound("pytorch_default", 784, 128) == pytest.approx(1 / 28)
    # ReLU + Xavier: q_1 = 1, then ×1/2 per layer; He: q_1 = 2, then ×1
    assert weight_init.depth_variances("relu", "xavier", 64, 5) == pytest.approx([1, 0.5, 0.25, 0.125, 0.0625])
    assert weight_init.depth_variances("relu", "he", 64, 3) == pytest.approx([2, 2, 2])


@pytest.mark.parametrize("q", [0.05, 1.0, 4.0])
def test_tanh_second_moment_against_monte_carlo(q):
    gen = torch.Generator().manual_seed(3)
    z = torch.randn(1 << 20, generator=gen, dtype=torch.float64) * math.sqrt(q)
    assert weight_init.second_moment("tanh", q) == pytest.approx(float(torch.tanh(z).pow(2).mean()), rel=5e-3)


@pytest.mark.parametrize("shape, scheme", [((64, 32), "xavier"), ((32, 16, 3, 3), "he"), ((50, 7), "pytorch_default")])
def test_init_statistics_against_torch_nn_init(shape, scheme):
    fi, fo = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    if len(shape) == 4:
        assert (fi, fo) == (shape[1] * 9, shape[0] * 9)
    gen = torch.Generator().manual_seed(0)
    draws = []
    for _ in range((1 << 19) // math.prod(shape) + 1):
        t = torch.empty(shape, dtype=torch.float64)
        if scheme == "xavier":
            torch.nn.init.xavier_normal_(t, generator=gen)
        elif scheme == "he":
            torch.nn.init.kaiming_normal_(t, nonlinearity="relu", generator=gen)
        else:
            torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5), generator=gen)
        draws.append(t.flatten())
    w = torch.cat(draws)
    assert float(w.var()) == pytest.approx(weight_init.variance(scheme, fi, fo), rel=0.01)
    if scheme == "pytorch_default":
        layer = torch.nn.Linear(shape[1], shape[0])
        assert float(layer.weight.detach().abs().max()) <= weight_init.bound(scheme, fi, fo)


# ------------------------------------------------------------------ MLP


def test_softmax_cross_entropy_gradient_by_hand():
    # one input x = 1, W¹ = 1 (ReLU passes it), W² = [[1], [0]]: o = [1, 0]; p = [e/(e + 1), 1/(e + 1)] = [0.731059, 0.268941]
    # y = 0: ∂J/∂o = p − e_0 = [−0.268941, 0.268941]; ∂J/∂W² = ∂J/∂o·hᵀ = [[−0.268941], [0.268941]]
    # ∂J/∂h = W²ᵀ∂J/∂o = −0.268941; ∂J/∂W¹ = −0.268941·1 + λ·1 with λ = 0.5 → 0.231059
    r = mlp.forward_backward([1.0], 0, [[1.0]], [0.0], [[1.0], [0.0]], [0.0, 0.0], "relu", 0.5)
    assert r["forward"]["p"] == pytest.approx([0.731059, 0.268941], abs=1e-6)
    assert r["loss"]["L"] == pytest.approx(-math.log(0.731059), abs=1e-6)
    assert r["loss"]["s"] == pytest.approx(0.25 * 2)                  # λ/2·(1 + 1)
    assert flat(r["grad"]["W2"]) == pytest.approx([-0.268941 + 0.5, 0.268941], abs=1e-6)
    assert flat(r["grad"]["W1"]) == pytest.approx([0.231059], abs=1e-6)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("seed", range(3))
def test_mlp_gradients_against_autograd(activation, seed):
    rnd = random.Random(seed)
    d, nh, q = rnd.randint(1, 4), rnd.randint(1, 5), rnd.randint(2, 4)
    x = [rnd.uniform(-2, 2) for _ in range(d)]
    W1 = [[rnd.uniform(-1, 1) for _ in range(d)] for _ in range(nh)]
    W2 = [[rnd.uniform(-1, 1) for _ in range(nh)] for _ in range(q)]
    b1, b2 = [rnd.uniform(-1, 1) for _ in range(nh)], [rnd.uniform(-1, 1) for _ in range(q)]
    y, lam = rnd.randrange(q), rnd.choice([0.0, 0.1, 1.0])
    r = mlp.forward_backward(x, y, W1, b1, W2, b2, activation, lam)
    T = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (W1, b1, W2, b2)]
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]
    o = T[2] @ act(T[0] @ torch.tensor(x, dtype=torch.float64) + T[1]) + T[3]
    J = torch.nn.functional.cross_entropy(o[None], torch.tensor([y])) + lam / 2 * (T[0].pow(2).sum() + T[2].pow(2).sum())
    J.backward()
    assert r["loss"]["J"] == pytest.approx(float(J.detach()), rel=1e-12)
    for name, t in zip(("W1", "b1", "W2", "b2"), T):
        assert flat(r["grad"][name]) == pytest.approx(flat(t.grad.tolist()), abs=1e-12)


# ------------------------------------------------------------------ the kinds: input errors, lazy torch


@pytest.mark.parametrize("kind, given, ask", [
    ("recurrent", {"cell": "LSTMX", "input_size": 2, "hidden_size": 2}, [{"id": "p", "quantity": "params"}]),
    ("recurrent", {"cell": "LSTM", "input_size": 2, "hidden_size": 2}, [{"id": "p", "quantity": "params",
                                                                         "convention": "book"}]),
    ("recurrent", {"cell": "GRU", "x": [1.0], "h_prev": [0.0], "gates": {"r": {"W": [[1, 2]], "b": [0]}}},
     [{"id": "r", "quantity": "gate", "name": "r"}]),
    ("optimizer", {"optimizer": "adagrad", "lr": 0.1, "w0": 1.0, "gradients": [1.0]}, [{"id": "w", "quantity": "final"}]),
    ("optimizer", {"optimizer": "sgd", "lr": 0.1, "w0": [1.0, 2.0], "gradients": [[1.0]]}, [{"id": "w", "quantity": "final"}]),
    ("optimizer", {"optimizer": "sgd", "lr": 0.1, "w0": 1.0, "function": "__import__('os')", "steps": 2},
     [{"id": "w", "quantity": "final"}]),
    ("init", {"fan_in": 0, "fan_out": 3}, [{"id": "v", "quantity": "init_variance", "scheme": "he"}]),
    ("init", {"fan_in": 4, "fan_out": 3}, [{"id": "v", "quantity": "init_variance", "scheme": "lecun"}]),
    ("mlp", {"x": [1.0], "y": 3, "W1": [[1.0]], "W2": [[1.0], [2.0]]}, [{"id": "J", "quantity": "loss", "name": "J"}]),
    ("mlp", {"h": [1.0], "p": 1.0}, [{"id": "m", "quantity": "dropout_mean"}]),
])
def test_bad_input_is_one_located_error(kind, given, ask):
    from solver.model import exercise_from_document
    from solver.pipeline import solve_exercise
    from solver.yamlio import parse_yaml
    import json
    doc = parse_yaml(json.dumps({"id": "t", "kind": kind, "given": given, "ask": ask}), "t.yaml")
    with pytest.raises(InputError):
        solve_exercise(exercise_from_document(doc), verify=False)


def test_solving_without_verification_does_not_import_torch():
    code = ("import sys\nfrom solver.bank import load_exercise\nfrom solver.pipeline import solve_exercise\n"
            "for e in ['rnn-lstm-params', 'gru-cell-step', 'rnn-vanishing-tanh', 'optim-adam-seed', 'optim-momentum',\n"
            "          'init-xavier-he-linear', 'init-deep-tanh', 'mlp-backprop', 'dropout-expectation']:\n"
            "    solve_exercise(load_exercise(e), verify=False)\n"
            "assert 'torch' not in sys.modules, 'torch imported'\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]


def test_errata_are_shown_as_a_last_step_in_both_languages():
    from solver.bank import load_exercise
    from solver.pipeline import solve_exercise
    sol = solve_exercise(load_exercise("optim-sgd-weight-decay"), verify=False)
    last = sol.steps[-1]
    assert last.rule == "source.errata" and len(last.children) == 2
    assert "wᵀx⁽ⁱ⁾" in last.children[0].text.render("en")
    assert "原书写道" in last.children[1].text.render("zh") and "λ 越大" in last.children[1].text.render("zh")


def test_a_malformed_erratum_is_refused():
    from solver.model import exercise_from_document
    from solver.pipeline import solve_exercise
    from solver.yamlio import parse_yaml
    doc = parse_yaml('id: t\nkind: mlp\ngiven: {h: [1.0], p: 0.5, errata: [{printed: "x"}]}\n'
                     'ask: [{id: m, quantity: dropout_mean}]\n', "t.yaml")
    with pytest.raises(InputError):
        solve_exercise(exercise_from_document(doc), verify=False)


def test_grading_an_answer_file_for_the_new_kinds(tmp_path):
    """A student's Markdown answer file: right answers correct, typical mistakes named with their credit."""
    from grader.answers import read_sheet
    from grader.grade import grade_sheet
    path = tmp_path / "s1.md"
    path.write_text("# rnn-lstm-params\ntextbook: 80,384\npytorch: 80384\n"
                    "# optim-adam-seed\nfinal: 0.99245\n"
                    "# init-xavier-he-linear\nhe_std: 0.0468\nxavier_var: 2/912\n"
                    "# mlp-backprop\ndJ_dW1: [[0.05, -0.05], [0.4018, 0.7936], [-0.4759, -0.8618]]\n"
                    "# dropout-expectation\nscaled: [1, 2, 3]\n", encoding="utf-8")
    result = grade_sheet(read_sheet(path))
    got = {(p.exercise, p.part): (p.verdict, p.score) for p in result.parts if p.verdict != "missing"}
    assert got == {("rnn-lstm-params", "textbook"): ("correct", 1.0), ("rnn-lstm-params", "pytorch"): ("partial", 0.5),
                   ("optim-adam-seed", "final"): ("partial", 0.25), ("init-xavier-he-linear", "he_std"): ("incorrect", 0.0),
                   ("init-xavier-he-linear", "xavier_var"): ("correct", 1.0), ("mlp-backprop", "dJ_dW1"): ("correct", 1.0),
                   ("dropout-expectation", "scaled"): ("partial", 0.25)}
    named = {(p.exercise, p.part): p.mistake for p in result.parts if p.mistake}
    assert named == {("rnn-lstm-params", "pytorch"): "one_bias_pytorch",          # catalogued: any exercise of the kind
                     ("optim-adam-seed", "final"): "adam_no_bias_correction",
                     ("init-xavier-he-linear", "he_std"): "xavier_for_he",
                     ("dropout-expectation", "scaled"): "dropout_unscaled"}


def test_lstm_cell_path_by_hand_and_against_autograd():
    # f_t = σ(3) for x_t = 0: σ(3) = 0.952574, ten steps: 0.952574^10 = 0.615160
    d = recurrent.cell_path(1.0, 3.0, [0.0] * 10)
    assert d["factors"][0] == pytest.approx(0.952574, abs=1e-6)
    assert d["grad"] == pytest.approx(0.615160, abs=1e-6)
    rnd = random.Random(5)
    xs = [rnd.uniform(-2, 2) for _ in range(8)]
    w, b = rnd.uniform(-1, 1), rnd.uniform(0, 4)
    c0 = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    c = c0
    for x in xs:       # input gate and candidate read only x: any choice leaves ∂C_T/∂C_0 = Π f_t
        c = torch.sigmoid(torch.tensor(w * x + b, dtype=torch.float64)) * c + math.tanh(2 * x) * 0.7
    (g,) = torch.autograd.grad(c, c0)
    assert recurrent.cell_path(w, b, xs)["grad"] == pytest.approx(float(g), rel=1e-12)


@pytest.mark.parametrize("function, w0", [("9**9**9", 0.0), ("w**(9**9)", 0.0), ("w.__class__", 0.0), ("open('x')", 0.0),
                                          ("exp(1000*w)", 1.0), ("log(w)", 0.0)])
def test_an_optimiser_function_that_cannot_be_run_is_one_error_quickly(function, w0):
    import json
    import time
    from solver.model import exercise_from_document
    from solver.pipeline import solve_exercise
    from solver.yamlio import parse_yaml
    doc = parse_yaml(json.dumps({"id": "t", "kind": "optimizer", "given": {"optimizer": "sgd", "lr": 0.1, "w0": w0,
                                                                           "function": function, "steps": 3},
                                 "ask": [{"id": "w", "quantity": "final"}]}), "t.yaml")
    start = time.monotonic()
    with pytest.raises(InputError):
        solve_exercise(exercise_from_document(doc), verify=False)
    assert time.monotonic() - start < 5


def test_overflowing_numbers_are_one_input_error_and_the_loss_survives_underflow():
    from solver.model import exercise_from_document
    from solver.pipeline import solve_exercise
    from solver.yamlio import parse_yaml
    bad = ('id: t\nkind: recurrent\ngiven: {activation: tanh, w: 1.0e300, x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n'
           'ask: [{id: b, quantity: bptt_bound}]\n')
    with pytest.raises(InputError):
        solve_exercise(exercise_from_document(parse_yaml(bad, "t.yaml")), verify=False)
    # o = [1000, 0], y = 1: p_1 = e^−1000 underflows to 0, but L = log(e^1000 + 1) − 0 = 1000 exactly in floats
    ok = ('id: t\nkind: mlp\ngiven: {x: [1000.0], y: 1, W1: [[1.0]], W2: [[1.0], [0.0]], activation: relu}\n'
          'ask: [{id: L, quantity: loss, name: L}]\n')
    sol = solve_exercise(exercise_from_document(parse_yaml(ok, "t.yaml")), verify=True)
    assert sol.answers["L"] == pytest.approx(1000.0) and sol.ok
