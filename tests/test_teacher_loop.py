"""A teacher's whole loop (issue 13): assignment file, roster, gradebooks (CSV plain/Canvas/Moodle with a BOM,
.xlsx), Gradescope tags and error results, one feedback PDF per student, the class report, output modes.

Expectations are worked out by hand from the bank: hw-q3 has nine parts of 1 point (shape, params, macs, flops,
params_1x1, macs_1x1, flops_1x1, params_ratio, macs_ratio), its params part allows partial credit and 4,608
is the bias forgotten (0.5 of the point, exercises/hw-q3.yaml and grader/mistakes.py); 24.4 has one part
``output`` (answer 7, -6, 8, -2, 5); 24.7 one explanation part ``answer`` of 8 points (needs review).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main
from solver.errors import InputError

HW_Q3_RIGHT = ('{shape: 32×28×28, params: "4,640", macs: 3.61M, flops: 7.23M, params_1x1: 544, '
               'macs_1x1: "401,408", flops_1x1: 802816, params_ratio: "8.53", macs_ratio: 9}')
HOSTILE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","x")'

CLASS = {
    "s01.yaml": f"""student: s01
answers:
  hw-q3: {HW_Q3_RIGHT}
  "24.4": {{output: [7, -6, 8, -2, 5]}}
  "24.7": {{answer: "A CNN for text embeds the words, convolves over n-grams and max-pools over time."}}
""",
    "s02.json": json.dumps({"student": "s02", "answers": {"hw-q3": {"params": "4,608", "flops": "7.23M"},
                                                         "24.1": {"holds": "不成立"}}}, ensure_ascii=False),
    "s03.json": json.dumps({"student": HOSTILE, "answers": {"hw-q3": {"params": "4,608"}}}),
    "s04.json": json.dumps({"student": FORMULA, "answers": {"hw-q3": {"shape": "32×28×28"}}}),
    "s06.yaml": "student: s06\nanswers: [oops\n",                        # unreadable: an unclosed bracket
}
ASSIGNMENT = """title: {en: Homework 3, zh: 第三次作业}
exercises:
  - hw-q3
  - {id: "24.4", points: 5}
  - "24.7"
