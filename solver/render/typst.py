"""The PDF renderer: Typst source generated from the same step objects as the other renderers,
compiled in-process by the ``typst`` package.

Text from files (statements, titles, names, answers) is always written as a Typst *string literal*
(:func:`~solver.render.typst_math.typst_string`), so nothing in an input can run Typst code, read
files or break the layout; mathematics comes from the rules' LaTeX through
:func:`~solver.render.typst_math.to_typst`.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.pipeline import solve_exercise
    >>> src = document([solve_exercise(load_exercise("hw-q2"), verify=False)], "en")
    >>> "Receptive field" in src and src.startswith("#set document")
    True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable
from ..errors import InputError
from ..i18n import Msg, Plain
from ..steps import Solution, Step
from .common import check_by, plan_items, step_marker, walk
from .summary import conclusion, localise_latex, part_labels, show_value
from .typst_math import to_typst, typst_string as S

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
             str(Path.home() / ".local/share/fonts"))
CJK_HINTS = ("cjk", "han", "hei", "song", "ming", "kai", "wqy", "droidsansfallback", "notosanssc", "notoserifsc",
             "simsun", "simhei", "fang")


PACKAGED_FONTS = ("manimgx_fonts_cjk",)   # PyPI packages shipping Noto Sans CJK (SIL OFL): pip install '.[zh]'


def packaged_font_dirs() -> list[str]:
    """The folders of installed font packages (found without importing them)."""
    import importlib.util
    dirs = []
    for name in PACKAGED_FONTS:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            dirs += list(spec.submodule_search_locations)
    return dirs


def find_cjk_fonts(extra: Iterable[str] = ()) -> list[str]:
    """Font files that look like CJK fonts, in ``extra`` folders (or files) first, then the system's, then those
    of an installed font package (the ``zh`` extra)."""
    found = []
    for root in list(extra) + list(FONT_DIRS) + packaged_font_dirs():
        p = Path(root)
        files = [p] if p.is_file() else (p.rglob("*") if p.is_dir() else [])
        for f in files:
            if f.suffix.lower() in (".ttf", ".otf", ".ttc", ".otc") and any(h in f.name.lower() for h in CJK_HINTS):
                found.append(str(f))
    return found


def text_markup(s: str) -> str:
    """Plain text as Typst markup (a string expression: nothing in it is read as markup)."""
    return f"#{S(s)}"




def _math(latex: str) -> str:
    return f"$ {to_typst(latex)} $"


def _step(number: str, depth: int, step: Step, lang: str) -> list[str]:
    out = [f"#block(above: 0.9em, below: 0.4em)[#strong[{text_markup(step_marker(number, lang) + step.title.render(lang))}]]"]
    if step.text is not None and getattr(step.text, "verbatim", False):
        out.append(f"#pad(left: {1 + depth}em)[#raw({S(step.text.render(lang))}, block: true, lang: \"python\")]")
    elif step.text is not None:
        out.append(f"#pad(left: {1 + depth}em)[{text_markup(step.text.render(lang))}]")
    for line in step.math:
        out.append(f"#pad(left: {1.5 + depth}em)[{_math(localise_latex(line, lang))}]")
    if step.table is not None:
        cols = len(step.table.columns)
        cells = [f"[#strong[{text_markup(c.render(lang))}]]" for c in step.table.columns]
        for row in step.table.rows:
            cells += [f"[{text_markup(c.render(lang) if hasattr(c, 'render') else str(c))}]" for c in row]
        out.append(f"#pad(left: {1 + depth}em)[#table(columns: {cols}, stroke: 0.4pt + luma(180), inset: 4pt, "
                   + ", ".join(cells) + ")]")
        from .figures import diagram_typst
        drawing = diagram_typst(step.table, lang)
        if drawing:
            out.append(f"#pad(left: {1 + depth}em)[{drawing}]")
    if step.result is not None and not step.children:
        if isinstance(step.result, dict) and step.result.get("latex") and "rows" not in step.result:
            out.append(f"#pad(left: {1 + depth}em)[⇒ ${to_typst(localise_latex(str(step.result['latex']), lang))}$]")
        else:
            out.append(f"#pad(left: {1 + depth}em)[⇒ #strong[{text_markup(show_value(step.result, lang))}]]")
    return out


def exercise_section(solution: Solution, lang: str, level: int = 2, skip: tuple[str, ...] = ()) -> list[str]:
    """One solution as Typst; top-level steps whose rule is in ``skip`` are left out (a booklet states its
    conventions once, in its front matter)."""
    ex = solution.exercise
    title = ex.title.render(lang)
    heading = "=" * level
    out = [f"{heading} {text_markup(ex.id + (' · ' + title if title else ''))}"]
    statement = ex.statement.render(lang)
    if statement:
        from .common import split_matrices             # matrices typeset; everything else a string literal
        body = "".join(text_markup(t) if rows is None else
                       "$mat(delim: \"[\", " + "; ".join(", ".join(r) for r in rows) + ")$"
                       for t, rows in split_matrices(statement))
        out.append(f"#block(fill: luma(245), inset: 8pt, radius: 3pt, width: 100%)[{body}]")
    out.append(f"{heading}= {text_markup(Msg('head.plan').render(lang))}")
    out += [f"- {text_markup(item.render(lang))}" for item in plan_items(solution)]
    out.append(f"{heading}= {text_markup(Msg('head.steps').render(lang))}")
    from .figures import figures_for
    figures = figures_for(solution)
    for number, depth, step in walk([s for s in solution.steps if s.rule not in skip]):
        out += _step(number, depth, step, lang)
        for figure in [f for f in figures if f[0] == step.rule]:
            out.append(f"#pad(left: {1 + depth}em)[{figure[2](lang)}]")
            figures.remove(figure)
    colon = "：" if lang == "zh" else ": "
    answers = " \\\n".join(f"- {text_markup(item.label + colon)}" + (f"${to_typst(item.latex)}$" if item.latex
                                                                  else text_markup(item.plain(lang)))
                            for item in conclusion(solution, lang))
    answers = text_markup(Msg("sum.lead").render(lang)) + " \\\n" + answers
    out.append(f"#block(stroke: 0.8pt + rgb(\"#2a7a4b\"), inset: 8pt, radius: 3pt, width: 100%)"
               f"[#strong[{text_markup(Msg('head.answers').render(lang))}] \\\n{answers}]")
    if solution.checks:
        lines = []
        labels = part_labels(solution, lang)
        for c in solution.checks:
            mark, colour = ("✓", "#2a7a4b") if c.ok else ("✗", "#b00020" if c.by != "source" else "#b36b00")
            lines.append(f"#text(fill: rgb(\"{colour}\"))[{mark}] #strong[{text_markup(check_by(c, ex, lang))}] "
                         f"{text_markup('[' + labels.get(c.part, c.part) + '] ' + c.detail.render(lang))}")
        body = " \\\n".join(lines)
        out.append(f"#block(inset: (left: 4pt))[#set text(size: 9pt)\n{body}\n]")
    return out


def preamble(lang: str, title: str) -> list[str]:
    """The opening lines of a Typst document: title, A4 page, fonts for ``lang``."""
    return [f"#set document(title: {S(title)})",
            '#set page(paper: "a4", margin: (x: 2cm, y: 2cm), numbering: "1")',
            f'#set text(size: 10pt, lang: "{lang}", font: ("Libertinus Serif", "Noto Serif CJK SC", '
            f'"Noto Sans CJK SC", "Source Han Serif SC", "WenQuanYi Zen Hei"))',
            "#set par(justify: false, leading: 0.6em)",
            "#show math.equation: set text(size: 9.5pt)",
            '#set heading(numbering: none)']




def document(solutions: list[Solution], lang: str, booklet: bool = False, title: str | None = None) -> str:
    """Typst source for one exercise or a booklet (title page, contents, sections by source)."""
    title = title or Msg("pdf.booklet").render(lang)
    if booklet:
        from .booklet import plan
        return plan(solutions, lang, title).single()
    out = preamble(lang, title)
    for sol in solutions:
        out += exercise_section(sol, lang, 1)
    return "\n".join(out) + "\n"


def _conventions(solutions: list[Solution], lang: str, out: list[str]) -> tuple[str, ...]:
    """A booklet's front matter: the conventions the network solutions share, written once (every distinct
    paragraph, in order); returns the rules of the steps each solution then leaves out."""
    texts: list[str] = []
    for sol in solutions:
        for step in sol.steps:
            if step.rule == "network.conventions" and step.text is not None:
                parts = getattr(step.text, "parts", (step.text,))
                for part in parts:
                    text = part.render(lang)
                    if text not in texts:
                        texts.append(text)
    if not texts:
        return ()
    out.append(f"= {text_markup(Msg('pdf.conventions').render(lang))}")
    out.append(text_markup(Msg("pdf.conventions.text").render(lang)))
    out += [f"- {text_markup(t)}" for t in texts]
    out.append("#pagebreak()")
    return ("network.conventions",)


def sheet_document(exercises: list, lang: str, student: str, seed: int) -> str:
    """A student's exercise sheet: statements of their variant and how to hand in answers (no solutions)."""
    out = preamble(lang, Msg("pdf.sheet", student=student).render(lang))
    out.append(f"= {text_markup(Msg('pdf.sheet', student=student).render(lang))}")
    example = f"student: {student}\nseed: {seed}\nanswers:\n  \"{exercises[0].id}\": {{{exercises[0].ask[0].id}: ...}}"
    out.append(f"{text_markup(Msg('pdf.sheet.how', student=student, seed=Plain(str(seed))).render(lang))}")
    out.append(f"#block(fill: luma(245), inset: 6pt)[#raw({S(example)}, lang: \"yaml\")]")
    for ex in exercises:
        title = ex.title.render(lang)
        out.append(f"== {text_markup(ex.id + (' · ' + title if title else ''))}")
        out.append(text_markup(ex.statement.render(lang)))
        out.append("- " + " \\\n".join(text_markup(f"{p.id}: ") for p in ex.ask))
    return "\n".join(out) + "\n"


