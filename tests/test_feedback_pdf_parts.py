"""``grade CLASS --pdf all.pdf`` for a large class (issue 16/13): typeset in parts of at most
``grader.pdf.PART_STUDENTS`` students, each part in a process of its own, joined with pypdf
(:func:`solver.render.booklet.typeset_in_parts`). The joined PDF reads as the one-piece PDF does — the same pages,
page numbers running on, each student starting on a new page with their id and name, the same bookmarks — and a
part that cannot be typeset is one error line, exit 2, and no file (an earlier one left as it was)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from _deadline import deadline
from _pdfs import bookmarks
from grader.cli import main as grade_main

NAMES = {"s00": "张三", "s01": "Ada Lovelace", "s02": "李四", "s03": "", "s04": "王五", "s05": "Grace",
         "s06": "赵六"}
ANSWERS = [{"hw-q3": {"shape": "32×28×28", "params": "4,640"}, "24.4": {"output": "[7, -6, 8, -2, 5]"}},
           {"hw-q3": {"shape": "32×30×30", "params": "4,608"}, "24.4": {"output": "[7, -6, 8, -2, 4]"}},
           {"hw-q3": {"shape": "32×28×28", "params": "??"}}]
MOST = 3                                     # parts of 3, 3 and 1 students


def grade(*args, seconds: float = 180):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("parts")
    folder = base / "class"
    folder.mkdir()
    for i, sid in enumerate(NAMES):
        data = {"student": sid, "answers": ANSWERS[i % 3]}
        (folder / f"{sid}.json").write_text(json.dumps(data), encoding="utf-8")
    roster = "学号,姓名\n" + "".join(f"{s},{n}\n" for s, n in NAMES.items())
    (base / "roster.csv").write_text(roster, encoding="utf-8")
    return base


def run(klass: Path, out: Path, lang: str, most: int, monkeypatch) -> tuple[object, list]:
    """``grade --pdf`` with parts of ``most`` students; returns the result and the calls of a worker process."""
    import grader.pdf as P
    import solver.render.booklet as B
    calls: list = []
    own = B._in_own_process

    def spy(function, *args):
        calls.append(function.__name__)
        return own(function, *args)
    monkeypatch.setattr(P, "PART_STUDENTS", most)
    monkeypatch.setattr(B, "_in_own_process", spy)
    result = grade(klass / "class", "--roster", klass / "roster.csv", "--pdf", out, "--lang", lang,
                   "--format", "json")
    return result, calls


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.slow
def test_a_class_in_parts_reads_as_the_one_piece_pdf(klass, tmp_path, monkeypatch, lang):
    one_result, one_calls = run(klass, tmp_path / "one.pdf", lang, 100, monkeypatch)
    assert one_result.exit_code == 0, one_result.stderr
    assert one_calls == []                                          # a small class: one piece, as before
    result, calls = run(klass, tmp_path / "parts.pdf", lang, MOST, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert calls == ["_compile"] * 3 + ["_join"]                    # 3 + 3 + 1 students, then the join
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.pdf", "parts.pdf"]     # nothing else left
    one, parts = PdfReader(tmp_path / "one.pdf"), PdfReader(tmp_path / "parts.pdf")
    texts = [page.extract_text() for page in parts.pages]
    assert len(texts) == len(one.pages)                             # each student on new pages, as in one piece
    assert [t.strip().splitlines()[-1].strip() for t in texts] == [str(i + 1) for i in range(len(texts))]
    marks = bookmarks(parts)
    assert marks == bookmarks(one)                                  # titles, nesting and pages
    starts = [(title, page) for depth, title, page in marks if depth == 0]
    assert [t.split(" ")[0] for t, _ in starts] == list(NAMES)      # a bookmark per student, in order
    for (title, page), (sid, name) in zip(starts, NAMES.items()):
        assert title.startswith(f"{sid} {name}".strip() + " — ")
        first = texts[page]
        assert re.search(rf"^{sid}\b", first, re.M) and name in first, (sid, first[:200])
        if page:                                                    # the page before is the previous student's
            assert sid not in texts[page - 1]
    assert [p for _, p in starts] == sorted({p for _, p in starts})
    fonts = {str(f["/BaseFont"]) for page in parts.pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert any(re.search(r"CJK|Han|WenQuanYi", f) for f in fonts), fonts      # Chinese names in a CJK font


@pytest.mark.parametrize("how", ["typst error", "process dies"])
def test_a_part_that_cannot_be_typeset_is_one_line_exit_2_and_no_file(klass, tmp_path, monkeypatch, how):
    import os
    import grader.pdf as P
    import solver.render.booklet as B
    section = P.feedback_section
    if how == "typst error":
        def broken(result, lang):
            lines = section(result, lang)
            return lines + ["#this-function-does-not-exist()"] if result.student == "s04" else lines   # 2nd part
        monkeypatch.setattr(P, "feedback_section", broken)
    else:
        own, seen = B._in_own_process, []

        def dies(function, *args):               # the second part's process ends at once, writing nothing
            seen.append(function)
            return own(os._exit, 9) if len(seen) == 2 else own(function, *args)
        monkeypatch.setattr(B, "_in_own_process", dies)
    out = tmp_path / "all.pdf"
    out.write_bytes(b"%PDF-an earlier run")
    result, calls = run(klass, out, "en", MOST, monkeypatch)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and str(out) in errors[0] and "could not be typeset" in errors[0], result.stderr
    assert ("unknown variable" if how == "typst error" else "ended with code 9") in errors[0], errors[0]
    assert "Traceback" not in result.stderr
    assert calls == ["_compile", "_compile"]                        # the first part typeset, the second failed
    assert out.read_bytes() == b"%PDF-an earlier run"               # not replaced, not partly written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf"]


def test_students_are_grouped_whole_and_lazily():
    from solver.render.booklet import group_units
    units = [["= #\"a\"", "x" * 10], ["= #\"b\""], ["= #\"c\"", "y" * 30], ["= #\"d\""], ["= #\"e\""]]
    assert [len(g) for g in group_units(iter(units), 10**6, 2)] == [2, 2, 1]
    assert [len(g) for g in group_units(units, 25, None)] == [2, 1, 2]           # c alone: larger than the limit
    assert [u for g in group_units(units, 1, 3) for u in g] == units

    def endless():
        n = 0
        while True:
            n += 1
            yield [str(n)]
    groups = group_units(endless(), 10**6, 4)
    assert next(groups) == [["1"], ["2"], ["3"], ["4"]] and next(groups)[0] == ["5"]
