"""Run a student's Python file in a sandbox and grade the function it defines (``quantity: program``).

Containment, outermost first (what is active is reported in :attr:`SandboxResult.layers`):

1. **Separate processes.** The grader never imports the submission. A *zygote* — ``python -I -S`` running
   this file, with a scrubbed environment (``PATH``, ``HOME``, ``LANG``, one OpenMP thread), in its own
   session — imports torch once (≈2 s) and then forks, per submission, a *cage* process (new session; its
   pid is the process group the grader and the zygote kill) which forks the *worker* that runs the
   submission. The worker's parent is the cage, never the grader, so ``os.kill(os.getppid(), 9)`` cannot
   reach the grader; every run is a fresh fork of a zygote that never ran untrusted code.
2. **Resource limits** (``setrlimit`` in the worker, after the fork, because the zygote needs ≈640 MB of
   address space for torch before any limit makes sense): ``RLIMIT_CPU`` (the time limit; SIGXCPU then
   SIGKILL), ``RLIMIT_AS`` (what the worker already maps + ``memory_mb``), ``RLIMIT_NOFILE`` (64),
   ``RLIMIT_FSIZE`` (16 MB per file), ``RLIMIT_NPROC`` (the user's current tasks + 16; effective only for a
   non-root user, hence layer 4), ``RLIMIT_CORE`` 0. The zygote enforces a wall-clock limit and an output
   cap (it reads at most ``output_limit`` bytes of stdout + stderr, then kills the process group), and the
   grader has its own deadline on the zygote's answer.
3. **Namespaces** (when the grader may create them — root or ``CAP_SYS_ADMIN``): the cage unshares a new
   network namespace (no interfaces but a down loopback: no network at all) and a new PID namespace (the
   worker is its init: ``os.getppid()`` is 0, and when the worker ends every process it started ends too).
4. **Filesystem and identity** (root only): the worker ``chroot``\\ s into its temporary working directory
   (which holds only the submission) and drops to uid/gid 65534 (*nobody*) with no supplementary groups,
   so it cannot signal the grader, cannot leave the chroot and is counted by ``RLIMIT_NPROC``.
5. **In-process guard** — defence in depth, *not* a security boundary (CPython's audit hooks can be
   bypassed by native code, which is why ``ctypes`` is blocked): an audit hook refuses ``open`` outside the
   working directory (reads of the Python installation stay allowed so that imports work), ``os.system``,
   ``subprocess``, ``exec*``/``spawn*``, ``fork``, ``kill``, every ``socket`` event, ``ctypes``, ``gc``
   introspection and ``setrlimit``; ``socket.socket`` is replaced by a class that refuses to be created, and
   torch's C++ loaders that open files without an audit event (``torch.from_file``, ``UntypedStorage.from_file``,
   ``torch.ops.load_library``) by functions that refuse. Refusals raise ``PermissionError`` and are reported
   to the student. Other native paths (``torch._C`` internals) are not audited: layers 3 and 4 are what
   holds against them.

Not contained on a machine where the grader is **not root** (and cannot unshare namespaces): the network,
other files readable by the grader's user, and processes the submission could start are then held back
only by layer 5 (and the rlimits); run the grader as a dedicated user, in a container, or as root (the
worker then drops privileges itself). ``RLIMIT_AS`` does not bound memory mapped by the kernel on behalf
of the process (page tables) and there is no cgroup; the disk is bounded per file, not in total (the
working directory is deleted after the run).

Results never travel on stdout: the worker writes JSON to a file it opened before sandboxing itself, in a
folder outside its working directory; the grader reads at most 32 MB of it, parses it as JSON (never
pickle) and compares with the reference in its own process.

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
from typing import Any

NOBODY = 65534
MAX_SOURCE_BYTES = 256 * 1024
MAX_RESULT_BYTES = 32 * 1024 * 1024
MAX_RESULT_ENTRIES = 1_000_000
FILE_SIZE_LIMIT = 16 * 1024 * 1024
OUTPUT_LIMIT = 64 * 1024
KEEP_OUTPUT = 4000                       # characters of stdout / stderr kept for the report
PRELOAD = ("math", "cmath", "random", "itertools", "functools", "collections", "operator", "copy", "typing",
           "dataclasses", "fractions", "decimal", "statistics", "string", "re", "time", "traceback", "linecache",
           "numpy", "numpy.linalg", "torch", "torch.nn", "torch.nn.functional", "types", "encodings.utf_8_sig",
           "encodings.ascii", "encodings.latin_1", "encodings.unicode_escape", "encodings.raw_unicode_escape",
           "encodings.idna")


@dataclass
class SandboxResult:
    """What one run produced.

    ``status``: ok (the file loaded; per-case outcomes in ``results``), syntax, missing (no such function),
    not_callable, load_error (the file raised while loading), memory, timeout, output (printed too much),
    crashed (killed by a signal), no_result (ended without results), supervisor (killed its supervising
    process), internal (the sandbox itself failed).
    ``results``: per case ``{"value": encoded}`` or ``{"error": "Type: message", "line": n}``.
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


