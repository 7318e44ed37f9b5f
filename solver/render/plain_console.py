"""The light path of the terminal renderer: when the output is not a terminal (a pipe, a file, a grader's
subprocess) no style is drawn, so rich's console and text classes are not even imported — :mod:`.text` writes the
same characters either way.

:func:`console_for_stdout` decides as ``rich.console.Console`` would (``TTY_COMPATIBLE``, ``FORCE_COLOR``, Jupyter,
``isatty``) and gives a :class:`PlainConsole` with rich's width (``COLUMNS``, else the size of a terminal on
stdin/stdout/stderr, else 80) when nothing would be styled; otherwise a real rich console.

Example:
    >>> import io
    >>> c = PlainConsole(io.StringIO(), {"COLUMNS": "100"})
    >>> c.width, c.is_terminal
    (100, False)
    >>> t = new_text(c); t.append("a  "); t.append("b ", style="bold"); t.rstrip(); t.plain
    'a  b'
"""
from __future__ import annotations

import os
import sys
from typing import Any, Mapping


class PlainText:
    """The part of ``rich.text.Text`` the renderer uses, without styles."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def append(self, text: str, style: Any = None) -> None:
        self.parts.append(text)

    def rstrip(self) -> None:
        self.parts = ["".join(self.parts).rstrip()]

    @property
    def plain(self) -> str:
        return "".join(self.parts)


class PlainConsole:
    """The part of ``rich.console.Console`` the renderer uses when nothing is styled."""

    is_terminal = False
    no_color = True

    def __init__(self, file: Any = None, environ: Mapping[str, str] | None = None) -> None:
        self.file = file if file is not None else sys.stdout
        env = os.environ if environ is None else environ
        width = None
        if environ is None:
            for fd in (0, 1, 2):               # as rich: the size of a terminal on a standard stream
                try:
                    width = os.get_terminal_size(fd)[0]
                    break
                except (AttributeError, ValueError, OSError):
                    pass
        columns = env.get("COLUMNS")
        if columns is not None and columns.isdigit():
            width = int(columns)
        self.width = width or 80


def _styled(file: Any, env: Mapping[str, str]) -> bool:
    """Would rich draw styles on ``file``? (Jupyter and IDLE: let rich decide.)"""
    if "ipykernel" in sys.modules or getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return True
    tty = env.get("TTY_COMPATIBLE", "")
    if tty in ("0", "1"):
        return tty == "1"
    if env.get("FORCE_COLOR") is not None:
        return env.get("FORCE_COLOR") != ""
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError):
        return False


def console_for_stdout() -> Any:
    """A :class:`PlainConsole` when the output is not styled, else ``rich.console.Console(highlight=False)``."""
    if not _styled(sys.stdout, os.environ):
        return PlainConsole()
    from rich.console import Console
    return Console(highlight=False)


def new_text(console: Any) -> Any:
    """An empty ``rich.text.Text`` for a styled console, a :class:`PlainText` otherwise."""
    if console.is_terminal and not console.no_color:
        from rich.text import Text
        return Text()
    return PlainText()
