"""The Python API, for notebooks and scripts: solve an exercise or grade an answer file and get an object back.

In Jupyter the objects display themselves (``_repr_markdown_``: the worked solution with its mathematics as
``$…$``/``$$…$$``, which Jupyter renders; ``_repr_html_`` for front ends that want HTML). Everything else is
plain data: ``answers``, ``ok``, ``checks``, ``to_dict()``.

Example:
    >>> from solver import solve
    >>> r = solve("hw-q3", lang="zh", verify=False)
    >>> r.answers["params"], r.ok, r.lang
    (4640, True, 'zh')
    >>> "综上" in r._repr_markdown_() and "参数量：4,640 个" in r.text()
    True
    >>> solve("no-such-id", lang="en")
    Traceback (most recent call last):
    ...
    solver.errors.UnknownExercise: unknown exercise id 'no-such-id' (see `solve list`)
    >>> solve("no-such-id", lang="zh")
    Traceback (most recent call last):
    ...
    solver.errors.UnknownExercise: 没有编号为 'no-such-id' 的习题（用 `solve list` 查看全部习题）

The same from a file of one's own: ``solve_file("my-exercise.yaml", lang="en")``. Grading:
``from grader import grade; grade("answers.yaml")`` (:mod:`grader.api`).
"""
from __future__ import annotations

import html
import io
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterable, Iterator


@contextmanager
def errors_in(lang: str) -> Iterator[None]:
    """An :class:`~solver.errors.InputError` raised inside is raised again worded in ``lang`` (the caller's)."""
    from .errors import InputError
    try:
        yield
    except InputError as exc:
        if lang == "en":
            raise
        raise exc.in_language(lang) from None


def _lang(lang: str | None) -> str:
    if lang is None:
        from .i18n import default_lang
        return default_lang()
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    return lang


def markdown_to_html(markdown: str) -> str:
    """Markdown (CommonMark with tables) as HTML; mathematics is left as ``$…$`` for MathJax/KaTeX to typeset.
    Raw HTML passes: the renderers escape every text from a file, so the only HTML is the figures' SVG
    (tests/test_hostile_outputs.py checks that nothing else gets through). Without markdown-it the text is shown
    preformatted."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:                  # pragma: no cover - markdown-it comes with rich
        return f"<pre>{html.escape(markdown)}</pre>"
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


class SolveResult:
    """One solved exercise: ``answers`` (part id → value), ``ok`` (every independent check passed),
    ``checks``, ``solution`` (the step tree); ``text()``, ``markdown()``, ``to_dict()``, ``pdf(path)``."""

    def __init__(self, solution: Any, lang: str, verified: bool) -> None:
        self.solution, self.lang, self.verified = solution, lang, verified

    @property
    def id(self) -> str:
        return self.solution.exercise.id

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.solution.answers)

    @property
    def ok(self) -> bool:
        return self.solution.ok

    @property
    def checks(self) -> list[Any]:
        return list(self.solution.checks)

    def markdown(self) -> str:
        from .render.markdown import render
        return render(self.solution, self.lang, self.verified)

    def text(self, width: int = 100) -> str:
        from rich.console import Console

        from .render.text import render
        buf = io.StringIO()
        render(self.solution, self.lang, Console(file=buf, width=width, highlight=False, color_system=None),
               self.verified)
        return buf.getvalue()

    def to_dict(self) -> dict[str, Any]:
        from .render.json import to_dict
        return to_dict(self.solution, self.lang)

    def pdf(self, path: str | Path, font_paths: Iterable[str] = ()) -> Path:
        from .render.typst import write_pdf
        write_pdf(str(path), [self.solution], self.lang, False, font_paths)
        return Path(path)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        return markdown_to_html(self.markdown())

    def __repr__(self) -> str:
        return f"<SolveResult {self.id} ({self.lang}): {len(self.solution.answers)} answers, ok={self.ok}>"

    def __str__(self) -> str:
        return self.text()


def solve(ex_id: str, lang: str | None = None, *, seed: int | None = None, verify: bool = True,
          banks: Iterable[str | Path] = ()) -> SolveResult:
    """Solve bank exercise ``ex_id`` (or one in the folders ``banks``); ``lang`` defaults to the locale's.
    An unknown id or a bad file raises :class:`solver.errors.InputError`."""
    from .bank import load_exercise
    from .pipeline import solve_exercise
    lang = _lang(lang)
    with errors_in(lang):
        ex = load_exercise(ex_id, [Path(b) for b in banks], seed=seed)
        return SolveResult(solve_exercise(ex, verify=verify), lang, verify)


def solve_file(path: str | Path, lang: str | None = None, *, seed: int | None = None,
               verify: bool = True) -> SolveResult:
    """Solve the exercise written in the file ``path`` (YAML or JSON, the format of ``solve schema``)."""
    from .bank import load_file
    from .pipeline import solve_exercise
    lang = _lang(lang)
    with errors_in(lang):
        return SolveResult(solve_exercise(load_file(Path(path), seed=seed), verify=verify), lang, verify)
