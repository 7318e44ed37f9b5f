"""The teacher's outputs of ``grade`` around the grading itself: the assignment and roster read before, and
after, the gradebooks (CSV, ``.xlsx``), the per-student feedback PDFs and the class report.

``grade --assignment A --roster R`` reads both before any file is graded (a bad one is an error naming its
file, line and field: exit 2). Outputs are written atomically with the umask's permissions.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from solver.errors import InputError
from solver.render.atomic import atomic_write, cannot_write

from .assignment import Assignment, ClassSheet, read_assignment
from .gradebook import ClassBook, gradebook_text, gradebook_xlsx
from .roster import RosterEntry, read_roster


def load_inputs(assignment: str | None, roster: str | None, banks: list[Path]) -> tuple[Assignment | None,
                                                                                       list[RosterEntry] | None]:
    """The assignment and the roster (either may be None); raises :class:`InputError`."""
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


def class_warnings(book: ClassBook) -> list[str]:
    """One line per roster student without a file and per file whose student is not on the roster."""
    lines = [f"{s}: on the roster but no answer file was found (a row with 0)" for s in book.missing]
    lines += [f"{r.file}: student id {r.student!r} is not on the roster" for r in book.unrostered]
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
            (tmp / name).write_bytes(compile_pdf(feedback_document([r], lang), lang, font_paths))   # umask's mode
    return len(named)


def write_outputs(book: ClassBook, lang: str, *, csv_path: str | None, csv_format: str, xlsx: str | None,
                  pdf_dir: str | None, report: str | None, font_paths: tuple[str, ...],
                  error: Callable[[str], None]) -> bool:
    """Write what was asked; a failure is one error line and stops. Returns whether all were written."""
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
            error(str(exc))
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

