"""The hint ladder of one part, built from the solver's own steps.

Four rungs, each shown only when the student asks or after a wrong try, in this order:

1. ``convention`` — the convention to use (the solution's conventions step, else its plan);
2. ``formula`` — the step that computes the part: its explanation and its formula *without* numbers
   (the symbolic left part of each math line, ``H_out = ⌊(H_in + 2p − k)/s⌋ + 1``);
3. ``numbers`` — the same formula with the numbers put in, the result left out;
4. ``answer`` — the answer itself.

A rung the solution has nothing for is left out (a step without a symbolic formula has no ``formula`` rung), so
a ladder has between two and four rungs; the last is always the answer.

The step of a part is the one whose result equals the part's answer; among several, the last one that shows a
computation (a math line with ``=``), else the last one.

Example:
    >>> from grader.gold import gold_for
    >>> ladder = hint_ladder(gold_for("hw-q2"), "shape")
    >>> [h.kind for h in ladder]
    ['convention', 'formula', 'numbers', 'answer']
    >>> ladder[1].math[0].startswith("H_{out} =") and "15" not in ladder[1].math[0]
    True
    >>> ladder[-1].render_text("en")
    'Answer: 1×7×7'
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from solver.i18n import Msg
from solver.render.common import walk

KINDS = ("convention", "formula", "numbers", "answer")
MAX_LINES = 4


@dataclass
class Hint:
    """One rung: ``kind`` (one of :data:`KINDS`), words (renderables), LaTeX lines, and for the answer its text."""

    kind: str
    words: list[Any] = field(default_factory=list)
    math: list[str] = field(default_factory=list)
    answer: dict[str, str] = field(default_factory=dict)      # lang → the answer as text

    def label(self, lang: str) -> str:
        return Msg(f"pr.hint.{self.kind}").render(lang)

    def texts(self, lang: str) -> list[str]:
        """The words of the rung in ``lang`` (the answer rung: the answer)."""
        if self.kind == "answer":
            return [self.answer.get(lang) or self.answer.get("en", "")]
        return [w.render(lang) for w in self.words if w is not None]

    def render_text(self, lang: str) -> str:
        """The rung as plain Unicode text (terminal)."""
        from solver.render.summary import localise_latex
        from solver.render.unicode_math import to_unicode
        sep = "：" if lang == "zh" else ": "
        lines = [self.label(lang) + sep + " ".join(self.texts(lang))]
        lines += ["  " + to_unicode(localise_latex(m, lang)) for m in self.math]
        return "\n".join(line.rstrip() for line in lines)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def split_top(latex: str, sep: str = "=") -> list[str]:
    """``latex`` cut at each ``sep`` outside braces.

    >>> split_top(r"a = \\frac{b}{c=d} = 3")
    ['a', '\\\\frac{b}{c=d}', '3']
    """
    out, depth, cur = [], 0, []
    for ch in latex:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return out


_ENV = re.compile(r"\\(?:begin|end)\{[a-z*]+\}")
_COMMAND = re.compile(r"\\(?:left|right|frac|lfloor|rfloor|lceil|rceil|cdot|times|begin|end|quad|approx|"
                      r"[a-zA-Z]+matrix|mathrm|operatorname)\b")


def symbolic(segment: str) -> bool:
    """Whether a piece of a formula names quantities (letters, Greek letters, ``\\text{…}``) rather than numbers.

    >>> symbolic(r"\\left\\lfloor \\frac{H_{in} + 2p - k}{s} \\right\\rfloor + 1"), symbolic(r"\\frac{28 + 2 - 3}{1}")
    (True, False)
    """
    rest = _COMMAND.sub(" ", _ENV.sub(" ", segment))
    return bool(re.search(r"[A-Za-z\u0370-\u03ff]", rest))


def _formula(line: str) -> str | None:
    parts = split_top(line)
    last = max((i for i, p in enumerate(parts) if symbolic(p)), default=0)
    if last < 1:
        return None
    return " = ".join(parts[: last + 1])


def _with_numbers(line: str) -> str | None:
    parts = split_top(line)
    if len(parts) < 2:
        return None
    kept = parts[:-1]
    kept[-1] = split_top(kept[-1], "≈")[0]
    kept[-1] = kept[-1].split(r"\approx")[0].strip()
    if len(kept) == 1 and (symbolic(kept[0]) or not re.search(r"[+\-*/]|\\times|\\frac|\\cdot", kept[0])):
        return None                     # "#params = 320": nothing but the answer
    return " = ".join(k for k in kept if k)


def _scope(solution: Any, part_id: str) -> list[Any]:
    """The steps to search: those of the part's own network when an exercise compares several."""
    ex = solution.exercise
    nets = ex.given.get("networks") if isinstance(ex.given, dict) else None
    try:
        name = ex.part(part_id).options.get("network")
    except KeyError:
        name = None
    blocks = [s for s in solution.steps if s.rule == "network"]
    if isinstance(nets, dict) and name in nets and len(blocks) == len(nets):
        return [blocks[list(nets).index(name)]]
    return solution.steps


