"""Per-student feedback PDF: the verdict of every part, the mistake named, and the worked solution of
each exercise where a part was missed — from the same step objects as every other renderer.
"""
from __future__ import annotations

from typing import Any, Iterable

from solver.i18n import Msg
from solver.render.typst import preamble, compile_pdf, exercise_section
from solver.render.typst_math import typst_string as S

from .gold import gold_for
from .grade import SheetResult
from .report import STYLE

COLOURS = {"green": "#2a7a4b", "red": "#b00020", "yellow": "#b36b00", "magenta": "#8a2be2", "cyan": "#00708a",
           "dim": "#777777"}


def feedback_section(result: SheetResult, lang: str) -> list[str]:
    """The Typst lines of one student's feedback: the heading, the table of parts, the worked solutions of the
    exercises where a part was missed."""
    out: list[str] = []
    who = result.student + (f" {result.name}" if getattr(result, "name", "") else "")    # roster name
    out.append(f"= #{S(f'{who} — {result.score:g} / {result.max_score:g}')}")   # one string: a bookmark's text
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
    return out


def feedback_document(results: Iterable[SheetResult], lang: str) -> str:
    """Every student's feedback, one after another (a page break between them), as one Typst document."""
    out = preamble(lang, Msg("gpdf.title").render(lang))
    for n, result in enumerate(results):
        if n:
            out.append("#pagebreak()")
        out += feedback_section(result, lang)
    return "\n".join(out) + "\n"


PART_STUDENTS = 20     # students per part of a combined feedback PDF typeset in parts (Typst ≈ 8.6 MB a student)


def write_feedback_pdf(path: str, results: Iterable[SheetResult], lang: str, font_paths: Iterable[str] = (),
                       most: int | None = None) -> None:
    """The combined feedback PDF (``grade --pdf``); ``results`` may be a generator (``grade`` loads each graded
    sheet back from its spill file as the document is written, so the class's graded sheets are never all in
    memory).

    Up to ``most`` (:data:`PART_STUDENTS`) students: one Typst document compiled here. More: typeset in parts of
    at most ``most`` students (and :data:`solver.render.booklet.PART_CHARS` characters; a student is never split),
    each in a process of its own that ends before the next begins, page numbers continued, joined with pypdf, a
    bookmark for every heading (:func:`solver.render.booklet.typeset_in_parts`) — Typst's memory, which the
    ``typst`` package never gives back, stays that of one part instead of growing with the class (200 students:
    largest process ≈ 230 MB en, 310 MB zh, was ≈ 1.8 GB). Each student starts on a new page either way; the
    joined PDF is untagged. A part that cannot be typeset raises :class:`InputError` (one line, exit 2); ``path``
    is written whole or not at all."""
    import itertools
    from solver.errors import InputError
    from solver.render.atomic import atomic_write
    most = most or PART_STUDENTS
    results = iter(results)
    first = list(itertools.islice(results, most + 1))
    try:
        if len(first) <= most:
            atomic_write(path, compile_pdf(feedback_document(first, lang), lang, font_paths))
            return
        from solver.render.booklet import PART_CHARS, group_units, typeset_in_parts
        from solver.render.typst import fonts_for
        fonts = tuple(font_paths)
        sections = (feedback_section(r, lang) for r in itertools.chain(first, results))
        typeset_in_parts(path, preamble(lang, Msg("gpdf.title").render(lang)),
                         group_units(sections, PART_CHARS, most), lambda source: fonts_for(source, lang, fonts),
                         between=["#pagebreak()"])
    except RuntimeError as exc:             # Typst's failure, or a part's process that died: one line, exit 2
        raise InputError(f"{path}: the feedback PDF could not be typeset ({exc})") from None


