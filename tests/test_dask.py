"""``grade --dask`` (issue 13): grading mapped over files on a Dask cluster — here a ``distributed.LocalCluster``
of two worker processes — gives the gradebook, the JSON records and the class report of a single-process run,
byte for byte, with an unreadable file among the class. The cluster is closed after the run (no warning, no
unclosed resource: warnings are errors).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main

distributed = pytest.importorskip("distributed")

SHEETS = {   # hw-q3: params 4,640 (4,608: the bias forgotten); 24.4: output (7, -6, 8, -2, 5)
    "s1": {"hw-q3": {"shape": "32×28×28", "params": "4,640"}, "24.4": {"output": "[7, -6, 8, -2, 5]"}},
    "s2": {"hw-q3": {"shape": "32×30×30", "params": "4,608"}, "24.4": {"output": "[7, -6, 8, -2, 4]"}},
    "s3": {"hw-q3": {"params": "4608", "macs": "3.61M"}, "24.4": {"output": "7 -6 8 -2 5"}},
    "s4": {"hw-q3": {"shape": "28×28×32", "params": "??"}},
    "s5": {"24.4": {"output": "[7, -6, 8, -2, 5]"}},
    "s6": {"hw-q3": {"shape": "32×28×28", "params": "4,640", "macs": "3,612,672"}},
}


def grade(*args, seconds: float = 180):
    with deadline(seconds):
        return CliRunner().invoke(grade_main, [str(a) for a in args], env={"COLUMNS": "120"})


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as c:
        yield c


def test_dask_run_equals_the_single_process_run(tmp_path, cluster):
    klass = tmp_path / "class"
    klass.mkdir()
    for student, answers in SHEETS.items():
        (klass / f"{student}.json").write_text(json.dumps({"student": student, "answers": answers}),
                                               encoding="utf-8")
    (klass / "s7.json").write_text("{oops", encoding="utf-8")                   # unreadable
    runs = {}
    for name, extra in (("one", []), ("dask", ["--dask", cluster.scheduler_address])):
        out = tmp_path / name
        runs[name] = grade(klass, "--format", "json", "--lang", "en", "--csv", out / "book.csv", "--jsonl",
                           out / "run.jsonl", "--report", out / "report.html", *extra)
        assert runs[name].exit_code == 2 and "s7.json" in runs[name].stderr, runs[name].output
        assert "Traceback" not in runs[name].output
    assert runs["dask"].stdout == runs["one"].stdout and len(runs["one"].stdout.splitlines()) == 7
    for output in ("book.csv", "run.jsonl", "report.html"):
        assert (tmp_path / "dask" / output).read_bytes() == (tmp_path / "one" / output).read_bytes(), output
    rows = (tmp_path / "one" / "book.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("student,hw-q3/shape,hw-q3/params") and len(rows) == 7
    s2 = next(json.loads(line) for line in runs["one"].stdout.splitlines() if '"s2"' in line)
    params = next(r for r in s2["results"] if r["part"] == "params")
    assert (params["verdict"], params["score"], params["mistake"]) == ("partial", 0.5, "bias_forgotten")


def test_a_local_cluster_is_started_and_closed(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    for student in ("s1", "s2"):
        (klass / f"{student}.json").write_text(json.dumps({"student": student, "answers": SHEETS[student]}),
                                               encoding="utf-8")
    run = grade(klass, "--format", "json", "--dask", "local:1")
    assert run.exit_code == 0, run.output
    assert [json.loads(line)["student"] for line in run.stdout.splitlines()] == ["s1", "s2"]


def test_a_chinese_run_on_dask_says_what_one_process_says(tmp_path, cluster):
    """The same error lines in a Chinese run with and without a cluster (the scan reads every file in this
    process; a remote worker, which inherits nothing, gets the run's language with the job)."""
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "s1.json").write_text(json.dumps({"student": "s1", "answers": SHEETS["s1"]}), encoding="utf-8")
    (klass / "s7.yaml").write_text("student: s7\nanswers: 3\n", encoding="utf-8")          # answers not a mapping
    one = grade(klass, "--format", "json", "--lang", "zh")
    dask = grade(klass, "--format", "json", "--lang", "zh", "--dask", cluster.scheduler_address)
    assert one.stderr == dask.stderr and "错误：" in dask.stderr and "'answers' 必须是" in dask.stderr, dask.stderr
