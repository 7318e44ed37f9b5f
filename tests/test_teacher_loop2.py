"""The rest of the teacher's loop (issue 13): one answer file per student (duplicate ids and ids that would share
a file name are an error naming both files), files that are not answer files skipped with a note, --gradescope
a file for one sheet and a folder for a class, a Gradescope autograder zip run as Gradescope runs it, roster
names and seeds on variant sheets and keys, feedback PDFs in each student's language, --jobs, the gold cache.

hw-q3 has nine parts of 1 point; 4,608 for its params is the bias forgotten (0.5); 24.4 has one part ``output``
(7, -6, 8, -2, 5).
"""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main
from solver.cli import main as solve_main

RIGHT, WRONG = "[7, -6, 8, -2, 5]", "[7, -6, 8, -2, 4]"
GRADE = str(Path(sys.executable).with_name("grade"))


def grade(*args, seconds: float = 90):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


def sheet(folder: Path, name: str, student: str, answer: str = RIGHT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"student": student, "answers": {"24.4": {"output": answer}}}), encoding="utf-8")
    return path


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def lines(text: str, label: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(label + ":")]


# ------------------------------------------------------------------ 1. one file per student

def test_a_duplicate_id_is_an_error_naming_both_files_also_with_a_roster(tmp_path):
    klass = tmp_path / "class"
    first, second = sheet(klass, "a.json", "s01", RIGHT), sheet(klass, "b.json", "s01", WRONG)
    sheet(klass, "s02.json", "s02", RIGHT)
    (tmp_path / "roster.csv").write_text("学号,姓名\ns01,张三\ns02,李四\n", encoding="utf-8")
    result = grade(klass, "--roster", tmp_path / "roster.csv", "--csv", tmp_path / "book.csv")
    assert result.exit_code == 2
    errors = lines(result.stderr, "error")
    assert len(errors) == 1 and str(first) in errors[0] and str(second) in errors[0] and "'s01'" in errors[0]
    assert "not on the roster" not in result.stderr
    rows = csv_rows(tmp_path / "book.csv")
    assert [r[:4] for r in rows[1:]] == [["s01", "张三", "", "unreadable"], ["s02", "李四", "", "graded"]]
    assert [r[-2:] for r in rows[1:]] == [["0", "1"], ["1", "1"]]               # neither s01 file counts, one row
    moodle = grade(klass, "--csv", tmp_path / "m.csv", "--csv-format", "moodle")  # no roster: one row per id too
    moodle_rows = csv_rows(tmp_path / "m.csv")[1:]
    assert [r[0] for r in moodle_rows] == ["s02", "s01"] and "also given by" in moodle_rows[1][2]


def test_ids_equal_but_for_case_would_share_a_file_name_and_are_an_error(tmp_path):
    klass = tmp_path / "class"
    upper, lower = sheet(klass, "x.json", "Alice"), sheet(klass, "y.json", "alice")
    result = grade(klass, "--pdf-dir", tmp_path / "pdfs", "--gradescope", tmp_path / "gs")
    assert result.exit_code == 2
    errors = lines(result.stderr, "error")
    assert len(errors) == 1 and str(upper) in errors[0] and str(lower) in errors[0] and "case" in errors[0]
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == ["x", "y"]      # an error result each
    assert list((tmp_path / "pdfs").iterdir()) == []


def test_files_that_are_not_answer_files_are_skipped_with_a_note(tmp_path):
    klass = tmp_path / "class"
    sheet(klass, "s01.json", "s01")
    (klass / "README.md").write_text("# Homework 3\n\nHand in by Friday.\n", encoding="utf-8")
    (klass / "notes.txt").write_text("remember: check s01\n", encoding="utf-8")
    (klass / "hw3.yaml").write_text("exercises: [hw-q3]\n", encoding="utf-8")           # the assignment
    result = grade(klass, "--csv", tmp_path / "book.csv")
    assert result.exit_code == 0, result.stderr
    notes = lines(result.stderr, "note")
    assert sorted(Path(n.split(": ")[1]).name for n in notes) == ["README.md", "hw3.yaml", "notes.txt"]
    assert all("not an answer file" in n and "skipped" in n for n in notes)
    assert [r[0] for r in csv_rows(tmp_path / "book.csv")[1:]] == ["s01"]


