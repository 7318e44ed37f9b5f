"""Programming exercises (``kind: code``): the bank's code exercises solve and verify; the sandboxed grader
passes correct submissions, names the first failing input of subtly wrong ones, and contains hostile ones.

Every sandbox run goes through one forking server (started once, ≈2 s); a run costs ≈50 ms, a time-limit
case about its limit. The tests that switch the in-process guard off (to show that the kernel layers hold
on their own) need root, because the namespaces, chroot and uid drop do.
"""
from __future__ import annotations

import dataclasses
import io
import json
import os
import time

import pytest

from grader.compare import Verdict
from grader.program import grade_code, grade_program, program_source
from grader.sandbox import run_submission
from solver.bank import load_exercise
from solver.code.solve import read_spec
from solver.errors import InputError
from solver.pipeline import solve_exercise

CODE_IDS = ["d2l-6.2-code-corr2d", "d2l-6.2-code-learn-kernel", "d2l-6.2-code-matmul",
            "d2l-6.2-code-derivative-kernel", "d2l-6.4-code-multi-in", "d2l-6.4-code-multi-in-out",
            "d2l-6.4-code-1x1", "d2l-6.5-code-pool2d"]
ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="the kernel layers (namespaces, chroot, uid drop) need root")


def _text(verdict: Verdict, lang: str = "en") -> str:
    return "\n".join(m.render(lang) for m in verdict.feedback)


# ====================================================================== solver


@pytest.mark.parametrize("ex_id", CODE_IDS)
def test_bank_code_exercise_solves_and_verifies(ex_id):
    from rich.console import Console
    from solver.render.json import to_dict
    from solver.render.markdown import render as markdown
    from solver.render.text import render as text
    sol = solve_exercise(load_exercise(ex_id), verify=True)
    assert sol.ok
    checks = [c for c in sol.checks if c.by == "torch"]
    assert [c.part for c in checks] == ["program"] and all(c.ok for c in checks)
    answer = sol.answers["program"]
    spec = read_spec(sol.exercise)
    assert answer == {"function": spec.function, "signature": spec.signature, "cases": len(spec.cases)}
    assert spec.function in sol.steps[1].text.render("en"), "the reference implementation is shown"
    compile(sol.steps[1].text.render("en"), "reference", "exec")          # and it is valid Python
    for lang in ("en", "zh"):
        data = json.loads(json.dumps(to_dict(sol, lang), ensure_ascii=False))
        assert data["answers"]["program"]["function"] == spec.function
        assert ex_id in markdown(sol, lang)
        buffer = io.StringIO()
        text(sol, lang, Console(file=buffer, width=100, color_system=None), True)
        assert "✓" in buffer.getvalue()


def test_worked_results_are_the_books():
    sol = solve_exercise(load_exercise("d2l-6.2-code-corr2d"), verify=True)   # --no-verify does not run the reference
    first = sol.steps[2].children[0].math[-1]
    assert "19 & 25" in first and "37 & 43" in first
    sol = solve_exercise(load_exercise("d2l-6.4-code-multi-in"), verify=True)
    assert "56 & 72" in sol.steps[2].children[0].math[-1]


def test_learned_kernel_approaches_the_edge_detector():
    ex = load_exercise("d2l-6.2-code-learn-kernel")
    spec = read_spec(ex)
    K = spec.reference.call(spec.cases[1].args)            # from K0 = 0, as in D2L after 10 steps
    assert abs(float(K[0, 0]) - 1) < 0.1 and abs(float(K[0, 1]) + 1) < 0.1


def test_random_inputs_are_reproducible():
    a, b = (read_spec(load_exercise("d2l-6.5-code-pool2d")) for _ in range(2))
    assert [c.args["X"].tolist() for c in a.cases] == [c.args["X"].tolist() for c in b.cases]
    assert {c.args["mode"] for c in a.cases if not c.fixed} == {"max", "avg"}


@pytest.mark.parametrize("given, field", [
    ({"function": "corr2d", "reference": "nope"}, "given.reference"),
    ({"function": "corr2d", "inputs": [{"X": [[1, 2], [3]], "K": [[1]]}]}, "given.inputs[1].X"),
    ({"function": "corr2d", "inputs": [{"X": [[1]], "K": [[1, 2]]}]}, "given.inputs[1]"),
    ({"function": "corr2d", "inputs": [{"X": [[1]], "Q": [[1]]}]}, "given.inputs[1].Q"),
    ({"function": "corr2d", "random": {"cases": 1000}}, "given.random.cases"),
    ({"function": "corr2d", "colour": 1}, "given.colour"),
    ({"function": "corr2d", "dtype": "int8"}, "given.dtype"),
    ({"function": "not an identifier"}, "given.function"),
])
def test_bad_code_exercises_are_input_errors(tmp_path, given, field):
    from solver.bank import load_file
    path = tmp_path / "ex.yaml"
    path.write_text(json.dumps({"id": "x", "kind": "code", "given": given,
                                "ask": [{"id": "program", "quantity": "program"}]}))
    with pytest.raises(InputError) as err:
        solve_exercise(load_file(path))
    assert err.value.field == field, str(err.value)


