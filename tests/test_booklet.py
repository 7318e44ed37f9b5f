"""Booklets typeset in parts (solver/render/booklet.py): the joined PDF reads as one document — page numbers run
on, the contents give each exercise's page and link there, the bookmarks are those of the one-piece booklet — and
a verified booklet is solved in a process of its own (PyTorch never alive beside Typst)."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from _pdfs import bookmarks

from solver.bank import load_exercise
from solver.cli import main
from solver.pipeline import solve_exercise
from solver.render import booklet as B
from solver.render.typst import compile_pdf, find_cjk_fonts

IDS = ["24.4", "hw-q2", "24.1", "d2l-6.2-wx1", "lenet"]


@pytest.fixture(scope="module")
def plan():
    return B.plan([solve_exercise(load_exercise(i), verify=False) for i in IDS], "en")


def test_parts_never_split_an_exercise_and_keep_to_the_limit(plan):
    sizes = [sum(len(line) + 1 for line in unit) for unit in plan.units]
    groups = B.parts(plan, limit=max(sizes) + 1)
    assert [u for g in groups for u in g] == plan.units
    assert all(sum(len(line) + 1 for u in g for line in u) <= max(sizes) + 1 for g in groups)
    assert len(B.parts(plan, limit=1)) == len(plan.units)          # each exercise alone
    assert len(B.parts(plan, limit=10**9)) == 1


@pytest.mark.slow
def test_booklet_in_parts_reads_as_one_document(plan, tmp_path):
    one = PdfReader(io.BytesIO(compile_pdf(plan.single(), "en")))
    out = tmp_path / "parts.pdf"
    B.write(str(out), plan, "en", limit=15_000)                     # several parts
    assert len(B.parts(plan, 15_000)) >= 3
    parts = PdfReader(out)
    texts = [page.extract_text() for page in parts.pages]
    # page numbers run on across the parts (the footer is each page's last line)
    assert [t.strip().splitlines()[-1].strip() for t in texts] == [str(i + 1) for i in range(len(texts))]
    assert len(one.pages) <= len(texts) <= len(one.pages) + len(B.parts(plan, 15_000))
    # the contents: each exercise at the page where its heading is, and a link to that page
    contents = "\n".join(texts[1:3])
    printed = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+) · .*?(\d+)$", contents, re.M)}
    assert set(printed) == set(IDS)
    for ex_id, page in printed.items():
        assert re.search(rf"^{re.escape(ex_id)} · ", texts[page - 1], re.M), (ex_id, page)
    index = {page.indirect_reference.idnum: i for i, page in enumerate(parts.pages)}
    targets, uris = set(), []
    for page in parts.pages[:3]:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            if action.get("/S") == "/URI":
                uris.append(action["/URI"])
            elif action.get("/S") == "/GoTo":
                targets.add(index[action["/D"][0].idnum] + 1)
    assert uris == [] and set(printed.values()) <= targets
    # the bookmarks: the same titles and nesting as the one-piece booklet, each on its heading's page
    marks, marks_one = bookmarks(parts), bookmarks(one)
    assert [(d, t) for d, t, _ in marks] == [(d, t) for d, t, _ in marks_one]
    for depth, title, page in marks:
        if depth == 1:
            assert title.split(" · ")[0] in texts[page], title


@pytest.mark.skipif(not find_cjk_fonts(), reason="no CJK font on this machine (Debian: fonts-noto-cjk)")
@pytest.mark.slow
def test_chinese_booklet_in_parts(tmp_path):
    plan = B.plan([solve_exercise(load_exercise(i), verify=False) for i in IDS[:3]], "zh")
    out = tmp_path / "zh.pdf"
    B.write(str(out), plan, "zh", limit=10_000)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for needle in ("目录", "一维卷积", "解答思路", "答案"):
        assert needle in text, needle


@pytest.mark.slow
def test_a_verified_booklet_is_solved_in_a_process_of_its_own(tmp_path):
    """PyTorch is imported only by the solving process, which has ended before the typesetting."""
    out = tmp_path / "b.pdf"
    code = ("import sys\nfrom solver.render.booklet import solve_and_write\n"
            f"oks = solve_and_write({str(out)!r}, ('hw-q2', 'hw-q3'), False, 'en', True, None, ())\n"
            "print(oks, 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[True,", "True]", "False"]
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "PyTorch" in text and "hw-q3" in text


def test_an_error_in_the_solving_process_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["pdf", "no-such-exercise", "hw-q2", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2, result.output
    assert "no-such-exercise" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_titles_that_look_like_typst_are_contents_entries_verbatim(tmp_path):
    """Headings are read back from the Typst lines to fill the contents; quotes, backslashes and markup survive."""
    import json
    from solver.bank import load_file
    titles = ['#read("/etc/passwd")', '"quoted" \\" #let a = 1', "] #pagebreak() [ <label> @ref", "tab\there \\u{41}"]
    sols = []
    for i, title in enumerate(titles):
        path = tmp_path / f"e{i}.yaml"
        path.write_text(f"id: evil-{i}\nkind: network\ntitle: {json.dumps(title)}\nstatement: x\n"
                        "given: {input_shape: [1, 8, 8], layers: [{type: Conv2d, out_channels: 2, kernel_size: 3}]}\n"
                        "ask: [{id: s, quantity: output_shape}]\n", encoding="utf-8")
        sols.append(solve_exercise(load_file(path), verify=False))
    out = tmp_path / "evil.pdf"
    B.write(str(out), B.plan(sols, "en"), "en", limit=1)                   # one part per exercise
    reader = PdfReader(out)
    marks = [t for _, t, _ in bookmarks(reader) if t.startswith("evil-")]
    assert marks == [f"evil-{i} · {t}" for i, t in enumerate(titles)]
    assert "root:" not in "".join(page.extract_text() for page in reader.pages)