# ====================================================================== the worker side (runs in the zygote)


def _encode(value: Any) -> dict:
    """A returned value as JSON: tensors and arrays by shape, dtype and flat data; anything else by type."""
    import numpy as np
    import torch
    try:
        if isinstance(value, torch.Tensor):
            t = value.detach()
            if t.layout != torch.strided:
                t = t.to_dense()
            kind, dtype, shape, n = "torch", str(t.dtype).replace("torch.", ""), list(t.shape), t.numel()
            if n > MAX_RESULT_ENTRIES:
                return {"kind": kind, "dtype": dtype, "shape": shape, "too_big": n}
            if t.is_complex() or dtype.startswith(("uint16", "uint32", "uint64", "float8", "qint", "quint")):
                return {"kind": "other", "type": f"torch.Tensor[{dtype}]", "repr": ""}
            return {"kind": kind, "dtype": dtype, "shape": shape, "data": t.cpu().reshape(-1).tolist()}
        if isinstance(value, np.ndarray):
            dtype, shape, n = str(value.dtype), list(value.shape), int(value.size)
            if n > MAX_RESULT_ENTRIES:
                return {"kind": "numpy", "dtype": dtype, "shape": shape, "too_big": n}
            if value.dtype.kind not in "biuf":
                return {"kind": "other", "type": f"numpy.ndarray[{dtype}]", "repr": ""}
            return {"kind": "numpy", "dtype": dtype, "shape": shape, "data": value.reshape(-1).tolist()}
    except Exception as exc:                                   # a hostile subclass
        return {"kind": "other", "type": type(value).__name__, "repr": f"<unreadable: {type(exc).__name__}>"}
    try:
        text = repr(value)[:300]
    except Exception:
        text = "<unprintable>"
    return {"kind": "other", "type": type(value).__name__, "repr": text}


def _decode_arg(value: Any) -> Any:
    import torch
    if isinstance(value, dict) and "tensor" in value:
        return torch.tensor(value["tensor"], dtype=getattr(torch, value.get("dtype", "float32"))).reshape(
            value["shape"])
    if isinstance(value, dict) and "tuple" in value:
        return tuple(_decode_arg(v) for v in value["tuple"])
    return value


def _error_text(exc: BaseException) -> str:
    import traceback
    lines = traceback.format_exception_only(type(exc), exc)
    return (lines[-1] if lines else type(exc).__name__).strip()[:500]


