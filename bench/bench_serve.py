"""Load benchmark of ``solve serve`` (figures for the issue notes, not a pass/fail test).

    python bench/bench_serve.py                       # 50 students for 20 s
    python bench/bench_serve.py --students 50 --seconds 60

Starts ``solve serve`` on a free local port (its own process), then simulates students with httpx/asyncio, each
with its own session cookie: open an exercise page, then answer its parts in turn — a wrong answer, a hint, the
right answer — each a POST that the server grades. A bounded load: each student waits for its answer before
sending the next one. Reports answers per second (graded POSTs), p50/p99 latency of those POSTs, errors (non-200
answers and transport errors) and the server's peak resident memory (VmHWM).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

SOLVE = [sys.executable, "-c", "import sys; from solver.cli import main; sys.argv[0] = 'solve'; main()"]

# (exercise, part, a wrong answer, the right one) — book numbers, so the right answers are fixed
SCRIPT = [("hw-q3", "params", "4608", "4,640"), ("hw-q3", "macs", "7.23M", "3,612,672"),
          ("hw-q2", "rf", "5x5", "7×7"), ("24.4", "output", "[7, -6, 8, -2, 4]", "[7, -6, 8, -2, 5]"),
          ("mnist-cnn", "params_conv1", "288", "320")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def student(base: str, n: int, stop: float, latencies: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        i = n
        while time.monotonic() < stop:
            ex, part, wrong, right = SCRIPT[i % len(SCRIPT)]
            i += 1
            try:
                r = await client.get(f"/ex/{ex}?lang={'zh' if n % 2 else 'en'}")
                if r.status_code != 200:
                    errors.append(f"GET {r.status_code}")
                for action, answer in (("check", wrong), ("hint", ""), ("check", right)):
                    t0 = time.perf_counter()
                    r = await client.post(f"/ex/{ex}", data={"part": part, "answer": answer, "action": action,
                                                             "lang": "en"})
                    if action == "check":
                        latencies.append(time.perf_counter() - t0)
                    if r.status_code != 200:
                        errors.append(f"POST {r.status_code}")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)


async def main_async(base: str, students: int, seconds: float) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    t0 = time.monotonic()
    await asyncio.gather(*(student(base, n, t0 + seconds, latencies, errors) for n in range(students)))
    return latencies, errors, time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([*SOLVE, "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=dict(os.environ, XDG_DATA_HOME=os.environ.get("XDG_DATA_HOME", "/tmp/bench-serve")))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        for ex, *_ in SCRIPT:                  # warm the gold answers once, as a running class would have
            httpx.get(f"{base}/ex/{ex}", timeout=120)
        latencies, errors, took = asyncio.run(main_async(base, args.students, args.seconds))
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000) if latencies else (lambda q: 0)
    print(f"students {args.students}, {took:.1f} s, cores {os.cpu_count()}")
    print(f"answers graded: {len(latencies)}  ({len(latencies) / took:.1f} answers/s)")
    print(f"latency of an answer: p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, max {p(1.0):.0f} ms"
          + (f", mean {statistics.mean(latencies) * 1000:.0f} ms" if latencies else ""))
    print(f"errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors))[:5])})" if errors else ""))
    print(f"server peak memory (VmHWM): {rss:.0f} MB")


if __name__ == "__main__":
    main()
