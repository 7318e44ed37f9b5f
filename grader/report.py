"""Reports of graded sheets: rich terminal tables, JSON (SPEC.md), a CSV gradebook, Gradescope results.

Files are written atomically (a temporary file in the same folder, then ``os.replace``); a class's Gradescope
folder is written as a whole or not at all. Student ids are data, never paths: each student's Gradescope folder
is ``safe_filename(id, unique=True)`` (a hash suffix when the id is not already a safe name, or when two sheets
would share a folder — duplicate ids, ids equal but for case). Text shown in the terminal goes through
``terminal_safe``; text cells of the CSV through ``spreadsheet_safe`` (solver/render/safe_text.py).
"""
from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

from solver.i18n import Msg
from solver.render.safe_text import spreadsheet_safe, terminal_safe

from .grade import SheetResult

STYLE = {"correct": "green", "incorrect": "red", "partial": "yellow", "unparsable": "magenta",
         "needs_review": "cyan", "missing": "dim"}


def _render(items: list[Any], lang: str) -> str:
    return " ".join(i.render(lang) for i in items)


def to_dict(result: SheetResult, lang: str) -> dict[str, Any]:
    """The SPEC.md grade record."""
    out: dict[str, Any] = {"student": result.student, "score": round(result.score, 4),
                           "max_score": round(result.max_score, 4), "file": result.file,
                           "results": [{"exercise": p.exercise, "part": p.part, "verdict": p.verdict,
                                        "score": p.score, "max_score": p.max_score,
                                        "feedback": _render(p.feedback, lang), "mistake": p.mistake,
                                        **({"hint": p.hint} if getattr(p, "hint", None) else {}),
                                        "answer": p.answer} for p in result.parts]}
    if result.problems:
        out["problems"] = [m.render(lang) for m in result.problems]
    if result.notes:            # text attributed to no part, "read `param` as `params`": the teacher sees it
        out["notes"] = [n.render(lang) for n in result.notes]
    if result.seed is not None:
        out["seed"] = result.seed
    return out


def print_text(result: SheetResult, lang: str, console: Any) -> None:
    """One sheet as a rich table; every text from the sheet or its file name goes through ``terminal_safe``.
    On a :class:`~solver.render.plain_console.PlainConsole` (output not styled) the same characters are written
    without rich's table machinery (:mod:`grader.plain_table`)."""
    from solver.render.plain_console import PlainConsole
    if isinstance(console, PlainConsole) and _print_plain(result, lang, console):
        return
    if isinstance(console, PlainConsole):              # what the plain writer does not draw: rich, unstyled
        from rich.console import Console
        console = Console(file=console.file, width=console.width, highlight=False)
    from rich.table import Table
    from rich.text import Text

    def cell(text: str, style: str = "") -> Text:
        return Text(terminal_safe(text), style=style)
    title = Text.assemble((terminal_safe(result.student, one_line=True), "bold"),
                          f"  {result.score:g} / {result.max_score:g}  ",
                          (terminal_safe(result.file, one_line=True), "dim"))
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for key in ("r.exercise", "r.part", "r.answer", "r.verdict", "r.score", "r.feedback"):
        table.add_column(Msg(key).render(lang), overflow="fold")
    for p in result.parts:
        table.add_row(cell(p.exercise), cell(p.part), cell(p.answer[:40]),
                      cell(Msg(f"v.{p.verdict}").render(lang), style=STYLE.get(p.verdict, "")),
                      cell(f"{p.score:g}/{p.max_score:g}"), cell(_render(p.feedback, lang)))
    console.print(table)
    for problem in result.problems:
        console.print(cell("  ! " + problem.render(lang), style="yellow"))
    for note in result.notes:        # short notes for the teacher; they change no score and no exit code
        console.print(cell("  · " + note.render(lang), style="dim"))


