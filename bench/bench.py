"""Benchmarks (figures for the issue notes, not pass/fail tests). Every target is a *ratio* of two commands timed
side by side in the same run (interleaved, medians): the machine is shared, absolute times are not comparable.

    python bench/bench.py                      # all sections
    python bench/bench.py --runs 15            # more runs for the medians
    python bench/bench.py --only cold,bank     # some sections: cold, verified, separate, bank, symbolic, pdf
    python bench/bench.py --only separate --separate all --verbose   # every bank exercise as its own process
                                                                     # (slow), one line each; --separate-runs N
    python bench/bench.py --only separate --separate 24.8,24.2-general --separate-runs 7 --verbose   # some ids

Subprocesses run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed, caches under a temporary
``PYTHONPYCACHEPREFIX``, warmed first), as an installed tool runs.

1. cold: ``solve exercise hw-q2 --no-verify`` (text, JSON) / ``python -c "import yaml, click, rich.console"``.
   Targets: text ≤ 1.15, JSON ≤ 1.05.
2. verified: ``solve exercise <network id>`` (verified) / ``python -c "import torch"``, every network exercise.
   Target: each ≤ 1.3.
3. separate: the same for every exercise (``--separate all``). Target: none over 1.5.
4. bank: ``solve file exercises/`` (one process, every exercise solved and verified) / ``import torch``.
   Target ≤ 2. Also the slowest exercises in-process.
5. symbolic: the identity checks' growth table by size (in-process), and full-convolution commutativity at 9×9
   against 2×2 as whole ``solve file`` processes. Target: ≤ 1.3.
6. pdf: one exercise / the whole bank as a booklet; peak memory of ``solve pdf --all`` (en, zh): all its processes
   together (sampled), and its largest single process. Target < 500 MB.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "cnn-exercises-bench-pycache"))
    env.setdefault("COLUMNS", "100")
    return env


def _time(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the child) of one run."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=_env())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


CPU: dict[str, float] = {}    # the CPU-time medians of the last side_by_side, by key (less sensitive to a busy machine)


def side_by_side(cmds: dict[str, list[str]], runs: int, warm: int = 1) -> dict[str, float]:
    """Median wall seconds of each command, the commands interleaved run by run (after ``warm`` unmeasured rounds);
    the CPU-time medians go to ``CPU``."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for i in range(warm + runs):
        for key, cmd in cmds.items():
            t = _time(cmd)
            if i >= warm:
                times[key].append(t)
    CPU.clear()
    CPU.update({k: statistics.median(c for _, c in v) for k, v in times.items()})
    return {k: statistics.median(w for w, _ in v) for k, v in times.items()}


def _cpu(a: str, b: str) -> str:
    return f"CPU-time ratio {CPU[a] / CPU[b]:.2f}"


def _solve() -> list[str]:
    return [sys.executable, "-m", "solver"]


FLOOR = [sys.executable, "-c", "import yaml, click, rich.console"]
TORCH = [sys.executable, "-c", "import torch"]


def cold_start(ex_id: str, runs: int) -> None:
    m = side_by_side({"floor": FLOOR, "text": _solve() + ["exercise", ex_id, "--no-verify"],
                      "json": _solve() + ["exercise", ex_id, "--no-verify", "--format", "json"]}, runs)
    print(f"cold start ({runs} runs, medians): import floor {1000 * m['floor']:.0f} ms; "
          f"solve exercise {ex_id} --no-verify {1000 * m['text']:.0f} ms, ratio {m['text'] / m['floor']:.2f} "
          f"(target ≤ 1.15; {_cpu('text', 'floor')}); --format json {1000 * m['json']:.0f} ms, ratio "
          f"{m['json'] / m['floor']:.2f} (≤ 1.05; {_cpu('json', 'floor')})")