def _submission_line(exc: BaseException) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "submission.py":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _is_memory_error(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "can't allocate memory" in str(exc) or "alloc" in type(exc).__name__.lower()


def _install_guard(work: str, readable: tuple[str, ...], chrooted: bool, log: list) -> None:
    """Socket replacement and the audit hook (layer 5). Nothing here is reachable afterwards from Python
    code except through ``gc``, which the hook refuses."""
    import socket
    import _socket

    class _NoSocket:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            log.append("network (socket)")
            raise PermissionError("sandbox: network access is not allowed")

    for module in (socket, _socket):
        for name in ("socket", "SocketType"):
            if hasattr(module, name):
                setattr(module, name, _NoSocket)
    for name in ("create_connection", "create_server", "socketpair", "fromfd", "getaddrinfo", "gethostbyname"):
        if hasattr(socket, name):
            setattr(socket, name, _NoSocket)
    def _native(*args: Any, **kwargs: Any) -> None:
        log.append("native file or library access (torch)")
        raise PermissionError("sandbox: opening files or libraries from native code is not allowed")

    import torch                                        # its C++ file and library loaders raise no audit event
    for owner, name in ((torch, "from_file"), (torch.UntypedStorage, "from_file"),
                        (getattr(torch, "TypedStorage", None), "from_file"), (torch.ops, "load_library"),
                        (torch.classes, "load_library")):
        try:
            if owner is not None and hasattr(owner, name):
                setattr(owner, name, _native)
        except (AttributeError, TypeError):
            pass
    try:
        import _posixsubprocess                        # fork_exec raises no audit event of its own
        _posixsubprocess.fork_exec = _NoSocket         # type: ignore[attr-defined]
    except ImportError:
        pass

    deny = frozenset(("os.system", "os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn",
                      "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
                      "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function",
                      "ctypes.cdata", "ctypes.cdata/buffer", "ctypes.addressof", "ctypes.string_at",
                      "ctypes.wstring_at", "ctypes.PyObj_FromPtr", "ctypes.set_errno", "ctypes.seh_exception",
                      "gc.get_objects", "gc.get_referrers", "gc.get_referents", "resource.setrlimit",
                      "resource.prlimit", "sys.addaudithook", "os.chdir", "os.chroot", "os.fchdir",
                      "sys.remote_exec", "webbrowser.open", "urllib.Request", "http.client.connect",
                      "ftplib.connect", "smtplib.connect", "poplib.connect", "imaplib.open", "nntplib.connect",
                      "telnetlib.Telnet.open", "os.startfile", "_winapi.CreateProcess"))
    writes = frozenset(("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                        "os.symlink", "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.mkfifo",
                        "os.mknod", "os.setxattr", "os.removexattr", "shutil.rmtree", "shutil.copyfile",
                        "shutil.copymode", "shutil.copystat", "shutil.copytree", "shutil.move", "os.lockf"))
    reads = frozenset(("os.listdir", "os.scandir", "os.listxattr", "os.getxattr", "glob.glob", "glob.glob/2"))
    special = frozenset(("/dev/null", "/dev/urandom", "/dev/random"))
    realpath, join, fspath = os.path.realpath, os.path.join, os.fspath
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def inside(path: Any, roots: tuple[str, ...]) -> bool:
        if isinstance(path, int) or path is None:
            return True                                # an already open descriptor
        try:
            p = fspath(path)
            if isinstance(p, bytes):
                p = p.decode("utf-8", "surrogateescape")
            full = realpath(join(work, p))
        except Exception:
            return False
        return full in special or any(full == r or full.startswith(r.rstrip("/") + "/") for r in roots)

    def visible(path: Any) -> bool:
        try:
            p = fspath(path)
            if isinstance(p, bytes):
                p = p.decode("utf-8", "surrogateescape")
            return os.path.isdir(os.path.dirname(realpath(join(work, p))) or "/")
        except Exception:
            return False

    def refuse(what: str) -> None:
        log.append(what)
        raise PermissionError(f"sandbox: {what} is not allowed")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & write_flags)
            if chrooted:
                # everything that exists is the sandbox's own; a path whose folder does not exist was
                # meant for the host (/etc/passwd, ../io): refuse it so that the attempt is reported
                if not isinstance(path, int) and path is not None and not visible(path):
                    refuse(f"opening {fspath(path)!s} (files outside the working directory)")
                return
            if not inside(path, (work,) if writing else (work,) + readable):
                refuse(f"opening {fspath(path) if not isinstance(path, int) else path!s} "
                       "(files outside the working directory)")
            return
        if event in deny or event.startswith("socket.") or event.startswith("ctypes."):
            name = {"os.kill": "os.kill (signalling another process)", "os.killpg": "os.killpg",
                    "os.system": "os.system (running a shell command)", "subprocess.Popen": "subprocess",
                    "os.fork": "os.fork (starting processes)"}.get(event, event)
            if event.startswith("socket."):
                name = "network (" + event + ")"
            refuse(name)
        if not chrooted and event in writes:
            paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
            if not all(inside(p, (work,)) for p in paths):
                refuse(f"{event} outside the working directory")
        if not chrooted and event in reads and args and not inside(args[0], (work,)):
            refuse(f"{event} outside the working directory")

    sys.addaudithook(hook)


