"""The Markdown renderer: headings, bullet plan, numbered steps with ``$$`` math, pipe tables.

Text from files is escaped so it cannot open HTML or break the layout: running text through :func:`escape`,
values shown as code through :func:`code_span` (a backtick in a value cannot close the span), math lines
through :func:`math_line` (no ``<`` that could start a tag). Checked with a CommonMark renderer in
tests/test_hostile_outputs.py.

Example:
    >>> code_span("f(x)` <img src=x onerror=alert(1)> `")
    '`` f(x)` <img src=x onerror=alert(1)> ` ``'
    >>> math_line("a <img src=x> b < c")
    '$$a < img src=x> b < c$$'
"""
from __future__ import annotations

import re
from ..i18n import Msg
from ..steps import Solution
from .common import check_by, heading, plan_items, step_marker, walk
from .summary import conclusion, localise_latex, part_labels, show_value


def escape(text: str, one_line: bool = False) -> str:
    """Escape Markdown/HTML specials in running text (no tag, entity, link, emphasis or code span can start).
    With ``one_line`` line breaks become spaces (headings, list items, table cells stay one line)."""
    if one_line:
        text = " ".join(text.splitlines())
    return re.sub(r"([\\`*_\[\]|#<>&])", r"\\\1", text)   # a backslash, not an entity: readable as source


def code_span(text: str) -> str:
    """``text`` as one inline code span, shown literally: the backtick fence is longer than any run of
    backticks inside, padded with a space where the content starts or ends with a backtick or space."""
    text = " ".join(text.splitlines())
    if not text:
        return ""
    fence = "`" * (1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def math_line(latex: str) -> str:
    """A display-math paragraph ``$$…$$`` on one line; a ``<`` that could start an HTML tag or autolink gets a
    space after it (the same mathematics: TeX ignores spaces in math)."""
    return "$$" + re.sub(r"<(?=[A-Za-z/!?])", "< ", " ".join(latex.splitlines())) + "$$"


def _cell(value: object, lang: str) -> str:
    text = value.render(lang) if hasattr(value, "render") else str(value)  # type: ignore[union-attr]
    return escape(text, one_line=True)


def render(solution: Solution, lang: str, verified: bool = True) -> str:
    ex = solution.exercise
    out = [f"## {escape(heading(solution, lang), one_line=True)}", ""]
    statement = ex.statement.render(lang)
    if statement:
        from .common import split_matrices
        out += ["".join(escape(t) if rows is None else
                        "$\\begin{bmatrix}" + " \\\\ ".join(" & ".join(r) for r in rows) + "\\end{bmatrix}$"
                        for t, rows in split_matrices(statement)), ""]
    out += [f"### {Msg('head.plan').render(lang)}", ""]
    out += [f"- {escape(item.render(lang), one_line=True)}" for item in plan_items(solution)] + [""]
    out += [f"### {Msg('head.steps').render(lang)}", ""]
    from .figures import figures_for
    figures = figures_for(solution)
    for number, depth, step in walk(solution.steps):
        out.append(f"{'#' * min(6, 4 + depth)} {step_marker(number, lang)}{escape(step.title.render(lang), one_line=True)}")
        out.append("")
        if step.text is not None and getattr(step.text, "verbatim", False):
            code = step.text.render(lang)
            fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", code)), default=0))
            out += [f"{fence}python", code, fence, ""]
        elif step.text is not None:
            out += [escape(step.text.render(lang)), ""]
        for line in step.math:
            out += [math_line(localise_latex(line, lang)), ""]
        if step.table is not None:
            out.append("| " + " | ".join(_cell(c, lang) for c in step.table.columns) + " |")
            out.append("|" + "---|" * len(step.table.columns))
            out += ["| " + " | ".join(_cell(c, lang) for c in row) + " |" for row in step.table.rows]
            out.append("")
            from .figures import diagram_svg
            drawing = diagram_svg(step.table, lang)      # a network's blocks, shapes on the edges (figures.py)
            if drawing:
                out += [f"<figure>{drawing}</figure>", ""]
        for figure in [f for f in figures if f[0] == step.rule]:    # numbers and escaped names only: figures.py
            out += [f"<figure>{figure[1](lang)}</figure>", ""]
            figures.remove(figure)
        if step.result is not None and not step.children:
            if isinstance(step.result, dict) and step.result.get("latex") and "rows" not in step.result:
                out += [f"**⇒** {math_line(localise_latex(str(step.result['latex']), lang))[1:-1]}", ""]
            else:
                out += [f"**⇒ {escape(show_value(step.result, lang), one_line=True)}**", ""]
    out += [f"### {Msg('head.answers').render(lang)}", ""]
    out += [escape(Msg("sum.lead").render(lang)), ""]
    colon = "：" if lang == "zh" else ": "
    for item in conclusion(solution, lang):
        value = math_line(item.latex)[1:-1] if item.latex else escape(item.text, one_line=True)
        if item.code:
            value = code_span(item.code) + ("，" if lang == "zh" else ", ") + value
        out.append(f"- {escape(item.label, one_line=True)}{colon}{value}")
    out.append("")
    out += [f"### {Msg('head.checks').render(lang)}", ""]
    if not verified:
        out.append(f"- {Msg('check.skipped').render(lang)}")
    labels = part_labels(solution, lang)
    for c in solution.checks:
        out.append(f"- {'✓' if c.ok else '✗'} **{check_by(c, ex, lang)}** "
                   f"[{escape(labels.get(c.part, c.part), one_line=True)}] {escape(c.detail.render(lang), one_line=True)}")
    out.append("")
    return "\n".join(out)
