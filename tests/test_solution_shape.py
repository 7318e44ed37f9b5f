"""The shape of a solution as a reader meets it (issue 14): 第1步/Step 1 titles, a closing 综上/In summary in
the question's words with units, no raw sympy, the book's definitions cited, conventions once per booklet,
source labels by source kind, Chinese list headers and source names."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from solver.bank import load_exercise
from solver.cli import main
from solver.pipeline import solve_exercise


def _run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_steps_are_numbered_as_steps_and_the_solution_ends_with_a_conclusion():
    zh = _run("exercise", "hw-q3", "--lang", "zh", "--no-verify")
    assert "第1步：约定" in zh and "\n   2.1. " in zh           # sub-steps keep their 2.1. numbers
    summary = zh[zh.index("综上："):zh.rindex("\n验证")]
    assert "网络“3×3 卷积”的参数量：4,640 个" in summary
    assert "网络“3×3 卷积”的乘加次数（MACs）：3,612,672 次" in summary
    assert not re.search(r"\b(params|macs_1x1|shape)\b", summary)          # no part ids
    en = _run("exercise", "hw-q2", "--lang", "en", "--no-verify")
    assert "Step 1: Conventions" in en and "In summary:" in en
    assert "• receptive field after layer 2: 5×5 input pixels" in en


def test_no_raw_sympy_reaches_a_reader():
    for lang in ("en", "zh"):
        for fmt in ("text", "markdown"):
            out = _run("exercise", "24.8", "--lang", lang, "--format", fmt, "--no-verify")
            for raw in ("Piecewise", "(0, True)", ">=", "&gt;", "&amp;") + (("\\0",) if fmt == "text" else ()):
                assert raw not in out, (lang, fmt, raw)
    zh = _run("exercise", "24.8", "--lang", "zh", "--no-verify")
    assert "若" in zh and "否则" in zh and "otherwise" not in zh
    assert "∂L/∂W = δ * X = corr(δ, X)" in zh                    # kernel first, as in Li Hang's notation
    md = _run("exercise", "24.8", "--lang", "zh", "--format", "markdown", "--no-verify")
    assert "\\begin{cases}" in md and "\\text{否则}" in md
    from solver.render.typst import document
    src = document([solve_exercise(load_exercise("24.8"), verify=False)], "zh")
    assert "Piecewise" not in src and "cases(" in src


def test_booleans_and_matrices_in_words():
    zh = _run("exercise", "24.3", "--lang", "zh", "--no-verify")
    assert "⇒ 不成立" in zh and "⇒ false" not in zh and "valid  false" not in zh
    zh8 = _run("exercise", "24.8", "--lang", "zh", "--no-verify")
    assert "[6×9 矩阵]" in zh8 and "matrix]" not in zh8


def test_sources_are_labelled_by_kind_and_cited():
    book = _run("exercise", "24.4", "--lang", "zh", "--no-verify")
    task = _run("exercise", "hw-q3", "--lang", "zh", "--no-verify")
    assert "书中答案 [" in book and "原题答案 [" in task and "原书答案" not in book + task
    assert "依据李航《机器学习方法》：定义 24.1（机器学习卷积）。" in book
    assert "This follows Dive into Deep Learning: section 6.3 (padding and stride)." in _run(
        "exercise", "d2l-6.3-ex1", "--no-verify")
    assert "依据" not in task                                     # nothing cited: nothing said


def test_a_bad_cites_field_is_an_input_error(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("id: c\nkind: network\ncites: 5\ngiven: {input_shape: [1, 4, 4], layers: []}\n"
                    "ask: [{id: s, quantity: output_shape}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["file", str(path), "--no-verify"])
    assert result.exit_code == 2 and "cites" in result.stderr


def test_list_in_chinese_and_source_names():
    out = _run("list", "--lang", "zh").splitlines()
    assert out[0].split() == ["编号", "类型", "出处", "标题"]
    line = next(r for r in out if r.startswith("d2l-6.3-ex1 "))
    assert "《动手学深度学习》 6.3 练习 1" in line
    rows = [json.loads(r) for r in _run("list", "--format", "json").splitlines()]
    assert not [r for r in rows if "seed" in r["source"] or "D2L-style" in r["source"]]
    assert next(r for r in rows if r["id"] == "mnist-cnn")["source"] == "Course notes MNIST CNN"


def test_a_booklet_states_the_conventions_once():
    from solver.render.typst import document
    sols = [solve_exercise(load_exercise(i), verify=False) for i in ("hw-q2", "hw-q3", "24.4")]
    src = document(sols, "zh", booklet=True)
    assert src.count("全书约定") == 1 and src.count("约定与记号") == 0
    assert src.count("层从 1 开始编号") == 1                 # the shared clause, once
    assert '= #"李航《机器学习方法》第 24 章"' in src and '= #"课程作业 · CNN"' in src
    single = document(sols[:1], "zh")
    assert single.count("层从 1 开始编号") == 1 and "全书约定" not in single


def test_matrices_in_statements_are_typeset():
    from solver.render.markdown import render
    from solver.render.typst import document
    sol = solve_exercise(load_exercise("d2l-6.2-wx1"), verify=False)
    md = render(sol, "en", verified=False)
    assert "X = $\\begin{bmatrix}0 & 1 & 2 \\\\ 3 & 4 & 5 \\\\ 6 & 7 & 8\\end{bmatrix}$" in md
    assert 'mat(delim: "[", 0, 1; 2, 3)$' in document([sol], "zh")
    from solver.render.common import split_matrices
    assert split_matrices("[[1, 2], [3]] and [a, b]") == [("[[1, 2], [3]] and [a, b]", None)]   # ragged, words: text
