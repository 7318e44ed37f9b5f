"""A whole class through the ``grade`` command: wall time, answers per second and peak memory (issues 13, 16).

    python bench/bench_class.py                                   # 1,000 students × 10 parts, --jobs 2
    python bench/bench_class.py --students 10000 --parts 10       # issue 13: aim under 2 minutes
    python bench/bench_class.py --students 10000 --parts 25       # issue 16: aim under 30 s and 150 MB
    python bench/bench_class.py --students 2000 --jobs 1 --keep /tmp/klass

``--students`` answer files are written to a temporary folder (JSON, YAML and Markdown, as students hand them
in), each answering ``--parts`` parts: about four in five numeric (hw-q3, hw-q6, 24.4, hw-q2, … — shapes,
counts, ratios, vectors) and the rest symbolic (24.8's derivatives and convolution expressions), written the
ways people write them (``4,640``, ``3.613M``, ``32×28×28``, LaTeX, ``x_{k+m-1, l+n-1}``), with wrong answers,
catalogued mistakes (the bias forgotten, padding ignored, …) and junk, as ``bench/bench_grade.py`` makes them.
The class is then graded by a ``grade DIR --jobs N --format json --jsonl … --csv … --report …`` subprocess,
after one untimed run on a small class has filled the gold cache (a fresh ``CNN_GOLD_CACHE`` folder). Printed:
wall time, answers per second, the CPU time of every process of the run (less sensitive than wall time to a
busy machine), the peak resident memory of the largest process (``ru_maxrss`` of the children), that of the
``grade`` process itself (it holds the class's compact rows: nearly flat in the class's size), and the peak
of the summed resident memory of the process tree (sampled every 50 ms with psutil; it counts the pages forked
workers share with the parent once per process, so it over-states). ``--no-memo`` grades every answer.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

NUMERIC_POOL = ["hw-q3", "hw-q6", "24.4", "hw-q2", "d2l-6.3-ex4", "mnist-cnn", "lenet", "notes-separable-cost"]
SYMBOLIC_POOL = [("24.8", "dy_dw"), ("24.8", "dL_dW"), ("24.8", "dy_dx"), ("24.8", "dL_dX")]


def choose_parts(parts: int) -> list[tuple[str, str]]:
    """``parts`` (exercise, part) pairs: about one in five symbolic (at most four), the rest numeric."""
    from grader.gold import gold_for
    symbolic = SYMBOLIC_POOL[:min(4, max(1, round(parts * 0.2)))] if parts >= 3 else []
    chosen: list[tuple[str, str]] = []
    for ex in NUMERIC_POOL:
        for pid in gold_for(ex).parts:
            if len(chosen) < parts - len(symbolic):
                chosen.append((ex, pid))
    return chosen + symbolic


def write_class(folder: Path, students: int, parts: list[tuple[str, str]], seed: int = 7) -> int:
    """The answer files; returns the number of answers written."""
    import yaml
    from bench_grade import answer_for
    from grader.gold import gold_for
    from grader.grade import _mistakes
    rng = random.Random(seed)
    golds = {ex: gold_for(ex) for ex, _ in parts}
    mistakes = {(ex, pid): list(_mistakes(ex, pid)) for ex, pid in parts}
    count = 0
    for s in range(students):
        answers: dict[str, dict[str, Any]] = {}
        for ex, pid in parts:
            if rng.random() < 0.03:
                continue                                     # left out: "missing"
            _, value = answer_for(ex, golds[ex].parts[pid], mistakes[(ex, pid)], rng)
            answers.setdefault(ex, {})[pid] = value
            count += 1
        name = f"s{s:05d}"
        fmt = rng.choices(["json", "yaml", "md"], [6, 2, 2])[0]
        flat = all(not isinstance(v, (list, dict)) for p in answers.values() for v in p.values())
        if fmt == "md" and flat:
            lines = [f"student: {name}", ""]
            for ex, got in answers.items():
                lines += [f"## {ex}"] + [f"- {pid}: {str(v).replace(chr(10), ' ')}" for pid, v in got.items()] + [""]
            (folder / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
        elif fmt == "yaml":
            (folder / f"{name}.yaml").write_text(yaml.safe_dump({"student": name, "answers": answers},
                                                                allow_unicode=True, sort_keys=False), encoding="utf-8")
        else:
            (folder / f"{name}.json").write_text(json.dumps({"student": name, "answers": answers},
                                                            ensure_ascii=False), encoding="utf-8")
    return count


def run_grade(folder: Path, out: Path, jobs: int, env: dict[str, str]) -> dict[str, Any]:
    """One ``grade`` subprocess over ``folder``: wall time, exit code, peak memory."""
    import psutil
    cmd = [sys.executable, "-m", "grader", str(folder), "--jobs", str(jobs), "--format", "json", "--lang", "en",
           "--jsonl", str(out / "records.jsonl"), "--csv", str(out / "book.csv"), "--report", str(out / "report.html")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak_tree = peak_root = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [root] + root.children(recursive=True)
            peak_tree = max(peak_tree, sum(p.memory_info().rss for p in tree if p.is_running()))
            peak_root = max(peak_root, root.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "rc": proc.returncode, "peak_tree_mb": peak_tree / 2**20, "stderr": stderr, "cpu": cpu,
            "peak_root_mb": peak_root / 2**20, "maxrss_mb": after.ru_maxrss / 1024, "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--parts", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-memo", action="store_true", help="grade with CNN_GRADE_MEMO=off")
    parser.add_argument("--keep", help="write the class to this folder and keep it (and reuse it if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp) / "class"
        parts = choose_parts(args.parts)
        t0 = time.perf_counter()
        if folder.is_dir() and any(folder.iterdir()):
            answers = None
        else:
            folder.mkdir(parents=True, exist_ok=True)
            answers = write_class(folder, args.students, parts)
        print(f"class: {args.students:,} students × {len(parts)} parts "
              f"({sum(1 for _, p in parts if (_, p) in SYMBOLIC_POOL)} symbolic) written in "
              f"{time.perf_counter() - t0:.1f} s: {', '.join(f'{e}/{p}' for e, p in parts)}")
        env = dict(os.environ, CNN_GOLD_CACHE=str(Path(tmp) / "gold"))
        if args.no_memo:
            env["CNN_GRADE_MEMO"] = "off"
        small = Path(tmp) / "warm"
        small.mkdir()
        write_class(small, 5, parts, seed=1)
        (Path(tmp) / "o0").mkdir()
        warm = run_grade(small, Path(tmp) / "o0", 1, env)
        print(f"warm-up (gold cache filled): {warm['wall']:.1f} s, exit {warm['rc']}")
        out = Path(tmp) / "out"
        out.mkdir()
        r = run_grade(folder, out, args.jobs, env)
        if answers is None:
            answers = sum(len(json.loads(line).get("results", [])) for line in
                          (out / "records.jsonl").read_text(encoding="utf-8").splitlines())
        errors = [line for line in r["stderr"].splitlines() if line.startswith("error:")]
        print(f"grade --jobs {args.jobs}{' (memo off)' if args.no_memo else ''}: {r['wall']:.1f} s wall, "
              f"{answers / r['wall']:,.0f} answers/s ({answers:,} answers), exit {r['rc']}, {len(errors)} error lines; "
              f"CPU time of the run {r['cpu']:.1f} s (user + system, every process; the machine's 1-minute load "
              f"at the end {r['load']:.1f})")
        print(f"peak memory: largest process {r['maxrss_mb']:.0f} MB (ru_maxrss of the children); the grade process "
              f"itself {r['peak_root_mb']:.0f} MB (what holds the class's rows); process tree {r['peak_tree_mb']:.0f} MB "
              f"(sum of RSS, shared pages counted per process)")
        if errors:
            print("first error lines:", *errors[:3], sep="\n  ")


if __name__ == "__main__":
    main()
