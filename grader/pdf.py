"""Per-student feedback PDF: the verdict of every part, the mistake named, and the worked solution of
each exercise where a part was missed — from the same step objects as every other renderer.
"""
from __future__ import annotations

from typing import Iterable

from solver.i18n import Msg, register
from solver.render.typst import preamble, compile_pdf, exercise_section
from solver.render.typst_math import typst_string as S

from .gold import gold_for
from .grade import SheetResult
from .report import STYLE

register({
    "gpdf.title": ("Feedback", "批改反馈"),
    "gpdf.worked": ("Worked solutions of the parts to review", "需要复习的小问的详细解答"),
})

COLOURS = {"green": "#2a7a4b", "red": "#b00020", "yellow": "#b36b00", "magenta": "#8a2be2", "cyan": "#00708a",
           "dim": "#777777"}


def feedback_document(results: list[SheetResult], lang: str) -> str:
    out = preamble(lang, Msg("gpdf.title").render(lang))
    for n, result in enumerate(results):
        if n:
            out.append("#pagebreak()")
        who = result.student + (f" {result.name}" if getattr(result, "name", "") else "")    # roster name
        out.append(f"= #{S(who)} — {result.score:g} / {result.max_score:g}")
        cells = [f"[#strong[#{S(Msg(k).render(lang))}]]" for k in
                 ("r.exercise", "r.part", "r.answer", "r.verdict", "r.score", "r.feedback")]
        for p in result.parts:
            colour = COLOURS.get(STYLE.get(p.verdict, ""), "#000000")
            feedback = " ".join(f.render(lang) for f in p.feedback)
            cells += [f"[#{S(p.exercise)}]", f"[#{S(p.part)}]", f"[#{S(p.answer[:60])}]",
                      f"[#text(fill: rgb(\"{colour}\"))[#{S(Msg('v.' + p.verdict).render(lang))}]]",
                      f"[#{S(f'{p.score:g}/{p.max_score:g}')}]", f"[#{S(feedback)}]"]
        out.append("#table(columns: (auto, auto, 1fr, auto, auto, 2fr), stroke: 0.4pt + luma(180), inset: 4pt, "
                   + ", ".join(cells) + ")")
        missed = []
        for p in result.parts:
            if p.verdict != "correct" and p.exercise not in missed:
                missed.append(p.exercise)
        if missed:
            out.append(f"== #{S(Msg('gpdf.worked').render(lang))}")
            for ex_id in missed:
                gold = gold_for(ex_id)
                if gold.exercise.randomised and getattr(result, "seed", None) is not None:
                    gold = gold_for(ex_id, result.seed)                 # the student's own variant
                out += exercise_section(gold.solution, lang, 3)
    return "\n".join(out) + "\n"


def write_feedback_pdf(path: str, results: list[SheetResult], lang: str, font_paths: Iterable[str] = ()) -> None:
    from solver.render.atomic import atomic_write
    atomic_write(path, compile_pdf(feedback_document(results, lang), lang, font_paths))
