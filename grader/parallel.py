"""Grading a class in N processes (``grade --jobs N``).

The sheets are read in the parent (the class's variants must be known before any is graded); the gold answers
of every exercise and variant the class answers are computed there too (:func:`warm`, from the on-disk cache
of :mod:`grader.gold_cache` when it holds them), and only then are the workers forked: each starts warm,
inheriting the sheets, the assignment, the roster and the gold answers instead of receiving them. A worker gets
indices of sheets and sends back the graded sheets (plain dataclasses); results come back in file order, as they
would without ``--jobs``. A file that fails to grade is an error for that file only; should a worker die (killed,
out of memory), the files it held are graded again, each in a fresh process of its own, and a file that kills
that one too is an error for that file.

Example:
    >>> from grader.answers import AnswerSheet
    >>> job = Job(variants=False, class_seeds=(), assignment=None, roster=None, forced="en", fmt="text")
    >>> sheets = [AnswerSheet(f"s{i}", f"s{i}.yaml", {"hw-q3": {"params": p}}) for i, p in enumerate([4640, 4608, 1])]
    >>> [(kind, r.student, r.score) for kind, r, _ in grade_all(sheets, job, jobs=2)]
    [('ok', 's0', 1.0), ('ok', 's1', 0.5), ('ok', 's2', 0.0)]
"""
from __future__ import annotations

import json
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Iterator

from solver.errors import InputError, internal_error


@dataclass(frozen=True)
class Job:
    """What every sheet of a run is graded with."""
    variants: bool
    class_seeds: tuple
    assignment: Any
    roster: Any
    forced: str | None            # --lang or the assignment's; None: each student's own language
    fmt: str                      # text | json (json: the record is made in the worker too)
    default: str = "en"           # the language of a sheet that tells none: the class's (grader.language.class_lang)


def grade_one(sheet: Any, job: Job) -> tuple[str, Any, str | None]:
    """``("ok", class sheet, JSON record or None)`` or ``("error", message, None)``; never raises."""
    from .grade import grade_sheet
    from .teacher import class_sheet, record
    try:
        result = class_sheet(grade_sheet(sheet, derive_seed=job.variants, other_seeds=job.class_seeds),
                             job.assignment, job.roster)
        result.lang = job.forced or result.lang or job.default   # the language the student wrote in
        line = json.dumps(record(result, result.lang), ensure_ascii=False) if job.fmt == "json" else None
        return "ok", result, line
    except InputError as exc:
        return "error", str(exc), None
    except Exception as exc:                 # noqa: BLE001 - last resort: one file never stops the class
        return "error", internal_error(sheet.file, exc), None


def warm(sheets: list[Any], job: Job) -> None:
    """Compute, once in this process, the gold answers (and the mistakes and symbolic forms built from them) of
    every exercise and variant the sheets answer, so that forked workers inherit them."""
    from .gold import gold_for
    from .grade import _gold_sympy, _mistakes, sheet_seed
    wanted: set[tuple[str, Any]] = set()
    for sheet in sheets:
        seed = sheet_seed(sheet, job.variants)
        for ex in sheet.answers:
            wanted.add((ex, None))
            wanted.add((ex, seed))
    for seed in job.class_seeds:                 # another variant's answer is recognised against every seed
        for ex in {e for e, _ in wanted}:
            wanted.add((ex, seed))
    for ex, seed in sorted(wanted, key=lambda w: (w[0], w[1] is not None, w[1] or 0)):
        try:
            gold = gold_for(ex)
            if seed is not None and gold.exercise.randomised:
                gold = gold_for(ex, seed)
            elif seed is not None:
                continue
            for pid, gp in gold.parts.items():
                _mistakes(ex, pid, gold.exercise.seed)
                if gp.expected in ("expr", "convexpr"):
                    _gold_sympy(gold, pid)
        except Exception:                    # noqa: BLE001 - an unknown or bad exercise is reported when graded
            continue


_SHEETS: list[Any] = []
_JOB: Job | None = None


def init_worker() -> None:
    """In a forked worker: PyTorch on one thread. Its OpenMP thread pool, used by the parent while the gold
    answers were computed, does not survive a fork (the child's first parallel region would wait forever)."""
    import sys
    from multiprocessing import util
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    util.Finalize(None, _worker_exit, exitpriority=10)     # a worker ends without atexit: stop what it started


def _worker_exit() -> None:
    import sys
    sandbox = sys.modules.get("grader.sandbox")
    if sandbox is not None:
        sandbox.stop_all()                   # the worker's own program sandbox server and its temporary folder
    from .timeout import shutdown
    shutdown()


def _work(indices: list[int]) -> list[tuple[str, Any, str | None]]:
    return [grade_one(_SHEETS[i], _JOB) for i in indices]


def _chunks(n: int, jobs: int) -> list[list[int]]:
    size = max(1, min(32, n // (jobs * 8) or 1))
    return [list(range(i, min(i + size, n))) for i in range(0, n, size)]


def grade_all(sheets: list[Any], job: Job, jobs: int = 1) -> Iterator[tuple[str, Any, str | None]]:
    """The outcome of every sheet (:func:`grade_one`), in order, graded in ``jobs`` forked processes. The
    workers are forked here, before the first outcome is asked for (so before a progress bar's thread starts)."""
    global _SHEETS, _JOB
    if jobs <= 1 or len(sheets) < 2 or "fork" not in mp.get_all_start_methods():
        return (grade_one(sheet, job) for sheet in sheets)
    warm(sheets, job)
    from .timeout import shutdown
    shutdown()                               # the symbolic worker is per process: each worker starts its own
    _SHEETS, _JOB = sheets, job
    ctx = mp.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(sheets)), mp_context=ctx, initializer=init_worker)
    futures = [(chunk, pool.submit(_work, chunk)) for chunk in _chunks(len(sheets), jobs)]
    return _collect(pool, futures, ctx)


def _collect(pool: Any, futures: list, ctx: Any) -> Iterator[tuple[str, Any, str | None]]:
    global _SHEETS, _JOB
    try:
        for chunk, future in futures:
            try:
                outcomes = future.result()
            except BrokenProcessPool:            # a worker died: its files again, one process each
                outcomes = [_alone(i, ctx) for i in chunk]
            yield from outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _SHEETS, _JOB = [], None


def _alone(i: int, ctx: Any) -> tuple[str, Any, str | None]:
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=init_worker) as pool:
            return pool.submit(_work, [i]).result()[0]
    except BrokenProcessPool:
        return "error", f"{_SHEETS[i].file}: the process grading this file died (killed, or out of memory)", None
