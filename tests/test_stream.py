"""Grading a class as a stream (issues 13 and 16): identical answers graded once (the verdicts equal those of
grading every answer), compact rows giving the same gradebooks as full ones, bounded tallies, the JSON Lines
output written as files are graded and landing whole, and a streamed run's gradebook and report equal to those
``grade merge`` builds from its records (full rows, another code path).

hw-q3: shape 32×28×28, params 4,640 (4,608: the bias forgotten, 0.5), MACs 3,612,672 (4,147,200 follows from
a wrong 32×30×30: follow-through, 0.5); 24.4: output
(7, -6, 8, -2, 5); 24.8 dy_dw is x_{k+m-1, l+n-1}.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main

ANSWERS = [   # (shape, params, macs, 24.4 output, 24.8 dy_dw): right, typical mistakes, follow-through, junk
    ("32×28×28", "4,640", "3,612,672", "[7, -6, 8, -2, 5]", "x_{k+m-1, l+n-1}"),
    ("32×30×30", "4,608", "4,147,200", "[7, -6, 8, -2, 4]", "x_{k+m, l+n}"),
    ("28×28×32", "4640", "3.61M", "7 -6 8 -2 5", "w_{k+m-1, l+n-1}"),
    ("32×26×26", "4,608", "3,115,008", "[7, -6, 8, -2, 5]", "x_{k+m-1, l+n-1}"),
    ("32×28×28", "??", "3612672", "(7, -6, 8, -2, 5)", "??"),
]


def grade(*args, seconds: float = 120):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


def write_class(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        shape, params, macs, out, dy = ANSWERS[i % len(ANSWERS)] if i % 7 else ANSWERS[(i // 7) % len(ANSWERS)]
        data = {"student": f"s{i:02}", "answers": {"hw-q3": {"shape": shape, "params": params, "macs": macs},
                                                   "24.4": {"output": out}, "24.8": {"dy_dw": dy}}}
        (folder / f"s{i:02}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_memoised_verdicts_equal_grading_every_answer(tmp_path):
    import grader.grade as G
    from grader.answers import read_sheet
    from grader.report import to_dict
    write_class(tmp_path, 20)
    files = sorted(tmp_path.iterdir())

    def run(memo: bool) -> list[dict]:
        G.set_memo(memo)
        try:
            return [to_dict(G.grade_sheet(read_sheet(f), other_seeds=(3, 11)), "en") for f in files]
        finally:
            hits = G.memo_stats["hits"]
            G.set_memo(True)
            run.hits = hits
    without = run(False)
    assert run.hits == 0
    with_memo = run(True)
    assert run.hits >= 40                     # 20 students, 4 answers each from 5 rows: most are repeats
    assert with_memo == without
    follow = [r for rec in with_memo for r in rec["results"] if r["mistake"] == "follow_through"]
    assert follow and all(r["verdict"] == "partial" for r in follow)   # 4,147,200 from their own 32×30×30
    right = [r for rec in with_memo for r in rec["results"] if r["part"] == "macs" and r["answer"] == "3,612,672"]
    assert right and all(r["verdict"] == "correct" for r in right)


def test_a_memoised_result_is_a_copy():
    from grader.gold import gold_for
    from grader.grade import clear_memo, grade_part_memo
    clear_memo()
    gold = gold_for("hw-q3")
    first = grade_part_memo(gold, "params", "4,608")
    first.verdict, first.feedback = "correct", []                        # what follow-through may do
    again = grade_part_memo(gold, "params", "4,608")
    assert (again.verdict, again.score, again.mistake) == ("partial", 0.5, "bias_forgotten") and again.feedback


def test_compact_rows_give_the_gradebooks_of_full_rows(tmp_path):
    from grader.answers import read_sheet
    from grader.assignment import assignment_from_text
    from grader.compact import compact
    from grader.grade import grade_sheet
    from grader.gradebook import build_class, gradebook_text
    from grader.teacher import class_sheet
    write_class(tmp_path, 8)
    hw = assignment_from_text('exercises: [hw-q3, {id: "24.4", points: 5}]\n', "hw.yaml")
    for assignment in (None, hw):
        full = [class_sheet(grade_sheet(read_sheet(f)), assignment, None) for f in sorted(tmp_path.iterdir())]
        small = [compact(r) for r in full]
        assert all(p.answer == "" and not p.feedback for r in small for p in r.parts)
        for fmt in ("plain", "canvas", "moodle"):
            assert gradebook_text(build_class(small, [], None, assignment), fmt) == \
                gradebook_text(build_class(full, [], None, assignment), fmt)


def test_wrong_answer_tallies_are_bounded(monkeypatch):
    import grader.compact as C
    from grader.grade import PartResult
    from types import SimpleNamespace
    monkeypatch.setattr(C, "MAX_DISTINCT", 3)
    monkeypatch.setattr(C, "MAX_REVIEW", 2)
    stats = C.ClassStats()
    answers = ["4608"] * 5 + [str(n) for n in range(50)] + ["4608"] * 2
    for i, a in enumerate(answers):
        stats.add(SimpleNamespace(file=f"f{i}", student=f"s{i}", name="", parts=[
            PartResult("hw-q3", "params", "partial", 0.5, 1, a, [], "bias_forgotten"),
            PartResult("hw-q3", "explain", "needs_review", 0, 1, "because", [])]))
    counter = stats.wrong[("hw-q3", "params")]
    assert counter == {"4608": 7, "0": 1, "1": 1} and stats.others[("hw-q3", "params")] == 48
    assert len(stats.review) == 2 and stats.review_more == len(answers) - 2


def test_stream_outputs_equal_merge_of_its_records(tmp_path):
    klass = tmp_path / "class"
    write_class(klass, 10)
    (klass / "s99.json").write_text("{oops", encoding="utf-8")                   # one unreadable file
    out = tmp_path / "out"
    run = grade(klass, "--format", "json", "--lang", "en", "--jsonl", out / "run.jsonl", "--csv", out / "run.csv",
                "--report", out / "run.html", "--gradescope", out / "gs", "--jobs", "2")
    assert run.exit_code == 2, run.output
    records = (out / "run.jsonl").read_text(encoding="utf-8")
    assert records == run.stdout and len(records.splitlines()) == 11
    assert sorted(p.name for p in (out / "gs").iterdir()) == [f"s{i:02}" for i in range(10)] + ["s99"]
    merged = grade("merge", out / "run.jsonl", "--lang", "en", "--csv", out / "m.csv", "--report", out / "m.html")
    assert merged.exit_code == 2
    assert (out / "m.csv").read_bytes() == (out / "run.csv").read_bytes()
    assert (out / "m.html").read_text(encoding="utf-8") == (out / "run.html").read_text(encoding="utf-8")
    assert "32×30×30" in (out / "run.html").read_text(encoding="utf-8")        # a common wrong answer, tallied
    assert not [p for p in out.iterdir() if p.name.startswith(".")]              # no temporary file left


def test_jsonl_lands_whole_or_not_at_all(tmp_path, monkeypatch):
    import grader.stream as S
    klass = tmp_path / "class"
    write_class(klass, 4)
    target = tmp_path / "run.jsonl"
    target.write_text("old\n", encoding="utf-8")
    real, seen = S._emit, []

    def fails_on_the_third(*args, **kwargs):
        seen.append(1)
        if len(seen) == 3:
            raise OSError(28, "No space left on device", str(target))
        return real(*args, **kwargs)
    monkeypatch.setattr(S, "_emit", fails_on_the_third)
    run = grade(klass, "--format", "json", "--jsonl", target)
    assert run.exit_code == 2 and "No space left on device" in run.stderr and "Traceback" not in run.output
    assert target.read_text(encoding="utf-8") == "old\n"                        # the old content, whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    unwritable = grade(klass, "--jsonl", tmp_path / "run.jsonl" / "x.jsonl")
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.stderr and "Traceback" not in unwritable.output


@pytest.mark.parametrize("address", ["local:x", "local:0"])
def test_a_bad_dask_address_is_one_line(tmp_path, address):
    pytest.importorskip("distributed")
    write_class(tmp_path / "c", 2)
    run = grade(tmp_path / "c", "--dask", address)
    assert run.exit_code == 2 and "local:N" in run.stderr and "Traceback" not in run.output


def test_a_streamed_class_keeps_compact_rows_only(tmp_path, monkeypatch):
    """The gradebooks are built from compact rows, --xlsx too (its per-part texts read back from the spill
    file): the workbook holds what one built from the whole graded sheets holds."""
    import io
    import grader.gradebook as gradebook
    from openpyxl import load_workbook
    from grader.answers import read_sheet
    from grader.compact import CompactSheet
    from grader.grade import grade_sheet
    from grader.teacher import class_sheet
    kept = []
    real = gradebook.build_class

    def spy(results, *args, **kwargs):
        kept.extend(results)
        return real(results, *args, **kwargs)
    monkeypatch.setattr(gradebook, "build_class", spy)
    write_class(tmp_path / "c", 6)
    run = grade(tmp_path / "c", "--format", "json", "--lang", "en", "--xlsx", tmp_path / "b.xlsx")
    assert run.exit_code == 0 and len(kept) == 6 and all(isinstance(r, CompactSheet) for r in kept)
    full = [class_sheet(grade_sheet(read_sheet(f)), None, None) for f in sorted((tmp_path / "c").iterdir())]
    for r in full:
        r.lang = "en"
    truth = gradebook.gradebook_xlsx(real(full, [], None, None), "en")

    def cells(book):
        return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    streamed = cells(load_workbook(tmp_path / "b.xlsx"))
    assert streamed == cells(load_workbook(io.BytesIO(truth)))
    assert any(row[4] == "4,608" and row[8] == "bias_forgotten" and "bias" in row[9] for row in streamed[1])


def test_the_parent_renders_what_workers_graded(tmp_path):
    """With --jobs 2 the parent writes the Gradescope results of sheets graded in the workers: the wording of
    diagnoses and of explanations' key points must be there in the parent too (a fresh process, not pytest's)."""
    import subprocess
    import sys
    (tmp_path / "c").mkdir()
    for student, answers in {"s08": {"hw-q3": {"params": "4640"}},
                             "s09": {"hw-q3": {"shape": "35×28×28", "params": "4647"},        # diagnosed: d.near
                                     "d2l-6.5-ex2-explain": {"answer": "Pooling adds no parameters."}}}.items():
        (tmp_path / "c" / f"{student}.json").write_text(json.dumps({"student": student, "answers": answers}),
                                                        encoding="utf-8")
    with deadline(120):
        done = subprocess.run([sys.executable, "-m", "grader", str(tmp_path / "c"), "--jobs", "2", "--format", "json",
                               "--gradescope", str(tmp_path / "gs"), "--xlsx", str(tmp_path / "b.xlsx")],
                              capture_output=True, text=True)
    assert "internal error" not in done.stderr and done.returncode == 0, done.stderr
    assert len(list((tmp_path / "gs").iterdir())) == 2
    assert "Close to the answer" in (tmp_path / "gs" / "s09" / "results.json").read_text(encoding="utf-8")


def test_the_review_list_follows_the_roster(tmp_path):
    """Files are graded in file order; the report lists the parts waiting for review in the roster's order (as the
    gradebooks list students), students not on the roster last, each student's parts in file order."""
    klass = tmp_path / "class"
    klass.mkdir()
    for student in ("a1", "b2", "c3", "z9"):
        (klass / f"{student}.yaml").write_text(
            f'student: {student}\nanswers:\n  "24.7": {{answer: "reviewed answer of {student}"}}\n', encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\nc3,Cee\nz9,Zed\na1,Ay\n", encoding="utf-8")    # b2 is not on the roster
    out = tmp_path / "report.html"
    result = grade(klass, "--roster", roster, "--report", out, "--lang", "en", "--format", "json")
    assert result.exit_code == 0, result.output
    review = out.read_text(encoding="utf-8").split("Waiting for review")[1].split("<h2>")[0]
    order = [review.index(f"reviewed answer of {s}") for s in ("c3", "z9", "a1", "b2")]
    assert order == sorted(order)


def test_feedback_pdfs_are_streamed_and_the_combined_one_is_built_from_the_spill(tmp_path, monkeypatch):
    """--pdf-dir: each student's PDF is in the folder being built before the run finishes, and only compact rows
    are kept; --pdf: the combined document is the one the whole graded sheets make, read back from the spill."""
    import grader.pdf as P
    import grader.stream as S
    from grader.answers import read_sheet
    from grader.compact import CompactSheet
    from grader.grade import grade_sheet
    from grader.teacher import class_sheet
    sources: list[str] = []

    def fake_compile(source: str, lang: str, font_paths=()) -> bytes:
        sources.append(source)
        return b"%PDF-" + str(len(sources)).encode()
    monkeypatch.setattr(P, "compile_pdf", fake_compile)
    seen: dict = {}
    finish = S._finish

    def spy(opts, results, failures, state, *rest):
        seen["rows"] = {type(r) for r in results}
        seen["written"] = sorted(p.name for p in state["pdf_dir"].tmp.iterdir())
        return finish(opts, results, failures, state, *rest)
    monkeypatch.setattr(S, "_finish", spy)
    klass = tmp_path / "class"
    write_class(klass, 6)
    out = tmp_path / "out"
    result = grade(klass, "--pdf-dir", out / "pdfs", "--pdf", out / "all.pdf", "--lang", "en", "--format", "json")
    assert result.exit_code == 0, result.output
    names = [f"s{i:02}.pdf" for i in range(6)]
    assert seen == {"rows": {CompactSheet}, "written": names}              # written while grading
    assert sorted(p.name for p in (out / "pdfs").iterdir()) == names
    full = []
    for f in sorted(klass.iterdir()):
        r = class_sheet(grade_sheet(read_sheet(f)), None, None)
        r.lang = "en"
        full.append(r)
    assert sources[-1] == P.feedback_document(full, "en")                   # the combined PDF's source
    assert (out / "all.pdf").read_bytes() == f"%PDF-{len(sources)}".encode()


@pytest.mark.parametrize("broken", [False, True])
def test_a_large_class_compiles_its_pdfs_in_jobs_workers(tmp_path, monkeypatch, broken):
    """With --jobs 2 and from 32 files Typst runs in two forked workers: every student's PDF lands, named as
    before; a PDF that cannot be made (no CJK font) is one error line and no folder, as without workers."""
    import grader.pdf as P
    from solver.errors import InputError

    def fake_compile(source: str, lang: str, font_paths=()) -> bytes:
        who = source.split("\n= ")[1].split(" ")[0]             # the heading: = #"s07" — …
        if broken and "s13" in who:
            raise InputError("Chinese text needs a CJK font (--font-path)")
        return f"%PDF-{who}".encode()
    monkeypatch.setattr(P, "compile_pdf", fake_compile)
    klass = tmp_path / "class"
    write_class(klass, 35)
    result = grade(klass, "--pdf-dir", tmp_path / "pdfs", "--jobs", "2", "--format", "json", "--lang", "en")
    if broken:
        assert result.exit_code == 2 and "needs a CJK font" in result.stderr
        assert not (tmp_path / "pdfs").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["class"]
        return
    assert result.exit_code == 0, result.stderr
    pdfs = sorted((tmp_path / "pdfs").iterdir())
    assert [p.name for p in pdfs] == [f"s{i:02}.pdf" for i in range(35)]
    assert all(f"s{i:02}" in p.read_text() for i, p in enumerate(pdfs))
