"""The Python API (solver.api, grader.api) and what notebooks see: objects that display themselves, the
language from the locale, ``python -m solver``/``grader``, ``--version``."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def test_solve_returns_an_object_with_answers_and_display_hooks():
    from solver import solve
    r = solve("24.4", lang="zh", verify=False)
    assert r.answers == {"output": [7, -6, 8, -2, 5]} and r.ok and r.id == "24.4"
    md = r._repr_markdown_()
    assert md.startswith("## 24.4 · 一维卷积") and "### 解答步骤" in md and "$$" in md and "综上" in md
    html = r._repr_html_()
    assert "<h2>" in html and "<h3>解答步骤</h3>" in html and "$$" in html    # maths left for MathJax
    assert "<script" not in html and "<svg" in html and "&lt;svg" not in html     # the figure drawn, not shown as text
    assert "第1步：" in r.text() and r.to_dict()["answers"] == r.answers
    assert repr(r) == "<SolveResult 24.4 (zh): 1 answers, ok=True>"


def test_solve_file_and_errors(tmp_path):
    from solver import solve, solve_file
    from solver.errors import InputError
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\nkind: network\ngiven: {input_shape: [1, 8, 8], layers: [{type: Conv2d, out_channels: 2,"
                    " kernel_size: 3}]}\nask: [{id: p, quantity: params}]\n", encoding="utf-8")
    r = solve_file(path, lang="en", verify=False)
    assert r.answers == {"p": 20} and "number of parameters: 20" in r.markdown()
    with pytest.raises(InputError):
        solve("no-such-exercise")
    with pytest.raises(ValueError):
        solve("24.4", lang="fr")


def test_grade_returns_an_object_that_displays(tmp_path):
    from grader import grade
    path = tmp_path / "s.yaml"
    path.write_text("student: s07\nanswers:\n  hw-q3: {params: 4640, macs: 7225344}\n", encoding="utf-8")
    r = grade(path, lang="zh")
    verdicts = {p.part: p.verdict for p in r.parts}
    assert r.student == "s07" and verdicts["params"] == "correct" and verdicts["macs"] != "correct"
    md = r._repr_markdown_()
    assert md.startswith("**s07**") and "| hw-q3 | params |" in md and "习题" in md
    assert "<table>" in r._repr_html_() and r.to_dict()["student"] == "s07"
    import grader.grade as module                          # the module stays a module for the grader's own code
    assert callable(module.grade_sheet)


def test_language_follows_the_locale_unless_given(monkeypatch):
    from solver.cli import main
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    zh = CliRunner().invoke(main, ["exercise", "24.4", "--no-verify"])
    assert "解答步骤" in zh.stdout
    en = CliRunner().invoke(main, ["exercise", "24.4", "--no-verify", "--lang", "en"])
    assert "Steps" in en.stdout and "解答步骤" not in en.stdout
    assert CliRunner().invoke(main, ["list"]).stdout.startswith("编号")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert "Steps" in CliRunner().invoke(main, ["exercise", "24.4", "--no-verify"]).stdout
    from solver import solve
    assert solve("24.4", verify=False).lang == "en"


def test_version_and_python_m():
    import solver
    env = {**os.environ, "LANG": "C.UTF-8"}
    for module, prog in (("solver", "solve"), ("grader", "grade")):
        out = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True, env=env,
                             cwd=ROOT, timeout=60)
        assert out.returncode == 0 and out.stdout.strip() == f"{prog} (cnn-exercises) {solver.__version__}"
    out = subprocess.run([sys.executable, "-m", "solver", "list", "--format", "json"], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=60)
    assert out.returncode == 0 and json.loads(out.stdout.splitlines()[0])["id"]


@pytest.mark.slow
def test_a_notebook_displays_solutions_and_grades(tmp_path):
    """A small notebook run by a local kernel (no network): the cells' outputs carry Markdown and HTML."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    answers = tmp_path / "a.yaml"
    answers.write_text("student: s01\nanswers:\n  hw-q3: {params: 4640}\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                                          "from solver import solve\nsolve('24.8', lang='zh', verify=False)"),
                nbformat.v4.new_code_cell(f"from grader import grade\ngrade({str(answers)!r}, lang='en')")]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    solved = nb.cells[0].outputs[0]["data"]
    assert "综上" in solved["text/markdown"] and "\\begin{cases}" in solved["text/markdown"]
    assert "<h3>解答步骤</h3>" in solved["text/html"]
    graded = nb.cells[1].outputs[0]["data"]
    assert "| hw-q3 | params |" in graded["text/markdown"] and "correct" in graded["text/markdown"]


def test_a_hostile_answer_stays_text_in_the_notebook_display(tmp_path):
    from grader import grade
    path = tmp_path / "h.yaml"
    path.write_text('student: "<b>s</b>"\nanswers:\n  hw-q3: {params: "<img src=x onerror=alert(1)>"}\n',
                    encoding="utf-8")
    html = grade(path, lang="en")._repr_html_()
    assert "<img" not in html and "<b>" not in html and "&lt;img" in html
