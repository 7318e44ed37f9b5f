"""Randomised variants: determinism, constraints, every variant solves and verifies, grading by variant."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.bank import bank_dir, exercise_files, load_exercise
from solver.pipeline import solve_exercise
from solver.variants import VariantError, draw, evaluate, seed_for_student
from solver.yamlio import read_document

RANDOMISED = [p.stem for p in exercise_files(bank_dir()) if read_document(p).data.get("params")]


def test_some_bank_exercises_are_randomised():
    assert {"hw-q3", "hw-q6", "24.4", "d2l-6.2-wx1"} <= set(RANDOMISED)


def test_no_seed_gives_the_books_numbers_and_source_checks():
    sol = solve_exercise(load_exercise("hw-q3"), verify=False)
    assert sol.answers["params"] == 4640
    assert any(c.by == "source" for c in sol.checks)


def test_a_seed_changes_the_numbers_and_drops_the_printed_answers():
    answers = {s: solve_exercise(load_exercise("hw-q3", seed=s), verify=False) for s in range(1, 6)}
    assert len({a.answers["params"] for a in answers.values()}) > 1
    assert all(not any(c.by == "source" for c in a.checks) for a in answers.values())


@pytest.mark.parametrize("ex_id", RANDOMISED)
def test_same_seed_same_variant_in_another_process(ex_id):
    code = ("import json; from solver.bank import load_exercise; "
            f"print(json.dumps(load_exercise({ex_id!r}, seed=12345).values))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "987", "PATH": ""}, cwd=Path(__file__).parent.parent)
    assert json.loads(other.stdout) == json.loads(json.dumps(load_exercise(ex_id, seed=12345).values))


@pytest.mark.parametrize("ex_id", RANDOMISED)
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(1, 10**9))
def test_constraints_always_hold(ex_id, seed):
    raw = read_document(bank_dir() / f"{ex_id}.yaml").data
    values = draw(raw, ex_id, seed)
    assert all(evaluate(str(c), values) for c in raw.get("constraints", []))
    for name, spec in raw["params"].items():
        if "choices" in spec:
            assert values[name] in spec["choices"]
        elif "range" in spec and "matrix" not in spec and "vector" not in spec:
            assert spec["range"][0] <= values[name] <= spec["range"][1]


@pytest.mark.parametrize("ex_id", RANDOMISED)
@pytest.mark.parametrize("seed", [1, 2, 3, 77, 2024])
def test_every_variant_solves_and_verifies(ex_id, seed):
    sol = solve_exercise(load_exercise(ex_id, seed=seed), verify=True)
    assert sol.ok, [(c.part, c.detail.render("en")) for c in sol.checks if not c.ok]
    assert sol.exercise.seed == seed


def test_seed_for_student_is_stable():
    assert seed_for_student("s001") == seed_for_student(" s001 ") == 441623
    assert seed_for_student("s001") != seed_for_student("s002")


@pytest.mark.parametrize("text", ["__import__('os').system('x')", "k.__class__", "lambda: 1", "9 ** 9 ** 9"])
def test_constraint_language_is_not_python(text):
    with pytest.raises(VariantError):
        evaluate(text, {"k": 3})


def test_solve_seed_option_and_json_record():
    from solver.cli import main
    result = CliRunner().invoke(main, ["exercise", "24.4", "--seed", "5", "--format", "json", "--no-verify"])
    record = json.loads(result.stdout)
    assert record["seed"] == 5 and set(record["params"]) == {"x", "w"}


def test_grading_by_variant_and_flagging_another_variant(tmp_path):
    from grader.cli import main as grade
    mine = solve_exercise(load_exercise("24.4", seed=11), verify=False).answers["output"]
    book = solve_exercise(load_exercise("24.4"), verify=False).answers["output"]
    assert mine != book
    (tmp_path / "a.yaml").write_text(json.dumps({"student": "a", "seed": 11, "answers": {"24.4": {"output": mine}}}))
    (tmp_path / "b.yaml").write_text(json.dumps({"student": "b", "seed": 12, "answers": {"24.4": {"output": book}}}))
    (tmp_path / "c.yaml").write_text(json.dumps({"student": "c", "seed": 13, "answers": {"24.4": {"output": mine}}}))
    out = CliRunner().invoke(grade, [str(tmp_path), "--format", "json"])
    records = {r["student"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert records["a"]["results"][0]["verdict"] == "correct"
    assert records["b"]["results"][0]["mistake"] == "other_variant" and "book" in records["b"]["results"][0]["feedback"]
    assert records["c"]["results"][0]["mistake"] == "other_variant" and "variant 11" in records["c"]["results"][0]["feedback"]


def test_class_sheets_and_answer_keys(tmp_path):
    from solver.cli import main
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\ns001,Ann\ns002,Bo\n", encoding="utf-8")
    out = tmp_path / "sheets"
    result = CliRunner().invoke(main, ["pdf", "24.4", "--class", str(roster), "-o", str(out), "--no-verify"])
    assert result.exit_code == 0, result.output
    index = json.loads((out / "class.json").read_text())
    assert [i["seed"] for i in index] == [seed_for_student("s001"), seed_for_student("s002")]
    assert (out / "s001.pdf").read_bytes().startswith(b"%PDF") and (out / "s002-key.pdf").exists()


def test_nn_basics_families_are_randomised():
    assert {"rnn-lstm-params", "rnn-gru-params", "rnn-bilstm-params", "optim-sgd-weight-decay", "optim-momentum",
            "optim-adam-seed", "optim-adam-first-step", "init-xavier-he-linear", "init-conv-he", "init-deep-relu",
            "init-deep-tanh", "dropout-expectation", "mlp-backprop"} <= set(RANDOMISED)


@pytest.mark.parametrize("ex_id, part, mistake, wrong", [
    # each a typical slip recomputed independently here from the variant's own givens
    ("init-xavier-he-linear", "he_var", "xavier_for_he",
     lambda g: 2 / (g["layer"]["in_features"] + g["layer"]["out_features"])),
    ("init-conv-he", "he_std", "xavier_for_he",
     lambda g: (2 / ((g["layer"]["in_channels"] + g["layer"]["out_channels"]) * g["layer"]["kernel_size"] ** 2)) ** 0.5),
    ("dropout-expectation", "scaled", "dropout_unscaled", lambda g: [(1 - g["p"]) * v for v in g["h"]]),
    ("optim-sgd-weight-decay", "final", "weight_decay_forgotten",
     lambda g: [w - g["lr"] * sum(row[i] for row in g["gradients"]) for i, w in enumerate(g["w0"])]),
])
@pytest.mark.parametrize("seed", [3, 41])
def test_catalogued_mistakes_are_named_on_every_variant(ex_id, part, mistake, wrong, seed):
    """The typical mistakes of the nn_basics kinds come from the catalogue, so a variant names them too."""
    from grader.gold import gold_for
    from grader.grade import grade_part
    gold = gold_for(ex_id, seed)
    value = wrong(gold.exercise.given)
    result = grade_part(gold, part, json.dumps(value))
    assert result.mistake == mistake, (value, gold.parts[part].value, result.verdict)
