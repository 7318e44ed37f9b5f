"""Assignments: which exercises and parts count, and for how many points; the class's rows after grading.

An assignment file (YAML or JSON; ``assignment_schema()`` — :mod:`solver.assignment_schema` — is its JSON
Schema, ``solve schema --assignment`` prints it)::

    title: {en: Homework 3, zh: 第三次作业}     # or one string
    lang: zh                                   # the reports' language when --lang is not given
    variants: true                             # as grade --variants
    exercises:
      - hw-q3                                  # every part, with the exercise's own points
      - {id: "24.4", points: 5}                # every part, scaled to 5 points in all
      - {id: hw-q2, parts: [rf]}               # only these parts count (their own points)
      - {id: 24.5, parts: {a: 2, b: 1}}        # these parts, these points

The simplest form is ``exercises: [hw-q3, "24.4"]``. With an assignment every student's maximum is the
assignment's; an exercise a sheet does not answer scores 0 of its points and is listed; exercises outside
the assignment are reported and not counted.

Scores are rounded to the points' precision: two decimals more than the finest points value (whole points:
two decimals), so thirds never show as ``21.9998``.

Example:
    >>> a = assignment_from_text("exercises: [hw-q3, {id: '24.4', points: 5}]\\n", "hw.yaml")
    >>> [(e.id, sum(e.parts.values())) for e in a.exercises], a.max_score
    ([('hw-q3', 9.0), ('24.4', 5.0)], 14.0)
    >>> score_decimals([1, 0.5]), score_decimals([2]), round_score(21.9998, 2)
    (3, 2, 22.0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

# The format (keys, JSON Schema) is the solver's, so that ``solve schema --assignment`` needs no grader import.
from solver.assignment_schema import EXERCISE_KEYS, KEYS, assignment_schema  # noqa: F401
from solver.errors import InputError
from solver.i18n import Msg, Plain

from .grade import PartResult, SheetResult


@dataclass(frozen=True)
class AssignedExercise:
    id: str
    parts: dict[str, float]           # the parts that count → their points, in the exercise's order
    written: tuple[float, ...] = ()   # the points as written (what scores are rounded to), before any scaling


@dataclass
class Assignment:
    file: str
    exercises: list[AssignedExercise]
    title: dict[str, str] = field(default_factory=dict)
    lang: str | None = None
    variants: bool | None = None

    @property
    def max_score(self) -> float:
        return round_score(sum(sum(e.parts.values()) for e in self.exercises), self.decimals)

    @property
    def decimals(self) -> int:
        return score_decimals(p for e in self.exercises for p in (e.written or tuple(e.parts.values())))

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.title.get("zh") or Path(self.file).stem


# ------------------------------------------------------------------ rounding

def score_decimals(points: Iterable[float]) -> int:
    """Decimals a score is shown with: two more than the finest of ``points`` (at most 6)."""
    finest = 0
    for p in points:
        text = f"{float(p):.6f}".rstrip("0")
        finest = max(finest, len(text.split(".")[1]) if "." in text else 0)
    return min(finest + 2, 6)


def round_score(x: float, decimals: int) -> float:
    """``x`` rounded to ``decimals``, with ``-0.0`` made ``0.0``."""
    return round(float(x), decimals) + 0.0


# ------------------------------------------------------------------ reading

def _id_text(doc: Any, value: Any, path: tuple) -> str:
    """An exercise id as written (``24.10`` stays ``24.10``, not the number 24.1)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise doc.error("an exercise id must be text such as hw-q3 or \"24.4\"", path)
    text = doc.texts.get(path, str(value)) if not isinstance(value, str) else value
    if not text.strip():
        raise doc.error("an exercise id must not be empty", path)
    return text.strip()


def _points(doc: Any, value: Any, path: tuple) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or value != value \
            or value == float("inf"):
        raise doc.error("points must be a positive number", path)
    return float(value)


