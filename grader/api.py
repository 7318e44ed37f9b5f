"""Grading from Python and notebooks: ``from grader import grade; grade("answers.yaml")`` returns a
:class:`GradeResult` that displays itself in Jupyter (a table of verdicts and feedback).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "s01.yaml").write_text("student: s01\\nanswers:\\n  hw-q3: {params: 4640, macs: 3612672}\\n")
    >>> from grader import grade
    >>> r = grade(d / "s01.yaml", lang="en")
    >>> r.student, [p.verdict for p in r.parts if p.part in ("params", "shape")], r.score, r.max_score
    ('s01', ['missing', 'correct'], 2.0, 9.0)
    >>> "| hw-q3 | params |" in r._repr_markdown_()
    True
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def _cell(text: str) -> str:
    from solver.render.markdown import escape
    return escape(text, one_line=True)


class GradeResult:
    """One graded answer file: ``student``, ``score``, ``max_score``, ``parts`` (verdict, score, feedback of
    every part), ``result`` (the grader's :class:`grader.grade.SheetResult`); ``to_dict()`` is SPEC.md's record."""

    def __init__(self, result: Any, lang: str) -> None:
        self.result, self.lang = result, lang

    student = property(lambda self: self.result.student)
    score = property(lambda self: self.result.score)
    max_score = property(lambda self: self.result.max_score)
    parts = property(lambda self: list(self.result.parts))

    def to_dict(self) -> dict[str, Any]:
        from .report import to_dict
        return to_dict(self.result, self.lang)

    def text(self, width: int = 120) -> str:
        from rich.console import Console

        from .report import print_text
        buf = io.StringIO()
        print_text(self.result, self.lang, Console(file=buf, width=width, highlight=False, color_system=None))
        return buf.getvalue()

    def markdown(self) -> str:
        from solver.i18n import Msg

        from .report import _render
        lang = self.lang
        head = [Msg(k).render(lang) for k in ("r.exercise", "r.part", "r.answer", "r.verdict", "r.score",
                                              "r.feedback")]
        out = [f"**{_cell(self.student)}** — {self.score:g} / {self.max_score:g}", "",
               "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for p in self.result.parts:
            out.append("| " + " | ".join(_cell(x) for x in (
                p.exercise, p.part, p.answer[:60], Msg(f"v.{p.verdict}").render(lang), f"{p.score:g}/{p.max_score:g}",
                _render(p.feedback, lang))) + " |")
        out += [f"- {_cell(m.render(lang))}" for m in list(self.result.problems) + list(self.result.notes)]
        return "\n".join(out) + "\n"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        from solver.api import markdown_to_html
        return markdown_to_html(self.markdown())

    def __repr__(self) -> str:
        return f"<GradeResult {self.student}: {self.score:g} / {self.max_score:g}>"

    def __str__(self) -> str:
        return self.text()


def grade(path: str | Path, lang: str | None = None, *, variants: bool = False, banks: Any = ()) -> GradeResult:
    """Grade one answer file (YAML, JSON or Markdown, as ``grade`` reads them). ``lang``: the feedback's language
    (default: the language the student wrote in, else the locale's). A file that cannot be read raises
    :class:`solver.errors.InputError`."""
    from .answers import read_sheet
    from .gold import set_extra_banks
    from .grade import grade_sheet
    from solver.api import errors_in
    from solver.i18n import default_lang
    if banks:
        set_extra_banks([Path(b) for b in banks])
    with errors_in(lang or default_lang()):
        result = grade_sheet(read_sheet(Path(path)), derive_seed=variants)
    if lang is None:
        lang = result.lang or default_lang()
    return GradeResult(result, lang)
