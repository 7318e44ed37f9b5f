"""One solution as the text ``solve`` prints, in the format asked for: a JSON line, Markdown, or the terminal
text — the one choice of renderer by format, made here for the command and for the workers of ``solve file``
(:mod:`solver.batch`), which render in their own process and send back only the text.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.pipeline import solve_exercise
    >>> rendered(solve_exercise(load_exercise("hw-q2"), verify=False), "en", "json", False)[:8]
    '{"id": "'
"""
from __future__ import annotations

from typing import Any


def rendered(solution: Any, lang: str, fmt: str, verified: bool) -> str | None:
    """What ``solve`` prints for one solution, as a string — or None for the terminal text on a styled console,
    which rich draws itself (the caller then draws it with :mod:`.text`)."""
    import json
    if fmt == "json":
        from .json import to_dict
        return json.dumps(to_dict(solution, lang), ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from .markdown import render
        return render(solution, lang, verified) + "\n"
    import io
    from .plain_console import PlainConsole, console_for_stdout
    if not isinstance(console_for_stdout(), PlainConsole):
        return None
    from .text import render as render_text
    out = io.StringIO()
    render_text(solution, lang, PlainConsole(out), verified)
    return out.getvalue()