def _exercise(doc: Any, raw: Any, path: tuple, banks: list[Path]) -> AssignedExercise:
    from solver.bank import UnknownExercise, load_exercise
    if isinstance(raw, dict):
        unknown = [k for k in raw if k not in EXERCISE_KEYS]
        if unknown:
            raise doc.error(f"unknown field {unknown[0]!r} (an exercise has id, points, parts)", path + (unknown[0],))
        if "id" not in raw:
            raise doc.error("an exercise needs an id", path)
        ex_id = _id_text(doc, raw["id"], path + ("id",))
    else:
        ex_id = _id_text(doc, raw, path)
        raw = {}
    id_path = path + ("id",) if "id" in raw else path
    try:
        ex = load_exercise(ex_id, banks)
    except UnknownExercise:
        raise doc.error(f"unknown exercise {ex_id!r} (solve list shows the bank; --bank adds a folder)",
                        id_path) from None
    except InputError as exc:
        raise doc.error(f"exercise {ex_id!r} cannot be loaded: {exc}", id_path) from None
    own = {p.id: float(p.points) for p in ex.ask}
    chosen = raw.get("parts")
    if chosen is None:
        parts = dict(own)
    elif isinstance(chosen, list) and chosen:
        parts = {}
        for i, pid in enumerate(chosen):
            pid_text = _id_text(doc, pid, path + ("parts", i))
            if pid_text not in own:
                raise doc.error(f"exercise {ex_id} has no part {pid_text!r} (its parts: {', '.join(own)})",
                                path + ("parts", i))
            parts[pid_text] = own[pid_text]
    elif isinstance(chosen, dict) and chosen:
        parts = {}
        for pid, pts in chosen.items():
            pid_text = str(pid)
            if pid_text not in own:
                raise doc.error(f"exercise {ex_id} has no part {pid_text!r} (its parts: {', '.join(own)})",
                                path + ("parts", pid))
            parts[pid_text] = _points(doc, pts, path + ("parts", pid))
        parts = {p: parts[p] for p in own if p in parts}
    else:
        raise doc.error("parts must be a non-empty list of part ids or a mapping part id: points", path + ("parts",))
    if not parts or sum(parts.values()) <= 0:
        raise doc.error(f"exercise {ex_id}: the parts that count are worth no points", path)
    written = tuple(parts.values())
    if "points" in raw:
        total = _points(doc, raw["points"], path + ("points",))
        if isinstance(chosen, dict):
            raise doc.error("give points per part or for the exercise, not both", path + ("points",))
        scale = total / sum(parts.values())
        parts = {p: v * scale for p, v in parts.items()}
        written = (total,)
    return AssignedExercise(ex_id, parts, written)


def assignment_from_text(text: str, file: str, banks: list[Path] | None = None) -> Assignment:
    """Parse and check an assignment; an :class:`InputError` names the file, line and field."""
    from solver.yamlio import parse_yaml
    doc = parse_yaml(text, file)
    data = doc.data
    if isinstance(data, list):                       # a bare list of ids is an assignment too
        data = {"exercises": data}
        doc.lines = {("exercises",) + k: v for k, v in doc.lines.items()}
        doc.texts = {("exercises",) + k: v for k, v in doc.texts.items()}
    if not isinstance(data, dict):
        raise doc.error("an assignment must be a mapping with exercises (and optionally title, lang, variants)")
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise doc.error(f"unknown field {unknown[0]!r} (an assignment has {', '.join(KEYS)})", (unknown[0],))
    raw = data.get("exercises")
    if not isinstance(raw, list) or not raw:
        raise doc.error("exercises must be a non-empty list of exercise ids", ("exercises",))
    exercises: list[AssignedExercise] = []
    for i, item in enumerate(raw):
        ex = _exercise(doc, item, ("exercises", i), list(banks or []))
        if any(e.id == ex.id for e in exercises):
            raise doc.error(f"exercise {ex.id} is listed twice", ("exercises", i))
        exercises.append(ex)
    title = data.get("title")
    if title is None:
        titles: dict[str, str] = {}
    elif isinstance(title, str):
        titles = {"en": title, "zh": title}
    elif isinstance(title, dict) and title and set(title) <= {"en", "zh"} and all(isinstance(v, str) for v in title.values()):
        titles = dict(title)
    else:
        raise doc.error("title must be text or {en: …, zh: …}", ("title",))
    lang = data.get("lang")
    if lang is not None and lang not in ("en", "zh"):
        raise doc.error("lang must be en or zh", ("lang",))
    variants = data.get("variants")
    if variants is not None and not isinstance(variants, bool):
        raise doc.error("variants must be true or false", ("variants",))
    return Assignment(file, exercises, titles, lang, variants)


def read_assignment(path: str | Path, banks: list[Path] | None = None) -> Assignment:
    from solver.files import read_text
    from solver.yamlio import MAX_FILE_BYTES
    try:
        text = read_text(path, MAX_FILE_BYTES)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read the assignment: {exc.strerror or exc}", file=str(path)) from None
    return assignment_from_text(text, str(path), banks)


# ------------------------------------------------------------------ the class's rows

