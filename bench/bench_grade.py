"""Grading throughput on a synthetic class (figures for the issue notes, not a pass/fail test).

    .venv/bin/python bench/bench_grade.py                     # 1,000 answer files, in-process
    .venv/bin/python bench/bench_grade.py --workers 2         # also with a pool of 2 processes
    .venv/bin/python bench/bench_grade.py --students 200 --profile   # cProfile of the in-process run
    .venv/bin/python bench/bench_grade.py --startup 15         # grade of one small file vs the import floor

A class of ``--students`` answer files is written to a temporary folder, over the whole bank: each student
answers a random choice of exercises, every part of them, with a mix of correct answers written as people
write them (``4,640``, ``3.613M``, ``28×28×32``, ``1 2; 3 4``, LaTeX, ``成立``, ``x_{k+m-1, l+n-1}``), wrong
answers, answers that match a catalogued mistake, and unreadable ones, in YAML, JSON and Markdown. The
files are then read and graded as ``grade`` does. Printed: answers per second for numeric parts (numbers,
shapes, vectors, matrices, booleans) and for symbolic parts (expressions, convolution expressions)
separately, counted over the time spent grading those parts; the slowest single part; the total time
(reading + grading, after the gold answers are computed once — that warm-up is printed too).

Parts of other kinds (explanations kept for review, programs run in the sandbox) are graded too and
counted apart. A second class of the same size without symbolic or program parts gives the numeric rate
with reading included.

Goals: ≥ 2,000 numeric answers/s overall and no single part over 1 s.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NUMERIC = ("int", "real", "shape", "vector", "matrix", "bool")
SYMBOLIC = ("expr", "convexpr", "expr_matrix")


# ------------------------------------------------------------------ writing answers as people do

def _sig(v: float, digits: int) -> str:
    return f"{v:.{digits}g}"


def fmt_int(v: int, rng: random.Random) -> str:
    style = rng.randrange(5)
    if style == 0 or abs(v) < 10_000:
        return f"{v:,}" if rng.random() < 0.5 else str(v)
    if style == 1:
        return str(v)
    if style == 2 and abs(v) >= 1_000_000:
        return f"{v / 1e6:.3f}M"                       # 4 figures at least: within the figures given
    if style == 3 and abs(v) >= 100_000:
        return f"{v / 1e4:.2f}万"
    return f"{v / 1e3:.2f}K" if abs(v) < 1_000_000 else f"{v:.4e}"


def fmt_real(v: float, rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0 and 0 < v < 1:
        return f"{100 * v:.2f}%"
    if style == 1:
        return _sig(v, 4)
    return repr(v)


def fmt_entry(x: Any) -> str:
    if isinstance(x, float):
        f = Fraction(x).limit_denominator(1000)
        return str(f.numerator) if f.denominator == 1 else (repr(x) if len(repr(x)) < 8 else f"{f.numerator}/{f.denominator}")
    return str(x)


def fmt_shape(v: list[int], rng: random.Random) -> Any:
    style = rng.randrange(4)
    if style == 0:
        return "×".join(map(str, v))
    if style == 1:
        return "(" + ", ".join(map(str, v)) + ")"
    if style == 2 and len(v) == 3:
        return f"{v[1]}×{v[2]}×{v[0]}"                 # H×W×C: accepted with a note
    return list(v)                                      # a YAML list


def fmt_vector(v: list[Any], rng: random.Random) -> Any:
    style = rng.randrange(3)
    if style == 0:
        return " ".join(fmt_entry(x) for x in v)
    if style == 1:
        return "[" + ", ".join(fmt_entry(x) for x in v) + "]"
    return list(v)


def fmt_matrix(m: list[list[Any]], rng: random.Random) -> Any:
    style = rng.randrange(4)
    if style == 0:
        return "; ".join(" ".join(fmt_entry(x) for x in row) for row in m)
    if style == 1:
        return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(fmt_entry(x) for x in row) for row in m) + r" \end{bmatrix}"
    if style == 2:
        return "[" + ", ".join("[" + ", ".join(fmt_entry(x) for x in row) + "]" for row in m) + "]"
    return [list(row) for row in m]


def fmt_value(v: Any, expected: str, rng: random.Random) -> Any:
    if expected == "int":
        return fmt_int(v, rng)
    if expected == "real":
        return fmt_real(v, rng)
    if expected == "shape":
        return fmt_shape(v, rng)
    if expected == "vector":
        return fmt_vector(v, rng)
    if expected == "matrix":
        if v and v[0] and isinstance(v[0][0], list):    # several channels: the parser reads one matrix
            return [[list(r) for r in ch] for ch in v]
        return fmt_matrix(v, rng)
    if expected == "bool":
        return rng.choice([["true", "成立", "是", "yes", "对"], ["false", "不成立", "否", "no", "错"]][0 if v else 1])
    return v


CORRECT_EXPR = {
    ("24.8", "dy_dw"): ["x_{k+m-1, l+n-1}", "x[k+m-1][l+n-1]", "x_{m+k-1,n+l-1}"],
    ("24.8", "dy_dx"): ["w_{i-k+1, j-l+1} if 1 <= i-k+1 <= M and 1 <= j-l+1 <= N else 0",
                        r"\begin{cases} w_{i-k+1,j-l+1} & 1 \le i-k+1 \le 3,\ 1 \le j-l+1 \le 3 \\ 0 & \text{otherwise} \end{cases}",
                        "当 1 ≤ i-k+1 ≤ M 且 1 ≤ j-l+1 ≤ N 时 w_{i-k+1,j-l+1}；否则 0"],
    ("24.8", "dL_dW"): ["X * δ", "corr(delta, X)", "∂L/∂W = X * δ"],
    ("24.8", "dL_dX"): ["conv(W, δ, mode=full)", "corr(rot180(W), delta, mode=full)"],
}
WRONG_EXPR = {
    ("24.8", "dy_dw"): ["x_{k+m, l+n}", "w_{k+m-1, l+n-1}"],
    ("24.8", "dy_dx"): ["w_{i-k+1, j-l+1}", "w_{i-k, j-l} if 0 <= i-k <= 2 and 0 <= j-l <= 2 else 0"],
    ("24.8", "dL_dW"): ["corr(X, delta)", "conv(delta, X)"],
    ("24.8", "dL_dX"): ["corr(W, delta, mode=full)", "conv(W, delta)"],
}
JUNK = ["4.64kk", "??", "[[1, 2], [3]", "\\input{/etc/passwd}", "__import__('os')", "9^9^9^9", "一些文字", "(", "x" * 300]


def wrong_value(v: Any, expected: str, rng: random.Random) -> Any:
    if expected == "int":
        return v + rng.choice([1, -1, 7, 1000])
    if expected == "real":
        return v * 1.5 + 0.1
    if expected in ("shape", "vector"):
        return [v[0] + 3] + list(v[1:])
    if expected == "matrix":
        out = json.loads(json.dumps(v))
        cell = out
        while isinstance(cell[0], list):
            cell = cell[0]
        cell[0] = cell[0] + 1
        return out
    if expected == "bool":
        return not v
    return v


def answer_for(ex_id: str, gp: Any, mistakes: list[tuple[Any, Any]], rng: random.Random) -> tuple[str, Any]:
    """(what kind of answer, the answer as written)."""
    expected, gold = gp.expected, gp.value
    roll = rng.random()
    if gp.part.quantity == "program":                    # code exercises: run in the sandbox (timed apart)
        name = gold.get("function", "f") if isinstance(gold, dict) else "f"
        return "program", rng.choice([f"def {name}(*args):\n    return 0\n", "import os\nos.system('true')\n", "0"])
    if expected in ("expr", "convexpr"):
        key = (ex_id, gp.part.id)
        if roll < 0.5:
            return "correct", rng.choice(CORRECT_EXPR.get(key, [gold.get("expr", "0")]))
        if roll < 0.85:
            return "wrong", rng.choice(WRONG_EXPR.get(key, ["0"]))
        return "junk", rng.choice(JUNK)
    if expected in ("expr_matrix", "prose"):
        return "review", rng.choice(["see my notes", "[[x11, x12], [x21, x22]]", "By induction on l."])
    if roll < 0.45:
        return "correct", fmt_value(gold, expected, rng)
    if roll < 0.70 and mistakes:
        return "mistake", fmt_value(rng.choice(mistakes)[1], expected, rng)
    if roll < 0.90:
        return "wrong", fmt_value(wrong_value(gold, expected, rng), expected, rng)
    return "junk", rng.choice(JUNK)


def write_class(folder: Path, students: int, seed: int, symbolic: bool = True) -> Counter:
    from solver.bank import load_bank

    from grader.gold import gold_for
    from grader.grade import _mistakes
    rng = random.Random(seed)
    golds = {ex.id: gold_for(ex.id) for ex in load_bank()}
    bank = [ex_id for ex_id, g in golds.items()
            if symbolic or not any(gp.expected in SYMBOLIC or gp.part.quantity == "program" for gp in g.parts.values())]
    kinds: Counter = Counter()
    for s in range(students):
        chosen = rng.sample(bank, rng.randint(4, 9))
        if symbolic and s % 4 == 0 and "24.8" not in chosen:          # enough symbolic answers to measure
            chosen.append("24.8")
        answers: dict[str, dict[str, Any]] = {}
        for ex_id in chosen:
            parts = {}
            for pid, gp in golds[ex_id].parts.items():
                if rng.random() < 0.05:
                    continue                             # left out: "missing"
                kind, value = answer_for(ex_id, gp, list(_mistakes(ex_id, pid)), rng)
                kinds[kind] += 1
                parts[pid] = value
            answers[ex_id] = parts
        name = f"s{s:04d}"
        fmt = rng.choices(["yaml", "json", "md"], [6, 2, 2])[0]
        if fmt == "md" and all(not isinstance(v, (list, dict)) for p in answers.values() for v in p.values()):
            lines = [f"student: {name}", ""]
            for ex_id, parts in answers.items():
                lines.append(f"## {ex_id}")
                lines += [f"- {pid}: {str(v).replace(chr(10), ' ')}" for pid, v in parts.items()]
                lines.append("")
            (folder / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
        elif fmt == "json":
            (folder / f"{name}.json").write_text(json.dumps({"student": name, "answers": answers}, ensure_ascii=False),
                                                 encoding="utf-8")
        else:
            import yaml
            (folder / f"{name}.yaml").write_text(yaml.safe_dump({"student": name, "answers": answers},
                                                                allow_unicode=True, sort_keys=False), encoding="utf-8")
    return kinds


# ------------------------------------------------------------------ grading with timings

def grade_files(files: list[str]) -> dict[str, Any]:
    """Read and grade ``files`` as ``grade`` does, timing every part (runs in a worker for --workers)."""
    import grader.grade as G
    from grader.answers import read_sheet
    from solver.errors import InputError
    times: dict[str, list[float]] = {"numeric": [], "symbolic": [], "other": []}
    by_type: dict[str, list[float]] = {}
    slowest = (0.0, "")
    verdicts: Counter = Counter()
    original = G.grade_part

    slowest_graded = (0.0, "")

    def timed(gold: Any, part_id: str, raw: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal slowest, slowest_graded
        t0 = time.perf_counter()
        result = original(gold, part_id, raw, *args, **kwargs)
        dt = time.perf_counter() - t0
        expected = gold.parts[part_id].expected
        if gold.parts[part_id].part.quantity == "program":
            expected = "program"
        group = "numeric" if expected in NUMERIC else "symbolic" if expected in SYMBOLIC else "other"
        if result.verdict != "missing":
            times[group].append(dt)
            by_type.setdefault(expected, []).append(dt)
            verdicts[result.verdict] += 1
        where = f"{gold.exercise.id}/{part_id} = {str(raw)[:60]!r} ({result.verdict})"
        if dt > slowest[0]:
            slowest = (dt, where)
        if group != "other" and dt > slowest_graded[0]:
            slowest_graded = (dt, where)
        return result

    G.grade_part = timed
    errors = 0
    t0 = time.perf_counter()
    try:
        for f in files:
            try:
                G.grade_sheet(read_sheet(f))
            except InputError:
                errors += 1
    finally:
        G.grade_part = original
    return {"times": times, "by_type": by_type, "slowest": slowest, "slowest_graded": slowest_graded,
            "verdicts": verdicts, "errors": errors,
            "total": time.perf_counter() - t0}


def _warm(_: int = 0) -> None:
    """Gold answers and mistake values, through the grader's own code path (a wrong answer to every part)."""
    from solver.bank import load_bank

    from grader.answers import AnswerSheet
    from grader.gold import gold_for
    from grader.grade import grade_sheet
    for ex in load_bank():
        g = gold_for(ex.id)
        grade_sheet(AnswerSheet("warm", "warm.yaml", {ex.id: {pid: "-12345" for pid in g.parts}}))


