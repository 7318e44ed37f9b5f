"""Every error the user can cause, in one place, each carrying the exit code the command ends with (click's
``exit_code`` idea), and the one way a command reports an error: one line on stderr, no traceback.

Exit codes: 0 success; 1 a check failed (:class:`CheckFailed`); 2 bad input (:class:`InputError` and its kinds).

Example:
    >>> str(InputError("stride must be positive", file="ex.yaml", field="given.layers[2].stride", line=14))
    'ex.yaml:14: given.layers[2].stride: stride must be positive'
    >>> InputError("x").exit_code, UnknownExercise("x").exit_code, CheckFailed("x").exit_code
    (2, 2, 1)

A command raises these (or calls :func:`fail`); :func:`reported` around a click command turns them into the
error line and the exit code; :func:`finish` ends a multi-file run (2 if some input was bad, else 1 if a check
failed, else 0); :func:`report` prints one file's error line (and its JSON record) while the run goes on.

Exceptions that never reach the user stay beside the code that raises and catches them, each turned into an
:class:`InputError` (or a failed check) where it is caught; they are listed in :data:`INTERNAL` so that a new
exception class is a decision (``tests/test_errors.py``).
"""
from __future__ import annotations

import functools
import sys
from typing import Any, Callable, NoReturn, TypeVar

OK = 0


class ToolError(Exception):
    """An error reported to the user as one line; ``exit_code`` is how the command ends."""

    exit_code: int = 1


class InputError(ToolError):
    """Bad input (unreadable or invalid file, unknown id, impossible layer configuration): exit code 2.

    ``message`` is English text, or a catalogue message (:class:`~solver.i18n.Msg`, ``err.*`` keys in
    ``solver/messages_errors.py``) that :meth:`text` gives in the run's language; ``str()`` is always English.
    """

    exit_code = 2

    def __init__(self, message: Any, *, file: str | None = None, field: str | None = None,
                 line: int | None = None) -> None:
        self.msg = None if isinstance(message, str) else message
        self.message = message if isinstance(message, str) else message.render("en")
        super().__init__(self.message)
        self.file = file
        self.field = field
        self.line = line

    def located(self, *, file: str | None = None, field: str | None = None,
                line: int | None = None) -> "InputError":
        """Return a copy with the location filled in where it was missing."""
        return InputError(self.said, file=self.file or file, field=self.field or field, line=self.line or line)

    @property
    def said(self) -> Any:
        """The message as given (a catalogue message or English text): what a caller that locates the error
        again passes on, so that its words stay in both languages."""
        return self.msg if self.msg is not None else self.message

    def words(self, lang: str = "en") -> str:
        """The message alone (no file, line or field) in ``lang``."""
        return self.msg.render(lang) if self.msg is not None else self.message

    def in_language(self, lang: str) -> "InputError":
        """A copy whose message (``str()`` too) is in ``lang``: what the Python API raises for a caller who asked
        for that language (a notebook shows ``str()`` after the call has returned).

        >>> from solver.i18n import Msg
        >>> str(InputError(Msg("err.empty"), file="a.yaml").in_language("zh"))
        'a.yaml: 文件是空的'
        """
        import copy
        other = copy.copy(self)
        other.msg, other.message = None, self.words(lang)
        other.args = (other.message,)
        return other

    def text(self, lang: str = "en") -> str:
        """The located message in ``lang`` (English where the message has no other wording yet).

        >>> from solver.i18n import Msg
        >>> InputError(Msg("err.empty"), file="a.yaml", line=1).text("zh")
        'a.yaml:1: 文件是空的'
        """
        message = self.words(lang)
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = (f"第 {self.line} 行：" if lang == "zh" else f"line {self.line}: ")
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{message}"

    def __str__(self) -> str:
        return self.text("en")


class UnknownExercise(InputError):
    """No exercise of the bank or of the extra folders has this id: exit code 2."""


class FileRefused(InputError):
    """A file that was not read: exit code 2. ``reason``: ``nul`` (a NUL in the name), ``outside`` (``..`` or an
    absolute name where a file inside a folder is wanted), ``missing``, ``unreadable``, ``symlink``,
    ``not_regular`` or ``too_large``."""

    def __init__(self, message: Any, *, reason: str = "unreadable", file: str | None = None) -> None:
        super().__init__(message, file=file)
        self.reason = reason


class CheckFailed(ToolError):
    """An independent verification disagreed with the solver: exit code 1."""

    exit_code = 1


# Exceptions raised and caught inside one algorithm, never shown as they are (module: class → what it becomes).
INTERNAL: dict[str, str] = {
    "solver.conv.expr:ExprError": "an InputError at the expression's field",
    "solver.conv.evaluate:EvalError": "an InputError at the expression's field",
    "solver.variants:VariantError": "an InputError at params/derived",
    "solver.receptive_probe:ProbeTooLarge": "a skipped receptive-field check",
    "solver.explain.experiments.common:ExperimentError": "an InputError at the experiment's field",
    "solver.network.pysource:_Return": "control flow of the PyTorch-source reader",
    "grader.parse._text:ReadError": "an unreadable answer (a verdict, not an exit)",
}


