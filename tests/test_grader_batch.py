"""``grade`` on a class folder: good files graded, bad ones reported (one stderr line, a JSON error record,
exit 2 at the end), the CSV gradebook, Gradescope results, atomic outputs, and hostile answers through the
whole command (no traceback, no hang, a verdict with a reason).
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main

ROOT = Path(__file__).resolve().parents[1]
VERDICTS = {"correct", "incorrect", "partial", "unparsable", "needs_review", "missing"}




def grade(*args: str, seconds: float = 60):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# ------------------------------------------------------------------ a class folder

GOOD = {
    "s01.yaml": """\
student: s01
answers:
  hw-q3: {shape: 32×28×28, params: "4,640", macs: 3.61M, flops: 7.23M, params_1x1: 544,
          macs_1x1: "401,408", flops_1x1: 802816, params_ratio: "8.53", macs_ratio: 9}
  "24.4": {output: [7, -6, 8, -2, 5]}
""",
    "s02.json": json.dumps({"student": "s02", "answers": {
        "hw-q3": {"params": "4,608", "macs": "7,225,344", "shape": "28×28×32"},
        "24.1": {"holds": "不成立"}}}, ensure_ascii=False),
    "s03.md": """\
student: s03

# hw-q3
- params: 4,640
- macs: 3.6M
- shape: 32@28x28

## Exercise 24.4
output: 7 -6 8 -2 5

## 24.1
成立，因为卷积是线性的。
""",
    "s04.markdown": """\
# d2l-6.2-wx1
Y:
19 25
37 43
""",
    "s05.txt": "学号：张三\n\n### 题 24.3\n- valid：不成立\n- full: 否\n- full_rotated: 是\n",
    "s06.yml": """\
student: s06
answers:
  "24.8":
    dy_dw: "x_{k+m-1, l+n-1}"
    dy_dx: 'w_{i-k+1, j-l+1} if 1 <= i-k+1 <= 3 and 1 <= j-l+1 <= 3 else 0'
    dL_dW: X * δ
    dL_dX: conv(W, δ, mode=full)
""",
    "s07.yaml": """\
student: s07
answers:
  d2l-6.2-wx1:
    Y: |
      \\begin{bmatrix} 19 & 37 \\\\ 25 & 43 \\end{bmatrix}
  d2l-6.5-wx1: {max: "4 5; 7 8", avg: [[2, 3], [5, 6]]}