def _tasks_of(uid: int) -> int:
    """Tasks (threads count: RLIMIT_NPROC counts them) of one user, from /proc."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                status = f.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        try:
            if int(fields.get("Uid", "-1").split()[0]) == uid:
                total += int(fields.get("Threads", "1").strip())
        except ValueError:
            continue
    return total


def _vm_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    return 1 << 20


def _worker(req: dict, out_w: int, err_w: int, layers: list[str]) -> int:
    """In the worker process: read the inputs, confine itself, load the submission, call the function."""
    import linecache
    import resource
    root, work = req["root"], os.path.join(req["root"], "work")
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
    with open(os.path.join(root, "io", "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    with open(os.path.join(work, "submission.py"), "rb") as f:
        source = f.read()
    os.closerange(3, 65536)
    result_fd = os.open(os.path.join(root, "io", "result.json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    drop = req["isolate"] and os.geteuid() == 0
    nproc = (_tasks_of(NOBODY) if drop else _tasks_of(os.getuid())) + 16
    seconds = max(1, int(-(-req["timeout_s"] // 1)))
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, 64), (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT),
              (resource.RLIMIT_NPROC, nproc), (resource.RLIMIT_AS, _vm_kb() * 1024 + req["memory_mb"] * 2 ** 20)]
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            continue
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    # as the init of a PID namespace the worker ignores signals it has no handler for: give SIGXCPU one
    # (the hard limit's SIGKILL one second later stops a worker stuck in native code)
    signal.signal(signal.SIGXCPU, lambda *_: os._exit(128 + signal.SIGXCPU))
    layers.append("rlimits")
    chrooted = False
    if drop:
        try:
            os.chroot(work)
            os.chdir("/")
            chrooted = True
            layers.append("chroot")
        except OSError:
            os.chdir(work)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            layers.append("uid")
        except OSError:
            pass
    else:
        os.chdir(work)
    here = "/" if chrooted else work
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": here, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
                       "OMP_NUM_THREADS": "1", "TMPDIR": here})
    blocked: list[str] = []
    if req["audit"]:
        readable = tuple(req["readable"])
        _install_guard(here, readable, chrooted, blocked)
        layers.append("audit")

    out: dict[str, Any] = {"status": "ok", "results": [], "layers": layers, "blocked": blocked}

    def finish(code: int = 0) -> int:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        data = json.dumps(out, allow_nan=True).encode()
        if len(data) > FILE_SIZE_LIMIT - 1024:
            data = json.dumps({"status": "internal", "detail": "results too large", "blocked": blocked,
                               "layers": layers}).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(result_fd, view):]
        return code

    try:
        text = source.decode("utf-8-sig")
        code = compile(text, "submission.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        out.update(status="syntax", detail=f"{type(exc).__name__}: {exc.msg}", line=exc.lineno)
        return finish()
    except (UnicodeDecodeError, ValueError) as exc:
        out.update(status="syntax", detail=_error_text(exc), line=None)
        return finish()
    linecache.cache["submission.py"] = (len(text), None, text.splitlines(True), "submission.py")
    import types
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    sys.modules["submission"] = module
    try:
        exec(code, module.__dict__)
    except BaseException as exc:                        # SystemExit too: the file must not stop the run
        status = "memory" if _is_memory_error(exc) else "load_error"
        out.update(status=status, detail=_error_text(exc), line=_submission_line(exc))
        return finish()
    fn = module.__dict__.get(req["function"])
    if fn is None:
        out.update(status="missing")
        return finish()
    if not callable(fn):
        out.update(status="not_callable")
        return finish()
    for case in cases:
        try:
            args = [_decode_arg(a) for a in case.get("args", [])]
            kwargs = {k: _decode_arg(v) for k, v in case.get("kwargs", {}).items()}
            value = fn(*args, **kwargs)
            out["results"].append({"value": _encode(value)})
        except BaseException as exc:
            if _is_memory_error(exc):
                out.update(status="memory", detail=_error_text(exc), line=_submission_line(exc))
                return finish()
            out["results"].append({"error": _error_text(exc), "line": _submission_line(exc)})
    return finish()


CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000


def _unshare(flags: int) -> bool:
    try:
        if hasattr(os, "unshare"):                   # Python 3.12+
            os.unshare(flags)                        # type: ignore[attr-defined]
            return True
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(flags) == 0
    except Exception:
        return False


def _cage(req: dict, out_w: int, err_w: int) -> int:
    """In the cage process: a new session, new namespaces when allowed, then the worker as its child."""
    os.setsid()
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)                                    # the zygote's protocol pipe is out of reach
    layers = ["process", "session"]
    if req["isolate"]:
        if _unshare(CLONE_NEWNET):
            layers.append("netns")
        if _unshare(CLONE_NEWPID):
            layers.append("pidns")
        if os.geteuid() == 0:
            work = os.path.join(req["root"], "work")
            for path in (work, os.path.join(work, "submission.py")):
                os.chown(path, NOBODY, NOBODY)
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            code = _worker(req, out_w, err_w, layers)
        except BaseException:
            try:
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
            except BaseException:
                pass
        finally:
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def _supervise(req: dict, pid: int, out_r: int, err_r: int) -> dict:
    """In the zygote: wall clock and output cap for one cage; kill its process group when it ends."""
    start = time.monotonic()
    deadline = start + req["wall_s"]
    limit = req["output_limit"]
    stdout, stderr = bytearray(), bytearray()
    total, reason, status = 0, None, None
    fds = [out_r, err_r]
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            reason = "timeout"
            break
        ready = select.select(fds, [], [], min(left, 0.02))[0] if fds else (time.sleep(min(left, 0.02)) or [])
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                fds.remove(fd)
                continue
            total += len(chunk)
            if fd == out_r:
                stdout += chunk[:max(0, KEEP_OUTPUT - len(stdout))]
            else:
                stderr = (stderr + chunk)[-KEEP_OUTPUT:]
        if total > limit:
            reason = "output"
            break
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if status is None:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 0
    for fd in (out_r, err_r):                          # what is already in the pipes, within the cap
        try:
            os.set_blocking(fd, False)
            while total <= limit:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                total += len(chunk)
                if fd == out_r:
                    stdout += chunk[:max(0, KEEP_OUTPUT - len(stdout))]
                else:
                    stderr = (stderr + chunk)[-KEEP_OUTPUT:]
        except OSError:
            pass
        os.close(fd)
    if reason is None and total > limit:
        reason = "output"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    cage_signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return {"reason": reason, "exit": code, "cage_signal": cage_signal, "output_bytes": total,
            "stdout": stdout.decode("utf-8", "replace"), "stderr": stderr.decode("utf-8", "replace"),
            "seconds": round(time.monotonic() - start, 3)}


def _serve(paths: list[str]) -> None:
    """The zygote: import torch once, then one request per line on stdin, answers on stdout."""
    import importlib
    sys.path.extend(paths)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    import torch
    torch.set_num_threads(1)
    # initialise lazily loaded parts (cpuinfo reads /proc, which the chrooted worker cannot) — forward
    # operations only: a backward pass would start autograd threads, which a fork does not carry over
    torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)).sum()
    (torch.ones(2, 2) @ torch.ones(2, 2)).max()
    readable = sorted({os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)})
    channel = sys.stdout
    sys.stdout = sys.stderr                           # nothing else may write on the protocol pipe

    def send(obj: dict) -> None:
        channel.write(json.dumps(obj) + "\n")
        channel.flush()

    send({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        if req.get("quit"):
            break
        req["readable"] = readable
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 71
            try:
                os.close(out_r)
                os.close(err_r)
                code = _cage(req, out_w, err_w)
            finally:
                os._exit(code)
        os.close(out_w)
        os.close(err_w)
        send({"started": pid})
        send({"done": _supervise(req, pid, out_r, err_r)})


# ====================================================================== the grader side


class _Zygote:
    """The forking server, started on first use and restarted when it dies."""

    def __init__(self) -> None:
        import threading
        self.proc: Any = None
        self.buffer = b""
        self.lock = threading.Lock()
        self.home = ""
        self.owner = 0                                  # the process that started it (a fork must not share it)

    def _paths(self) -> list[str]:
        import importlib.util
        out = []
        for name in ("torch", "numpy"):
            spec = importlib.util.find_spec(name)
            if spec and spec.submodule_search_locations:
                parent = os.path.dirname(list(spec.submodule_search_locations)[0])
                if parent not in out:
                    out.append(parent)
        return out

    def start(self) -> None:
        import subprocess
        import tempfile
        self.home = tempfile.mkdtemp(prefix="cnn-zygote-")
        env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "TMPDIR": self.home}
        log = open(os.path.join(self.home, "zygote.log"), "wb")

        def preexec() -> None:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        self.proc = subprocess.Popen([sys.executable, "-I", "-S", os.path.abspath(__file__), "--serve",
                                      *self._paths()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=log, cwd=self.home, env=env, start_new_session=True,
                                     close_fds=True, preexec_fn=preexec)
        log.close()
        self.owner = os.getpid()
        self.buffer = b""
        ready = self._read(time.monotonic() + 120)
        if not ready or not ready.get("ready"):
            self.stop()
            raise RuntimeError("the sandbox did not start: " + self._log_tail())

    def _log_tail(self) -> str:
        try:
            with open(os.path.join(self.home, "zygote.log"), "rb") as f:
                return f.read()[-500:].decode("utf-8", "replace").strip() or "no message"
        except OSError:
            return "no message"

    def _read(self, deadline: float) -> dict | None:
        """One JSON line from the zygote, or None when it died or the deadline passed."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

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
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except Exception:
                pass
        self.proc = None
        import shutil
        shutil.rmtree(self.home, ignore_errors=True)

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
            if not started or "started" not in started:
                self.stop()
                return {"internal": "the sandbox did not start the program"}
            cage = started["started"]
            done = self._read(deadline)
            if done and "done" in done:
                return done["done"]
            try:                                        # the zygote died or hangs: clean up ourselves
                os.killpg(cage, signal.SIGKILL)
            except OSError:
                pass
            died = not self.alive()
            self.stop()
            return {"supervisor": True} if died else {"reason": "timeout", "exit": None, "output_bytes": 0,
                                                       "stdout": "", "stderr": "", "seconds": deadline_s}