def suggest(word: Any, choices: Any, n: int = 1, *, quote: bool = True, cutoff: float = 0.6) -> str:
    """The `` (did you mean 'X'?)`` an error message adds after an unknown name: the ``n`` closest of ``choices``
    (:func:`difflib.get_close_matches`, ``cutoff`` its similarity floor), quoted unless ``quote=False`` (a type
    name, ``Conv2d``); empty when none is close. In English; :func:`did_you_mean` gives it in both languages.

    >>> suggest("strid", ("stride", "padding")), suggest("Conv2", ["Conv2d"], quote=False)
    (" (did you mean 'stride'?)", ' (did you mean Conv2d?)')
    >>> suggest("conv", ["conv1", "conv2", "fc"], n=3, quote=False), suggest("zzz", ["stride"])
    (' (did you mean conv2, conv1?)', '')
    """
    return did_you_mean(word, choices, n, quote=quote, cutoff=cutoff).render("en")


class DidYouMean:
    """The closest names to an unknown one, said in either language (a parameter of a catalogue message).

    >>> d = did_you_mean("strid", ("stride", "padding"))
    >>> d.render("en"), d.render("zh"), did_you_mean("zzz", ["stride"]).render("zh")
    (" (did you mean 'stride'?)", "（是否是 'stride'？）", '')
    """

    def __init__(self, close: list[str], quote: bool) -> None:
        self.names = ", ".join(f"'{c}'" if quote else c for c in close)

    def render(self, lang: str) -> str:
        if not self.names:
            return ""
        return f"（是否是 {self.names}？）" if lang == "zh" else f" (did you mean {self.names}?)"


def did_you_mean(word: Any, choices: Any, n: int = 1, *, quote: bool = True, cutoff: float = 0.6) -> DidYouMean:
    """:func:`suggest` as a :class:`DidYouMean` (both languages)."""
    import difflib
    return DidYouMean(difflib.get_close_matches(str(word), list(choices), n=n, cutoff=cutoff), quote)


def internal_error(file: str, exc: BaseException, doing: str = "grading") -> str:
    """The one line that stands for an unexpected exception while reading, solving or grading ``file`` in a
    multi-file run (a bug to report, never a traceback): its type and the first line of its message, cut to
    200 characters.

    >>> internal_error("s1.yaml", ValueError("bad\\nthings"))
    'internal error while grading s1.yaml: ValueError: bad'
    """
    lines = str(exc).strip().splitlines()
    message = lines[0][:200] if lines else ""
    return f"internal error while {doing} {file}: {type(exc).__name__}" + (f": {message}" if message else "")


_LANG = ["en"]                 # the language of error lines in this run (set by :func:`reported`)
_LABELS = {"error": "错误", "warning": "警告", "WARNING": "警告", "note": "注意"}


def speak(lang: str) -> None:
    """Error, warning and note lines from now on in ``lang`` (``reported`` sets the command's language)."""
    _LANG[0] = lang if lang in ("en", "zh") else "en"


def spoken() -> str:
    """The language of error lines in this run."""
    return _LANG[0]


def say(error: Any, lang: str | None = None) -> str:
    """An error as its line reads in ``lang`` (default: the run's): an :class:`InputError` located and worded in
    that language, a catalogue message (anything with ``render``) rendered, anything else as ``str()``."""
    lang = lang or _LANG[0]
    if isinstance(error, InputError):
        return error.text(lang)
    return error.render(lang) if hasattr(error, "render") else str(error)


def report(message: Any, label: str = "error", record: dict | None = None) -> None:
    """One line ``label: message`` on stderr in the run's language (``错误：…`` in a Chinese run), terminal-safe
    (ids, file names and answers in it cannot move the cursor or recolour); with ``record`` (``--format json``),
    that record as one JSON line on stdout."""
    import click

    from .render.safe_text import terminal_safe
    lang = _LANG[0]
    line = f"{_LABELS.get(label, label)}：{say(message)}" if lang == "zh" else f"{label}: {say(message)}"
    click.echo(terminal_safe(line, one_line=True), err=True)
    if record is not None:
        import json
        click.echo(json.dumps(record, ensure_ascii=False))


def fail(exc: ToolError) -> NoReturn:
    """Report ``exc`` as one line and end the command with its exit code."""
    report(exc)
    sys.exit(exc.exit_code)


def finish(*, bad: bool = False, failed: bool = False) -> NoReturn:
    """End a command that went on after errors: 2 if some input was bad, else 1 if a check failed, else 0."""
    sys.exit(InputError.exit_code if bad else CheckFailed.exit_code if failed else OK)


F = TypeVar("F", bound=Callable[..., Any])


def reported(command: F) -> F:
    """Around a click command's function: error lines in the command's ``--lang`` (else the locale's), and a
    :class:`ToolError` raised inside ends the command with its one line and its exit code (never a traceback)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from .i18n import default_lang
        before = _LANG[0]
        speak(kwargs.get("lang") or default_lang())
        try:
            return command(*args, **kwargs)
        except ToolError as exc:
            fail(exc)
        finally:
            _LANG[0] = before                # the command's language ends with it (a test runs many commands)
    return run  # type: ignore[return-value]


def console_script(command: Callable[..., Any], prog_name: str | None = None) -> None:
    """Run a click command as this process's whole life (``solve``, ``grade``, ``python -m …``): it ends with the
    command, so its exit need not make the garbage collector walk every object once more (:func:`gc.freeze`) —
    with PyTorch and sympy loaded that last walk cost 0.2–0.4 s. Objects are still freed, files closed and
    ``atexit`` run. Tests and notebooks call the command itself, never this."""
    import gc
    try:
        command(prog_name=prog_name)
    finally:
        gc.freeze()
