"""``grade --dask ADDRESS DIR``: the grading of a class mapped over files on a Dask cluster.

Grading is a map over files, so it runs on an existing engine rather than anything home-made: the scheduler at
``ADDRESS`` (``tcp://host:8786``), or ``local:N`` — a :class:`distributed.LocalCluster` of N worker processes
(one thread each) started for the run and closed after it. The files are read by the workers, at the same paths
(a shared file system; with ``local:N`` they are). Each worker is kept warm by :class:`WarmGrader`, a
``distributed.WorkerPlugin`` that at setup puts PyTorch on one thread, sets the extra banks and loads the gold
answers of every exercise and variant the class answers (from the on-disk gold cache the client has just
filled, when the workers share it). Tasks are chunks of files; a few per worker are in flight; outcomes come
back in file order as the same ``(kind, graded sheet, JSON record)`` tuples as :mod:`grader.parallel` gives, and
go through the same streamed outputs (:mod:`grader.stream`), so the gradebooks and the report equal a
single-process run's. A chunk whose task fails (a worker lost twice over) is an error for each of its files.

dask and distributed are imported only here, only with ``--dask`` (``pip install 'cnn-exercises[dask]'``).
"""
from __future__ import annotations

import os
import sys
from collections import deque
from pathlib import Path
from typing import Any, Iterator

from solver.errors import InputError

CHUNK = 16                                   # files per task


class _WarmGrader:
    """Keeps a Dask worker warm for grading (see the module's description). The class the cluster sees,
    :data:`WarmGrader`, is this one with ``distributed.WorkerPlugin`` as a base, made on first use (importing
    this module does not import distributed)."""
    name = "cnn-exercises-grader"

    def __init__(self, pairs: list[tuple[str, Any]], class_seeds: tuple, banks: tuple[str, ...],
                 cache: str | None, allow_weak: bool) -> None:
        self.pairs, self.class_seeds, self.banks = list(pairs), tuple(class_seeds), tuple(banks)
        self.cache, self.allow_weak = cache, allow_weak

    def setup(self, worker: Any) -> None:
        import multiprocessing
        # a worker process is daemonic, and a daemonic process may not start children; the grader starts its
        # symbolic-comparison worker and its program sandbox as children, and stops them at teardown
        multiprocessing.current_process()._config["daemon"] = False
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.set_num_threads(1)
        if self.cache is not None:
            os.environ["CNN_GOLD_CACHE"] = self.cache
        from .gold import set_extra_banks
        set_extra_banks([Path(b) for b in self.banks])
        if self.allow_weak:
            from .sandbox import allow_weak_sandbox
            allow_weak_sandbox()
        from types import SimpleNamespace
        from .parallel import warm_pairs
        warm_pairs(set(self.pairs), SimpleNamespace(class_seeds=self.class_seeds))

    def teardown(self, worker: Any) -> None:
        from .parallel import _worker_exit
        _worker_exit()


def __getattr__(name: str) -> Any:
    if name == "WarmGrader":                 # pickled by reference: a worker imports it from here
        cls = globals().get("_plugin_class")
        if cls is None:
            from distributed import WorkerPlugin
            cls = type("WarmGrader", (_WarmGrader, WorkerPlugin), {"__module__": __name__})
            globals()["_plugin_class"] = cls
        return cls
    raise AttributeError(name)


def grade_chunk(paths: list[str], job: Any) -> list[tuple[str, Any, str | None]]:
    """What a task does on a worker: read and grade each file (:func:`grader.parallel.grade_item`)."""
    from solver.errors import speak
    from .parallel import grade_item
    speak(job.speaks)                        # a remote worker did not inherit the run's language of error lines
    return [grade_item(Path(p), job) for p in paths]


def _connect(address: str) -> tuple[Any, Any]:
    """(client, the LocalCluster started for ``local:N`` or None); :class:`InputError` when that cannot be."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--dask needs dask and distributed: pip install 'cnn-exercises[dask]'") from None
    if address.startswith("local:") or address == "local":
        text = address.partition(":")[2] or str(os.cpu_count() or 1)
        if not text.isdigit() or not 1 <= int(text) <= 256:
            raise InputError(f"--dask {address}: local:N needs a number of workers N from 1 to 256")
        cluster = LocalCluster(n_workers=int(text), threads_per_worker=1, processes=True, dashboard_address=":0")
        try:
            return Client(cluster), cluster
        except BaseException:
            cluster.close()
            raise
    try:
        return Client(address, timeout="20s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--dask {address}: cannot reach the Dask scheduler: {exc}") from None


def grade_on_dask(address: str, paths: list[Path], job: Any, pairs: set[tuple[str, Any]], banks: tuple[str, ...],
                  allow_weak: bool = False) -> Iterator[tuple[str, Any, str | None]]:
    """The outcome of every file, in order, graded on the cluster at ``address`` (see the module's
    description). The client (and a ``local:N`` cluster) is closed when the iterator ends or is closed."""
    from .parallel import warm_pairs, wanted_pairs
    warm_pairs(pairs, job)                   # fills the on-disk gold cache the workers read
    from .gold_cache import cache_dir
    folder = cache_dir()
    client, cluster = _connect(address)
    return _stream(client, cluster, paths, job, wanted_pairs(pairs, ()), banks, allow_weak,
                   str(folder) if folder is not None else None)


def _stream(client: Any, cluster: Any, paths: list[Path], job: Any, pairs: list, banks: tuple[str, ...],
            allow_weak: bool, cache: str | None) -> Iterator[tuple[str, Any, str | None]]:
    try:
        client.register_plugin(__getattr__("WarmGrader")(pairs, job.class_seeds, banks, cache, allow_weak))
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        shared = client.scatter(job, broadcast=True)
        chunks = deque([str(p) for p in paths[i:i + CHUNK]] for i in range(0, len(paths), CHUNK))
        pending: deque = deque()
        while chunks or pending:
            while chunks and len(pending) < 4 * workers:
                chunk = chunks.popleft()
                pending.append((chunk, client.submit(grade_chunk, chunk, shared, pure=False)))
            chunk, future = pending.popleft()
            try:
                outcomes = future.result()
            except Exception as exc:         # noqa: BLE001 - a failed task: an error for each of its files
                reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                outcomes = [("error", f"{p}: the Dask task grading this file failed ({reason})", None) for p in chunk]
            future.release()
            del future
            yield from outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
