"""The zygote: imports torch once, then serves one request per line (see :mod:`grader.cage`)."""
from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from typing import Any

if not __package__:                                    # run as a script: the folder's modules are siblings
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from .common import KEEP_OUTPUT, MAX_RESULT_BYTES, PRELOAD, die_with_parent
    from .worker import cage
except ImportError:
    from common import KEEP_OUTPUT, MAX_RESULT_BYTES, PRELOAD, die_with_parent  # type: ignore[no-redef]
    from worker import cage  # type: ignore[no-redef]


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
                code = cage(req, root, pipes[0][1], pipes[1][1], pipes[2][1])
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


def _warm_dataloader(torch: Any) -> None:
    """Iterate a two-item ``DataLoader`` once (in this process, no worker processes or threads): its
    ``__next__`` enters ``torch.autograd.profiler.record_function``, whose first use imports
    ``torch.profiler._cupti_monitor`` lazily. In the chrooted worker that import fails with an ImportError torch
    does not expect; torch then logs the error with its traceback, and formatting it (``torch._dynamo``, source
    lines of every frame) opens files the guard refuses: a right program using a DataLoader was reported as
    having tried forbidden operations. Done here, the import is cached before the fork; the worker reads nothing
    new (the guard is unchanged)."""
    try:
        from torch.utils.data import DataLoader, TensorDataset
        for _ in DataLoader(TensorDataset(torch.zeros(2, 1), torch.zeros(2)), batch_size=1):
            pass
        profiler = sys.modules.get("torch.autograd.profiler")
        if profiler is not None and hasattr(profiler, "_maybe_cupti_monitor"):
            profiler._maybe_cupti_monitor()
    except Exception:                                  # a warm-up: an older torch without these parts still serves
        pass


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
    _warm_dataloader(torch)
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

