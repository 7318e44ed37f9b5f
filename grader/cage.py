"""The sandbox's inside: the *zygote* server and, per submission, the *cage* and *worker* processes.

This file runs as a script (``python -I -S cage.py --serve PATHS``), never imported by the grader's own
process for running code, so it imports nothing from the project. :mod:`grader.sandbox` starts it and
speaks its protocol: one JSON request per line on stdin (the submission, its cases and its limits), two
JSON lines per request on stdout (``{"started": pid}``, then ``{"done": {...}}`` with how the run ended,
what it printed, the refusals it caused and the worker's result, all of them *claims* that the grader
validates: the worker ran the student's code and may have been subverted).

Processes, per request: the zygote (which imported torch once and never runs student code) forks the
*cage* (a new session, new namespaces when allowed), which forks the *worker*: it writes the files it was
given into a fresh folder, confines itself (rlimits, chroot and uid when root, the audit hook), loads the
submission and calls the function. When the run ends the zygote kills the cage's process group, and, when
it is the init of its own PID namespace (under bubblewrap), every other process in it: nothing a
submission starts outlives its part. ``PR_SET_PDEATHSIG`` ties each process to its parent, so killing the
grader ends the zygote, the cage and the worker.

Refusals of the audit hook travel on their own pipe as they happen; a worker that closes or replaces
that pipe cannot refuse silently: a refusal that cannot be reported ends the worker (exit code 86).
"""
from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from typing import Any

NOBODY = 65534
MAX_RESULT_BYTES = 32 * 1024 * 1024
MAX_RESULT_ENTRIES = 1_000_000
FILE_SIZE_LIMIT = 16 * 1024 * 1024
KEEP_OUTPUT = 4000                       # characters of stdout / stderr kept for the report
REFUSAL_UNREPORTED = 86                  # worker exit code: a refusal could not be reported
REFUSAL_FD = 3
PRELOAD = ("math", "cmath", "random", "itertools", "functools", "collections", "operator", "copy", "typing",
           "dataclasses", "fractions", "decimal", "statistics", "string", "re", "time", "traceback", "linecache",
           "numpy", "numpy.linalg", "torch", "torch.nn", "torch.nn.functional", "types", "encodings.utf_8_sig",
           "encodings.ascii", "encodings.latin_1", "encodings.unicode_escape", "encodings.raw_unicode_escape",
           "encodings.idna", "base64")
PR_SET_PDEATHSIG = 1
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000


