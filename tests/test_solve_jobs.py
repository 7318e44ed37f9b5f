"""``solve file`` of several files in forked processes (``--jobs``, :mod:`solver.forked`): the same output,
exit code and error lines as one process, a dying worker costs only its own file, and neither ``kill -9`` nor
Ctrl-C of ``solve`` leaves a worker behind or prints a traceback."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import solver.batch as batch
import solver.cli as cli
from solver.bank import bank_dir

KINDS = ["hw-q3", "24.1", "d2l-6.2-code-corr2d", "init-conv-he", "d2l-6.5-ex2-explain", "24.8"]   # six kinds


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for i, ex in enumerate(KINDS):
        shutil.copy(bank_dir() / f"{ex}.yaml", tmp_path / f"{i}-{ex}.yaml")
    (tmp_path / "3b-broken.yaml").write_text("id: broken\nkind: network: x\n", encoding="utf-8")
    return tmp_path


def _solve(*args: str):
    return CliRunner().invoke(cli.main, ["file", *args], env={"COLUMNS": "100"})


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_forked_workers_print_what_one_process_prints(folder, fmt):
    one = _solve(str(folder), "--format", fmt, "--jobs", "1")
    two = _solve(str(folder), "--format", fmt, "--jobs", "2")
    assert one.exit_code == two.exit_code == 2                     # the broken file
    assert one.stdout == two.stdout and one.stderr == two.stderr
    assert one.stderr.count("error:") == 1 and "3b-broken.yaml:2" in one.stderr
    if fmt == "json":
        ids = [line.split('"id": "')[1].split('"')[0] for line in one.stdout.splitlines()]
        assert ids == KINDS[:4] + ["3b-broken"] + KINDS[4:]          # an unreadable file: its name stands in


def test_the_order_of_the_files_is_kept(folder):
    result = _solve(*(str(folder / f"{i}-{ex}.yaml") for i, ex in reversed(list(enumerate(KINDS)))),
                    "--format", "json", "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert [line.split('"id": "')[1].split('"')[0] for line in result.stdout.splitlines()] == KINDS[::-1]


def test_a_worker_that_dies_costs_only_its_file(folder, monkeypatch):
    real = batch.solve_exercise

    def dies_on_24_1(ex, verify):
        if ex.id == "24.1":
            os._exit(9)                                            # killed, out of memory
        return real(ex, verify=verify)
    monkeypatch.setattr(batch, "solve_exercise", dies_on_24_1)  # inherited by the forked workers
    result = _solve(str(folder), "--format", "json", "--jobs", "2")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 2 and "1-24.1.yaml: the process solving this file died" in result.stderr
    assert '"id": "hw-q3"' in result.stdout and '"id": "24.8"' in result.stdout
    zh = _solve(str(folder), "--format", "json", "--jobs", "2", "--lang", "zh")
    assert "1-24.1.yaml：求解这个文件的进程中途退出了（被终止或内存不足），或无法送回结果" in zh.stderr, zh.stderr


def test_a_result_that_cannot_come_back_costs_only_its_file(folder, monkeypatch):
    real = batch.rendered

    def unpicklable_for_24_1(solution, *args):
        return (lambda: 0) if solution.exercise.id == "24.1" else real(solution, *args)
    monkeypatch.setattr(batch, "rendered", unpicklable_for_24_1)
    result = _solve(str(folder), "--format", "json", "--jobs", "2")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "1-24.1.yaml: the process solving this file died" in result.stderr
    assert result.stdout.count('"answers"') == len(KINDS) - 1


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _start_bank() -> tuple[subprocess.Popen, list[int]]:
    """``solve file`` of the whole bank, started in its own session; its workers once forked."""
    proc = subprocess.Popen([sys.executable, "-m", "solver", "file", str(bank_dir()), "--format", "json",
                             "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            return proc, workers
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the workers were never forked")


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pgrep") or not sys.platform.startswith("linux"), reason="Linux, pgrep")
def test_kill_9_of_solve_leaves_no_worker():
    proc, workers = _start_bank()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pgrep") or not sys.platform.startswith("linux"), reason="Linux, pgrep")
def test_ctrl_c_of_solve_stops_its_workers_without_a_traceback():
    proc, workers = _start_bank()
    os.killpg(proc.pid, signal.SIGINT)                              # Ctrl-C: the whole foreground group
    err = proc.communicate(timeout=30)[1].decode()
    assert proc.returncode != 0 and "Traceback" not in err, err
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


@pytest.mark.slow
def test_a_pdf_from_forked_workers_is_the_pdf_of_one_process(folder, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    (folder / "3b-broken.yaml").unlink()
    one = _solve(str(folder), "--format", "json", "--jobs", "1", "--pdf", str(tmp_path / "one.pdf"))
    two = _solve(str(folder), "--format", "json", "--jobs", "2", "--pdf", str(tmp_path / "two.pdf"))
    assert one.exit_code == two.exit_code == 0 and one.stdout == two.stdout
    a, b = (pypdf.PdfReader(str(tmp_path / f"{n}.pdf")) for n in ("one", "two"))
    assert len(a.pages) == len(b.pages) > len(KINDS)
    assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
