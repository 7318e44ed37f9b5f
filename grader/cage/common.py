"""What the grader and the cage share: limits, the refusal channel, parent-death signals, task counts.

Example:
    >>> REFUSAL_FD, NOBODY
    (3, 65534)
"""
from __future__ import annotations

import os
import signal
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


def libc() -> Any:
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)``: this process is killed when its parent ends."""
    try:
        libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


def tasks_of(uid: int) -> int:
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


def vm_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    return 1 << 20


