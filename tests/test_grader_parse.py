"""Reading students' answers (grader.parse): a hand-checked table over all types and both languages, the
notes/sig/message details, "never evaluates", size limits, and hypothesis fuzzing (never raises, stays fast)."""
from __future__ import annotations

import builtins
import doctest
import math
import pathlib
import re
import time
from fractions import Fraction as F

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import grader.parse
from grader.parse import EXPECTED, Parsed, parse_answer
from grader.parse import _bool, _expr, _lists, _number, _text

U = "unparsable"
S = sympy.Symbol
I_ = sympy.IndexedBase
x, w, delta = I_("x"), I_("w"), I_("delta")
k, l, m, n, i, j, p, s, M, N, a = (S(c) for c in "k l m n i j p s M N a".split())
C_in, C_out, k_h, k_w = S("C_in"), S("C_out"), S("k_h"), S("k_w")
PW = sympy.Piecewise(
    (w[i - k + 1, j - l + 1], sympy.And(sympy.Le(1, i - k + 1), sympy.Le(i - k + 1, M),
                                        sympy.Le(1, j - l + 1), sympy.Le(j - l + 1, N))), (0, True))
OUT = sympy.floor((n - k + 2 * p) / s) + 1

# (expected type, raw, kind, value) — value None for unparsable
TABLE = [
    # ---- integers, as people write them
    ("int", "4640", "int", 4640),
    ("int", "4,640", "int", 4640),
    ("int", "4 640", "int", 4640),
    ("int", "4\u202f640", "int", 4640),
    ("int", "4.64e3", "int", 4640),
    ("int", "4.64E+3", "int", 4640),
    ("int", "4.64 × 10^3", "int", 4640),
    ("int", "4.64·10³", "int", 4640),
    ("int", "4.64K", "real", F(4640)),
    ("int", "4.64k", "real", F(4640)),
    ("int", "3.61M", "real", F(3610000)),
    ("int", "7.23 M", "real", F(7230000)),
    ("int", "≈ 7.23M", "real", F(7230000)),
    ("int", "~7.23M", "real", F(7230000)),
    ("int", "约 3.6 万", "real", F(36000)),
    ("int", "3.61万", "real", F(36100)),
    ("int", "1.2亿", "real", F(120000000)),
    ("int", "1.5 million", "real", F(1500000)),
    ("int", "7.23m", "real", F(7230000)),
    ("int", "7,225,344 FLOPs", "int", 7225344),
    ("int", "7225344 MACs", "int", 7225344),
    ("int", "4640 parameters", "int", 4640),
    ("int", "4640个参数", "int", 4640),
    ("int", "5 GFLOPs", "real", F(5000000000)),
    ("int", "7.23 million FLOPs", "real", F(7230000)),
    ("int", "1.2B", "real", F(1200000000)),
    ("int", "3.61e6", "int", 3610000),
    ("int", "2^10", "int", 1024),
    ("int", "2**10", "int", 1024),
    ("int", "2^{10}", "int", 1024),
    ("int", "2¹⁰", "int", 1024),
    ("int", "$4640$", "int", 4640),
    ("int", r"4\,640", "int", 4640),
    ("int", "７，２２５，３４４", "int", 7225344),
    ("int", "params = 4640", "int", 4640),
    ("int", "答：4640", "int", 4640),
    ("int", "Answer: 4640", "int", 4640),
    ("int", "4640.", "int", 4640),
    ("int", "(3*3*3+1)*64", "int", 1792),
    ("int", "3*3*64 + 64", "int", 640),
    ("int", "28×28×32", "int", 25088),
    ("int", "28x28x32", "int", 25088),
    ("int", "-12", "int", -12),
    ("int", "−5", "int", -5),
    ("int", "+5", "int", 5),
    ("int", "0", "int", 0),
    ("int", "4640.0", "int", 4640),
    ("int", "1,000,000", "int", 1000000),
    ("int", "10 000 000", "int", 10000000),
    ("int", 4640, "int", 4640),
    ("int", 4640.0, "int", 4640),
    ("int", "0.5", "real", F(1, 2)),
    ("int", "4,64", U, None),          # European decimal comma: refused as ambiguous
    ("int", "4,6400", U, None),
    ("int", "1,2,3", U, None),
    ("int", "4 64", U, None),
    ("int", "4.64kk", U, None),
    ("int", "k", U, None),
    ("int", "2p", U, None),
    ("int", "", U, None),
    ("int", "   ", U, None),
    ("int", None, U, None),
    ("int", True, U, None),
    ("int", [1, 2], U, None),
    ("int", "(32, 28, 28)", U, None),
    ("int", "9^9^9^9", U, None),
    ("int", "2^10000000", U, None),
    ("int", "10**10**10", U, None),
    ("int", "1/0", U, None),
    ("int", "1" + "0" * 150, U, None),
    ("int", "1e5000", U, None),
    ("int", "true", U, None),
    ("int", float("inf"), U, None),
    # ---- reals and fractions
    ("real", "12.7%", "real", F(127, 1000)),
    ("real", "12.7 %", "real", F(127, 1000)),
    ("real", "12.7％", "real", F(127, 1000)),
    ("real", "50%", "real", F(1, 2)),
    ("real", "0.127", "real", F(127, 1000)),
    ("real", ".5", "real", F(1, 2)),
    ("real", "2336/18432", "real", F(2336, 18432)),
    ("real", "1/4", "real", F(1, 4)),
    ("real", "1/3", "real", F(1, 3)),
    ("real", "½", "real", F(1, 2)),
    ("real", "-3.5", "real", F(-7, 2)),
    ("real", "1e-3", "real", F(1, 1000)),
    ("real", "1.5e-2", "real", F(3, 200)),
    ("real", r"\frac{1}{4}", "real", F(1, 4)),
    ("real", r"-\frac{1}{2}", "real", F(-1, 2)),
    ("real", "2336/18432 ≈ 0.127", "real", F(127, 1000)),
    ("real", "ratio = 0.75", "real", F(3, 4)),
    ("real", "0.1+0.2", "real", F(3, 10)),
    ("real", "3", "int", 3),
    ("real", 0.127, "real", F(127, 1000)),
    ("real", "sqrt(2)", "real", math.sqrt(2)),
    ("real", "12,7", U, None),
    ("real", "abc", U, None),
    # ---- shapes
    ("shape", "28×28×32", "vector", [28, 28, 32]),
    ("shape", "28x28x32", "vector", [28, 28, 32]),
    ("shape", "28*28*32", "vector", [28, 28, 32]),
    ("shape", "28 X 28 X 32", "vector", [28, 28, 32]),
    ("shape", r"28 \times 28 \times 32", "vector", [28, 28, 32]),
    ("shape", "(32, 28, 28)", "vector", [32, 28, 28]),
    ("shape", "[32, 28, 28]", "vector", [32, 28, 28]),
    ("shape", "(1, 6, 28, 28)", "vector", [1, 6, 28, 28]),
    ("shape", "32@28x28", "vector", [32, 28, 28]),
    ("shape", "32 @ 28×28", "vector", [32, 28, 28]),
    ("shape", "torch.Size([1, 32, 28, 28])", "vector", [1, 32, 28, 28]),
    ("shape", "output shape = 28×28×32", "vector", [28, 28, 32]),
    ("shape", "25088", "vector", [25088]),
    ("shape", 25088, "vector", [25088]),
    ("shape", [32, 28, 28], "vector", [32, 28, 28]),
    ("shape", [28.0, 28, "32"], "vector", [28, 28, 32]),
    ("shape", "(32, 28, 28)^T", "vector", [32, 28, 28]),
    ("shape", "28×28×", U, None),
    ("shape", "[28, 28, 32", U, None),
    ("shape", "32@", U, None),
    ("shape", [], U, None),
    # ---- vectors
    ("vector", "[7, -6, 8, -2, 5]", "vector", [7, -6, 8, -2, 5]),
    ("vector", "7 -6 8 -2 5", "vector", [7, -6, 8, -2, 5]),
    ("vector", "[7 -6 8]", "vector", [7, -6, 8]),
    ("vector", "(7, −6, 8)", "vector", [7, -6, 8]),
    ("vector", "{7, -6, 8}", "vector", [7, -6, 8]),
    ("vector", "7; -6; 8", "vector", [7, -6, 8]),
    ("vector", "[7,-6,8,]", "vector", [7, -6, 8]),
    ("vector", "1,2,3", "vector", [1, 2, 3]),
    ("vector", "4,640", "vector", [4, 640]),      # in a list a comma always separates entries
    ("vector", "7 - 6", "vector", [1]),           # MATLAB rule: a spaced-out minus subtracts
    ("vector", "[1/2, 0.25, -3]", "vector", [F(1, 2), F(1, 4), -3]),
    ("vector", "[1e3, 2.5e-1]", "vector", [1000, F(1, 4)]),
    ("vector", "[[1,2,3]]", "vector", [1, 2, 3]),
    ("vector", r"\begin{bmatrix}1\\2\\3\end{bmatrix}", "vector", [1, 2, 3]),
    ("vector", r"\begin{pmatrix} 7 & -6 & 8 \end{pmatrix}", "vector", [7, -6, 8]),
    ("vector", "array([7, -6, 8])", "vector", [7, -6, 8]),
    ("vector", "[x_{1}, 2x_{2}]", "vector", [x[1], 2 * x[2]]),
    ("vector", "[7, -6, 8]ᵀ", "vector", [7, -6, 8]),
    ("vector", r"\left[ 7, -6 \right]", "vector", [7, -6]),
    ("vector", [7, -6, 8, -2, 5], "vector", [7, -6, 8, -2, 5]),
    ("vector", ["7", "-6", "8"], "vector", [7, -6, 8]),
    ("vector", ["1/2", 0.5], "vector", [F(1, 2), F(1, 2)]),
    ("vector", [[1], [2]], "vector", [1, 2]),
    ("vector", [[1, 2], [3, 4]], U, None),
    ("vector", [1, None], U, None),
    ("vector", [1, True], U, None),
    ("vector", [1, "k k"], "vector", [1, S("k") ** 2]),
    ("vector", "7, , 8", U, None),
    ("vector", "[7, 6)", U, None),
    ("vector", "[1, 'a']", U, None),
    # ---- matrices
    ("matrix", "[[1,2],[3,4]]", "matrix", [[1, 2], [3, 4]]),
    ("matrix", [[1, 2], [3, 4]], "matrix", [[1, 2], [3, 4]]),
    ("matrix", "1 2; 3 4", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "[1 2; 3 4]", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "[1, 2; 3, 4]", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "((1, 2), (3, 4))", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "[1,2],[3,4]", "matrix", [[1, 2], [3, 4]]),
    ("matrix", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "matrix", [[1, 2], [3, 4]]),
    ("matrix", r"\begin{pmatrix} 1 & -\frac{1}{2} \\ 0.5 & −4 \end{pmatrix}", "matrix",
     [[1, F(-1, 2)], [F(1, 2), -4]]),
    ("matrix", r"\left[\begin{array}{cc} 1 & -2 \\ \frac{1}{2} & 2/3 \end{array}\right]", "matrix",
     [[1, -2], [F(1, 2), F(2, 3)]]),
    ("matrix", r"\begin{array}{c|c} 1 & 0 \\ \hline 0 & 1 \end{array}", "matrix", [[1, 0], [0, 1]]),
    ("matrix", r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \\ \end{vmatrix}", "matrix", [[1, 2], [3, 4]]),
    ("matrix", r"\begin{Bmatrix} 1 & 2 \\[2pt] 3 & 4 \end{Bmatrix}", "matrix", [[1, 2], [3, 4]]),
    ("matrix", r"$$\begin{matrix} 7 & -6 \end{matrix}$$", "matrix", [[7, -6]]),
    ("matrix", r"A = \begin{bmatrix}1&0\\0&1\end{bmatrix}", "matrix", [[1, 0], [0, 1]]),
    ("matrix", r"1 & 2 \\ 3 & 4", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "[[1 2]\n [3 4]]", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "1 2\n3 4\n", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "Matrix([[1, 2], [3, 4]])", "matrix", [[1, 2], [3, 4]]),
    ("matrix", "[[x_{11}, x_{12}], [x_{21}, x_{22}]]", "matrix", [[x[1, 1], x[1, 2]], [x[2, 1], x[2, 2]]]),
    ("matrix", ["1 2", "3 4"], "matrix", [[1, 2], [3, 4]]),
    ("matrix", [[1.5, 2], [3, "-1/2"]], "matrix", [[F(3, 2), 2], [3, F(-1, 2)]]),
    ("matrix", "[1, 2, 3]", "matrix", [[1, 2, 3]]),
    ("matrix", [1, 2, 3], "matrix", [[1, 2, 3]]),
    ("matrix", "[1 2; 3 4]^T", "matrix", [[1, 3], [2, 4]]),
    ("matrix", r"\begin{bmatrix}1&2\\3&4\end{bmatrix}^{\top}", "matrix", [[1, 3], [2, 4]]),
    ("matrix", "[[1,2],[3]]", U, None),
    ("matrix", [[1, 2], [3]], U, None),
    ("matrix", "[[1,2],[3,4]", U, None),
    ("matrix", r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", U, None),
    ("matrix", r"\begin{bmatrix} 1 & 2", U, None),
    ("matrix", 5, U, None),
    ("matrix", [[1, 2], 3], U, None),
    # ---- booleans, both languages
    ("bool", "true", "bool", True),
    ("bool", "True", "bool", True),
    ("bool", "TRUE", "bool", True),
    ("bool", "false", "bool", False),
    ("bool", "yes", "bool", True),
    ("bool", "No", "bool", False),
    ("bool", "Yes.", "bool", True),
    ("bool", "y", "bool", True),
    ("bool", "n", "bool", False),
    ("bool", "T", "bool", True),
    ("bool", "F", "bool", False),
    ("bool", "1", "bool", True),
    ("bool", "0", "bool", False),
    ("bool", "１", "bool", True),
    ("bool", 1, "bool", True),
    ("bool", 0, "bool", False),
    ("bool", True, "bool", True),
    ("bool", False, "bool", False),
    ("bool", "成立", "bool", True),
    ("bool", "不成立", "bool", False),
    ("bool", "是", "bool", True),
    ("bool", "是的", "bool", True),
    ("bool", "否", "bool", False),
    ("bool", "不是", "bool", False),
    ("bool", "对", "bool", True),
    ("bool", "错", "bool", False),
    ("bool", "不对", "bool", False),
    ("bool", "正确", "bool", True),
    ("bool", "错误", "bool", False),
    ("bool", "相等", "bool", True),
    ("bool", "不相等", "bool", False),
    ("bool", "holds", "bool", True),
    ("bool", "does not hold", "bool", False),
    ("bool", "doesn't hold", "bool", False),
    ("bool", "✓", "bool", True),
    ("bool", "✗", "bool", False),
    ("bool", "**False**", "bool", False),
    ("bool", "True, because corr(W, X) = conv(rot180(W), X)", "bool", True),
    ("bool", "不成立，反例：W=[[1,0],[0,2]]", "bool", False),
    ("bool", "The identity holds.", "bool", True),
    ("bool", "the equation is false", "bool", False),
    ("bool", "等式成立", "bool", True),
    ("bool", "该等式不成立", "bool", False),
    ("bool", "对称", U, None),
    ("bool", "n/a", U, None),
    ("bool", "maybe", U, None),
    ("bool", "1.5", U, None),
    ("bool", "10", U, None),
    ("bool", 2, U, None),
    ("bool", [True], U, None),
    # ---- expressions and index formulas
    ("expr", "x_{k+m-1, l+n-1}", "expr", x[k + m - 1, l + n - 1]),
    ("expr", "x_{k+m-1,l+n-1}", "expr", x[k + m - 1, l + n - 1]),
    ("expr", "x[k + m - 1, l + n - 1]", "expr", x[k + m - 1, l + n - 1]),
    ("expr", "x(k+m-1, l+n-1)", "expr", x[k + m - 1, l + n - 1]),
    ("expr", "w[i-k+1][j-l+1]", "expr", w[i - k + 1, j - l + 1]),
    ("expr", "w[i-k+1, j-l+1]", "expr", w[i - k + 1, j - l + 1]),
    ("expr", "(n - k + 2p)/s + 1", "expr", (n - k + 2 * p) / s + 1),
    ("expr", r"\frac{n-k+2p}{s}+1", "expr", (n - k + 2 * p) / s + 1),
    ("expr", r"\left\lfloor \frac{n-k+2p}{s} \right\rfloor + 1", "expr", OUT),
    ("expr", "⌊(n+2p−k)/s⌋ + 1", "expr", OUT),
    ("expr", "floor((n+2p-k)/s)+1", "expr", OUT),
    ("expr", "(n+2p-k)//s+1", "expr", OUT),
    ("expr", r"\lceil n/s \rceil", "expr", sympy.ceiling(n / s)),
    ("expr", "2^{10}", "expr", sympy.Integer(1024)),
    ("expr", "2p", "expr", 2 * p),
    ("expr", "n²", "expr", n ** 2),
    ("expr", "k_h k_w C_in", "expr", k_h * k_w * C_in),
    ("expr", r"C_{out}(C_{\text{in}} k_h k_w + 1)", "expr", C_out * (C_in * k_h * k_w + 1)),
    ("expr", r"\delta_{kl}", "expr", delta[k, l]),
    ("expr", "δ_{kl}", "expr", delta[k, l]),
    ("expr", "δ", "expr", S("delta")),
    ("expr", "w_{11}", "expr", w[1, 1]),
    ("expr", "x_1", "expr", x[1]),
    ("expr", "x₁", "expr", x[1]),
    ("expr", "max(0, x)", "expr", sympy.Max(0, S("x"))),
    ("expr", r"\sqrt{2}", "expr", sympy.sqrt(2)),
    ("expr", "w_{i-k+1,j-l+1} if 1 <= i-k+1 <= M and 1 <= j-l+1 <= N else 0", "expr", PW),
    ("expr", "w_{i-k+1,j-l+1} if 1 ≤ i−k+1 ≤ M, 1 ≤ j−l+1 ≤ N; 0 otherwise", "expr", PW),
    ("expr", r"\begin{cases} w_{i-k+1,j-l+1}, & \text{if } 1 \leq i-k+1 \leq M \text{ and } 1 \leq j-l+1 \leq N"
             r" \\ 0, & \text{otherwise} \end{cases}", "expr", PW),
    ("expr", r"\begin{cases} w_{i-k+1,j-l+1} & 1 \le i-k+1 \le M,\ 1 \le j-l+1 \le N \\ 0 & \text{其他} "
             r"\end{cases}", "expr", PW),
    ("expr", "若 1≤i−k+1≤M 且 1≤j−l+1≤N，则 w_{i−k+1,j−l+1}；否则 0", "expr", PW),
    ("expr", "w_{i-k+1,j-l+1}，当 1≤i-k+1≤M 且 1≤j-l+1≤N 时；其他情况为 0", "expr", PW),
    ("expr", "Piecewise((w[i - k + 1, j - l + 1], (i - k + 1 >= 1) & (i - k + 1 <= M) & (j - l + 1 >= 1) & "
             "(j - l + 1 <= N)), (0, True))", "expr", PW),
    ("expr", r"\sum_{m=1}^{M} w_m x_{k+m-1}", "expr", sympy.Sum(w[m] * x[k + m - 1], (m, 1, M))),
    ("expr", "Sum(w[a]*x[k + a - 1], (a, 1, M))", "expr", sympy.Sum(w[a] * x[k + a - 1], (a, 1, M))),
    ("expr", "y_{kl} = x_{k+m-1,l+n-1}", "expr", x[k + m - 1, l + n - 1]),
    ("expr", r"\frac{\partial y_{kl}}{\partial w_{mn}} = x_{k+m-1,l+n-1}", "expr", x[k + m - 1, l + n - 1]),
    ("expr", 5, "expr", sympy.Integer(5)),
    ("expr", 0.5, "expr", sympy.Rational(1, 2)),
    ("expr", {"expr": "x[k + m - 1, l + n - 1]", "latex": "x_{k + m - 1,l + n - 1}"}, "expr",
     x[k + m - 1, l + n - 1]),
    ("expr", "x if", U, None),
    ("expr", r"\foo", U, None),
    ("expr", "|x|", U, None),
    ("expr", r"\sum_{m} x_m", U, None),
    ("expr", "x^{10000}", U, None),
    ("expr", "1 < 2", U, None),
    ("expr", [1, 2], U, None),
    # ---- prose
    ("prose", "A smaller kernel has fewer parameters.", "prose", "A smaller kernel has fewer parameters."),
    ("prose", "  卷积核越小，参数越少。 ", "prose", "卷积核越小，参数越少。"),
    ("prose", 5, "prose", "5"),
    ("prose", [1, 2], "prose", "[1, 2]"),
    ("prose", "", U, None),
    ("prose", None, U, None),
]

NEVER_EVALUATED = [
    "__import__('os').system('echo hi')", "().__class__", "lambda x: x", "exec('import os')", "eval('1+1')",
    "os.system('ls')", "x.__class__.__bases__", "[c for c in ().__class__.__bases__]", "globals()",
    "__builtins__", "open('/etc/passwd').read()", "import os", "sympy.sympify('x')", "`ls`", "$(rm -rf /)",
    "{{7*7}}", "${7*7}", "x; import os", "\\input{/etc/passwd}", "\\write18{ls}", "getattr(x, 'y')",
]


def same(got, want) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, v) for g, v in zip(got, want))
    if isinstance(want, float):
        return isinstance(got, float) and math.isclose(got, want)
    if isinstance(want, (bool, int, F, str)):
        return type(got) is type(want) and got == want
    if isinstance(want, sympy.Basic):
        return isinstance(got, sympy.Basic) and (got == want or sympy.simplify(got - want) == 0)
    return got == want


