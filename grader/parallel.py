"""Grading a class in N processes (``grade --jobs N``).

The parent first learns what the class answers (:mod:`grader.stream` scans the files: variants, languages,
exercise ids); the gold answers of every exercise and variant the class answers are computed there (:func:`warm`,
from the on-disk cache of :mod:`grader.gold_cache` when it holds them), and only then are the workers forked:
each starts warm, inheriting the file list, the assignment, the roster and the gold answers instead of receiving
them. A worker gets indices of files, reads and grades them, and sends back the graded sheets (plain
dataclasses); results come back in file order, as they would without ``--jobs``, and only a few chunks per
worker are in flight, so the parent never holds the class. A file that fails to grade is an error for that file only; should a worker die (killed,
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from solver.errors import InputError, internal_error, say


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
    speaks: str = "en"            # the language of the run's error lines (solver.errors.spoken), for remote workers


class Spilled:
    """An answer sheet the scan of :mod:`grader.stream` read and wrote (pickled) to its private spill file:
    graded without reading and parsing the answer file a second time, and without the parent holding it."""
    __slots__ = ("spill", "offset", "length", "file")

    def __init__(self, spill: str, offset: int, length: int, file: str) -> None:
        self.spill, self.offset, self.length, self.file = spill, offset, length, file

    def load(self) -> Any:
        import pickle
        with open(self.spill, "rb") as fh:
            fh.seek(self.offset)
            return pickle.loads(fh.read(self.length))   # noqa: S301 - written by this run, in a 0700 folder


class Pickled:
    """A scanned answer sheet kept in memory, pickled (a small class: :class:`grader.stream.Spill`)."""
    __slots__ = ("blob", "file")

    def __init__(self, blob: bytes, file: str) -> None:
        self.blob, self.file = blob, file

    def load(self) -> Any:
        import pickle
        return pickle.loads(self.blob)                   # noqa: S301 - pickled by this run


def grade_item(item: Any, job: Job) -> tuple[str, Any, str | None]:
    """:func:`grade_one` of an answer sheet, of a :class:`Spilled` sheet, or of the file at a path (read here: a
    worker reads its own files, so no process holds the whole class); never raises."""
    if isinstance(item, (Spilled, Pickled)):
        try:
            item = item.load()
        except Exception as exc:             # noqa: BLE001 - last resort: one file never stops the class
            return "error", internal_error(item.file, exc), None
    elif isinstance(item, (str, Path)):
        from .answers import read_sheet
        try:
            item = read_sheet(item)
        except InputError as exc:
            return "error", say(exc), None
        except Exception as exc:             # noqa: BLE001 - last resort: one file never stops the class
            return "error", internal_error(str(item), exc), None
    return grade_one(item, job)


def grade_one(sheet: Any, job: Job) -> tuple[str, Any, str | None]:
    """``("ok", class sheet, JSON record or None)`` or ``("error", message, None)``; never raises."""
    from .grade import grade_sheet
    from .teacher import class_sheet, record, roster_identity
    try:
        sheet = roster_identity(sheet, job.roster)
        result = class_sheet(grade_sheet(sheet, derive_seed=job.variants, other_seeds=job.class_seeds),
                             job.assignment, job.roster)
        result.lang = job.forced or result.lang or job.default   # the language the student wrote in
        line = json.dumps(record(result, result.lang), ensure_ascii=False) if job.fmt == "json" else None
        return "ok", result, line
    except InputError as exc:
        return "error", say(exc), None
    except Exception as exc:                 # noqa: BLE001 - last resort: one file never stops the class
        return "error", internal_error(sheet.file, exc), None


def warm(sheets: list[Any], job: Job) -> None:
    """Compute, once in this process, the gold answers (and the mistakes and symbolic forms built from them) of
    every exercise and variant the sheets answer, so that forked workers inherit them."""
    from .grade import sheet_seed
    warm_pairs({(ex, sheet_seed(sheet, job.variants)) for sheet in sheets for ex in sheet.answers}, job)


def wanted_pairs(pairs: set[tuple[str, Any]], class_seeds: tuple) -> list[tuple[str, Any]]:
    """Every (exercise, variant) a class needs: each answered exercise's book version and the variants of the
    sheets, and every class seed of each (another variant's answer is recognised against every seed)."""
    wanted = {(ex, None) for ex, _ in pairs} | set(pairs)
    for seed in class_seeds:
        for ex in {e for e, _ in pairs}:
            wanted.add((ex, seed))
    return sorted(wanted, key=lambda w: (w[0], w[1] is not None, w[1] or 0))


def warm_pairs(pairs: set[tuple[str, Any]], job: Job) -> None:
    """:func:`warm` for (exercise, seed) pairs (what :mod:`grader.stream` learns from its scan of the files)."""
    from .gold import gold_for
    from .grade import _gold_sympy, _mistakes
    for ex, seed in wanted_pairs(pairs, job.class_seeds):
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


def init_worker() -> None:
    """In a forked worker: :func:`solver.forked.init_worker` (PyTorch on one thread), and the grader's own
    processes stopped as the worker ends (for a pool made without :func:`map_forked`, as ``bench/`` does)."""
    from multiprocessing import util
    from solver.forked import init_worker as init
    init()
    util.Finalize(None, _worker_exit, exitpriority=10)


def _worker_exit() -> None:
    import sys
    sandbox = sys.modules.get("grader.sandbox")
    if sandbox is not None:
        sandbox.stop_all()                   # the worker's own program sandbox server and its temporary folder
    from .timeout import shutdown
    shutdown()


def grade_all(sheets: list[Any], job: Job, jobs: int = 1) -> Iterator[tuple[str, Any, str | None]]:
    """The outcome of every sheet or answer file (:func:`grade_item`), in order, graded in ``jobs`` forked
    processes. The workers are forked here, before the first outcome is asked for (so before a progress bar's
    thread starts). At most a few chunks per worker are in flight: outcomes not yet taken never pile up."""
    from solver.forked import can_fork
    if jobs <= 1 or len(sheets) < 2 or not can_fork():
        return (grade_item(sheet, job) for sheet in sheets)
    if not all(isinstance(s, (str, Path)) for s in sheets):
        warm(sheets, job)
    return map_forked(sheets, job, jobs, grade_item, died=_died)


def map_forked(items: list[Any], job: Any, jobs: int, func: Callable[[Any, Any], Any],
               died: Callable[[Any], Any]) -> Iterator[Any]:
    """:func:`solver.forked.map_forked` for the grader: each worker starts its own symbolic-comparison worker
    and program sandbox (stopped as it ends), none inherited from the parent."""
    from solver.forked import map_forked as forked
    from .timeout import shutdown
    shutdown()                               # the symbolic worker is per process: each worker starts its own
    return forked(items, job, jobs, func, died, on_exit=_worker_exit)


def _died(item: Any) -> tuple[str, Any, None]:
    file = str(item) if isinstance(item, (str, Path)) else item.file
    from solver.i18n import Msg, Plain
    return "error", say(Msg("gw.died_grading", file=Plain(file))), None
