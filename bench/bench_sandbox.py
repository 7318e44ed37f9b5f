"""What the cage costs: one program part graded in each sandbox mode this machine offers, side by side.

    python bench/bench_sandbox.py [--runs 20]

For every available mode (``bwrap``: bubblewrap around the server; ``namespaces``: root without it;
``weak``: rlimits and the audit hook only) it starts the server once (timed) and then grades the same
correct ``corr2d`` submission ``--runs`` times, the modes interleaved run by run so that the machine's
noise falls on all of them alike. Printed: server start, median and 90th percentile per part, and each
mode's median as a ratio of the ``weak`` mode's (the price of the stronger layers).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CORR2D = """import torch

def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ["CNN_ALLOW_WEAK_SANDBOX"] = "1"
    from grader.program import grade_code
    from grader.sandbox import _bwrap_works
    from solver.bank import load_exercise
    ex = load_exercise("d2l-6.2-code-corr2d")
    modes = [m for m, ok in (("bwrap", _bwrap_works()), ("namespaces", os.geteuid() == 0), ("weak", True)) if ok]
    start: dict[str, float] = {}
    times: dict[str, list[float]] = {m: [] for m in modes}
    for mode in modes:
        os.environ["CNN_SANDBOX"] = mode
        t = time.perf_counter()
        assert grade_code(CORR2D, ex).verdict == "correct"
        start[mode] = time.perf_counter() - t
    for _ in range(args.runs):
        for mode in modes:
            os.environ["CNN_SANDBOX"] = mode
            t = time.perf_counter()
            verdict = grade_code(CORR2D, ex).verdict
            times[mode].append(time.perf_counter() - t)
            assert verdict == "correct", (mode, verdict)
    base = statistics.median(times["weak"])
    print(f"{'mode':<11} {'first part (server start)':>26} {'median':>9} {'p90':>9} {'vs weak':>8}")
    for mode in modes:
        ts = sorted(times[mode])
        p90 = ts[min(len(ts) - 1, int(0.9 * len(ts)))]
        med = statistics.median(ts)
        print(f"{mode:<11} {start[mode] * 1000:>23.0f} ms {med * 1000:>6.0f} ms {p90 * 1000:>6.0f} ms "
              f"{med / base:>7.2f}×")


if __name__ == "__main__":
    main()
