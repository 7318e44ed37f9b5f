"""Grade one answer sheet: parse each part by its expected type, compare with the gold answer,
recognise typical mistakes, score.

Example:
    >>> from grader.answers import AnswerSheet
    >>> r = grade_sheet(AnswerSheet("s1", "s1.yaml", {"hw-q3": {"params": "4,608", "macs": "3.61M"}}))
    >>> [(p.part, p.verdict, p.mistake) for p in r.parts][:2]
    [('shape', 'missing', None), ('params', 'partial', 'bias_forgotten')]
"""
from __future__ import annotations

import copy
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from solver.bank import UnknownExercise
from solver.errors import InputError
from solver.i18n import Items, Msg, Plain, Text

from .answers import AnswerSheet, shown_id
from .compare import Verdict, compare, shape_policy
from .follow import carry_forward
from .gold import CACHE, Gold, gold_for
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
    hint: str | None = None          # the step a wrong answer should re-check, when no mistake is named


@dataclass
class SheetResult:
    student: str
    file: str
    parts: list[PartResult]
    problems: list[Any] = field(default_factory=list)      # unknown ids, reported not fatal
    seed: int | None = None
    notes: list[Any] = field(default_factory=list)         # text attributed to no part, near-miss part names
    lang: str | None = None          # the language the student wrote in (grader.language), None: cannot tell

    @property
    def score(self) -> float:
        return sum(p.score for p in self.parts)

    @property
    def max_score(self) -> float:
        return sum(p.max_score for p in self.parts)


READING_NOTES = ("g.square", "g.one_channel", "g.batch", "g.factor")     # how the answer was read: always kept


@lru_cache(maxsize=4096)
def _mistakes(ex_id: str, part_id: str, seed: int | None = None) -> tuple:
    from .mistakes import mistaken_answers           # (and its wording) when a wrong answer is first graded
    return tuple(mistaken_answers(gold_for(ex_id, seed), part_id))


def _gold_sympy(gold: Gold, part_id: str) -> Any:
    """The gold forms of a symbolic part, computed once per gold (kept on the cached :class:`Gold`)."""
    cache = gold.derived.setdefault("sympy_forms", {})
    if part_id not in cache:
        cache[part_id] = _gold_forms(gold, part_id)
    return cache[part_id]


def _gold_forms(gold: Gold, part_id: str) -> Any:
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


def grade_part(gold: Gold, part_id: str, raw: Any, other_seeds: tuple = (), base_dir: Any = None,
               owners: tuple[str, ...] = ()) -> PartResult:
    gp = gold.parts[part_id]
    points = gp.part.points
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return PartResult(gold.exercise.id, part_id, "missing", 0.0, points, "", [Msg("g.missing")])
    if gp.expected == "matrix" and gp.value and isinstance(gp.value[0][0], list):    # several channels
        return _grade_channels(gold, part_id, raw)
    if gp.part.quantity == "program":       # a program: run in the sandbox and compared with the reference
        return _grade_program(gold, part_id, raw, base_dir, owners)
    if gold.exercise.kind == "explain":
        return _grade_explanation(gold, part_id, raw)
    target = {"convexpr": "prose", "expr_matrix": "prose"}.get(gp.expected, gp.expected)
    parsed = parse_answer(raw, target, quantity=gp.part.quantity)
    tolerance = gp.part.grading.get("tolerance")
    symbolic = gp.expected in ("expr", "convexpr")
    policy = shape_policy(gp.part.quantity, gp.part.grading) if gp.expected == "shape" else None
    verdict: Verdict = compare(copy.copy(parsed), gp.value, gp.expected, tolerance,
                               _gold_sympy(gold, part_id) if symbolic else None, policy)
    if verdict.verdict == "partial" and verdict.mistake is None and gp.expected in ("int", "real"):
        # "9" for 8.53 is a rounding only if it is not exactly what a typical mistake gives (4608/512 = 9)
        for mistake, value in _mistakes(gold.exercise.id, part_id, gold.exercise.seed):
            plain = copy.copy(parsed)
            plain.sig = None
            if (isinstance(value, (int, float)) and compare(plain, value, gp.expected, tolerance).verdict == "correct"
                    and abs(float(parsed.value) - float(value)) < abs(float(parsed.value) - float(gp.value))):
                verdict = Verdict("incorrect", 0.0, [])
                break
    if verdict.verdict == "incorrect" and verdict.mistake is None:
        for mistake, value in _mistakes(gold.exercise.id, part_id, gold.exercise.seed):     # parsed once: compare gets a copy
            if compare(copy.copy(parsed), value, gp.expected, tolerance, None, policy).verdict == "correct":
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
    if verdict.verdict == "incorrect" and verdict.mistake is None and gold.exercise.randomised:
        other = _other_variant(gold, part_id, raw, other_seeds)
        if other is not None:
            verdict.mistake = "other_variant"
            verdict.feedback = [Msg("g.book_variant") if other == "book" else Msg("g.other_variant", n=other)]
    hint = None
    if verdict.verdict == "incorrect" and verdict.mistake is None:     # every wrong answer: a mistake or a step
        if any(getattr(f, "key", None) == "g.layout_other" for f in verdict.feedback):
            verdict.mistake = "wrong_order"
        else:
            from .diagnose import diagnose           # (and its wording) when a wrong answer is first diagnosed
            found = diagnose(gold, part_id, parsed, policy, tolerance)
            verdict.mistake, hint = found.mistake, found.hint
            counted = any(getattr(f, "key", "").startswith("h.shape_count") for f in found.feedback)
            kept = [f for f in verdict.feedback if getattr(f, "key", None) in READING_NOTES or not (
                found.replace or (counted and getattr(f, "key", None) == "g.length"))]
            # a named mistake replaces "wrong at positions 2, 3"; what the numbers are replaces "2 given, 3 expected"
            verdict.feedback = kept + found.feedback
    feedback = list(verdict.feedback)     # the parser's notes are English-only: kept out of bilingual feedback
    result = PartResult(gold.exercise.id, part_id, verdict.verdict, round(points * verdict.fraction, 4), points,
                        str(getattr(parsed, "text", raw))[:200], feedback, verdict.mistake, hint)
    result.__dict__["_parsed"] = parsed           # for follow-through in grade_sheet, dropped there
    return result