def equations(line: str) -> list[str]:
    """The equations of one math line (``R_1 = … = 3,\\quad J_1 = … = 1`` is two).

    >>> equations(r"R_1 = 1 + 2 = 3,\\quad J_1 = 1 \\cdot 1 = 1")
    ['R_1 = 1 + 2 = 3', 'J_1 = 1 \\\\cdot 1 = 1']
    """
    parts = re.split(r",?\s*\\q?quad\s*", line)
    return [p.strip().rstrip(",;").strip() for p in parts if p.strip()]


def part_step(solution: Any, part_id: str) -> Any:
    """The step that computes ``part_id`` (None when no step's result is its answer)."""
    value = solution.answers.get(part_id)
    found = [step for _, _, step in walk(_scope(solution, part_id))
             if step.result is not None and _same(step.result, value)]
    if not found:
        return None
    worked = [s for s in found if any(len(split_top(m)) >= 3 for m in s.math)]
    working = [s for s in found if any("=" in m for m in s.math)]
    return (worked or working or found)[-1]


def _convention(solution: Any) -> list[Any]:
    for _, _, step in walk(solution.steps):
        if step.rule.endswith("conventions") and step.text is not None:
            return [step.text]
    from solver.render.common import plan_items
    items = plan_items(solution)
    return items[:1]


def hint_ladder(gold: Any, part_id: str) -> list[Hint]:
    """The rungs of ``part_id`` of a :class:`grader.gold.Gold`."""
    from solver.render.summary import conclusion
    solution = gold.solution
    ladder: list[Hint] = []
    conv = _convention(solution)
    if conv:
        ladder.append(Hint("convention", conv))
    step = part_step(solution, part_id)
    if step is not None:
        lines = [e for m in step.math for e in equations(m)]
        formulas = [f for f in (_formula(m) for m in lines) if f][:MAX_LINES]
        words = [Msg("pr.hint.step", title=step.title)] + ([step.text] if step.text is not None else [])
        if formulas or step.text is not None:
            ladder.append(Hint("formula", words, formulas))
        numbers = [n for n in (_with_numbers(m) for m in lines) if n][:MAX_LINES]
        if numbers and numbers != formulas:
            ladder.append(Hint("numbers", [Msg("pr.hint.step", title=step.title)], numbers))
    answer = {}
    for lang in ("en", "zh"):
        items = {p.id: it for p, it in zip([p for p in solution.exercise.ask if p.id in solution.answers],
                                          conclusion(solution, lang))}
        item = items.get(part_id)
        answer[lang] = item.plain(lang) if item is not None else str(solution.answers.get(part_id))
    ladder.append(Hint("answer", answer=answer))
    return ladder
