"""``solve practice ID… [--lang zh] [--seed N] [--review]``: practise in the terminal.

A line-oriented prompt (rich for the output, the standard ``input()`` for the input), so it works in a plain
terminal, over SSH and with a script on standard input; colours only on a terminal that has them. Every line
typed is an answer, except the commands (English or Chinese, any case):

====================  ==========================================================
``hint`` ``提示``       the next rung of the part's hint ladder
``solution`` ``答案``   the worked solution (parts not yet solved count as shown)
``skip`` ``跳过``       the next part
``another`` ``换一题``  the same exercise with new numbers (parametrised exercises)
``quit`` ``退出``       end the session
``help`` ``帮助``       the commands
====================  ==========================================================

Ctrl-C and end of input end the session like ``quit``: what was practised is saved, and the summary printed.
Exit codes: 0, or 2 for bad input (an unknown id, nothing to practise).
"""
from __future__ import annotations

import sys
from typing import Any

import click

from solver.cli import LANG_HELP, LANGS, default_lang
from solver.errors import reported

COMMANDS = {
    "hint": ("hint", "h", "提示", "?"),
    "solution": ("solution", "sol", "答案", "解答"),
    "skip": ("skip", "next", "跳过", "下一题"),
    "another": ("another", "another one", "new", "换一题", "再来一个", "再来一题"),
    "quit": ("quit", "exit", "q", "退出", "结束"),
    "help": ("help", "帮助"),
}


def command_of(line: str) -> str | None:
    """The command a typed line names, or None for an answer.

    >>> command_of(" 提示 "), command_of("Hint"), command_of("4640")
    ('hint', 'hint', None)
    """
    word = line.strip().casefold()
    for name, words in COMMANDS.items():
        if word in words:
            return name
    return None


class Terminal:
    """The conversation; ``ask`` reads a line (raises EOFError at the end of input)."""

    def __init__(self, session: Any, console: Any) -> None:
        self.session, self.console = session, console
        self.shown_run: int | None = None
        self.shown_part: tuple | None = None

    @property
    def lang(self) -> str:
        return self.session.lang

    def say(self, text: str, style: str | None = None) -> None:
        from rich.text import Text

        from solver.render.safe_text import terminal_safe
        self.console.print(Text(terminal_safe(text), style=style or ""))

    def msg(self, key: str, style: str | None = None, **params: Any) -> None:
        from solver.i18n import Msg
        self.say(Msg(key, **params).render(self.lang), style)

    def ask(self, prompt: str) -> str:
        self.console.print(prompt, end="", markup=False, highlight=False)
        self.console.file.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def header(self) -> None:
        run = self.session.run
        if self.shown_run == id(run):
            return
        self.shown_run = id(run)
        self.console.rule(style="dim")
        seed = f" · seed {run.seed}" if run.seed is not None else ""
        self.say(f"{run.id} · {run.title(self.lang)}{seed}", "bold")
        self.say(run.statement(self.lang))

    def show_solution(self, solution: Any) -> None:
        from solver.render.text import render
        render(solution, self.lang, self.console, False)

    def loop(self) -> None:
        s = self.session
        while s.run is not None:
            lang = self.lang                 # may follow the student's language (Session.auto_lang)
            self.header()
            run = s.run
            part = s.current_part()
            if part is None:
                self.msg("pr.done_exercise", "dim")
                line = self.ask("> ")
                cmd = command_of(line)
                if cmd == "quit":
                    return
                if cmd in ("solution", "hint"):
                    self.show_solution(run.reveal())
                    continue
                if cmd == "another":
                    self._another()
                    continue
                s.next_exercise()
                continue
            key = (id(run), part.part_id)
            if self.shown_part != key:
                self.shown_part = key
                i = run.parts.index(part) + 1
                self.msg("pr.part", "bold cyan", i=i, n=len(run.parts), label=part.label(lang))
            line = self.ask("› ")
            cmd = command_of(line)
            if cmd == "quit":
                return
            if cmd == "help":
                self.msg("pr.help", "dim")
            elif cmd == "hint":
                rung = s.hint()
                if rung is None:
                    self.msg("pr.no_more_hints", "yellow")
                else:
                    self.say(rung.render_text(lang), "yellow")
            elif cmd == "solution":
                self.show_solution(s.solution())
            elif cmd == "skip":
                s.skip()
                self.msg("pr.skipped", "dim")
            elif cmd == "another":
                self._another()
            else:
                fb = s.answer(line)
                style = "green" if fb.correct else "red" if fb.verdict in ("incorrect", "unparsable") else "yellow"
                for n, text in enumerate(fb.messages):
                    self.say(text, style if n == 0 else None)
                if fb.reference:
                    self.msg("pr.reference", None, text=fb.reference)
                if fb.offer_hint:
                    self.msg("pr.offer_hint", "dim")

    def _another(self) -> None:
        seed = self.session.another()
        if seed is None:
            self.msg("pr.no_variant", "yellow")
        else:
            self.msg("pr.variant", "yellow", seed=seed)


def _items(ids: tuple[str, ...], source: str | None, chapter: str | None, review: bool, store: Any) -> list:
    from .engine import select
    items: list[tuple[str, list[str] | None]] = [(i, None) for i in select(list(ids), source, chapter)]
    if review:
        wrong: dict[str, list[str]] = {}
        for ex, part in store.review():
            wrong.setdefault(ex, []).append(part)
        items += [(ex, parts) for ex, parts in wrong.items() if ex not in dict(items)]
    return items


def _lang_by_default() -> bool:
    """True when --lang was not given: the session then follows the language the student writes in."""
    from click.core import ParameterSource
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source("lang") in (ParameterSource.DEFAULT, None)


@click.command("practice")
@click.argument("ids", nargs=-1)
@click.option("--lang", type=LANGS, default=default_lang, help=LANG_HELP)
@click.option("--seed", type=int, default=None, help="Variant number (default: the book's numbers; --review: new ones).")
@click.option("--review", is_flag=True, help="Ask again the parts that were not right first time before.")
@click.option("--source", default=None, help="Every exercise of a source (book name, either language, or part of it).")
@click.option("--chapter", default=None, help="With --source: only this chapter.")
@reported
def practice_cmd(ids: tuple[str, ...], lang: str, seed: int | None, review: bool, source: str | None,
                 chapter: str | None) -> None:
    """Practise exercises part by part: instant feedback, hints, the worked solution, new numbers."""
    import random

    from rich.console import Console

    from solver.errors import InputError, report
    from solver.i18n import Msg

    from .engine import Session
    from .store import Store
    console = Console(highlight=False, soft_wrap=False)
    try:
        store = Store()
    except Exception as exc:              # noqa: BLE001 - an unwritable data folder must not stop practice
        report(f"progress not saved: {exc}", "warning")
        store = None
    items = _items(ids, source, chapter, review, store) if store or not review else []
    if review and not items:
        click.echo(Msg("pr.review_empty").render(lang))
        return
    if review and seed is None:
        seed = random.randrange(1, 999_999)
    session = Session(items, seed=seed, lang=lang, store=store, auto_lang=_lang_by_default())
    if session.run is None:
        raise InputError(Msg("pr.no_exercises").render(lang))
    term = Terminal(session, console)
    term.msg("pr.help", "dim")
    try:
        term.loop()
    except (KeyboardInterrupt, EOFError):
        console.print()
    finally:
        session.close()
    term.msg("pr.summary", "bold")
    for line in session.summary().lines(session.lang):
        term.say(line)
    if store is not None:
        term.msg("pr.saved", "dim", path=str(store.path))
        store.close()
    term.msg("pr.bye", "dim")
