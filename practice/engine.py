"""The practice engine: one exercise run (:class:`ExerciseRun`) and a session over several (:class:`Session`).

Both front ends (terminal, web) use these objects and nothing else; no text is printed here.

- Each answer is graded by :func:`grader.grade.grade_part` against the gold answers of the exercise's variant,
  so practice and ``grade`` agree: the same parser (``3,612,672``, ``7.23M``, ``28×28×32``, LaTeX…), the same
  named mistakes and feedback, in the session's language.
- Hints climb the ladder of :mod:`practice.hints` one rung per request; after a wrong try the student is *offered*
  a hint (never shown one unasked).
- Score of a part: its points × (1 − 0.25 per extra try − 0.2 per hint), at least 0; nothing when the answer was
  shown, the part skipped, or the worked solution opened before the part was solved.
- With ``auto_lang`` (no language asked for), the session follows the language the student writes in
  (:func:`grader.language.detect_lang`, as ``grade`` does without ``--lang``): ``答：4608`` switches to Chinese.
- ``another()`` draws a new variant of a parametrised exercise (``seed + 1`` when a seed was given, else a random
  one) and starts its parts again.

Example:
    >>> s = Session([("hw-q3", ["params", "macs"])], lang="en")
    >>> s.current_part().part_id
    'params'
    >>> f = s.answer("4608"); f.verdict, f.mistake, f.offer_hint
    ('partial', 'bias_forgotten', True)
    >>> s.hint().kind
    'convention'
    >>> s.answer("4,640").correct, s.current_part().part_id
    (True, 'macs')
    >>> s.answer("3.612672M").correct
    True
    >>> sm = s.summary(); sm.first_time, sm.later, sm.mistakes
    ([('hw-q3', 'macs')], [('hw-q3', 'params')], {'bias_forgotten': 1})
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .hints import Hint, hint_ladder

MAX_ANSWER = 10_000          # characters of one answer (the parser's own bound)
SKIPPED_QUANTITIES = ("program",)    # a program is practised with `grade`, not typed at a prompt


def _render(item: Any, lang: str) -> str:
    return item.render(lang) if hasattr(item, "render") else str(item)


def practicable(ex: Any) -> list[str]:
    """The part ids of an exercise that can be answered at a prompt."""
    return [p.id for p in ex.ask if p.quantity not in SKIPPED_QUANTITIES]


@dataclass
class Feedback:
    verdict: str                 # the grader's verdict, or "too_long"
    correct: bool
    messages: list[str]          # in the session's language
    mistake: str | None = None
    offer_hint: bool = False
    reference: str = ""          # an explanation's reference answer


@dataclass
class PartState:
    part_id: str
    points: float
    labels: dict[str, str]
    ladder: list[Hint]
    tries: int = 0
    hints: int = 0
    solved: bool = False
    revealed: bool = False       # the answer rung or the worked solution was shown before solving
    skipped: bool = False
    first_try: bool | None = None
    mistakes: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.solved or self.revealed or self.skipped

    @property
    def score(self) -> float:
        if not self.solved or self.revealed:
            return 0.0
        return round(self.points * max(0.0, 1 - 0.25 * max(0, self.tries - 1) - 0.2 * self.hints), 4)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.part_id


class ExerciseRun:
    """One exercise (one variant) being practised; ``parts`` limits it to some part ids (``--review``)."""

    def __init__(self, ex_id: str, seed: int | None = None, parts: list[str] | None = None) -> None:
        from grader.gold import gold_for
        gold = gold_for(ex_id)
        self.randomised = gold.exercise.randomised
        if self.randomised and seed is not None:
            gold = gold_for(ex_id, seed)
        self.gold = gold
        self.exercise = gold.exercise
        self.seed = seed if self.randomised else None
        from solver.render.summary import conclusion
        solution = gold.solution
        asked = [p for p in self.exercise.ask if p.id in solution.answers]
        labels = {lang: {p.id: item.label for p, item in zip(asked, conclusion(solution, lang))} for lang in ("en", "zh")}
        wanted = [p for p in practicable(self.exercise) if parts is None or p in parts]
        self.parts = [PartState(p, self.exercise.part(p).points, {lang: labels[lang].get(p, p) for lang in labels},
                                hint_ladder(gold, p)) for p in wanted]

    @property
    def id(self) -> str:
        return self.exercise.id

    def part(self, part_id: str) -> PartState:
        for p in self.parts:
            if p.part_id == part_id:
                return p
        raise KeyError(part_id)

    def title(self, lang: str) -> str:
        return self.exercise.title.render(lang)

    def statement(self, lang: str) -> str:
        return self.exercise.statement.render(lang)

    @property
    def solution(self) -> Any:
        return self.gold.solution

    @property
    def finished(self) -> bool:
        return all(p.finished for p in self.parts)

    def answer(self, part_id: str, text: Any, lang: str, limit: int = MAX_ANSWER) -> Feedback:
        """Grade one try of ``part_id`` (an answer longer than ``limit`` characters is refused, not counted)."""
        from grader.grade import grade_part
        from solver.i18n import Msg
        state = self.part(part_id)
        if isinstance(text, str) and len(text) > limit:
            return Feedback("too_long", False, [Msg("pr.too_long", n=limit).render(lang)])
        if text is None or (isinstance(text, str) and not text.strip()):
            return Feedback("missing", False, [Msg("pr.missing").render(lang)])
        result = grade_part(self.gold, part_id, text)
        correct = result.verdict == "correct" or (result.verdict == "needs_review" and result.score > 0)
        if not state.finished:
            state.tries += 1
            if state.first_try is None:
                state.first_try = result.verdict == "correct" and state.hints == 0
            if result.mistake and result.mistake not in state.mistakes:
                state.mistakes.append(result.mistake)
            if correct:
                state.solved = True
        head = Msg(f"pr.{result.verdict}") if result.verdict in ("correct", "incorrect", "partial", "unparsable",
                                                                   "needs_review") else None
        said = [head.render(lang)] if head else []
        said += [_render(f, lang) for f in result.feedback]
        reference = ""
        if result.verdict == "needs_review":
            reference = state.ladder[-1].texts(lang)[0]
        offer = not correct and not state.finished and state.hints < len(state.ladder)
        return Feedback(result.verdict, correct, said, result.mistake, offer, reference)

    def hint(self, part_id: str) -> Hint | None:
        """The next rung of the part's ladder (None when the answer has been given already)."""
        state = self.part(part_id)
        if state.hints >= len(state.ladder):
            return None
        rung = state.ladder[state.hints]
        state.hints += 1
        if rung.kind == "answer" and not state.solved:
            state.revealed = True
        return rung

    def reveal(self) -> Any:
        """The worked solution; every part not yet solved counts as shown."""
        for p in self.parts:
            if not p.finished:
                p.revealed = True
        return self.solution

    def skip(self, part_id: str) -> None:
        state = self.part(part_id)
        if not state.finished:
            state.skipped = True


