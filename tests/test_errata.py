"""Errata of every kind (solver/source.py): what a source says that is wrong, where, what is in fact true and the
evidence computed from the solution. The errata found in the seeds are recorded on their exercises, each confirmed
by its computed evidence; a file's erratum that the computation does not bear out is an input error."""
from __future__ import annotations

import json

import pytest

from solver.bank import load_bank, load_exercise
from solver.errors import InputError
from solver.model import exercise_from_document
from solver.pipeline import solve_exercise
from solver.source import evidence_value
from solver.yamlio import parse_yaml

# exercise → (kind, errata, evidence lines): the errata of seeds 003 and 004 and of Li Hang 24.8
RECORDED = {
    "24.8": ("gradient", 1, 2),               # Y printed as y11 … y33 (3×3); in fact 2×3
    "d2l-6.3-wx4": ("network", 1, 1),         # seed 003: odd and even kernels swapped in the padding rule
    "d2l-6.3-ex1": ("network", 1, 1),         # seed 003: the strides printed as p_h = k_h − 1
    "mnist-cnn": ("network", 2, 4),           # seed 003: "one pooling layer"; summed loss printed, means logged
    "mnist-mlp": ("network", 1, 2),           # seed 003: summed loss printed, means logged
    "optim-adam-seed": ("optimizer", 1, 2),   # seed 003: Σ to t instead of t − 1
    "lenet": ("network", 2, 1),               # seed 004: average vs max pooling; "reduces by 4"
}


def _errata_step(sol):
    last = sol.steps[-1]
    assert last.rule == "source.errata"
    return last


@pytest.mark.parametrize("ex_id", sorted(RECORDED))
def test_each_recorded_erratum_is_shown_with_its_evidence_in_both_languages(ex_id):
    kind, n, lines = RECORDED[ex_id]
    ex = load_exercise(ex_id)
    assert ex.kind == kind and len(ex.errata) == n
    step = _errata_step(solve_exercise(ex, verify=False))
    assert len(step.children) == n
    assert sum(len(c.table.rows) for c in step.children if c.table is not None) == lines
    for child, err in zip(step.children, ex.errata):
        assert err.where is not None
        en, zh = child.text.render("en"), child.text.render("zh")
        assert en.startswith("The source says: ") and "In fact: " in en and err.fact.en in en
        assert zh.startswith("原书写道：") and "实际上：" in zh and err.fact.zh in zh
        assert err.where.zh in child.title.render("zh")


def test_li_hang_24_8_keeps_the_printed_statement_and_corrects_it():
    ex = load_exercise("24.8")
    assert "y11 … y33" in ex.statement.en and "y11 … y33" in ex.statement.zh      # as the book prints it
    sol = solve_exercise(ex, verify=False)
    assert len(sol.answers["dY_dW"]["rows"]) == 6                                  # y11 … y23
    child = _errata_step(sol).children[0]
    assert "y11 … y33" in child.text.render("en") and "2×3" in child.text.render("en")
    assert "y11 … y23" in child.text.render("zh")
    rows = [[c.render("en") for c in row[1:]] for row in child.table.rows]
    assert rows == [["[3, 3]", "[2, 3]"], ["9", "6"]]


def test_the_evidence_is_computed_from_the_answers():
    step = _errata_step(solve_exercise(load_exercise("lenet"), verify=False))
    assert [[c.render("en") for c in row[1:]] for row in step.children[1].table.rows] == [["24", "28"]]
    step = _errata_step(solve_exercise(load_exercise("optim-adam-seed", seed=3), verify=False))
    ex = load_exercise("optim-adam-seed", seed=3)
    g1 = ex.values["g1"]
    assert step.children[0].table.rows[1][2].render("en") == f"{g1:.6g}"          # v̂₁ = g₁ in every variant


def _doc(errata: list, kind: str = "network") -> dict:
    return {"id": "t", "kind": kind, "given": {"input_shape": [1, 8, 8], "layers": [
        {"type": "Conv2d", "name": "c", "out_channels": 2, "kernel_size": 3}]},
        "ask": [{"id": "shape", "quantity": "output_shape", "at": "c"}], "errata": errata}


def _solve(data: dict):
    return solve_exercise(exercise_from_document(parse_yaml(json.dumps(data, ensure_ascii=False), "t.yaml")),
                          verify=False)


TEXT = {"en": "x", "zh": "甲"}


def test_any_kind_reads_top_level_errata():
    sol = _solve(_doc([{"printed": TEXT, "fact": TEXT, "evidence": [
        {"label": TEXT, "printed": "8 - 1", "fact": "shape[1]"}]}]))
    step = _errata_step(sol)
    assert [[c.render("zh") for c in row[1:]] for row in step.children[0].table.rows] == [["7", "6"]]


@pytest.mark.parametrize("errata, words", [
    ([{"printed": TEXT, "fact": TEXT, "evidence": [{"label": TEXT, "printed": "6", "fact": "shape[1]"}]}],
     "does not bear the erratum out"),
    ([{"printed": TEXT, "fact": TEXT, "evidence": [{"label": TEXT, "printed": "1", "fact": "shapes[1]"}]}],
     "unknown name"),
    ([{"printed": TEXT, "fact": TEXT, "evidence": [{"label": TEXT, "printed": "__import__('os')", "fact": "1"}]}],
     "only numbers"),
    ([{"printed": TEXT, "fact": TEXT, "evidence": [{"label": TEXT, "printed": "1 +", "fact": "1"}]}],
     "cannot read the expression"),
    ([{"printed": {"en": "x"}, "fact": TEXT}], "both languages"),
    ([{"printed": TEXT}], "each erratum is"),
    ([{"printed": TEXT, "fact": TEXT, "source": TEXT}], "each erratum is"),
    ([], "errata is a list"),
])
def test_a_bad_erratum_is_an_input_error(errata, words):
    with pytest.raises(InputError, match=words):
        _solve(_doc(errata))


def test_an_erratum_in_both_places_is_shown_once_each():
    """``given.errata`` (the nn_basics kinds' older place) and the top-level list are read by the same code."""
    data = {"id": "t", "kind": "mlp", "given": {"h": [1.0], "p": 0.5, "errata": [{"printed": TEXT, "fact": TEXT}]},
            "ask": [{"id": "m", "quantity": "dropout_mean"}], "errata": [{"printed": TEXT, "fact": TEXT}]}
    sol = _solve(data)
    assert len(_errata_step(sol).children) == 2 and sum(s.rule == "source.errata" for s in sol.steps) == 1


def test_evidence_expressions():
    assert evidence_value("[ceil((2 - 1) / 2), floor((2 - 1) / 2)]", {}) == [1, 0]
    assert evidence_value("len(a['rows'])", {"a": {"rows": [1, 2, 3]}}) == 3
    with pytest.raises(ValueError):
        evidence_value("a.__class__", {"a": 1})


def test_every_bank_erratum_is_borne_out():
    """Solving the bank with the book's numbers raises on an erratum whose evidence the computation refutes."""
    with_errata = [ex for ex in load_bank() if ex.errata]
    assert {ex.id for ex in with_errata} >= set(RECORDED)
    for ex in with_errata:
        _errata_step(solve_exercise(ex, verify=False))
