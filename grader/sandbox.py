"""Run a student's Python file in a sandbox and grade the function it defines (``quantity: program``).

Program parts are the one place where student input is executed. The grader never imports a submission:
:mod:`grader.cage` (a separate script) runs it, and everything that comes back is validated here as
untrusted data. Containment, outermost first (what was active is listed in :attr:`SandboxResult.layers`):

1. **bubblewrap** (mode ``bwrap``, the default wherever ``bwrap`` runs, root or not): the *zygote* — the
   server that imported torch once and forks one *cage* per submission — lives in new user (when not
   root), mount, PID, network, IPC, UTS and cgroup namespaces: it sees a read-only view of the system
   libraries and the Python runtime only (no ``/home``, ``/root``, ``/etc``, no class folder, no answer
   files), a fresh ``/tmp`` in memory where each run gets its folder, no network at all, and no process of
   the host. It is PID 1 of its namespace: after each run it kills every other process in it, so nothing
   a submission starts outlives its part; ``--die-with-parent`` ends it all when the grader ends, even by
   ``kill -9``, and nothing is left on disk. As root, the zygote keeps only the capabilities it needs to
   put each worker in a ``chroot`` of its run folder as the user *nobody* (whose processes
   ``RLIMIT_NPROC`` counts); without root it has none.
2. **Namespaces, chroot and nobody** (mode ``namespaces``: root without bubblewrap): the cage unshares a
   network and a PID namespace (the worker is its init: when it ends, everything it started ends), the
   worker chroots into its run folder and drops to uid/gid 65534.
3. **Separate processes and resource limits** (all modes): the cage has its own session and process
   group, killed when the run ends; the worker's parent is the cage, never the grader; ``RLIMIT_CPU``,
   ``RLIMIT_AS`` (what the worker already maps + ``memory_mb``), ``RLIMIT_NOFILE`` 64, ``RLIMIT_FSIZE``
   16 MB, ``RLIMIT_NPROC``, no core files; a wall clock and an output cap (64 KB) enforced by the zygote;
   ``PR_SET_PDEATHSIG`` from grader to zygote to cage to worker.
4. **In-process guard** — defence in depth, *not* a boundary (native code bypasses it): an audit hook
   refuses opening files outside the run folder (paths resolved by functions bound before the submission
   runs), processes, signals, sockets, ``ctypes``, ``gc`` introspection and ``setrlimit``; torch's native
   file loaders are replaced. Each refusal is reported on its own pipe the moment it happens: a program
   that catches the ``PermissionError`` and clears its own records is still sent to review.

Mode ``weak`` (no bubblewrap, not root) has only layers 3 and 4: a submission could read what the
grader's user can read, use the network and leave processes behind. Program parts are then **not run**
(``needs_review``) unless the teacher allows it explicitly (``grade --allow-weak-sandbox``).
``CNN_SANDBOX=bwrap|namespaces|weak`` forces a mode (tests do); the default picks the strongest.

Results: the worker encodes the function's return value inside the cage through the genuine types' own
methods (an object posing as an array by its ``__class__`` is "other"); :func:`clean_results` checks every
field's type and size here, and the comparison works on plain floats, never on student objects.

Dtype policy: D2L builds outputs with ``torch.zeros`` (float32), so by default a result must be float32
(``given.dtype: any`` accepts float64 too). A numpy array is accepted like a tensor. Values compare with
``torch.allclose(rtol, atol · max(1, max |expected|))``; shapes exactly. A result that is right except
for its dtype scores ``partial`` (half the points, or the part's ``partial``).

Example:
    >>> r = run_submission("def f(x):\\n    return x * 2\\n", "f", [{"args": [3]}])
    >>> r.status, r.results[0]["value"]["repr"]
    ('ok', '6')
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .cage import common as cage

MAX_SOURCE_BYTES = 256 * 1024
OUTPUT_LIMIT = 64 * 1024
MODES = ("bwrap", "namespaces", "weak")
_ALLOW_WEAK = False


@dataclass
class SandboxResult:
    """What one run produced.

    ``status``: ok (the file loaded; per-case outcomes in ``results``), syntax, missing (no such function),
    not_callable, load_error (the file raised while loading), memory, timeout, output (printed too much),
    crashed (killed by a signal), no_result (ended without results), supervisor (killed its supervising
    process), hidden (hid a refusal of the guard), internal (the sandbox itself failed).
    ``results``: per case ``{"value": encoded}`` or ``{"error": "Type: message", "line": n}``, validated
    by :func:`clean_results`.
    """

    status: str
    results: list[dict] = field(default_factory=list)
    detail: str = ""
    line: int | None = None
    blocked: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    output_bytes: int = 0
    seconds: float = 0.0
    signal: int | None = None
    layers: list[str] = field(default_factory=list)


# ====================================================================== which cage


def allow_weak_sandbox(allow: bool = True) -> None:
    """Let program parts run in mode ``weak`` (the teacher's explicit choice: ``grade --allow-weak-sandbox``)."""
    global _ALLOW_WEAK
    _ALLOW_WEAK = bool(allow)


def weak_allowed() -> bool:
    return _ALLOW_WEAK or os.environ.get("CNN_ALLOW_WEAK_SANDBOX") == "1"


def _runtime_paths() -> list[str]:
    """Folders the zygote imports from: torch's and numpy's parents (site-packages)."""
    import importlib.util
    out: list[str] = []
    for name in ("torch", "numpy"):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            parent = os.path.dirname(list(spec.submodule_search_locations)[0])
            if parent not in out:
                out.append(parent)
    return out


CAGE_DIR = os.path.dirname(os.path.abspath(cage.__file__))
CAGE_SCRIPT = "/opt/cnn-cage/server.py"       # where bubblewrap shows grader/cage/server.py to the zygote
ROOT_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SYS_CHROOT", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
             "CAP_KILL")


