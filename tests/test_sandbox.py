"""The cage for student programs, attacked: pure-Python escapes, forged results, hidden refusals, processes
left behind, Ctrl-C and ``kill -9`` of the grader — in every strong mode this machine offers (bubblewrap,
root namespaces), with the in-process guard on and off, and once more as an unprivileged user (a user
namespace mapping uid 1000, no capabilities) when the tests run as root.

Each escape returns or prints what it got: the test asserts that a secret token never appears anywhere in
the run's result, that no file appeared outside, that the grader is still alive and that no process the
program started is left.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.program import grade_code
from grader.sandbox import (MALFORMED, _bwrap_works, _result, clean_results, run_submission,
                            sandbox_mode)
from solver.bank import load_exercise

ROOT = os.geteuid() == 0
STRONG = [m for m, ok in (("bwrap", _bwrap_works()), ("namespaces", ROOT)) if ok]
CORR2D = """import torch

def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
"""
RETURN_F = "\ndef f(x):\n    return globals().get('GOT', x)\n"


def _descendants(pid: int | None = None) -> set[int]:
    """Pids of every process below ``pid`` (default: this test process), from /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, todo = set(), [pid or os.getpid()]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def _alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.add(pid)
        except OSError:
            pass
    return out


@pytest.fixture(autouse=True)
def _no_process_left_behind():
    """After every test: each sandbox server has nothing below it but itself (bubblewrap's one child)."""
    yield
    from grader.sandbox import _ZYGOTES
    for mode, z in _ZYGOTES.items():
        if z.proc is None or z.proc.poll() is not None:
            continue
        deadline = time.monotonic() + 5
        while len(_alive(_descendants(z.proc.pid))) > (1 if mode == "bwrap" else 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _alive(_descendants(z.proc.pid))
        assert len(left) <= (1 if mode == "bwrap" else 0), f"{mode}: processes left: {left}"


def _run(source: str, mode: str, audit: bool = True, timeout_s: float = 2):
    return run_submission(source + RETURN_F, "f", [{"args": [1]}], timeout_s=timeout_s, mode=mode, audit=audit)


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    token = "TOKEN-" + os.urandom(8).hex()
    path = tmp_path / "s002" / "answers.md"
    path.parent.mkdir()
    path.write_text(f"# hw-q3\nparams: {token}\n")
    os.chmod(tmp_path, 0o755)
    return path, token


ESCAPES = {
    "posixpath patched": "import posixpath\n"
                         "posixpath._joinrealpath = lambda path, rest, *a: ('{work}/x', True)\n"
                         "posixpath.realpath = lambda p, *a, **k: '{work}/x'\n"
                         "GOT = open({path!r}).read()\n",
    "custom __fspath__": "class P:\n    n = 0\n    def __fspath__(self):\n        P.n += 1\n"
                         "        return {path!r} if P.n == 1 else 'ok.txt'\n"
                         "GOT = open(P()).read()\n",
    "torch native loader": "import torch\nS = getattr(torch._C, 'StorageBase', None) or torch.UntypedStorage\n"
                           "GOT = bytes(S.from_file({path!r}, False, 40).tolist()).decode()\n",
    "classmate's file": "GOT = open({path!r}).read()\n",
    "listing the class": "import os\nGOT = str(os.listdir({folder!r}))\n",
}


@pytest.mark.parametrize("audit", [True, False])
@pytest.mark.parametrize("mode", STRONG)
@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_files_outside_stay_out_of_reach(name, mode, audit, secret):
    path, token = secret
    source = ESCAPES[name].format(path=str(path), folder=str(path.parent), work="/tmp")
    r = _run(source, mode, audit)
    assert token not in repr(r) and "answers.md" not in repr(r.results), (name, r)


def test_the_guard_alone_resolves_paths_with_its_own_functions(secret):
    """Mode weak (no kernel layers): patching posixpath or a lying __fspath__ does not move the hook's checks."""
    path, token = secret
    for name in ("posixpath patched", "custom __fspath__", "classmate's file"):
        r = _run(ESCAPES[name].format(path=str(path), folder=str(path.parent), work="/tmp"), "weak")
        assert token not in repr(r) and r.status == "load_error" and r.blocked, (name, r)


@pytest.mark.parametrize("mode", STRONG)
@pytest.mark.slow
def test_nothing_a_program_starts_outlives_its_part(mode, tmp_path):
    target = tmp_path / "pwned"
    os.chmod(tmp_path, 0o777)
    _run("", mode)                                              # the zygote is up
    before = _descendants()
    source = ("import os, time, subprocess\n"
              "for _ in range(3):\n"
              "    if os.fork() == 0:\n"
              "        os.setsid()\n"
              "        time.sleep(1)\n"
              f"        open({str(target)!r}, 'w').write('late')\n"
              "        os._exit(0)\n"
              "try:\n"
              f"    subprocess.Popen(['/bin/sh', '-c', 'sleep 1; echo pwned > {target}'], start_new_session=True)\n"
              "except Exception:\n"
              "    pass\n")
    r = _run(source, mode, audit=False)
    assert r.status == "ok", r
    after = _alive(_descendants())
    assert len(after) <= len(before), (before, after)           # only the server itself is left
    time.sleep(1.5)
    assert not target.exists()


@pytest.mark.parametrize("mode", STRONG)
@pytest.mark.slow
def test_the_grader_cannot_be_signalled_or_reached_by_network(mode):
    me = os.getpid()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    attacks = [f"import os, signal\nfd = os.pidfd_open({me})\nsignal.pidfd_send_signal(fd, signal.SIGKILL)\n",
               f"import os\nos.kill({me}, 9)\n",
               f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=1)\ns.send(b'x')\n",
               f"import torch.distributed as d\nd.TCPStore('127.0.0.1', {port}, 1, False, timeout=__import__("
               "'datetime').timedelta(seconds=1))\n"]
    try:
        for source in attacks:
            r = _run(source, mode, audit=False)
            assert r.status in ("ok", "load_error", "crashed", "no_result", "timeout"), (source, r)
        with pytest.raises(BlockingIOError):
            listener.accept()                                   # nobody connected
    finally:
        listener.close()
    assert os.getpid() == me