@dataclass
class Summary:
    first_time: list[tuple[str, str]]
    later: list[tuple[str, str]]
    not_solved: list[tuple[str, str]]
    mistakes: dict[str, int]
    score: float
    max_score: float
    tries: int
    hints: int

    def lines(self, lang: str) -> list[str]:
        from solver.i18n import Msg

        def parts(items: list[tuple[str, str]]) -> str:
            return ", ".join(f"{e} {p}" for e, p in items) or Msg("pr.none").render(lang)
        out = [Msg("pr.first_time", parts=parts(self.first_time)).render(lang),
               Msg("pr.later", parts=parts(self.later)).render(lang),
               Msg("pr.not_solved", parts=parts(self.not_solved)).render(lang)]
        if self.mistakes:
            out.append(Msg("pr.mistakes", list=", ".join(
                f"{mistake_name(m, lang)} ×{n}" for m, n in self.mistakes.items())).render(lang))
        else:
            out.append(Msg("pr.no_mistakes").render(lang))
        out.append(Msg("pr.score", score=_num(self.score), max=_num(self.max_score), tries=self.tries,
                       hints=self.hints).render(lang))
        return out


def mistake_name(mistake: str, lang: str) -> str:
    """A named mistake in words (the grader's catalogue, ``m.<id>``), else its id."""
    import grader.mistakes  # noqa: F401  (registers the names)
    from solver.i18n import Msg, catalogue
    return Msg(f"m.{mistake}").render(lang) if f"m.{mistake}" in catalogue() else mistake


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