""",
    "s08.json": json.dumps({"answers": {"24.3": {"valid": False, "full": "false", "full_rotated": True},
                                        "24.9": {"holds": "yes", "full": "成立"}}}),
    "sub/s09.yaml": "student: s09\nanswers:\n  hw-q2: {shape: 1×7×7, rf: 7×7, jump: [4, 4]}\n",
    "dir.yaml/s10.yaml": "student: s10\nanswers:\n  hw-q2: {rf: 6×6}\n",
}
PROBLEMS = {   # graded without the unknown ids, and reported
    "unknown_ex.yaml": ("answers:\n  nope-99: {a: 1}\n  hw-q3: {params: 4640}\n", "nope-99"),
    "unknown_part.yaml": ("answers:\n  hw-q3: {parms: 4640, params: 4640}\n", "parms"),
}
BAD = {        # name → (content, a phrase of the error)
    "invalid.yaml": (b"answers: [unclosed\n  x: 1\n", "invalid YAML"),
    # GB18030 is read (Chinese Windows editors); Latin-1 whose bytes are not GB18030 either is refused
    "latin1.yaml": ("answers:\n  hw-q3: {params: \"4640 é\"}\n".encode("latin-1"), "neither UTF-8 nor GB18030"),
    "empty.yaml": (b"", "empty"),
    "blank.json": (b"   \n\n", "empty"),
    "list.yaml": (b"- 1\n- 2\n", "mapping"),
    "field.yaml": (b"answer:\n  hw-q3: {params: 4640}\n", "unknown field"),
    "not_map.yaml": (b"answers: 5\n", "answers"),
    "seed.yaml": (b"seed: abc\nanswers:\n  hw-q3: {params: 4640}\n", "seed"),
    "bomb.yaml": (("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9))
                   + "answers:\n  hw-q3: {params: *a8}\n").encode(), "aliases"),
    "deep.json": (("{\"answers\": {\"hw-q3\": {\"shape\": " + "[" * 5000 + "]" * 5000 + "}}}").encode(), "deep"),
    "huge.yaml": (b"answers:\n  hw-q3: {params: \"" + b"1" * 2_100_000 + b"\"}\n", "larger than"),
    "binary.yaml": (bytes(range(256)) * 4, "not a text file"),
}


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for name, text in GOOD.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    for name, (text, _) in PROBLEMS.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, (data, _) in BAD.items():
        (folder / name).write_bytes(data)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an answer file")
    (folder / "README").write_text("not an answer file")
    return folder


@pytest.fixture(scope="module")
def run(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = grade(klass, "--format", "json", "--csv", out / "book.csv", "--gradescope", out / "gs")
    return result, out


def test_class_exit_code_and_no_traceback(run):
    result, _ = run
    no_traceback(result)
    assert result.exit_code == 2


def test_class_good_files_are_graded(run, klass):
    result, _ = run
    records = [r for r in json_lines(result.stdout) if "error" not in r]
    graded = {Path(r["file"]).relative_to(klass).as_posix() for r in records}
    assert graded == set(GOOD) | set(PROBLEMS)
    for r in records:
        assert set(r) >= {"student", "score", "max_score", "results"}
        assert 0 <= r["score"] <= r["max_score"]
        assert r["score"] == pytest.approx(sum(p["score"] for p in r["results"]))
        assert r["max_score"] == pytest.approx(sum(p["max_score"] for p in r["results"]))
        for p in r["results"]:
            assert set(p) >= {"exercise", "part", "verdict", "score", "max_score", "feedback"}
            assert p["verdict"] in VERDICTS
    by_student = {r["student"]: r for r in records}
    s01 = {p["part"]: p["verdict"] for p in by_student["s01"]["results"]}
    assert set(s01.values()) == {"correct"}
    s02 = {(p["exercise"], p["part"]): p for p in by_student["s02"]["results"]}
    assert s02[("hw-q3", "params")]["mistake"] == "bias_forgotten"
    assert s02[("hw-q3", "macs")]["mistake"] == "flops_for_macs"
    assert s02[("hw-q3", "shape")]["verdict"] == "correct"
    assert s02[("24.1", "holds")]["verdict"] == "incorrect"
    s03 = {(p["exercise"], p["part"]): p["verdict"] for p in by_student["s03"]["results"]}
    assert s03[("hw-q3", "params")] == "correct" and s03[("hw-q3", "shape")] == "correct"
    assert s03[("hw-q3", "macs")] == "partial"                  # 3.6M: too few figures
    assert s03[("24.4", "output")] == "correct" and s03[("24.1", "holds")] == "correct"
    assert by_student["s04"]["results"][0]["verdict"] == "correct"        # a matrix over several lines
    assert by_student["张三"]["score"] == 3.0                                # .txt, Chinese labels
    assert {p["verdict"] for p in by_student["s06"]["results"] if p["part"] in ("dy_dw", "dy_dx", "dL_dW", "dL_dX")} \
        == {"correct"}
    s07 = {p["part"]: p for p in by_student["s07"]["results"]}
    assert s07["Y"]["mistake"] == "transposed" and s07["max"]["verdict"] == s07["avg"]["verdict"] == "correct"
    assert by_student["s08"]["score"] == 5.0
    assert by_student["s09"]["score"] == 4.0                                # a sub-folder of the class
    assert by_student["s10"]["results"][[p["part"] for p in by_student["s10"]["results"]].index("rf")]["mistake"] \
        == "rf_no_stride"


def test_class_bad_files_are_reported_once_each(run, klass):
    result, _ = run
    errors = [r for r in json_lines(result.stdout) if "error" in r]
    assert {Path(r["file"]).name for r in errors} == set(BAD)
    assert all(set(r) == {"file", "error"} for r in errors)
    for r in errors:
        assert BAD[Path(r["file"]).name][1].lower() in r["error"].lower(), r
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    for name, (_, phrase) in BAD.items():
        mine = [line for line in lines if name in line]
        assert len(mine) == 1, (name, mine)
        assert phrase.lower() in mine[0].lower()
    for name, (_, what) in PROBLEMS.items():
        mine = [line for line in lines if name in line]
        assert len(mine) == 1 and what in mine[0], (name, mine)
    assert len(lines) == len(BAD) + len(PROBLEMS)
    assert not any("notes.pdf" in line or "README" in line for line in lines)


def test_unknown_ids_keep_the_rest_graded(run):
    result, _ = run
    records = {Path(r["file"]).name: r for r in json_lines(result.stdout) if "error" not in r}
    unknown = records["unknown_ex.yaml"]
    assert any("nope-99" in p for p in unknown["problems"])
    assert [p["verdict"] for p in unknown["results"] if p["part"] == "params"] == ["correct"]
    assert any("parms" in p for p in records["unknown_part.yaml"]["problems"])


def test_csv_gradebook(run):
    result, out = run
    records = [r for r in json_lines(result.stdout) if "error" not in r]
    text = (out / "book.csv").read_text(encoding="utf-8-sig")          # the gradebook starts with a BOM (Excel)
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[0] == "student" and header[-2:] == ["total", "max"]
    assert len(header) == len(set(header))
    columns = header[1:-2]
    assert all(c.count("/") == 1 for c in columns)
    answered = {f"{p['exercise']}/{p['part']}" for r in records for p in r["results"]}
    assert set(columns) == answered
    assert len(body) == len(records)                                     # one row per student
    assert all(len(row) == len(header) for row in body)
    by_student = {r["student"]: r for r in records}
    for row in csv.DictReader(io.StringIO(text)):
        record = by_student[row["student"]]
        scores = {f"{p['exercise']}/{p['part']}": p["score"] for p in record["results"]}
        for c in columns:
            assert (row[c] == "") == (c not in scores)
            if row[c]:
                assert float(row[c]) == pytest.approx(scores[c])
        assert float(row["total"]) == pytest.approx(record["score"])
        assert float(row["max"]) == pytest.approx(record["max_score"])
        assert float(row["total"]) == pytest.approx(sum(float(row[c]) for c in columns if row[c]))


GS_TOP = {"score", "max_score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
          "tests", "leaderboard", "extra_data"}
GS_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
           "visibility", "extra_data"}
GS_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def check_gradescope(doc: dict) -> None:
    """Gradescope's autograder results.json: https://gradescope-autograders.readthedocs.io/en/latest/specs/"""
    assert set(doc) <= GS_TOP
    assert isinstance(doc["score"], (int, float)) and isinstance(doc["tests"], list) and doc["tests"]
    assert doc.get("visibility", "visible") in GS_VISIBILITY
    for t in doc["tests"]:
        assert set(t) <= GS_TEST and {"name", "score", "max_score", "output"} <= set(t)
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], (int, float)) and isinstance(t["max_score"], (int, float))
        assert 0 <= t["score"] <= t["max_score"]
        assert isinstance(t["output"], str) and t["output"]
        assert t.get("status", "passed") in ("passed", "failed")
        assert t.get("visibility", "visible") in GS_VISIBILITY
    assert doc["score"] == pytest.approx(sum(t["score"] for t in doc["tests"]))


