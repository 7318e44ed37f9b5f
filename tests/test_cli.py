"""The ``solve`` command: every subcommand, output formats, languages and exit codes (SPEC.md)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.bank import load_bank, load_exercise
from solver.cli import main
from solver.i18n import Plain, catalogue
from solver.steps import Check

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, width: int = 100):
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(width)})


def one_error_line(result) -> str:
    """Bad input: exit 2 and exactly one line on stderr, no traceback (SPEC: exit codes)."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert isinstance(result.exception, SystemExit)
    return lines[0]


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- solve list


def test_list_json_has_one_row_per_bank_exercise():
    result = run("list", "--format", "json")
    assert result.exit_code == 0
    rows = json_lines(result.stdout)
    bank = load_bank()
    assert [r["id"] for r in rows] == [ex.id for ex in bank]
    for row, ex in zip(rows, bank):
        assert set(row) >= {"id", "source", "title", "kind"}
        assert row["kind"] == ex.kind and row["title"] == ex.title.en


def test_list_json_in_chinese():
    rows = json_lines(run("list", "--format", "json", "--lang", "zh").stdout)
    assert [r["title"] for r in rows] == [ex.title.zh for ex in load_bank()]


def test_list_text_shows_every_id_and_kind():
    result = run("list", width=200)
    assert result.exit_code == 0
    for ex in load_bank():
        assert ex.id in result.stdout
    assert "network" in result.stdout


def test_list_text_never_truncates_an_id_in_80_columns():
    out = run("list", width=80).stdout
    assert all(ex.id in out for ex in load_bank())


# ---------------------------------------------------------------- solve exercise


def test_exercise_text():
    result = run("exercise", "hw-q3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("Approach", "Steps", "Answers", "Checks"):
        assert heading in out
    assert "4,640" in out and "3,612,672" in out
    assert "PyTorch" in out and "✗" not in out


def test_exercise_markdown():
    result = run("exercise", "hw-q3", "--format", "markdown")
    assert result.exit_code == 0
    md = result.stdout
    assert md.lstrip().startswith("#") and "hw-q3" in md.splitlines()[0]
    assert "### Steps" in md and "### Answers" in md and "$$" in md
    assert "|---|" in md                                         # the layer table


SPEC_STEP_KEYS = {"title", "text", "math"}


def _walk(steps):
    for step in steps:
        yield step
        yield from _walk(step.get("steps", []))


def test_exercise_json_matches_the_spec():
    result = run("exercise", "hw-q3", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"id", "kind", "lang", "answers", "steps", "checks"} <= set(data)
    assert (data["id"], data["kind"], data["lang"]) == ("hw-q3", "network", "en")
    ex = load_exercise("hw-q3")
    assert set(data["answers"]) == {p.id for p in ex.ask}
    assert data["answers"]["shape"] == [32, 28, 28]
    assert isinstance(data["answers"]["params"], int) and isinstance(data["answers"]["params_ratio"], float)
    assert data["steps"]
    for step in _walk(data["steps"]):
        assert SPEC_STEP_KEYS <= set(step)
        assert isinstance(step["title"], str) and step["title"]
        assert isinstance(step["text"], str)
        assert isinstance(step["math"], list) and all(isinstance(m, str) for m in step["math"])
    assert data["checks"]
    for check in data["checks"]:
        assert set(check) == {"by", "part", "ok", "detail"}
        assert check["part"] in data["answers"] and isinstance(check["ok"], bool) and check["detail"]
    assert {c["part"] for c in data["checks"] if c["by"] == "torch"} == set(data["answers"])
    assert all(c["ok"] for c in data["checks"])
    assert {c["part"] for c in data["checks"] if c["by"] == "source"} == set(ex.source_answer)


ENGLISH_HEADINGS = [catalogue()[k][0] for k in ("head.plan", "head.steps", "head.answers", "head.checks")]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_exercise_in_chinese_has_no_english_headings(fmt):
    result = run("exercise", "hw-q3", "--lang", "zh", "--format", fmt)
    assert result.exit_code == 0
    out = result.stdout
    for word in ENGLISH_HEADINGS + ["Conventions", "Layer 1", "Input", "Total", "Output shape", "Ratio"]:
        assert word not in out, f"English {word!r} in the zh output"
    for zh in (catalogue()["head.steps"][1], catalogue()["head.answers"][1]) if fmt != "json" else ():
        assert zh in out
    if fmt == "json":
        data = json.loads(out)
        assert data["lang"] == "zh"
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c["detail"]) or c["by"] == "torch"
                   for c in data["checks"])