def _id(row) -> str:
    return f"{row[0]}:{str(row[1])[:40]}"


def test_table_is_big_enough():
    assert len(TABLE) >= 150
    assert {r[0] for r in TABLE} == set(EXPECTED)


@pytest.mark.parametrize("expected,raw,kind,value", TABLE, ids=[_id(r) for r in TABLE])
def test_table(expected, raw, kind, value):
    r = parse_answer(raw, expected, symbols=() if expected != "expr" else ())
    assert isinstance(r, Parsed)
    assert r.kind == kind, (r.kind, r.value, r.message, r.notes)
    if kind == U:
        assert r.value is None
        assert r.message.startswith("expected "), r.message
    else:
        assert r.message == ""
        assert same(r.value, value), (r.value, value)


# ------------------------------------------------------------------ details: notes, sig, messages

def test_sig_and_exactness():
    assert parse_answer("3.61M", "int").sig == 3
    assert parse_answer("4640", "int").sig is None
    assert parse_answer("4,640", "int").sig is None
    assert parse_answer("4.64e3", "int").sig == 3
    assert parse_answer("0.127", "real").sig == 3
    assert parse_answer("3.50", "real").sig == 3
    assert parse_answer("≈ 4640", "int").sig == 3
    assert parse_answer("≈ 4640", "int").kind == "real"
    assert parse_answer("2336/18432", "real").sig is None
    assert parse_answer("12.7%", "real").sig == 3
    assert parse_answer(["0.25", "1.5"], "vector").sig == 2


