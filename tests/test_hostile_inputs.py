"""Hostile answer and exercise files, built at test time: none may crash, exhaust or hang a run.

Each bad file becomes one error line naming it (and a JSON record with ``--format json``), the good files of
the same run are still graded or solved, the exit code is 2, and the run ends within a bound (issue 10).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main
from solver.cli import main as solve_main

GOOD = "student: good\nanswers:\n  hw-q3: {params: 4640}\n"
BIG = "9" * 10_000
SHADOW = "root:$y$j9T$SECRETSALT$SECRETHASHVALUE:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"


def grade(*args: object, seconds: float = 30):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


def solve(*args: object, seconds: float = 30):
    with deadline(seconds):
        return CliRunner().invoke(solve_main, [str(a) for a in args], env={"COLUMNS": "120"})


def errors(result) -> list[str]:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def records(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def assert_one_error(result, name: str, *phrases: str) -> str:
    """Exactly one error line names ``name``; it holds every phrase; the run's exit code is 2."""
    lines = [line for line in errors(result) if name in line]
    assert len(lines) == 1, (name, result.stderr)
    assert all(p in lines[0] for p in phrases), (phrases, lines[0])
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    return lines[0]


def assert_good_graded(result) -> None:
    graded = [r for r in records(result) if r.get("student") == "good"]
    assert graded and graded[0]["score"] == 1.0, result.stdout


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- answer files that crashed the run

@pytest.mark.parametrize("name, text, phrase", [
    ("int.yaml", f"answers:\n  hw-q3: {{params: {BIG}}}\n", "300 digits"),
    ("int.json", json.dumps({"answers": {"hw-q3": {"params": 1}}}).replace("1}", BIG + "}"), "300 digits"),
    ("seed.yaml", f"seed: {BIG}\nanswers:\n  hw-q3: {{params: 4640}}\n", "300 digits"),
    ("seed.json", '{"seed": %s, "answers": {"hw-q3": {"params": 4640}}}' % ("9" * 40), "at most 18 digits"),
    ("seed.md", f"seed: {BIG}\n\n# hw-q3\nparams: 4640\n", "at most 18 digits"),
    ("listkey.yaml", "answers:\n  [a, b]: {params: 1}\n", "a key must be a plain value"),
    ("mapkey.yaml", "answers:\n  hw-q3:\n    {a: 1}: 4640\n", "a key must be a plain value"),
], ids=["yaml-int", "json-int", "yaml-seed", "json-seed", "markdown-seed", "list-key", "mapping-key"])
def test_an_answer_file_that_crashed_the_run_is_one_error(tmp_path, name, text, phrase):
    bad, good = write(tmp_path, name, text), write(tmp_path, "good.yaml", GOOD)
    result = grade(bad, good, "--format", "json")
    assert_one_error(result, name, phrase)
    assert [r["file"] for r in records(result) if "error" in r] == [str(bad)]
    assert_good_graded(result)


def test_any_exception_is_that_files_error_record(tmp_path, monkeypatch):
    import grader.answers
    import grader.grade
    real_read, real_grade = grader.answers.read_sheet, grader.grade.grade_sheet

    def read(path):
        if Path(path).name == "a.yaml":
            raise KeyError("reading")
        return real_read(path)

    def grade_one(sheet, **kw):
        if sheet.student == "b":
            raise RuntimeError("boom\nsecond line")
        return real_grade(sheet, **kw)
    monkeypatch.setattr(grader.answers, "read_sheet", read)
    monkeypatch.setattr(grader.grade, "grade_sheet", grade_one)
    files = [write(tmp_path, f"{s}.yaml", GOOD.replace("good", s)) for s in ("a", "b", "good")]
    result = grade(*files, "--format", "json")
    assert_one_error(result, "a.yaml", "internal error while grading", "KeyError")
    assert_one_error(result, "b.yaml", "internal error while grading", "RuntimeError: boom")
    assert "second line" not in result.stderr
    assert {r["file"] for r in records(result) if "error" in r} == {str(files[0]), str(files[1])}
    assert_good_graded(result)