def bwrap_command(argv: list[str]) -> list[str]:
    """``bwrap`` options that show ``argv`` only the system libraries and the Python runtime, read-only."""
    import shutil
    exe = shutil.which("bwrap") or "bwrap"
    args = [exe, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL"]
    if os.geteuid() == 0:
        for cap in ROOT_CAPS:
            args += ["--cap-add", cap]
    else:
        args += ["--unshare-user"]
    args += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    seen: list[str] = []
    for path in (sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)),
                 *_runtime_paths()):
        real = os.path.realpath(path)
        if any(real == s or real.startswith(s.rstrip("/") + "/") for s in seen) or real.startswith("/usr/"):
            continue
        seen.append(real)
        args += ["--ro-bind", real, real]
    args += ["--ro-bind", CAGE_DIR, os.path.dirname(CAGE_SCRIPT),
             "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp", "--", *argv]
    return args


@lru_cache(maxsize=1)
def _bwrap_works() -> bool:
    import shutil
    import subprocess
    if not shutil.which("bwrap"):
        return False
    try:
        done = subprocess.run(bwrap_command([sys.executable, "-I", "-S", "-c", "pass"]), capture_output=True,
                              timeout=20, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def sandbox_mode() -> str:
    """The strongest containment this machine offers (see the module docstring), or ``CNN_SANDBOX``."""
    forced = os.environ.get("CNN_SANDBOX", "")
    if forced in MODES:
        return forced
    if _bwrap_works():
        return "bwrap"
    return "namespaces" if os.geteuid() == 0 else "weak"


# ====================================================================== the zygote, from the grader's side


class _Zygote:
    """The forking server of one mode, started on first use and restarted when it dies."""

    def __init__(self, mode: str) -> None:
        import threading
        self.mode = mode
        self.proc: Any = None
        self.buffer = b""
        self.lock = threading.Lock()
        self.home = ""
        self.log: Any = None
        self.owner = 0                                  # the process that started it (a fork must not share it)

    def start(self) -> None:
        import subprocess
        import tempfile
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        if self.mode == "bwrap":
            argv = bwrap_command([sys.executable, "-I", "-S", CAGE_SCRIPT, "--serve", *_runtime_paths()])
            env.update(HOME="/tmp", TMPDIR="/tmp")
            self.home, cwd = "", None
        else:
            _sweep_stale_homes()
            self.home = tempfile.mkdtemp(prefix=f"cnn-zygote-{os.getpid()}-")
            os.chmod(self.home, 0o711)
            argv = [sys.executable, "-I", "-S", os.path.join(CAGE_DIR, "server.py"), "--serve", *_runtime_paths()]
            env.update(HOME=self.home, TMPDIR=self.home)
            cwd = self.home
        self.log = tempfile.TemporaryFile()             # unlinked: nothing left behind

        def preexec() -> None:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            cage.die_with_parent()

        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     cwd=cwd, env=env, start_new_session=True, close_fds=True, preexec_fn=preexec)
        self.owner = os.getpid()
        self.buffer = b""
        ready = self._read(time.monotonic() + 120)
        if not ready or not ready.get("ready"):
            tail = self._log_tail()
            self.stop()
            raise RuntimeError("the sandbox did not start: " + tail)

    def _log_tail(self) -> str:
        try:
            self.log.seek(0, os.SEEK_END)
            size = self.log.tell()
            self.log.seek(max(0, size - 500))
            return self.log.read().decode("utf-8", "replace").strip() or "no message"
        except (OSError, ValueError, AttributeError):
            return "no message"

    def _read(self, deadline: float) -> dict | None:
        """One JSON line from the zygote, or None when it died or the deadline passed."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            out = json.loads(line)
        except (ValueError, RecursionError):
            return None
        return out if isinstance(out, dict) else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.owner != os.getpid():                   # inherited through a fork: the parent's to stop
            self.proc = None
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except Exception:
            pass
        for stream in (self.proc.stdin, self.proc.stdout, self.log):
            try:
                stream.close()
            except Exception:
                pass
        self.proc = None
        if self.home:
            import shutil
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = ""

    def run(self, req: dict, deadline_s: float) -> dict:
        """Send one request; the zygote's answer, or a status the grader decided on its own."""
        with self.lock:
            if self.owner != os.getpid() or not self.alive():
                self.stop()
                self.start()
            try:
                self.proc.stdin.write((json.dumps(req) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.stop()
                return {"internal": "the sandbox stopped"}
            deadline = time.monotonic() + deadline_s
            started = self._read(deadline)
            if started and isinstance(started.get("done"), dict):
                return started["done"]                  # the zygote failed before starting the cage
            if not started or "started" not in started:
                self.stop()
                return {"internal": "the sandbox did not start the program"}
            done = self._read(deadline)
            if done and isinstance(done.get("done"), dict):
                return done["done"]
            died = not self.alive()
            self.stop()                                 # kills the whole server, cage and worker included
            return {"supervisor": True} if died else {"reason": "timeout", "exit": None, "output_bytes": 0,
                                                       "stdout": "", "stderr": "", "seconds": deadline_s}


_ZYGOTES: dict[str, _Zygote] = {}


def _zygote(mode: str) -> _Zygote:
    if mode not in _ZYGOTES:
        _ZYGOTES[mode] = _Zygote(mode)
    return _ZYGOTES[mode]


def stop_all() -> None:
    """Stop every zygote this process started (also run at exit)."""
    for z in _ZYGOTES.values():
        z.stop()


atexit.register(stop_all)


def _sweep_stale_homes() -> None:
    """Remove the folders of zygotes whose grader died without cleaning up (``kill -9``)."""
    import glob
    import shutil
    import tempfile
    for path in glob.glob(os.path.join(tempfile.gettempdir(), "cnn-zygote-*-*")):
        try:
            pid = int(os.path.basename(path).split("-")[2])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue                                    # its grader is alive
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        if os.stat(path).st_uid == os.geteuid():
            shutil.rmtree(path, ignore_errors=True)


def run_submission(source: str | bytes, function: str, cases: list[dict], *, timeout_s: float = 5,
                   memory_mb: int = 512, output_limit: int = OUTPUT_LIMIT, isolate: bool = True,
                   audit: bool = True, mode: str | None = None) -> SandboxResult:
    """Run ``source`` in the sandbox and call ``function`` on each case.

    A case is ``{"args": [...], "kwargs": {...}}``; a tensor argument is ``{"tensor": nested lists, "shape":
    [...], "dtype": "float32"}``, a tuple ``{"tuple": [...]}``, anything else plain JSON. ``mode`` is one of
    :data:`MODES` (default :func:`sandbox_mode`); ``isolate=False`` turns the kernel layers of the cage off
    and ``audit=False`` the in-process guard (both for testing the layers beneath — never for grading)."""
    import base64
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else bytes(source)
    mode = mode or sandbox_mode()
    req = {"source": base64.b64encode(data).decode("ascii"), "cases": cases, "function": function,
           "timeout_s": float(timeout_s), "memory_mb": int(memory_mb), "output_limit": int(output_limit),
           "wall_s": float(timeout_s) + 1.0, "isolate": bool(isolate) and mode != "weak", "audit": bool(audit),
           "bwrap": mode == "bwrap"}
    if req["isolate"] and os.geteuid() == 0:           # RLIMIT_NPROC counts nobody's tasks on the host
        req["nproc_base"] = cage.tasks_of(cage.NOBODY)
    try:
        done = _zygote(mode).run(req, float(timeout_s) + 15.0)
    except RuntimeError as exc:
        return SandboxResult("internal", detail=str(exc)[:500])
    return _result(done, float(timeout_s))


# ====================================================================== what comes back is untrusted


_DTYPES = frozenset(("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                     "bool"))
_STATUSES = ("ok", "syntax", "missing", "not_callable", "load_error", "memory")
MALFORMED = {"error": "the sandbox could not read what the function returned", "line": None, "malformed": True}


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _int_or_none(value: Any) -> int | None:
    return value if type(value) is int else None


def clean_value(value: Any) -> dict | None:
    """One encoded value checked field by field: plain types only, sizes bounded; None when malformed."""
    if type(value) is not dict:
        return None
    kind = value.get("kind")
    if kind == "other":
        return {"kind": "other", "type": _text(value.get("type"), 100) or "?", "repr": _text(value.get("repr"), 300)}
    if kind not in ("torch", "numpy"):
        return None
    dtype, shape = value.get("dtype"), value.get("shape")
    if type(dtype) is not str or type(shape) is not list or len(shape) > 8 or \
            not all(type(s) is int and 0 <= s <= cage.MAX_RESULT_ENTRIES for s in shape):
        return None
    if dtype not in _DTYPES:
        return {"kind": "other", "type": f"{kind} array of {dtype[:30]}", "repr": ""}
    n = 1
    for s in shape:
        n *= s
    if "too_big" in value:
        return {"kind": kind, "dtype": dtype, "shape": shape, "too_big": max(n, cage.MAX_RESULT_ENTRIES + 1)}
    data = value.get("data")
    if type(data) is not list or len(data) != n or n > cage.MAX_RESULT_ENTRIES:
        return None
    numbers = []
    for x in data:
        if type(x) is float or type(x) is bool:
            numbers.append(float(x))
        elif type(x) is int and -2 ** 63 <= x < 2 ** 64:
            numbers.append(float(x))
        else:
            return None
    return {"kind": kind, "dtype": dtype, "shape": shape, "data": numbers}


def clean_results(results: Any, n: int) -> list[dict]:
    """The worker's per-case results, exactly ``n`` of them, each ``{"value": clean}`` or ``{"error": text,
    "line": int | None}``; anything malformed becomes :data:`MALFORMED`, missing ones ``no result``."""
    raw = results if type(results) is list else []
    out: list[dict] = []
    for i in range(n):
        item = raw[i] if i < len(raw) else {"error": "no result", "line": None}
        if type(item) is dict and "error" in item and type(item["error"]) is str:
            out.append({"error": item["error"][:500], "line": _int_or_none(item.get("line"))})
            continue
        value = clean_value(item.get("value")) if type(item) is dict else None
        out.append({"value": value} if value is not None else dict(MALFORMED))
    return out


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _result(done: Any, timeout_s: float) -> SandboxResult:
    """Combine the zygote's report (how the cage ended) with the worker's result, both checked."""
    if type(done) is not dict:
        return SandboxResult("internal", detail="no report from the sandbox")
    if "internal" in done:
        return SandboxResult("internal", detail=_text(done["internal"], 500))
    if done.get("supervisor"):
        return SandboxResult("supervisor")
    worker = done.get("worker") if type(done.get("worker")) is dict else {}
    told = [b for b in worker.get("blocked", []) if type(b) is str] if type(worker.get("blocked")) is list else []
    seen = [r for r in done.get("refusals", []) if type(r) is str] if type(done.get("refusals")) is list else []
    blocked = list(dict.fromkeys(x[:300] for x in seen + told))[:20]
    layers = [x for x in worker.get("layers", []) if type(x) is str][:20] \
        if type(worker.get("layers")) is list else []
    seconds = done.get("seconds")
    base = dict(blocked=blocked, stdout=_text(done.get("stdout"), cage.KEEP_OUTPUT),
                stderr=_text(done.get("stderr"), cage.KEEP_OUTPUT), output_bytes=_int_or_none(done.get("output_bytes")) or 0,
                seconds=float(seconds) if type(seconds) in (int, float) else 0.0, layers=layers)
    reason, code, cage_signal = done.get("reason"), _int_or_none(done.get("exit")), _int_or_none(done.get("cage_signal"))
    if reason in ("output", "timeout"):                  # the zygote stopped it
        return SandboxResult(reason, **base)
    if code == cage.REFUSAL_UNREPORTED:
        return SandboxResult("hidden", **base)
    status = worker.get("status")
    if status in _STATUSES and code == 0:
        results = clean_results(worker.get("results"), len(worker.get("results") or []) if status == "ok" else 0) \
            if type(worker.get("results")) is list else []
        return SandboxResult(status, results=results, detail=_text(worker.get("detail"), 500),
                             line=_int_or_none(worker.get("line")), **base)
    if cage_signal is not None:                          # the cage itself was killed: by the submission
        return SandboxResult("supervisor", signal=cage_signal, **base)
    if code is not None and code > 128:                  # the worker was killed by a signal
        sig = code - 128
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and base["seconds"] >= 0.9 * timeout_s):
            return SandboxResult("timeout", signal=sig, **base)      # CPU soft limit, then hard limit
        if sig == signal.SIGXFSZ:
            return SandboxResult("output", signal=sig, **base)       # a file beyond RLIMIT_FSIZE
        return SandboxResult("crashed", signal=sig, detail=_signal_name(sig), **base)
    return SandboxResult("no_result", detail=str(code), **base)


# ====================================================================== grading


def encode_args(args: dict[str, Any], order: list[str]) -> dict:
    """Arguments by parameter name → a case for :func:`run_submission` (positional, in ``order``)."""
    import torch

    def enc(v: Any) -> Any:
        if isinstance(v, torch.Tensor):
            return {"tensor": v.reshape(-1).tolist(), "shape": list(v.shape),
                    "dtype": str(v.dtype).replace("torch.", "")}
        if isinstance(v, tuple):
            return {"tuple": [enc(x) for x in v]}
        return v
    return {"args": [enc(args[name]) for name in order]}


def _short(value: Any, limit: int = 300) -> str:
    """Nested lists of numbers, compactly (whole floats without ``.0``), cut at ``limit`` characters."""
    def fmt(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(fmt(x) for x in v) + "]"
        if isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                return str(v)
            return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"
        return str(v)
    text = fmt(value)
    return text if len(text) <= limit else text[:limit] + " …"


def _show(t: Any) -> str:
    """A tensor for feedback: whole when small, else its first entries (flattened) and its shape."""
    if t.numel() <= 120:
        return _short(t.tolist())
    return _short(t.reshape(-1)[:40].tolist())[:-1] + f", …] ({_shape(t.shape)}, flattened)"


def _shape(shape: Any) -> str:
    return "×".join(map(str, shape)) if len(shape) else "scalar"


def _inputs_text(args: dict) -> str:
    import torch
    parts = []
    for name, v in args.items():
        if isinstance(v, torch.Tensor):
            parts.append(f"{name} = {_short(v.tolist(), 200) if v.numel() <= 120 else _show(v)} ({_shape(v.shape)})")
        else:
            parts.append(f"{name} = {v!r}")
    return ", ".join(parts)


def _flipped(ref: Any, args: dict) -> Any:
    """The reference on the kernel rotated by 180° (the mathematical convolution), when there is a K."""
    import torch
    if "K" not in args or not isinstance(args["K"], torch.Tensor) or args["K"].dim() < 2:
        return None
    flipped = dict(args)
    flipped["K"] = torch.flip(args["K"], dims=(-2, -1))
    try:
        return ref.call(flipped).detach().double()
    except Exception:
        return None


def _check_case(spec: Any, case: Any, expected: Any, got: dict) -> tuple[str, list] | None:
    """None when the case passes; else (kind, feedback messages). Kind 'dtype' is the mild failure."""
    import torch
    from solver.i18n import Msg, Plain
    if got.get("malformed"):
        return "malformed", [Msg("code.fail.malformed")]
    if "error" in got:
        where = f" (line {got['line']})" if isinstance(got.get("line"), int) else ""
        return "error", [Msg("code.fail.exception", error=Plain(str(got["error"])[:300] + where))]
    value = got.get("value") or {}
    if value.get("kind") not in ("torch", "numpy"):
        what = str(value.get("type", "nothing"))
        if value.get("repr"):
            what += f" {value['repr'][:120]}"
        return "type", [Msg("code.fail.type", got=Plain(what))]
    if "too_big" in value:
        return "size", [Msg("code.fail.too_big", n=int(value["too_big"]))]
    want = expected.detach().double()
    shape = tuple(int(s) for s in value.get("shape", []))
    data = value.get("data", [])
    try:
        tensor = torch.tensor([float(x) for x in data], dtype=torch.float64).reshape(shape)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return "type", [Msg("code.fail.type", got=Plain(f"{value.get('kind')} {value.get('dtype')}"))]
    scale = max(1.0, float(want.abs().max())) if want.numel() else 1.0

    def close(a: Any, b: Any) -> bool:
        return a.shape == b.shape and bool(torch.allclose(a, b, rtol=spec.rtol, atol=spec.atol * scale))

    want_shape = tuple(want.shape)
    show = [Msg("code.fail.expected", value=Plain(_show(want))), Msg("code.fail.got", value=Plain(_show(tensor)))]
    if shape != want_shape:
        if len(shape) == 2 and shape == want_shape[::-1] and close(tensor.T, want):
            return "transposed", [Msg("code.fail.transposed"), *show]
        msg = "code.fail.shape"
        if len(shape) == len(want_shape) and all(abs(a - b) <= 1 for a, b in zip(shape, want_shape)):
            msg = "code.fail.off_by_one"
        return "shape", [Msg(msg, got=Plain(_shape(shape)), want=Plain(_shape(want_shape))), *show]
    if not torch.isfinite(tensor).all() and torch.isfinite(want).all():
        return "values", [Msg("code.fail.not_finite"), *show]
    if not close(tensor, want):
        if tensor.dim() == 2 and tensor.shape[0] == tensor.shape[1] and close(tensor.T, want) \
                and not close(want.T, want):
            return "transposed", [Msg("code.fail.transposed"), *show]
        flipped = _flipped(spec.reference, case.args)
        if flipped is not None and close(tensor, flipped) and not close(flipped, want):
            return "flipped", [Msg("code.fail.flipped"), *show]
        bad = ~torch.isclose(tensor, want, rtol=spec.rtol, atol=spec.atol * scale)
        first = tuple(int(i) for i in bad.nonzero()[0].tolist())
        return "values", [Msg("code.fail.values", n=int(bad.sum()), total=int(want.numel()),
                              index=Plain(str(first if len(first) != 1 else first[0])),
                              got=Plain(_short(float(tensor[first]))), want=Plain(_short(float(want[first])))),
                          *show]
    dtype = str(value.get("dtype", ""))
    if spec.dtype == "float32" and dtype != "float32":
        return "dtype", [Msg("code.fail.dtype", got=Plain(dtype), want=Plain("float32"))]
    if spec.dtype == "any" and dtype not in ("float32", "float64"):
        return "dtype", [Msg("code.fail.dtype", got=Plain(dtype), want=Plain("float32"))]
    return None


def _contained(result: SandboxResult, spec: Any) -> Any:
    """The verdict when the run did not get as far as results."""
    from solver.i18n import Msg, Plain
    from .compare import Verdict
    s = result.status
    blocked = [Msg("code.contain.blocked", what=Plain(", ".join(dict.fromkeys(result.blocked))))] \
        if result.blocked else []
    where = f" (line {result.line})" if result.line else ""
    table = {
        "syntax": ("unparsable", [Msg("code.contain.syntax", error=Plain(result.detail), line=result.line or "?")]),
        "missing": ("incorrect", [Msg("code.contain.missing", function=Plain(spec.function))]),
        "not_callable": ("incorrect", [Msg("code.contain.not_callable", function=Plain(spec.function))]),
        "load_error": ("incorrect", blocked + [Msg("code.contain.load_error", error=Plain(result.detail + where))]),
        "memory": ("incorrect", [Msg("code.contain.memory", mb=spec.memory_mb)]),
        "timeout": ("incorrect", [Msg("code.contain.timeout", s=Plain(f"{spec.seconds:g}"))]),
        "output": ("incorrect", [Msg("code.contain.output", kb=OUTPUT_LIMIT // 1024)]),
        "crashed": ("incorrect", [Msg("code.contain.crashed", how=Plain(result.detail or f"signal {result.signal}"))]),
        "no_result": ("incorrect", blocked + [Msg("code.contain.no_result", code=Plain(result.detail))]),
        "supervisor": ("incorrect", [Msg("code.contain.supervisor")]),
        "hidden": ("incorrect", [Msg("code.contain.hidden")]),
        "internal": ("needs_review", [Msg("code.contain.internal", why=Plain(result.detail or "?"))]),
    }
    verdict, feedback = table.get(s, ("needs_review", [Msg("code.contain.internal", why=Plain(s))]))
    if s == "load_error" and blocked:
        feedback = blocked + [Msg("code.contain.load_error", error=Plain(result.detail + where))]
    return Verdict(verdict, 0.0, feedback, mistake=f"program_{s}")


def grade_code(source: str, exercise: Any, *, partial: float | None = None, spec: Any = None) -> Any:
    """Run the student's ``source`` for a ``kind: code`` exercise and compare with the reference on every
    input: a :class:`grader.compare.Verdict` whose feedback names the first failing input with expected and
    got, or why the run was stopped. ``partial`` is the share of the points for a result that is right
    except for its dtype (default 0.5)."""
    from solver.code.solve import read_spec
    from solver.i18n import Msg, Plain
    from .compare import Verdict
    spec = spec or read_spec(exercise)
    text = source if isinstance(source, str) else str(source)
    if not text.strip():
        return Verdict("unparsable", 0.0, [Msg("code.contain.empty")])
    if len(text.encode("utf-8", "surrogateescape")) > MAX_SOURCE_BYTES:
        return Verdict("unparsable", 0.0, [Msg("code.contain.too_long", kb=MAX_SOURCE_BYTES // 1024)])
    mode = sandbox_mode()
    if mode == "weak" and not weak_allowed():
        return Verdict("needs_review", 0.0, [Msg("code.contain.weak")], mistake="program_not_run")
    order = [p.name for p in spec.reference.params]
    cases = [encode_args(c.args, order) for c in spec.cases]
    result = run_submission(text, spec.function, cases, timeout_s=spec.seconds, memory_mb=spec.memory_mb,
                            mode=mode)
    if result.status != "ok":
        return _contained(result, spec)
    result.results = clean_results(result.results, len(spec.cases))
    expected = getattr(spec, "_expected", None)
    if expected is None:                                  # the reference's outputs, once per exercise
        expected = [spec.reference.call(c.args).detach() for c in spec.cases]
        setattr(spec, "_expected", expected)
    first: tuple[int, str, list] | None = None
    failures = dtype_only = 0
    for i, case in enumerate(spec.cases):
        try:
            outcome = _check_case(spec, case, expected[i], result.results[i])
        except Exception as exc:                          # a value the checks did not foresee: not fatal
            outcome = ("malformed", [Msg("code.fail.malformed"), Msg("code.contain.internal",
                                                                    why=Plain(type(exc).__name__))])
        if outcome is None:
            continue
        failures += 1
        dtype_only += outcome[0] == "dtype"
        if first is None or (first[1] == "dtype" and outcome[0] != "dtype"):
            first = (i, outcome[0], outcome[1])
    n = len(spec.cases)
    blocked = [Msg("code.contain.blocked", what=Plain(", ".join(dict.fromkeys(result.blocked))))] \
        if result.blocked else []
    if first is None:
        if blocked:
            return Verdict("needs_review", 0.0, [Msg("code.review"), *blocked], mistake="program_blocked")
        return Verdict("correct", 1.0, [Msg("code.pass", n=n, fixed=spec.n_fixed, random=spec.n_random)])
    i, kind, messages = first
    case = spec.cases[i]
    feedback = [Msg("code.passed", k=n - failures, n=n), Msg("code.fail.first", case=case.label),
                Msg("code.fail.inputs", inputs=Plain(_inputs_text(case.args))), *messages, *blocked]
    if failures == dtype_only:
        share = 0.5 if partial is None else float(partial)
        return Verdict("partial" if share > 0 else "incorrect", share, feedback, mistake="program_dtype")
    return Verdict("incorrect", 0.0, feedback, mistake=f"program_{kind}")


def program_source(raw: Any, base_dir: Any = None, owners: tuple[str, ...] = ()) -> tuple[str | None, Any]:
    """The program of an answer: inline code, or the name of a ``.py`` file inside the student's own submission
    folder ``base_dir`` (the answer file's folder). The file is reached without ``..``, an absolute name or a
    symbolic link, must be a regular file (no FIFO, device or socket) and is size-checked before it is read
    (:func:`solver.files.read_beneath`). When the folder is shared by several answer files (a flat class
    folder), the file must also carry one of ``owners`` (the answer file's name, the student id) as its
    folder or name prefix — ``s001/corr2d.py``, ``s001_corr2d.py`` — so that nobody hands in a classmate's
    program. Returns (source, None) or (None, feedback message)."""
    from solver.code import messages  # noqa: F401 - registers the code.* messages
    from solver.files import FileRefused, read_beneath
    from solver.i18n import Msg, Plain
    if isinstance(raw, dict) and "file" in raw:
        raw = raw["file"]
    if not isinstance(raw, str):
        return None, Msg("code.contain.empty")
    text = raw.strip()
    if "\n" not in text and text.endswith(".py"):
        shown = Plain(text.replace("\0", "\\0"))
        if base_dir is None:
            return None, Msg("code.contain.not_found", file=shown)
        if owners and _shared_folder(base_dir, owners) and not _owned(text, owners):
            return None, Msg("code.contain.not_own", file=shown, owner=Plain(owners[0]))
        try:
            return read_beneath(base_dir, text, MAX_SOURCE_BYTES).decode("utf-8-sig", "replace"), None
        except FileRefused as refused:
            if refused.reason == "too_large":
                return None, Msg("code.contain.too_long", kb=MAX_SOURCE_BYTES // 1024)
            key = {"nul": "bad_name", "outside": "outside", "symlink": "symlink",
                   "not_regular": "not_regular"}.get(refused.reason, "not_found")
            return None, Msg(f"code.contain.{key}", file=shown)
    return raw, None


def _owned(name: str, owners: tuple[str, ...]) -> bool:
    """Whether a relative program name starts with an owner's folder or name prefix.

    >>> _owned("s001/corr2d.py", ("s001",)), _owned("s001_corr2d.py", ("s001",)), _owned("s0011.py", ("s001",))
    (True, True, False)
    """
    first = name.replace("\\", "/").lstrip("./").split("/", 1)[0]
    return any(o and (first == o or (first.startswith(o) and first[len(o):len(o) + 1] in ("_", "-", ".")))
               for o in owners)


def _shared_folder(base_dir: Any, owners: tuple[str, ...]) -> bool:
    """Whether the answer file's folder holds answer files of others too (a flat class folder): a folder
    named after the student is the student's own; otherwise any second answer-like file (not a README or
    notes) makes it shared."""
    answer_suffixes = (".yaml", ".yml", ".json", ".md", ".markdown", ".txt")
    if os.path.basename(os.path.normpath(str(base_dir))) in owners:
        return False
    try:
        with os.scandir(base_dir) as entries:
            stems = {os.path.splitext(e.name)[0] for e in entries
                     if e.name.lower().endswith(answer_suffixes) and e.is_file(follow_symlinks=False)}
    except OSError:
        return True
    return any(s not in owners and s.lower() not in ("readme", "notes", "说明") for s in stems)


def grade_program(raw: Any, exercise: Any, base_dir: Any = None, *, partial: float | None = None,
                  spec: Any = None, owners: tuple[str, ...] = ()) -> Any:
    """:func:`grade_code` for an answer-file value (inline code or a file name, see :func:`program_source`)."""
    from .compare import Verdict
    from solver.i18n import Msg, Plain
    source, problem = program_source(raw, base_dir, owners)
    if source is None:
        return Verdict("unparsable", 0.0, [problem])
    try:
        return grade_code(source, exercise, partial=partial, spec=spec)
    except Exception as exc:                              # the grader's own failure: this part, not the class
        return Verdict("needs_review", 0.0, [Msg("code.contain.internal", why=Plain(f"{type(exc).__name__}: {exc}"[:200]))],
                       mistake="program_internal")


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--serve":
    _serve(sys.argv[2:])