def test_no_verify_skips_the_checks():
    data = json.loads(run("exercise", "hw-q3", "--format", "json", "--no-verify").stdout)
    assert data["checks"] and all(c["by"] == "source" for c in data["checks"])
    text = run("exercise", "hw-q3", "--no-verify").stdout
    assert "--no-verify" in text


PROBE = """
import sys
from solver.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
print("TORCH" if "torch" in sys.modules else "NO-TORCH", file=sys.stderr)
"""


@pytest.mark.parametrize("args, imported", [
    (["exercise", "hw-q3", "--no-verify", "--format", "json"], False),
    (["exercise", "hw-q3", "--no-verify"], False),
    (["list"], False),
    (["exercise", "hw-q3", "--format", "json"], True),      # the control: verification does import torch
])
def test_no_verify_does_not_import_torch(args, imported):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == ("TORCH" if imported else "NO-TORCH")


def test_unknown_id_is_one_line_and_exit_2():
    line = one_error_line(run("exercise", "no-such-exercise"))
    assert line.startswith("error: ") and "no-such-exercise" in line and "solve list" in line


def test_seed_on_an_exercise_without_parameters_prints_a_note_and_still_solves():
    result = run("exercise", "d2l-6.3-wx1", "--seed", "3", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "d2l-6.3-wx1"
    assert "--seed 3" in result.stderr


def test_pdf_is_written_and_bad_requests_are_refused_cleanly(tmp_path):
    out = tmp_path / "x.pdf"
    assert run("exercise", "hw-q3", "--pdf", str(out), "--no-verify").exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
    one_error_line(run("pdf", "-o", str(tmp_path / "y.pdf")))                 # neither ids nor --all
    one_error_line(run("pdf", "no-such-id", "-o", str(tmp_path / "y.pdf")))


def test_bank_option_finds_a_user_exercise(tmp_path):
    (tmp_path / "mine.yaml").write_text(GOOD.format(id="mine-1"), encoding="utf-8")
    result = run("exercise", "mine-1", "--bank", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["answers"]["shape"] == [4, 3]     # 8 - 3 + 1 = 6, pooled by 2


# ---------------------------------------------------------------- solve file

GOOD = """\
id: {id}
kind: network
given:
  input_shape: [2, 8]
  layers:
    - {{type: Conv1d, out_channels: 4, kernel_size: 3}}
    - {{type: MaxPool1d, kernel_size: 2}}
ask:
  - {{id: shape, quantity: output_shape}}
  - {{id: params, quantity: params}}
  - {{id: rf, quantity: receptive_field}}
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a-good.yaml").write_text(GOOD.format(id="good-1"), encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b-good.yml").write_text(GOOD.format(id="good-2").replace("[2, 8]", "[2, 10]"), encoding="utf-8")
    (tmp_path / "c-bad-layer.yaml").write_text(GOOD.format(id="bad-1").replace("kernel_size: 3", "kernel_size: 30"),
                                               encoding="utf-8")
    (tmp_path / "d-bad-yaml.yaml").write_text("id: bad-2\nkind: network: x\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an exercise", encoding="utf-8")
    return tmp_path


def test_file_folder_solves_the_good_and_records_the_bad(folder):
    result = run("file", str(folder), "--format", "json")
    assert result.exit_code == 2
    records = json_lines(result.stdout)
    assert len(records) == 4
    good = {r["id"]: r for r in records if "answers" in r}
    bad = {r["id"]: r for r in records if "error" in r}
    assert set(good) == {"good-1", "good-2"}
    assert good["good-1"]["answers"] == {"shape": [4, 3], "params": 28, "rf": [4]}   # 8-3+1=6 -> 3; 4*2*3+4
    assert good["good-2"]["answers"]["shape"] == [4, 4]
    assert all(c["ok"] for r in good.values() for c in r["checks"])
    assert set(bad) == {"bad-1", "d-bad-yaml"}      # an unreadable file has no id: its file name stands in
    assert "c-bad-layer.yaml:6: given.layers[1].kernel_size" in bad["bad-1"]["error"]
    assert "d-bad-yaml.yaml:2:" in bad["d-bad-yaml"]["error"]
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 2 and all(line.startswith("error: ") for line in errors)
    assert "Traceback" not in result.stderr


def test_file_text_mode_prints_the_good_ones(folder):
    result = run("file", str(folder))
    assert result.exit_code == 2
    assert "good-1" in result.stdout and "good-2" in result.stdout
    assert len(result.stderr.strip().splitlines()) == 2


def test_file_all_good_exits_0(folder):
    result = run("file", str(folder / "a-good.yaml"), str(folder / "sub"), "--format", "json")
    assert result.exit_code == 0
    assert [r["id"] for r in json_lines(result.stdout)] == ["good-1", "good-2"]


def test_file_missing_path_is_bad_input(tmp_path):
    line = one_error_line(run("file", str(tmp_path / "missing.yaml")))
    assert "missing.yaml" in line


def test_file_empty_folder_is_bad_input(tmp_path):
    one_error_line(run("file", str(tmp_path)))


def test_a_wrong_printed_answer_is_reported_but_not_a_failure(tmp_path):
    path = tmp_path / "ex.yaml"
    path.write_text(GOOD.format(id="src") + "source_answer: {params: 27}\n", encoding="utf-8")
    result = run("file", str(path), "--format", "json")
    assert result.exit_code == 0
    checks = json_lines(result.stdout)[0]["checks"]
    source = [c for c in checks if c["by"] == "source"]
    assert len(source) == 1 and source[0]["ok"] is False and "27" in source[0]["detail"]


# ---------------------------------------------------------------- a failing check: exit 1


@pytest.fixture
def failing_verifier(monkeypatch):
    import solver.network.verify as verify

    def failing(ex, solution):
        return [Check("torch", ex.ask[0].id, False, Plain("PyTorch disagrees"))]
    monkeypatch.setattr(verify, "verify", failing)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_failing_check_exits_1(failing_verifier, fmt):
    result = run("exercise", "hw-q3", "--format", fmt)
    assert result.exit_code == 1
    assert "PyTorch disagrees" in result.stdout
    if fmt == "json":
        checks = json.loads(result.stdout)["checks"]
        assert [c["ok"] for c in checks if c["by"] == "torch"] == [False]


def test_a_failing_check_in_a_file_run_exits_1(failing_verifier, tmp_path):
    (tmp_path / "ex.yaml").write_text(GOOD.format(id="f"), encoding="utf-8")
    assert run("file", str(tmp_path)).exit_code == 1


def test_no_verify_never_fails_a_check(failing_verifier):
    assert run("exercise", "hw-q3", "--no-verify").exit_code == 0


# ---------------------------------------------------------------- solve schema and help


def test_schema_command_prints_json_schema():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "Conv2d" in {v["title"] for v in schema["$defs"]["layer"]["oneOf"]}


@pytest.mark.parametrize("args", [["--help"], ["exercise", "--help"], ["file", "--help"], ["list", "--help"]])
def test_help(args):
    result = run(*args)
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_bad_option_value_is_exit_2():
    result = run("exercise", "hw-q3", "--lang", "fr")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_console_script_end_to_end(tmp_path):
    """The installed ``solve`` entry point, as a user runs it (one real process)."""
    exe = Path(sys.executable).with_name("solve")
    if not exe.exists():
        pytest.skip("console script not installed")
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent(GOOD.format(id="x")).replace("Conv1d", "Conv1D"), encoding="utf-8")
    proc = subprocess.run([str(exe), "file", str(bad), "--no-verify"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert f"{bad}:6: given.layers[1].type: unknown layer type 'Conv1D' (did you mean Conv1d?)" in proc.stderr
