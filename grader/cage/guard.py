"""The in-process guard (defence in depth, not a boundary): an audit hook and replaced entry points."""
from __future__ import annotations

import os
import sys
from typing import Any

try:
    from .common import REFUSAL_FD, REFUSAL_UNREPORTED
except ImportError:                                    # run as the server script
    from common import REFUSAL_FD, REFUSAL_UNREPORTED  # type: ignore[no-redef]


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


def install_guard(work: str, readable: tuple[str, ...], chrooted: bool, log: list) -> None:
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