def test_notes_say_how_things_were_read():
    assert "read 7.23M as 7,230,000" in parse_answer("7.23M", "int").notes
    assert "dropped the unit 'FLOPs'" in parse_answer("7,225,344 FLOPs", "int").notes
    assert any("as a shape" in n for n in parse_answer("28×28×32", "shape").notes)
    assert any("channels first" in n for n in parse_answer("32@28x28", "shape").notes)
    assert any("product 25,088" in n for n in parse_answer("28×28×32", "int").notes)
    assert any("million" in n for n in parse_answer("7.23m", "int").notes)
    assert any("w[1, 1]" in n for n in parse_answer("w_{11}", "expr").notes)
    assert any("params =" in n for n in parse_answer("params = 4640", "int").notes)
    assert parse_answer("True, because W*X = X*W", "bool").notes == ["because W*X = X*W"]
    assert parse_answer("不成立：反例 X = I", "bool").notes == ["反例 X = I"]
    assert parse_answer("[[1, 2, 3]]", "vector").notes == ["read a one-row matrix as a list"]
    assert parse_answer([1, 2], "matrix").notes == ["read a flat list as one row"]


def test_messages_say_what_and_where():
    assert parse_answer("4.64kk", "int").message == \
        "expected a number; stopped at character 5: 'k' ('kk' is a name, not a number)"
    msg = parse_answer("4,64", "int").message
    assert msg.startswith("expected a number; stopped at character 2: ','") and "ambiguous" in msg
    assert "more than 1,000 digits" in parse_answer("2^10000000", "int").message
    assert "refused, not computed" in parse_answer("9^9^9^9", "int").message
    assert parse_answer("", "int").message == "expected a number; no answer was given"
    assert "character 9" in parse_answer("[[1,2],[3]]", "matrix").message
    assert "row 2 has 1 entry but row 1 has 2 entries" in parse_answer([[1, 2], [3]], "matrix").message
    assert "entry 2" in parse_answer([1, "1.5k)"], "vector").message
    assert parse_answer("lambda x: x", "expr").message == \
        "expected an expression; stopped at character 9: ':' (':' is not allowed in an expression)"
    assert parse_answer("x + \\foo", "expr").message.endswith("character 5: '\\\\foo' (unknown LaTeX command \\foo)")
    assert "true or false" in parse_answer("maybe", "bool").message
    assert "division by zero" in parse_answer("x/0", "expr").message