class FeedbackFolder:
    """``grade DIR --pdf-dir FOLDER`` written one student at a time: each student's PDF (in the language the student
    wrote in) is compiled as soon as the sheet is graded, into a temporary folder beside ``FOLDER`` that
    :meth:`commit` puts in place whole (:meth:`discard`: nothing changes). Names are those of
    :func:`grader.teacher.pdf_names`; a sheet whose id another file gives too is skipped and taken out again
    (:meth:`drop`), as the gradebooks leave such files out. A PDF that cannot be made (a Chinese name and no CJK
    font) is kept as :attr:`failed` (one error line at the end; no folder). Raises ``OSError`` naming ``FOLDER``.

    With ``workers`` (``--jobs N`` on a large class) Typst compiles N documents at a time in forked processes (the
    compile, 0.1–0.3 s a student, is most of such a run's time). The documents' sources are made here, in order;
    at most two per worker wait. (Replacing the workers every few dozen PDFs does not lower the peak: Typst's
    memory is that of the document being compiled, 150–400 MB, not a cache growing with the class.)"""

    def __init__(self, target: str, font_paths: Iterable[str] = (), workers: int = 0) -> None:
        import errno
        from pathlib import Path
        from solver.render.atomic import atomic_folder
        folder = Path(target)
        if folder.is_dir() and not folder.is_symlink() and any(not p.name.endswith(".pdf") or p.is_dir()
                                                              for p in folder.iterdir()):
            raise OSError(errno.ENOTEMPTY, "the folder holds files other than feedback PDFs; name a new or empty "
                          "folder", str(folder))
        self.target = str(folder)
        self.font_paths = tuple(font_paths)
        self._cm = atomic_folder(folder)
        self.tmp = self._cm.__enter__()
        self.names: set[str] = set()
        self.failed: str | None = None
        self.done = False
        self.workers = workers
        self._pool: Any = None
        from collections import deque
        self._pending: deque = deque()             # (name, the compile under way), in order

    @staticmethod
    def name(result: SheetResult) -> str:
        from solver.render.atomic import safe_filename
        return safe_filename(result.student, unique=True) + ".pdf"

    def add(self, result: SheetResult) -> None:
        from solver.errors import InputError
        name = self.name(result)
        if self.failed is not None or name.casefold() in self.names:      # a duplicate id: dropped at the end
            return
        self.names.add(name.casefold())
        own = getattr(result, "lang", None) or "en"          # the student's own language (grade sets it)
        source = feedback_document([result], own)
        if not self.workers:
            try:
                data = compile_pdf(source, own, self.font_paths)
            except InputError as exc:
                self.failed = str(exc)
                return
            self._write(name, data)
            return
        if self._pool is None:
            import multiprocessing as mp
            self._pool = mp.get_context("fork").Pool(self.workers)
        self._pending.append((name, self._pool.apply_async(_compile, (source, own, self.font_paths))))
        while len(self._pending) > 2 * self.workers:
            self._take()

    def _take(self) -> None:
        """Wait for the oldest compile under way and write its PDF."""
        name, job = self._pending.popleft()
        kind, data = job.get()
        if kind == "error":
            self.failed = self.failed or data
        elif kind == "crash":
            raise RuntimeError(data)
        elif self.failed is None:
            self._write(name, data)

    def _write(self, name: str, data: bytes) -> None:
        try:
            (self.tmp / name).write_bytes(data)              # the umask's mode
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), self.target) from exc

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self._pending.clear()

    def drop(self, result: SheetResult) -> None:
        while self._pending:
            self._take()
        (self.tmp / self.name(result)).unlink(missing_ok=True)

    def commit(self) -> None:
        try:
            while self._pending:
                self._take()
        finally:
            self._stop()
        self.done = True
        self._cm.__exit__(None, None, None)

    def land(self, error: Any) -> bool:
        """:meth:`commit`, or say why not (one line through ``error``); returns whether the folder landed."""
        from solver.render.atomic import cannot_write
        try:
            while self._pending:                     # the compiles still under way
                self._take()
        except OSError as exc:
            self.discard()
            error(cannot_write(exc, self.target))
            return False
        if self.failed is not None:
            self.discard()
            error(self.failed)
            return False
        try:
            self.commit()
        except OSError as exc:
            error(cannot_write(exc, self.target))
            return False
        return True

    def discard(self) -> None:
        if not self.done:
            self._stop()
            self.done = True
            self._cm.__exit__(RuntimeError, RuntimeError("discarded"), None)


def _compile(source: str, lang: str, font_paths: tuple[str, ...]) -> tuple[str, Any]:
    """In a compile worker: ``("pdf", bytes)``, ``("error", line)`` for what the user can fix (a CJK font), or
    ``("crash", message)``."""
    from solver.errors import InputError
    try:
        return "pdf", compile_pdf(source, lang, font_paths)
    except InputError as exc:
        return "error", str(exc)
    except Exception as exc:                 # noqa: BLE001 - Typst's own failure: raised again in the parent
        return "crash", str(exc)