def test_a_students_broken_sheet_is_still_an_error(tmp_path):
    klass = tmp_path / "class"
    sheet(klass, "s01.json", "s01")
    (klass / "s02.md").write_text("student: s02\n# Question 1\nparams: 4640\n", encoding="utf-8")   # names a student
    (klass / "s03.yaml").write_text("anwsers:\n  hw-q3: {params: 4640}\n", encoding="utf-8")          # a near miss
    (klass / "s04.md").write_text("# Homework\nparams 4640\n", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student\ns01\ns04\n", encoding="utf-8")                   # s04 is on it
    result = grade(klass, "--roster", tmp_path / "roster.csv")
    assert result.exit_code == 2
    errors = " ".join(lines(result.stderr, "error"))
    assert "s02.md" in errors and "s03.yaml" in errors and "s04.md" in errors
    assert not lines(result.stderr, "note")
    alone = grade(tmp_path / "class" / "s02.md")                          # named on the command line: an error
    assert alone.exit_code == 2 and not lines(alone.stderr, "note")


def test_a_folder_of_nothing_but_other_files_says_so(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "README.md").write_text("Homework 3\n", encoding="utf-8")
    result = grade(klass)
    assert result.exit_code == 2 and "no answer files found (1 other file skipped)" in result.stderr


# ------------------------------------------------------------------ 2. --gradescope: a file or a folder

def test_gradescope_refuses_a_folder_for_one_sheet_and_a_file_for_a_class(tmp_path):
    klass = tmp_path / "class"
    one = sheet(klass, "s01.json", "s01")
    sheet(klass, "s02.json", "s02")
    (tmp_path / "existing").mkdir()
    (tmp_path / "file.json").write_text("{}", encoding="utf-8")
    for args, phrase in [((one, "--gradescope", tmp_path / "existing"), "one answer file is graded"),
                         ((klass, "--gradescope", tmp_path / "file.json"), "a class is graded"),
                         ((klass, "--gradescope", tmp_path / "new.json"), "a class is graded"),
                         ((one, one, "--gradescope", tmp_path / "file.json"), "a class is graded")]:
        result = grade(*args)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and phrase in result.stderr
    assert (tmp_path / "file.json").read_text(encoding="utf-8") == "{}"
    assert not (tmp_path / "new.json").exists() and list((tmp_path / "existing").iterdir()) == []


def test_gradescope_folder_for_a_class_folder_of_one_file(tmp_path):
    klass = tmp_path / "class"
    sheet(klass, "s01.json", "s01")
    assert grade(klass, "--gradescope", tmp_path / "gs").exit_code == 0
    assert json.loads((tmp_path / "gs" / "s01" / "results.json").read_text(encoding="utf-8"))["score"] == 1
    assert grade(klass / "s01.json", "--gradescope", tmp_path / "one.json").exit_code == 0
    assert json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))["score"] == 1


# ------------------------------------------------------------------ 3. the Gradescope autograder

ASSIGNMENT = 'title: {en: Homework 3, zh: 第三次作业}\nexercises: [hw-q3, {id: "24.4", points: 5}]\n'
EXTRA = """id: my-conv
kind: network
title: {en: My convolution}
statement: {en: "A 3×3 convolution from 3 to 8 channels on 3×16×16."}
given:
  input_shape: [3, 16, 16]
  layers: [{type: Conv2d, out_channels: 8, kernel_size: 3}]
ask:
  - {id: params, quantity: params}
"""


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    base = tmp_path_factory.mktemp("ag")
    (base / "hw3.yaml").write_text(ASSIGNMENT.replace("]\n", ", my-conv]\n"), encoding="utf-8")
    (base / "bank").mkdir()
    (base / "bank" / "my-conv.yaml").write_text(EXTRA, encoding="utf-8")
    result = grade("autograder", "--assignment", base / "hw3.yaml", "--bank", base / "bank", "-o",
                   base / "autograder.zip")
    assert result.exit_code == 0, result.stderr
    return base / "autograder.zip"


def gradescope_run(zip_path: Path, root: Path, submission: dict[str, str]) -> dict:
    """Lay ``root`` out as Gradescope does (source/ unzipped, submission/, results/) and run run_autograder."""
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        os.chmod(root / "source" / name, 0o755)
    (root / "submission").mkdir()
    for name, text in submission.items():
        (root / "submission" / name).write_text(text, encoding="utf-8")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), GRADE=GRADE)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_the_autograder_zip_holds_what_gradescope_needs(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "assignment.yaml", "autograder.json", "bank/my-conv.yaml",
                "cnn-exercises/pyproject.toml", "cnn-exercises/grader/cli.py"} <= names
        assert not any("__pycache__" in n for n in names)
        for name in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(zf.getinfo(name).external_attr >> 16) == 0o755
        setup = zf.read("setup.sh").decode()
    assert subprocess.run(["bash", "-n", "-c", setup]).returncode == 0
    assert "pip install" in setup and "cnn-exercises" in setup