# ====================================================================== forged results, hidden refusals


def _grade(source: str):
    ex = load_exercise("d2l-6.2-code-corr2d")
    return grade_code(source, ex)


def _text(v) -> str:
    return "\n".join(m.render("en") for m in v.feedback)


@pytest.mark.skipif(not STRONG, reason="no strong sandbox here")
@pytest.mark.parametrize("name, source", [
    ("an object posing as np.ndarray", "import numpy as np\nclass Fake:\n    __class__ = np.ndarray\n"
     "    shape = ['x']\n    dtype = 'float32'\n    size = 4\n    def tolist(self):\n        return 'x'\n"
     "def corr2d(X, K):\n    return Fake()\n"),
    ("a tensor subclass lying about its data", "import torch\nclass T(torch.Tensor):\n"
     "    def tolist(self):\n        return [[1.0]]\n"
     "def corr2d(X, K):\n    return torch.zeros(1).as_subclass(T)\n"),
    ("json's encoder replaced", "import json\njson.JSONEncoder.encode = lambda self, o: "
     "'{\"status\": \"ok\", \"results\": [{\"value\": 5}, {\"value\": {\"kind\": \"torch\", \"shape\": [\"x\"]}}]}'\n"
     "def corr2d(X, K):\n    return X\n"),
    ("json.dumps replaced", "import json\njson.dumps = lambda *a, **k: '{\"results\": [{\"value\": 5}]}'\n"
     "def corr2d(X, K):\n    return X\n"),
])
def test_forged_results_are_a_verdict_not_a_crash(name, source):
    v = _grade(source)
    assert v.verdict == "incorrect" and v.fraction == 0, (name, _text(v))


@pytest.mark.parametrize("done", [
    None, [], "x", {"worker": "x"}, {"worker": {"status": "ok", "results": "x"}, "exit": 0},
    {"worker": {"status": "ok", "results": [{"value": 5}, 7, None, {"error": 3}]}, "exit": 0},
    {"worker": {"status": "ok", "results": [{"value": {"kind": "torch", "dtype": "float32", "shape": ["x"],
                                                       "data": []}}]}, "exit": 0},
    {"worker": {"status": "ok", "results": [{"value": {"kind": "torch", "dtype": "float32", "shape": [2],
                                                       "data": [1, "2"]}}]}, "exit": 0},
    {"worker": {"status": "ok", "results": [{"value": {"kind": "numpy", "dtype": "float32", "shape": [10 ** 9] * 8,
                                                       "too_big": 1}}]}, "exit": 0},
    {"worker": {"status": "ok", "blocked": [1, {"a": 2}], "layers": "x", "line": "3"}, "exit": "0",
     "seconds": "1", "stdout": 5, "refusals": {"x": 1}},
    {"reason": "timeout", "exit": None}, {"exit": 10 ** 30, "cage_signal": "x"},
])
def test_any_report_from_the_worker_is_checked_field_by_field(done):
    r = _result(done, 1.0)
    assert isinstance(r.status, str) and all(isinstance(b, str) for b in r.blocked)
    assert isinstance(r.stdout, str) and isinstance(r.seconds, float)
    for item in r.results:
        assert set(item) <= {"value", "error", "line", "malformed"}


