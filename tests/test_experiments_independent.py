"""The explanation experiments (solver/explain/experiments/) checked against truth computed here, not by their own
checks (issue 17): for each experiment, the exercises of the bank that use it are solved through the pipeline and
the experiment's key results compared with hand-worked values (the arithmetic in the comments), with sympy
identities, or with PyTorch used another way than the experiment uses it (modules instead of functionals, explicit
loops instead of unfold, autograd.grad instead of backward, numel instead of a formula, the gradient's support
instead of the receptive-field recurrence). Nothing here calls an experiment's helpers.

Each experiment's checks must be able to fail: a result with a number the steps show changed is fed to them (the
checks must compare the data shown, not only re-run the experiment), and a computation made wrong (a patched torch
function inside the experiment's run) must be flagged.

Run: ``pytest tests/test_experiments_independent.py`` (about 5 s; ``--runslow`` adds the FlopCounterMode counts and
an independent TextCNN training run).
"""
from __future__ import annotations

import copy
import math
from typing import Any

import pytest
import yaml

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from solver.bank import bank_dir, load_exercise  # noqa: E402
from solver.pipeline import solve_exercise  # noqa: E402

_SOLVED: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny tensors: one thread (as the experiments use) is faster on a shared machine than several."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _solution(ex_id: str):
    """The exercise solved and verified once per session through the pipeline."""
    if ex_id not in _SOLVED:
        _SOLVED[ex_id] = solve_exercise(load_exercise(ex_id), verify=True)
    return _SOLVED[ex_id]


def _spec(ex_id: str, name: str, part: str | None = None) -> dict:
    specs = [s for s in _solution(ex_id).context["experiments"]
             if s["name"] == name and (part is None or s["part"] == part)]
    assert len(specs) == 1, (ex_id, name, part)
    return specs[0]


def _data(ex_id: str, name: str, part: str | None = None) -> dict:
    return _spec(ex_id, name, part)["data"]


def _raw_experiment(ex_id: str, name: str) -> dict:
    """The experiment's mapping as the YAML file writes it (read with PyYAML, not the solver's reader)."""
    doc = yaml.safe_load((bank_dir() / f"{ex_id}.yaml").read_text(encoding="utf-8"))
    raw = doc["given"]["experiment"]
    items = [r for r in (raw if isinstance(raw, list) else [raw]) if r["name"] == name]
    return items[0]