def test_symbols_guide_names():
    assert parse_answer("np", "expr").value == S("np")
    assert parse_answer("np", "expr", symbols=["n", "p"]).value == n * p
    assert parse_answer("Cin", "expr", symbols=["Cin", "n"]).value == S("Cin")
    assert parse_answer("k_h", "expr").value == k_h
    assert parse_answer("x_k", "expr").value == x[k]
    assert parse_answer("x_k", "expr", symbols=["x_k"]).value == S("x_k")
    assert "names not in the question: q" in parse_answer("n + q", "expr", symbols=["n"]).notes


def test_implicit_product_after_division_is_noted():
    r = parse_answer("1/2p", "expr")
    assert r.value == p / 2 and any("(a/b)·c" in note for note in r.notes)


def test_result_kind_reports_what_was_read():
    assert parse_answer("4640", "real").kind == "int"
    assert parse_answer("0.5", "int").kind == "real"
    assert parse_answer("2", "expr").value == sympy.Integer(2)


def test_shape_with_fractions_is_noted():
    r = parse_answer("[1.5, 2]", "shape")
    assert r.kind == "vector" and "a shape holds whole numbers" in r.notes


def test_mapping_fields():
    assert parse_answer({"value": "4,640"}, "int").value == 4640
    assert parse_answer({"foo": 1}, "int").kind == U
    assert parse_answer({"expr": {"expr": "x"}}, "expr").kind == U