def report(label: str, r: dict[str, Any], wall: float) -> None:
    num, sym = r["times"]["numeric"], r["times"]["symbolic"]
    rate = (lambda xs: len(xs) / sum(xs) if xs and sum(xs) > 0 else float("nan"))
    print(f"[{label}] numeric parts: {len(num):,} answers, {rate(num):,.0f} answers/s "
          f"(grading time {sum(num):.2f} s)")
    print(f"[{label}] symbolic parts: {len(sym):,} answers, {rate(sym):,.0f} answers/s "
          f"(grading time {sum(sym):.2f} s)")
    print(f"[{label}] by expected type: " + "; ".join(
        f"{k} {len(v):,} at {1000 * sum(v) / len(v):.2f} ms (max {1000 * max(v):.0f})"
        for k, v in sorted(r["by_type"].items())))
    other = r["times"]["other"]
    print(f"[{label}] other parts (prose kept for review, programs run in the sandbox): {len(other):,} answers "
          f"in {sum(other):.2f} s")
    print(f"[{label}] slowest single part: {r['slowest'][0] * 1000:.0f} ms — {r['slowest'][1]}")
    print(f"[{label}] slowest numeric or symbolic part: {r['slowest_graded'][0] * 1000:.0f} ms — "
          f"{r['slowest_graded'][1]}")
    print(f"[{label}] verdicts: {dict(sorted(r['verdicts'].items()))}; unreadable files: {r['errors']}")
    overall = (len(num) + len(sym)) / wall if wall else float("nan")
    print(f"[{label}] total {wall:.2f} s for reading and grading ({overall:,.0f} answers/s overall, "
          f"numeric {len(num) / wall:,.0f}/s of wall time)")