_ZYGOTE = _Zygote()
atexit.register(_ZYGOTE.stop)


def run_submission(source: str, function: str, cases: list[dict], *, timeout_s: float = 5,
                   memory_mb: int = 512, output_limit: int = OUTPUT_LIMIT, isolate: bool = True,
                   audit: bool = True) -> SandboxResult:
    """Run ``source`` in the sandbox and call ``function`` on each case.

    A case is ``{"args": [...], "kwargs": {...}}``; a tensor argument is ``{"tensor": nested lists, "shape":
    [...], "dtype": "float32"}``, a tuple ``{"tuple": [...]}``, anything else plain JSON. ``isolate`` uses the
    kernel layers (namespaces, chroot, uid) when the grader may; ``audit=False`` turns the in-process guard
    off (for testing the layers beneath it — never for grading)."""
    import tempfile
    if isinstance(source, str):
        data = source.encode("utf-8", "surrogateescape")
    else:
        data = bytes(source)
    root = tempfile.mkdtemp(prefix="cnn-sandbox-")
    try:
        os.chmod(root, 0o711)
        work, io = os.path.join(root, "work"), os.path.join(root, "io")
        os.mkdir(work, 0o700)
        os.mkdir(io, 0o700)
        with open(os.path.join(work, "submission.py"), "wb") as f:
            f.write(data)
        with open(os.path.join(io, "cases.json"), "w", encoding="utf-8") as f:
            json.dump(cases, f)
        req = {"root": root, "function": function, "timeout_s": float(timeout_s), "memory_mb": int(memory_mb),
               "output_limit": int(output_limit), "wall_s": float(timeout_s) + 1.0, "isolate": bool(isolate),
               "audit": bool(audit)}
        try:
            done = _ZYGOTE.run(req, float(timeout_s) + 15.0)
        except RuntimeError as exc:
            return SandboxResult("internal", detail=str(exc))
        return _result(done, os.path.join(io, "result.json"), float(timeout_s))
    finally:
        _remove(root)