def test_bad_expected_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_answer("1", "number")


# ------------------------------------------------------------------ safety

@pytest.mark.parametrize("text", NEVER_EVALUATED)
def test_never_evaluates(text):
    calls = []

    def trap(*args, **kwargs):
        calls.append(args)
        raise AssertionError("evaluated student text")

    saved = builtins.eval, builtins.exec, builtins.compile, sympy.sympify
    builtins.eval = builtins.exec = builtins.compile = sympy.sympify = trap
    try:
        results = [parse_answer(text, expected) for expected in ("expr", "int", "vector", "matrix")]
    finally:
        builtins.eval, builtins.exec, builtins.compile, sympy.sympify = saved
    assert not calls
    for r in results:       # only harmless values can come back: "import os" is the product of two symbols,
        assert not _leaves(r.value) - {"number", "symbol"}, r       # {{7*7}} is the number 49


def _leaves(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, list):
        return set().union(*(_leaves(v) for v in value)) if value else set()
    if isinstance(value, (int, F, float)):
        return {"number"}
    if isinstance(value, sympy.Basic):
        return {"number" if isinstance(a, sympy.Number) else "symbol" if isinstance(a, sympy.Symbol) else "other"
                for a in value.atoms()}
    return {type(value).__name__}


def test_source_has_no_evaluation():
    root = pathlib.Path(grader.parse.__file__).parent
    for path in root.glob("*.py"):
        code = re.sub(r'""".*?"""', "", path.read_text(encoding="utf-8"), flags=re.S)
        found = re.findall(r"(?<![\w.])(?:eval|exec|compile|sympify|parse_expr|__import__|getattr|lambdify)\s*\(", code)
        assert not found, (path.name, found)
        assert "from sympy.parsing" not in code and "import ast" not in code


