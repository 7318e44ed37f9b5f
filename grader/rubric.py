"""Grading prose: which key points of an explanation does an answer cover?

The matching (:func:`match_points`, :func:`compile_phrasing`, …) is :mod:`solver.explain.rubric`; this
module turns a match into a verdict with feedback. Each key point of a ``kind: explain`` exercise lists
*phrasings* — keywords and short phrases, in English and Chinese — that show the point is covered; how a
phrasing matches a text (normalisation, stems, sentences, ``a + b``, ``a | b``) is stated once, in
:mod:`solver.explain.rubric`.

The score is the covered share of the weights. The verdict is always ``needs_review``: matching
words is evidence for a teacher, not a judgement (an answer may mention a point to deny it). The
feedback lists the covered points with the phrase found, and the missing points with their
reference sentence, in both languages.

Example:
    >>> pts = [{"id": "id", "weight": 1, "en": {"text": "The shortcut is an identity path.",
    ...         "phrasings": ["identity mapping", "skip connection"]},
    ...         "zh": {"text": "捷径是恒等映射。", "phrasings": ["恒等映射", "跳跃连接"]}},
    ...        {"id": "bn", "weight": 1, "en": {"text": "Batch norm helps.", "phrasings": ["batch normalization"]},
    ...         "zh": {"text": "批归一化有帮助。", "phrasings": ["批归一化", "BN"]}}]
    >>> v = grade_prose("Skip connections map the input by identity: the gradient flows back.", pts)
    >>> v.verdict, v.fraction, v.matched
    ('needs_review', 0.5, ['id'])
    >>> grade_prose("残差块通过恒等映射把输入直接加到输出上，并使用BN。", pts).matched
    ['id', 'bn']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The matching itself lives in the solver (which checks its reference answers with it).
from solver.explain.rubric import MAX_CHARS, detect_language, is_cjk, match_points
from solver.i18n import Msg, Plain, Sep, Text

from .compare import Verdict


@dataclass
class RubricVerdict(Verdict):
    """A :class:`grader.compare.Verdict` that also says which points were found."""

    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)
    lang: str = "en"


def _snippet(text: str, limit: int) -> str:
    """The first sentence of a reference text, cut at a word boundary, without its final stop."""
    first = re.split(r"(?<=[.;:])\s|[。；：]", text.strip(), maxsplit=1)[0].rstrip(" .;:。；：")
    if len(first) <= limit:
        return first
    cut = first[:limit]
    if " " in cut and not is_cjk(cut[-1]):
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,，、(（") + "…"


def _point_text(point: dict[str, Any]) -> Text:
    en, zh = (point.get("en") or {}).get("text", ""), (point.get("zh") or {}).get("text", "")
    return Text(_snippet(en or zh, 90), _snippet(zh or en, 45))


def grade_prose(text: Any, points: list[dict[str, Any]], lang_hint: str | None = None) -> RubricVerdict:
    """Mark the key points ``text`` covers: verdict ``needs_review``, fraction = weighted coverage.

    An empty answer is ``missing``. ``lang_hint`` (``en``/``zh``) is recorded on the verdict (detected
    when not given); matching always uses the phrasings of both languages, since answers mix them."""
    text = "" if text is None else str(text)
    if not text.strip():
        return RubricVerdict("missing", 0.0, [Msg("g.missing")], lang=lang_hint or "en")
    lang = lang_hint if lang_hint in ("en", "zh") else detect_language(text)
    m = match_points(text, points)
    by_id = {p["id"]: p for p in points}
    feedback: list[Any] = [Msg("rubric.summary", covered=len(m.matched), total=len(points),
                               pct=Plain(f"{100 * m.coverage:.0f}%"))]
    if m.matched:
        feedback.append(Msg("rubric.matched", points=Sep(tuple(
            Msg("rubric.point_found", id=Plain(i), phrase=Plain(m.evidence[i])) for i in m.matched))))
    else:
        feedback.append(Msg("rubric.none"))
    if m.missing:
        feedback.append(Msg("rubric.missing", points=Sep(tuple(
            Msg("rubric.point_missing", id=Plain(i), text=_point_text(by_id[i])) for i in m.missing))))
    if m.truncated:
        feedback.append(Msg("rubric.truncated", n=MAX_CHARS))
    return RubricVerdict("needs_review", round(m.coverage, 4), feedback, None, m.matched, m.missing, m.evidence, lang)


def points_for(gold: Any, part_id: str) -> list[dict[str, Any]]:
    """The key points of one part of a gold answer (``grader.gold.Gold``) of a ``kind: explain`` exercise."""
    return list(gold.solution.context["points"][part_id])


def grade_explain_part(gold: Any, part_id: str, raw: Any) -> RubricVerdict:
    """What ``grader.grade.grade_part`` does for a part of a ``kind: explain`` exercise: the student's prose
    (any value, read as text) against that part's key points."""
    if isinstance(raw, (list, tuple)):
        raw = "\n".join(str(r) for r in raw)
    elif isinstance(raw, dict):
        raw = "\n".join(f"{k}: {v}" for k, v in raw.items())
    return grade_prose(raw, points_for(gold, part_id))