# ====================================================================== correct submissions

CORR2D = """
import torch

def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
"""

CORRECT = {
    "d2l-6.2-code-corr2d": CORR2D,
    "d2l-6.2-code-learn-kernel": """
import torch

def learn_kernel(X, Y, K0, lr=3e-2, steps=10):
    # the gradient written out, no autograd
    K = K0.clone()
    kh, kw = K.shape
    oh, ow = Y.shape
    for _ in range(steps):
        Y_hat = torch.zeros(Y.shape)
        for a in range(kh):
            for b in range(kw):
                Y_hat += K[a, b] * X[a:a + oh, b:b + ow]
        E = Y_hat - Y
        grad = torch.zeros(K.shape)
        for a in range(kh):
            for b in range(kw):
                grad[a, b] = 2 * (E * X[a:a + oh, b:b + ow]).sum()
        K = K - lr * grad
    return K
""",
    "d2l-6.2-code-matmul": CORR2D + """
def kernel_matrix(K, h, w):
    # column p is the response to the unit image with a one at pixel p
    cols = []
    for p in range(h * w):
        E = torch.zeros(h * w)
        E[p] = 1
        cols.append(corr2d(E.reshape(h, w), K).reshape(-1))
    return torch.stack(cols, dim=1)
""",
    "d2l-6.2-code-derivative-kernel": """
import torch

def derivative_kernel(d):
    K = torch.tensor([[1.0]])
    for _ in range(d):                       # (x_{n+1} - x_n) applied d times: convolve with [-1, 1]
        K = torch.cat([torch.zeros(1, 1), K], 1) - torch.cat([K, torch.zeros(1, 1)], 1)
    return K
""",
    "d2l-6.4-code-multi-in": CORR2D + """
def corr2d_multi_in(X, K):
    return sum(corr2d(x, k) for x, k in zip(X, K))
""",
    "d2l-6.4-code-multi-in-out": CORR2D + """
def corr2d_multi_in(X, K):
    return sum(corr2d(x, k) for x, k in zip(X, K))

def corr2d_multi_in_out(X, K):
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)
""",
    "d2l-6.4-code-1x1": """
import numpy as np

def corr2d_multi_in_out_1x1(X, K):          # numpy is accepted too, when the dtype is float32
    X, K = np.asarray(X), np.asarray(K)
    c_i, h, w = X.shape
    return (K.reshape(K.shape[0], c_i) @ X.reshape(c_i, h * w)).reshape(-1, h, w).astype(np.float32)
""",
    "d2l-6.5-code-pool2d": """
import torch

def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    windows = X.unfold(0, p_h, 1).unfold(1, p_w, 1)
    flat = windows.reshape(windows.shape[0], windows.shape[1], -1)
    return flat.max(-1).values if mode == 'max' else flat.mean(-1)
""",
}


@pytest.mark.parametrize("ex_id", CODE_IDS)
def test_correct_submission_passes(ex_id):
    verdict = grade_code(CORRECT[ex_id], load_exercise(ex_id))
    assert (verdict.verdict, verdict.fraction) == ("correct", 1.0), _text(verdict)
    assert "All" in _text(verdict) and "全部" in _text(verdict, "zh")


# ====================================================================== subtly wrong submissions

def _corr2d_variant(old: str, new: str) -> str:
    assert old in CORR2D
    return CORR2D.replace(old, new)