def _remove(root: str) -> None:
    """Delete the run's folder, also what the submission made read-only."""
    import shutil
    import stat

    def retry(func: Any, path: str, _: Any) -> None:
        try:
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            os.chmod(path, stat.S_IRWXU)
            func(path)
        except OSError:
            pass
    shutil.rmtree(root, onerror=retry)


def _read_result(path: str) -> dict | None:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_RESULT_BYTES + 1)
    except OSError:
        return None
    if not data or len(data) > MAX_RESULT_BYTES:
        return None
    try:
        out = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return out if isinstance(out, dict) else None


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _result(done: dict, result_path: str, timeout_s: float) -> SandboxResult:
    """Combine the zygote's report (how the cage ended) with the worker's result file."""
    if "internal" in done:
        return SandboxResult("internal", detail=done["internal"])
    if done.get("supervisor"):
        return SandboxResult("supervisor")
    worker = _read_result(result_path) or {}
    base = dict(blocked=[str(b) for b in worker.get("blocked", [])][:20], stdout=str(done.get("stdout", "")),
                stderr=str(done.get("stderr", "")), output_bytes=int(done.get("output_bytes") or 0),
                seconds=float(done.get("seconds") or 0.0), layers=[str(x) for x in worker.get("layers", [])])
    reason, code, cage_signal = done.get("reason"), done.get("exit"), done.get("cage_signal")
    if reason in ("output", "timeout"):                  # the zygote stopped it
        return SandboxResult(reason, **base)
    if worker.get("status") in ("ok", "syntax", "missing", "not_callable", "load_error", "memory") and code == 0:
        results = worker.get("results", [])
        line = worker.get("line")
        return SandboxResult(str(worker["status"]), results=results if isinstance(results, list) else [],
                             detail=str(worker.get("detail", ""))[:500],
                             line=line if isinstance(line, int) and not isinstance(line, bool) else None, **base)
    if cage_signal is not None:                          # the cage itself was killed: by the submission
        return SandboxResult("supervisor", signal=cage_signal, **base)
    if isinstance(code, int) and code > 128:             # the worker was killed by a signal
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
    order = [p.name for p in spec.reference.params]
    cases = [encode_args(c.args, order) for c in spec.cases]
    result = run_submission(text, spec.function, cases, timeout_s=spec.seconds, memory_mb=spec.memory_mb)
    if result.status != "ok":
        return _contained(result, spec)
    expected = getattr(spec, "_expected", None)
    if expected is None:                                  # the reference's outputs, once per exercise
        expected = [spec.reference.call(c.args).detach() for c in spec.cases]
        setattr(spec, "_expected", expected)
    first: tuple[int, str, list] | None = None
    failures = dtype_only = 0
    for i, case in enumerate(spec.cases):
        got = result.results[i] if i < len(result.results) and isinstance(result.results[i], dict) else \
            {"error": "no result"}
        outcome = _check_case(spec, case, expected[i], got)
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


