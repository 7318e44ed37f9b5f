"""Is a kernel the full convolution of two smaller ones (solver/conv/compose.py)? The decision, with the scale
fixed case by case (B's first non-zero entry 1), against hand-made compositions and counterexamples, and against
torch's Levenberg–Marquardt fit (solver/conv/verify.py) on random kernels."""
from __future__ import annotations

import random

import pytest
import torch

from solver.conv.compose import composable
from solver.conv.verify import _fit


def _full(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    rows, cols = len(a) + len(b) - 1, len(a[0]) + len(b[0]) - 1
    k = [[0] * cols for _ in range(rows)]
    for i, row in enumerate(a):
        for j, v in enumerate(row):
            for p, brow in enumerate(b):
                for q, w in enumerate(brow):
                    k[i + p][j + q] += v * w
    return k


def test_the_book_counterexample_and_a_product():
    ok, info = composable([[1, 0, 0], [0, 0, 0], [0, 0, 1]], (2, 2))       # x²y² + 1: only complex factors
    assert not ok and info["solutions"] and not info["real"]
    ok, info = composable(_full([[1, 2], [0, 1]], [[1, -1], [2, 1]]), (2, 2))
    assert ok and info["real"]


@pytest.mark.parametrize("a,b", [
    ([[0, 1], [1, 0]], [[0, 1], [1, 1]]),          # B's first entries zero: a later case of the scale
    ([[0, 0], [0, 1]], [[0, 0], [0, 3]]),          # only the last entry of B non-zero
    ([[2, -1]], [[1, 0, 3]]),                      # 1×2 with 1×3
    ([[1], [2]], [[1, 1], [-1, 1]]),               # 2×1 with 2×2
])
def test_products_are_composable_whatever_entries_vanish(a, b):
    ok, info = composable(_full(a, b), (len(a), len(a[0])))
    assert ok, info["solutions"]
    import sympy
    for sol in info["solutions"]:                  # every solution found composes to K again
        assert sympy.expand(info["pa"].xreplace(sol) * info["pb"].xreplace(sol) - info["polynomial"]) == 0


@pytest.mark.parametrize("seed", range(6))
def test_the_decision_agrees_with_torch_fitting(seed):
    rnd = random.Random(seed)
    if seed % 2:
        k = _full([[rnd.randint(-3, 3) for _ in range(2)] for _ in range(2)],
                  [[rnd.randint(-3, 3) for _ in range(2)] for _ in range(2)])
        if not any(any(row) for row in k):
            k[0][0] = 1
    else:
        k = [[rnd.randint(-3, 3) for _ in range(3)] for _ in range(3)]
    ok, _ = composable(k, (2, 2))
    gen = torch.Generator().manual_seed(0)
    kt = torch.tensor(k, dtype=torch.float64)
    best = min(_fit(kt, 2, 2, gen) for _ in range(8))
    assert ok == (best < 1e-8), (k, best)
