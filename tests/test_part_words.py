"""Parts named by the question's words (grader/part_words.py, grader/answers.py): what a careful teacher reads,
and what a teacher would not read as an answer (working, prose). Values from `solve exercise hw-q3 --format json`:
params 4640, params_1x1 544 (hand-checked: (3·3·16+1)·32, (16+1)·32)."""
from __future__ import annotations

import pytest

from grader.answers import sheet_from_markdown
from grader.grade import grade_sheet
from grader.part_words import layer_number, quantity_of


def _answers(body: str) -> dict:
    return sheet_from_markdown(body, "s.md").answers


@pytest.mark.parametrize("label, quantity", [
    ("参数量", "params"), ("参数个数", "params"), ("Number of parameters", "params"), ("乘加次数", "macs"),
    ("计算量", "flops"), ("浮点运算次数", "flops"), ("输出尺寸", "output_shape"), ("output size", "output_shape"),
    ("感受野", "receptive_field"), ("R_3", "receptive_field"), ("J3", "jump"), ("等效步幅", "jump"),
    ("参数量之比", "params"), ("说明", None), ("Explanation", None), ("reference", None)])
def test_quantity_words(label, quantity):
    assert quantity_of(label) == quantity


@pytest.mark.parametrize("label, n", [("第 2 层之后的感受野", 2), ("receptive field after layer 3", 3), ("R_{2}", 2),
                                      ("感受野", None), ("1×1 卷积的参数量", None)])
def test_layer_numbers(label, n):
    assert layer_number(label) == n


@pytest.mark.parametrize("body", [
    "## hw-q3\nparams: 4640\n参数：每个卷积核有 3×3×16 个权重，加 1 个偏置\n",      # working under the answer
    "## hw-q3\nparams: 4640\n其中参数量的计算：(3×3×16+1)×32\n",
    "## hw-q3\nparams: 4640\n说明：参数量 = 权重 + 偏置\n",
])
def test_working_that_mentions_a_quantity_stays_with_its_part(body):
    answers = _answers(body)["hw-q3"]
    assert list(answers) == ["params"] and answers["params"].startswith("4640\n")


def test_a_second_item_moves_on_in_order_and_says_so():
    sheet = sheet_from_markdown("## hw-q3\n1. 参数量：4640\n2. 参数量：544\n", "s.md")
    assert sheet.answers["hw-q3"] == {"params": "4640", "params_1x1": "544"}
    assert any("params_1x1" in n for n in sheet.notes)


def test_words_that_name_no_part_are_reported_in_words_not_as_a_star():
    sheet = sheet_from_markdown("## hw-q3\n参数：每个卷积核有 3×3×16 个权重\n", "s.md")
    result = grade_sheet(sheet)
    text = " ".join(m.render("zh") for m in result.problems) + " ".join(m.render("en") for m in result.problems)
    assert "*" not in text and "params" in text and "没有指明" in text
    assert any("每个卷积核" in n.render("en") for n in result.notes)       # the text is kept for the teacher
    assert result.score == 0
