"""One function applied to many items in forked worker processes, results in order: ``solve file`` of a folder
(:mod:`solver.cli`) and ``grade --jobs N`` (:mod:`grader.parallel`).

The caller prepares what every item needs (PyTorch imported, gold answers computed) *before* calling
:func:`map_forked`; the workers are forked then and inherit it, together with the items and the job, instead of
receiving them: only indices go to a worker and only results come back (pickled). Results are yielded in item
order; at most a few chunks per worker are in flight, so the parent never holds more than those. Should a worker
die (killed, out of memory), the items of its chunk are done again, each in a fresh process of its own, and an
item that kills that one too gives ``died(item)`` — one item never takes the others down.

Example:
    >>> def square(x, job):
    ...     return x * x + job
    >>> list(map_forked([1, 2, 3, 4], 1, 2, square, died=lambda item: None))
    [2, 5, 10, 17]
"""
from __future__ import annotations

from collections import deque
from typing import Any, Callable, Iterator

_ITEMS: list[Any] = []                  # the work items, inherited by forked workers
_JOB: Any = None
_FUNC: Callable[[Any, Any], Any] | None = None
_ON_EXIT: Callable[[], None] | None = None
_PARENT = 0                             # the pid that forked the workers
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (Linux): this process is killed when its parent ends — a worker
    whose parent was killed (``kill -9``, out of memory) must not wait for work forever."""
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:                        # noqa: BLE001 - not Linux: the pool's own checks remain
        pass


def can_fork() -> bool:
    """Whether this platform starts processes by forking (Linux, macOS): the workers need it to inherit."""
    import multiprocessing as mp
    return "fork" in mp.get_all_start_methods()


def init_worker() -> None:
    """In a forked worker: PyTorch on one thread. Its OpenMP thread pool, if the parent used it, does not survive
    a fork (the child's first parallel region would wait forever). The worker is killed when the parent ends
    (:func:`die_with_parent`); the caller's ``on_exit`` runs as it ends (a worker ends without ``atexit``)."""
    import os
    import sys
    from multiprocessing import util
    import signal
    die_with_parent()
    if os.getppid() != _PARENT:              # the parent died before the line above
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle: it stops the workers
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    if _ON_EXIT is not None:
        util.Finalize(None, _ON_EXIT, exitpriority=10)


def _work(indices: list[int]) -> list[Any]:
    assert _FUNC is not None
    return [_FUNC(_ITEMS[i], _JOB) for i in indices]


def chunks(n: int, jobs: int, most: int = 32) -> list[list[int]]:
    """Indices ``0 … n-1`` in chunks: about eight per worker (fewer round trips), at most ``most`` items each.

    >>> [len(c) for c in chunks(20, 2)]
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    >>> [len(c) for c in chunks(100, 2, most=32)][:3]
    [6, 6, 6]
    """
    size = max(1, min(most, n // (jobs * 8) or 1))
    return [list(range(i, min(i + size, n))) for i in range(0, n, size)]


def map_forked(items: list[Any], job: Any, jobs: int, func: Callable[[Any, Any], Any],
               died: Callable[[Any], Any], *, on_exit: Callable[[], None] | None = None,
               most: int = 32) -> Iterator[Any]:
    """``func(item, job)`` for every item, in order, in ``jobs`` forked processes (inheriting ``items``, ``job``
    and ``func``); an item whose worker died, alone in a fresh process, and ``died(item)`` if it dies again.
    ``func`` must not raise (it returns its error as a result); a result that cannot be sent back (pickled) gives
    ``died(item)`` too; ``most`` bounds a chunk (1: each item is
    handed out alone, the best balance when items take very different times)."""
    global _ITEMS, _JOB, _FUNC, _ON_EXIT, _PARENT
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor
    _ITEMS, _JOB, _FUNC, _ON_EXIT, _PARENT = items, job, func, on_exit, os.getpid()
    ctx = mp.get_context("fork")
    workers = min(jobs, len(items))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker)
    return _collect(pool, workers, deque(chunks(len(items), jobs, most)), ctx, 4 * jobs, died)


def _collect(pool: Any, workers: int, todo: deque, ctx: Any, window: int,
             died: Callable[[Any], Any]) -> Iterator[Any]:
    global _ITEMS, _JOB, _FUNC, _ON_EXIT
    from concurrent.futures.process import BrokenProcessPool
    pending: deque = deque()
    done = False
    try:
        while todo or pending:
            while todo and len(pending) < window:
                chunk = todo.popleft()
                try:
                    pending.append((chunk, pool.submit(_work, chunk)))
                except BrokenProcessPool:
                    pending.append((chunk, None))
            chunk, future = pending.popleft()
            try:
                if future is None:
                    raise BrokenProcessPool("the pool broke")
                outcomes = future.result()
            except BrokenProcessPool:            # a worker died: its items again, one process each
                outcomes = [_alone(i, ctx, died) for i in chunk]
                if todo or pending:              # the pool is broken for every chunk still to go: a new one
                    pool.shutdown(wait=True, cancel_futures=True)
                    from concurrent.futures import ProcessPoolExecutor
                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker)
                    todo.extendleft(reversed([c for c, _ in pending]))
                    pending.clear()
            except Exception:                    # noqa: BLE001 - a result that could not be sent back (pickled)
                outcomes = [died(_ITEMS[i]) for i in chunk]
            del future
            yield from outcomes
        done = True
    finally:
        if not done:                             # Ctrl-C, an error, or the results no longer wanted: stop now
            _kill(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        _ITEMS, _JOB, _FUNC, _ON_EXIT = [], None, None, None


def _kill(pool: Any) -> None:
    """Kill the pool's workers, not waiting for the items they hold (``shutdown`` would)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass


def _alone(i: int, ctx: Any, died: Callable[[Any], Any]) -> Any:
    from concurrent.futures import ProcessPoolExecutor
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=init_worker) as pool:
            return pool.submit(_work, [i]).result()[0]
    except Exception:                        # noqa: BLE001 - BrokenProcessPool, or a result not sent back
        return died(_ITEMS[i])
