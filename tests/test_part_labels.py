"""Parts are named in the question's words: an ask entry's own ``label`` ({en, zh}) when it gives one, else what the
quantity says (the expression asked for, “Xavier 初始化下权重的方差”), else the part's number “(1)” — never its id.
The bank-wide check is ``tests/test_language_purity.py::test_parts_are_named_in_the_questions_words``."""
from __future__ import annotations

import re

import pytest

from solver.bank import load_exercise, load_file
from solver.errors import InputError
from solver.pipeline import solve_exercise
from solver.render.common import walk
from solver.render.summary import conclusion, part_labels

CONV = """\
id: label-demo
kind: convolution
title: {en: "Labels", zh: "标签"}
statement: {en: "Convolve.", zh: "做卷积。"}
given:
  values: {X: [[1, 2], [3, 4]], K: [[1]]}
ask:
  - {id: plain_id, quantity: value, expr: "corr(K, X)", label: %s}
  - {id: other_id, quantity: value, expr: "corr(K, T(X))"}
"""


def _solve_text(tmp_path, label: str):
    path = tmp_path / "label-demo.yaml"
    path.write_text(CONV % label, encoding="utf-8")
    return solve_exercise(load_file(path), verify=False)


def _shown(sol, lang: str) -> list[str]:
    return [s.title.render(lang) for _, _, s in walk(sol.steps)] + [i.label for i in conclusion(sol, lang)] \
        + list(part_labels(sol, lang).values())


def test_an_ask_entry_label_names_the_part_in_both_languages(tmp_path):
    sol = _solve_text(tmp_path, '{en: "the output", zh: "输出"}')
    zh, en = _shown(sol, "zh"), _shown(sol, "en")
    assert "所求：输出" in zh and "输出" in [i.label for i in conclusion(sol, "zh")]
    assert "Asked for: the output" in en
    assert "corr(K, T(X)) 的值" in zh and "The value of corr(K, T(X))" in en      # no label: the expression
    for text in zh + en:
        assert not re.search(r"plain_id|other_id", text), text


def test_a_label_that_is_not_text_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="label"):
        _solve_text(tmp_path, "[1, 2]")


def test_the_plan_of_a_convolution_lists_what_it_computes_in_chinese_punctuation():
    sol = solve_exercise(load_exercise("24.5"), verify=False)
    plan = sol.plan[1].render("zh")
    assert "W * X、W * rot90cw(X)、W * rot90(X)、rot90cw(W * X)、rot90(W * X)；" in plan
    assert ";" not in plan and "W * rot90cw(X) = W * X" not in plan          # an equation is compared, not computed
    assert "W * X; W * rot90cw(X)" in sol.plan[1].render("en")


def test_parts_of_an_explanation_are_numbered_as_the_statement_numbers_them():
    sol = solve_exercise(load_exercise("hw-q8"), verify=False)
    assert [s.title.render("zh") for s in sol.steps] == ["第 (1) 问", "第 (2) 问"]
    assert [s.title.render("en") for s in sol.steps] == ["Part (1)", "Part (2)"]
    assert [i.label for i in conclusion(sol, "zh")] == ["第 (1) 问", "第 (2) 问"]


@pytest.mark.parametrize("ex_id,lang,labels", [
    ("init-xavier-he-linear", "zh", ["Xavier 初始化下权重的方差", "Xavier 初始化下权重的标准差"]),
    ("lstm-cell-step", "zh", ["遗忘门 f_t", "输入门 i_t", "候选记忆 C̃_t"]),
    ("optim-adam-seed", "en", ["bias-corrected first moment after step 1"]),
    ("mlp-backprop", "zh", ["交叉熵损失 L", "梯度 ∂J/∂W²"]),
    ("rnn-lstm-params", "zh", ["按教材写法（每个门一个偏置）计算的参数量", "两种计法之差"]),
    ("dropout-expectation", "en", ["expectation after dropout, the kept units divided by 1 − p"]),
])
def test_quantities_without_words_in_the_file_are_named_from_the_catalogue(ex_id, lang, labels):
    sol = solve_exercise(load_exercise(ex_id), verify=False)
    shown = [i.label for i in conclusion(sol, lang)]
    for label in labels:
        assert label in shown, (label, shown)
    assert not set(shown) & {p.id for p in sol.exercise.ask if "_" in p.id or len(p.id) > 1}


def test_conditions_read_as_a_textbook_writes_them():
    """24.8's index conditions: 若 … 且 … (if … and …), cases separated by Chinese punctuation in Chinese."""
    from solver.render.summary import show_value
    value = solve_exercise(load_exercise("24.8"), verify=False).answers["dy_dx"]
    zh, en = show_value(value, "zh"), show_value(value, "en")
    assert "∧" not in zh + en
    assert "若 i ≥ k 且 j ≥ l" in zh and "；0  否则" in zh
    assert "if i ≥ k and j ≥ l" in en and "; 0  otherwise" in en
