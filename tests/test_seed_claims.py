"""Every value a seed prints is compared by the tool (issue 15): the tensors of D2L 6.2 ex 1 printed in the seed's
answer, homework Q3's "减少了约 8.5 倍", and the error message of D2L 6.2 ex 2 (run, not stored). A printed value
that disagrees makes the source check fail."""
from __future__ import annotations

import copy

import pytest

from solver.bank import load_exercise
from solver.pipeline import solve_exercise


def _source_checks(ex) -> dict:
    sol = solve_exercise(ex, verify=False)
    return {c.part: c for c in sol.checks if c.by == "source"}


def test_the_printed_tensors_of_d2l_6_2_ex1_are_compared():
    checks = _source_checks(load_exercise("d2l-6.2-ex1"))
    assert checks["Y"].ok and checks["K_transposed"].ok
    # the seed's 8×7 result has +1 at (i, i) and −1 at (i + 1, i): eye(8) ⋆ [[1, −1]]
    printed = load_exercise("d2l-6.2-ex1").source_answer["Y"]
    assert [[printed[i][j] for j in range(7)] for i in (0, 1)] == [[1, 0, 0, 0, 0, 0, 0], [-1, 1, 0, 0, 0, 0, 0]]


def test_homework_q3_ratio_8_5_is_compared():
    checks = _source_checks(load_exercise("hw-q3"))
    assert checks["params_ratio"].ok and "8.5" in checks["params_ratio"].detail.render("en")   # 4640/544 = 8.53


@pytest.mark.parametrize("ex_id, part, wrong", [
    ("hw-q3", "params_ratio", {"value": 8.6, "sig": 2}),
    ("d2l-6.2-ex1", "Y", [[1, 0, 0, 0, 0, 0, 0]] + [[0] * 7] * 7),
])
def test_a_wrong_printed_value_fails_its_check(ex_id, part, wrong):
    ex = copy.copy(load_exercise(ex_id))                 # a copy: the loaded exercise may be shared
    ex.source_answer = {**ex.source_answer, part: wrong}
    assert not _source_checks(ex)[part].ok