def test_run_autograder_grades_the_submission_as_gradescope_runs_it(autograder_zip, tmp_path):
    doc = gradescope_run(autograder_zip, tmp_path / "autograder", {
        "answers.md": "student: s07\n# hw-q3\n- params: 4608\n- flops: 7.23M\n# 24.4\noutput: 7 -6 8 -2 5\n"
                      "# my-conv\nparams: 224\n",
        "README.txt": "my notes\n"})
    assert doc["max_score"] == 9 + 5 + 1 and doc["score"] == 0.5 + 1 + 5 + 1
    tests = {t["name"]: t for t in doc["tests"]}
    assert tests["hw-q3 params"]["tags"] == ["bias_forgotten"] and tests["24.4 output"]["status"] == "passed"
    assert tests["my-conv params"]["score"] == 1
    assert all({"name", "score", "max_score", "status", "output"} <= set(t) for t in doc["tests"])


@pytest.mark.parametrize("files, phrase", [({}, "no answer file"),
                                           ({"a.yaml": "answers: {}\n", "b.md": "# 24.4\noutput: 1\n"}, "2 answer files"),
                                           ({"a.yaml": "answers: [oops\n"}, "could not be read")])
def test_run_autograder_always_writes_a_result(autograder_zip, tmp_path, files, phrase):
    doc = gradescope_run(autograder_zip, tmp_path / "autograder", files)
    assert doc["score"] == 0 and phrase in doc["output"] and doc["tests"][0]["name"] == "Autograder error"
    assert doc["tests"][0]["max_score"] == 15


def test_autograder_needs_an_assignment(tmp_path):
    result = grade("autograder", "-o", tmp_path / "a.zip")
    assert result.exit_code == 2 and "--assignment" in result.stderr
    (tmp_path / "bad.yaml").write_text("exercises: [no-such]\n", encoding="utf-8")
    result = grade("autograder", "--assignment", tmp_path / "bad.yaml", "-o", tmp_path / "a.zip")
    assert result.exit_code == 2 and "unknown exercise" in result.stderr and not (tmp_path / "a.zip").exists()


# ------------------------------------------------------------------ 4. names on sheets; PDFs in the student's language