@pytest.mark.parametrize("text,expected", [
    ("9^9^9^9", "int"), ("2^10000000", "int"), ("10**10**10", "int"), ("(2^1000)^1000", "int"),
    ("10^(10^10)", "expr"), ("x^(10^10)", "expr"), ("*".join(["2^999"] * 1600), "int"),
    ("+".join(f"1/{10**40 + q}" for q in range(200)), "real"), ("9" * 101, "int"), ("1e9999", "int"),
    ("sqrt(" + "9" * 99 + ")", "real"), ("(" * 60 + "1" + ")" * 60, "int"), ("-" * 200 + "1", "int"),
    ("floor(" * 60 + "x" + ")" * 60, "expr"), ("w[" * 60 + "1" + "]" * 60, "expr"), ("[" * 60 + "]" * 60, "matrix"),
    ("x if i>0 else " * 30 + "0", "expr"), ("x if " + " and ".join(f"i<{q}" for q in range(100)) + " else 0", "expr"),
    ("1" * 20_000, "int"), ("x" * 9_999, "expr"), ("2^" * 100 + "2", "int"),
    ("[" + ",".join(["1"] * 20_000) + "]", "vector"), ("; ".join([" ".join(["1"] * 101)] * 2), "matrix"),
    ("; ".join(["1 2"] * 101), "matrix"),
])
def test_hostile_input_fails_fast(text, expected):
    t = time.perf_counter()
    r = parse_answer(text, expected)
    assert time.perf_counter() - t < 2.0
    assert r.kind == U, r
    assert r.message.startswith("expected ")