def _print_plain(result: SheetResult, lang: str, console: Any) -> bool:
    """:func:`print_text` on an unstyled console, written as plain lines; False (nothing written) where the plain
    writer does not draw what rich would (then rich draws it)."""
    from .plain_table import draw_table, utf8_output, wrap
    if not utf8_output(console.file):
        return False
    title = (f"{terminal_safe(result.student, one_line=True)}  {result.score:g} / {result.max_score:g}  "
             f"{terminal_safe(result.file, one_line=True)}")
    header = [Msg(key).render(lang) for key in ("r.exercise", "r.part", "r.answer", "r.verdict", "r.score",
                                                 "r.feedback")]
    rows = [[terminal_safe(p.exercise), terminal_safe(p.part), terminal_safe(p.answer[:40]),
             terminal_safe(Msg(f"v.{p.verdict}").render(lang)), terminal_safe(f"{p.score:g}/{p.max_score:g}"),
             terminal_safe(_render(p.feedback, lang))] for p in result.parts]
    lines = draw_table(title, header, rows, console.width)
    if lines is None:
        return False
    for extra in [terminal_safe("  ! " + p.render(lang)) for p in result.problems] + [
            terminal_safe("  · " + n.render(lang)) for n in result.notes]:
        more = wrap(extra, console.width, pad=False)     # as console.print(Text(extra)) wraps it
        if more is None:
            return False
        lines += more
    console.file.write("\n".join(lines) + "\n")
    console.file.flush()
    return True


def gradebook_csv(results: list[SheetResult]) -> str:
    """One row per sheet (a duplicate id keeps both rows), one column per exercise/part (``24.4/output``), then
    total and max. Text cells (header, student id) are ``spreadsheet_safe``; scores are plain numbers."""
    columns: list[tuple[str, str]] = []
    for r in results:
        for p in r.parts:
            if (p.exercise, p.part) not in columns:
                columns.append((p.exercise, p.part))
    import csv
    import io
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["student"] + [spreadsheet_safe(f"{e}/{p}") for e, p in columns] + ["total", "max"])
    for r in results:
        scores = {(p.exercise, p.part): p.score for p in r.parts}
        writer.writerow([spreadsheet_safe(r.student)] + [f"{scores[c]:g}" if c in scores else "" for c in columns]
                        + [f"{r.score:g}", f"{r.max_score:g}"])
    return buf.getvalue()


def gradescope(result: SheetResult, lang: str) -> dict[str, Any]:
    """Gradescope autograder ``results.json``: total score and one test per part."""
    return {"score": round(result.score, 4), "max_score": round(result.max_score, 4), "visibility": "visible",
            "tests": [{"name": f"{p.exercise} {p.part}", "score": p.score, "max_score": p.max_score,
                       "status": "passed" if p.verdict == "correct" else "failed",
                       "output": f"{Msg(f'v.{p.verdict}').render(lang)}. {_render(p.feedback, lang)}".strip(),
                       **({"tags": [p.mistake]} if p.mistake else {})}
                      for p in result.parts]}


def gradescope_folders(results: list[SheetResult]) -> list[str]:
    """Each sheet's folder name in a class's Gradescope folder: safe (one path component, never ``.``/``..``)
    and distinct, also where case is ignored. ``safe_filename(id, unique=True)``; sheets that would still share
    a name (a duplicate id, ids equal but for case) are told apart by a hash of the id and the answer file."""
    from collections import Counter
    from solver.render.atomic import safe_filename
    names = [safe_filename(r.student, unique=True) for r in results]
    shared = Counter(n.casefold() for n in names)
    names = [safe_filename(r.student, unique=True, salt=r.file) if shared[n.casefold()] > 1 else n
             for r, n in zip(results, names)]
    seen: set[str] = set()
    out = []
    for name in names:                              # the same id and file twice: numbered, never merged
        unique, k = name, 1
        while unique.casefold() in seen:
            k += 1
            unique = f"{name}-{k}"
        seen.add(unique.casefold())
        out.append(unique)
    return out


def _own(result: SheetResult, lang: str, own: bool) -> str:
    """With ``own`` (``grade`` without ``--lang``), the language the sheet's student wrote in."""
    return (getattr(result, "lang", None) or lang) if own else lang


def _ours_to_replace(folder: Path) -> bool:
    """Whether ``folder`` holds only what :func:`write_gradescope` writes (``<name>/results.json``)."""
    return all(e.is_dir() and not e.is_symlink() and {f.name for f in e.iterdir()} <= {"results.json"}
               for e in folder.iterdir())