# ------------------------------------------------------------------ identical answers graded once

MEMO_SIZE = 20_000            # entries (each holds one part's result and its parsed answer)
MEMO_MAX_TEXT = 1_000         # longer answers (working, programs) are graded every time
_MEMO: "OrderedDict[tuple, tuple[Gold, PartResult]]" = OrderedDict()
_MEMO_SEEDS: list[tuple] = [()]
memo_stats = {"hits": 0, "misses": 0}


def set_memo(enabled: bool) -> None:
    """Turn the per-run memo of :func:`grade_part_memo` on or off (``CNN_GRADE_MEMO=off`` starts it off); either
    way it is emptied."""
    global _memo_on
    _memo_on = bool(enabled)
    clear_memo()


def clear_memo() -> None:
    """Forget every memoised part result (the gold answers changed: another bank, a cleared cache)."""
    _MEMO.clear()
    memo_stats.update(hits=0, misses=0)


_memo_on = os.environ.get("CNN_GRADE_MEMO", "").lower() not in ("off", "0", "no", "false")


def _forget_derived() -> None:
    """What this module computed from gold answers, forgotten with them (:meth:`grader.gold.GoldCache.clear`)."""
    _mistakes.cache_clear()
    clear_memo()


CACHE.on_clear(_forget_derived)


