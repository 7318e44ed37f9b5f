"""The class as a whole: one row per roster student (or per graded sheet without a roster), and the gradebooks
made from it — CSV (``plain``, ``canvas``, ``moodle``; UTF-8 with a BOM so Excel reads 张三) and ``.xlsx``.

Every text cell (ids, names, sections, answers, feedback, headers) goes through ``spreadsheet_safe``; numbers
are written as numbers, rounded to the points' precision (:mod:`grader.assignment`).

Example:
    >>> fmt_score(21.9998, 2), fmt_score(0.5, 2), fmt_score(123456.75, 2)
    ('22', '0.5', '123456.75')
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.i18n import Msg
from solver.render.safe_text import spreadsheet_safe

from .assignment import Assignment, ClassSheet, absent, round_score
from .roster import RosterEntry

BOM = "\ufeff"

HEADERS = {
    "student": ("student", "学号"), "name": ("name", "姓名"), "section": ("section", "班级"),
    "status": ("status", "状态"), "total": ("total", "总分"), "max": ("max", "满分"),
    "exercise": ("exercise", "习题"), "part": ("part", "小问"), "answer": ("answer", "答案"),
    "verdict": ("verdict", "判定"), "score": ("score", "得分"), "mistake": ("mistake", "典型错误"),
    "feedback": ("feedback", "反馈"), "file": ("file", "文件"), "notes": ("notes", "备注"),
    "summary": ("Summary", "汇总"), "parts": ("Parts", "各小问"),
}
STATUS = {"graded": ("graded", "已批改"), "missing": ("missing", "未提交"), "unreadable": ("unreadable", "无法读取"),
          "not_on_roster": ("not on roster", "不在名单中")}


def head(key: str, lang: str) -> str:
    en, zh = HEADERS[key]
    return zh if lang == "zh" else en


def fmt_score(x: float, decimals: int) -> str:
    """A score as text with at most ``decimals`` decimals and no trailing zeros (``22``, ``0.67``)."""
    text = f"{round_score(x, decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class ClassBook:
    """The graded class: ``rows`` (roster order, then sheets not on the roster), the roster students without
    a file (``missing``), the files without a roster entry (``unrostered``) and the unreadable files."""
    rows: list[ClassSheet]
    assignment: Assignment | None = None
    roster: list[RosterEntry] | None = None
    missing: list[str] = field(default_factory=list)
    unrostered: list[ClassSheet] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    stats: Any = None            # grader.compact.ClassStats tallied while streaming; None: the report tallies the rows

    @property
    def decimals(self) -> int:
        if self.assignment is not None:
            return self.assignment.decimals
        return max((r.decimals for r in self.rows), default=2)

    def status(self, row: ClassSheet) -> str:
        return "not_on_roster" if row.status == "graded" and row.on_roster is False else row.status

    def columns(self) -> list[tuple[str, str]]:
        """The (exercise, part) columns: the assignment's, else every part graded, in order of appearance."""
        if self.assignment is not None:
            return [(e.id, p) for e in self.assignment.exercises for p in e.parts]
        out: list[tuple[str, str]] = []
        for r in self.rows:
            for p in r.parts:
                if (p.exercise, p.part) not in out:
                    out.append((p.exercise, p.part))
        return out

    def exercises(self) -> list[str]:
        return list(dict.fromkeys(e for e, _ in self.columns()))


def build_class(results: list[ClassSheet], failures: list[tuple[str, str]], roster: list[RosterEntry] | None,
                assignment: Assignment | None, ids: dict[str, str] | None = None) -> ClassBook:
    """The class's rows: with a roster, one per roster student (their sheets; else their unreadable file; else a
    ``missing`` row with 0), then the sheets and unreadable files of students not on the roster (flagged).
    ``ids`` gives the student id of a failed file when it is known (a duplicate id; its files make one row, whose
    message names them all, so that a gradebook never holds an id twice); else the file's stem."""
    ids = ids or {}

    def who(file: str) -> str:
        return ids.get(file, Path(file).stem)
    class_max = assignment.max_score if assignment is not None else max((r.max_score for r in results), default=0.0)
    book = ClassBook([], assignment, roster)
    used_failures: set[int] = set()
    if roster is None:
        book.rows = list(results)
        shown: set[str] = set()
        for file, message in failures:
            if file in ids and ids[file] in shown:
                continue
            shown.add(ids.get(file, ""))
            book.rows.append(absent(who(file), assignment, "unreadable", message, file, class_max))
        book.unreadable = list(failures)
        return book
    by_id: dict[str, list[ClassSheet]] = {}
    for r in results:
        by_id.setdefault(r.student, []).append(r)
    for entry in roster:
        mine = by_id.pop(entry.student, [])
        if not mine:
            for n, (file, message) in enumerate(failures):
                if n not in used_failures and who(file) == entry.student:     # every file of a duplicate id
                    used_failures.add(n)
                    if not mine:
                        mine.append(absent(entry.student, assignment, "unreadable", message, file, class_max))
        if not mine:
            mine = [absent(entry.student, assignment, "missing", class_max=class_max)]
            book.missing.append(entry.student)
        for r in mine:
            r.name, r.section, r.on_roster = entry.name, entry.section, True
            book.rows.append(r)
    for rs in by_id.values():
        for r in rs:
            r.on_roster = False
            book.rows.append(r)
            book.unrostered.append(r)
    shown = set()
    for n, (file, message) in enumerate(failures):
        if n not in used_failures and not (file in ids and ids[file] in shown):
            shown.add(ids.get(file, ""))
            row = absent(who(file), assignment, "unreadable", message, file, class_max)
            row.on_roster = False
            book.rows.append(row)
    book.unreadable = list(failures)
    return book


# ------------------------------------------------------------------ CSV