def test_clean_results_keeps_good_values_and_marks_the_rest():
    good = {"value": {"kind": "torch", "dtype": "float32", "shape": [2], "data": [1, 2.5]}}
    out = clean_results([good, {"value": 5}, {"error": "ValueError: x", "line": 3}], 4)
    assert out[0] == {"value": {"kind": "torch", "dtype": "float32", "shape": [2], "data": [1.0, 2.5]}}
    assert out[1] == MALFORMED
    assert out[2] == {"error": "ValueError: x", "line": 3}
    assert out[3]["error"] == "no result"


@pytest.mark.skipif(not STRONG, reason="no strong sandbox here")
def test_a_refusal_cleared_from_the_result_still_shows():
    source = ("try:\n    open('/etc/passwd')\nexcept Exception:\n    pass\nimport sys\n"
              "f = sys._getframe()\nwhile f is not None:\n"
              "    for v in list(f.f_locals.values()):\n"
              "        if isinstance(v, list) and v and isinstance(v[0], str) and 'passwd' in v[0]:\n"
              "            v.clear()\n"
              "    f = f.f_back\n") + CORR2D
    v = _grade(source)
    assert v.verdict == "needs_review" and "/etc/passwd" in _text(v), _text(v)


@pytest.mark.skipif(not STRONG, reason="no strong sandbox here")
def test_hiding_the_refusal_channel_ends_the_run():
    source = "import os\nos.close(3)\ntry:\n    open('/etc/passwd')\nexcept Exception:\n    pass\n" + CORR2D
    v = _grade(source)
    assert v.verdict == "incorrect" and "hide" in _text(v), _text(v)


def test_without_a_strong_sandbox_programs_are_not_run_unless_allowed(monkeypatch):
    monkeypatch.setenv("CNN_SANDBOX", "weak")
    monkeypatch.delenv("CNN_ALLOW_WEAK_SANDBOX", raising=False)
    v = _grade(CORR2D)
    assert v.verdict == "needs_review" and "--allow-weak-sandbox" in _text(v)
    assert "沙箱" in v.feedback[0].render("zh")
    monkeypatch.setenv("CNN_ALLOW_WEAK_SANDBOX", "1")
    assert _grade(CORR2D).verdict == "correct"


def test_the_strongest_mode_is_chosen():
    expected = "bwrap" if _bwrap_works() else ("namespaces" if ROOT else "weak")
    assert sandbox_mode() == expected or os.environ.get("CNN_SANDBOX")


# ====================================================================== the grader interrupted


def _class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "sleepy.py").write_text("import time\ntime.sleep(60)\n" + CORR2D)
    (folder / "s001.yaml").write_text('answers:\n  "d2l-6.2-code-corr2d": {program: sleepy.py}\n')
    return folder