class Session:
    """Exercises practised in order, parts asked in order. ``items``: (exercise id, part ids or None)."""

    def __init__(self, items: list[tuple[str, list[str] | None]], seed: int | None = None, lang: str = "en",
                 store: Any = None, rng: random.Random | None = None, auto_lang: bool = False) -> None:
        self.items = [(ex, parts) for ex, parts in items]
        self.seed = seed
        self.lang = lang
        self.auto_lang = auto_lang      # no language asked for: follow the one the student writes in, as grade does
        self.store = store
        self.rng = rng or random.Random()
        self.index = 0
        self.runs: list[ExerciseRun] = []         # every run started (variants too), for the summary
        self.saved: set[int] = set()
        self.run: ExerciseRun | None = None
        self._start()

    def _start(self, seed: int | None = None) -> None:
        while self.index < len(self.items):
            ex_id, parts = self.items[self.index]
            run = ExerciseRun(ex_id, self.seed if seed is None else seed, parts)
            if run.parts:
                self.run = run
                self.runs.append(run)
                return
            self.index += 1
        self.run = None

    def current_part(self) -> PartState | None:
        if self.run is None:
            return None
        return next((p for p in self.run.parts if not p.finished), None)

    def answer(self, text: Any) -> Feedback:
        part = self.current_part()
        assert part is not None and self.run is not None
        if self.auto_lang and isinstance(text, str):
            from grader.language import detect_lang
            self.lang = detect_lang([text[:MAX_ANSWER]]) or self.lang
        return self.run.answer(part.part_id, text, self.lang)

    def hint(self) -> Hint | None:
        part = self.current_part()
        assert part is not None and self.run is not None
        return self.run.hint(part.part_id)

    def skip(self) -> None:
        part = self.current_part()
        if part is not None and self.run is not None:
            self.run.skip(part.part_id)

    def solution(self) -> Any:
        assert self.run is not None
        return self.run.reveal()

    def another(self) -> int | None:
        """A new variant of the current exercise (its parts start again); None when it has none."""
        if self.run is None or not self.run.randomised:
            return None
        self._save(self.run)
        if self.run.seed is not None:
            seed = self.run.seed + 1
        else:
            seed = self.rng.randrange(1, 999_999)
        ex_id, parts = self.items[self.index]
        self.run = ExerciseRun(ex_id, seed, parts)
        self.runs.append(self.run)
        return seed

    def next_exercise(self) -> ExerciseRun | None:
        """Close the current exercise (saving it) and start the next; None at the end."""
        if self.run is not None:
            self._save(self.run)
        self.index += 1
        self._start()
        return self.run

    def _save(self, run: ExerciseRun) -> None:
        if self.store is None or id(run) in self.saved:
            return
        self.saved.add(id(run))
        for p in run.parts:
            if p.tries or p.hints or p.revealed or p.skipped:
                self.store.record(run.id, run.seed, p.part_id, first_try=bool(p.first_try), tries=p.tries,
                                  hints=p.hints, solved=p.solved and not p.revealed, mistakes=p.mistakes)

    def close(self) -> None:
        """Save what was practised (the current exercise too, however far it got)."""
        for run in self.runs:
            self._save(run)

    def summary(self) -> Summary:
        first, later, unsolved = [], [], []
        mistakes: dict[str, int] = {}
        score = max_score = 0.0
        tries = hints = 0
        for run in self.runs:
            for p in run.parts:
                if not (p.tries or p.hints or p.finished):
                    continue
                key = (run.id, p.part_id)
                if p.solved and not p.revealed and p.first_try:
                    first.append(key)
                elif p.solved and not p.revealed:
                    later.append(key)
                else:
                    unsolved.append(key)
                for m in p.mistakes:
                    mistakes[m] = mistakes.get(m, 0) + 1
                score += p.score
                max_score += p.points
                tries += p.tries
                hints += p.hints
        return Summary(first, later, unsolved, mistakes, score, max_score, tries, hints)


def select(ids: list[str] = (), source: str | None = None, chapter: str | None = None) -> list[str]:
    """Exercise ids to practise: ``ids`` as given, then those of the bank whose source matches ``source`` (its book
    in either language, or its group heading, case-insensitive substring) and ``chapter``; only exercises with a
    part that can be answered at a prompt."""
    from solver.bank import load_bank
    from solver.render.common import book_name
    out = list(ids)
    if source or chapter:
        for ex in load_bank():
            src = ex.source
            if src is None or not practicable(ex):
                continue
            names = [src.book, book_name(src.book, "en"), book_name(src.book, "zh")]
            if source and not any(source.casefold() in n.casefold() for n in names):
                continue
            if chapter and str(src.chapter) != str(chapter):
                continue
            if ex.id not in out:
                out.append(ex.id)
    return out
