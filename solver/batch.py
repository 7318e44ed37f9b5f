"""``solve file`` of many files: each file's outcome in order — solved and rendered here, or, for a checked run
of several files, in forked workers (:mod:`solver.forked`) that share this process's imports.

An outcome is ``("ok", checks passed, the text to print or None, the solution or None)`` or ``("error", one
line)``: one bad file never stops the others, and a worker that dies costs only its own file.

Example:
    >>> from solver.bank import bank_dir
    >>> [o[:2] for o in solve_files([bank_dir() / "hw-q2.yaml"], Job(None, False, "en", "json", False), 1)]
    [('ok', True)]
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, NamedTuple

from .bank import load_file
from .errors import InputError, internal_error, say
from .i18n import Msg, Plain
from .pipeline import prepare, solve_exercise
from .render.output import rendered


class Job(NamedTuple):
    """What every file of ``solve file`` is solved and written with."""
    seed: int | None
    verify: bool
    lang: str
    fmt: str
    keep: bool                               # the solutions are wanted back (--pdf)


def solve_files(files: list[Path], job: Job, jobs: int, *, freeze: bool = False) -> Iterator[tuple]:
    """The outcome of each file, in order (:func:`solve_path`). Checked runs of several files are solved and
    rendered in forked processes (:mod:`solver.forked`) after this one has imported what the checks need
    (:func:`~solver.pipeline.prepare`, frozen out of the collector's reach with ``freeze``: a one-shot command):
    they share one PyTorch import instead of paying for it each, and only the rendered text comes back."""
    from .forked import can_fork
    jobs = jobs or _cpus()
    if not job.verify or jobs < 2 or len(files) < 4 or not can_fork():
        return (solve_path((path, None), job) for path in files)
    from .forked import map_forked
    loaded: list[Any] = []
    for path in files:
        try:
            loaded.append((path, load_file(path, seed=job.seed)))
        except Exception as exc:             # noqa: BLE001 - reported in its place, the others go on
            loaded.append((path, _error(path, exc)))
    prepare({ex.kind for _, ex in loaded if not isinstance(ex, tuple)}, freeze=freeze)
    return map_forked(loaded, job, jobs, solve_path, died=_died, most=1)


def _cpus() -> int:
    import os
    try:
        return min(len(os.sched_getaffinity(0)), 4)
    except AttributeError:                   # not on Linux
        return min(os.cpu_count() or 1, 4)


def solve_path(item: tuple[Path, Any], job: Job) -> tuple:
    """Solve and render one exercise file, ``(path, its Exercise, its load error, or None: load it here)``:
    ``("ok", checks passed, the text to print or None, the solution or None)`` or ``("error", one line)``.
    The solution is given back when it is kept or when rich draws the text itself (a styled terminal). Never
    raises: an error is an outcome."""
    path, ex = item
    if isinstance(ex, tuple):
        return ex                            # the file could not be loaded: its error
    try:
        solution = solve_exercise(ex if ex is not None else load_file(path, seed=job.seed), verify=job.verify)
        text = rendered(solution, job.lang, job.fmt, job.verify)
    except Exception as exc:                 # noqa: BLE001 - one bad file never stops the others
        return _error(path, exc)
    return "ok", solution.ok, text, solution if job.keep or text is None else None


def _error(path: Path, exc: Exception) -> tuple[str, str]:
    return "error", say(exc) if isinstance(exc, InputError) else internal_error(str(path), exc, "solving")


def _died(item: Any) -> tuple[str, str]:
    return "error", say(Msg("err.worker_died", file=Plain(str(item[0]))))
