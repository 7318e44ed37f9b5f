"""What a streamed class run keeps per student, and the class report's tallies, bounded.

``grade DIR`` writes each student's record, Gradescope result and terminal table as soon as the file is graded
(:mod:`grader.stream`) and then keeps only what the gradebooks and the class report still need:

- :class:`CompactSheet`: the row of one student — id, file, roster name and section, notes, and per part the
  verdict, score, maximum and named mistake (no answer text, no feedback): about 1 KB instead of the ~22 KB of
  a graded sheet. It answers the same questions as :class:`~grader.assignment.ClassSheet` (``parts``,
  ``score``, ``max_score``, ``exercise_score``), so the gradebooks are built from either; for ``--xlsx`` the
  parts' answers and feedback wait on disk (:meth:`CompactSheet.part_texts`).
- :class:`ClassStats`: the report's most common wrong answers per part — exact counts of the first
  ``MAX_DISTINCT`` distinct wrong answers of each part (a typical mistake is common, so it is among the first);
  later distinct answers are only counted together (``others``) — and the parts waiting for review (the first
  ``MAX_REVIEW``; how many more there are is counted).

Example:
    >>> from grader.assignment import finish
    >>> from grader.grade import PartResult, SheetResult
    >>> full = finish(SheetResult("s1", "s1.yaml", [PartResult("hw-q3", "params", "partial", 0.5, 1.0, "4608",
    ...                                                          [], "bias_forgotten")]))
    >>> row = compact(full)
    >>> [(p.part, p.verdict, p.score, p.mistake) for p in row.parts], row.score, row.max_score
    ([('params', 'partial', 0.5, 'bias_forgotten')], 0.5, 1.0)
    >>> stats = ClassStats(); _ = stats.add(full); stats.wrong[("hw-q3", "params")].most_common(1)
    [('4608', 1)]
"""
from __future__ import annotations

import sys
from array import array
from collections import Counter
from typing import Any

from .grade import PartResult

VERDICTS = ("correct", "incorrect", "partial", "unparsable", "needs_review", "missing")
_CODE = {v: i for i, v in enumerate(VERDICTS)}
WRONG = ("incorrect", "partial", "unparsable")
MAX_DISTINCT = 1_000          # distinct wrong answers tallied per part
MAX_REVIEW = 2_000            # parts waiting for review listed in the report
MAX_KEY = 200                 # characters of a wrong answer kept as its tally key (answers are cut at 200)
_LAYOUTS: dict[tuple, tuple] = {}
_EMPTY: list = []                 # shared by the rows without notes (never appended to)


def _shared(layout: tuple) -> tuple:
    """One tuple object per distinct part layout (most of a class shares one): rows refer to it."""
    if len(_LAYOUTS) > 10_000:
        _LAYOUTS.clear()
    return _LAYOUTS.setdefault(layout, layout)


class CompactSheet:
    """A graded sheet reduced to what the gradebooks and the report read (see the module's description)."""
    __slots__ = ("student", "file", "name", "section", "status", "on_roster", "notes", "decimals", "fixed_max",
                 "exact", "exact_by_exercise", "lang", "seed", "error", "problems", "_layout", "_verdicts",
                 "_scores", "_mistakes", "wrong_keys", "texts")

    def __init__(self, sheet: Any) -> None:
        for name in ("student", "file", "name", "section", "status", "on_roster", "decimals", "fixed_max", "exact",
                     "lang", "seed", "error"):
            setattr(self, name, getattr(sheet, name, None))
        self.notes = list(sheet.notes) if sheet.notes else _EMPTY
        self.problems = _EMPTY
        self.exact_by_exercise = dict(sheet.exact_by_exercise)
        parts = sheet.parts
        self._layout = _shared(tuple((sys.intern(p.exercise), sys.intern(p.part), p.max_score) for p in parts))
        self._verdicts = bytes(_CODE.get(p.verdict, 1) for p in parts)
        self._scores = array("d", (p.score for p in parts))
        mistakes = tuple(sys.intern(p.mistake) if p.mistake else None for p in parts)
        self._mistakes = mistakes if any(mistakes) else None
        self.wrong_keys: tuple = ()
        self.texts: Any = None       # (spill, where): the parts' answers and feedback kept on disk for --xlsx

    @property
    def parts(self) -> list[PartResult]:
        """The parts as :class:`PartResult` (no answer text, no feedback), built on each access."""
        mistakes = self._mistakes or (None,) * len(self._layout)
        return [PartResult(ex, part, VERDICTS[v], s, mx, "", [], m)
                for (ex, part, mx), v, s, m in zip(self._layout, self._verdicts, self._scores, mistakes)]

    def part_texts(self, lang: str) -> list[tuple[str, str]] | None:
        """Each part's (answer, feedback in ``lang``), read back from the spill (None: not kept)."""
        if self.texts is None:
            return None
        spill, where = self.texts
        return [(answer, zh if lang == "zh" else en) for answer, en, zh in spill.texts(where)]

    def exercise_score(self, ex_id: str) -> float | None:
        from .assignment import round_score
        if not any(ex == ex_id for ex, _, _ in self._layout):
            return None
        total = self.exact_by_exercise.get(ex_id, sum(s for (ex, _, _), s in zip(self._layout, self._scores)
                                                      if ex == ex_id))
        return round_score(total, self.decimals)

    @property
    def score(self) -> float:
        from .assignment import round_score
        return round_score(self.exact if self.exact is not None else sum(self._scores), self.decimals)

    @property
    def max_score(self) -> float:
        from .assignment import round_score
        if self.fixed_max is not None:
            return round_score(self.fixed_max, self.decimals)
        return round_score(sum(mx for _, _, mx in self._layout), self.decimals)


