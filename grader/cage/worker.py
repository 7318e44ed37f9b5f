"""The cage process (a new session, namespaces when allowed) and the worker that runs the submission."""
from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

try:
    from .common import (CLONE_NEWNET, CLONE_NEWPID, FILE_SIZE_LIMIT, NOBODY, REFUSAL_FD, libc, tasks_of,
                         vm_kb, die_with_parent)
    from .guard import install_guard
    from .values import decode_arg, encode, error_text, is_memory_error, submission_line
except ImportError:                                    # run as the server script
    from common import (CLONE_NEWNET, CLONE_NEWPID, FILE_SIZE_LIMIT, NOBODY, REFUSAL_FD,  # type: ignore
                        libc, tasks_of, vm_kb, die_with_parent)
    from guard import install_guard  # type: ignore[no-redef]
    from values import decode_arg, encode, error_text, is_memory_error, submission_line  # type: ignore


def _confine(req: dict, work: str, layers: list[str]) -> bool:
    """rlimits, then chroot and the uid of *nobody* when root; returns whether the worker is chrooted."""
    import resource
    drop = req["isolate"] and os.geteuid() == 0
    base = req.get("nproc_base")
    nproc = (base if drop and type(base) is int else tasks_of(NOBODY) if drop else tasks_of(os.getuid())) + 16
    seconds = max(1, int(-(-req["timeout_s"] // 1)))
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, 64), (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT),
              (resource.RLIMIT_NPROC, nproc), (resource.RLIMIT_AS, vm_kb() * 1024 + req["memory_mb"] * 2 ** 20)]
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
        install_guard(here, tuple(req["readable"]), chrooted, blocked)
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
        out.update(status="syntax", detail=error_text(exc), line=None)
        return finish()
    linecache.cache["submission.py"] = (len(text), None, text.splitlines(True), "submission.py")
    import types
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    sys.modules["submission"] = module
    try:
        exec(code, module.__dict__)
    except BaseException as exc:                        # SystemExit too: the file must not stop the run
        status = "memory" if is_memory_error(exc) else "load_error"
        out.update(status=status, detail=error_text(exc), line=submission_line(exc))
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
            args = [decode_arg(a) for a in case.get("args", [])]
            kwargs = {k: decode_arg(v) for k, v in case.get("kwargs", {}).items()}
            value = fn(*args, **kwargs)
            out["results"].append({"value": encode(value)})
        except BaseException as exc:
            if is_memory_error(exc):
                out.update(status="memory", detail=error_text(exc), line=submission_line(exc))
                return finish()
            out["results"].append({"error": error_text(exc), "line": submission_line(exc)})
    return finish()


def _unshare(flags: int) -> bool:
    try:
        if hasattr(os, "unshare"):                   # Python 3.12+
            os.unshare(flags)                        # type: ignore[attr-defined]
            return True
        return libc().unshare(flags) == 0
    except Exception:
        return False


def cage(req: dict, root: str, out_w: int, err_w: int, ref_w: int) -> int:
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