def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
    return BOM + buf.getvalue()


def _entry(book: ClassBook, student: str) -> RosterEntry | None:
    return next((e for e in book.roster or [] if e.student == student), None)


def plain_csv(book: ClassBook, lang: str = "en") -> str:
    """``student[, name, section, status]``, one column per exercise/part, ``total``, ``max``. With a roster,
    one row per roster student (and per flagged sheet); without one, one row per graded sheet."""
    d = book.decimals
    cols = book.columns()
    with_roster = book.roster is not None
    header = [head("student", lang)] + ([head("name", lang), head("section", lang), head("status", lang)]
                                        if with_roster else [])
    header += [f"{e}/{p}" for e, p in cols] + [head("total", lang), head("max", lang)]
    out: list[list[Any]] = [header]
    for r in book.rows:
        if not with_roster and r.status != "graded":
            continue
        scores = {(p.exercise, p.part): p.score for p in r.parts}
        status = STATUS[book.status(r)][1 if lang == "zh" else 0]
        out.append([r.student] + ([r.name, r.section, status] if with_roster else [])
                   + [fmt_score(scores[c], d) if c in scores else "" for c in cols]
                   + [fmt_score(r.score, d), fmt_score(r.max_score, d)])
    return _csv(out)


def canvas_csv(book: ClassBook, lang: str = "en") -> str:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column for the assignment
    (its title), and a ``Points Possible`` row with the assignment's points."""
    d = book.decimals
    title = book.assignment.title_in(lang) if book.assignment is not None else "Assignment"
    maximum = book.assignment.max_score if book.assignment is not None else max(
        (r.max_score for r in book.rows), default=0)
    out: list[list[Any]] = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title],
                            ["Points Possible", "", "", "", "", fmt_score(maximum, d)]]
    for r in book.rows:
        entry = _entry(book, r.student)
        out.append([r.name or r.student, entry.canvas_id if entry else "", r.student, entry.login if entry else "",
                    r.section, fmt_score(r.score, d)])
    return _csv(out)


def feedback_line(r: ClassSheet, book: ClassBook, lang: str) -> str:
    """One line for a student: each exercise's score, the mistakes named, the notes."""
    d = book.decimals
    bits = []
    for ex in dict.fromkeys(p.exercise for p in r.parts):
        got = r.exercise_score(ex) or 0.0
        assigned = next((e for e in book.assignment.exercises if e.id == ex), None) if book.assignment else None
        of = sum(assigned.parts.values()) if assigned else sum(p.max_score for p in r.parts if p.exercise == ex)
        bits.append(f"{ex}: {fmt_score(got, d)}/{fmt_score(of, d)}")
    mistakes = sorted({p.mistake for p in r.parts if p.mistake})
    line = "; ".join(bits)
    if mistakes:
        from .mistakes import mistake_text
        line += (" — 典型错误：" if lang == "zh" else " — mistakes: ") + ("；" if lang == "zh" else "; ").join(
            mistake_text(m, lang) for m in mistakes)
    notes = " ".join(n.render(lang) for n in r.notes)
    return f"{line} {notes}".strip()


def moodle_csv(book: ClassBook, lang: str = "en") -> str:
    """Moodle's grade import: ``identifier`` (the student id), ``grade``, ``feedback``."""
    d = book.decimals
    out: list[list[Any]] = [["identifier", "grade", "feedback"]]
    for r in book.rows:
        out.append([r.student, fmt_score(r.score, d), feedback_line(r, book, lang)])
    return _csv(out)


def gradebook_text(book: ClassBook, fmt: str = "plain", lang: str = "en") -> str:
    return {"plain": plain_csv, "canvas": canvas_csv, "moodle": moodle_csv}[fmt](book, lang)


# ------------------------------------------------------------------ xlsx

def _safe(value: Any) -> Any:
    return spreadsheet_safe(value) if isinstance(value, str) else value


def gradebook_xlsx(book: ClassBook, lang: str = "en") -> bytes:
    """A workbook: a summary sheet (one row per student: id, name, section, status, per-exercise scores, total,
    max) and a per-part sheet (verdict, score, named mistake, feedback). Headers in ``lang``."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)          # rows go to a temporary file as they come: memory flat in the class
    summary = wb.create_sheet(head("summary", lang))
    summary.freeze_panes = "A2"
    exercises = book.exercises()
    summary.append([_safe(h) for h in [head("student", lang), head("name", lang), head("section", lang),
                                       head("status", lang)] + exercises + [head("total", lang), head("max", lang)]])
    for r in book.rows:
        per_ex = [r.exercise_score(e) for e in exercises]
        status = STATUS[book.status(r)][1 if lang == "zh" else 0]
        summary.append([_safe(r.student), _safe(r.name), _safe(r.section), _safe(status)] + per_ex
                       + [r.score, r.max_score])
    parts = wb.create_sheet(head("parts", lang))
    parts.freeze_panes = "A2"
    parts.append([_safe(head(k, lang)) for k in ("student", "name", "exercise", "part", "answer", "verdict",
                                                 "score", "max", "mistake", "feedback")])
    verdicts: dict[str, str] = {}
    for r in book.rows:
        kept = r.part_texts(lang) if hasattr(r, "part_texts") else None        # a compact row: texts on disk
        for i, p in enumerate(r.parts):
            answer, feedback = kept[i] if kept else (p.answer, " ".join(f.render(lang) for f in p.feedback))
            if p.verdict not in verdicts:
                verdicts[p.verdict] = Msg(f"v.{p.verdict}").render(lang)
            parts.append([_safe(r.student), _safe(r.name), _safe(p.exercise), _safe(p.part), _safe(answer),
                          _safe(verdicts[p.verdict]), p.score, p.max_score, _safe(p.mistake or ""),
                          _safe(feedback)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