class _Rng:
    """Draw from ``seed`` without touching the caller's random state."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __enter__(self):
        self._fork = torch.random.fork_rng(devices=[])
        self._fork.__enter__()
        torch.manual_seed(self.seed)

    def __exit__(self, *exc):
        return self._fork.__exit__(*exc)


USES = {   # experiment → the bank exercises that run it (kept in step with the bank by the first test)
    "resnet_gradients": ["24.10", "hw-q9"], "textcnn": ["24.7"],
    "conv_cost": ["d2l-6.3-ex4-explain", "d2l-6.4-ex2", "d2l-6.4-ex3-explain", "d2l-6.4-ex4-explain"],
    "pool_as_conv": ["d2l-6.5-ex1-explain"], "pool_linearity": ["d2l-6.5-ex2-explain"], "pool_cost": ["d2l-6.5-ex3"],
    "pool_gradients": ["d2l-6.5-ex4"], "softmax_pool": ["d2l-6.5-ex6"], "matmul_1x1": ["d2l-6.4-ex5"],
    "im2col": ["d2l-6.4-ex6"], "border_coverage": ["d2l-6.1-ex3"], "shift_equivariance": ["d2l-6.1-ex2"],
    "init_compare": ["hw-q1"], "weight_sharing": ["hw-q7", "notes-weight-sharing"],
    "networks": ["d2l-6.1-ex4", "d2l-6.1-ex5", "d2l-6.3-ex3", "d2l-6.6-ex2", "d2l-6.6-ex4", "hw-q8", "hw-q9",
                 "notes-1x1-conv", "notes-conv-types", "notes-local-connectivity", "notes-reduce-params"],
}


def test_every_experiment_is_covered_here_and_every_bank_use_is_listed():
    from solver.explain import experiments as xp
    assert set(USES) == set(xp.EXPERIMENTS)
    found: dict[str, set[str]] = {}
    for path in sorted(bank_dir().glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw = (doc.get("given") or {}).get("experiment") if isinstance(doc, dict) else None
        for item in (raw if isinstance(raw, list) else [raw] if raw else []):
            found.setdefault(item["name"], set()).add(str(doc["id"]))
    assert found == {k: set(v) for k, v in USES.items()}


@pytest.mark.parametrize("ex_id", sorted({e for v in USES.values() for e in v}))
def test_the_pipeline_runs_and_verifies_each_exercise_with_an_experiment(ex_id):
    sol = _solution(ex_id)
    torch_checks = [c for c in sol.checks if c.by == "torch"]
    assert torch_checks and all(c.ok for c in torch_checks)


# ================================================================ resnet_gradients (24.10, hw-q9)


def _first_layer_grad_norm(depth: int, width: int, batch: int, seed: int, alpha: float | None) -> float:
    """‖∂L/∂W₁‖ of a plain (alpha None) or residual MLP: parameters drawn in the order nn.Linear draws them (depth
    layers, then the head, then x and y), the forward written with F.linear, the gradient by torch.autograd.grad."""
    with _Rng(seed):
        layers = [nn.Linear(width, width) for _ in range(depth)]
        head = nn.Linear(width, 1)
        x, y = torch.randn(batch, width), torch.randn(batch, 1)
    h = x
    if alpha is None:
        for lin in layers:
            h = F.relu(F.linear(h, lin.weight, lin.bias))
    else:
        for a, b in zip(layers[0::2], layers[1::2]):
            h = h + alpha * F.linear(F.relu(F.linear(h, a.weight, a.bias)), b.weight, b.bias)
    loss = F.mse_loss(F.linear(h, head.weight, head.bias), y)
    (g,) = torch.autograd.grad(loss, layers[0].weight)
    return float(torch.linalg.vector_norm(g))


@pytest.mark.parametrize("ex_id", USES["resnet_gradients"])
def test_resnet_gradients_match_an_independent_autograd_run(ex_id):
    raw, d = _raw_experiment(ex_id, "resnet_gradients"), _data(ex_id, "resnet_gradients")
    assert raw.get("activation", "relu") == "relu"
    width, batch, seed = raw.get("width", 32), raw.get("batch", 64), raw.get("seed", 0)
    assert d["depths"] == raw["depths"]
    for i, depth in enumerate(raw["depths"]):
        for col, alpha in (("plain", None), ("residual", 1.0), ("scaled", (depth / 2) ** -0.5)):
            mine = _first_layer_grad_norm(depth, width, batch, seed, alpha)
            assert d[col][i] == pytest.approx(mine, rel=1e-4, abs=1e-30), (col, depth)
    # the claims of the table: the plain gradient vanishes by 10⁻³ or more by depth 64, the residual one keeps at
    # least a tenth of its first value, the scaled one stays within a factor 10
    assert d["plain"][-1] <= 1e-3 * d["plain"][0]
    assert min(d["residual"]) >= 0.1 * d["residual"][0]
    assert max(d["scaled"]) <= 10 * min(d["scaled"])


# ================================================================ textcnn (24.7)


def test_textcnn_parameters_and_shapes_by_hand_and_by_torch_modules():
    d = _data("24.7", "textcnn")
    # V·d + Σ_k F(d·k + 1) + (3F + 1)·2 with V = 30, d = 16, F = 8, k = 3, 4, 5:
    # 480 + 8·49 + 8·65 + 8·81 + 25·2 = 480 + 392 + 520 + 648 + 50 = 2,090
    assert d["params"] == 2090
    modules = [nn.Embedding(30, 16), nn.Conv1d(16, 8, 3), nn.Conv1d(16, 8, 4), nn.Conv1d(16, 8, 5), nn.Linear(24, 2)]
    assert d["params"] == sum(p.numel() for m in modules for p in m.parameters())
    assert d["embedding_params"] == 480 and [b["params"][0] for b in d["branches"]] == [392, 520, 648]
    # a sentence of 16 words: Conv1d(k) gives 8 × (16 − k + 1), max over time 8 × 1, flattened 8
    e = torch.zeros(1, 16, 16)
    for k, b, conv in zip((3, 4, 5), d["branches"], modules[1:4]):
        y = conv(e)
        assert b["shapes"] == [list(y.shape[1:]), list(y.shape[1:]), [8, 1], [8]] == [[8, 17 - k]] * 2 + [[8, 1], [8]]
    assert d["head"]["shapes"] == [[24], [2]]


def test_textcnn_results_are_consistent_with_the_data_set_sizes():
    d = _data("24.7", "textcnn")
    # 256 test sentences, labels randperm(256) mod 2: exactly 128 of each class, so chance is 1/2
    assert d["chance"] == 0.5
    assert all((d[key] * n).is_integer() for key, n in (("test_acc", 256), ("bow_acc", 256), ("train_acc", 512)))
    # the claims: the loss falls by half, the TextCNN beats chance by 20 points, a bag of words does not
    assert d["loss_end"] < 0.5 * d["loss_start"] and d["test_acc"] >= 0.7 and d["bow_acc"] < 0.65
    tokens, label = d["example"]
    bigram = any(a == 1 and b == 2 for a, b in zip(tokens, tokens[1:]))
    assert tokens.count(1) == tokens.count(2) == 1 and bigram == (label == 1)


def _sentences(n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """This test's own data: 16 fillers 3…29; class 1 holds the bigram "1 2", class 0 holds "2 1" or 1 … 2 apart."""
    x = torch.randint(3, 30, (n, 16), generator=gen)
    y = torch.arange(n) % 2
    for i in range(n):
        p = int(torch.randint(0, 15, (1,), generator=gen))
        if y[i] == 1:
            x[i, p], x[i, p + 1] = 1, 2
        elif i % 4 == 0:
            x[i, p], x[i, p + 1] = 2, 1
        else:
            q = [j for j in range(16) if abs(j - p) > 1][int(torch.randint(0, 12, (1,), generator=gen)) % 12]
            x[i, p], x[i, q] = 1, 2
    return x, y


