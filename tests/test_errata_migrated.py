"""The six nn_basics exercises whose errata moved from ``given.errata`` (the older place) to the top-level
``errata:`` list (issue 15): each records them only at the top level, and its solution still closes with "What the
source gets wrong" in English and Chinese, with the texts as the source file words them. The older place is still
read, and gives the same step as the top-level form.

Run: ``pytest tests/test_errata_migrated.py`` (under a second: no PyTorch, no verification).
"""
from __future__ import annotations

import copy

import pytest
import yaml

from solver.bank import bank_dir, load_exercise
from solver.model import exercise_from_document
from solver.pipeline import solve_exercise
from solver.yamlio import parse_yaml, read_document

# exercise → (number of errata, a phrase of the first erratum's fact in English, the same in Chinese), copied from
# the seed notes' corrections as the exercise files record them (not from the solver's output)
MOVED = {
    "init-xavier-he-linear": (1, "the variance is 2/n_in", "方差应为 2/n_in"),
    "mlp-backprop": (2, "the sum runs over the k classes", "求和应遍历 k 个类别"),
    "mnist-rnn": (2, "the notes' code does not do that", "笔记的代码并不是这样做的"),
    "optim-adam-first-step": (1, "Adam is insensitive to the scale of the gradient", "Adam 对梯度的大小不敏感"),
    "optim-sgd-weight-decay": (2, "wᵀx⁽ⁱ⁾ + b − y⁽ⁱ⁾", "漏掉了特征"),
    "rnn-vanishing-tanh": (1, "It mitigates vanishing, it does not avoid it.", "它缓解了梯度消失，但并不能避免"),
}


def _last(sol):
    step = sol.steps[-1]
    assert step.rule == "source.errata", "the errata close the solution"
    return step


@pytest.mark.parametrize("ex_id", sorted(MOVED))
def test_moved_errata_are_top_level_only_and_shown_in_both_languages(ex_id):
    n, fact_en, fact_zh = MOVED[ex_id]
    data = read_document(bank_dir() / f"{ex_id}.yaml").data
    assert "errata" not in data["given"] and len(data["errata"]) == n
    ex = load_exercise(ex_id)
    assert len(ex.errata) == n and all(e.path[0] == "errata" for e in ex.errata)
    step = _last(solve_exercise(ex, verify=False))
    assert len(step.children) == n
    first_en, first_zh = step.children[0].text.render("en"), step.children[0].text.render("zh")
    assert first_en.startswith("The source says: ") and "In fact: " in first_en and fact_en in first_en
    assert first_zh.startswith("原书写道：") and "实际上：" in first_zh and fact_zh in first_zh
    assert step.title.render("en") != step.title.render("zh")


def test_a_template_in_a_moved_erratum_follows_the_variant():
    """init-xavier-he-linear's fact names the layer's n_in ({nin}): the book's 784, and a variant's own value."""
    book = _last(solve_exercise(load_exercise("init-xavier-he-linear"), verify=False))
    assert "for this layer 2/784" in book.children[0].text.render("en")
    variant = load_exercise("init-xavier-he-linear", seed=3)
    nin = variant.values["nin"]
    text = _last(solve_exercise(variant, verify=False)).children[0].text.render("en")
    assert f"for this layer 2/{nin}," in text and "{nin}" not in text


def test_the_older_given_errata_form_is_still_read_and_shown_the_same():
    """The same erratum written under ``given`` (the older place) and at the top level gives the same last step."""
    path = bank_dir() / "rnn-vanishing-tanh.yaml"
    top = read_document(path).data
    old = copy.deepcopy(top)
    old["given"]["errata"] = old.pop("errata")
    steps = []
    for data in (top, old):
        doc = parse_yaml(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "t.yaml")
        ex = exercise_from_document(doc)
        assert len(ex.errata) == 1
        step = _last(solve_exercise(ex, verify=False))
        steps.append([(c.title.render(lang), c.text.render(lang)) for c in step.children for lang in ("en", "zh")])
    assert steps[0] == steps[1]
    assert "exactly 0 for a < 0" in steps[1][0][1]
