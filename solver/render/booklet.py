"""Booklets (``solve pdf --all``): the Typst source of a booklet, and a large one typeset in parts.

Typst's memory grows with the document it lays out (the whole bank, about 1.3 MB of source, took 660 MB), and the
``typst`` package never empties Typst's memoisation cache, so compiling parts one after the other in one process
would grow just the same. A large booklet is therefore typeset part by part, each part in a fresh process that
ends before the next begins, and the parts are joined with pypdf:

- the front matter (title page, contents, conventions) is its own part; its contents list the page of every
  heading of the other parts, found by a Typst query of each part (exact positions), and each entry links there;
- each part starts its page counter where the previous one ended, so page numbers run on as in one document;
- the PDF bookmarks are rebuilt for the whole booklet (sources, exercises, their sections), as Typst makes them.

With ``verify``, the solving (PyTorch) also runs in a process of its own that ends before any typesetting
(:func:`solve_and_write`): PyTorch's memory, which Python cannot give back, is never alive beside Typst's.
A booklet small enough (:data:`PART_CHARS`) is typeset in one piece, exactly as before. A booklet in parts is an
untagged PDF (pypdf cannot join Typst's accessibility tags); its text, contents links and bookmarks are kept.
The same machinery, without front matter, is public for other long documents: :func:`typeset_in_parts` (``grade
--pdf``'s combined feedback PDF of a large class, ``grader/pdf.py``).
Whole bank, verified (2026-11-30): peak memory of all processes together about 350 MB (was 1,040 MB in one
process): the solving process about 330 MB, then each Typst part under about 300 MB beside a parent of about 30 MB.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

PART_CHARS = 300_000   # Typst source per part, in characters (whole bank ≈ 1.3 M): ≤ ~300 MB of Typst each
LINK = "https://booklet.invalid/goto/"    # contents links written by Typst, turned into page links by pypdf
INFO = "booklet-info"
_HEADING = re.compile(r'^(=+) #(".*")$')


@dataclass
class Booklet:
    """A booklet's Typst source in pieces: the preamble, the title page, the conventions (front matter) and one
    unit per exercise (a source's heading goes with the source's first exercise)."""
    lang: str
    head: list[str]
    title_page: list[str]
    conventions: list[str]
    units: list[list[str]]
    contents_title: str

    def single(self) -> str:
        """The whole booklet as one Typst document (Typst's own outline for the contents)."""
        from .typst_math import typst_string as S
        out = self.head + self.title_page + [f"#outline(title: {S(self.contents_title)}, depth: 2)", "#pagebreak()"]
        out += self.conventions
        for unit in self.units:
            out += unit
        return "\n".join(out) + "\n"

    def size(self) -> int:
        return sum(len(line) + 1 for unit in self.units for line in unit)


def plan(solutions: list, lang: str, title: str | None = None) -> Booklet:
    """The pieces of a booklet of ``solutions`` (sections by source, conventions stated once)."""
    from ..i18n import Msg
    from .common import source_group
    from .typst import _conventions, exercise_section, preamble, text_markup
    title = title or Msg("pdf.booklet").render(lang)
    title_page = ["#align(center + horizon)[", f"#text(size: 24pt, weight: \"bold\")[{text_markup(title)}] \\",
                  f"#v(1em) #text(size: 11pt)[{text_markup(Msg('pdf.generated').render(lang))}]", "]",
                  "#pagebreak()"]
    groups: dict[str, list] = {}
    for sol in solutions:
        src = sol.exercise.source
        key = source_group(src, lang) if src else Msg("pdf.other").render(lang)
        groups.setdefault(key, []).append(sol)
    conventions: list[str] = []
    skip = _conventions(solutions, lang, conventions)
    units = []
    for key, group in groups.items():
        for i, sol in enumerate(group):
            unit = [f"= {text_markup(key)}"] if i == 0 else []
            units.append(unit + exercise_section(sol, lang, 2, skip) + ["#v(1.5em)"])
    return Booklet(lang, preamble(lang, title), title_page, conventions, units, Msg("pdf.contents").render(lang))


def headings(lines: Iterable[str]) -> list[tuple[int, str]]:
    """(level, text) of the headings among Typst lines written by this renderer (``== #"text"``)."""
    found = []
    for line in lines:
        m = _HEADING.match(line)
        if m:
            found.append((len(m.group(1)), json.loads(m.group(2), strict=False)))
    return found


def parts(booklet: Booklet, limit: int = PART_CHARS) -> list[list[list[str]]]:
    """The exercise units grouped into parts of at most ``limit`` characters (a larger unit is a part alone)."""
    return list(group_units(booklet.units, limit))


def group_units(units: Iterable[list[str]], limit: int = PART_CHARS,
                most: int | None = None) -> Iterator[list[list[str]]]:
    """``units`` (each a list of Typst lines, never split) grouped into parts of at most ``limit`` characters and
    at most ``most`` units (a larger unit is a part alone); lazy: ``units`` may be a generator."""
    group: list[list[str]] = []
    size = 0
    for unit in units:
        n = sum(len(line) + 1 for line in unit)
        if group and (size + n > limit or (most is not None and len(group) >= most)):
            yield group
            group, size = [], 0
        group.append(unit)
        size += n
    if group:
        yield group


def _part_source(head: list[str], units: list[list[str]], first_page: int, between: list[str] | None = None) -> str:
    out = head + [f"#counter(page).update({first_page})"]
    for i, unit in enumerate(units):
        if i and between:
            out += between
        out += unit
    return "\n".join(out) + "\n" + _INFO


_INFO = (f"#context [#metadata((heads: query(heading).map(h => (h.level, h.location().position())), "
         f"pages: here().page()))<{INFO}>]\n")


def _front_source(booklet: Booklet, entries: list[tuple[int, str, int, float]]) -> str:
    """Title page, contents (an entry per source and exercise: its page, a link to it) and conventions."""
    from .typst_math import typst_string as S
    from .typst import text_markup
    out = booklet.head + booklet.title_page
    out.append(f"#heading(outlined: false, bookmarked: false)[{text_markup(booklet.contents_title)}]")
    conventions = booklet.conventions
    if conventions and conventions[-1] == "#pagebreak()":
        conventions = conventions[:-1]             # the front matter ends there (no empty page)
    if conventions:             # the front matter's own section, linked by Typst
        title = headings(conventions[:1])[0][1]
        conventions = [conventions[0] + " <booklet-conventions>"] + conventions[1:]
        out.append(_entry(1, title, "<booklet-conventions>",
                          "#context counter(page).at(<booklet-conventions>).first()"))
    for level, text, page, y in entries:
        if level <= 2:
            out.append(_entry(level, text, S(f"{LINK}{page}/{y:.2f}"), f"#{S(str(page))}"))
    if conventions:
        out += ["#pagebreak()"] + conventions
    return "\n".join(out) + "\n" + _INFO


def _entry(level: int, text: str, target: str, page: str) -> str:
    """A contents entry as Typst's outline draws one: spaced by the preamble's leading (0.6em), indented 1.2em a
    level, the dotted fill, the page number kept off a line of its own by a word joiner."""
    from .typst import text_markup
    indent = 1.2 * (level - 1)
    return (f"#block(spacing: 0.6em)[#pad(left: {indent:.1f}em)[#link({target})[{text_markup(text)} "
            f"#box(width: 1fr, repeat(gap: 0.15em)[.]) \\u{{2060}}{page}]]]")


def _compile(typ: str, pdf: str, fonts: list[str]) -> tuple[int, list]:
    """Compile one part (run in a fresh process): its page count and its headings' (level, position)."""
    import typst
    compiler = typst.Compiler(typ, root=str(Path(typ).parent), font_paths=fonts)
    try:
        try:
            compiler.compile(output=pdf, pdf_tags=False)     # joined by pypdf: its tags could not follow anyway
        except TypeError:                                     # a typst package older than tagged PDFs
            compiler.compile(output=pdf)
    except Exception as exc:   # a Typst error here is our bug, not the user's; say what it was
        raise RuntimeError(f"typst could not compile the document: {exc}") from None
    info = json.loads(compiler.query(f"<{INFO}>", field="value", one=True))
    return info["pages"], info["heads"]


def _child(task: str, result: str) -> None:
    """The worker process's entry point: run the pickled task, pickle (True, value) or (False, exception)."""
    import importlib
    import pickle
    module, name, args = pickle.loads(Path(task).read_bytes())
    try:
        out: tuple = (True, getattr(importlib.import_module(module), name)(*args))
    except BaseException as exc:  # noqa: BLE001 — given to the parent, which raises it
        try:
            pickle.dumps(exc)
            out = (False, exc)
        except Exception:  # noqa: BLE001
            out = (False, RuntimeError(f"{type(exc).__name__}: {exc}"))
    Path(result).write_bytes(pickle.dumps(out))


def _in_own_process(function: Any, *args: Any) -> Any:
    """``function(*args)`` in a fresh Python process that has ended when this returns (its memory given back);
    its exception, if any, is raised here. A plain ``python -c`` child, not multiprocessing's spawn, which would
    run the caller's main script again."""
    import os
    import pickle
    import subprocess
    import sys
    import tempfile
    with tempfile.TemporaryDirectory(prefix="booklet-task-") as tmp:
        task, result = Path(tmp) / "task", Path(tmp) / "result"
        task.write_bytes(pickle.dumps((function.__module__, function.__name__, args)))
        env = dict(os.environ)          # the child imports this very package
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        done = subprocess.run([sys.executable, "-c", "import sys; from solver.render.booklet import _child; "
                               "_child(sys.argv[1], sys.argv[2])", str(task), str(result)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, check=False)
        if not result.exists():
            raise RuntimeError(f"the worker process ({function.__name__}) ended with code {done.returncode} "
                               f"(killed, or out of memory?)")
        ok, value = pickle.loads(result.read_bytes())
    if not ok:
        raise value
    return value


def _pt(value: str) -> float:
    return float(value.removesuffix("pt"))


def write_parts(path: str, booklet: Booklet, fonts: list[str], limit: int = PART_CHARS) -> None:
    """Typeset ``booklet`` part by part (one process each, one at a time) and join the parts into ``path``."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="booklet-") as tmp:
        def run(name: str, source: str) -> tuple[int, list]:
            typ = Path(tmp) / f"{name}.typ"
            typ.write_text(source, encoding="utf-8")
            return _in_own_process(_compile, str(typ), str(Path(tmp) / f"{name}.pdf"), fonts)

        groups = parts(booklet, limit)
        placeholder = [(lvl, text, 888, 0.0) for units in groups for lvl, text in
                       headings(line for unit in units for line in unit)]
        front_pages, _ = run("front", _front_source(booklet, placeholder))
        for _ in range(3):                 # the front matter's length fixes where the body starts
            entries, page = [], front_pages + 1
            for i, units in enumerate(groups):
                pages, found = _typeset_part(Path(tmp), f"part-{i}", _part_source(booklet.head, units, page),
                                             page, lambda _: fonts)
                entries += found
                page += pages
            pages, _ = run("front", _front_source(booklet, entries))
            if pages == front_pages:
                break
            front_pages = pages            # longer or shorter contents: lay the body out again
        else:
            raise RuntimeError("the booklet's contents did not settle on a number of pages")
        _join(path, [Path(tmp) / "front.pdf"] + [Path(tmp) / f"part-{i}.pdf" for i in range(len(groups))],
              entries, front_pages)


def _typeset_part(tmp: Path, name: str, source: str, first_page: int,
                  fonts: Callable[[str], list[str]]) -> tuple[int, list[tuple[int, str, int, float]]]:
    """Compile one part's ``source`` (written by :func:`_part_source`) into ``tmp/name.pdf`` in a fresh process:
    its page count and its headings' (level, text, page in the whole document, y from the top in pt)."""
    written = headings(source.split("\n"))
    typ = tmp / f"{name}.typ"
    typ.write_text(source, encoding="utf-8")
    pages, positions = _in_own_process(_compile, str(typ), str(tmp / f"{name}.pdf"), fonts(source))
    if len(positions) != len(written):
        raise RuntimeError(f"{name}: {len(positions)} headings typeset, {len(written)} written")
    return pages, [(lvl, text, first_page + pos["page"] - 1, _pt(pos["y"]))
                   for (lvl, text), (_, pos) in zip(written, positions)]


def typeset_in_parts(path: str, head: list[str], groups: Iterable[list[list[str]]],
                     fonts: Callable[[str], list[str]], between: list[str] | None = None) -> int:
    """Typeset one Typst document — ``head`` (the preamble), then ``groups`` of units (each a list of Typst lines,
    ``between`` inserted between two units of a part) — part by part: each group in a fresh process that ends
    before the next begins, its page counter continuing where the previous part ended; the parts are joined with
    pypdf (in a process of its own too) into ``path``, whole or not at all, with a bookmark for every heading
    written by this renderer (``== #"text"``), nested by level. A new part starts on a new page. ``groups`` may
    be a generator: only one part's source is held at a time. ``fonts(source)`` gives the font paths for a part
    (it may raise :class:`~solver.errors.InputError`: a CJK font missing). A part that Typst cannot compile (or
    whose process dies) raises :class:`RuntimeError`; nothing is written. Returns the number of pages."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="typeset-parts-") as tmp:
        entries: list[tuple[int, str, int, float]] = []
        pdfs: list[Path] = []
        page = 1
        for i, units in enumerate(groups):
            pages, found = _typeset_part(Path(tmp), f"part-{i}", _part_source(head, units, page, between),
                                         page, fonts)
            entries += found
            pdfs.append(Path(tmp) / f"part-{i}.pdf")
            page += pages
        if not pdfs:
            raise ValueError("nothing to typeset")
        _in_own_process(_join, path, pdfs, entries, 0)      # pypdf's memory grows with the joined document
        return page - 1


def _join(path: str, pdfs: list[Path], entries: list[tuple[int, str, int, float]], front_pages: int) -> None:
    """One PDF of ``pdfs``: contents links pointing at pages, bookmarks for every heading (``front_pages``: the
    first PDF is the front matter, whose own bookmarks are kept; 0: none)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NullObject, TextStringObject
    from pypdf.generic import Fit
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(pdf), import_outline=False)
    # bookmarks: the front matter's own (its conventions), then every heading of the body, nested by level
    front = PdfReader(pdfs[0])
    marks = [(1, item.title, front.get_destination_page_number(item), float(item.top or 0))
             for item in front.outline if not isinstance(item, list)] if front_pages else []   # PDF coordinates
    marks += [(lvl, text, page - 1, float(writer.pages[page - 1].mediabox.height) - y)
              for lvl, text, page, y in entries]
    parents: dict[int, Any] = {}
    for level, text, index, top in marks:
        parents[level] = writer.add_outline_item(title=text, page_number=index, parent=parents.get(level - 1),
                                                 fit=Fit.xyz(left=0, top=top))
    for page in writer.pages[:front_pages]:        # contents links: to the heading's page and height
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None or not str(uri).startswith(LINK):
                continue
            number, y = str(uri)[len(LINK):].split("/")
            target = writer.pages[int(number) - 1]
            top = float(target.mediabox.height) - float(y)
            annot[NameObject("/A")] = DictionaryObject({
                NameObject("/S"): NameObject("/GoTo"),
                NameObject("/D"): ArrayObject([target.indirect_reference, NameObject("/XYZ"), NullObject(),
                                               FloatObject(top), NullObject()])})
    if front.metadata and front.metadata.title:
        writer.add_metadata({"/Title": TextStringObject(front.metadata.title)})
    from .atomic import atomic_write
    import io
    buffer = io.BytesIO()
    writer.write(buffer)
    atomic_write(path, buffer.getvalue())


def write(path: str, booklet: Booklet, lang: str, font_paths: Iterable[str] = (), limit: int = PART_CHARS) -> None:
    """The booklet's PDF: in one piece when small enough, else in parts (:func:`write_parts`)."""
    from .typst import compile_pdf, fonts_for
    if booklet.size() <= limit:
        from .atomic import atomic_write
        atomic_write(path, compile_pdf(booklet.single(), lang, font_paths))
        return
    write_parts(path, booklet, fonts_for(booklet.single(), lang, font_paths), limit)


def _solve_plan(ids: tuple[str, ...], all_: bool, lang: str, verify: bool, seed: int | None,
                banks: tuple[str, ...]) -> tuple[Booklet, list[bool]]:
    """Load and solve the exercises, and plan the booklet (run in a process of its own when verifying)."""
    from ..bank import load_bank, load_exercise
    from ..pipeline import solve_exercise
    exercises = load_bank() if all_ else [load_exercise(i, [Path(b) for b in banks], seed=seed) for i in ids]
    solutions = [solve_exercise(ex, verify=verify) for ex in exercises]
    return plan(solutions, lang), [s.ok for s in solutions]


def solve_and_write(path: str, ids: tuple[str, ...], all_: bool, lang: str, verify: bool, seed: int | None,
                    banks: tuple[str, ...], font_paths: Iterable[str] = ()) -> list[bool]:
    """``solve pdf`` for a booklet: solve (verified: in a process of its own, so that PyTorch's memory is given
    back before typesetting), then write the PDF; returns each solution's ``ok``."""
    args = (ids, all_, lang, verify, seed, banks)
    booklet, oks = _in_own_process(_solve_plan, *args) if verify else _solve_plan(*args)
    write(path, booklet, lang, font_paths)
    return oks