def _answer_key(raw: Any) -> Any:
    """A hashable key that two answers share only when they are the same answer as read from the file (the same
    text, or the same YAML/JSON number or list); None when the answer is not memoised (long, or not plain data)."""
    if isinstance(raw, str):
        return raw if len(raw) <= MEMO_MAX_TEXT else None
    if isinstance(raw, bool):
        return ("bool", raw)
    if isinstance(raw, int):
        return ("int", raw) if raw.bit_length() <= 256 else None
    if isinstance(raw, float):
        return ("float", repr(raw))
    if isinstance(raw, list):
        import json
        try:
            text = json.dumps(raw, ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            return None
        return ("list", text) if len(text) <= MEMO_MAX_TEXT else None
    return None


def _fresh(result: PartResult) -> PartResult:
    """A copy of a memoised result that the caller may change (follow-through rewrites verdict and feedback)."""
    out = object.__new__(type(result))           # as dataclasses.replace, without its per-field work (a hit is hot)
    out.__dict__.update(result.__dict__)         # the fields and the parsed answer (``_parsed``)
    out.feedback = list(result.feedback)
    return out


def grade_part_memo(gold: Gold, part_id: str, raw: Any, other_seeds: tuple = (), base_dir: Any = None,
                    owners: tuple[str, ...] = ()) -> PartResult:
    """:func:`grade_part`, with identical answers to the same part of the same gold (exercise and variant, hence
    the same grading policy) graded once per run: a bounded LRU (``MEMO_SIZE`` entries) keyed by the gold, the
    part and the answer exactly as read (:func:`_answer_key`). Programs (run in the sandbox, named by the student's
    files) are never memoised. Guarantees the same result as :func:`grade_part`: each call gets its own copy."""
    gp = gold.parts.get(part_id)
    key = _answer_key(raw) if _memo_on and gp is not None and gp.part.quantity != "program" else None
    if key is None:
        return grade_part(gold, part_id, raw, other_seeds, base_dir, owners)
    if gold.exercise.randomised and other_seeds is not _MEMO_SEEDS[0]:
        if other_seeds != _MEMO_SEEDS[0]:        # another class's variants: "another variant's answer" may differ
            _MEMO.clear()
        _MEMO_SEEDS[0] = other_seeds
    k = (id(gold), part_id, key)
    hit = _MEMO.get(k)
    if hit is not None and hit[0] is gold:
        _MEMO.move_to_end(k)
        memo_stats["hits"] += 1
        return _fresh(hit[1])
    result = grade_part(gold, part_id, raw, other_seeds, base_dir, owners)
    memo_stats["misses"] += 1
    _MEMO[k] = (gold, result)
    if len(_MEMO) > MEMO_SIZE:
        _MEMO.popitem(last=False)
    return _fresh(result)


def _grade_channels(gold: Gold, part_id: str, raw: Any) -> PartResult:
    """A C×H×W answer: read as nested lists (YAML, or JSON text — data, never code), compared channel by channel."""
    import json
    gp = gold.parts[part_id]
    points = gp.part.points
    data = raw
    if isinstance(raw, str):
        text = raw.strip().replace("−", "-")
        try:
            data = json.loads(text) if len(text) <= 20_000 else None
        except ValueError:
            data = None
    shown = str(raw)[:200]
    if not (isinstance(data, list) and data and all(isinstance(c, list) for c in data)):
        return PartResult(gold.exercise.id, part_id, "unparsable", 0.0, points, shown,
                          [Msg("g.want_channels", c=len(gp.value))])
    if len(data) != len(gp.value):
        return PartResult(gold.exercise.id, part_id, "incorrect", 0.0, points, shown,
                          [Msg("g.channels_count", got=len(data), want=len(gp.value))])
    for c, (mine, want) in enumerate(zip(data, gp.value), start=1):
        verdict = compare(parse_answer(mine, "matrix"), want, "matrix", gp.part.grading.get("tolerance"))
        if verdict.verdict != "correct":
            return PartResult(gold.exercise.id, part_id, "incorrect" if verdict.verdict != "unparsable" else "unparsable",
                              0.0, points, shown, [Msg("g.channel", c=c)] + list(verdict.feedback), verdict.mistake)
    return PartResult(gold.exercise.id, part_id, "correct", points, points, shown, [])


def _grade_program(gold: Gold, part_id: str, raw: Any, base_dir: Any, owners: tuple[str, ...] = ()) -> PartResult:
    """``quantity: program``: inline code, or a ``.py`` file named relative to the answer file's folder."""
    from .program import grade_program
    gp = gold.parts[part_id]
    share = gp.part.grading.get("partial")
    verdict = grade_program(raw, gold.exercise, base_dir, owners=owners, spec=gold.solution.context.get("spec"),
                            partial=share if isinstance(share, (int, float)) and not isinstance(share, bool) else None)
    text = raw.strip() if isinstance(raw, str) else str(raw)
    shown = text if "\n" not in text else f"<program, {len(text.splitlines())} lines>"
    return PartResult(gold.exercise.id, part_id, verdict.verdict, round(gp.part.points * verdict.fraction, 4),
                      gp.part.points, shown[:200], list(verdict.feedback), verdict.mistake)


def _grade_explanation(gold: Gold, part_id: str, raw: Any) -> PartResult:
    """Prose: key points covered (both languages), scored by coverage, always ``needs_review``."""
    from .rubric import grade_explain_part
    gp = gold.parts[part_id]
    verdict = grade_explain_part(gold, part_id, raw)
    return PartResult(gold.exercise.id, part_id, verdict.verdict, round(gp.part.points * verdict.fraction, 4),
                      gp.part.points, str(raw).strip()[:200], list(verdict.feedback), verdict.mistake)


def _other_variant(gold: Gold, part_id: str, raw: Any, other_seeds: tuple) -> Any:
    """'book' or the seed of another variant whose answer this is (a shared or copied answer)."""
    gp = gold.parts[part_id]
    for seed in (None,) + tuple(s for s in other_seeds if s != gold.exercise.seed)[:50]:
        try:
            other = gold_for(gold.exercise.id, seed).parts[part_id]
        except (InputError, KeyError):
            continue
        if other.value == gp.value:
            continue
        if compare(parse_answer(raw, other.expected), other.value, other.expected).verdict == "correct":
            return "book" if seed is None else seed
    return None


def _note(note: str) -> Msg:
    """A reading note of the answer file as a sentence in both languages: a near-miss part name read as the part
    (``line 3: read “param: 4640” as part params``), or text attributed to no part (``line 2: …``)."""
    import re
    near = re.fullmatch(r"line (\d+): read “(.*)” as part (\S+)", note, re.S)
    if near:
        return Msg("g.near_part_line", n=int(near.group(1)), got=Plain(near.group(2)[:200]), part=Plain(near.group(3)))
    near = re.fullmatch(r"read “(.*)” as part (\S+)", note, re.S)           # a key of a YAML/JSON sheet
    if near:
        return Msg("g.near_part", got=Plain(near.group(1)[:200]), part=Plain(near.group(2)))
    line = re.fullmatch(r"line (\d+): (.*)", note, re.S)
    if line:
        return Msg("g.unattributed_line", n=int(line.group(1)), text=Plain(line.group(2)[:300]))
    return Msg("g.unattributed", text=Plain(note[:300]))


def sheet_seed(sheet: AnswerSheet, derive: bool = False) -> int | None:
    """The variant of a sheet: its ``seed``; else, with ``derive``, the one derived from the student id (as
    ``solve pdf --class`` does); else None, the book's numbers."""
    if sheet.seed is not None:
        return sheet.seed
    from solver.variants import seed_for_student
    return seed_for_student(sheet.student) if derive else None


def grade_sheet(sheet: AnswerSheet, *, derive_seed: bool = False, other_seeds: tuple = ()) -> SheetResult:
    """Every part of every exercise the sheet answers (missing parts score 0); unknown ids are reported.
    Randomised exercises are graded against the sheet's variant (:func:`sheet_seed`)."""
    results: list[PartResult] = []
    problems: list[Any] = []
    notes: list[Any] = []
    seed = sheet_seed(sheet, derive_seed)
    for ex_id, answers in sheet.answers.items():
        try:
            gold = gold_for(ex_id)
            if gold.exercise.randomised and seed is not None:
                gold = gold_for(ex_id, seed)
        except UnknownExercise:
            problems.append(Msg("g.unknown_exercise", id=Plain(shown_id(ex_id))))
            continue
        except InputError as exc:         # the exercise file is invalid or beyond the solver's limits
            problems.append(Msg("g.bad_exercise", id=Plain(shown_id(ex_id)), error=Text(exc.text("en"), exc.text("zh"))))
            continue
        answers = dict(answers)
        if "*" in answers and len(gold.parts) == 1:
            answers[next(iter(gold.parts))] = answers.pop("*")
        elif "*" in answers:                      # text under the heading names no part: say so, never "*"
            notes.append(_note(f"{shown_id(ex_id)}: {answers.pop('*')}"))
            problems.append(Msg("g.no_part_named", ex=Plain(shown_id(ex_id)),
                                parts=Items(tuple(Plain(shown_id(p)) for p in gold.parts))))
        for part_id in answers:
            if part_id not in gold.parts:
                problems.append(Msg("g.unknown_part", ex=Plain(shown_id(ex_id)), part=Plain(shown_id(part_id))))
        where = Path(sheet.file)
        base_dir, owners = where.parent, (where.stem, str(sheet.student))
        graded = [grade_part_memo(gold, part_id, answers.get(part_id), other_seeds, base_dir, owners)
                  for part_id in gold.parts]
        carry_forward(gold, answers, graded)      # right from the student's own wrong earlier answer: credit
        for r in graded:
            r.__dict__.pop("_parsed", None)
        results.extend(graded)
    for note in sheet.notes:                      # text attributed to no part: kept for the report, never dropped
        notes.append(_note(note))
    from .language import detect_lang, sheet_texts
    lang = getattr(sheet, "lang", None) or detect_lang(sheet_texts(sheet.answers) + list(sheet.notes))
    return SheetResult(sheet.student, sheet.file, results, problems, seed, notes, lang)


class _CallableModule(type(copy)):
    """``from grader import grade; grade("answers.yaml")``: the module answers a call with grader.api.grade (its
    functions and classes stay where they are: ``from grader.grade import grade_sheet``)."""

    def __call__(self, path: Any, lang: str | None = None, **options: Any) -> Any:
        from .api import grade
        return grade(path, lang, **options)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _CallableModule