@pytest.mark.parametrize("source, verdict, case, words", [
    (_corr2d_variant("return Y", "return Y.T"), "incorrect", "fixed input 1", ["transpose"]),
    (_corr2d_variant("X.shape[0] - h + 1, X.shape[1] - w + 1", "X.shape[0] - h, X.shape[1] - w"),
     "incorrect", "fixed input 1", ["off by one", "got 1×1, expected 2×2"]),
    (_corr2d_variant("w + 1))", "w + 1), dtype=torch.float64)"), "partial", "fixed input 1",
     ["dtype", "float64", "float32"]),
    (_corr2d_variant("* K)", "* torch.flip(K, (0, 1)))"), "incorrect", "fixed input 1", ["rotated by 180°"]),
    (_corr2d_variant("return Y", "return Y.tolist()"), "incorrect", "fixed input 1", ["Returned list"]),
    (_corr2d_variant("h, w = K.shape", "h = w = K.shape[0]"), "incorrect", "fixed input 2", ["shape"]),
    (_corr2d_variant("(X[i:i + h, j:j + w] * K).sum()", "(X[i:i + h, j:j + w] * K).sum() + (i == 2)"),
     "incorrect", "fixed input 2", ["Wrong values", "index (2, 0)"]),
])
def test_wrong_corr2d_names_the_first_failing_input(source, verdict, case, words):
    v = grade_code(source, load_exercise("d2l-6.2-code-corr2d"))
    text = _text(v)
    assert v.verdict == verdict, text
    assert f"First failing input: {case}." in text
    assert "Expected:" in text or "dtype" in text or "Returned" in text
    for word in words:
        assert word in text, text
    assert "第一个未通过的输入" in _text(v, "zh")


def test_a_bug_only_random_inputs_find():
    """Average pooling divided by p_h² instead of p_h·p_w: the square fixed windows pass."""
    source = CORRECT["d2l-6.5-code-pool2d"].replace("flat.mean(-1)", "flat.sum(-1) / (p_h * p_h)")
    v = grade_code(source, load_exercise("d2l-6.5-code-pool2d"))
    text = _text(v)
    assert v.verdict == "incorrect" and "First failing input: random input" in text and "(seed 0)" in text
    assert "pool_size = (" in text, "the inputs are shown"


def test_wrong_gradient_scale_in_learn_kernel():
    source = CORRECT["d2l-6.2-code-learn-kernel"].replace("grad[a, b] = 2 *", "grad[a, b] = 1 *")
    v = grade_code(source, load_exercise("d2l-6.2-code-learn-kernel"))
    assert v.verdict == "incorrect" and "First failing input: fixed input 1." in _text(v)


@pytest.mark.parametrize("body, words", [
    ("    return torch.zeros(1100, 1000)\n", ["too large to compare"]),
    ("    return torch.full((2, 2), float('nan'))\n", ["NaN"]),
    ("    class T(torch.Tensor):\n        def tolist(self):\n            raise RuntimeError('no')\n"
     "    return T(torch.zeros(2, 2))\n", ["Returned T"]),
    ("    import numpy as np\n    return np.zeros((2, 2))\n", ["Wrong values"]),
    ("    return None\n", ["Returned NoneType"]),
])
def test_odd_return_values(body, words):
    v = grade_code("import torch\ndef corr2d(X, K):\n" + body, load_exercise("d2l-6.2-code-corr2d"))
    assert v.verdict == "incorrect"
    for word in words:
        assert word in _text(v), _text(v)


def test_numpy_float64_is_a_dtype_mistake():
    source = "import numpy as np\n" + \
        "def corr2d(X, K):\n    X, K = np.asarray(X, dtype=np.float64), np.asarray(K, dtype=np.float64)\n" \
        "    h, w = K.shape\n    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))\n" \
        "    for i in range(Y.shape[0]):\n        for j in range(Y.shape[1]):\n" \
        "            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()\n    return Y\n"
    v = grade_code(source, load_exercise("d2l-6.2-code-corr2d"))
    assert (v.verdict, v.fraction) == ("partial", 0.5) and "float64" in _text(v)


def test_exception_and_its_line_are_reported():
    source = "def corr2d(X, K):\n    return X[100, 100]\n"
    v = grade_code(source, load_exercise("d2l-6.2-code-corr2d"))
    assert v.verdict == "incorrect"
    assert "IndexError" in _text(v) and "(line 2)" in _text(v)


@pytest.mark.parametrize("source, verdict, words", [
    ("def corr2d(X, K)\n    return X\n", "unparsable", ["does not compile", "line 1"]),
    ("def corr2e(X, K):\n    return X\n", "incorrect", ["defines no function corr2d"]),
    ("corr2d = 3\n", "incorrect", ["is not a function"]),
    ("from d2l import torch as d2l\n", "incorrect", ["ModuleNotFoundError"]),
    ("   \n", "unparsable", ["empty"]),
])
def test_files_that_do_not_get_to_run(source, verdict, words):
    v = grade_code(source, load_exercise("d2l-6.2-code-corr2d"))
    assert v.verdict == verdict
    for word in words:
        assert word in _text(v), _text(v)


# ====================================================================== hostile submissions

def _quick(ex_id: str = "d2l-6.2-code-corr2d"):
    ex = load_exercise(ex_id)
    return ex, dataclasses.replace(read_spec(ex), seconds=1.0)


