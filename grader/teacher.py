"""The teacher's outputs of ``grade`` around the grading itself: the assignment and roster read before, and
after, the gradebooks (CSV, ``.xlsx``), the per-student feedback PDFs and the class report.

``grade --assignment A --roster R`` reads both before any file is graded (a bad one is an error naming its
file, line and field: exit 2). Outputs are written atomically with the umask's permissions.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from typing import TYPE_CHECKING

from solver.errors import InputError, say, suggest
from solver.i18n import Msg, Plain

from .lazy_re import lazy_re

if TYPE_CHECKING:                # imported where used: grading one file needs neither gradebooks nor rosters
    from .assignment import Assignment, ClassSheet
    from .gradebook import ClassBook
    from .roster import RosterEntry


def load_inputs(assignment: str | None, roster: str | None, banks: list[Path]) -> tuple[Assignment | None,
                                                                                       list[RosterEntry] | None]:
    """The assignment and the roster (either may be None); raises :class:`InputError`."""
    if not assignment and not roster:
        return None, None
    from .assignment import read_assignment
    from .roster import read_roster
    return (read_assignment(assignment, banks) if assignment else None,
            read_roster(roster) if roster else None)


def class_sheet(result: Any, assignment: Assignment | None, roster: list[RosterEntry] | None) -> ClassSheet:
    """A graded sheet for the class: restricted to the assignment, rounded, with the roster's name and section
    (``on_roster`` False when the roster does not list the student)."""
    from .assignment import finish
    sheet = finish(result, assignment)
    if roster is not None:
        entry = next((e for e in roster if e.student == sheet.student), None)
        sheet.on_roster = entry is not None
        if entry is not None:
            sheet.name, sheet.section = entry.name, entry.section
    return sheet


def record(result: ClassSheet, lang: str) -> dict[str, Any]:
    """The SPEC.md grade record of a sheet, with the class's additions: ``notes`` (not answered, outside the
    assignment) and, with a roster, ``name`` and ``section``."""
    from .report import to_dict
    out = to_dict(result, lang)
    if result.notes:
        out["notes"] = [n.render(lang) for n in result.notes]
    if result.name:
        out["name"] = result.name
    if result.section:
        out["section"] = result.section
    return out


def class_warnings(book: ClassBook) -> list[Msg]:
    """One line per roster student without a file and per file whose student is not on the roster (catalogue
    messages: the run's language)."""
    lines = [Msg("gw.missing", student=Plain(str(s))) for s in book.missing]
    lines += [Msg("gw.unrostered", file=Plain(str(r.file)), student=Plain(repr(r.student))) for r in book.unrostered]
    return lines


def pdf_names(book: ClassBook) -> list[tuple[ClassSheet, str]]:
    """Each graded sheet with its PDF file name: ``safe_filename(id, unique=True)``, told apart by the answer
    file when two sheets would share a name (a duplicate id, ids equal but for case)."""
    from .report import gradescope_folders
    graded = [r for r in book.rows if r.status == "graded"]
    return list(zip(graded, [f"{n}.pdf" for n in gradescope_folders(graded)]))


def write_pdf_dir(book: ClassBook, folder: str, lang: str, font_paths: tuple[str, ...]) -> int:
    """One feedback PDF per graded student in ``folder`` (written as a whole, or not at all)."""
    from solver.render.atomic import atomic_folder
    from solver.render.typst import compile_pdf
    from .pdf import feedback_document
    target = Path(folder)
    if target.is_dir() and not target.is_symlink() and any(not p.name.endswith(".pdf") or p.is_dir()
                                                          for p in target.iterdir()):
        import errno
        raise OSError(errno.ENOTEMPTY, "the folder holds files other than feedback PDFs; name a new or empty "
                      "folder", str(target))
    named = pdf_names(book)
    with atomic_folder(target) as tmp:
        for r, name in named:
            own = getattr(r, "lang", None) or lang                  # the student's own language (grade sets it)
            (tmp / name).write_bytes(compile_pdf(feedback_document([r], own), own, font_paths))     # umask's mode
    return len(named)


def write_outputs(book: ClassBook, lang: str, *, csv_path: str | None, csv_format: str, xlsx: str | None,
                  pdf_dir: str | None, report: str | None, font_paths: tuple[str, ...],
                  error: Callable[[str], None]) -> bool:
    """Write what was asked; a failure is one error line and stops. Returns whether all were written."""
    if not (csv_path or xlsx or report or pdf_dir):
        return True
    from solver.render.atomic import atomic_write, cannot_write
    from .gradebook import gradebook_text, gradebook_xlsx
    jobs: list[tuple[str, Callable[[], None]]] = []
    if csv_path:
        jobs.append((csv_path, lambda: atomic_write(csv_path, gradebook_text(book, csv_format, lang))))
    if xlsx:
        jobs.append((xlsx, lambda: atomic_write(xlsx, gradebook_xlsx(book, lang))))
    if report:
        from .class_report import class_report_html
        jobs.append((report, lambda: atomic_write(report, class_report_html(book, lang))))
    if pdf_dir:
        jobs.append((pdf_dir, lambda: write_pdf_dir(book, pdf_dir, lang, font_paths)))
    for path, job in jobs:                    # the first failure stops (the caller exits 2)
        try:
            job()
        except OSError as exc:
            error(cannot_write(exc, path))
            return False
        except InputError as exc:
            error(say(exc))
            return False
    return True


def gradescope_error(message: str, lang: str, max_score: float = 0.0) -> str:
    """Gradescope ``results.json`` for a file that could not be read: score 0 and one failed test named
    ``Autograder error`` whose output is the reason (as Gradescope shows a failed autograder run)."""
    head = "Autograder error: the answer file could not be read" if lang != "zh" else "自动评分出错：答卷无法读取"
    text = f"{head}: {message}"
    return json.dumps({"score": 0, "output": text, "visibility": "visible", "stdout_visibility": "visible",
                       "tests": [{"name": "Autograder error", "score": 0, "max_score": max_score, "status": "failed",
                                  "output": text}],
                       "extra_data": {"error": True}}, ensure_ascii=False, indent=2)



# ------------------------------------------------------------------ one file per student, answer files only

def output_key(student: str) -> str:
    """What a student's per-student outputs are named by (Gradescope folder, feedback PDF), as a case-insensitive
    file system sees it: two sheets with the same key would share a file."""
    from solver.render.atomic import safe_filename
    return safe_filename(student, unique=True).casefold()


def split_clashes(results: list[ClassSheet]) -> tuple[list[ClassSheet], list[tuple[str, str]], dict[str, str],
                                                       list[str]]:
    """Sheets whose student id is given by another file too — the same id, or ids whose output files would share
    a name (``Alice`` and ``alice``) — are an error naming every file: they are left out of the gradebooks (each
    file becomes an error row with that message, as an unreadable file does) and nothing is written for them
    that another file could overwrite. Returns the sheets kept, ``(file, message)`` per clashing file, the
    student id of each clashing file, and one error line per clash.

    Example:
        >>> from grader.assignment import finish
        >>> from grader.grade import SheetResult
        >>> kept, failed, ids, lines = split_clashes([finish(SheetResult(s, f, [])) for s, f in
        ...                                          [("s1", "a.md"), ("s2", "b.md"), ("s1", "c.md")]])
        >>> [r.student for r in kept], [f for f, _ in failed], lines
        (['s2'], ['a.md', 'c.md'], ["student id 's1' is given by 2 files: a.md, c.md; one answer file per student (remove or correct the others, then grade again); none of them is entered in the gradebooks"])
    """
    groups: dict[str, list[ClassSheet]] = {}
    for r in results:
        groups.setdefault(output_key(r.student), []).append(r)
    kept: list[ClassSheet] = []
    failed: list[tuple[str, str]] = []
    ids: dict[str, str] = {}
    lines: list[str] = []
    clashing = {id(r) for group in groups.values() if len(group) > 1 for r in group}
    for group in groups.values():
        if len(group) < 2:
            continue
        files = ", ".join(r.file for r in group)
        students = list(dict.fromkeys(r.student for r in group))
        if len(students) == 1:
            head = f"student id {students[0]!r} is given by {len(group)} files: {files}"
        else:
            head = (f"student ids {', '.join(repr(s) for s in students)} differ only in case, so their feedback "
                    f"files and Gradescope folders would share a name where case is ignored ({files})")
        lines.append(f"{head}; one answer file per student (remove or correct the others, then grade again); "
                     "none of them is entered in the gradebooks")
        for r in group:
            others = ", ".join(o.file for o in group if o is not r)
            failed.append((r.file, f"{r.file}: student id {r.student!r} is also given by {others}: not entered "
                                   "in the gradebooks"))
            ids[r.file] = r.student
    kept = [r for r in results if id(r) not in clashing]
    return kept, failed, ids, lines


_SHEET_LINE = lazy_re(r"^\s*(?:[-*+]\s+)?\**(student|seed|name|学号|姓名|学生)\**\s*[:：]", re.IGNORECASE | re.MULTILINE)


def not_an_answer_file(path: Path, roster: list[RosterEntry] | None = None) -> str | None:
    """Why a file found in a class folder, which :func:`grader.answers.read_sheet` refused, is not an answer
    file at all (a README, notes, the assignment file): the note it is skipped with. None when it is a student's
    file that is wrong — it names a student (a ``student:``/``seed:``/``name:`` line or key, or a file name on
    the roster), or has a near-miss of ``answers`` — which stays an error.

    Markdown and text: no heading with a known exercise id and no line names a student or seed. YAML/JSON: a
    valid, non-empty mapping with none of ``answers``, ``student``, ``seed`` (nor a near miss of them), such as
    the assignment file; a list or a scalar stays an error.

    Example:
        >>> import tempfile, os
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "README.md").write_text("# Homework 3\\nHand in by Friday.\\n")
        >>> _ = (d / "s1.md").write_text("student: s1\\n# Question 1\\n")
        >>> not_an_answer_file(d / "README.md") is not None, not_an_answer_file(d / "s1.md")
        (True, None)
        >>> import shutil; shutil.rmtree(d)
    """
    from solver.files import read_text
    from solver.yamlio import MAX_FILE_BYTES, parse_yaml
    if roster is not None and path.stem in {e.student for e in roster}:
        return None
    try:
        text = read_text(path, MAX_FILE_BYTES)
    except (InputError, OSError):
        return None
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        if _SHEET_LINE.search(text):
            return None
        return say(Msg("gw.not_answer_md"))
    try:
        data = parse_yaml(text, str(path)).data
    except Exception:                          # noqa: BLE001 - a broken YAML/JSON file stays a student's error
        return None
    if not isinstance(data, dict) or not data:         # a list or a scalar: a broken answer file, an error
        return None
    known = ("student", "seed", "answers", "name")
    if any(k in known or suggest(k, known, cutoff=0.75) for k in map(str, data) if len(k) <= 20):
        return None
    return say(Msg("gw.not_answer_yaml"))


def gradescope_target_problem(target: str, single: bool) -> str | None:
    """The one-line refusal of a ``--gradescope`` target of the wrong kind (SPEC: a file for one sheet, a folder
    for a class), or None.

    Example:
        >>> gradescope_target_problem("gs.json", single=False)[:60]
        '--gradescope gs.json: a class is graded (a folder or several'
        >>> gradescope_target_problem("results.json", single=True) is None
        True
    """
    import os
    path = Path(target)
    if single and (path.is_dir() or target.endswith(("/", os.sep))):
        return (f"--gradescope {target}: one answer file is graded, so --gradescope names its results.json file, "
                "not a folder (a class folder graded as a whole gets a folder)")
    if not single and ((path.exists() and not path.is_dir()) or path.suffix.lower() == ".json"):
        return (f"--gradescope {target}: a class is graded (a folder or several files), so --gradescope names a "
                "folder (one <student>/results.json each), not a file")
    return None


def roster_identity(sheet: Any, roster: list[RosterEntry] | None) -> Any:
    """The sheet under its roster id when it names the student by name only (``姓名: 张三`` and no 学号, or an id
    not on the roster beside a name that is): the one roster entry with that name, compared as the roster reader
    compares cells. The sheet itself otherwise (no roster, already on it, no name, or several students of that
    name — then the file is flagged as not on the roster, never guessed)."""
    if not roster:
        return sheet
    ids = {entry.student for entry in roster}
    if sheet.student in ids:
        return sheet
    from solver.roster import norm_cell
    wanted = norm_cell(sheet.name or sheet.student)
    same = [entry for entry in roster if entry.name and norm_cell(entry.name) == wanted]
    if len(same) != 1:
        return sheet
    import dataclasses
    return dataclasses.replace(sheet, student=same[0].student, name=same[0].name)


def stray_sheet(sheet: Any, roster: list[RosterEntry] | None = None) -> str | None:
    """A Markdown or text file of a class folder that reads as a sheet only of unknown exercises (``# Homework 3``
    in a README) and names no student: the note it is skipped with (:func:`not_an_answer_file`), else None."""
    from .gold import CACHE
    path = Path(sheet.file)
    if path.suffix.lower() not in (".md", ".markdown", ".txt"):
        return None
    if any(_known_id(str(ex), tuple(CACHE.extra)) for ex in sheet.answers):
        return None
    return not_an_answer_file(path, roster)


@lru_cache(maxsize=4096)
def _known_id(ex_id: str, extra: tuple) -> bool:
    """Whether ``ex_id`` names an exercise (a known id whose file is bad counts: a sheet all the same); remembered,
    as a class's Markdown sheets name the same few exercises."""
    from solver.bank import UnknownExercise, load_exercise
    try:
        load_exercise(ex_id, list(extra))
    except UnknownExercise:
        return False
    except Exception:                        # noqa: BLE001 - a known id whose exercise is bad
        return True
    return True
