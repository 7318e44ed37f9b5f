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


def test_the_generic_lines_are_the_network_solvers_own():
    """receptive.size_lines/step_lines/closed_form_line/jump_line in GENERIC notation write exactly what the network
    solver wrote, for every bank network exercise: the swap to the book's letters cannot miss a line silently."""
    from solver.bank import load_bank
    from solver.i18n import Msg
    from solver.network.analysis import SPATIAL_NAMES
    from solver.network.proof import _dims
    from solver.network.receptive import closed_form_line, jump_line, size_lines, step_lines
    from solver.pipeline import solve_exercise
    checked = parts = 0
    for ex in load_bank():
        if ex.kind != "network":
            continue
        sol = solve_exercise(ex, verify=False)
        analyses = sol.context.get("analyses")
        if analyses is None:                              # a network with branches (graph_solve)
            continue
        blocks = [sol.steps] if len(analyses) == 1 else [s.children for s in sol.steps if s.rule == "network"]
        for analysis, block in zip(analyses.values(), blocks):
            layer_steps = [s for s in block if s.rule.startswith("network.layer.")]
            prev_rf = prev_jump = (1,) * analysis.spatial_dims
            for la, step in zip(analysis.layers, layer_steps):
                names = SPATIAL_NAMES.get(len(la.sizes), tuple(f"n_{i + 1}" for i in range(len(la.sizes))))
                for line in size_lines(la.sizes, names):
                    assert line in step.math, (ex.id, line, step.math)
                    checked += 1
                if la.rf is not None and la.windows is not None and la.jump is not None:
                    if any(line.startswith("R_") for line in step.math):
                        for line in step_lines(la.layer.number, la.windows, prev_rf, prev_jump, la.rf, la.jump,
                                               SPATIAL_NAMES.get(len(la.windows), ())):
                            assert line in step.math, (ex.id, line, step.math)
                            checked += 1
                    prev_rf, prev_jump = la.rf, la.jump
            for step in block:
                if step.rule not in ("network.receptive_field.closed_form", "network.jump"):
                    continue
                at = step.title.params.get("n") if isinstance(step.title, Msg) else None
                stacks, dims = _dims(analysis, at)
                for i, names in dims:
                    if step.rule == "network.jump":
                        strides = [w.s for w in stacks[i] if not (w.k == 1 and w.s == 1)] or [1]
                        line = jump_line(names, strides, step.result[i])
                    else:
                        line = closed_form_line(names, [w for w in stacks[i] if not (w.k == 1 and w.s == 1)])
                    assert line in step.math, (ex.id, line, step.math)
                    parts += 1
    assert checked > 100 and parts >= 5, (checked, parts)


def test_the_swap_can_fail():
    """Without the rewrite, 24.6's numeric steps are in PyTorch's letters: the checks above would see them."""
    import copy

    from solver.bank import load_exercise
    from solver.network import proof
    ex = load_exercise("24.6")
    network_ex = copy.copy(ex)
    network_ex.ask = [p for p in ex.ask if p.quantity != "proof"]
    from solver.network.solve import solve as solve_network
    numeric = solve_network(network_ex)
    assert any(GENERIC_SYMBOLS.search(line) for s in numeric.steps for line in s.math)
    proof.in_notation(numeric, ex, LI_HANG)
    assert not any(GENERIC_SYMBOLS.search(line) for s in numeric.steps for line in s.math)
    assert isinstance(LI_HANG, Notation) and LI_HANG.jump_after(3) == "I(4)" and GENERIC.jump_after(3) == "J_{3}"
