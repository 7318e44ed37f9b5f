"""A class's variant sheets and answer keys (``solve pdf --class roster -o DIR``), as Typst source.

Each student's sheet and key name the student — the roster name with the student id, or the id alone — and
show the variant (the seed derived from the id). The sheet lists the statements of the student's variant, one
clean list of the parts to answer, and how to hand the answers in; the key is the worked solutions of that
variant. Every text from the roster goes into Typst as a string literal (a name cannot run Typst code).

Example:
    >>> from solver.bank import load_exercise
    >>> src = sheet_source([load_exercise("24.4")], "en", "2024001", "Zhang San", 12345)
    >>> "Zhang San (2024001)" in src and "12345" in src, src.count("\\n- #")
    (True, 1)
"""
from __future__ import annotations

from .i18n import Msg, Plain
from .render.typst import preamble, text_markup, exercise_section
from .render.typst_math import typst_string as S


def who(student: str, name: str = "") -> str:
    """``Zhang San (2024001)``, or the id alone when the roster gives no name."""
    return f"{name} ({student})" if name and name != student else student


def _head(key: str, lang: str, student: str, name: str, seed: int) -> list[str]:
    title = Msg(key, student=Plain(who(student, name))).render(lang)
    return preamble(lang, title) + [f"= {text_markup(title)}", "",
                                     text_markup(Msg("cls.who", student=Plain(student), seed=Plain(str(seed))).render(lang)),
                                     ""]


def sheet_source(exercises: list, lang: str, student: str, name: str, seed: int) -> str:
    """A student's exercise sheet: their variant's statements, the parts to answer, how to hand in."""
    out = _head("pdf.sheet", lang, student, name, seed)
    example = f"student: {student}\nseed: {seed}\nanswers:\n  \"{exercises[0].id}\": {{{exercises[0].ask[0].id}: ...}}"
    out.append(text_markup(Msg("pdf.sheet.how", student=Plain(student), seed=Plain(str(seed))).render(lang)))
    out.append(f"#block(fill: luma(245), inset: 6pt)[#raw({S(example)}, lang: \"yaml\")]")
    for ex in exercises:
        title = ex.title.render(lang)
        out.append(f"== {text_markup(ex.id + (' · ' + title if title else ''))}")
        out.append(text_markup(ex.statement.render(lang)))
        out.append(text_markup(Msg("cls.parts").render(lang)))
        out.append("\n".join(f"- {text_markup(p.id)}" for p in ex.ask))     # one list item per part
        out.append("")
    return "\n".join(out) + "\n"


def key_source(solutions: list, lang: str, student: str, name: str, seed: int) -> str:
    """A student's answer key: the worked solutions of their variant, headed by their name and seed."""
    out = _head("pdf.key", lang, student, name, seed)
    for solution in solutions:
        out += exercise_section(solution, lang, 2)
    return "\n".join(out) + "\n"