def test_limits_are_generous_enough():
    assert parse_answer("(" * 50 + "x" + ")" * 50, "expr").kind == "expr"
    assert parse_answer("2^1000", "int").kind == "int"
    assert parse_answer("9" * 100, "int").value == int("9" * 100)
    assert parse_answer([[1] * 100] * 100, "matrix").kind == "matrix"
    assert parse_answer(list(range(10_000)), "vector").kind == "vector"


def test_hostile_raw_values():
    loop: list = []
    loop.append(loop)
    deep: list = [1]
    for _ in range(200):
        deep = [deep]
    d: dict = {}
    d["expr"] = d
    for raw in (loop, deep, d, [[1] * 101], [1] * 10_001, 10 ** 5000, [10 ** 5000], float("nan"), ["x" * 20_000],
                object(), b"4640", {1, 2}, (1, 2), [[[1]]], [["1 2", 3]]):
        for expected in EXPECTED:
            t = time.perf_counter()
            r = parse_answer(raw, expected)
            assert time.perf_counter() - t < 2.0
            assert isinstance(r, Parsed) and r.kind in grader.parse.KINDS


# ------------------------------------------------------------------ round trips

@given(st.integers(min_value=-10**30, max_value=10**30))
@settings(max_examples=100, deadline=None)
def test_integers_round_trip(v):
    assert parse_answer(f"{v:,}", "int").value == v
    assert parse_answer(str(v), "int").value == v
    assert parse_answer(v, "int").value == v


