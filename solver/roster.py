"""Class rosters: a CSV file (UTF-8, UTF-8 with BOM, or GB18030/GBK) or an ``.xlsx`` workbook (first sheet).

Used by ``solve pdf --class`` (one sheet per student) and by the grader (:mod:`grader.roster` re-exports this
module), so it lives in the solver: the layers are one-way, solver ← grader ← practice.

The header row names the columns, in English or Chinese (case and spaces ignored):

- the student id: ``SIS User ID``, ``学号``, ``student id``, ``student``, ``id``, ``username`` (the first of these
  found; in a Canvas export, whose ``Student`` column is the name, ``SIS User ID`` wins and ``Student`` is the name);
- the name: ``name``, ``姓名``, ``student name`` (or ``Student`` as above);
- the section: ``section``, ``班级``, ``class``.

A header row is never a student. A file without a recognised header is read as ``id[, name[, section]]``
from the first row on. Canvas's ``Points Possible`` row and blank rows are skipped. Canvas's ``ID`` and
``SIS Login ID`` are kept for a Canvas gradebook.

Example:
    >>> r = roster_from_rows([["学号", "姓名", "班级"], ["2024001", "张三", "1班"]], "r.csv")
    >>> [(s.student, s.name, s.section) for s in r]
    [('2024001', '张三', '1班')]
    >>> [s.student for s in roster_from_rows([["s01", "Ann"], ["s02", "Bo"]], "r.csv")]
    ['s01', 's02']
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from solver.errors import InputError

MAX_ROSTER_BYTES = 20_000_000

ID_HEADERS = ("sis user id", "学号", "student id", "studentid", "student", "id", "username", "用户名")
NAME_HEADERS = ("name", "姓名", "student name", "full name", "名字")
SECTION_HEADERS = ("section", "班级", "class", "sections")


@dataclass(frozen=True)
class RosterEntry:
    student: str
    name: str = ""
    section: str = ""
    canvas_id: str = ""          # Canvas's own ``ID`` column, when the roster is a Canvas export
    login: str = ""              # ``SIS Login ID``


def norm_cell(cell: object) -> str:
    """A roster cell as it is compared (headers, names): BOM dropped, spaces collapsed, case folded.

    >>> norm_cell("\ufeff 学号 "), norm_cell("Wang  Wu")
    ('学号', 'wang wu')
    """
    return " ".join(str(cell if cell is not None else "").replace("\ufeff", "").split()).casefold()


def _cell(row: list, i: int | None) -> str:
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, float) and value.is_integer():    # an .xlsx id typed as a number: 2024001, not 2024001.0
        value = int(value)
    return str(value).strip()


def roster_from_rows(rows: list[list], file: str, allow_duplicates: bool = False) -> list[RosterEntry]:
    """Roster entries from table rows (the header row, when recognised, is not a student). A student id given
    twice is an error naming both rows, unless ``allow_duplicates``."""
    rows = [list(r) for r in rows if any(_cell(list(r), i) for i in range(len(r)))]
    if not rows:
        raise InputError("the roster is empty", file=file)
    header = [norm_cell(c) for c in rows[0]]

    def find(names: tuple[str, ...], skip: int | None = None) -> int | None:
        for name in names:
            for i, h in enumerate(header):
                if h == name and i != skip:
                    return i
        return None
    id_col = find(ID_HEADERS)
    if id_col is None:                                     # no header: id, name, section from the first row on
        body, id_col, name_col, section_col, canvas_col, login_col = rows, 0, 1, 2, None, None
    else:
        body = rows[1:]
        name_col = find(NAME_HEADERS)
        if name_col is None and header[id_col] != "student" and "student" in header:
            name_col = header.index("student")              # Canvas: Student is the name, SIS User ID the id
        section_col = find(SECTION_HEADERS)
        canvas_col = find(("id",), skip=id_col) if header[id_col] != "id" else None
        login_col = find(("sis login id",))
    out = []
    seen: dict[str, int] = {}
    for n, row in enumerate(body, start=2 if body is not rows else 1):
        student = _cell(row, id_col)
        if not student or norm_cell(_cell(row, name_col)) == "points possible" or norm_cell(student) == "points possible":
            continue
        if student in seen and not allow_duplicates:
            raise InputError(f"student id {student!r} is on the roster twice (rows {seen[student]} and {n})",
                             file=file, line=n)
        seen[student] = n
        out.append(RosterEntry(student, _cell(row, name_col), _cell(row, section_col), _cell(row, canvas_col),
                               _cell(row, login_col)))
    if not out:
        raise InputError("no student ids in the roster", file=file)
    return out


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")                      # GBK's superset: what Excel on Chinese Windows writes
    except UnicodeDecodeError:
        raise InputError("the roster is neither UTF-8 nor GB18030 text (save it as CSV UTF-8 or .xlsx)",
                         file=file) from None


def _xlsx_rows(data: bytes, file: str) -> list[list]:
    try:
        from openpyxl import load_workbook
    except ImportError:                                    # pragma: no cover - a dependency
        raise InputError("reading .xlsx rosters needs openpyxl (pip install openpyxl)", file=file) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as exc:                               # noqa: BLE001 - any malformed workbook
        raise InputError(f"cannot read the workbook: {type(exc).__name__}", file=file) from None
    return rows


def read_roster(path: str | Path, allow_duplicates: bool = False) -> list[RosterEntry]:
    """The roster in ``path`` (``.xlsx``, else CSV); an :class:`InputError` naming the file when unreadable."""
    from solver.files import read_limited
    file = str(path)
    try:
        data = read_limited(path, MAX_ROSTER_BYTES)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read the roster: {exc.strerror or exc}", file=file) from None
    if data[:4] == b"PK\x03\x04" or file.lower().endswith((".xlsx", ".xlsm")):
        return roster_from_rows(_xlsx_rows(data, file), file, allow_duplicates)
    text = _decode(data, file)
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", "\t", ";") if d in first), ",")     # Excel writes ; in some locales
    return roster_from_rows(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), file,
                            allow_duplicates)