def test_gradescope_for_a_class(run):
    result, out = run
    records = [r for r in json_lines(result.stdout) if "error" not in r]
    errors = [r for r in json_lines(result.stdout) if "error" in r]
    folders = sorted(p for p in (out / "gs").iterdir())
    assert len(folders) == len(records) + len(errors)      # an unreadable file gets an "Autograder error" result
    for folder in folders:
        assert [p.name for p in folder.iterdir()] == ["results.json"]
        check_gradescope(json.loads((folder / "results.json").read_text(encoding="utf-8")))
    s01 = json.loads((out / "gs" / "s01" / "results.json").read_text(encoding="utf-8"))
    assert all(t["status"] == "passed" for t in s01["tests"])
    assert not list(out.rglob("*.tmp"))


def test_gradescope_for_one_student(klass, tmp_path):
    target = tmp_path / "results.json"
    result = grade(klass / "s02.json", "--gradescope", target, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(target.read_text(encoding="utf-8"))
    check_gradescope(doc)
    names = [t["name"] for t in doc["tests"]]
    assert "hw-q3 params" in names
    params = doc["tests"][names.index("hw-q3 params")]
    assert params["status"] == "failed" and "忘记计入偏置" in params["output"]


def test_gradescope_folder_for_a_class_of_one(tmp_path):
    """A folder graded as a class writes <student>/results.json even when one file could be graded."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "only.yaml").write_text("answers:\n  hw-q3: {params: 4640}\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("answers: [\n", encoding="utf-8")
    result = grade(folder, "--gradescope", tmp_path / "gs")
    assert result.exit_code == 2
    check_gradescope(json.loads((tmp_path / "gs" / "only" / "results.json").read_text(encoding="utf-8")))


def test_text_report_in_chinese(klass):
    result = grade(klass / "s02.json", "--lang", "zh")
    assert result.exit_code == 0
    for phrase in ("习题", "小问", "判定", "忘记计入偏置", "错误"):
        assert phrase in result.stdout


def test_a_directory_named_like_an_answer_file(klass):
    result = grade(klass / "dir.yaml" / "s10.yaml", klass / "empty.yaml", "--format", "json")
    assert result.exit_code == 2
    no_traceback(result)
    # given directly, a directory is a folder of answer files
    result = grade(klass / "dir.yaml", "--format", "json")
    assert result.exit_code == 0 and json_lines(result.stdout)[0]["student"] == "s10"


def test_a_folder_with_no_answer_files(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    result = grade(tmp_path)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no answer files" in result.stderr


def test_missing_file(tmp_path):
    result = grade(tmp_path / "nope.yaml", "--format", "json")
    assert result.exit_code == 2
    no_traceback(result)
    assert json_lines(result.stdout)[0]["file"].endswith("nope.yaml")
    assert len(result.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ atomic outputs

def test_outputs_are_atomic_when_writing_fails(klass, tmp_path, monkeypatch):
    book = tmp_path / "book.csv"
    book.write_text("old gradebook\n", encoding="utf-8")

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device", str(dst))
    monkeypatch.setattr(os, "replace", failing_replace)
    result = grade(klass / "s01.yaml", "--csv", book, "--gradescope", tmp_path / "results.json")
    no_traceback(result)
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "No space left" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert book.read_text(encoding="utf-8") == "old gradebook\n"          # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv"]       # no temporary or partial file


def test_outputs_are_atomic_when_the_data_fails(klass, tmp_path, monkeypatch):
    """A failure while the data is written (not only at the rename) leaves nothing behind either."""
    real = os.fdopen

    class Broken(io.StringIO):
        def write(self, s):
            super().write(s[: len(s) // 2])
            raise OSError(5, "Input/output error")

    def fdopen(fd, *args, **kwargs):
        os.close(fd)
        return Broken()
    monkeypatch.setattr(os, "fdopen", fdopen)
    result = grade(klass / "s01.yaml", "--csv", tmp_path / "book.csv")
    monkeypatch.setattr(os, "fdopen", real)
    no_traceback(result)
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_one_error_line(klass, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = grade(klass / "s01.yaml", "--csv", blocker / "book.csv")
    no_traceback(result)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ hostile answers through the command

HOSTILE_PARTS = {
    "hw-q3": {"params": "9" * 5000, "macs": "9^9^9^9", "flops": "10**10**10", "shape": "[" * 200 + "1" + "]" * 200,
              "params_1x1": "x" * 10_000, "macs_1x1": r"\input{/etc/passwd}",
              "flops_1x1": "__import__('os').system('touch PWNED')", "params_ratio": "\x00\x01\x02\ufffd\u202e",
              "macs_ratio": "1e999999"},
    "24.8": {"dy_dw": "x" * 10_001, "dy_dx": "9^9^9^9", "dL_dW": "__import__('os')",
             "dL_dX": "conv(" * 500 + "W" + ")" * 500, "dY_dW": r"\input{/etc/passwd}",
             "dY_dX": r"\write18{rm -rf /}"},
    "24.4": {"output": "[" * 60 + "]" * 60},
    "d2l-6.2-wx1": {"Y": r"\begin{bmatrix}" + " & ".join(["1"] * 200) + r"\end{bmatrix}"},
    "24.1": {"holds": "eval('True')"},
    "24.3": {"valid": "\x7fELF\x02\x01\x01", "full": "🙂" * 100, "full_rotated": "true" * 3000},
}


def hostile_file(folder: Path) -> Path:
    path = folder / "evil.json"
    path.write_text(json.dumps({"student": "evil", "answers": HOSTILE_PARTS}), encoding="utf-8")
    return path


def check_hostile(record: dict) -> None:
    results = {(p["exercise"], p["part"]): p for p in record["results"]}
    for ex, parts in HOSTILE_PARTS.items():
        for part in parts:
            p = results[(ex, part)]
            assert p["verdict"] in ("unparsable", "incorrect", "needs_review"), (ex, part, p)
            assert p["score"] == 0
            if p["verdict"] == "unparsable":
                assert p["feedback"].startswith("Could not read this answer") or "longer than" in p["feedback"]
            assert len(p["answer"]) <= 200


def test_hostile_answers_through_the_grade_command(tmp_path):
    """The real console script, in a subprocess with a hard time limit."""
    path = hostile_file(tmp_path)
    script = Path(sys.executable).parent / "grade"        # the console script of the environment running the tests
    proc = subprocess.run([str(script), str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    check_hostile(json.loads(proc.stdout))
    assert not (tmp_path / "PWNED").exists()
    assert "root:" not in proc.stdout                   # nothing was read from /etc/passwd


def test_hostile_answers_in_process_in_chinese(tmp_path):
    result = grade(hostile_file(tmp_path), "--format", "json", "--lang", "zh", seconds=60)
    assert result.exit_code == 0
    no_traceback(result)
    record = json.loads(result.stdout)
    for p in record["results"]:
        if p["verdict"] == "unparsable":
            assert p["feedback"].startswith("无法读取这个答案") or "秒" in p["feedback"]
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("content", [
    pytest.param("answers:\n  hw-q3: {params: " + "9" * 4000 + "}\n", id="yaml-huge-int"),
    pytest.param("answers:\n  hw-q3: {params: .nan, macs: .inf, flops: -.inf, params_ratio: 1e400}\n", id="yaml-nan"),
    pytest.param("answers:\n  hw-q3: {shape: [" + ",".join(["7"] * 20000) + "]}\n", id="yaml-long-list"),
    pytest.param("answers:\n  d2l-6.2-wx1: {Y: " + "[" * 60 + "1" + "]" * 60 + "}\n", id="yaml-nested-60"),
    pytest.param("answers:\n  hw-q3: {params: {expr: {value: 1}}, macs: {a: 1}, flops: [1, 2], shape: {value: 7}}\n",
                 id="yaml-mappings"),
    pytest.param("answers:\n  hw-q3: {params: 2^1100, macs: \"10^500\", shape: \"[2^1100, 1, 1]\"}\n", id="big-power"),
    pytest.param("answers:\n  24.8: {dy_dw: \"k^k^k^k\", dy_dx: \"" + "(" * 49 + "k" + ")" * 49 + "\"}\n",
                 id="symbolic-tower"),
    pytest.param("answers:\n  hw-q3: {params: !!python/object/apply:os.system [\"touch PWNED\"]}\n", id="yaml-tag"),
])
def test_hostile_yaml_values(tmp_path, content):
    path = tmp_path / "s.yaml"
    path.write_text(content, encoding="utf-8")
    result = grade(path, "--format", "json", seconds=30)
    no_traceback(result)
    assert not (tmp_path / "PWNED").exists()
    if result.exit_code == 2:                            # refused as a file: one line on stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert set(json.loads(result.stdout)) == {"file", "error"}
        return
    assert result.exit_code == 0, result.stderr
    for p in json.loads(result.stdout)["results"]:
        assert p["verdict"] in VERDICTS
        if p["verdict"] == "unparsable":
            assert p["feedback"]


def test_binary_junk_file(tmp_path):
    junk = bytes((i * 7919) % 256 for i in range(50_000))
    for name in ("junk.yaml", "junk.md", "junk.json"):
        (tmp_path / name).write_bytes(junk)
    result = grade(tmp_path, "--format", "json")
    no_traceback(result)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 3
    assert all("error" in r for r in json_lines(result.stdout))
