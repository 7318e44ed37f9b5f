"""The Markdown renderer: headings, bullet plan, numbered steps with ``$$`` math, pipe tables.

Text from files is escaped so it cannot open HTML or break the layout.
"""
from __future__ import annotations

import re

from .. import messages  # noqa: F401
from ..i18n import Msg
from ..steps import Solution
from .common import heading, show_value, walk


def escape(text: str) -> str:
    """Escape Markdown/HTML specials in running text."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def _cell(value: object, lang: str) -> str:
    text = value.render(lang) if hasattr(value, "render") else str(value)  # type: ignore[union-attr]
    return escape(text)


def render(solution: Solution, lang: str, verified: bool = True) -> str:
    ex = solution.exercise
    out = [f"## {escape(heading(solution, lang))}", ""]
    statement = ex.statement.render(lang)
    if statement:
        out += [escape(statement), ""]
    out += [f"### {Msg('head.plan').render(lang)}", ""]
    out += [f"- {escape(item.render(lang))}" for item in solution.plan] + [""]
    out += [f"### {Msg('head.steps').render(lang)}", ""]
    for number, depth, step in walk(solution.steps):
        out.append(f"{'#' * min(6, 4 + depth)} {number}. {escape(step.title.render(lang))}")
        out.append("")
        if step.text is not None and getattr(step.text, "verbatim", False):
            code = step.text.render(lang)
            fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", code)), default=0))
            out += [f"{fence}python", code, fence, ""]
        elif step.text is not None:
            out += [escape(step.text.render(lang)), ""]
        for line in step.math:
            out += [f"$${line}$$", ""]
        if step.table is not None:
            out.append("| " + " | ".join(_cell(c, lang) for c in step.table.columns) + " |")
            out.append("|" + "---|" * len(step.table.columns))
            out += ["| " + " | ".join(_cell(c, lang) for c in row) + " |" for row in step.table.rows]
            out.append("")
        if step.result is not None and not step.children:
            out += [f"**⇒ {escape(show_value(step.result))}**", ""]
    out += [f"### {Msg('head.answers').render(lang)}", ""]
    out += [f"- **{escape(p.id)}**: `{show_value(solution.answers[p.id])}`" for p in ex.ask] + [""]
    out += [f"### {Msg('head.checks').render(lang)}", ""]
    if not verified:
        out.append(f"- {Msg('check.skipped').render(lang)}")
    for c in solution.checks:
        out.append(f"- {'✓' if c.ok else '✗'} **{Msg('by.' + c.by).render(lang)}** [{escape(c.part)}] "
                   f"{escape(c.detail.render(lang))}")
    out.append("")
    return "\n".join(out)