def separate(which: str, runs: int, verbose: bool = False) -> None:
    """Each exercise verified in its own process, against ``import torch`` timed right beside it (sequentially:
    one process at a time). ``which``: all, a kind, or exercise ids separated by commas. ``verbose``: one line per
    exercise as it is measured."""
    from solver.bank import load_bank
    named = set(which.split(","))
    ids = [ex.id for ex in load_bank() if which == "all" or ex.kind == which or ex.id in named]
    limit = 1.3 if which == "network" else 1.5
    ratios = []
    for ex_id in ids:
        m = side_by_side({"torch": TORCH, "ex": _solve() + ["exercise", ex_id, "--format", "json"]}, runs, warm=0)
        ratios.append((m["ex"] / m["torch"], ex_id, CPU["ex"] / CPU["torch"]))
        if verbose:
            r, _, c = ratios[-1]
            print(f"  {ex_id}: {m['ex']:.2f} s / import torch {m['torch']:.2f} s = {r:.2f} (CPU {c:.2f})"
                  + ("  OVER" if r > limit else ""), flush=True)
    ratios.sort(reverse=True)
    over = [f"{i} {r:.2f}" for r, i, _ in ratios if r > limit]
    cpu = sorted((c, i) for _, i, c in ratios)
    cpu_over = [f"{i} {c:.2f}" for c, i in cpu if c > limit]
    print(f"verified, separate processes ({which}: {len(ids)} exercises, {runs} run(s) each beside import torch): "
          f"median ratio {statistics.median(r for r, _, _ in ratios):.2f}, max {ratios[0][0]:.2f} ({ratios[0][1]}); "
          f"over {limit}: {', '.join(over) or 'none'}; CPU-time ratios: median {statistics.median(c for c, _ in cpu):.2f}, max {cpu[-1][0]:.2f} ({cpu[-1][1]}), "
          f"over {limit}: {', '.join(cpu_over) or 'none'}")


def whole_bank(runs: int) -> None:
    from solver.bank import bank_dir
    m = side_by_side({"torch": TORCH, "bank": _solve() + ["file", str(bank_dir()), "--format", "json"]}, runs)
    print(f"whole bank, one process (solve file exercises/, verified; {runs} runs): {m['bank']:.2f} s vs import torch "
          f"{m['torch']:.2f} s, ratio {m['bank'] / m['torch']:.2f} (target ≤ 2; {_cpu('bank', 'torch')})")
    t0 = time.perf_counter()
    import torch  # noqa: F401  (in-process detail: where the time goes)
    t_torch = time.perf_counter() - t0
    from solver.bank import load_bank
    from solver.pipeline import solve_exercise
    rows, failed = [], []
    for ex in load_bank():
        t1 = time.perf_counter()
        sol = solve_exercise(ex, verify=True)
        rows.append((time.perf_counter() - t1, ex.id))
        if not sol.ok:
            failed.append(ex.id)
    rows.sort(reverse=True)
    print(f"  in-process: import torch {t_torch:.2f} s, {len(rows)} exercises {sum(t for t, _ in rows):.2f} s; slowest "
          + ", ".join(f"{i} {t:.2f} s" for t, i in rows[:6]) + f"; failed: {failed or 'none'}")


def symbolic_growth() -> None:
    """Identity decision time as the matrices grow (X n×n, W 3×3 and n×n), and 24.8 at its size."""
    from solver.conv.expr import parse
    from solver.conv.identity import symbolic_env, compare
    node = parse("W ⊛ X = rot180(W) * X")
    comm = parse("conv(A, B, mode=full) = conv(B, A, mode=full)")
    rows = []
    for n in range(2, 10):
        t0 = time.perf_counter()
        compare(node, symbolic_env({"X": (n, n), "W": (min(3, n), min(3, n))}))
        t1 = time.perf_counter()
        compare(comm, symbolic_env({"A": (n, n), "B": (n, n)}))
        t2 = time.perf_counter()
        rows.append(f"{n}×{n}: {1000 * (t1 - t0):.0f} ms / {1000 * (t2 - t1):.0f} ms")
    print("identity check, W⊛X=rot180(W)*X (W 3×3) / full-conv commutativity (both n×n): " + "; ".join(rows))
    files = {}
    tmp = Path(tempfile.mkdtemp())
    for n in (2, 9):
        path = tmp / f"comm-{n}.yaml"
        path.write_text(f"id: comm-{n}\nkind: identity\ngiven:\n  sizes: {{A: [{n}, {n}], B: [{n}, {n}]}}\n"
                        "ask:\n  - {id: holds, quantity: identity, expr: 'conv(A, B, mode=full) = conv(B, A, mode=full)'}\n")
        files[n] = _solve() + ["file", str(path), "--format", "json"]
    m = side_by_side({"2": files[2], "9": files[9]}, 5)
    print(f"  full-conv commutativity as whole solve file processes (verified): 2×2 {m['2']:.2f} s, 9×9 {m['9']:.2f} s, "
          f"ratio {m['9'] / m['2']:.2f} (target ≤ 1.3; {_cpu('9', '2')})")
    from solver.bank import load_exercise
    from solver.pipeline import solve_exercise
    for ex_id in ("24.8", "24.1", "24.2-general", "24.9", "d2l-6.4-ex1", "24.6"):
        t0 = time.perf_counter()
        solve_exercise(load_exercise(ex_id), verify=False)
        print(f"  solve {ex_id} (no verify): {time.perf_counter() - t0:.2f} s")