"""
ROSTER = "学号,姓名,班级\ns01,张三,1班\ns02,李四,2班\ns06,王五,1班\ns05,赵六,2班\n"


def grade(*args, seconds: float = 60):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


def rows_of(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                                   # a UTF-8 BOM: Excel reads 张三
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    base = tmp_path_factory.mktemp("teacher")
    folder = base / "class"
    folder.mkdir()
    for name, text in CLASS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (base / "hw3.yaml").write_text(ASSIGNMENT, encoding="utf-8")
    (base / "roster.csv").write_bytes(b"\xef\xbb\xbf" + ROSTER.encode("utf-8"))
    return base


@pytest.fixture(scope="module")
def run(klass):
    out = klass / "out"
    old = os.umask(0o022)
    try:
        result = grade(klass / "class", "--assignment", klass / "hw3.yaml", "--roster", klass / "roster.csv",
                       "--format", "json", "--csv", out / "book.csv", "--xlsx", out / "book.xlsx",
                       "--report", out / "report.html", "--gradescope", out / "gs", "--pdf-dir", out / "pdfs")
    finally:
        os.umask(old)
    assert "Traceback" not in result.stderr, result.stderr
    return result, out


def records(result) -> dict[str, dict]:
    return {r["student"]: r for r in map(json.loads, result.stdout.splitlines()) if "student" in r}


# ------------------------------------------------------------------ assignment

def test_every_student_gets_the_assignments_maximum(run):
    result, _ = run
    assert result.exit_code == 2                                             # s06.yaml cannot be read
    recs = records(result)
    assert {r["max_score"] for r in recs.values()} == {22.0}                 # 9 + 5 + 8, whatever they answered
    s02 = recs["s02"]
    assert s02["score"] == 1.5                                               # params 0.5 (bias) + flops 1
    assert [p["part"] for p in s02["results"] if p["exercise"] == "24.4"] == ["output"]
    assert [p["max_score"] for p in s02["results"] if p["exercise"] == "24.4"] == [5.0]
    assert not any(p["exercise"] == "24.1" for p in s02["results"])         # outside: not counted
    notes = " ".join(s02["notes"])
    assert "24.4 is not answered: 0/5." in notes and "24.7 is not answered: 0/8." in notes
    assert "24.1 is not part of the assignment" in notes
    assert s02["name"] == "李四" and s02["section"] == "2班"


def test_scaled_points_are_rounded_to_their_precision(klass, tmp_path):
    (tmp_path / "a.yaml").write_text("exercises: [{id: hw-q3, points: 10}]\n", encoding="utf-8")
    result = grade(klass / "class" / "s01.yaml", klass / "class" / "s02.json", "--assignment", tmp_path / "a.yaml",
                   "--format", "json", "--csv", tmp_path / "b.csv", "--xlsx", tmp_path / "b.xlsx")
    recs = records(result)
    assert recs["s01"]["score"] == 10 and recs["s01"]["max_score"] == 10     # 9 × 10/9, not 9.9999
    assert recs["s02"]["score"] == 1.67                                      # 1.5 × 10/9 = 1.666…
    assert {p["max_score"] for p in recs["s01"]["results"]} == {1.11}
    rows = rows_of(tmp_path / "b.csv")
    assert [r[-2:] for r in rows[1:]] == [["10", "10"], ["1.67", "10"]]
    from openpyxl import load_workbook
    summary = list(load_workbook(tmp_path / "b.xlsx").worksheets[0].iter_rows(values_only=True))
    assert [r[4:] for r in summary[1:]] == [(10, 10, 10), (1.67, 1.67, 10)]    # hw-q3, total, max
    grade(klass / "class" / "s01.yaml", "--assignment", tmp_path / "a.yaml", "--csv", tmp_path / "m.csv",
          "--csv-format", "moodle")
    s01 = rows_of(tmp_path / "m.csv")[1]
    assert s01[:2] == ["s01", "10"] and s01[2].startswith("hw-q3: 10/10 ")


def test_the_simplest_assignment_and_ids_as_written(tmp_path):
    from grader.assignment import assignment_from_text
    a = assignment_from_text('exercises: [hw-q3, "24.4"]\n', "a.yaml")
    assert [e.id for e in a.exercises] == ["hw-q3", "24.4"] and a.max_score == 10
    a = assignment_from_text("exercises: [24.10, {id: hw-q3, parts: {params: 2, flops: 3}}]\nlang: zh\n"
                             "variants: true\n", "a.yaml")
    assert a.exercises[0].id == "24.10"                                      # not the number 24.1
    assert a.exercises[1].parts == {"params": 2.0, "flops": 3.0} and a.lang == "zh" and a.variants is True


@pytest.mark.parametrize("text, where", [
    ("exercises:\n  - hw-q3\n  - nope-99\n", "a.yaml:3: exercises[2]: unknown exercise 'nope-99'"),
    ("exercises:\n  - {id: hw-q3, parts: [parms]}\n", "a.yaml:2: exercises[1].parts[1]: exercise hw-q3 has no part"),
    ("exercises:\n  - {id: hw-q3, points: -1}\n", "a.yaml:2: exercises[1].points: points must be a positive"),
    ("title: x\nexercise: [hw-q3]\n", "a.yaml:2: exercise: unknown field 'exercise'"),
    ("exercises: []\n", "a.yaml:1: exercises: exercises must be a non-empty list"),
    ("exercises: [hw-q3, hw-q3]\n", "exercises[2]: exercise hw-q3 is listed twice"),
    ("lang: fr\nexercises: [hw-q3]\n", "a.yaml:1: lang: lang must be en or zh"),
])
def test_assignment_errors_name_file_line_and_field(tmp_path, text, where):
    from grader.assignment import assignment_from_text
    with pytest.raises(InputError) as info:
        assignment_from_text(text, "a.yaml")
    assert where in str(info.value)


def test_a_bad_assignment_stops_grade_with_exit_2(klass, tmp_path):
    bad = tmp_path / "hw.yaml"
    bad.write_text("exercises:\n  - hw-q3\n  - {id: nope-99}\n", encoding="utf-8")
    result = grade(klass / "class" / "s01.yaml", "--assignment", bad)
    assert result.exit_code == 2
    assert f"{bad}:3: exercises[2].id: unknown exercise 'nope-99'" in result.stderr
    assert result.stdout == ""                                               # nothing graded


def test_assignment_schema_describes_the_format():
    from grader.assignment import KEYS, assignment_schema
    from solver.cli import main as solve_main
    schema = assignment_schema()
    assert set(schema["properties"]) == set(KEYS) and schema["required"] == ["exercises"]
    printed = CliRunner().invoke(solve_main, ["schema", "--assignment"])
    assert printed.exit_code == 0 and json.loads(printed.stdout) == schema


# ------------------------------------------------------------------ roster

def test_rosters_in_every_encoding_and_layout(tmp_path):
    from openpyxl import Workbook
    from grader.roster import read_roster

    def entries(name, data):
        (tmp_path / name).write_bytes(data)
        return [(e.student, e.name, e.section) for e in read_roster(tmp_path / name)]
    assert entries("gbk.csv", "学号,姓名\n2024001,张三\n".encode("gb18030")) == [("2024001", "张三", "")]
    assert entries("bom.csv", "\ufeffStudent ID,Name,Section\ns1,Ann,A\n".encode()) == [("s1", "Ann", "A")]
    assert entries("plain.csv", b"s01,Ann\ns02,Bo\n") == [("s01", "Ann", ""), ("s02", "Bo", "")]   # no header
    assert entries("semi.csv", "id;姓名;班级\ns01;张三;1班\n".encode()) == [("s01", "张三", "1班")]
    canvas = "Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n张三,101,2024001,zs,1班\n"
    (tmp_path / "canvas.csv").write_text(canvas, encoding="utf-8")
    [entry] = read_roster(tmp_path / "canvas.csv")
    assert (entry.student, entry.name, entry.section, entry.canvas_id, entry.login) == (
        "2024001", "张三", "1班", "101", "zs")
    wb = Workbook()
    wb.active.append(["学号", "姓名", "班级"])
    wb.active.append([2024001, "张三", "1班"])                                # an id typed as a number
    wb.save(tmp_path / "r.xlsx")
    assert [(e.student, e.name) for e in read_roster(tmp_path / "r.xlsx")] == [("2024001", "张三")]


def test_roster_errors(tmp_path):
    from grader.roster import read_roster
    (tmp_path / "h.csv").write_text("学号,姓名\n", encoding="utf-8")
    with pytest.raises(InputError, match="no student ids"):                  # a header row is never a student
        read_roster(tmp_path / "h.csv")
    (tmp_path / "d.csv").write_text("student\ns1\ns1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d.csv:3: .*twice \(rows 2 and 3\)"):
        read_roster(tmp_path / "d.csv")
    assert [e.student for e in read_roster(tmp_path / "d.csv", allow_duplicates=True)] == ["s1", "s1"]   # solve pdf
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81\x30")
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        read_roster(tmp_path / "bin.csv")


def test_solve_pdf_class_reads_a_gbk_roster_with_chinese_headers(tmp_path):
    from solver.cli import main as solve_main
    roster = tmp_path / "r.csv"
    roster.write_bytes("学号,姓名\n2024001,张三\n".encode("gb18030"))
    with deadline(60):
        result = CliRunner().invoke(solve_main, ["pdf", "24.4", "--no-verify", "--class", str(roster),
                                                 "-o", str(tmp_path / "sheets")])
    assert result.exit_code == 0, result.stderr
    index = json.loads((tmp_path / "sheets" / "class.json").read_text(encoding="utf-8"))
    assert [e["student"] for e in index] == ["2024001"]                      # the header is not a student


def test_roster_missing_students_and_files_not_on_it(run):
    result, out = run
    assert "warning: s05: on the roster but no answer file" in result.stderr
    assert "is not on the roster" in result.stderr and "s03.json" in result.stderr
    rows = rows_of(out / "book.csv")
    header = rows[0]
    assert header[:4] == ["student", "name", "section", "status"] and header[-2:] == ["total", "max"]
    assert "24.1/holds" not in header and "24.7/answer" in header
    by_id = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert [r[0] for r in rows[1:5]] == ["s01", "s02", "s06", "s05"]         # roster order first
    assert by_id["s05"]["status"] == "missing" and by_id["s05"]["total"] == "0" and by_id["s05"]["max"] == "22"
    assert by_id["s05"]["name"] == "赵六"
    assert by_id["s06"]["status"] == "unreadable" and by_id["s06"]["total"] == "0"
    assert by_id["s02"]["hw-q3/params"] == "0.5" and by_id["s02"]["24.4/output"] == "0"
    assert by_id["s02"]["total"] == "1.5" and by_id["s02"]["name"] == "李四"
    s01 = by_id["s01"]
    assert float(s01["total"]) == pytest.approx(14 + float(s01["24.7/answer"]))
    assert by_id["'" + FORMULA]["status"] == "not on roster"                 # neutralised and flagged
    assert by_id[HOSTILE]["hw-q3/params"] == "0.5"


# ------------------------------------------------------------------ gradebooks

def test_canvas_and_moodle_layouts(klass, tmp_path):
    common = [klass / "class", "--assignment", klass / "hw3.yaml", "--roster", klass / "roster.csv"]
    grade(*common, "--csv", tmp_path / "canvas.csv", "--csv-format", "canvas")
    rows = rows_of(tmp_path / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 3"]
    assert rows[1] == ["Points Possible", "", "", "", "", "22"]
    by_id = {r[2]: r for r in rows[2:]}
    assert by_id["s02"] == ["李四", "", "s02", "", "2班", "1.5"]
    assert by_id["s05"] == ["赵六", "", "s05", "", "2班", "0"]
    assert by_id["'" + FORMULA][0] == "'" + FORMULA
    grade(*common, "--csv", tmp_path / "moodle.csv", "--csv-format", "moodle")
    rows = rows_of(tmp_path / "moodle.csv")
    assert rows[0] == ["identifier", "grade", "feedback"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["s02"][1] == "1.5" and "hw-q3: 1.5/9" in by_id["s02"][2] and "the bias is forgotten" in by_id["s02"][2]
    assert by_id["s05"][1] == "0" and "No answer file" in by_id["s05"][2]


def test_xlsx_gradebook_in_chinese(klass, tmp_path):
    from openpyxl import load_workbook
    target = tmp_path / "book.xlsx"
    result = grade(klass / "class", "--assignment", klass / "hw3.yaml", "--roster", klass / "roster.csv",
                   "--xlsx", target, "--lang", "zh")
    assert result.exit_code == 2 and target.exists()
    wb = load_workbook(target)
    assert wb.sheetnames == ["汇总", "各小问"]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("学号", "姓名", "班级", "状态", "hw-q3", "24.4", "24.7", "总分", "满分")
    s02 = next(r for r in summary if r[0] == "s02")
    assert s02[1:3] == ("李四", "2班") and s02[4:] == (1.5, 0, 0, 1.5, 22)
    cells = [c for c in wb["汇总"]["A"] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.value.startswith("'") and c.data_type == "s" for c in cells)   # not a formula
    parts = list(wb["各小问"].iter_rows(values_only=True))
    assert parts[0][:4] == ("学号", "姓名", "习题", "小问") and parts[0][8] == "典型错误"
    params = next(r for r in parts if r[0] == "s02" and r[3] == "params")
    assert params[6:9] == (0.5, 1, "bias_forgotten")


def test_gradescope_tags_and_an_error_result_for_an_unreadable_file(run):
    _, out = run
    s02 = json.loads((out / "gs" / "s02" / "results.json").read_text(encoding="utf-8"))
    params = next(t for t in s02["tests"] if t["name"] == "hw-q3 params")
    assert params["tags"] == ["bias_forgotten"] and s02["score"] == 1.5
    assert "tags" not in next(t for t in s02["tests"] if t["name"] == "hw-q3 flops")     # right: no mistake
    error = json.loads((out / "gs" / "s06" / "results.json").read_text(encoding="utf-8"))
    assert error["score"] == 0 and error["output"].startswith("Autograder error")
    assert "s06.yaml" in error["output"] and error["tests"][0]["status"] == "failed"


def test_one_unreadable_file_alone_gets_an_error_results_json(klass, tmp_path):
    target = tmp_path / "results.json"
    result = grade(klass / "class" / "s06.yaml", "--gradescope", target)
    assert result.exit_code == 2
    assert json.loads(target.read_text(encoding="utf-8"))["output"].startswith("Autograder error")


def test_outputs_follow_the_umask(run, klass, tmp_path):
    _, out = run                                                             # written under umask 022
    for name in ("book.csv", "book.xlsx", "report.html", "pdfs/s01.pdf", "gs/s01/results.json"):
        assert (out / name).stat().st_mode & 0o777 == 0o644, name
    assert (out / "pdfs").stat().st_mode & 0o777 == 0o755
    old = os.umask(0o027)
    try:
        grade(klass / "class" / "s01.yaml", "--csv", tmp_path / "b.csv", "--xlsx", tmp_path / "b.xlsx",
              "--report", tmp_path / "r.html")
    finally:
        os.umask(old)
    for name in ("b.csv", "b.xlsx", "r.html"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name


# ------------------------------------------------------------------ hand-back

def test_one_feedback_pdf_per_student_named_by_a_safe_id(run):
    _, out = run
    names = sorted(p.name for p in (out / "pdfs").iterdir())
    hostile = [n for n in names if n.startswith("_img")]
    assert len(names) == 4 and {"s01.pdf", "s02.pdf"} <= set(names)         # graded sheets only
    assert len(hostile) == 1 and re.fullmatch(r"_img_src_x_onerror_alert_1__-[0-9a-f]{8}\.pdf", hostile[0])
    assert all((out / "pdfs" / n).read_bytes().startswith(b"%PDF") for n in names)
    from pypdf import PdfReader
    text = PdfReader(out / "pdfs" / "s02.pdf").pages[0].extract_text()
    assert "s02" in text and "s01" not in text                               # one student per file
    assert "1.5 / 22" in text
    from grader.assignment import ClassSheet
    from grader.pdf import feedback_document
    assert "李四" in feedback_document([ClassSheet("s02", "s02.json", [], name="李四")], "en")   # the roster name


# ------------------------------------------------------------------ class report

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> tuple[Page, str]:
    html = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    return page, html


def test_class_report_is_self_contained_and_escaped(run):
    _, out = run
    page, html = parse(out / "report.html")
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert not re.search(r"(src|href)=\"?https?:", html)                     # nothing fetched
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    svgs = [a for t, a in page.tags if t == "svg"]
    assert any("histogram" in a.get("class", "") for a in svgs)
    assert len([a for t, a in page.tags if t == "rect" and a.get("class") == "bar"]) == 10
    assert len([a for a in svgs if "stack" in a.get("class", "")]) == 11     # 9 + 1 + 1 parts
    text = " ".join(page.text)
    assert "Homework 3" in text and "s06.yaml" in text and "赵六" in text     # unreadable, missing
    assert "4,608" in text and "the bias is forgotten" in text              # the common wrong answer, named
    review = html.split("Waiting for review")[1].split("<h2>")[0]
    assert "s01" in review and "24.7 / answer" in review and "n-grams" in review


def test_class_statistics_by_hand():
    from grader.class_report import discrimination, histogram_bins
    assert discrimination([1.0, 1.0, 0.0], [3.0, 2.0, 1.0]) == 1.0
    assert discrimination([1.0, 0.0, 0.0, 1.0, 1.0, 0.0], [6, 5, 4, 3, 2, 1]) == 0.0   # upper 1,0 vs lower 1,0
    assert discrimination([1.0, 0.0], [2, 1]) is None
    assert histogram_bins([0, 5, 10, 9.99], 10, 4) == [1, 0, 1, 2]


def _png_pixels_vary(png: bytes) -> bool:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat))) > 10


@pytest.mark.skipif(not shutil.which("chromium"), reason="no chromium")
@pytest.mark.slow
def test_chinese_report_renders_in_headless_chromium(klass, tmp_path):
    report = tmp_path / "r.html"
    result = grade(klass / "class", "--assignment", klass / "hw3.yaml", "--roster", klass / "roster.csv",
                   "--report", report, "--lang", "zh")
    assert result.exit_code == 2
    page, html = parse(report)
    assert "班级报告 — 第三次作业" in html and 'lang="zh-CN"' in html
    png, log = screenshot(report, tmp_path / "shot.png")
    assert len(png) > 10_000 and _png_pixels_vary(png)
    assert ":CONSOLE" not in log                                             # no console message at all
    noisy = tmp_path / "noisy.html"                                          # the check sees one when there is
    noisy.write_text("<html><body><script>console.error('boom')</script></body></html>", encoding="utf-8")
    assert ":CONSOLE" in screenshot(noisy, tmp_path / "noisy.png")[1]


def screenshot(page: Path, shot: Path) -> tuple[bytes, str]:
    done = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=900,1200",
                           "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", page.as_uri()],
                          capture_output=True, text=True, timeout=60, check=False)
    assert shot.exists(), done.stderr[-2000:]
    return shot.read_bytes(), done.stderr


@pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("fc-list")
                    or not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip(),
                    reason="no chromium or no CJK font installed")
@pytest.mark.slow
def test_chinese_in_the_reports_fonts_is_not_tofu(tmp_path):
    from grader.class_report import FONT
    pages = {}
    for name, text in (("zh", "班级报告成绩分布"), ("tofu", "\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007")):
        page = tmp_path / f"{name}.html"
        page.write_text(f'<html><body><p style="font: 48px {FONT}">{text}</p></body></html>', encoding="utf-8")
        pages[name] = screenshot(page, tmp_path / f"{name}.png")[0]
    assert pages["zh"] != pages["tofu"]                                      # real glyphs, not eight empty boxes


@pytest.mark.parametrize("mask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775),
                                                       (0o077, 0o600, 0o700)])
def test_atomic_outputs_take_the_umask(tmp_path, mask, file_mode, dir_mode):
    from solver.render.atomic import atomic_folder, atomic_write
    old = os.umask(mask)
    try:
        atomic_write(tmp_path / "f.csv", "x")
        with atomic_folder(tmp_path / "d") as tmp:
            (tmp / "a.json").write_text("{}")
    finally:
        os.umask(old)
    assert (tmp_path / "f.csv").stat().st_mode & 0o777 == file_mode
    assert (tmp_path / "d").stat().st_mode & 0o777 == dir_mode
    assert (tmp_path / "d" / "a.json").stat().st_mode & 0o777 == file_mode


def test_a_replaced_output_keeps_its_mode(tmp_path):
    from solver.render.atomic import atomic_write
    target = tmp_path / "book.csv"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640


def test_the_assignment_sets_variants_and_language(klass, tmp_path):
    from solver.variants import seed_for_student
    (tmp_path / "a.yaml").write_text('lang: zh\nvariants: true\nexercises: [hw-q3, "24.4"]\n', encoding="utf-8")
    result = grade(klass / "class" / "s02.json", "--assignment", tmp_path / "a.yaml", "--format", "json")
    s02 = records(result)["s02"]
    assert s02["seed"] == seed_for_student("s02")                            # as --variants
    assert "未作答习题 24.4：1 分得 0 分。" in s02["notes"]                     # as --lang zh
    result = grade(klass / "class" / "s02.json", "--assignment", tmp_path / "a.yaml", "--format", "json",
                   "--lang", "en")
    assert "Exercise 24.4 is not answered: 0/1." in records(result)["s02"]["notes"]


def test_pdf_dir_is_replaced_whole_but_never_a_folder_of_other_files(klass, tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "old.pdf").write_bytes(b"%PDF-old")                             # ours from an earlier run
    result = grade(klass / "class" / "s01.yaml", "--pdf-dir", folder)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["s01.pdf"]
    (folder / "notes.txt").write_text("the teacher's notes")
    result = grade(klass / "class" / "s01.yaml", "--pdf-dir", folder)
    assert result.exit_code == 2 and f"cannot write {folder}" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "s01.pdf"]      # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pdfs"]                     # no temporary folder left
