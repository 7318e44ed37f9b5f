"""One errors module: every user-facing exception carries its exit code; every other exception class of the project
is a recorded decision; CLI failures end with that code and one line, never a traceback."""
from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver import errors
from solver.errors import INTERNAL, CheckFailed, FileRefused, InputError, ToolError, UnknownExercise

ROOT = Path(__file__).resolve().parents[1]


def _subclasses(cls: type) -> set[type]:
    out = set(cls.__subclasses__())
    for sub in list(out):
        out |= _subclasses(sub)
    return out


def test_every_user_facing_exception_has_its_exit_code():
    import solver.bank  # noqa: F401 - the modules that use them are imported: subclasses defined anywhere count
    import solver.files  # noqa: F401
    for cls in {ToolError} | _subclasses(ToolError):
        assert isinstance(cls.__dict__.get("exit_code", cls.exit_code), int), cls
        assert cls.exit_code in (1, 2), cls
    assert (InputError.exit_code, UnknownExercise.exit_code, FileRefused.exit_code, CheckFailed.exit_code) \
        == (2, 2, 2, 1)
    assert solver.bank.UnknownExercise is UnknownExercise and solver.files.FileRefused is FileRefused


def test_every_exception_class_of_the_project_is_user_facing_or_listed_as_internal():
    """A new ``class X(…Error)`` is a decision: a :class:`ToolError` (with its exit code) in solver/errors.py, or
    an internal exception recorded in ``errors.INTERNAL`` with what it becomes when caught."""
    undecided = []
    for package in ("solver", "grader", "practice"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ClassDef) or module == "solver.errors":
                    continue
                bases = [ast.unparse(b) for b in node.bases]
                if not any(b.endswith(("Exception", "Error")) for b in bases):
                    continue
                if f"{module}:{node.name}" in INTERNAL:
                    continue
                cls = getattr(importlib.import_module(module), node.name)
                if not issubclass(cls, ToolError):
                    undecided.append(f"{module}:{node.name}")
    assert not undecided, f"put these in solver/errors.py or list them in errors.INTERNAL: {undecided}"
    for target in INTERNAL:                      # the list names classes that exist
        module, _, name = target.partition(":")
        assert isinstance(getattr(importlib.import_module(module), name), type), target


def test_no_command_exits_with_a_hard_coded_code():
    hard = []
    for package in ("solver", "grader", "practice"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "errors.py" and package == "solver":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "sys.exit" and node.args \
                        and isinstance(node.args[0], (ast.Constant, ast.IfExp)):
                    hard.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hard, hard


def test_fail_and_finish_exit_with_the_codes(capsys):
    with pytest.raises(SystemExit) as stop:
        errors.fail(InputError("bad \x1b[31mred", file="x.yaml"))
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: x.yaml: bad ") and "\x1b" not in err and err.count("\n") == 1
    for kwargs, code in (({}, 0), ({"failed": True}, 1), ({"bad": True}, 2), ({"bad": True, "failed": True}, 2)):
        with pytest.raises(SystemExit) as stop:
            errors.finish(**kwargs)
        assert stop.value.code == code


def test_report_prints_the_line_and_the_json_record(capsys):
    errors.report("s1.yaml: unreadable", record={"file": "s1.yaml", "error": "unreadable"})
    out, err = capsys.readouterr()
    assert err == "error: s1.yaml: unreadable\n"
    assert json.loads(out) == {"file": "s1.yaml", "error": "unreadable"}


def _one_line_exit_2(result) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    err = result.stderr.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("args", [
    ["exercise", "no-such-id", "--no-verify"],
    ["file", "/nonexistent/dir/x.yaml", "--no-verify"],
    ["pdf", "-o", "out.pdf"],
    ["model", "/nonexistent/model.py", "--input", "3x32x32", "--no-verify"],
])
def test_solve_failures_exit_2_with_one_line(args, tmp_path, monkeypatch):
    from solver.cli import main
    monkeypatch.chdir(tmp_path)
    _one_line_exit_2(CliRunner().invoke(main, args))


@pytest.mark.parametrize("args", [
    [],                                         # a folder without answer files
    ["--assignment", "missing.yaml"],
])
def test_grade_failures_exit_2_with_one_line(args, tmp_path, monkeypatch):
    from grader.cli import main
    monkeypatch.chdir(tmp_path)
    (tmp_path / "class").mkdir()
    _one_line_exit_2(CliRunner().invoke(main, ["class"] + args))


def test_grade_autograder_and_merge_failures_exit_2_with_one_line(tmp_path, monkeypatch):
    from grader.autograder import command as autograder
    from grader.merge import command as merge
    monkeypatch.chdir(tmp_path)
    _one_line_exit_2(CliRunner().invoke(autograder, []))
    (tmp_path / "shard.jsonl").write_text("not json\n", encoding="utf-8")
    _one_line_exit_2(CliRunner().invoke(merge, ["shard.jsonl"]))
