"""``grade DIR``: a class graded as a stream, memory flat in the class's size.

1. **Scan.** Each file is read once to learn what grading needs from the whole class before any file is graded:
   its variant (seed), the language it is written in, the exercises it answers — or that it is not an answer
   file (skipped with a note) or unreadable (an error for that file). Only those few values are kept.
2. **Grade.** Each sheet is graded where it is graded (in this process, in ``--jobs N`` forked workers, or on
   a Dask cluster: :mod:`grader.dask_grading`), loaded from the scan's spill file (:class:`grader.sinks.Spill`:
   pickled by the scan, so no file is parsed twice and no process holds the class) or, on a cluster, read
   again from its path; outcomes come back in file order. As soon as a
   file is graded its terminal table or JSON record is printed, its JSON Lines record is written (``--jsonl``)
   and its Gradescope ``results.json`` is written into the folder being built; what stays is a
   :class:`~grader.compact.CompactSheet` (~1 KB) and the report's bounded tallies
   (:class:`~grader.compact.ClassStats`); for ``--xlsx`` the parts' answers and feedback wait in the spill file.
   ``--pdf`` and ``--pdf-dir`` need the whole graded sheets, so with them those are kept.
3. **Finish.** Duplicate ids are found (their files leave the gradebooks, the tallies and the Gradescope folder),
   the gradebooks and the report are built from the compact rows, and the streamed outputs are committed: each
   output file or folder lands whole or not at all (a temporary file or folder beside it, renamed at the end).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "s1.yaml").write_text("student: s1\\nanswers: {hw-q3: {params: 4640}}\\n")
    >>> _ = (d / "notes.md").write_text("# Homework\\nBring a pencil.\\n")
    >>> [s[0] for s in scan_files([d / "s1.yaml", d / "notes.md"], set(), None, False)]
    ['sheet', 'skip']
    >>> import shutil; shutil.rmtree(d)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

from solver.errors import InputError, internal_error, say, spoken


@dataclass
class Options:
    """What ``grade`` was asked for (the command line, once the assignment and roster are read)."""
    answers: tuple[str, ...]
    fmt: str = "text"
    forced: str | None = None            # --lang or the assignment's language; None: each student's own
    locale_lang: str = "en"
    variants: bool = False
    assignment: Any = None
    roster: Any = None
    csv_path: str | None = None
    csv_format: str = "plain"
    xlsx_path: str | None = None
    pdf: str | None = None
    pdf_dir: str | None = None
    report_path: str | None = None
    gs_path: str | None = None
    jsonl_path: str | None = None
    single: bool = False
    jobs: int = 1
    font_paths: tuple[str, ...] = ()
    allow_weak: bool = False
    dask: str | None = None
    banks: tuple[str, ...] = ()


# ------------------------------------------------------------------ 1. the scan

def scan_one(path: Path, given: bool, roster: Any, variants: bool, keep: bool = False) -> tuple:
    """``("sheet", seed, lang, exercise ids, pickled sheet or None)``, ``("skip", note)`` or ``("error", message)``
    for one file (the sheet pickled with ``keep``, for the spill file; the sheet itself with ``keep="sheet"``: one
    file is graded, so nothing waits); never raises."""
    from .answers import read_sheet
    from .grade import sheet_seed
    from .language import sheet_lang
    from .teacher import not_an_answer_file, roster_identity, stray_sheet
    try:
        sheet = roster_identity(read_sheet(path), roster)
        note = stray_sheet(sheet, roster) if not given else None          # a README with a heading
        if note:
            return ("skip", note)
        blob: Any = None
        if keep == "sheet":
            blob = sheet
        elif keep:
            import pickle
            blob = pickle.dumps(sheet, protocol=pickle.HIGHEST_PROTOCOL)
        return ("sheet", sheet_seed(sheet, variants), sheet_lang(sheet), tuple(sheet.answers), blob)
    except InputError as exc:
        note = not_an_answer_file(path, roster) if not given else None     # found in a class folder
        return ("skip", note) if note else ("error", say(exc))
    except Exception as exc:             # noqa: BLE001 - last resort: one file never stops the class
        return ("error", internal_error(str(path), exc))


def _scan_item(path: Path, job: tuple) -> tuple:
    given, roster, variants, keep = job
    return scan_one(path, path in given, roster, variants, keep)


def _scan_died(path: Any) -> tuple:
    from solver.i18n import Msg, Plain
    return ("error", say(Msg("gw.died_reading", file=Plain(str(path)))))


def scan_files(files: list[Path], given: set[Path], roster: Any, variants: bool, jobs: int = 1,
               keep: bool = False) -> Iterator[tuple]:
    """:func:`scan_one` of every file, in order (in ``jobs`` forked processes for a large class)."""
    if jobs > 1 and len(files) >= 64:
        from .parallel import map_forked
        return map_forked(files, (given, roster, variants, keep), jobs, _scan_item, died=_scan_died)
    return (scan_one(p, p in given, roster, variants, keep) for p in files)


# ------------------------------------------------------------------ 2. and 3. grading and finishing

def _standins(langs: list[str | None]) -> list[SimpleNamespace]:
    """Sheets as :func:`grader.language.class_lang` reads them, from the languages the scan found."""
    return [SimpleNamespace(lang=lang, answers={}, notes=[]) for lang in langs]


def _outcomes(paths: list[Path], job: Any, opts: Options, pairs: set) -> Iterator[tuple]:
    if not paths:
        return iter(())
    if opts.dask:
        from .dask_grading import grade_on_dask
        return grade_on_dask(opts.dask, paths, job, pairs, opts.banks, opts.allow_weak)
    from .parallel import _died, grade_item, map_forked, warm_pairs
    if opts.jobs > 1 and len(paths) > 1:
        import multiprocessing as mp
        if "fork" in mp.get_all_start_methods():
            warm_pairs(pairs, job)
            return map_forked(paths, job, opts.jobs, grade_item, died=_died)
    return (grade_item(p, job) for p in paths)


def run_class(opts: Options, files: list[Path], refused: list[Any]) -> bool:
    """Grade ``files`` as ``grade`` does and write every output asked for (see the module's description).
    Returns whether anything went wrong (exit 2: an unreadable file, an unknown id, an output not written);
    raises :class:`InputError` for a run that cannot start (an output that cannot be created, nothing to grade)."""
    from .cli import _error
    fmt = opts.fmt
    failures: list[tuple[str, str]] = []
    state: dict[str, Any] = {"bad": False, "pdf_dir": None, "pdf_items": []}
    jsonl = gs_stream = None
    opening = opts.jsonl_path
    try:
        if opts.jsonl_path:
            from .sinks import JsonlStream
            jsonl = JsonlStream(opts.jsonl_path)
        opening = opts.gs_path
        if opts.gs_path and not opts.single:
            from .report import GradescopeStream
            gs_stream = GradescopeStream(opts.gs_path)
        opening = opts.pdf_dir
        if opts.pdf_dir:                     # each student's PDF written as the sheet is graded
            from .pdf import FeedbackFolder
            state["pdf_dir"] = FeedbackFolder(opts.pdf_dir, opts.font_paths,     # --jobs N: N compiles at a time
                                              opts.jobs if opts.jobs > 1 and len(files) >= 32 else 0)
    except OSError as exc:
        from solver.render.atomic import cannot_write
        for sink in (jsonl, gs_stream):
            if sink is not None:
                sink.discard()
        raise InputError(cannot_write(exc, opening)) from None

    def report(file: str, message: str) -> None:
        """One bad file: one line on stderr (and its record with --format json); the others go on; exit 2."""
        state["bad"] = True
        failures.append((file, message))
        _error(message, record={"file": file, "error": message} if fmt == "json" else None)
        if jsonl is not None:
            jsonl.write(json.dumps({"file": file, "error": message}, ensure_ascii=False))
    try:
        return _run(opts, files, refused, report, failures, state, jsonl, gs_stream)
    except OSError as exc:                   # a streamed output that cannot be written: one line, exit 2
        from solver.render.atomic import cannot_write
        raise InputError(cannot_write(exc, "the temporary files of the run (TMPDIR)")) from None
    finally:
        for sink in (jsonl, gs_stream, state["pdf_dir"]):
            if sink is not None and not getattr(sink, "done", False):
                sink.discard()


def _run(opts: Options, files: list[Path], refused: list[Any], report: Any, failures: list, state: dict,
         jsonl: Any, gs_stream: Any) -> bool:
    for refusal in refused:                  # class-folder entries not read: links, FIFOs, devices
        report(refusal.file or "", str(refusal))
    given = {Path(a) for a in opts.answers}
    from .sinks import Spill
    spill = Spill(len(files))
    try:
        return _graded(opts, files, given, spill, report, failures, state, jsonl, gs_stream)
    finally:
        spill.close()


def _graded(opts: Options, files: list[Path], given: set[Path], spill: Any, report: Any, failures: list,
            state: dict, jsonl: Any, gs_stream: Any) -> bool:
    from .cli import _error, _warn_about_the_sandbox as warn_sandbox
    from .compact import ClassStats
    from .language import class_lang
    from .parallel import Job
    paths: list[Path] = []
    items: list[Any] = []
    seeds: set[int] = set()
    langs: list[str | None] = []
    pairs: set[tuple[str, Any]] = set()
    skipped = 0
    keep: Any = not opts.dask                # a cluster's workers read the files themselves
    if keep and len(files) == 1:
        keep = "sheet"                       # one file: graded here and now, not pickled
    for path, found in zip(files, scan_files(files, given, opts.roster, opts.variants, opts.jobs, keep)):
        if found[0] == "skip":
            skipped += 1
            _error(f"{path}: {found[1]}", "note")
        elif found[0] == "error":
            report(str(path), found[1])
        else:
            _, seed, lang, exercises, blob = found
            paths.append(path)
            items.append(blob if keep == "sheet" else spill.put(blob, str(path)) if blob is not None else path)
            langs.append(lang)
            if seed is not None:
                seeds.add(seed)
            pairs.update((ex, seed) for ex in exercises)
    warn_sandbox([SimpleNamespace(answers=dict.fromkeys(ex for ex, _ in pairs))], opts.allow_weak)
    if skipped and not paths and not failures:
        from solver.i18n import Count, Msg, Plain
        raise InputError(Msg("gw.no_answer_files_one" if skipped == 1 else "gw.no_answer_files",
                             where=Plain(", ".join(opts.answers)), n=Count(skipped)))
    forced = opts.forced
    default = class_lang(_standins(langs), fallback=opts.locale_lang) if not forced else forced
    job = Job(opts.variants, tuple(sorted(seeds)), opts.assignment, opts.roster, forced,
              "json" if (opts.fmt == "json" or jsonl is not None) else "text", default, spoken())
    keep_full = opts.single              # one sheet: kept whole (a class: compact rows; PDFs streamed or spilled)
    stats = ClassStats()
    results: list[Any] = []
    console = None
    if opts.fmt != "json":                   # rich's console only when styles are drawn (a terminal)
        from solver.render.plain_console import console_for_stdout
        console = console_for_stdout()
    spill.ready()
    outcomes = _outcomes(items, job, opts, pairs)              # forks now (before a progress bar's thread)
    try:
        with _progress(len(paths)) as advance:
            for path, (kind, result, line) in zip(paths, outcomes):
                advance()
                if kind == "error":
                    report(str(path), result)
                    continue
                try:
                    _emit(opts, path, result, line, console, jsonl, gs_stream, state, _error)
                    added = stats.add(result)
                    texts = _texts(result) if opts.xlsx_path and not keep_full else None
                except OSError:
                    raise                            # an output that cannot be written stops the run (exit 2)
                except Exception as exc:             # noqa: BLE001 - last resort: one file never stops the class
                    report(str(path), internal_error(str(path), exc, "writing the results of"))
                    continue
                if not keep_full:
                    from .compact import compact
                row = result if keep_full else compact(result)
                row.wrong_keys = added               # taken back from the tallies should the id be a duplicate
                if texts is not None:
                    row.texts = (spill, spill.put_texts(texts))
                if opts.pdf:                         # the combined PDF is written at the end, from the spill
                    import pickle
                    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
                    state["pdf_items"].append((row, spill.put(blob, str(path))))
                results.append(row)
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()                              # the workers (a Dask client, a cluster) end here
    spill.ready()
    return _finish(opts, results, failures, state, jsonl, gs_stream, stats, langs, class_lang, _error)


def _emit(opts: Options, path: Path, result: Any, line: str | None, console: Any, jsonl: Any, gs_stream: Any,
          state: dict, _error: Any) -> None:
    """Everything written for one graded file as soon as it is graded."""
    from .report import print_text
    try:
        gs_text = gs_stream.render(result) if gs_stream is not None else None  # what can fail, before any output
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), opts.gs_path) from exc
    if result.problems:          # unknown exercise or part ids: graded without them, reported, exit 2
        state["bad"] = True
        for problem in result.problems:
            _error(f"{path}: {problem.render(result.lang or 'en')}")
    if opts.fmt == "json":
        import click
        click.echo(line)
    else:
        print_text(result, result.lang, console)      # with the sheet's notes
    if jsonl is not None:
        try:
            jsonl.write(line)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), opts.jsonl_path) from exc
    if gs_stream is not None:
        gs_stream.add(result, gs_text)
    if state["pdf_dir"] is not None:
        state["pdf_dir"].add(result)


def _texts(result: Any) -> list[list[str]]:
    """Each part's answer and feedback in both languages (the class's language is known only at the end)."""
    return [[p.answer, " ".join(f.render("en") for f in p.feedback), " ".join(f.render("zh") for f in p.feedback)]
            for p in result.parts]


def _progress(total: int) -> Any:
    """A transient progress bar on a terminal for more than one file (rich.progress imported only then)."""
    import contextlib
    import sys
    if total < 2 or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda: None)

    @contextlib.contextmanager
    def bar() -> Iterator[Any]:
        from rich.console import Console
        from rich.progress import Progress
        with Progress(console=Console(stderr=True, highlight=False), transient=True) as progress:
            from solver.i18n import Msg
            task = progress.add_task(say(Msg("gw.grading")), total=total)
            yield lambda: progress.advance(task)
    return bar()


def _finish(opts: Options, results: list, failures: list, state: dict, jsonl: Any, gs_stream: Any, stats: Any,
            langs: list, class_lang: Any, _error: Any) -> bool:
    from .teacher import class_warnings, split_clashes, write_outputs
    kept, clashed, clash_ids, clash_lines = (split_clashes(results) if len(results) > 1   # one file per student
                                             else (results, [], {}, []))
    for line in clash_lines:
        _error(line)
    if clashed:
        state["bad"] = True
        failures += clashed
        gone = {f for f, _ in clashed}
        for r in results:
            if r.file in gone:
                stats.remove(r.file, getattr(r, "wrong_keys", None) or ())
                if gs_stream is not None:
                    gs_stream.drop(r)
                if state["pdf_dir"] is not None:
                    state["pdf_dir"].drop(r)
    results = kept
    lang = opts.forced or class_lang(_standins(langs), undecided=opts.locale_lang, fallback=opts.locale_lang)
    if opts.roster is not None or opts.csv_path or opts.xlsx_path or opts.pdf_dir or opts.report_path:
        from .gradebook import build_class
        book = build_class(results, failures, opts.roster, opts.assignment, ids=clash_ids)
        stats.in_roster_order(opts.roster)  # graded in file order; listed as the gradebooks list students
        book.stats = stats
        for warning in class_warnings(book):
            _error(warning, "warning")
        ok = write_outputs(book, lang, csv_path=opts.csv_path, csv_format=opts.csv_format, xlsx=opts.xlsx_path,
                           pdf_dir=None, report=opts.report_path, font_paths=opts.font_paths, error=_error)
        if ok and state["pdf_dir"] is not None:
            ok = state["pdf_dir"].land(_error)
    else:
        ok = True                            # no gradebook asked for, no roster to check the class against
    if jsonl is not None:
        from solver.render.atomic import cannot_write
        try:
            jsonl.commit()
            jsonl.done = True
        except OSError as exc:
            _error(cannot_write(exc, opts.jsonl_path))
            state["bad"] = True
    if not ok:
        return True                          # each output that could not be written: its line already
    gs = opts.gs_path
    if not (gs or (opts.pdf and results)):
        return state["bad"]
    from solver.render.atomic import atomic_write, cannot_write
    from .teacher import gradescope_error
    try:
        if gs and opts.single and not results and failures:
            atomic_write(gs, gradescope_error(failures[0][1], lang,
                                              opts.assignment.max_score if opts.assignment is not None else 0.0))
        elif gs and opts.single and results:
            from .report import write_gradescope
            write_gradescope(results, gs, lang, single=True, errors=failures, own_lang=True)
        elif gs_stream is not None and (results or failures):
            gs_stream.commit(failures, lang, max((r.max_score for r in results), default=0.0))
    except OSError as exc:
        raise InputError(cannot_write(exc, gs)) from None
    if opts.pdf and results:
        from .pdf import write_feedback_pdf
        kept = {id(r) for r in results}
        try:
            write_feedback_pdf(opts.pdf, (item.load() for row, item in state["pdf_items"] if id(row) in kept), lang,
                               opts.font_paths)
        except InputError as exc:
            _error(exc)
            state["bad"] = True
        except OSError as exc:
            _error(cannot_write(exc, opts.pdf))
            state["bad"] = True
    return state["bad"]

