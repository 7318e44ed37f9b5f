"""A solution keeps its source's letters from the plan to the conclusion (issue 14): Li Hang 24.6 writes F, S, P, I
and R(l) in the proof and in every numeric step; exercises from elsewhere keep PyTorch's k, s, p, J."""
from __future__ import annotations

import re
from functools import lru_cache

import pytest

from solver.network.receptive import GENERIC, LI_HANG, Notation, notation_for

# PyTorch's letters as the network solver writes them in formulas: k_{3}, s_{2}, J_{1}, R_{4}, "- k)/s", "+ 2p"
GENERIC_SYMBOLS = re.compile(r"\b[ksdJR]_\{\d+\}|\b[ksJ]_[ij]\b|[+-] k\b|\}\{s\}|\+ 2p\b|\\prod s_i|J_\{[HWL]\}")
BOOK_SYMBOLS = re.compile(r"F\(\d+\)|S\(\d+\)|I\(\d+\)|R\(\d+\)")


@lru_cache(maxsize=None)
def _solution(ex_id: str):
    from solver.bank import load_exercise
    from solver.pipeline import solve_exercise
    return solve_exercise(load_exercise(ex_id), verify=False)


def _all_math(sol) -> list[str]:
    from solver.render.common import walk
    return [line for _, _, step in walk(sol.steps) for line in step.math]


def _rendered(sol, lang: str, fmt: str) -> str:
    if fmt == "markdown":
        from solver.render.markdown import render
        return render(sol, lang, verified=False)
    if fmt == "typst":
        from solver.render.typst import document
        return document([sol], lang)
    import io

    from rich.console import Console

    from solver.render.text import render as render_text
    buf = io.StringIO()
    render_text(sol, lang, Console(file=buf, width=200, color_system=None), verified=False)
    return buf.getvalue()


def test_the_notation_follows_the_source():
    from solver.bank import load_exercise
    assert notation_for(load_exercise("24.6").source) is LI_HANG
    for ex_id in ("hw-q2", "vgg-3x3-vs-5x5", "d2l-6.3-ex3"):
        assert notation_for(load_exercise(ex_id).source) is GENERIC, ex_id


def test_24_6_keeps_the_books_letters_in_every_formula():
    sol = _solution("24.6")
    math = _all_math(sol)
    wrong = [line for line in math if GENERIC_SYMBOLS.search(line)]
    assert not wrong, "PyTorch's letters in 24.6:\n" + "\n".join(wrong)
    assert sum(bool(BOOK_SYMBOLS.search(line)) for line in math) >= 10        # proof, 4 layers, 4 parts
    assert any(r"\left\lfloor \frac{H_{in} + 2P - F}{S} \right\rfloor" in line for line in math)
    assert any(line.startswith(r"R(4) = R(3) + (F(4) - 1)\, I(4) = 13 + (3 - 1) \cdot 4 = 21") for line in math)
    assert any(line.startswith(r"I(4) = \prod_{i=0}^{3} S(i) = 1 \cdot 1 \cdot 2 \cdot 2 = 4") for line in math)
    assert any(line.startswith(r"R(2) = 1 + \sum_{j=1}^{2} (F(j) - 1)") for line in math)


@pytest.mark.parametrize("fmt", ["text", "markdown", "typst"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_24_6_has_no_change_of_notation(lang, fmt):
    out = _rendered(_solution("24.6"), lang, fmt)
    assert "记号对应" not in out and "From the proof to the numbers" not in out          # no mapping step
    assert "k=3" not in out and "J_" not in out and "Jₗ" not in out
    assert "F=3, S=2, P=1" in out                       # layer signatures in the book's letters
    assert ("I(l+1)" in out) and ("R(l)" in out)         # conventions and table headers


def test_other_exercises_keep_pytorchs_letters():
    math = _all_math(_solution("hw-q2"))
    assert any(GENERIC_SYMBOLS.search(line) for line in math)
    assert not any(BOOK_SYMBOLS.search(line) for line in math)


def test_the_network_solver_writes_the_sources_letters_itself():
    """No rewrite after the fact: the network solver (plain stacks and networks with branches) takes the notation
    from notation_for(ex.source), so every Li Hang ch. 24 network exercise gets F, S, P (24.7-textcnn too)."""
    from solver.network import proof
    assert not hasattr(proof, "in_notation")
    sol = _solution("24.7-textcnn")
    math = _all_math(sol)
    assert not [line for line in math if GENERIC_SYMBOLS.search(line)]
    assert any(r"\frac{H_{in} + 2P - F}{S}" in line for line in math)
    for lang in ("en", "zh"):
        out = _rendered(sol, lang, "markdown")
        assert "F=3×128, S=1, P=0" in out and "k=3×128" not in out


def test_the_check_can_fail():
    """The same network from another source is in PyTorch's letters: the checks above would see them."""
    import copy

    from solver.bank import load_exercise
    from solver.model import Source
    from solver.network.graph_solve import solve as solve_network      # a plain stack goes on to network.solve
    for ex_id in ("24.6", "24.7-textcnn"):
        ex = copy.copy(load_exercise(ex_id))
        ex.ask = [p for p in ex.ask if p.quantity != "proof"]
        book = _all_math(solve_network(ex))
        ex.source = Source()
        generic = _all_math(solve_network(ex))
        assert not any(GENERIC_SYMBOLS.search(line) for line in book), ex_id
        assert any(GENERIC_SYMBOLS.search(line) for line in generic), ex_id
    assert isinstance(LI_HANG, Notation) and LI_HANG.jump_after(3) == "I(4)" and GENERIC.jump_after(3) == "J_{3}"