def _libc() -> Any:
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)``: this process is killed when its parent ends."""
    try:
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


# ====================================================================== values crossing the boundary


def _encode(value: Any) -> dict:
    """A returned value as plain JSON data, read through the genuine types' own C methods.

    Only exact ``torch.Tensor`` / ``nn.Parameter`` and ``numpy.ndarray`` objects count as arrays (``type``,
    unlike ``isinstance``, cannot be faked by a ``__class__`` property); anything else is reported by type
    name and a short repr."""
    import numpy as np
    import torch
    tp = type(value)
    base = getattr(torch._C, "TensorBase", None) or getattr(torch._C, "_TensorBase")
    try:
        if tp is torch.Tensor or tp is torch.nn.Parameter:
            t = base.detach(value)
            if t.layout != torch.strided:
                t = base.to_dense(t)
            kind, dtype, shape, n = "torch", str(t.dtype).replace("torch.", ""), [int(s) for s in t.shape], t.numel()
            if n > MAX_RESULT_ENTRIES:
                return {"kind": kind, "dtype": dtype, "shape": shape, "too_big": int(n)}
            if t.is_complex() or dtype.startswith(("uint16", "uint32", "uint64", "float8", "qint", "quint")):
                return {"kind": "other", "type": f"torch.Tensor[{dtype}]", "repr": ""}
            return {"kind": kind, "dtype": dtype, "shape": shape, "data": base.tolist(base.reshape(t.cpu(), (-1,)))}
        if tp is np.ndarray:
            dtype, shape, n = str(value.dtype), [int(s) for s in value.shape], int(value.size)
            if n > MAX_RESULT_ENTRIES:
                return {"kind": "numpy", "dtype": dtype, "shape": shape, "too_big": n}
            if value.dtype.kind not in "biuf":
                return {"kind": "other", "type": f"numpy.ndarray[{dtype}]", "repr": ""}
            return {"kind": "numpy", "dtype": dtype, "shape": shape, "data": np.ndarray.tolist(value.reshape(-1))}
    except Exception as exc:
        return {"kind": "other", "type": tp.__name__, "repr": f"<unreadable: {type(exc).__name__}>"}
    try:
        text = str(repr(value))[:300]
    except BaseException:
        text = "<unprintable>"
    return {"kind": "other", "type": str(tp.__name__)[:100], "repr": text}


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
    try:
        lines = traceback.format_exception_only(type(exc), exc)
        return (lines[-1] if lines else type(exc).__name__).strip()[:500]
    except BaseException:
        return type(exc).__name__


def _submission_line(exc: BaseException) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "submission.py":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _is_memory_error(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "can't allocate memory" in str(exc) or "alloc" in type(exc).__name__.lower()


# ====================================================================== the in-process guard (layer 5)


DENY = frozenset(("os.system", "os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn",
                  "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
                  "signal.pidfd_send_signal", "os.pidfd_open",
                  "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function",
                  "ctypes.cdata", "ctypes.cdata/buffer", "ctypes.addressof", "ctypes.string_at",
                  "ctypes.wstring_at", "ctypes.PyObj_FromPtr", "ctypes.set_errno", "ctypes.seh_exception",
                  "gc.get_objects", "gc.get_referrers", "gc.get_referents", "resource.setrlimit",
                  "resource.prlimit", "sys.addaudithook", "os.chdir", "os.chroot", "os.fchdir",
                  "sys.remote_exec", "webbrowser.open", "urllib.Request", "http.client.connect",
                  "ftplib.connect", "smtplib.connect", "poplib.connect", "imaplib.open", "nntplib.connect",
                  "telnetlib.Telnet.open", "os.startfile", "_winapi.CreateProcess", "mmap.__new__"))
WRITES = frozenset(("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                    "os.symlink", "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.mkfifo",
                    "os.mknod", "os.setxattr", "os.removexattr", "shutil.rmtree", "shutil.copyfile",
                    "shutil.copymode", "shutil.copystat", "shutil.copytree", "shutil.move", "os.lockf"))
READS = frozenset(("os.listdir", "os.scandir", "os.listxattr", "os.getxattr", "glob.glob", "glob.glob/2"))


def _install_guard(work: str, readable: tuple[str, ...], chrooted: bool, log: list) -> None:
    """Socket replacement, torch's native loaders replaced, and the audit hook. Each refusal is written to
    :data:`REFUSAL_FD` before the ``PermissionError`` is raised. Paths are resolved by functions bound
    here, not looked up in ``os.path`` at each call, so patching ``posixpath`` does not move the checks."""
    import socket
    import _socket

    report = os.write

    def note(what: str) -> None:
        log.append(what)
        try:
            if report(REFUSAL_FD, (what.replace("\n", " ")[:300] + "\n").encode("utf-8", "replace")) <= 0:
                raise OSError
        except BaseException:
            os._exit(REFUSAL_UNREPORTED)

    class _NoSocket:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            note("network (socket)")
            raise PermissionError("sandbox: network access is not allowed")

    for module in (socket, _socket):
        for name in ("socket", "SocketType"):
            if hasattr(module, name):
                setattr(module, name, _NoSocket)
    for name in ("create_connection", "create_server", "socketpair", "fromfd", "getaddrinfo", "gethostbyname"):
        if hasattr(socket, name):
            setattr(socket, name, _NoSocket)

    def _native(*args: Any, **kwargs: Any) -> None:
        note("native file or library access (torch)")
        raise PermissionError("sandbox: opening files or libraries from native code is not allowed")

    import torch                                        # its C++ file and library loaders raise no audit event
    for owner, name in ((torch, "from_file"), (torch.UntypedStorage, "from_file"),
                        (getattr(torch, "TypedStorage", None), "from_file"), (torch.ops, "load_library"),
                        (torch.classes, "load_library"), (getattr(torch._C, "StorageBase", None), "from_file"),
                        (getattr(torch._C, "_StorageBase", None), "from_file")):
        try:
            if owner is not None and hasattr(owner, name):
                setattr(owner, name, _native)
        except (AttributeError, TypeError):
            pass
    for module_name in ("_posixsubprocess", "subprocess"):  # fork_exec raises no audit event of its own
        module = sys.modules.get(module_name)
        for name in ("fork_exec", "_fork_exec"):
            if module is not None and hasattr(module, name):
                setattr(module, name, _NoSocket)

    special = frozenset(("/dev/null", "/dev/urandom", "/dev/random"))
    import stat as _stat
    lstat, stat_, readlink, fspath = os.lstat, os.stat, os.readlink, os.fspath
    is_link, is_dir = _stat.S_ISLNK, _stat.S_ISDIR
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    roots_w, roots_r = (work,), (work,) + readable

    def realpath(p: str) -> str | None:
        """``os.path.realpath`` from functions bound at install time (``posixpath`` can be patched)."""
        todo = [c for c in (p if p.startswith("/") else work + "/" + p).split("/") if c]
        done, links = "", 0
        while todo:
            c = todo.pop(0)
            if c == ".":
                continue
            if c == "..":
                done = done.rsplit("/", 1)[0]
                continue
            candidate = done + "/" + c
            try:
                link = is_link(lstat(candidate).st_mode)
            except (OSError, ValueError):
                link = False
            if not link:
                done = candidate
                continue
            links += 1
            if links > 40:
                return None
            target = readlink(candidate)
            if target.startswith("/"):
                done = ""
            todo = [x for x in target.split("/") if x] + todo
        return done or "/"

    def isdir(p: str) -> bool:
        try:
            return is_dir(stat_(p).st_mode)
        except (OSError, ValueError):
            return False

    def dirname(p: str) -> str:
        return p.rsplit("/", 1)[0] or "/"

    import pathlib
    path_types = (str, bytes, pathlib.PosixPath, pathlib.PurePosixPath)

    def resolved(path: Any) -> str | None:
        """The absolute path, or None; only genuine path types count (a custom ``__fspath__`` could
        answer differently to the check than to the ``open`` that follows it)."""
        if type(path) not in path_types:
            return None
        try:
            p = fspath(path)
            if isinstance(p, bytes):
                p = p.decode("utf-8", "surrogateescape")
            if type(p) is not str or "\0" in p:
                return None
            return realpath(p)
        except BaseException:
            return None

    def within(full: str | None, roots: tuple[str, ...]) -> bool:
        return full is not None and (full in special or
                                     any(full == r or full.startswith(r.rstrip("/") + "/") for r in roots))

    def shown(path: Any) -> str:
        if type(path) is bytes:
            path = path.decode("utf-8", "replace")
        return path[:200] if type(path) is str else f"<{type(path).__name__}>"

    def refuse(what: str) -> None:
        note(what)
        raise PermissionError(f"sandbox: {what} is not allowed")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            if path is None or type(path) is int:
                return                                 # an already open descriptor
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & write_flags)
            full = resolved(path)
            # chrooted, everything that exists is the sandbox's own; a path whose folder does not exist
            # was meant for the host (/etc/passwd, ../io): refuse it so that the attempt is reported
            ok = (full is not None and isdir(dirname(full))) if chrooted else \
                within(full, roots_w if writing else roots_r)
            if not ok:
                refuse(f"opening {shown(path)} (files outside the working directory)")
            return
        if event in DENY or event.startswith("socket.") or event.startswith("ctypes."):
            name = {"os.kill": "os.kill (signalling another process)", "os.killpg": "os.killpg",
                    "os.system": "os.system (running a shell command)", "subprocess.Popen": "subprocess",
                    "os.fork": "os.fork (starting processes)"}.get(event, event)
            if event.startswith("socket."):
                name = "network (" + event + ")"
            refuse(name)
        if not chrooted and event in WRITES:
            paths = [a for a in args[:2] if type(a) is not int and a is not None]
            if not all(within(resolved(p), roots_w) for p in paths):
                refuse(f"{event} outside the working directory")
        if not chrooted and event in READS and args and args[0] is not None and type(args[0]) is not int \
                and not within(resolved(args[0]), roots_w):
            refuse(f"{event} outside the working directory")

    sys.addaudithook(hook)


# ====================================================================== the worker and the cage


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


def _confine(req: dict, work: str, layers: list[str]) -> bool:
    """rlimits, then chroot and the uid of *nobody* when root; returns whether the worker is chrooted."""
    import resource
    drop = req["isolate"] and os.geteuid() == 0
    base = req.get("nproc_base")
    nproc = (base if drop and type(base) is int else _tasks_of(NOBODY) if drop else _tasks_of(os.getuid())) + 16
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
    if not drop:
        os.chdir(work)
        return False
    chrooted = False
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
    return chrooted


def _worker(req: dict, root: str, out_w: int, err_w: int, ref_w: int, layers: list[str]) -> int:
    """In the worker process: read the inputs, confine itself, load the submission, call the function."""
    import linecache
    die_with_parent()
    work = os.path.join(root, "work")
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.dup2(ref_w, REFUSAL_FD)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
    with open(os.path.join(root, "io", "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    with open(os.path.join(work, "submission.py"), "rb") as f:
        source = f.read()
    os.closerange(REFUSAL_FD + 1, 65536)
    result_fd = os.open(os.path.join(root, "io", "result.json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    chrooted = _confine(req, work, layers)
    die_with_parent()                                   # again: changing the uid cleared it
    here = "/" if chrooted else work
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": here, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
                       "OMP_NUM_THREADS": "1", "TMPDIR": here})
    blocked: list[str] = []
    if req["audit"]:
        _install_guard(here, tuple(req["readable"]), chrooted, blocked)
        layers.append("audit")
    out: dict[str, Any] = {"status": "ok", "results": [], "layers": layers, "blocked": blocked}
    dumps, write = json.dumps, os.write

    def finish() -> int:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        data = dumps(out, allow_nan=True).encode()
        if len(data) > FILE_SIZE_LIMIT - 1024:
            data = dumps({"status": "internal", "detail": "results too large", "layers": layers}).encode()
        view = memoryview(data)
        while view:
            view = view[write(result_fd, view):]
        return 0

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


def _unshare(flags: int) -> bool:
    try:
        if hasattr(os, "unshare"):                   # Python 3.12+
            os.unshare(flags)                        # type: ignore[attr-defined]
            return True
        return _libc().unshare(flags) == 0
    except Exception:
        return False


def _cage(req: dict, root: str, out_w: int, err_w: int, ref_w: int) -> int:
    """In the cage process: a new session, new namespaces when allowed, then the worker as its child."""
    die_with_parent()
    os.setsid()
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)                                    # the zygote's protocol pipe is out of reach
    layers = ["process", "session"] + (["bwrap"] if req.get("bwrap") else [])
    if req["isolate"]:
        if _unshare(CLONE_NEWNET):
            layers.append("netns")
        if _unshare(CLONE_NEWPID):
            layers.append("pidns")
        if os.geteuid() == 0:
            work = os.path.join(root, "work")
            for path in (work, os.path.join(work, "submission.py")):
                os.chown(path, NOBODY, NOBODY)
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            code = _worker(req, root, out_w, err_w, ref_w, layers)
        except BaseException:
            try:
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
            except BaseException:
                pass
        finally:
            os._exit(code)
    for fd in (out_w, err_w, ref_w):
        os.close(fd)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


# ====================================================================== the zygote


class _Streams:
    """The three pipes of one run, read within the output cap: stdout (head kept), stderr (tail kept) and
    the refusals (first 20 lines)."""

    def __init__(self, out_r: int, err_r: int, ref_r: int, limit: int) -> None:
        self.out_r, self.err_r, self.ref_r, self.limit = out_r, err_r, ref_r, limit
        self.stdout, self.stderr, self.refusals = bytearray(), bytearray(), bytearray()
        self.total = 0

    def take(self, fd: int, chunk: bytes) -> None:
        if fd == self.ref_r:
            self.refusals += chunk[:max(0, 8000 - len(self.refusals))]
            return
        self.total += len(chunk)
        if fd == self.out_r:
            self.stdout += chunk[:max(0, KEEP_OUTPUT - len(self.stdout))]
        else:
            self.stderr = (self.stderr + chunk)[-KEEP_OUTPUT:]

    def drain(self) -> None:
        for fd in (self.out_r, self.err_r, self.ref_r):
            try:
                os.set_blocking(fd, False)
                while self.total <= self.limit:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    self.take(fd, chunk)
            except OSError:
                pass
            os.close(fd)


def _supervise(req: dict, pid: int, streams: _Streams) -> dict:
    """In the zygote: wall clock and output cap for one cage; kill its process group when it ends."""
    start = time.monotonic()
    deadline = start + req["wall_s"]
    reason, status = None, None
    fds = [streams.out_r, streams.err_r, streams.ref_r]
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
            streams.take(fd, chunk)
        if streams.total > streams.limit:
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
    streams.drain()
    if reason is None and streams.total > streams.limit:
        reason = "output"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    cage_signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    refusals = [line for line in streams.refusals.decode("utf-8", "replace").splitlines() if line][:20]
    return {"reason": reason, "exit": code, "cage_signal": cage_signal, "output_bytes": streams.total,
            "stdout": streams.stdout.decode("utf-8", "replace"), "stderr": streams.stderr.decode("utf-8", "replace"),
            "refusals": refusals, "seconds": round(time.monotonic() - start, 3)}


def _sweep() -> None:
    """As the init of a PID namespace: kill every other process in it and reap them (what a submission
    started must not outlive its run). Never called outside a private namespace."""
    if os.getpid() != 1:
        return
    for _ in range(50):
        others = [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) != 1]
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        while True:
            try:
                reaped, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if reaped == 0:
                break
        if not others:
            return
        time.sleep(0.005)


def _remove(root: str) -> None:
    """Delete a run's folder, also what the submission made read-only."""
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


