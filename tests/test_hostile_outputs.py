"""Hostile data on its way out (issue 10, "Outputs"): student ids are data, never paths; spreadsheet and
terminal text is neutralised; Markdown cannot carry live HTML; failed writes are one error line, exit 2, and
leave neither partial nor temporary files. Every hostile file is built here, at test time, in ``tmp_path``.
"""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main
from grader.grade import PartResult, SheetResult
from grader.report import gradebook_csv
from solver.cli import main as solve_main
from solver.render.atomic import safe_filename
from solver.render.safe_text import terminal_safe

ENV = {"COLUMNS": "120", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}   # no colour codes of rich's own
RIGHT, WRONG = "[7, -6, 8, -2, 5]", "[7, -6, 8, -2, 4]"                # exercise 24.4, one part


def grade(*args: object, seconds: float = 60):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env=ENV)


def solve(*args: object, seconds: float = 60):
    with deadline(seconds):
        return CliRunner().invoke(solve_main, [str(a) for a in args], env=ENV)


def sheet(folder: Path, name: str, student: str, answer: str = RIGHT) -> Path:
    """An answer file giving ``student`` (JSON, so any id is written exactly) and one answer to 24.4."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"student": student, "answers": {"24.4": {"output": answer}}}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def listing(folder: Path) -> list[str]:
    """Every path under ``folder``, relative, sorted (hidden and temporary files included)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def tag(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


# ------------------------------------------------------------------ 1. student ids are data, not paths

HOSTILE_IDS = ["..", ".", "a/b", "a_b", "a:b", "/etc/x", "", "中" * 200, "Alice", "Alice ", "s 01/../x", ".hidden"]


def test_hostile_ids_get_distinct_safe_gradescope_folders(tmp_path):
    klass = tmp_path / "class"
    for n, student in enumerate(HOSTILE_IDS):
        sheet(klass, f"s{n:02}.json", student)
    out = tmp_path / "out"
    result = grade(klass, "--gradescope", out / "gs", "--csv", out / "book.csv")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "out"]      # nothing written beside
    assert sorted(p.name for p in out.iterdir()) == ["book.csv", "gs"]         # no results.json one level up
    folders = sorted(p.name for p in (out / "gs").iterdir())
    long = "中" * 40                                                           # 120 bytes of UTF-8
    assert folders == sorted([
        f"_.-{tag('..')}", f"_-{tag('.')}", f"a_b-{tag('a/b')}", "a_b", f"a_b-{tag('a:b')}",
        f"_etc_x-{tag('/etc/x')}", f"student-{tag('')}", f"{long}-{tag('中' * 200)}",
        "Alice", f"Alice_-{tag('Alice ')}",                                 # (equal but for case: tests/test_teacher_loop2.py)
        f"s_01_.._x-{tag('s 01/../x')}", f"_hidden-{tag('.hidden')}"])
    for name in folders:
        assert len(name.encode("utf-8")) <= 255 and "/" not in name and not name.startswith(".")
        assert listing(out / "gs" / name) == ["results.json"]
        assert json.loads((out / "gs" / name / "results.json").read_text(encoding="utf-8"))["score"] == 1
    rows = list(csv.reader(io.StringIO((out / "book.csv").read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:]] == HOSTILE_IDS                           # the ids themselves, unchanged


def test_duplicate_ids_are_an_error_naming_both_files_and_neither_is_entered(tmp_path):
    klass = tmp_path / "class"
    first, second = sheet(klass, "a.json", "s01", RIGHT), sheet(klass, "b.json", "s01", WRONG)
    sheet(klass, "c.json", "s02", RIGHT)
    result = grade(klass, "--gradescope", tmp_path / "gs", "--csv", tmp_path / "book.csv")
    no_traceback(result)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(first) in errors[0] and str(second) in errors[0] and "s01" in errors[0]
    rows = list(csv.reader(io.StringIO((tmp_path / "book.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1:] == [["s02", "1", "1", "1"]]                               # neither s01 file is entered
    folders = sorted(p.name for p in (tmp_path / "gs").iterdir())
    assert folders == ["a", "b", "s02"]                                       # one result per file, none shared
    for name in ("a", "b"):
        doc = json.loads((tmp_path / "gs" / name / "results.json").read_text(encoding="utf-8"))
        assert doc["score"] == 0 and "also given by" in doc["output"]


def test_safe_filename_is_one_safe_component_and_unique_when_asked():
    names = HOSTILE_IDS + ["a\0b", "a\\b", "CON", "x" * 300, "é", "e\u0301", "-", "--", "a b", "a\nb"]
    unique = [safe_filename(n, unique=True) for n in names]
    assert len(set(unique)) == len(names)
    for name in unique + [safe_filename(n) for n in names]:
        assert name and name not in (".", "..") and not name.startswith(".")
        assert re.fullmatch(r"[\w.-]+", name) and len(name.encode("utf-8")) <= 255
    assert safe_filename("s01", unique=True) == "s01"                        # a safe id keeps its name


def test_class_sheets_from_a_hostile_roster_stay_in_the_folder(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student\n..\na/b\na:b\nx\nx-key\n", encoding="utf-8")
    out = tmp_path / "sheets"
    result = solve("pdf", "24.4", "--no-verify", "--class", roster, "-o", out, seconds=120)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv", "sheets"]
    index = json.loads((out / "class.json").read_text(encoding="utf-8"))
    assert [e["student"] for e in index] == ["..", "a/b", "a:b", "x", "x-key"]
    files = [e["sheet"] for e in index] + [e["key"] for e in index]
    assert len(set(files)) == 10                                              # "x-key.pdf" is not x's key
    assert sorted(files + ["class.json"]) == listing(out)
    assert all((out / f).read_bytes().startswith(b"%PDF") for f in files)


# ------------------------------------------------------------------ 2. spreadsheet and terminal text

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def test_csv_cells_that_would_be_formulas_are_neutralised(tmp_path):
    klass = tmp_path / "class"
    for n, student in enumerate(FORMULAS + ["s01"]):
        sheet(klass, f"s{n}.json", student)
    result = grade(klass, "--csv", tmp_path / "book.csv")
    no_traceback(result)
    rows = list(csv.reader(io.StringIO((tmp_path / "book.csv").read_bytes().decode("utf-8"))))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS] + ["s01"]
    for row in rows[1:]:
        assert [float(x) for x in row[1:]] == [1.0, 1.0, 1.0]               # numbers stay numbers


def test_csv_header_cells_are_neutralised_too():
    parts = [PartResult("=cmd", "@p", "correct", 1.0, 1.0), PartResult("24.4", "output", "incorrect", 0.0, 1.0)]
    text = gradebook_csv([SheetResult("-s", "s.json", parts)])
    assert list(csv.reader(io.StringIO(text))) == [["student", "'=cmd/@p", "24.4/output", "total", "max"],
                                                    ["'-s", "1", "0", "1", "2"]]


BANNED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESCAPES = "\x1b[2J\x1b[31mRED\x1b]0;owned\x07\x9b1m\u202egnp.exe\u2066\x08\x00"


def test_terminal_safe_removes_every_escape_and_control():
    for text in [ESCAPES, "a\x1b", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x1bP1$q\x1b\\", "\x1b(B",
                 "x\x9d2;y\x9c"]:
        for one_line in (False, True):
            cleaned = terminal_safe(text, one_line)
            assert not BANNED.search(cleaned), repr(cleaned)
    assert terminal_safe("s01\n\tok") == "s01\n\tok" and terminal_safe("s01\n\tok", one_line=True) == "s01  ok"
    assert terminal_safe("学号 s01 — ✓") == "学号 s01 — ✓"


def test_grade_terminal_output_strips_escapes_from_ids_files_and_answers(tmp_path):
    klass = tmp_path / "class"
    in_name = ESCAPES.replace("\x00", "")                                   # a file name cannot hold NUL
    sheet(klass, f"s{in_name}1.json", f"s01{ESCAPES}", f"[7, -6, 8{ESCAPES}]")
    (klass / f"bad{in_name}.yaml").write_text("answers: 5\n", encoding="utf-8")
    (klass / "unknown.json").write_text(json.dumps({"student": "s02", "answers": {f"zz{ESCAPES}": {"a": 1}}}),
                                        encoding="utf-8")
    result = grade(klass)
    no_traceback(result)
    assert result.exit_code == 2
    assert "s01" in result.stdout and "RED" in result.stdout                 # shown, minus the escapes
    for stream in (result.stdout, result.stderr):
        assert not BANNED.search(stream.replace("\n", "")), repr(BANNED.search(stream.replace("\n", "")))
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("error: ") for e in errors)  # one line each


def test_solve_terminal_output_strips_escapes_from_an_exercise_file(tmp_path):
    path = tmp_path / "ex.yaml"
    path.write_text(json.dumps({"id": "esc", "title": {"en": f"Title{ESCAPES}"}, "statement": {"en": ESCAPES},
                                "kind": "network", "given": {"input_shape": [1, 8, 8], "layers": [
                                    {"type": "Conv2d", "out_channels": 2, "kernel_size": 3}]},
                                "ask": [{"id": "p", "quantity": "params"}],
                                "source_answer": {"p": f"21{ESCAPES}"}}), encoding="utf-8")
    result = solve("file", path, "--no-verify")
    no_traceback(result)
    assert "Title" in result.stdout and not BANNED.search(result.stdout.replace("\n", ""))


# ------------------------------------------------------------------ 3. Markdown without live HTML

SAFE_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "table",
             "thead", "tbody", "tr", "th", "td", "hr", "br", "blockquote",
             # the figures' inline SVG (solver/render/figures.py): drawing elements only, text escaped
             "figure", "svg", "rect", "text", "line", "defs", "marker", "path"}
INJECT = "` <img src=x onerror=alert(1)> `` <script>alert(2)</script> [l](javascript:alert(3)) <https://x.example>"


class _Html(HTMLParser):
    """Tags, attributes and the text inside <code> of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.code: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self._in_code += tag == "code"

    def handle_endtag(self, tag):
        self._in_code -= tag == "code"

    def handle_data(self, data):
        if self._in_code:
            self.code.append(data)


def rendered(markdown: str) -> _Html:
    from markdown_it import MarkdownIt
    parser = _Html()
    parser.feed(MarkdownIt("commonmark", {"html": True}).render(markdown))
    return parser


def assert_inert(markdown: str) -> _Html:
    html = rendered(markdown)
    assert set(html.tags) <= SAFE_TAGS, sorted(set(html.tags) - SAFE_TAGS)
    assert not any(name.startswith("on") or "javascript:" in (value or "") for name, value in html.attrs)
    return html


def test_markdown_of_a_hostile_code_exercise_has_no_live_html(tmp_path):
    path = tmp_path / "evil.yaml"
    signature = "corr2d(X, K)" + INJECT
    path.write_text(json.dumps({
        "id": "evil", "title": {"en": "T " + INJECT}, "statement": {"en": "S\n\n<img src=x onerror=alert(4)>\n"
                                                                     "    <script>x</script>\n```\n" + INJECT},
        "kind": "code", "given": {"function": "corr2d", "signature": signature, "reference": "corr2d",
                                  "inputs": [{"X": [[0, 1, 2], [3, 4, 5], [6, 7, 8]], "K": [[0, 1], [2, 3]]}]},
        "ask": [{"id": "program", "quantity": "program"}]}), encoding="utf-8")
    result = solve("file", path, "--format", "markdown", "--no-verify")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    html = assert_inert(result.stdout)
    assert any(signature in text for text in html.code)                      # the value shown, as code


def test_markdown_of_a_hostile_network_exercise_has_no_live_html(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(json.dumps({
        "id": "net-evil", "title": {"en": INJECT, "zh": INJECT}, "statement": {"en": INJECT + "\n\n| a | b |\n"},
        "kind": "network", "given": {"input_shape": [1, 8, 8],
                                     "layers": [{"type": "Conv2d", "out_channels": 2, "kernel_size": 3}]},
        "ask": [{"id": "p", "quantity": "params"}], "source_answer": {"p": INJECT}}), encoding="utf-8")
    for lang in ("en", "zh"):
        result = solve("file", path, "--format", "markdown", "--lang", lang)
        no_traceback(result)
        assert_inert(result.stdout)


def test_markdown_math_lines_cannot_open_tags():
    from solver.render.markdown import code_span, math_line
    for latex in ["a <img src=x onerror=alert(1)> b", "x</p><script>y", "<!-- c -->", "<?php ?>", "1\n\n<b>x</b>"]:
        assert_inert(math_line(latex))
    for value in ["`", "``", "` x `", "a`b``c", " ` ", INJECT]:
        html = assert_inert("- **p**: " + code_span(value))
        assert html.code == [value] or value.strip() != value                # shown literally (padding aside)


# ------------------------------------------------------------------ 4. write errors: one line, exit 2, no debris

def test_grade_pdf_under_a_file_is_one_error_line(tmp_path):
    sheet(tmp_path / "class", "s01.json", "s01")
    (tmp_path / "blocker").write_text("x")
    target = tmp_path / "blocker" / "feedback.pdf"
    result = grade(tmp_path / "class", "--pdf", target)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {target}: Not a directory"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "class"]


def test_grade_pdf_disk_full_leaves_nothing(tmp_path, monkeypatch):
    sheet(tmp_path / "class", "s01.json", "s01", WRONG)
    out = tmp_path / "out"
    out.mkdir()

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
    monkeypatch.setattr(os, "replace", full)
    result = grade(tmp_path / "class", "--pdf", out / "feedback.pdf")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {out / 'feedback.pdf'}: "
                                                  "No space left on device"]
    assert listing(out) == []


@pytest.mark.parametrize("command", [["exercise", "24.4", "--no-verify", "--pdf"],
                                     ["pdf", "24.4", "--no-verify", "-o"]])
def test_solve_pdf_write_errors_are_one_line(tmp_path, monkeypatch, command):
    (tmp_path / "blocker").write_text("x")
    target = tmp_path / "blocker" / "x.pdf"
    result = solve(*command, target)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {target}: Not a directory"]

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
    monkeypatch.setattr(os, "replace", full)
    result = solve(*command, tmp_path / "x.pdf")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {tmp_path / 'x.pdf'}: No space left on device"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.fixture
def previous_run(tmp_path):
    """A class graded once into ``out/gs``: the folder a failed second run must leave exactly as it was."""
    klass = tmp_path / "class"
    sheet(klass, "s01.json", "s01")
    sheet(klass, "s02.json", "s02", WRONG)
    out = tmp_path / "out"
    assert grade(klass, "--gradescope", out / "gs").exit_code == 0
    sheet(klass, "s03.json", "s03")
    before = {p: (out / p).read_bytes() for p in listing(out) if (out / p).is_file()}
    assert sorted(before) == ["gs/s01/results.json", "gs/s02/results.json"]
    return klass, out, before


def unchanged(out: Path, before: dict[str, bytes]) -> bool:
    now = {p: (out / p).read_bytes() for p in listing(out) if (out / p).is_file()}
    return now == before and listing(out) == ["gs", "gs/s01", "gs/s01/results.json", "gs/s02", "gs/s02/results.json"]


def test_gradescope_folder_is_not_touched_when_a_write_fails(previous_run, monkeypatch):
    klass, out, before = previous_run
    import grader.report
    calls = []
    real = grader.report.gradescope

    def second_fails(*args, **kwargs):                   # the disk fills up after the first student's results
        calls.append(args)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)
    monkeypatch.setattr(grader.report, "gradescope", second_fails)
    result = grade(klass, "--gradescope", out / "gs")
    no_traceback(result)
    assert result.exit_code == 2 and len(calls) == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {out / 'gs'}: No space left on device"]
    assert unchanged(out, before)                                             # no temporary folder left either


def test_gradescope_folder_is_put_back_when_the_swap_fails(previous_run, monkeypatch):
    klass, out, before = previous_run
    real = os.replace

    def swap_fails(src, dst):
        if str(src).endswith(".tmp"):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        return real(src, dst)
    monkeypatch.setattr(os, "replace", swap_fails)
    result = grade(klass, "--gradescope", out / "gs")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {out / 'gs'}: Input/output error"]
    assert unchanged(out, before)


def test_gradescope_folder_is_replaced_as_a_whole(previous_run):
    klass, out, before = previous_run
    (klass / "s02.json").unlink()
    result = grade(klass, "--gradescope", out / "gs")
    assert result.exit_code == 0
    assert listing(out) == ["gs", "gs/s01", "gs/s01/results.json", "gs/s03", "gs/s03/results.json"]


def test_gradescope_refuses_a_folder_of_other_files(tmp_path):
    klass = tmp_path / "class"
    sheet(klass, "s01.json", "s01")
    sheet(klass, "s02.json", "s02")
    (tmp_path / "notes.txt").write_text("mine")
    result = grade(klass, "--gradescope", tmp_path)
    no_traceback(result)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"error: cannot write {tmp_path}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "notes.txt"]


def test_gradescope_folder_under_a_file_is_one_error_line(tmp_path):
    klass = tmp_path / "class"
    sheet(klass, "s01.json", "s01")
    sheet(klass, "s02.json", "s02")
    (tmp_path / "blocker").write_text("x")
    result = grade(klass, "--gradescope", tmp_path / "blocker" / "gs")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {tmp_path / 'blocker' / 'gs'}: Not a directory"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "class"]