def test_an_exercise_id_is_never_turned_into_a_path(tmp_path, monkeypatch):
    import solver.bank
    from solver.bank import bank_dir
    evil = write(tmp_path / "elsewhere", "evil.yaml", "id: x\nkind: network\n# SECRET-CONTENT\n")
    opened: list[str] = []
    real = solver.bank.read_document
    monkeypatch.setattr(solver.bank, "read_document", lambda path: opened.append(str(path)) or real(path))
    ex_id = os.path.relpath(evil.with_suffix(""), bank_dir())            # ../../…/evil from the bank folder
    answers = write(tmp_path / "class", "s.yaml", f'answers:\n  "{ex_id}": {{a: 1}}\n  hw-q3: {{params: 4640}}\n')
    result = grade(answers, "--bank", tmp_path / "class", "--format", "json")
    assert_one_error(result, "s.yaml", "Unknown exercise id")
    assert not [p for p in opened if "evil" in p], opened
    assert "SECRET" not in result.stdout + result.stderr and records(result)[0]["score"] == 1.0


# ---------------------------------------------------------------- program files

@pytest.mark.parametrize("program, make, phrase", [
    ("ok\\0.py", None, "NUL"),
    ("fifo.py", lambda d: os.mkfifo(d / "fifo.py"), "not a regular file"),
    ("link.py", lambda d: (d / "link.py").symlink_to(d.parent / "secret.py"), "symbolic link"),
    ("sub/c.py", lambda d: (d / "sub").symlink_to(d.parent / "other"), "symbolic link"),
    ("../secret.py", None, "outside"),
    ("/etc/hostname.py", None, "outside"),
], ids=["nul", "fifo", "symlink", "symlinked-folder", "dotdot", "absolute"])
def test_a_program_file_is_a_regular_file_in_the_students_own_folder(tmp_path, program, make, phrase):
    mine = tmp_path / "s1"
    mine.mkdir()
    write(tmp_path, "secret.py", "def corr2d(X, K):\n    return X\n")
    write(tmp_path, "other/c.py", "def corr2d(X, K):\n    return X\n")
    if make:
        make(mine)
    answers = write(mine, "s1.yaml", f'answers:\n  d2l-6.2-code-corr2d: {{program: "{program}"}}\n')
    result = grade(answers, "--format", "json", seconds=20)
    assert not errors(result), result.stderr
    (part,) = records(result)[0]["results"]
    assert part["verdict"] == "unparsable" and phrase in part["feedback"], part


# ---------------------------------------------------------------- files that are not regular, or too large

def test_fifos_devices_sockets_loops_and_links_are_one_error_each(tmp_path):
    klass = tmp_path / "class"
    write(klass, "good.yaml", GOOD)
    write(tmp_path, "shadow", SHADOW)
    os.mkfifo(klass / "fifo.yaml")
    (klass / "loop1.yaml").symlink_to(klass / "loop2.yaml")
    (klass / "loop2.yaml").symlink_to(klass / "loop1.yaml")
    (klass / "shadow.yaml").symlink_to(tmp_path / "shadow")
    (klass / "away").symlink_to(tmp_path)
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(klass / "sock.json"))
        result = grade(klass, "--format", "json", seconds=20)
    finally:
        sock.close()
    for name in ("fifo.yaml", "sock.json"):
        assert_one_error(result, name, "not a regular file")
    for name in ("loop1.yaml", "loop2.yaml", "shadow.yaml", "class/away"):
        assert_one_error(result, name, "symbolic link")
    assert "SECRET" not in result.stdout + result.stderr
    assert len([r for r in records(result) if "error" in r]) == 6
    assert_good_graded(result)