def _grade_process(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, Path]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), CNN_SANDBOX=mode)
    grade = shutil.which("grade", path=os.path.dirname(sys.executable)) or "grade"
    proc = subprocess.Popen([grade, str(_class(tmp_path))], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    return proc, tmp


def _wait_for_the_cage(proc: subprocess.Popen, n: int) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        tree = _descendants(proc.pid)
        if len(tree) >= n:
            time.sleep(0.5)
            return _descendants(proc.pid)
        time.sleep(0.1)
    raise AssertionError(f"the sandbox did not start: {tree}")


def _gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
@pytest.mark.parametrize("mode", STRONG)
def test_interrupting_the_grader_leaves_no_process_and_no_folder(tmp_path, mode, how):
    proc, tmp = _grade_process(tmp_path, mode)
    tree = _wait_for_the_cage(proc, 4 if mode == "bwrap" else 3)   # (bwrap,) zygote, cage, worker
    os.kill(proc.pid, how)
    proc.wait(timeout=20)
    assert not _gone(tree), f"left running: {_alive(tree)}"
    if mode == "bwrap" or how == signal.SIGINT:
        assert not list(tmp.iterdir()), list(tmp.iterdir())
    else:                                     # kill -9 leaves the folder of a root zygote: the next run sweeps it
        from grader.sandbox import _sweep_stale_homes
        env_tmp = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = str(tmp)
        import tempfile
        tempfile.tempdir = None
        try:
            _sweep_stale_homes()
        finally:
            if env_tmp is None:
                os.environ.pop("TMPDIR")
            else:
                os.environ["TMPDIR"] = env_tmp
            tempfile.tempdir = None
        assert not list(tmp.iterdir())


# ====================================================================== as an unprivileged user


@pytest.mark.slow
@pytest.mark.skipif(not ROOT or not shutil.which("unshare") or os.environ.get("CNN_UNPRIVILEGED_RUN") == "1",
                    reason="needs root to start an unprivileged user namespace")
def test_the_same_attacks_as_an_unprivileged_user(tmp_path):
    """This file and the hostile-files suites again, as uid 1000 without capabilities (a user namespace):
    bubblewrap must still work and hold, and the root-only mode is skipped."""
    probe = subprocess.run(["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"])
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here")
    env = dict(os.environ, CNN_UNPRIVILEGED_RUN="1")
    env.pop("CNN_SANDBOX", None)
    done = subprocess.run(["unshare", "--user", "--map-user=1000", "--map-group=1000", sys.executable, "-m",
                           "pytest", "-o", "addopts=", "-q", "-x", "-p", "no:cacheprovider", __file__,
                           str(Path(__file__).with_name("test_hostile_inputs.py")),
                           str(Path(__file__).with_name("test_hostile_outputs.py"))],
                          env=env, capture_output=True, text=True, timeout=600, cwd=str(Path(__file__).parent.parent))
    tail = done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0, tail
    assert re.search(r"\b([2-9]\d|\d{3}) passed", tail), tail                # the attacks ran, not skipped


# ====================================================================== whose program


def _class_folder(tmp_path: Path, flat: bool) -> Path:
    folder = tmp_path / "class"
    for sid in ("s001", "s002"):
        base = folder if flat else folder / sid
        (base / sid).mkdir(parents=True, exist_ok=True)
        (base / sid / "corr2d.py").write_text(CORR2D)
    return folder


def test_a_flat_class_folder_keeps_each_program_to_its_student(tmp_path):
    """s002 names s001's program: refused in a folder both share; its own is accepted."""
    from grader.program import program_source
    folder = _class_folder(tmp_path, flat=True)
    for sid in ("s001", "s002"):
        (folder / f"{sid}.yaml").write_text('answers:\n  "d2l-6.2-code-corr2d": {program: s001/corr2d.py}\n')
    (folder / "s002_corr2d.py").write_text(CORR2D)
    source, problem = program_source("s001/corr2d.py", folder, ("s002", "s002"))
    assert source is None and "s002" in problem.render("en") and "s002" in problem.render("zh")
    assert program_source("s002/corr2d.py", folder, ("s002", "s002")) == (CORR2D, None)
    assert program_source("s002_corr2d.py", folder, ("s002", "s002")) == (CORR2D, None)
    assert program_source("s001/corr2d.py", folder, ("s001", "s001")) == (CORR2D, None)


def test_a_folder_per_student_allows_any_file_inside(tmp_path):
    from grader.program import program_source
    folder = _class_folder(tmp_path, flat=False)
    (folder / "s001" / "answers.yaml").write_text("answers: {}\n")
    (folder / "s001" / "README.md").write_text("notes\n")
    (folder / "s001" / "mine.py").write_text(CORR2D)
    assert program_source("mine.py", folder / "s001", ("answers", "s001")) == (CORR2D, None)
    source, problem = program_source("../s002/s002/corr2d.py", folder / "s001", ("answers", "s001"))
    assert source is None


DATALOADER = """import torch
from torch.utils.data import DataLoader, Dataset


class Pairs(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return torch.full((2,), float(i)), i


def f(x):
    return torch.cat([b[0] for b in DataLoader(Pairs(), batch_size=2, shuffle=False)]).sum() * x
"""


@pytest.mark.parametrize("mode", STRONG)
def test_iterating_a_dataloader_is_not_a_refusal(mode):
    """A DataLoader's first batch imports a profiler module lazily (torch's record_function); the zygote's
    warm-up imports it before the fork, so a right program is refused nothing and prints nothing."""
    r = run_submission(DATALOADER, "f", [{"args": [1]}], timeout_s=5, mode=mode)
    assert (r.status, r.blocked, r.stderr) == ("ok", [], ""), r
    assert r.results[0]["value"]["data"] == [20.0]                  # 2·(0 + 1 + 2 + 3 + 4)


@pytest.mark.parametrize("mode", STRONG)
def test_the_warm_up_does_not_widen_what_a_program_may_read(mode):
    """The DataLoader warm-up widens nothing. As root the worker is chrooted into its run folder, so even torch's
    own source files are out of reach; without root (no chroot) the Python runtime on ``sys.path`` is readable by
    design (imports need it; README, threat model), and a file outside it — the host's /etc/passwd — is still
    refused after the warm-up."""
    chrooted = os.geteuid() == 0
    target = "m.__file__" if chrooted else "'/etc/passwd'"
    source = (f"import torch.utils.data.dataloader as m\nGOT = open({target}).read()[:40]\n" + RETURN_F)
    r = run_submission(source, "f", [{"args": [1]}], timeout_s=5, mode=mode)
    assert r.status != "ok" or r.blocked, r
    expected = "dataloader.py" if chrooted else "/etc/passwd"
    assert any(expected in b for b in r.blocked) or r.status == "load_error", r
