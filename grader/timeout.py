"""Run a function in a separate process with a hard time limit.

A timeout inside the same process can be swallowed (sympy catches broad exceptions); a worker process
that is killed cannot. The worker is forked once and reused; after a timeout it is killed and a new
one starts on the next call.

Example:
    >>> run_limited(pow, (2, 10), seconds=5)
    (True, 1024)
"""
from __future__ import annotations

import atexit
import os
from typing import Any, Callable

_POOL: Any = None
_OWNER: int | None = None       # the process that started the worker: a forked child starts its own


def _pool() -> Any:
    global _POOL, _OWNER
    if _POOL is None or _OWNER != os.getpid():
        import multiprocessing as mp           # only when a comparison needs a killable worker (start-up)
        _POOL = mp.get_context("fork").Pool(1)
        _OWNER = os.getpid()
        atexit.register(shutdown)
    return _POOL


def run_limited(fn: Callable[..., Any], args: tuple, seconds: float = 1.0) -> tuple[bool, Any]:
    """(True, result) or (False, None) when the call ran out of time or failed in the worker."""
    global _POOL
    pool = _pool()
    from multiprocessing import TimeoutError as Timeout
    job = pool.apply_async(fn, args)
    try:
        return True, job.get(timeout=seconds)
    except Timeout:
        pool.terminate()
        _POOL = None
        return False, None
    except Exception:  # the worker raised: treat as "could not decide"
        return False, None


def shutdown() -> None:
    global _POOL
    if _POOL is not None and _OWNER == os.getpid():
        _POOL.terminate()
    _POOL = None
