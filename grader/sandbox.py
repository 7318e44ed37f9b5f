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

Grading a program part (comparison, feedback) is :mod:`grader.program`'s. Results: the worker encodes the function's return value inside the cage through the genuine types' own
methods (an object posing as an array by its ``__class__`` is "other"); :func:`clean_results` checks every
field's type and size here, and the comparison works on plain floats, never on student objects.

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