def startup(runs: int) -> None:
    """``grade`` of one small numeric answer file (hw-q3's params and MACs) beside the import floor
    ``python -c "import yaml, click, rich.console"``, as separate processes, interleaved: medians and ratios. The
    ``grade`` entry point is what a user runs; ``python -m grader`` adds runpy's own start-up.
    Byte-code is written to a temporary ``PYTHONPYCACHEPREFIX`` and one untimed run of each warms it (as an
    installed package has its ``.pyc`` files), and the gold cache is a fresh folder filled by that run."""
    import os
    import statistics
    import subprocess
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "s1.yaml"
        sheet.write_text("student: s1\nanswers:\n  hw-q3:\n    params: 4640\n    macs: 3.61M\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPYCACHEPREFIX=str(Path(tmp) / "pyc"), CNN_GOLD_CACHE=str(Path(tmp) / "gold"), COLUMNS="100")
        script = Path(sys.executable).with_name("grade")        # the entry point a user runs
        entry = [str(script)] if script.exists() else [sys.executable, "-m", "grader"]
        commands = {"floor": [sys.executable, "-c", "import yaml, click, rich.console"],
                    "grade (text)": entry + [str(sheet)],
                    "grade --format json": entry + ["--format", "json", str(sheet)],
                    "python -m grader --format json": [sys.executable, "-m", "grader", "--format", "json", str(sheet)]}
        times: dict[str, list[float]] = {k: [] for k in commands}
        for i in range(runs + 1):
            for name, cmd in commands.items():
                t0 = time.perf_counter()
                done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                if done.returncode:
                    raise SystemExit(f"{name} failed: {done.stderr.decode(errors='replace')[-500:]}")
                if i:                                        # the first round writes byte-code: not timed
                    times[name].append(time.perf_counter() - t0)
        floor = statistics.median(times["floor"])
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"[startup] {name}: median {1000 * med:.0f} ms of {runs} interleaved runs = {med / floor:.2f}× the "
                  f"floor{'  (target ≤ 1.5×)' if name != 'floor' else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--startup", type=int, default=0, metavar="RUNS",
                        help="only measure grade of one small file against the import floor (RUNS interleaved runs)")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=0, help="also grade with a pool of this many processes")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process run (top 25 by cumulative)")
    parser.add_argument("--keep", help="write the class to this folder and keep it")
    args = parser.parse_args()
    if args.startup:
        startup(args.startup)
        return

    t0 = time.perf_counter()
    _warm()
    warm = time.perf_counter() - t0
    print(f"warm-up: gold answers and mistake values of the whole bank in {warm:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        kinds = write_class(folder, args.students, args.seed)
        files = sorted(str(p) for p in folder.iterdir() if p.is_file())
        print(f"class: {len(files)} files in {time.perf_counter() - t0:.2f} s; answers written: {dict(kinds)}")

        if args.profile:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            t0 = time.perf_counter()
            prof.enable()
            r = grade_files(files)
            prof.disable()
            report("in-process, profiled", r, time.perf_counter() - t0)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        else:
            t0 = time.perf_counter()
            r = grade_files(files)
            report("in-process", r, time.perf_counter() - t0)

        numeric_folder = folder / "numeric-only"
        numeric_folder.mkdir()
        write_class(numeric_folder, args.students, args.seed + 1, symbolic=False)
        numeric_files = sorted(str(p) for p in numeric_folder.iterdir())
        t0 = time.perf_counter()
        rn = grade_files(numeric_files)
        wall = time.perf_counter() - t0
        count = sum(len(v) for v in rn["times"].values())
        print(f"[numeric-only class] {len(numeric_files)} files, {count:,} answers read and graded in {wall:.2f} s: "
              f"{count / wall:,.0f} answers/s overall (reading included); slowest part "
              f"{rn['slowest'][0] * 1000:.0f} ms")

        if args.workers:
            from concurrent.futures import ProcessPoolExecutor

            from grader.timeout import shutdown as shutdown_worker
            import multiprocessing as mp
            shutdown_worker()                 # the forked pool workers start their own symbolic worker
            chunks = [files[i::args.workers] for i in range(args.workers)]
            from grader.parallel import init_worker           # torch's thread pool does not survive a fork
            with ProcessPoolExecutor(args.workers, mp_context=mp.get_context("fork"), initializer=init_worker) as pool:
                list(pool.map(_warm, range(args.workers)))       # each worker computes its gold once
                t0 = time.perf_counter()
                parts = list(pool.map(grade_files, chunks))
                wall = time.perf_counter() - t0
            merged = {"times": {k: sum((p["times"][k] for p in parts), []) for k in ("numeric", "symbolic", "other")},
                      "by_type": {k: sum((p["by_type"].get(k, []) for p in parts), [])
                                  for k in {t for p in parts for t in p["by_type"]}},
                      "slowest": max(p["slowest"] for p in parts),
                      "slowest_graded": max(p["slowest_graded"] for p in parts),
                      "verdicts": sum((p["verdicts"] for p in parts), Counter()),
                      "errors": sum(p["errors"] for p in parts)}
            report(f"pool of {args.workers}", merged, wall)
            num = len(merged["times"]["numeric"])
            print(f"[pool of {args.workers}] numeric answers per second of wall time: {num / wall:,.0f}")
    from grader.timeout import shutdown
    shutdown()


if __name__ == "__main__":
    main()