def program_source(raw: Any, base_dir: Any = None) -> tuple[str | None, Any]:
    """The program of an answer: inline code, or the name of a ``.py`` file next to the answer file (inside
    ``base_dir``). Returns (source, None) or (None, feedback message)."""
    from pathlib import Path
    from solver.i18n import Msg, Plain
    if isinstance(raw, dict) and "file" in raw:
        raw = raw["file"]
    if not isinstance(raw, str):
        return None, Msg("code.contain.empty")
    text = raw.strip()
    if "\n" not in text and text.endswith(".py"):
        if base_dir is None:
            return None, Msg("code.contain.not_found", file=Plain(text))
        base = Path(base_dir).resolve()
        path = (base / text).resolve()
        if base != path and base not in path.parents:
            return None, Msg("code.contain.outside", file=Plain(text))
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                return None, Msg("code.contain.too_long", kb=MAX_SOURCE_BYTES // 1024)
            return path.read_bytes().decode("utf-8-sig", "replace"), None
        except OSError:
            return None, Msg("code.contain.not_found", file=Plain(text))
    return raw, None


def grade_program(raw: Any, exercise: Any, base_dir: Any = None, *, partial: float | None = None,
                  spec: Any = None) -> Any:
    """:func:`grade_code` for an answer-file value (inline code or a file name, see :func:`program_source`)."""
    from .compare import Verdict
    source, problem = program_source(raw, base_dir)
    if source is None:
        return Verdict("unparsable", 0.0, [problem])
    return grade_code(source, exercise, partial=partial, spec=spec)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--serve":
    _serve(sys.argv[2:])