def pdf_times() -> None:
    from solver.bank import load_bank, load_exercise
    from solver.pipeline import solve_exercise
    from solver.render.booklet import parts, plan, write
    from solver.render.typst import compile_pdf, document
    sol = solve_exercise(load_exercise("hw-q3"), verify=True)
    t0 = time.perf_counter()
    compile_pdf(document([sol], "en"), "en")
    one = time.perf_counter() - t0
    booklet = plan([solve_exercise(ex, verify=False) for ex in load_bank()], "en")
    out = Path(tempfile.mkdtemp()) / "booklet.pdf"
    t1 = time.perf_counter()
    write(str(out), booklet, "en")
    bank = time.perf_counter() - t1
    print(f"PDF: one exercise (hw-q3, typeset) {one:.2f} s; whole bank booklet ({len(booklet.units)} exercises, "
          f"{out.stat().st_size // 1024} KiB, {len(parts(booklet))} parts) typeset in {bank:.2f} s")
    for lang in ("en", "zh"):
        wall, tree, single, size = booklet_peak(lang)
        print(f"  solve pdf --all --lang {lang} (verified): {wall:.1f} s, peak memory {tree:.0f} MB for all its "
              f"processes together (target < 500 MB; largest single process {single:.0f} MB, as /usr/bin/time -v "
              f"reports); {size // 1024} KiB")


def _tree_rss(root: int, descendants: bool = True) -> int:
    """Resident bytes of a process and all its descendants (or of the process alone), now (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if descendants else ():
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


_PEAK = ("import resource, subprocess, sys\n"
         "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def booklet_peak(lang: str) -> tuple[float, float, float, int]:
    """(wall seconds, peak MB of the resident memory of ``solve pdf --all --lang LANG`` and all its child processes
    together — sampled every 10 ms —, peak MB of its largest single process — what ``/usr/bin/time -v`` reports
    as "Maximum resident set size" —, PDF bytes). The command solves and typesets in several processes one after
    the other, so the sum over the process tree is the honest figure."""
    out = Path(tempfile.mkdtemp()) / f"booklet-{lang}.pdf"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _PEAK] + _solve() + ["pdf", "--all", "--lang", lang, "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env())
    peak = 0
    while proc.poll() is None:          # the command's processes, not the measuring wrapper itself
        peak = max(peak, _tree_rss(proc.pid) - _tree_rss(proc.pid, descendants=False))
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"solve pdf --all --lang {lang} ended with {proc.returncode}")
    single = int(proc.stdout.read().split()[-1]) / 1024 if proc.stdout else 0.0
    return wall, peak / 2**20, single, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--exercise", default="hw-q2")
    parser.add_argument("--only", default="cold,verified,bank,symbolic,pdf",
                        help="comma-separated sections: cold, verified, separate, bank, symbolic, pdf")
    parser.add_argument("--separate", default="all",
                        help="kind for the 'separate' section, all, or exercise ids separated by commas")
    parser.add_argument("--separate-runs", type=int, default=1, help="runs per exercise in the 'separate' section")
    parser.add_argument("--verbose", action="store_true", help="'separate': one line per exercise as it goes")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "100")
    only = set(args.only.split(","))
    if "cold" in only:
        cold_start(args.exercise, args.runs)
    if "verified" in only:
        separate("network", max(1, args.runs // 4))
    if "separate" in only:
        separate(args.separate, args.separate_runs, args.verbose)
    if "bank" in only:
        whole_bank(max(3, args.runs // 3))
    if "symbolic" in only:
        symbolic_growth()
    if "pdf" in only:
        pdf_times()


if __name__ == "__main__":
    main()