def require_fonts(lang: str, font_paths: Iterable[str] = ()) -> list[str]:
    """The CJK font files a Chinese PDF will use; raises :class:`InputError` (exit 2) when there is none. Called
    before any solving, so a missing font is reported at once, not after the work.

    >>> require_fonts("en")
    []
    """
    if lang != "zh":
        return []
    cjk = find_cjk_fonts(font_paths)
    if not cjk:
        raise InputError(Msg("pdf.no_cjk").render("en"))
    return cjk


_CJK_CHAR: Any = None


def needs_cjk(source: str) -> bool:
    """True when the text has a Chinese (CJK) character: an English PDF with a Chinese name or answer needs a CJK
    font too, or those characters would print as empty boxes.

    >>> needs_cjk("Network “3×3 conv”"), needs_cjk("student 张三")
    (False, True)
    """
    global _CJK_CHAR
    if _CJK_CHAR is None:
        import re
        _CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
    return bool(_CJK_CHAR.search(source))


def fonts_for(source: str, lang: str, font_paths: Iterable[str] = ()) -> list[str]:
    """The font paths to give Typst for ``source``: those given, and the CJK fonts' folders when the document is
    Chinese or has a Chinese character (none found: exit 2)."""
    fonts = list(font_paths)
    if lang == "zh" or needs_cjk(source):
        cjk = require_fonts("zh", fonts)
        fonts += sorted({str(Path(f).parent) for f in cjk})
    return fonts


def compile_pdf(source: str, lang: str, font_paths: Iterable[str] = ()) -> bytes:
    """Compile Typst source to PDF bytes. Chinese — the language, or Chinese characters in an English document
    (a student's name, an answer) — needs a CJK font (found on the system or given): without one, exit 2."""
    import typst
    fonts = fonts_for(source, lang, font_paths)
    try:
        return typst.compile(source.encode("utf-8"), font_paths=fonts)
    except Exception as exc:  # a Typst error here is our bug, not the user's; say what it was
        raise RuntimeError(f"typst could not compile the document: {exc}") from None


def write_pdf(path: str, solutions: list[Solution], lang: str, booklet: bool = False,
              font_paths: Iterable[str] = ()) -> None:
    if booklet:                   # a large booklet is typeset in parts (render/booklet.py)
        from .booklet import plan, write
        write(path, plan(solutions, lang), lang, font_paths)
        return
    data = compile_pdf(document(solutions, lang, booklet), lang, font_paths)
    from .atomic import atomic_write
    atomic_write(path, data)
