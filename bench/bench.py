"""Benchmarks (figures for the issue notes, not pass/fail tests).

    python bench/bench.py                 # all
    python bench/bench.py --runs 15       # more runs for the medians

1. Cold start: median wall time of ``solve exercise <id> --no-verify`` against
   ``python -c "import yaml, click, rich.console"`` (the floor any click+rich+yaml CLI pays),
   and their ratio. Goal: ratio < 1.3.
2. Whole bank: one process that imports torch, solves and verifies every bank exercise.
   Goal: < 10 s.  Also the per-exercise maximum.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _median_ms(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def cold_start(ex_id: str, runs: int) -> None:
    python = sys.executable
    solve = shutil.which("solve", path=str(Path(python).parent)) or "solve"
    base = _median_ms([python, "-c", "import yaml, click, rich.console"], runs)
    ours = _median_ms([solve, "exercise", ex_id, "--no-verify"], runs)
    ours_json = _median_ms([solve, "exercise", ex_id, "--no-verify", "--format", "json"], runs)
    print(f"cold start ({runs} runs, median): baseline import {base:.0f} ms; "
          f"solve exercise {ex_id} --no-verify {ours:.0f} ms (ratio {ours / base:.2f}); "
          f"with --format json {ours_json:.0f} ms (ratio {ours_json / base:.2f})")


def whole_bank() -> None:
    t0 = time.perf_counter()
    import torch  # noqa: F401  (counted: a real run pays it)
    t_torch = time.perf_counter() - t0
    from solver.bank import load_bank
    from solver.pipeline import solve_exercise
    bank = load_bank()
    slowest = (0.0, "")
    failed = []
    for ex in bank:
        t1 = time.perf_counter()
        sol = solve_exercise(ex, verify=True)
        dt = time.perf_counter() - t1
        slowest = max(slowest, (dt, ex.id))
        if not sol.ok:
            failed.append(ex.id)
    total = time.perf_counter() - t0
    print(f"whole bank: {len(bank)} exercises solved and verified in {total:.2f} s "
          f"(torch import {t_torch:.2f} s; slowest {slowest[1]} {slowest[0]:.2f} s); failed: {failed or 'none'}")


def symbolic_growth() -> None:
    """Identity decision time as the matrices grow (X n×n, W 3×3 and n×n), and 24.8 at its size."""
    from solver.conv.expr import parse
    from solver.conv.identity import _env, compare
    node = parse("W ⊛ X = rot180(W) * X")
    comm = parse("conv(A, B, mode=full) = conv(B, A, mode=full)")
    rows = []
    for n in range(2, 9):
        t0 = time.perf_counter()
        compare(node, _env({"X": (n, n), "W": (min(3, n), min(3, n))}))
        t1 = time.perf_counter()
        compare(comm, _env({"A": (n, n), "B": (n, n)}))
        t2 = time.perf_counter()
        rows.append(f"{n}×{n}: {1000 * (t1 - t0):.0f} ms / {1000 * (t2 - t1):.0f} ms")
    print("identity check, W⊛X=rot180(W)*X (W 3×3) / full-conv commutativity (both n×n): " + "; ".join(rows))
    from solver.bank import load_exercise
    from solver.pipeline import solve_exercise
    for ex_id in ("24.8", "24.1", "24.2-general", "24.9", "d2l-6.4-ex1", "24.6"):
        t0 = time.perf_counter()
        solve_exercise(load_exercise(ex_id), verify=False)
        print(f"  solve {ex_id} (no verify): {time.perf_counter() - t0:.2f} s")


def pdf_times() -> None:
    from solver.bank import load_bank, load_exercise
    from solver.pipeline import solve_exercise
    from solver.render.typst import compile_pdf, document
    sol = solve_exercise(load_exercise("hw-q3"), verify=True)
    t0 = time.perf_counter()
    compile_pdf(document([sol], "en"), "en")
    one = time.perf_counter() - t0
    sols = [solve_exercise(ex, verify=False) for ex in load_bank()]
    t1 = time.perf_counter()
    data = compile_pdf(document(sols, "en", booklet=True), "en")
    bank = time.perf_counter() - t1
    print(f"PDF: one exercise (hw-q3, typeset) {one:.2f} s; whole bank booklet ({len(sols)} exercises, "
          f"{len(data) // 1024} KiB) typeset in {bank:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--exercise", default="hw-q2")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "100")
    cold_start(args.exercise, args.runs)
    whole_bank()
    symbolic_growth()
    pdf_times()


if __name__ == "__main__":
    main()