@pytest.mark.slow
def test_an_independent_textcnn_learns_word_order_and_a_bag_of_words_cannot():
    """The claim of 24.7 reproduced without the experiment: own data, own model, torch.optim.Adam."""
    gen = torch.Generator().manual_seed(123)
    x_tr, y_tr = _sentences(512, gen)
    x_te, y_te = _sentences(256, gen)

    class Text(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(30, 16)
            self.convs = nn.ModuleList(nn.Conv1d(16, 8, k) for k in (3, 4, 5))
            self.fc = nn.Linear(24, 2)

        def forward(self, t):
            e = self.emb(t).transpose(1, 2)
            return self.fc(torch.cat([F.relu(c(e)).amax(-1) for c in self.convs], 1))

    class Bag(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.fc = nn.Embedding(30, 16), nn.Linear(16, 2)

        def forward(self, t):
            return self.fc(self.emb(t).mean(1))

    accs = []
    with _Rng(7):
        for model in (Text(), Bag()):
            opt = torch.optim.Adam(model.parameters(), lr=0.01)
            for _ in range(150):
                idx = torch.randint(0, 512, (64,))
                loss = F.cross_entropy(model(x_tr[idx]), y_tr[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                accs.append(float((model(x_te).argmax(1) == y_te).float().mean()))
    assert accs[0] >= 0.7 and accs[1] < 0.65, accs


# ================================================================ conv_cost (D2L 6.3 ex 4, 6.4 ex 2–4)

# exercise, part → the MACs c_i·c_o·k_h·k_w·h_o·w_o of each configuration, by hand
CONV_MACS = {
    # 32×32, k 3, p 1: stride 1 → 32, stride 2 → ⌊31/2⌋+1 = 16, stride 4 → ⌊31/4⌋+1 = 8
    # 16·32·9·32·32 = 4,718,592; 16·32·9·16·16 = 1,179,648; 16·32·9·8·8 = 294,912
    ("d2l-6.3-ex4-explain", None): [4718592, 1179648, 294912],
    # 5×3 kernel, padding (2, 1), stride 2: h_o = ⌊(32+4−5)/2⌋+1 = 16, w_o = ⌊(32+2−3)/2⌋+1 = 16
    # 16·32·5·3·16·16 = 1,966,080
    ("d2l-6.4-ex2", "forward_cost"): [4718592, 1966080],
    # channels doubled: 32·64·9·32·32 = 18,874,368 (4×); padding 2: h_o = 32+4−3+1 = 34, 16·32·9·34·34 = 5,326,848
    ("d2l-6.4-ex3-explain", None): [4718592, 18874368, 5326848],
    # 28×28: 1×1 → 64·32·1·784 = 1,605,632; 3×3 p 1 → 64·32·9·784 = 14,450,688
    ("d2l-6.4-ex4-explain", None): [1605632, 14450688],
}


@pytest.mark.parametrize("key", sorted(CONV_MACS, key=str), ids=lambda k: k[0])
def test_conv_cost_macs_by_hand_and_by_nn_conv2d_output_size(key):
    ex_id, part = key
    d, raw = _data(ex_id, "conv_cost", part), _raw_experiment(ex_id, "conv_cost")
    assert [r["macs"] for r in d["rows"]] == [r["macs_counter"] for r in d["rows"]] == CONV_MACS[key]
    for c, r in zip(raw["configs"], d["rows"]):
        pair = lambda v: tuple(v) if isinstance(v, list) else (v, v)  # noqa: E731
        with torch.device("meta"):
            conv = nn.Conv2d(c["c_i"], c["c_o"], pair(c["k"]), stride=pair(c.get("s", 1)), padding=pair(c.get("p", 0)))
            y = conv(torch.empty(1, c["c_i"], c["h"], c["w"]))
        assert [r["h_o"], r["w_o"]] == list(y.shape[2:])
        assert r["macs"] == y.numel() * conv.weight[0].numel()       # one weight vector per output value
        assert r["params"] == sum(p.numel() for p in conv.parameters())


def test_conv_cost_memory_and_backward_by_hand():
    mem = _data("d2l-6.4-ex2", "conv_cost", "memory")["rows"][0]
    # input 16·32·32 = 16,384, output 32·32·32 = 32,768, weights 32·16·9 + 32 = 4,640 → 4·53,792 B = 210.1 KiB
    assert (mem["in_elems"], mem["out_elems"], mem["weights"]) == (16384, 32768, 4640)
    # backward: ∂L/∂X (transposed conv) and ∂L/∂W (correlation) each take the forward's MACs: 2·4,718,592
    assert _data("d2l-6.4-ex2", "conv_cost", "backward_cost")["rows"][0]["macs_backward"] == 9437184


@pytest.mark.slow
def test_conv_cost_against_flop_counter_mode_forward_and_backward():
    """torch.utils.flop_counter.FlopCounterMode itself (the experiment re-implements its formulas without it)."""
    from torch.utils.flop_counter import FlopCounterMode
    row = _data("d2l-6.4-ex2", "conv_cost", "backward_cost")["rows"][0]
    conv = nn.Conv2d(16, 32, 3, padding=1)
    x = torch.randn(1, 16, 32, 32, requires_grad=True)
    with FlopCounterMode(display=False) as fwd:
        y = conv(x)
    with FlopCounterMode(display=False) as bwd:
        y.sum().backward()
    assert fwd.get_total_flops() // 2 == row["macs"] and bwd.get_total_flops() // 2 == row["macs_backward"]


# ================================================================ pool_as_conv (D2L 6.5 ex 1)


def test_average_pooling_is_a_depthwise_convolution_by_hand_and_by_modules():
    d = _data("d2l-6.5-ex1-explain", "pool_as_conv")
    # 3 channels, 6×6, window 2, stride 2: 3 × 3 × 3
    assert d["out_shape"] == d["conv_shape"] == [3, 3, 3] and d["allclose"] and d["max_diff"] < 1e-12
    # by hand: the window [[1, 2], [3, 4]] averages to 10/4 = 2.5, and so does the kernel of four 1/4
    win = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    dw = nn.Conv2d(1, 1, 2, bias=False)
    with torch.no_grad():
        dw.weight.fill_(0.25)
    assert float(nn.AvgPool2d(2)(win)) == float(dw(win)) == 2.5
    # the experiment's input (seed 0), averaged by reshaping into 2×2 blocks, and by a depthwise nn.Conv2d
    with _Rng(0):
        x = torch.randn(1, 3, 6, 6, dtype=torch.float64)
    blocks = x.reshape(1, 3, 3, 2, 3, 2).mean(dim=(3, 5))
    conv = nn.Conv2d(3, 3, 2, stride=2, groups=3, bias=False).double()
    with torch.no_grad():
        conv.weight.fill_(1 / 4)
        assert torch.allclose(conv(x), blocks, rtol=0, atol=1e-15)
    assert sum(d["first"], []) == pytest.approx(blocks[0, 0, :2, :2].flatten().tolist(), rel=1e-14)


# ================================================================ pool_linearity (D2L 6.5 ex 2)


def test_pooling_linearity_by_sympy_and_by_an_independent_count():
    import sympy as sp
    a = sp.symbols("a0:4", real=True)
    b = sp.symbols("b0:4", real=True)
    mean = lambda v: sum(v) / 4  # noqa: E731
    assert sp.simplify(mean([x + y for x, y in zip(a, b)]) - mean(a) - mean(b)) == 0           # averaging is additive
    gap = sp.Max(*[x + y for x, y in zip(a, b)]) - sp.Max(*a) - sp.Max(*b)
    assert gap.subs({a[0]: 1, a[1]: 0, a[2]: 0, a[3]: 0, b[0]: 0, b[1]: 0, b[2]: 0, b[3]: 1}) == -1   # 1 ≠ 1 + 1
    d = _data("d2l-6.5-ex2-explain", "pool_linearity")
    e = d["example"]

    def maxpool(m):   # 4×4, window 2, by hand
        return [[max(m[i][j], m[i][j + 1], m[i + 1][j], m[i + 1][j + 1]) for j in (0, 2)] for i in (0, 2)]
    s = [[x + y for x, y in zip(rx, ry)] for rx, ry in zip(e["X"], e["Y"])]
    rhs = [[p + q for p, q in zip(rp, rq)] for rp, rq in zip(maxpool(e["X"]), maxpool(e["Y"]))]
    assert maxpool(s) == e["lhs"] and rhs == e["rhs"] and e["lhs"] != e["rhs"]
    # the count over the 200 trials (seed 0), the windows taken with unfold and their max/mean, not F.*_pool2d
    with _Rng(0):
        xs = torch.randint(-3, 4, (200, 1, 4, 4)).double()
        ys = torch.randint(-3, 4, (200, 1, 4, 4)).double()
    win = lambda t: F.unfold(t, 2, stride=2)  # noqa: E731   [200, 4 window entries, 4 windows]
    max_bad = (win(xs + ys).amax(1) != win(xs).amax(1) + win(ys).amax(1)).any(1).sum()
    avg_bad = ((win(xs + ys).mean(1) - win(xs).mean(1) - win(ys).mean(1)).abs() > 1e-12).any(1).sum()
    assert (d["max_failures"], d["avg_failures"], d["trials"]) == (int(max_bad), int(avg_bad), 200)
    assert d["avg_failures"] == 0 < d["max_failures"]


# ================================================================ pool_cost (D2L 6.5 ex 3)


def test_pooling_cost_by_hand_and_by_module_output_sizes():
    d = _data("d2l-6.5-ex3", "pool_cost")
    # 64×32×32; 2×2 stride 2 → 64×16×16 = 16,384 outputs, 3 comparisons each: 49,152; conv 64·64·4·256 = 4,194,304
    # 3×3 stride 2 padding 1 → ⌊(32+2−3)/2⌋+1 = 16: 16,384 outputs, 8 comparisons each: 131,072;
    # conv 64·64·9·256 = 9,437,184
    hand = [(16384, 49152, 49152, 16384, 4194304), (16384, 131072, 131072, 16384, 9437184)]
    assert [(r["outputs"], r["max_cmp"], r["avg_add"], r["avg_div"], r["conv_macs"]) for r in d["rows"]] == hand
    for (k, s, p), r in zip(((2, 2, 0), (3, 2, 1)), d["rows"]):
        y = nn.MaxPool2d(k, s, p)(torch.zeros(1, 64, 32, 32))
        assert list(y.shape[1:]) == r["out"] and r["max_cmp"] == y.numel() * (k * k - 1)
        with torch.device("meta"):
            conv = nn.Conv2d(64, 64, k, s, p, bias=False)
        assert r["conv_macs"] == conv(torch.empty(1, 64, 32, 32, device="meta")).numel() * conv.weight[0].numel()
    assert all(r["counter"] == 0 for r in d["rows"])


@pytest.mark.slow
def test_flop_counter_mode_counts_no_flops_for_pooling():
    from torch.utils.flop_counter import FlopCounterMode
    x = torch.randn(1, 64, 32, 32)
    with FlopCounterMode(display=False) as counter:
        F.max_pool2d(x, 2)
        F.avg_pool2d(x, 3, 2, 1)
    assert counter.get_total_flops() == 0 == _data("d2l-6.5-ex3", "pool_cost")["rows"][0]["counter"]


# ================================================================ pool_gradients (D2L 6.5 ex 4)


def test_pooling_gradients_by_hand_from_the_shown_input():
    d = _data("d2l-6.5-ex4", "pool_gradients")
    X = d["X"]
    assert sorted(v for row in X for v in row) == list(range(16)), "a permutation of 0 … 15"
    # max pooling: ∂/∂x of Σ max = 1 at each 2×2 window's largest entry, 0 elsewhere; average: 1/4 everywhere
    want = [[0.0] * 4 for _ in range(4)]
    for i in (0, 2):
        for j in (0, 2):
            _, a, b = max((X[a][b], a, b) for a in (i, i + 1) for b in (j, j + 1))
            want[a][b] = 1.0
    assert d["grad_max"] == want and d["grad_avg"] == [[0.25] * 4] * 4
    assert (d["nonzero_max"], d["nonzero_avg"], d["windows"]) == (4, 16, 4)
    # raising a window's smallest entry by 0.5 cannot reach its maximum (distinct integers differ by ≥ 1): max pooling
    # does not move, every average does
    assert (d["changed_max"], d["changed_avg"]) == (0, 4)


# ================================================================ softmax_pool (D2L 6.5 ex 6)


def test_softmax_pooling_against_exact_sympy_values_and_the_monotonicity_identity():
    import sympy as sp
    d = _data("d2l-6.5-ex6", "softmax_pool")
    values = [sp.Rational(1, 2), 1, 2, 4]
    beta = sp.Symbol("beta", real=True)
    pooled = sum(v * sp.exp(beta * v) for v in values) / sum(sp.exp(beta * v) for v in values)
    for r in d["rows"]:
        exact = pooled.subs(beta, sp.nsimplify(r["beta"]))
        assert r["pooled"] == pytest.approx(float(sp.N(exact, 30)), rel=1e-12, abs=1e-12)
        assert sum(r["weights"]) == pytest.approx(1.0, abs=1e-12)
    assert d["rows"][0]["beta"] == 0 and d["rows"][0]["pooled"] == pytest.approx(15 / 8)   # (1/2 + 1 + 2 + 4)/4
    assert d["mean"] == 1.875 and d["max"] == 4.0 and d["rows"][-1]["pooled"] == pytest.approx(4.0, abs=1e-12)
    # d/dβ softpool = Σ wᵢxᵢ² − (Σ wᵢxᵢ)² = the variance under the weights ≥ 0: the pooled value never falls as β grows
    x = sp.symbols("x0:3", real=True)
    w = [sp.exp(beta * v) / sum(sp.exp(beta * u) for u in x) for v in x]
    sp_pool = sum(wi * xi for wi, xi in zip(w, x))
    variance = sum(wi * xi**2 for wi, xi in zip(w, x)) - sp_pool**2
    assert sp.simplify(sp.diff(sp_pool, beta) - variance) == 0
    pooled_rows = [r["pooled"] for r in d["rows"]]
    assert pooled_rows == sorted(pooled_rows)


# ================================================================ matmul_1x1 (D2L 6.4 ex 5)


def test_one_by_one_convolution_as_a_matrix_product_within_the_rounding_bound():
    d = _data("d2l-6.4-ex5", "matmul_1x1")
    with _Rng(0):
        x = torch.randn(1, 64, 16, 16)
        k = torch.randn(32, 64, 1, 1)
    conv = nn.Conv2d(64, 32, 1, bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(k.double())
        exact = torch.einsum("oc,chw->ohw", k.double().reshape(32, 64), x.double()[0])
        assert torch.allclose(conv(x.double())[0], exact, rtol=0, atol=1e-12)
    # Σ|wᵢ||xᵢ| bounds a sum of 64 products computed in any order: |error| ≤ γ₆₄·Σ|wᵢxᵢ|, γₙ = nu/(1 − nu);
    # two computations differ by at most twice that
    scale = float(torch.einsum("oc,chw->ohw", k.double().reshape(32, 64).abs(), x.double()[0].abs()).max())
    gamma = lambda u: 64 * u / (1 - 64 * u)  # noqa: E731
    rows = {(r["dtype"], r["order"]): r for r in d["rows"]}
    assert set(rows) == {(t, o) for t in ("float32", "float64") for o in ("forward", "reversed")}
    for (dtype, _), r in rows.items():
        u = 2.0**-24 if dtype == "float32" else 2.0**-53
        assert r["total"] == 32 * 16 * 16 == 8192 and 0 <= r["bitwise_equal"] <= r["total"]
        assert r["allclose"] and r["max_diff"] <= 2 * gamma(u) * scale
    assert rows[("float32", "reversed")]["bitwise_equal"] < 8192, "the order of the additions shows in float32"


# ================================================================ im2col (D2L 6.4 ex 6)


def test_im2col_shapes_by_hand_and_the_product_against_nn_conv2d():
    d = _data("d2l-6.4-ex6", "im2col")
    # 3 channels 6×6, kernel 3, 4 filters: columns of 3·3·3 = 27 values at (6−3+1)² = 16 positions; the weights
    # 4 × 27; the output 4 × 4 × 4; 27·16 = 432 copied values for 3·36 = 108 inputs: 4 times as many
    assert (d["cols"], d["weights"], d["out"], d["blowup"]) == ([27, 16], [4, 27], [4, 4, 4], 4.0)
    assert d["allclose"] and d["max_diff"] < 1e-12
    with _Rng(0):
        x = torch.randn(1, 3, 6, 6, dtype=torch.float64)
        w = torch.randn(4, 3, 3, 3, dtype=torch.float64)
    cols = torch.stack([x[0, :, i:i + 3, j:j + 3].reshape(-1) for i in range(4) for j in range(4)], dim=1)  # loops
    conv = nn.Conv2d(3, 4, 3, bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(w)
        assert torch.allclose((w.reshape(4, 27) @ cols).reshape(4, 4, 4), conv(x)[0], rtol=0, atol=1e-12)


# ================================================================ border_coverage (D2L 6.1 ex 3)


def test_border_coverage_by_hand_and_by_counting_unfolded_indices():
    d = _data("d2l-6.1-ex3", "border_coverage")
    # 6 pixels, kernel 3, stride 1. No padding: 4 window starts; pixel i lies in the starts max(0, i−2) … min(3, i):
    # 1, 2, 3, 3, 2, 1. Padding 1: 6 starts a, covering a−1 … a+1: 2, 3, 3, 3, 3, 2. A pixel's count is the product
    # of its row's and its column's.
    per_axis = {0: [1, 2, 3, 3, 2, 1], 1: [2, 3, 3, 3, 3, 2]}
    rows = {r["padding"]: r for r in d["rows"]}
    assert set(rows) == {0, 1}
    for pad, r in rows.items():
        assert r["coverage"] == [[a * b for b in per_axis[pad]] for a in per_axis[pad]]
        # torch: unfold the pixel indices (padding marked −1) and count how often each index occurs
        idx = torch.arange(36, dtype=torch.float64).reshape(1, 1, 6, 6)
        idx = F.pad(idx, (pad,) * 4, value=-1.0)
        seen = F.unfold(idx, 3).flatten()
        counts = torch.bincount(seen[seen >= 0].long(), minlength=36).reshape(6, 6)
        assert r["coverage"] == counts.tolist()
    assert (rows[0]["corner"], rows[0]["centre"], rows[0]["out"]) == (1, 9, 4)      # 1·1; 3·3; 6 − 3 + 1
    assert (rows[1]["corner"], rows[1]["centre"], rows[1]["out"]) == (4, 9, 6)      # 2·2; 3·3; 6 + 2 − 3 + 1


# ================================================================ shift_equivariance (D2L 6.1 ex 2)


def test_shift_equivariance_against_a_circular_correlation_written_with_roll():
    d = _data("d2l-6.1-ex2", "shift_equivariance")
    with _Rng(0):
        x = torch.randn(12, 12, dtype=torch.float64)
        w = torch.randn(3, 3, dtype=torch.float64)

    def circ(t):   # y[i, j] = Σ_{m,n} w[m, n]·t[(i + m − 1) mod 12, (j + n − 1) mod 12]
        return sum(w[m, n] * torch.roll(t, (1 - m, 1 - n), dims=(0, 1)) for m in range(3) for n in range(3))
    shifted = torch.roll(x, (2, 3), dims=(0, 1))
    assert torch.allclose(circ(shifted), torch.roll(circ(x), (2, 3), dims=(0, 1)), rtol=0, atol=1e-12)
    a, b = circ(x), circ(shifted)
    pos = [list(divmod(int(t.argmax()), 12)) for t in (a, b)]
    assert d["argmax"] == pos and pos[1] == [(pos[0][0] + 2) % 12, (pos[0][1] + 3) % 12]
    assert d["pooled"] == pytest.approx([float(a.max())] * 2, rel=1e-12)
    assert d["max_diff"] < 1e-12


# ================================================================ init_compare (hw-q1)


def _deep_relu(kind: str, depth: int = 12, width: int = 128, batch: int = 64,
               seed: int = 0) -> tuple[float, float, int]:
    """(std of the last hidden layer, ‖∂L/∂W₁‖, distinct rows of ∂L/∂W₁): layers created first, then initialised in
    order, then the head, x and y — the order of the draws — with nn.Sequential and autograd.grad."""
    with _Rng(seed):
        body = nn.Sequential(*[nn.Linear(width, width) for _ in range(depth)])
        for lin in body:
            {"zeros": nn.init.zeros_, "constant": lambda t: nn.init.constant_(t, 0.05),
             "normal": lambda t: nn.init.normal_(t, 0.0, 1.0), "xavier": nn.init.xavier_normal_,
             "he": lambda t: nn.init.kaiming_normal_(t, nonlinearity="relu")}[kind](lin.weight)
            nn.init.zeros_(lin.bias)
        head = nn.Linear(width, 1)
        x, y = torch.randn(batch, width), torch.randn(batch, 1)
    h = x
    for lin in body:
        h = F.relu(lin(h))
    (g,) = torch.autograd.grad(F.mse_loss(head(h), y), body[0].weight)
    return float(h.std()), float(torch.linalg.vector_norm(g)), len({tuple(r) for r in g.tolist()})


def test_initialisations_against_an_independent_run_and_the_variance_argument():
    d = {r["init"]: r for r in _data("hw-q1", "init_compare")["rows"]}
    for kind, r in d.items():
        std, grad, distinct = _deep_relu(kind)
        assert r["std"] == pytest.approx(std, rel=1e-4, abs=1e-30) and r["distinct"] == distinct, kind
        assert r["grad"] == pytest.approx(grad, rel=1e-4, abs=1e-30) or (math.isinf(grad) and math.isinf(r["grad"]))
    # zero weights: every hidden value is relu(0) = 0, so ∂L/∂W₁ = δ₁xᵀ with δ₁ = W₂ᵀδ₂ ⊙ relu′ = 0
    assert d["zeros"]["grad"] == 0 and d["zeros"]["distinct"] == 1 and d["zeros"]["std"] == 0
    # a constant: all rows of each W equal, so all units of a layer are equal and so are their gradients' rows
    assert d["constant"]["distinct"] == 1
    # E[h_l²] = n·Var(W)/2 · E[h_{l−1}²] under ReLU: He (2/n) keeps the scale; Xavier (2/(n+n) = 1/n) halves the
    # second moment per layer: after 12 layers the spread is 2^(−12/2) = 1/64 of He's
    assert 0.1 <= d["he"]["std"] <= 10
    assert d["xavier"]["std"] / d["he"]["std"] == pytest.approx(1 / 64, rel=0.5)
    # N(0, 1): n·Var(W)/2 = 64 per layer, so the gradient explodes (float32 overflows to inf here)
    assert not math.isfinite(d["normal"]["grad"]) or d["normal"]["grad"] > 1e3 * d["he"]["grad"]


# ================================================================ weight_sharing (hw-q7, the notes)

SHARING = {
    # c_o(c_i k² + 1) = 16·(3·9 + 1) = 448; 32·32 = 1,024 positions · 448 = 458,752;
    # dense (3·32·32 + 1)·16·32·32 = 3,073·16,384 = 50,348,032
    "hw-q7": dict(ci=3, co=16, h=32, k=3, pad=1, conv=448, local=458752, dense=50348032),
    # 6·(1·25 + 1) = 156; 28·28 = 784 positions · 156 = 122,304; (784 + 1)·6·784 = 785·4,704 = 3,692,640
    "notes-weight-sharing": dict(ci=1, co=6, h=28, k=5, pad=2, conv=156, local=122304, dense=3692640),
}


@pytest.mark.parametrize("ex_id", sorted(SHARING))
def test_weight_sharing_counts_by_hand_and_by_numel_and_a_tied_local_layer_by_loops(ex_id):
    s, d = SHARING[ex_id], _data(ex_id, "weight_sharing")
    assert (d["conv"], d["local"], d["dense"]) == (s["conv"], s["local"], s["dense"])
    assert d["out"] == [s["co"], s["h"], s["h"]]
    with torch.device("meta"):
        conv = nn.Conv2d(s["ci"], s["co"], s["k"], padding=s["pad"])
        dense = nn.Linear(s["ci"] * s["h"] ** 2, s["co"] * s["h"] ** 2)
        # a locally connected layer: its own kernel and bias at each of the h·h positions
        local = [torch.empty(s["h"] ** 2, s["co"], s["ci"], s["k"], s["k"]), torch.empty(s["h"] ** 2, s["co"])]
    assert d["conv"] == sum(p.numel() for p in conv.parameters())
    assert d["dense"] == sum(p.numel() for p in dense.parameters())
    assert d["local"] == sum(t.numel() for t in local)
    # the locally connected layer with every position's kernel a copy of one kernel, written as loops, is the conv
    torch.manual_seed(5)
    layer = nn.Conv2d(s["ci"], s["co"], s["k"], padding=s["pad"])
    x = torch.randn(1, s["ci"], s["h"], s["h"])
    xp_ = F.pad(x, (s["pad"],) * 4)[0]
    with torch.no_grad():
        y = torch.stack([torch.stack([(layer.weight * xp_[:, i:i + s["k"], j:j + s["k"]]).sum((1, 2, 3)) + layer.bias
                                      for j in range(s["h"])], -1) for i in range(s["h"])], -2)
        assert torch.allclose(y, layer(x)[0], atol=1e-5)
    assert d["tied_diff"] < 1e-4


# ================================================================ networks (eleven exercises)


def _build(input_shape: list[int], layers: list[dict], device: str, rf: bool = False) -> tuple[nn.Sequential, list]:
    """The network from its YAML layers with torch.nn. With ``rf``: the spatial part only (up to Flatten/Linear), one
    channel everywhere, all weights 1 and biases 0, max pooling replaced by average pooling (same windows)."""
    mods: list[nn.Module] = []
    x = torch.zeros((1, *input_shape), device=device)
    with torch.device(device):
        for raw in layers:
            t, a = raw["type"], {k: v for k, v in raw.items() if k != "type"}
            c = 1 if rf else x.shape[1]
            if rf and t in ("Flatten", "Linear"):
                break
            if t in ("Conv1d", "Conv2d"):
                m = getattr(nn, t)(c, 1 if rf else a["out_channels"], a["kernel_size"], stride=a.get("stride", 1),
                                   padding=a.get("padding", 0), groups=1 if rf else a.get("groups", 1),
                                   bias=a.get("bias", True))
                if rf:
                    with torch.no_grad():
                        m.weight.fill_(1.0)
                        if m.bias is not None:
                            m.bias.zero_()
            elif t in ("MaxPool1d", "MaxPool2d", "AvgPool2d"):
                cls = getattr(nn, t.replace("Max", "Avg")) if rf else getattr(nn, t)
                m = cls(a["kernel_size"], stride=a.get("stride"), padding=a.get("padding", 0))
            elif t == "BatchNorm2d":
                m = nn.BatchNorm2d(c)
            elif t == "Linear":
                m = nn.Linear(x.shape[1], a["out_features"])
            else:
                m = nn.Dropout(a["p"]) if t == "Dropout" else {"ReLU": nn.ReLU, "Sigmoid": nn.Sigmoid,
                                                               "Flatten": nn.Flatten}[t]()
            m.eval()
            x = m(x)
            mods.append(m)
    return nn.Sequential(*mods), list(x.shape[1:])


def _macs(model: nn.Sequential, input_shape: list[int]) -> int:
    """Multiply-accumulates of the convolutions and linear layers: per output value, one weight vector."""
    total, x = 0, torch.empty((1, *input_shape), device="meta")
    for m in model:
        x = m(x)
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            total += x.numel() * m.weight[0].numel()
    return total


def _receptive_field(input_shape: list[int], layers: list[dict]) -> list[int] | None:
    """The support of ∂y/∂x for the centre output of the spatial part, on an input large enough not to clip it."""
    spatial = [max(s, 96) for s in input_shape[1:]]
    model, _ = _build([1, *spatial], layers, "cpu", rf=True)
    if not len(model):
        return None
    model = model.double()
    x = torch.ones((1, 1, *spatial), dtype=torch.float64, requires_grad=True)
    y = model(x)
    centre = tuple(s // 2 for s in y.shape[2:])
    (g,) = torch.autograd.grad(y[(0, 0, *centre)], x)
    nz = g[0, 0].nonzero()
    lo, hi = nz.min(0).values, nz.max(0).values
    assert all(int(v) > 0 for v in lo) and all(int(h) < s - 1 for h, s in zip(hi, spatial)), "clipped"
    return [int(h - lo_ + 1) for lo_, h in zip(lo, hi)]


@pytest.mark.parametrize("ex_id", USES["networks"])
def test_networks_shapes_parameters_macs_and_receptive_fields_against_torch_nn(ex_id):
    raw, d = _raw_experiment(ex_id, "networks"), _data(ex_id, "networks")
    assert set(d["rows"]) == set(raw["networks"])
    for name, net in raw["networks"].items():
        r = d["rows"][name]
        model, shape = _build(net["input_shape"], net["layers"], "meta")
        assert r["shape"] == shape, name
        assert r["params"] == sum(p.numel() for p in model.parameters()), name
        assert r["macs"] == _macs(model, net["input_shape"]), name
        assert r["rf"] == _receptive_field(net["input_shape"], net["layers"]), name


def test_networks_hand_worked_values():
    conv_types = _data("notes-conv-types", "networks")["rows"]
    # standard 3·3·32·64 = 18,432 (MACs ·56·56 = 57,802,752); depthwise 3·3·32 = 288; pointwise 32·64 = 2,048;
    # separable 288 + 2,048 = 2,336; grouped, G = 4: 3·3·(32/4)·64 = 4,608
    assert {k: v["params"] for k, v in conv_types.items()} == {
        "standard": 18432, "depthwise": 288, "pointwise": 2048, "separable": 2336, "grouped": 4608}
    assert conv_types["standard"]["macs"] == 57802752
    lenet = _data("d2l-6.6-ex2", "networks")["rows"]["lenet"]
    # 6·(25 + 1) + 16·(6·25 + 1) + (400 + 1)·120 + (120 + 1)·84 + (84 + 1)·10 = 156 + 2,416 + 48,120 + 10,164 + 850
    assert lenet["params"] == 61706 and lenet["shape"] == [10]
    vgg = _data("hw-q8", "networks", "vgg")["rows"]
    # stacked 3×3 convolutions (stride 1): 1 + 2n → 5 for two, 7 for three, as one 5×5 and one 7×7
    assert [vgg[k]["rf"] for k in ("two3x3", "one5x5", "three3x3", "one7x7")] == [[5, 5], [5, 5], [7, 7], [7, 7]]
    # two 3×3: 2·(64·64·9 + 64) = 73,856 < one 5×5: 64·64·25 + 64 = 102,464
    assert (vgg["two3x3"]["params"], vgg["one5x5"]["params"]) == (73856, 102464)
    wave = _data("d2l-6.1-ex4", "networks")["rows"]["waveform"]
    # (16000 − 80)/4 + 1 = 3,981 → pool 4: 995 → conv p 1: 995 → pool 4: 248; receptive field 80 → 80 + 3·4 = 92
    # → 92 + 2·16 = 124 → 124 + 3·16 = 172
    assert wave["shape"] == [64, 248] and wave["rf"] == [172]


# ================================================================ the checks can fail


def _bump(path: tuple, by: Any = None):
    """A change to one number of the data: ``by`` added (or, for a bool, negated; for a list, its first entry)."""
    def change(d: dict) -> None:
        node = d
        for key in path[:-1]:
            node = node[key]
        v = node[path[-1]]
        if isinstance(v, bool):
            node[path[-1]] = not v
        elif isinstance(v, list) and isinstance(v[0], list):
            node[path[-1]] = [[v[0][0] + 1] + v[0][1:]] + v[1:]
        elif isinstance(v, list):
            node[path[-1]] = [v[0] + (by or 1)] + v[1:]
        else:
            node[path[-1]] = v + (by if by is not None else 1)
    return change


# (exercise, experiment, part, what is changed, the change): each change to a number the steps show must be flagged
PERTURB = [
    ("24.10", "resnet_gradients", None, "plain gradient at the deepest depth", _bump(("plain", -1), 1.0)),
    ("24.7", "textcnn", None, "parameter count", _bump(("params",))),
    ("24.7", "textcnn", None, "test accuracy down to chance", lambda d: d.update(test_acc=0.5)),
    ("d2l-6.4-ex2", "conv_cost", "forward_cost", "MACs of the first configuration", _bump(("rows", 0, "macs"))),
    ("d2l-6.4-ex2", "conv_cost", "forward_cost", "MACs by torch's formulas (the table's column)",
     _bump(("rows", 0, "macs_counter"))),
    ("d2l-6.4-ex2", "conv_cost", "backward_cost", "backward MACs shown", _bump(("rows", 0, "macs_backward"))),
    ("d2l-6.5-ex1-explain", "pool_as_conv", None, "max |difference| and allclose",
     lambda d: d.update(max_diff=0.5, allclose=False)),
    ("d2l-6.5-ex1-explain", "pool_as_conv", None, "output shape of the convolution", _bump(("conv_shape",))),
    ("d2l-6.5-ex2-explain", "pool_linearity", None, "average-pooling failures", _bump(("avg_failures",), 5)),
    ("d2l-6.5-ex2-explain", "pool_linearity", None, "max-pooling failures", _bump(("max_failures",))),
    ("d2l-6.5-ex2-explain", "pool_linearity", None, "the example's maxpool(X + Y)", _bump(("example", "lhs"))),
    ("d2l-6.5-ex3", "pool_cost", None, "output shape", _bump(("rows", 0, "out"))),
    ("d2l-6.5-ex3", "pool_cost", None, "comparisons of max pooling (the table's column)",
     _bump(("rows", 0, "max_cmp"), 1000)),
    ("d2l-6.5-ex3", "pool_cost", None, "additions of average pooling (the table's column)",
     _bump(("rows", 1, "avg_add"))),
    ("d2l-6.5-ex3", "pool_cost", None, "MACs of the convolution (the table's column)",
     _bump(("rows", 0, "conv_macs"), 1000)),
    ("d2l-6.5-ex4", "pool_gradients", None, "gradient of max pooling", _bump(("grad_max", 0, 0))),
    ("d2l-6.5-ex6", "softmax_pool", None, "pooled value at β = 1", _bump(("rows", 2, "pooled"), 0.1)),
    ("d2l-6.4-ex5", "matmul_1x1", None, "bit-identical count", _bump(("rows", 1, "bitwise_equal"))),
    ("d2l-6.4-ex6", "im2col", None, "max |difference| and allclose",
     lambda d: d.update(max_diff=0.5, allclose=False)),
    ("d2l-6.4-ex6", "im2col", None, "shape of im2col(X)", _bump(("cols",))),
    ("d2l-6.4-ex6", "im2col", None, "blow-up", _bump(("blowup",), 0.5)),
    ("d2l-6.1-ex3", "border_coverage", None, "coverage of the corner", _bump(("rows", 0, "coverage"))),
    ("d2l-6.1-ex2", "shift_equivariance", None, "max |difference|", _bump(("max_diff",), 0.5)),
    ("d2l-6.1-ex2", "shift_equivariance", None, "position of the maximum after the shift", _bump(("argmax", 1))),
    ("d2l-6.1-ex2", "shift_equivariance", None, "global max pooling of the shifted image", _bump(("pooled", 1), 0.01)),
    ("hw-q1", "init_compare", None, "std of the He row", _bump(("rows", 4, "std"), 1.0)),
    ("hw-q7", "weight_sharing", None, "conv parameters", _bump(("conv",))),
    ("hw-q7", "weight_sharing", None, "dense parameters", _bump(("dense",))),
    ("hw-q7", "weight_sharing", None, "locally connected parameters", _bump(("local",))),
    ("hw-q7", "weight_sharing", None, "tied locally connected layer's difference", _bump(("tied_diff",), 0.5)),
    ("notes-conv-types", "networks", None, "parameters of one network", _bump(("rows", "grouped", "params"))),
    ("notes-conv-types", "networks", None, "MACs of one network", _bump(("rows", "grouped", "macs"))),
    ("notes-reduce-params", "networks", None, "receptive field of one network", _bump(("rows", "pooled", "rf"))),
    ("hw-q8", "networks", "vgg", "receptive field of two 3×3 convolutions", _bump(("rows", "two3x3", "rf"))),
]


@pytest.mark.parametrize("ex_id, name, part, what, change", PERTURB,
                         ids=lambda v: v if isinstance(v, str) and " " not in v else None)
def test_a_changed_result_is_flagged_by_the_experiments_checks(ex_id, name, part, what, change):
    from solver.explain import experiments as xp
    spec = _spec(ex_id, name, part)
    assert all(c.ok for c in xp.checks(name, spec["params"], spec["data"], spec["part"]))
    bad = copy.deepcopy(spec["data"])
    change(bad)
    assert bad != spec["data"]
    assert not all(c.ok for c in xp.checks(name, spec["params"], bad, spec["part"])), f"{what}: not flagged"


class _Wrong:
    """torch.nn.functional with some functions replaced."""

    def __init__(self, **replaced: Any) -> None:
        self.replaced = replaced

    def __getattr__(self, name: str) -> Any:
        return self.replaced.get(name) or getattr(F, name)


WRONG = {   # experiment → (exercise, a wrong torch function in its computation)
    "pool_as_conv": ("d2l-6.5-ex1-explain", _Wrong(avg_pool2d=lambda x, k, stride, padding, count_include_pad:
                                                  F.max_pool2d(x, k, stride, padding))),
    "pool_linearity": ("d2l-6.5-ex2-explain", _Wrong(avg_pool2d=F.max_pool2d)),
    "im2col": ("d2l-6.4-ex6", _Wrong(unfold=lambda x, k, padding, stride: F.unfold(x, k, padding=padding,
                                                                                   stride=stride).flip(-1))),
    "shift_equivariance": ("d2l-6.1-ex2", _Wrong(pad=lambda t, p, mode: F.pad(t, p))),      # zeros, not circular
    "border_coverage": ("d2l-6.1-ex3", _Wrong(conv_transpose2d=lambda a, b: F.conv_transpose2d(a, b, padding=1))),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_computation_is_flagged_by_the_experiments_checks(name, monkeypatch):
    """The experiment computed with a wrong torch function (max for average pooling, zero for circular padding,
    shuffled im2col columns, a shifted transposed convolution) fails its checks."""
    import importlib
    from solver.explain import experiments as xp
    ex_id, wrong = WRONG[name]
    spec = _spec(ex_id, name)
    module = importlib.import_module(f"solver.explain.experiments.{name}")
    monkeypatch.setattr(module, "F", wrong)
    data = xp.run(name, spec["params"])              # the checks compare this data with torch computed another way
    assert not all(c.ok for c in xp.checks(name, spec["params"], data, spec["part"]))