@given(st.lists(st.integers(min_value=-999, max_value=999), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_lists_round_trip(values):
    assert parse_answer(str(values), "vector").value == values
    assert parse_answer(" ".join(map(str, values)), "vector").value == values
    if all(v > 0 for v in values) and len(values) > 1:
        assert parse_answer("×".join(map(str, values)), "shape").value == values


@given(st.integers(1, 5), st.integers(1, 5), st.data())
@settings(max_examples=40, deadline=None)
def test_matrices_round_trip(rows, cols, data):
    mat = [[data.draw(st.integers(-99, 99)) for _ in range(cols)] for _ in range(rows)]
    assert parse_answer(str(mat), "matrix").value == mat
    assert parse_answer("; ".join(" ".join(map(str, r)) for r in mat), "matrix").value == mat
    latex = r"\begin{bmatrix}" + r" \\ ".join(" & ".join(map(str, r)) for r in mat) + r"\end{bmatrix}"
    assert parse_answer(latex, "matrix").value == mat


@given(st.fractions(max_denominator=10**6))
@settings(max_examples=60, deadline=None)
def test_fractions_round_trip(v):
    assert F(parse_answer(str(v), "real").value) == v


# ------------------------------------------------------------------ fuzz: never raises, always fast

FRAGMENTS = list("0123456789+-*/^()[]{},;=<>._ xXkMK%≈×·−，；：&|@\n'\"$") + [
    r"\frac", r"\left(", r"\right)", r"\begin{bmatrix}", r"\end{bmatrix}", r"\begin{cases}", r"\end{cases}",
    r"\\", "if", "else", "otherwise", "and", "or", "not", "True", "x_{", "w[", "δ", r"\delta", r"\sum_{m=1}^{M}",
    "Piecewise((", "floor(", "sqrt(", "**", "e", "1e5", "成立", "不", "是", "否", "万", "亿", "FLOPs", "__", "lambda",
    "⌊", "⌋", r"\lfloor", r"\rfloor", r"\text{if}", "²", "₁", "½", "Matrix(", "//", "&&", "9^9^9", "max(",
    r"\sqrt[", r"\sqrt{", "Sum(", "(m, 1, M))", "C_in", "k_h", "1,000", "4,64", r"\begin{array}{cc}", r"\end{array}",
    "若", "则", "当", "时", "其他", "否则", "🙂", "\x00", "\u202e",
]
text_strategy = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(alphabet=st.sampled_from(sorted(set("".join(FRAGMENTS)))), max_size=60),
    st.text(max_size=40),
)
raw_strategy = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text_strategy,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["expr", "value", "latex", "a"]), children, max_size=2),
    max_leaves=20,
)


def _check(raw, expected):
    t = time.perf_counter()
    r = parse_answer(raw, expected, symbols=("x", "k", "n", "p"))
    assert time.perf_counter() - t < 2.0, (raw, expected)
    assert isinstance(r, Parsed) and r.kind in grader.parse.KINDS
    assert (r.kind == U) == bool(r.message)
    assert "could not read this answer" not in r.message, (raw, expected, r.message)   # no internal error
    assert isinstance(r.text, str) and isinstance(r.notes, list)
    repr(r)


@given(text_strategy, st.sampled_from(EXPECTED))
@settings(max_examples=600, deadline=None)
def test_fuzz_text(text, expected):
    _check(text, expected)


@given(raw_strategy, st.sampled_from(EXPECTED))
@settings(max_examples=300, deadline=None)
def test_fuzz_raw(raw, expected):
    _check(raw, expected)


# ------------------------------------------------------------------ the docstring examples

@pytest.mark.parametrize("module", [grader.parse, _bool, _expr, _lists, _number, _text])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