def write_gradescope(results: list[SheetResult], target: str, lang: str, single: bool | None = None,
                     errors: list[tuple[str, str]] = (), own_lang: bool = False) -> None:
    """One sheet: ``target`` is the results.json. Several: ``target`` is a folder with ``<name>/results.json``
    (names from :func:`gradescope_folders`), written as a whole or not at all; an existing folder is replaced
    only when it holds nothing but such results. ``single=False`` (a class was graded) writes the folder even
    when only one sheet could be graded. Raises ``OSError`` naming ``target``."""
    from solver.render.atomic import atomic_folder, atomic_write
    if len(results) == 1 and single is not False:
        atomic_write(target, json.dumps(gradescope(results[0], _own(results[0], lang, own_lang)), ensure_ascii=False,
                                        indent=2))
        return
    folder = Path(target)
    if folder.is_dir() and not folder.is_symlink() and not _ours_to_replace(folder):
        raise OSError(errno.ENOTEMPTY, "the folder holds files other than Gradescope results; name a new or "
                      "empty folder", str(folder))
    with atomic_folder(folder) as tmp:
        for r, name in zip(results, gradescope_folders(results)):
            (tmp / name).mkdir()
            (tmp / name / "results.json").write_text(json.dumps(gradescope(r, _own(r, lang, own_lang)),
                                                                ensure_ascii=False, indent=2), encoding="utf-8")
        _write_errors(tmp, errors, lang, max((r.max_score for r in results), default=0.0))


def _write_errors(tmp: Path, errors: Any, lang: str, max_score: float) -> None:
    """An unreadable file: an "Autograder error" result, named by its stem (numbered when taken)."""
    from solver.render.atomic import safe_filename
    from .teacher import gradescope_error
    taken = {p.name.casefold() for p in tmp.iterdir()}
    for file, message in errors:
        name = base = safe_filename(Path(file).stem, unique=True)
        k = 1
        while name.casefold() in taken:
            k += 1
            name = f"{base}-{k}"
        taken.add(name.casefold())
        (tmp / name).mkdir()
        (tmp / name / "results.json").write_text(gradescope_error(message, lang, max_score), encoding="utf-8")


class GradescopeStream:
    """A class's Gradescope folder written one student at a time (``grade DIR --gradescope FOLDER``): each
    ``<name>/results.json`` goes into a temporary folder beside ``target`` as soon as the sheet is graded;
    :meth:`commit` adds the error results and puts the folder in place as a whole (:meth:`discard`: nothing
    changes). Names are those of :func:`write_gradescope`; a sheet whose id another file gives too is taken out
    again (:meth:`drop`), as the gradebooks leave such files out. Raises ``OSError`` naming ``target``."""

    def __init__(self, target: str) -> None:
        from solver.render.atomic import atomic_folder
        folder = Path(target)
        if folder.is_dir() and not folder.is_symlink() and not _ours_to_replace(folder):
            raise OSError(errno.ENOTEMPTY, "the folder holds files other than Gradescope results; name a new or "
                          "empty folder", str(folder))
        self.target = str(folder)
        self._cm = atomic_folder(folder)
        self.tmp = self._cm.__enter__()
        self.names: set[str] = set()
        self.done = False

    def _aimed(self, exc: OSError) -> OSError:
        """``exc`` naming the folder the user named, not the temporary one it is built in."""
        return OSError(exc.errno, exc.strerror or str(exc), self.target)

    @staticmethod
    def render(result: SheetResult) -> str:
        """The ``results.json`` text of one sheet, in the student's own language."""
        return json.dumps(gradescope(result, _own(result, "en", True)), ensure_ascii=False, indent=2)

    def add(self, result: SheetResult, text: str | None = None) -> None:
        from solver.render.atomic import safe_filename
        name = safe_filename(result.student, unique=True)
        if name.casefold() in self.names:          # a duplicate id: both are dropped at the end
            return
        self.names.add(name.casefold())
        try:
            (self.tmp / name).mkdir()
            (self.tmp / name / "results.json").write_text(text if text is not None else self.render(result),
                                                          encoding="utf-8")
        except OSError as exc:
            raise self._aimed(exc) from exc

    def drop(self, result: SheetResult) -> None:
        import shutil
        from solver.render.atomic import safe_filename
        shutil.rmtree(self.tmp / safe_filename(result.student, unique=True), ignore_errors=True)

    def commit(self, errors: Any, lang: str, max_score: float) -> None:
        try:
            _write_errors(self.tmp, errors, lang, max_score)
        except OSError as exc:
            raise self._aimed(exc) from exc
        self.done = True
        self._cm.__exit__(None, None, None)

    def discard(self) -> None:
        if not self.done:
            self.done = True
            self._cm.__exit__(RuntimeError, RuntimeError("discarded"), None)