def _read_result(path: str) -> Any:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_RESULT_BYTES + 1)
    except OSError:
        return None
    if not data or len(data) > MAX_RESULT_BYTES:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def _run(req: dict, home: str) -> dict:
    """One request: a fresh folder with the submission and its cases, the cage, the result."""
    import base64
    import tempfile
    root = tempfile.mkdtemp(prefix="run-", dir=home)
    try:
        os.chmod(root, 0o711)
        work, io = os.path.join(root, "work"), os.path.join(root, "io")
        os.mkdir(work, 0o700)
        os.mkdir(io, 0o700)
        with open(os.path.join(work, "submission.py"), "wb") as f:
            f.write(base64.b64decode(req.pop("source")))
        with open(os.path.join(io, "cases.json"), "w", encoding="utf-8") as f:
            json.dump(req.pop("cases"), f)
        pipes = [os.pipe() for _ in range(3)]
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 71
            try:
                for r, _ in pipes:
                    os.close(r)
                code = _cage(req, root, pipes[0][1], pipes[1][1], pipes[2][1])
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                os._exit(code)
        for _, w in pipes:
            os.close(w)
        _send({"started": pid})
        done = _supervise(req, pid, _Streams(pipes[0][0], pipes[1][0], pipes[2][0], req["output_limit"]))
        done["worker"] = _read_result(os.path.join(io, "result.json"))
        return done
    finally:
        _sweep()
        _remove(root)


_CHANNEL: Any = None


def _send(obj: dict) -> None:
    _CHANNEL.write(json.dumps(obj) + "\n")
    _CHANNEL.flush()


def _serve(paths: list[str]) -> None:
    """The zygote: import torch once, then one request per line on stdin, answers on stdout."""
    global _CHANNEL
    import importlib
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the grader's to handle
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
    home = os.environ.get("TMPDIR") or "/tmp"
    _CHANNEL = sys.stdout
    sys.stdout = sys.stderr                           # nothing else may write on the protocol pipe
    _send({"ready": True, "pid": os.getpid(), "pid1": os.getpid() == 1})
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        if req.get("quit"):
            break
        req["readable"] = readable
        try:
            done = _run(req, home)
        except Exception as exc:                       # the zygote's own failure, reported, not fatal
            done = {"internal": f"{type(exc).__name__}: {exc}"[:300]}
        _send({"done": done})


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--serve":
    _serve(sys.argv[2:])