@dataclass
class ClassSheet(SheetResult):
    """A graded sheet as the class sees it: roster name and section, notes (the sheet's own, then: not
    answered, outside the assignment), a status (``graded``, ``missing``: on the roster without a file, ``unreadable``), whether the
    student is on the roster (None: no roster), and scores rounded to ``decimals``."""
    name: str = ""
    section: str = ""
    status: str = "graded"
    on_roster: bool | None = None
    notes: list[Any] = field(default_factory=list)
    error: str = ""
    decimals: int = 2
    fixed_max: float | None = None
    exact: float | None = None        # the total before the parts were rounded (10/9 × 9 is 10, not 9.99)
    exact_by_exercise: dict[str, float] = field(default_factory=dict)

    def exercise_score(self, ex_id: str) -> float | None:
        """The score of one exercise (rounded once, from the unrounded parts); None when it has no parts here."""
        if not any(p.exercise == ex_id for p in self.parts):
            return None
        total = self.exact_by_exercise.get(ex_id, sum(p.score for p in self.parts if p.exercise == ex_id))
        return round_score(total, self.decimals)

    @property
    def score(self) -> float:
        total = self.exact if self.exact is not None else sum(p.score for p in self.parts)
        return round_score(total, self.decimals)

    @property
    def max_score(self) -> float:
        if self.fixed_max is not None:
            return round_score(self.fixed_max, self.decimals)
        return round_score(sum(p.max_score for p in self.parts), self.decimals)


def _rounded(p: PartResult, decimals: int, score: float | None = None, max_score: float | None = None) -> PartResult:
    """A copy of ``p`` (every field kept) with its score and maximum rounded (and rescaled when given)."""
    out = object.__new__(type(p))                # dataclasses.replace without its per-field work (once per part)
    out.__dict__.update(p.__dict__)
    out.score = round_score(p.score if score is None else score, decimals)
    out.max_score = round_score(p.max_score if max_score is None else max_score, decimals)
    out.feedback = list(p.feedback)
    return out


def _fmt(x: float) -> str:
    return f"{x:g}"


def finish(result: SheetResult, assignment: Assignment | None = None) -> ClassSheet:
    """``result`` restricted to the assignment (missing exercises scored 0 and listed, others reported and left
    out) and rounded to the points' precision."""
    notes: list[Any] = []
    exact = 0.0
    by_exercise: dict[str, float] = {}
    if assignment is None:
        decimals = score_decimals(p.max_score for p in result.parts)
        parts = [_rounded(p, decimals) for p in result.parts]
        exact = sum(p.score for p in result.parts)
        for p in result.parts:
            by_exercise[p.exercise] = by_exercise.get(p.exercise, 0.0) + p.score
        fixed = None
    else:
        decimals = assignment.decimals
        parts = []
        for ex in assignment.exercises:
            mine = {p.part: p for p in result.parts if p.exercise == ex.id}
            if not mine:
                notes.append(Msg("a.not_answered", id=Plain(ex.id), points=Plain(_fmt(round_score(
                    sum(ex.parts.values()), decimals)))))
            for pid, pts in ex.parts.items():
                p = mine.get(pid)
                if p is None:
                    parts.append(PartResult(ex.id, pid, "missing", 0.0, round_score(pts, decimals), "",
                                            [Msg("g.missing")]))
                else:
                    share = p.score / p.max_score if p.max_score else 0.0
                    parts.append(_rounded(p, decimals, share * pts, pts))
                    exact += share * pts
                    by_exercise[ex.id] = by_exercise.get(ex.id, 0.0) + share * pts
        wanted = {e.id for e in assignment.exercises}
        for ex_id in dict.fromkeys(p.exercise for p in result.parts):
            if ex_id not in wanted:
                notes.append(Msg("a.outside", id=Plain(ex_id)))
        fixed = assignment.max_score
    from dataclasses import fields
    kept = {f.name: getattr(result, f.name) for f in fields(SheetResult)
            if f.name not in ("parts", "problems", "notes")}
    notes = list(getattr(result, "notes", None) or []) + notes        # the sheet's own notes first
    return ClassSheet(**kept, parts=parts, problems=list(result.problems), notes=notes, decimals=decimals,
                      fixed_max=fixed, exact=exact, exact_by_exercise=by_exercise)


def absent(student: str, assignment: Assignment | None, status: str, error: str = "", file: str = "",
           class_max: float | None = None) -> ClassSheet:
    """The row of a student with no graded sheet: ``missing`` (no file) or ``unreadable``: every part of the
    assignment missing (0 of its points); without an assignment, no parts and the class's maximum."""
    parts: list[PartResult] = []
    decimals = 2
    if assignment is not None:
        decimals = assignment.decimals
        parts = [PartResult(e.id, pid, "missing", 0.0, round_score(pts, decimals), "", [Msg("g.missing")])
                 for e in assignment.exercises for pid, pts in e.parts.items()]
    note = Msg("a.missing_file") if status == "missing" else Msg("a.unreadable", error=Plain(error))
    return ClassSheet(student, file, parts, [], None, status=status, notes=[note], error=error, decimals=decimals,
                      fixed_max=assignment.max_score if assignment is not None else class_max)