def test_a_fifo_or_device_named_on_the_command_line(tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    good = write(tmp_path, "good.yaml", GOOD)
    result = grade(tmp_path / "fifo.yaml", tmp_path / "loop.yaml", "/dev/null", good, "--format", "json",
                   seconds=20)
    assert_one_error(result, "fifo.yaml", "not a regular file (a FIFO)")
    assert_one_error(result, "loop.yaml", "symbolic links")
    assert_one_error(result, "/dev/null", "not a regular file (a character device)")
    assert_good_graded(result)
    exercise = solve("file", tmp_path / "fifo.yaml", seconds=20)
    assert_one_error(exercise, "fifo.yaml", "not a regular file")


def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(4 << 30)                       # 4 GB, sparse: costs nothing on disk
    good = write(tmp_path, "good.yaml", GOOD)
    result = grade(huge, good, "--format", "json", seconds=10)
    assert_one_error(result, "huge.yaml", "larger than")
    assert_good_graded(result)
    exercise = solve("file", huge, seconds=10)
    assert_one_error(exercise, "huge.yaml", "larger than")


def test_an_error_line_never_shows_the_content_of_a_file_it_could_not_parse(tmp_path):
    files = [write(tmp_path, "shadow.yaml", SHADOW), write(tmp_path, "shadow.json", SHADOW),
             write(tmp_path, "tag.yaml", "answers: !!python/name:SECRETMODULE.system x\n"),
             write(tmp_path, "key.yaml", "SECRETKEY: 1\nanswers: {}\n")]
    result = grade(*files, write(tmp_path, "good.yaml", GOOD), "--format", "json")
    for path in files:
        assert_one_error(result, path.name)
    assert "SECRET" not in result.stdout + result.stderr
    typo = grade(write(tmp_path, "typo.yaml", "anwsers:\n  hw-q3: {params: 4640}\n"))
    assert_one_error(typo, "typo.yaml", "unknown field 'anwsers'", "did you mean 'answers'")


def test_thousands_of_unknown_ids_are_looked_up_in_an_index(tmp_path):
    text = "student: good\nanswers:\n" + "".join(f"  nope-{i}: {{a: 1}}\n" for i in range(3000))
    answers = write(tmp_path, "many.yaml", text + "  hw-q3: {params: 4640}\n")
    result = grade(answers, "--bank", tmp_path, "--format", "json", seconds=20)
    assert result.exit_code == 2
    assert len([line for line in errors(result) if "Unknown exercise id" in line]) == 3000
    assert_good_graded(result)


# ---------------------------------------------------------------- exercise files

def network(ex_id: str, shape: list[int], layers: list[dict], ask: str = "[{id: s, quantity: output_shape}]") -> str:
    return (f"id: {ex_id}\nkind: network\ngiven:\n  input_shape: {json.dumps(shape)}\n  layers:\n"
            + "".join(f"    - {json.dumps(layer)}\n" for layer in layers) + f"ask: {ask}\n")


def convolution(ex_id: str, x: int, w: int) -> str:
    grid = lambda n: json.dumps([[(i * 7 + j) % 5 for j in range(n)] for i in range(n)])  # noqa: E731
    return (f"id: {ex_id}\nkind: convolution\ngiven:\n  values:\n    X: {grid(x)}\n    W: {grid(w)}\n"
            'ask: [{id: Y, quantity: value, expr: "conv(W, X, mode=full)"}]\n')


CONV = {"type": "Conv2d", "out_channels": 1, "kernel_size": 1}
BAD_EXERCISES = {   # file → (content, phrases of its one error line)
    "out_channels.yaml": (network("out_channels", [3, 8, 8], [dict(CONV, out_channels=2 ** 62)]),
                      ["out_channels", "too large"]),
    "in_channels.yaml": (network("in_channels", [2 ** 62, 8, 8], [CONV]), ["input_shape", "entries"]),
    "layers.yaml": (network("layers", [1, 8, 8], [{"type": "ReLU"}] * 1_001), ["given.layers", "1,000"]),
    "full.yaml": (convolution("full", 120, 40), ["X is 120×120", "exact entry-by-entry convolution"]),
    "work.yaml": (convolution("work", 100, 40), ["ask[1].expr", "products"]),
    "badkey.yaml": ("id: badkey\nkind: network\n[a]: 1\n", ["a key must be a plain value"]),
}
GOOD_EXERCISE = network("fine", [1, 8, 8], [dict(CONV, out_channels=2, kernel_size=3)], "[{id: p, quantity: params}]")


@pytest.fixture
def exercises(tmp_path) -> Path:
    folder = tmp_path / "bank"
    for name, (text, _) in BAD_EXERCISES.items():
        write(folder, name, text)
    write(folder, "fine.yaml", GOOD_EXERCISE)
    with open(folder / "huge.yaml", "wb") as fh:
        fh.truncate(4 << 30)                       # sparse: refused by its size, never read
    return folder


def test_solve_reports_each_bad_exercise_file_once_and_solves_the_others(exercises):
    result = solve("file", exercises, "--format", "json", seconds=30)
    for name, (_, phrases) in BAD_EXERCISES.items():
        assert_one_error(result, name, *phrases)
    assert_one_error(result, "huge.yaml", "larger than")
    solved = [r for r in records(result) if "error" not in r]
    assert [r["id"] for r in solved] == ["fine"] and solved[0]["answers"] == {"p": 20}
    assert len([r for r in records(result) if "error" in r]) == len(BAD_EXERCISES) + 1


def test_grade_with_a_bank_of_bad_exercise_files(exercises, tmp_path):
    ids = [name.removesuffix(".yaml") for name in BAD_EXERCISES] + ["huge", "nope"]
    text = "student: s\nanswers:\n  fine: {p: 20}\n" + "".join(f"  {i}: {{s: 1}}\n" for i in ids)
    answers = write(tmp_path, "s.yaml", text)
    result = grade(answers, write(tmp_path, "good.yaml", GOOD), "--bank", exercises, "--format", "json")
    assert result.exit_code == 2
    lines = errors(result)
    assert len(lines) == len(ids) and all("s.yaml" in line for line in lines), lines
    assert sum("could not be solved" in line for line in lines) == len(BAD_EXERCISES) + 1
    graded = records(result)
    assert graded[0]["score"] == 1.0 and graded[1]["score"] == 1.0


@pytest.mark.slow
def test_huge_tensors_are_verified_without_being_computed(tmp_path):
    """In a subprocess: before the fix, the first allocated 240 GB and the second convolved for hours in C code,
    where no signal-based deadline can stop it."""
    pool = {"type": "MaxPool2d", "kernel_size": 100_000}         # 3×100000×100000 in, 3×1×1 out: 240 GB on cpu
    conv = dict(CONV, kernel_size=1000)                          # 5400×5400 in: 2·10^13 multiply-adds on cpu
    shapes = "[{id: s, quantity: output_shape}, {id: m, quantity: macs}]"
    files = [write(tmp_path, "huge_input.yaml", network("huge_input", [3, 100_000, 100_000], [pool], shapes)),
             write(tmp_path, "kernel.yaml", network("kernel", [1, 5400, 5400], [conv], shapes)),
             write(tmp_path, "rf.yaml", network("rf", [1, 5400, 5400], [conv], "[{id: r, quantity: receptive_field}]"))]
    run = subprocess.run([sys.executable, "-m", "solver.cli", "file", *map(str, files), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "rf.yaml" in lines[0] and "ask[1]" in lines[0] and "--no-verify" in lines[0], lines
    solved = {r["id"]: r for r in map(json.loads, run.stdout.splitlines()) if "error" not in r}
    assert solved["huge_input"]["answers"]["s"] == [3, 1, 1]
    assert solved["kernel"]["answers"]["m"] == 4401 * 4401 * 1000 * 1000
    assert all(c["ok"] for r in solved.values() for c in r["checks"])
    assert solve("file", files[2], "--no-verify", seconds=30).exit_code == 0