def _grade_hostile(source: str) -> tuple[Verdict, float]:
    ex, spec = _quick()
    start = time.monotonic()
    verdict = grade_code(source, ex, spec=spec)
    return verdict, time.monotonic() - start


@pytest.mark.parametrize("name, source, words", [
    ("endless loop", "while True:\n    pass\n", ["ran too long"]),
    ("endless loop in the function", CORR2D.replace("    return Y", "    while True:\n        pass"),
     ["ran too long"]),
    pytest.param("sleep", "import time\ntime.sleep(1000)\n", ["ran too long"], marks=pytest.mark.slow),
    ("10 GB bytearray", "x = bytearray(10 * 2**30)\n", ["more than 512 MB"]),
    ("10 GB tensor", "import torch\nx = torch.empty(10 * 2**30 // 4)\n", ["more than 512 MB"]),
    ("printing gigabytes", "while True:\n    print('x' * 100000)\n", ["printed more than 64 KB"]),
    ("one huge write", "import sys\nsys.stdout.write('y' * (50 * 2**20))\n", ["printed more than 64 KB"]),
    ("fork bomb", "import os\nwhile True:\n    os.fork()\n", ["os.fork"]),
    ("subprocess", "import subprocess\nsubprocess.run(['ls', '/'])\n", ["subprocess"]),
    ("network", "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)\n", ["network"]),
    ("reading /etc/passwd", "SECRET = open('/etc/passwd').read()\n", ["/etc/passwd", "outside the working"]),
    ("reading ../", "SECRET = open('../io/cases.json').read()\n", ["../io/cases.json"]),
    ("ctypes", "import ctypes, os\nctypes.CDLL(None).kill(os.getppid(), 9)\n", ["ctypes"]),
    ("torch's native file loader", "import torch\nt = torch.from_file('/etc/passwd', size=8, dtype=torch.uint8)\n",
     ["native"]),
    ("killing the parent", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", ["os.kill"]),
    ("killing the group", "import os, signal\nos.killpg(0, signal.SIGKILL)\n", ["os.killpg"]),
    ("raising the limits", "import resource\nresource.setrlimit(resource.RLIMIT_CPU, (-1, -1))\n",
     ["resource.setrlimit"]),
    ("segfault (C stack overflow)", "import sys, json\nsys.setrecursionlimit(10**7)\n"
     "json.loads('[' * 10**6 + ']' * 10**6)\n", ["stopped abnormally", "SIGSEGV"]),
    ("exit before results", "import os\nos._exit(0)\n", ["ended before returning"]),
    ("SystemExit", "raise SystemExit(3)\n", ["SystemExit"]),
])
def test_hostile_submission_is_contained_and_reported(name, source, words):
    v, seconds = _grade_hostile(source)
    text = _text(v)
    assert v.verdict in ("incorrect", "unparsable") and v.fraction == 0, text
    for word in words:
        assert word in text, f"{name}: {text}"
    assert seconds < 5, f"{name} took {seconds:.1f} s"
    assert _text(v, "zh")


def test_os_system_does_not_write_outside(tmp_path):
    target = tmp_path / "pwned"
    v, seconds = _grade_hostile(f"import os\nos.system('echo pwned > {target}')\n" + CORR2D)
    assert not target.exists()
    assert v.verdict == "incorrect" and "os.system" in _text(v)


def test_a_caught_refusal_passes_the_tests_but_needs_review(tmp_path):
    target = tmp_path / "pwned"
    source = f"import os\ntry:\n    os.system('echo pwned > {target}')\nexcept PermissionError:\n    pass\n" + CORR2D
    v, _ = _grade_hostile(source)
    assert not target.exists()
    assert v.verdict == "needs_review" and v.fraction == 0 and "os.system" in _text(v)


def test_files_in_its_own_directory_are_allowed():
    source = "open('scratch.txt', 'w').write('ok')\nassert open('scratch.txt').read() == 'ok'\n" + CORR2D
    v, _ = _grade_hostile(source)
    assert v.verdict == "correct", _text(v)


def test_the_grader_survives_and_the_sandbox_still_works():
    """After all the hostile runs above (same server): a correct file still passes, quickly."""
    start = time.monotonic()
    v = grade_code(CORR2D, load_exercise("d2l-6.2-code-corr2d"))
    assert v.verdict == "correct" and time.monotonic() - start < 5


# ---------------------------------------------------------------- the kernel layers on their own


def _raw(source: str, **kw):
    start = time.monotonic()
    kw.setdefault("mode", "namespaces")
    r = run_submission(source + "\ndef f(x):\n    return x\n", "f", [{"args": [1]}], timeout_s=1, **kw)
    assert time.monotonic() - start < 6
    return r


@needs_root
def test_kernel_layers_are_active_when_root():
    r = _raw("")
    assert {"process", "session", "rlimits", "netns", "pidns", "chroot", "uid", "audit"} <= set(r.layers)


@needs_root
def test_without_the_audit_hook_the_parent_cannot_be_killed():
    me = os.getpid()
    for source in ("import os\nos.kill(os.getppid(), 9)\n", f"import os\nos.kill({me}, 9)\n",
                   "import os\nos.killpg(os.getpgid(0), 9)\n"):
        r = _raw(source, audit=False)
        assert r.status in ("ok", "load_error", "supervisor", "crashed"), (source, r)
    assert os.getpid() == me                   # still here
    assert _raw("").status == "ok"


@needs_root
def test_without_the_audit_hook_files_network_and_shell_are_still_out_of_reach(tmp_path):
    target = tmp_path / "pwned"
    r = _raw(f"import os\nos.system('echo pwned > {target}')\n", audit=False)
    assert r.status == "ok" and not target.exists()                # no shell in the chroot
    r = _raw("open('/etc/passwd').read()\n", audit=False)
    assert r.status == "load_error" and "FileNotFoundError" in r.detail
    r = _raw("import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)\n", audit=False)
    assert r.status == "load_error" and "unreachable" in r.detail   # an empty network namespace
    r = _raw("import os\nos.setuid(0)\n", audit=False)
    assert r.status == "load_error" and "PermissionError" in r.detail


@needs_root
@pytest.mark.slow
def test_without_the_audit_hook_a_fork_bomb_ends_with_the_run():
    start = time.monotonic()
    r = _raw("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
             audit=False)
    assert r.status in ("timeout", "no_result", "crashed", "supervisor") and time.monotonic() - start < 5
    assert _raw("").status == "ok"


def test_in_process_guard_alone_still_refuses(tmp_path):
    """isolate=False: no namespaces, chroot or uid drop — the audit hook and the rlimits remain."""
    target = tmp_path / "pwned"
    for source, word in ((f"import os\nos.system('echo pwned > {target}')\n", "os.system"),
                         ("open('/etc/passwd').read()\n", "/etc/passwd"),
                         ("import os\nos.kill(os.getppid(), 9)\n", "os.kill"),
                         ("import socket\nsocket.socket()\n", "network")):
        r = _raw(source, isolate=False)
        assert r.status == "load_error" and any(word in b for b in r.blocked), (source, r)
    assert not target.exists()
    r = _raw("while True:\n    pass\n", isolate=False)
    assert r.status == "timeout"


# ====================================================================== answer files


def test_program_source_inline_or_file_next_to_the_answers(tmp_path):
    (tmp_path / "s1").mkdir()
    (tmp_path / "s1" / "corr2d.py").write_text(CORR2D)
    assert program_source("s1/corr2d.py", tmp_path) == (CORR2D, None)
    assert program_source(CORR2D, tmp_path) == (CORR2D, None)
    source, problem = program_source("../outside.py", tmp_path / "s1")
    assert source is None and "outside" in problem.render("en")
    source, problem = program_source("missing.py", tmp_path)
    assert source is None and "not found" in problem.render("en")
    v = grade_program("s1/corr2d.py", load_exercise("d2l-6.2-code-corr2d"), tmp_path)
    assert v.verdict == "correct"


@pytest.mark.parametrize("before, after", [
    ("我的实现如下：\n```python\n", "```\n"),
    ("My solution:\n\n```python\n", "```\nThat's it — the loops slide the kernel.\n"),
    ("```\n", "```\n以上就是我的代码，用两重循环实现。\n"),
    ("代码如下\n```python\n", "```\n完成\n"),        # lines of words alone: Python would read them as names
    ("```python\n", "```\n以上\n"),
    ("Solution\n```python\n", "```\nDone.\n"),
])
def test_inline_code_among_words_in_a_markdown_sheet_keeps_its_indentation(tmp_path, before, after):
    """As students hand it in: a sentence, a fenced block, maybe a closing sentence — the code is graded, its
    indentation intact (the fences are dropped by the reader; the words around are not Python)."""
    from grader.answers import read_sheet
    from grader.grade import grade_sheet
    sheet = tmp_path / "s1.md"
    sheet.write_text("## d2l-6.2-code-corr2d\n" + before + CORR2D.rstrip("\n") + "\n" + after, encoding="utf-8")
    result = grade_sheet(read_sheet(sheet))
    assert [p.verdict for p in result.parts] == ["correct"], [p.feedback for p in result.parts]