def pdf_text(path: Path) -> str:
    pypdf = pytest.importorskip("pypdf")
    return " ".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def test_variant_sheets_and_keys_name_the_student_and_the_seed(tmp_path):
    from solver.variants import seed_for_student
    (tmp_path / "roster.csv").write_text("SIS User ID,Student\ns01,Ann Lee\ns02,\n", encoding="utf-8")
    with deadline(180):
        result = CliRunner().invoke(solve_main, ["pdf", "24.4", "--no-verify", "--class",
                                                 str(tmp_path / "roster.csv"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    index = json.loads((tmp_path / "out" / "class.json").read_text(encoding="utf-8"))
    assert [(e["student"], e.get("name")) for e in index] == [("s01", "Ann Lee"), ("s02", None)]
    seed = str(seed_for_student("s01"))
    sheet_text, key_text = pdf_text(tmp_path / "out" / "s01.pdf"), pdf_text(tmp_path / "out" / "s01-key.pdf")
    for text in (sheet_text, key_text):
        assert "Ann Lee (s01)" in text and seed in text
    assert "s02" in pdf_text(tmp_path / "out" / "s02.pdf")


def test_sheet_lists_each_part_as_its_own_item():
    from solver.bank import load_exercise
    from solver.class_sheets import sheet_source
    src = sheet_source([load_exercise("hw-q3")], "en", "s01", "", 1)
    assert [line for line in src.splitlines() if line.startswith("- ")] == [
        f"- #\"{p}\"" for p in ("shape", "params", "macs", "flops", "params_1x1", "macs_1x1", "flops_1x1",
                                "params_ratio", "macs_ratio")]


def test_feedback_pdfs_in_each_students_own_language(tmp_path):
    from solver.render.typst import find_cjk_fonts
    if not find_cjk_fonts([]):
        pytest.skip("no CJK font on this machine")
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "en.md").write_text("student: en1\n# 24.4\noutput: 7 -6 8 -2 4 (the bias is added to each output)\n",
                                 encoding="utf-8")
    (klass / "zh.md").write_text("student: zh1\n## 第1题 24.4\n输出：7 -6 8 -2 4（每个输出都加上偏置）\n", encoding="utf-8")
    result = grade(klass, "--pdf-dir", tmp_path / "pdfs", seconds=180)
    assert result.exit_code == 0, result.stderr
    from solver.i18n import Msg
    english, chinese = pdf_text(tmp_path / "pdfs" / "en1.pdf"), pdf_text(tmp_path / "pdfs" / "zh1.pdf")
    assert Msg("r.verdict").render("en") in english and Msg("r.verdict").render("zh") not in english
    assert Msg("r.verdict").render("zh") in chinese and Msg("r.verdict").render("en") not in chinese


# ------------------------------------------------------------------ 5. --jobs and the gold cache

def test_jobs_2_gives_the_same_output_in_the_same_order(tmp_path):
    klass = tmp_path / "class"
    for n in range(12):
        sheet(klass, f"s{n:02}.json", f"s{n:02}", RIGHT if n % 3 else WRONG)
    (klass / "s05.json").write_text("{oops", encoding="utf-8")                      # one bad file
    one = grade(klass, "--format", "json", "--csv", tmp_path / "one.csv")
    two = grade(klass, "--format", "json", "--csv", tmp_path / "two.csv", "--jobs", "2")
    assert one.exit_code == two.exit_code == 2
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 12
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_a_worker_that_dies_costs_only_its_own_file(monkeypatch):
    import grader.parallel as parallel
    from grader.answers import AnswerSheet
    real = parallel.grade_one

    def dies_on_boom(sheet, job):
        if sheet.student == "boom":
            os._exit(9)                                                              # a killed worker
        return real(sheet, job)
    monkeypatch.setattr(parallel, "grade_one", dies_on_boom)                        # inherited by the fork
    job = parallel.Job(False, (), None, None, "en", "text")
    sheets = [AnswerSheet(s, f"{s}.yaml", {"24.4": {"output": RIGHT}}) for s in ("a", "boom", "c", "d")]
    with deadline(120):
        out = list(parallel.grade_all(sheets, job, jobs=2))
    assert [k for k, _, _ in out] == ["ok", "error", "ok", "ok"]
    assert "boom.yaml" in out[1][1] and "died" in out[1][1]
    assert [r.student for k, r, _ in out if k == "ok"] == ["a", "c", "d"]


def test_gold_cache_is_json_keyed_checked_and_private(tmp_path, monkeypatch):
    from grader import gold_cache
    from grader.gold import compute_gold
    from solver.bank import load_exercise
    folder = tmp_path / "cache"
    monkeypatch.setenv("CNN_GOLD_CACHE", str(folder))
    assert gold_cache.store(compute_gold("hw-q3"))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    [entry] = list(folder.iterdir())
    data = json.loads(entry.read_text(encoding="utf-8"))
    assert data["exercise"] == "hw-q3" and data["parts"]["params"] == {"value": 4640, "expected": "int"}
    cached = gold_cache.load(load_exercise("hw-q3"))
    assert cached is not None and not cached.solved and cached.parts["params"].value == 4640
    assert gold_cache.load(load_exercise("24.5", seed=3)) is None                  # another key
    data["parts"]["params"]["value"] = 1
    data["exercise"] = "hw-q2"                                                     # an entry for something else
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert gold_cache.load(load_exercise("hw-q3")) is None
    entry.write_text("{not json", encoding="utf-8")
    assert gold_cache.load(load_exercise("hw-q3")) is None
    os.chmod(folder, 0o777)                                                        # others could plant answers
    assert gold_cache.cache_dir() is None and gold_cache.load(load_exercise("hw-q3")) is None
    monkeypatch.setenv("CNN_GOLD_CACHE", "off")
    assert gold_cache.cache_dir() is None


def test_a_cached_gold_grades_like_a_solved_one(tmp_path, monkeypatch):
    from grader import gold_cache
    from grader.answers import AnswerSheet
    from grader.gold import compute_gold
    from grader.grade import grade_sheet
    from solver.bank import load_exercise
    monkeypatch.setenv("CNN_GOLD_CACHE", str(tmp_path / "cache"))
    answers = {"hw-q3": {"params": "4,608", "macs": "3.61M", "flops": "3612672", "shape": "32x28x28"}}
    fresh = grade_sheet(AnswerSheet("s", "s.yaml", answers))
    assert gold_cache.store(compute_gold("hw-q3"))
    cached = gold_cache.load(load_exercise("hw-q3"))
    import grader.grade as grade_module
    monkeypatch.setattr(grade_module, "gold_for", lambda ex, seed=None: cached)
    grade_module._mistakes.cache_clear()
    again = grade_sheet(AnswerSheet("s", "s.yaml", answers))
    assert [(p.part, p.verdict, p.score, p.mistake) for p in again.parts] == \
        [(p.part, p.verdict, p.score, p.mistake) for p in fresh.parts]
    grade_module._mistakes.cache_clear()


# ------------------------------------------------------------------ grade merge

def test_merge_of_shards_equals_one_run_over_the_class(tmp_path):
    parts = {"p1": {f"s0{i}": f"[7, -6, 8, -2, {i + 3}]" for i in (1, 2, 3)}, "p2": {"s04": RIGHT, "s05": WRONG}}
    for folder, students in parts.items():
        for student, answer in students.items():
            sheet(tmp_path / folder, f"{student}.json", student, answer)
            sheet(tmp_path / "all", f"{student}.json", student, answer)
    for folder in ("p2", "all"):
        (tmp_path / folder / "s06.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "hw.yaml").write_text('exercises: [hw-q3, {id: "24.4", points: 5}]\n', encoding="utf-8")
    (tmp_path / "r.csv").write_text("student,name\n" + "".join(f"s0{i},N{i}\n" for i in range(1, 8)), encoding="utf-8")
    common = ["--assignment", tmp_path / "hw.yaml", "--lang", "en"]
    for n, folder in enumerate(("p1", "p2"), start=1):
        shard = grade(tmp_path / folder, "--format", "json", "--jobs", "2", *common)
        (tmp_path / f"shard{n}.jsonl").write_text(shard.stdout, encoding="utf-8")
    whole = grade(tmp_path / "all", "--roster", tmp_path / "r.csv", "--csv", tmp_path / "whole.csv",
                  "--csv-format", "canvas", *common)
    merged = grade("merge", tmp_path / "shard1.jsonl", tmp_path / "shard2.jsonl", "--roster", tmp_path / "r.csv",
                   "--csv", tmp_path / "merged.csv", "--csv-format", "canvas", "--report", tmp_path / "r.html",
                   "--xlsx", tmp_path / "m.xlsx", *common)
    assert whole.exit_code == merged.exit_code == 2                                  # s06 is unreadable
    assert (tmp_path / "merged.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "r.html").stat().st_size > 1000 and (tmp_path / "m.xlsx").exists()
    (tmp_path / "bad.jsonl").write_text('{"student": "x", "score": "many"}\n', encoding="utf-8")
    bad = grade("merge", tmp_path / "bad.jsonl", "--csv", tmp_path / "b.csv")
    assert bad.exit_code == 2 and "bad.jsonl:1" in bad.stderr and not (tmp_path / "b.csv").exists()


def test_workers_use_torch_after_the_parent_did(monkeypatch):
    """The parent computes gold answers with PyTorch (OpenMP threads) before forking; a worker's convolution
    must not wait forever for the parent's threads."""
    torch = pytest.importorskip("torch")
    import grader.parallel as parallel
    from grader.answers import AnswerSheet
    x, w = torch.ones(1, 8, 96, 96), torch.ones(8, 8, 3, 3)
    torch.nn.functional.conv2d(x, w)                                              # the parent's thread pool
    real = parallel.grade_one

    def conv_then_grade(sheet, job):
        torch.nn.functional.conv2d(x, w)
        return real(sheet, job)
    monkeypatch.setattr(parallel, "grade_one", conv_then_grade)
    job = parallel.Job(False, (), None, None, "en", "text")
    sheets = [AnswerSheet(s, f"{s}.yaml", {"24.4": {"output": RIGHT}}) for s in ("a", "b", "c")]
    with deadline(60):
        assert [k for k, _, _ in parallel.grade_all(sheets, job, jobs=2)] == ["ok", "ok", "ok"]


def test_the_bundled_source_builds_and_setup_warms_the_gold_cache(autograder_zip, tmp_path):
    """What setup.sh does, without the network: the bundled source builds into a wheel with the grade command,
    and `grade autograder --warm` fills the gold cache for the assignment."""
    pytest.importorskip("setuptools")
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(tmp_path / "source")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(tmp_path / "wheel"), str(tmp_path / "source" / "cnn-exercises")],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    [wheel] = list((tmp_path / "wheel").glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        entry_points = next(zf.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert "grader/autograder.py" in names and "exercises/hw-q3.yaml" in names
    assert "grade = grader.cli:run" in entry_points
    env = dict(os.environ, CNN_GOLD_CACHE=str(tmp_path / "cache"))
    done = subprocess.run([GRADE, "autograder", "--warm", str(tmp_path / "source")], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "cache").glob("*.json"))) == 3                      # hw-q3, 24.4, my-conv
