"""Grade one answer sheet: parse each part by its expected type, compare with the gold answer,
recognise typical mistakes, score.

Example:
    >>> from grader.answers import AnswerSheet
    >>> r = grade_sheet(AnswerSheet("s1", "s1.yaml", {"hw-q3": {"params": "4,608", "macs": "3.61M"}}))
    >>> [(p.part, p.verdict, p.mistake) for p in r.parts][:2]
    [('shape', 'missing', None), ('params', 'incorrect', 'bias_forgotten')]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from solver.errors import InputError
from solver.i18n import Msg, Plain

from . import messages  # noqa: F401
from .answers import AnswerSheet
from .compare import Verdict, compare
from .gold import Gold, gold_for
from .mistakes import mistaken_answers
from .parse import parse_answer


@dataclass
class PartResult:
    exercise: str
    part: str
    verdict: str
    score: float
    max_score: float
    answer: str = ""
    feedback: list[Any] = field(default_factory=list)
    mistake: str | None = None


@dataclass
class SheetResult:
    student: str
    file: str
    parts: list[PartResult]
    problems: list[Any] = field(default_factory=list)      # unknown ids, reported not fatal
    seed: int | None = None

    @property
    def score(self) -> float:
        return sum(p.score for p in self.parts)

    @property
    def max_score(self) -> float:
        return sum(p.max_score for p in self.parts)


@lru_cache(maxsize=4096)
def _mistakes(ex_id: str, part_id: str) -> tuple:
    return tuple(mistaken_answers(gold_for(ex_id), part_id))


def _gold_sympy(gold: Gold, part_id: str) -> Any:
    ctx = gold.solution.context
    expr = ctx.get("sympy_answers", {}).get(part_id)
    if expr is None:
        return ctx.get("expr_answers", {}).get(part_id)
    # the general answer uses the kernel size M×N; a student may write the exercise's own size (≤ 3) instead
    size = (ctx.get("sizes") or {}).get("W")
    names = {"M": size[0], "N": size[1]} if size and len(size) == 2 else {}
    concrete = expr.xreplace({s: v for s in expr.free_symbols if getattr(s, "name", None) in names
                              for v in [names[s.name]]})
    return (expr, concrete) if concrete != expr else expr


def grade_part(gold: Gold, part_id: str, raw: Any) -> PartResult:
    gp = gold.parts[part_id]
    points = gp.part.points
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return PartResult(gold.exercise.id, part_id, "missing", 0.0, points, "", [Msg("g.missing")])
    parsed = parse_answer(raw, gp.expected if gp.expected not in ("convexpr", "expr_matrix") else "prose")
    tolerance = gp.part.grading.get("tolerance")
    verdict: Verdict = compare(parsed, gp.value, gp.expected, tolerance, _gold_sympy(gold, part_id))
    if verdict.verdict == "incorrect" and verdict.mistake is None:
        for mistake, value in _mistakes(gold.exercise.id, part_id):
            if compare(parse_answer(raw, gp.expected), value, gp.expected, tolerance).verdict == "correct":
                verdict.mistake = mistake.id
                verdict.feedback = [Msg("g.mistake", what=mistake.message)]
                allowed = gp.part.grading.get("partial")
                if allowed is True:
                    verdict.fraction = mistake.credit
                elif isinstance(allowed, (int, float)) and not isinstance(allowed, bool):
                    verdict.fraction = float(allowed)
                if verdict.fraction > 0:
                    verdict.verdict = "partial"
                break
    feedback = list(verdict.feedback)     # the parser's notes are English-only: kept out of bilingual feedback
    return PartResult(gold.exercise.id, part_id, verdict.verdict, round(points * verdict.fraction, 4), points,
                      str(getattr(parsed, "text", raw))[:200], feedback, verdict.mistake)


def grade_sheet(sheet: AnswerSheet) -> SheetResult:
    """Every part of every exercise the sheet answers (missing parts score 0); unknown ids are reported."""
    results: list[PartResult] = []
    problems: list[Any] = []
    for ex_id, answers in sheet.answers.items():
        try:
            gold = gold_for(ex_id)
        except InputError:
            problems.append(Msg("g.unknown_exercise", id=ex_id))
            continue
        answers = dict(answers)
        if "*" in answers and len(gold.parts) == 1:
            answers[next(iter(gold.parts))] = answers.pop("*")
        for part_id in answers:
            if part_id not in gold.parts:
                problems.append(Msg("g.unknown_part", ex=ex_id, part=part_id))
        for part_id in gold.parts:
            results.append(grade_part(gold, part_id, answers.get(part_id)))
    return SheetResult(sheet.student, sheet.file, results, problems, sheet.seed)