def compact(sheet: Any) -> CompactSheet:
    """The compact row of a graded :class:`~grader.assignment.ClassSheet`."""
    return CompactSheet(sheet)


def wrong_key(answer: str) -> str:
    """How wrong answers are told apart in the tallies: whitespace runs made one space."""
    return " ".join(answer.split())[:MAX_KEY]


class ClassStats:
    """The class report's tallies, filled one graded sheet at a time (see the module's description)."""

    def __init__(self) -> None:
        self.wrong: dict[tuple[str, str], Counter] = {}
        self.named: dict[tuple[str, str], dict[str, set]] = {}
        self.others: dict[tuple[str, str], int] = {}        # wrong answers past the MAX_DISTINCT of their part
        self._cols: dict[tuple[str, str], tuple[str, str]] = {}
        self._keys: dict[str, str] = {}          # as many as the tallies hold (MAX_DISTINCT per part at most)
        self.review: list[tuple[str, str, str, str, str, list]] = []   # file, student, name, column, answer, feedback
        self.review_more = 0

    def add(self, sheet: Any) -> tuple:
        """Tally one graded sheet; returns what it added (column, key, column, key, …: shared objects, so a row
        keeps it for 16 bytes per wrong answer), for :meth:`remove`."""
        added: list = []
        for p in sheet.parts:
            col = self._cols.get((p.exercise, p.part))
            if col is None:
                col = self._cols[(p.exercise, p.part)] = (p.exercise, p.part)
            if p.verdict in WRONG and p.answer.strip():
                key = wrong_key(p.answer)
                counter = self.wrong.setdefault(col, Counter())
                if key not in counter and len(counter) >= MAX_DISTINCT:      # full: counted, not told apart
                    self.others[col] = self.others.get(col, 0) + 1
                    continue
                counter[key] += 1
                if p.mistake:
                    self.named.setdefault(col, {}).setdefault(key, set()).add(p.mistake)
                added += (col, self._keys.setdefault(key, key))     # one string object per distinct answer
            elif p.verdict == "needs_review":
                if len(self.review) < MAX_REVIEW:
                    self.review.append((sheet.file, sheet.student, sheet.name, col, p.answer, list(p.feedback)))
                else:
                    self.review_more += 1
        return tuple(added)

    def remove(self, file: str, added: tuple) -> None:
        """Take back what :meth:`add` tallied for ``file`` (a file left out of the gradebooks: a duplicate id)."""
        for col, key in zip(added[::2], added[1::2]):
            counter = self.wrong.get(col)
            if counter is not None and counter.get(key, 0) > 0:
                counter[key] -= 1
                if not counter[key]:
                    del counter[key]
        self.review = [r for r in self.review if r[0] != file]

    def in_roster_order(self, roster: list[Any] | None) -> None:
        """The review list (kept in the order files were graded) in the roster's order, as the gradebooks list the
        students: roster students first, in its order, then students not on it; a student's parts in file order."""
        if roster is None or not self.review:
            return
        index: dict[str, int] = {}
        for n, entry in enumerate(roster):
            index.setdefault(entry.student, n)
        self.review.sort(key=lambda r: index.get(r[1], len(index)))        # stable: file order within

    @classmethod
    def from_rows(cls, rows: list[Any]) -> "ClassStats":
        """The tallies of full graded rows (a run that kept every sheet: ``grade merge``, tests)."""
        stats = cls()
        for r in rows:
            stats.add(r)
        return stats


__all__ = ["ClassStats", "CompactSheet", "compact", "wrong_key"]
