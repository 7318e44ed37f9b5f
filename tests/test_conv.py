"""Numeric convolution, identities, gradients and the 24.6 proof, against independent truth
(torch.nn.functional for values, sympy for identities)."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.conv import ops
from solver.conv.evaluate import EvalError, Value, evaluate
from solver.conv.expr import Eq, ExprError, parse

small = st.integers(-4, 4)


@st.composite
def conv_case(draw):
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    x = [[draw(small) for _ in range(w)] for _ in range(h)]
    k = [[draw(small) for _ in range(kw)] for _ in range(kh)]
    return x, k, stride, dilation, padding


def _torch_corr(x, k, stride=(1, 1), dilation=(1, 1), pad=(0, 0, 0, 0)):
    xt = F.pad(torch.tensor(x, dtype=torch.float64)[None, None], (pad[2], pad[3], pad[0], pad[1]))
    return F.conv2d(xt, torch.tensor(k, dtype=torch.float64)[None, None], stride=stride, dilation=dilation)[0, 0]


@settings(max_examples=80, deadline=None)
@given(conv_case())
def test_corr2d_matches_torch(case):
    x, k, stride, dilation, padding = case
    g = ops.Geometry(stride, (padding[0], padding[0], padding[1], padding[1]), dilation)
    h, w = len(x) + 2 * padding[0], len(x[0]) + 2 * padding[1]
    if h < dilation[0] * (len(k) - 1) + 1 or w < dilation[1] * (len(k[0]) - 1) + 1:
        return
    ours = ops.corr2d(k, x, g)
    ref = _torch_corr(x, k, stride, dilation, g.padding)
    assert torch.equal(torch.tensor(ours, dtype=torch.float64), ref)


# torch's padding="same" with an even kernel warns that it pads a copy of the input: even kernels are drawn on purpose
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths:UserWarning")
@settings(max_examples=60, deadline=None)
@given(conv_case(), st.sampled_from(["valid", "full", "same"]))
def test_modes_match_torch(case, mode):
    x, k, _s, _d, _p = case
    if mode == "valid" and (len(k) > len(x) or len(k[0]) > len(x[0])):
        return
    kh, kw = len(k), len(k[0])
    # torch's own 'same' (stride 1) and explicit full padding; conv = flipped kernel via torch.flip
    xt = torch.tensor(x, dtype=torch.float64)[None, None]
    kt = torch.tensor(k, dtype=torch.float64)[None, None]
    if mode == "same":
        ref_corr = F.conv2d(xt, kt, padding="same")[0, 0]
        ref_conv = F.conv2d(xt, torch.flip(kt, (2, 3)), padding="same")[0, 0]
    else:
        p = (kh - 1, kw - 1) if mode == "full" else (0, 0)
        ref_corr = F.conv2d(xt, kt, padding=p)[0, 0]
        ref_conv = F.conv2d(xt, torch.flip(kt, (2, 3)), padding=p)[0, 0]
    assert torch.equal(torch.tensor(ops.corr2d(k, x, mode=mode), dtype=torch.float64), ref_corr)
    assert torch.equal(torch.tensor(ops.conv2d(k, x, mode=mode), dtype=torch.float64), ref_conv)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(-3, 3))
def test_rotations_match_torch(h, w, turns):
    m = [[i * w + j for j in range(w)] for i in range(h)]
    assert torch.equal(torch.tensor(ops.rot90(m, turns)), torch.rot90(torch.tensor(m), turns, dims=(0, 1)))
    assert ops.rot180(m) == ops.rot90(m, 2)
    assert ops.transpose(ops.transpose(m)) == m


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(2, 6), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1),
       st.sampled_from(["max", "avg"]))
def test_pooling_matches_torch(h, w, size, stride, pad, how):
    if 2 * pad > size or h + 2 * pad < size or w + 2 * pad < size:
        return
    x = [[(i * 7 + j * 3) % 11 - 5 for j in range(w)] for i in range(h)]
    g = ops.Geometry((stride, stride), (pad, pad, pad, pad))
    ours = torch.tensor([[float(v) for v in row] for row in ops.pool2d(x, (size, size), g, how)], dtype=torch.float64)
    xt = torch.tensor(x, dtype=torch.float64)[None, None]
    pool = F.max_pool2d if how == "max" else F.avg_pool2d
    ref = pool(xt, size, stride=stride, padding=pad)[0, 0]
    assert torch.allclose(ours, ref)


def test_textbook_values():
    x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert ops.corr2d([[0, 1], [2, 3]], x) == [[19, 25], [37, 43]]
    env = {"x": Value.of([3, 0, 2, -2, 2, 1, 2]), "w": Value.of([1, -1, 2])}
    assert evaluate(parse("w * x"), env)[0].data == [7, -6, 8, -2, 5]


IDENTITIES = [
    # (expression, sizes, expected)
    ("W ⊛ X = rot180(W) * X", {"X": (4, 5), "W": (3, 3)}, True),
    ("conv(A, B, mode=full) = conv(B, A, mode=full)", {"A": (4, 4), "B": (3, 3)}, True),
    ("corr(B, corr(A, X)) = corr(conv(A, B, mode=full), X)", {"X": (5, 5), "A": (2, 2), "B": (2, 3)}, True),
    ("rot180(W) * X = rot180(X) * W", {"X": (3, 3), "W": (3, 3)}, True),
    ("vec(corr(K, X)) = mm(toeplitz(K, 3, 4), vec(X))", {"X": (3, 4), "K": (2, 2)}, True),
    # deliberately wrong identities must come out false
    ("W ⊛ X = W * X", {"X": (4, 5), "W": (3, 3)}, False),
    ("corr(A, B, mode=full) = corr(B, A, mode=full)", {"A": (3, 3), "B": (3, 3)}, False),
    ("corr(W, X) = corr(X, W)", {"X": (3, 3), "W": (2, 2)}, False),
    ("rot90(X) = rot90cw(X)", {"X": (3, 3)}, False),
    ("corr(B, corr(A, X)) = corr(corr(A, B, mode=full), X)", {"X": (5, 5), "A": (2, 2), "B": (2, 3)}, False),
    ("T(W * X) = W * T(X)", {"X": (4, 4), "W": (2, 2)}, False),
]


@pytest.mark.parametrize("text,sizes,expected", IDENTITIES)
def test_identities_decided_symbolically(text, sizes, expected):
    from solver.conv.identity import _counterexample, symbolic_env, compare
    node = parse(text)
    assert isinstance(node, Eq)
    verdict, _ = compare(node, symbolic_env(sizes))
    assert (verdict == "holds") is expected
    if not expected and verdict != "undefined":
        found = _counterexample(node, sizes)
        assert found is not None
        values, a, b = found
        # the counterexample really differs when evaluated by torch
        from solver.conv.torch_eval import torch_evaluate
        ta, tb = torch_evaluate(node.left, values), torch_evaluate(node.right, values)
        assert ta.shape != tb.shape or not torch.allclose(ta, tb)


@pytest.mark.parametrize("text", [
    "__import__('os').system('x')", "corr(K,,X)", "(" * 100 + "X" + ")" * 100, "9" * 50, "open(X)",
    "corr(K, X, mode=bogus)", "X = = Y", "lambda: 1", "X; Y", "corr(K, X, stride=1.5)", "",
])
def test_hostile_expressions_are_refused(text):
    with pytest.raises(ExprError):
        parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="XKW()+-*⊛=,'^T0123456789 abcdefmorltvsp_", max_size=60))
def test_parser_fuzz_never_crashes(text):
    try:
        node = parse(text)
    except ExprError:
        return
    env = {"X": Value.of([[1, 2], [3, 4]]), "K": Value.of([[1]]), "W": Value.of([[1, 0], [0, 1]])}
    try:
        evaluate(node.left if isinstance(node, Eq) else node, env)
    except EvalError:
        pass


def test_gradient_formulas():
    from solver.conv.gradient import general_partials
    g = general_partials()
    assert str(g["W"]) == "x[k + m - 1, l + n - 1]"
    text = str(g["X"])
    assert "w[i - k + 1, j - l + 1]" in text and "Piecewise" in text


def test_rf_proof_reduces_to_zero_and_a_wrong_claim_does_not():
    import sympy
    from solver.network.proof import symbolic_proof
    p = symbolic_proof()
    assert p["base"] == 0 and p["step"] == 0
    # a wrong closed form (strides from i = 1 instead of 0) must not survive the same step
    F_, S = sympy.Function("F"), sympy.Function("S")
    l = p["l"]
    j, i = sympy.symbols("j i", integer=True)
    wrong = 1 + sympy.Sum((F_(j) - 1) * sympy.Product(S(i), (i, 1, j)), (j, 1, l - 1)) \
        + (F_(l) - 1) * sympy.Product(S(i), (i, 1, l))
    assert sympy.simplify(wrong - p["recurrence_rhs"]) != 0
