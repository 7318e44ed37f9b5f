"""What every renderer shares: numbering the step tree, books and sources, the approach as shown; answer values
are shown by :func:`solver.values.show_value` (re-exported here for the renderers).

Example:
    >>> show_value(3612672), step_marker("2", "en")
    ('3,612,672', 'Step 2: ')
"""
from __future__ import annotations

from typing import Any, Iterator

from ..steps import Step
from ..values import show_value  # noqa: F401  (re-exported: the renderers' one display of an answer value)


_NUM = r"\s*[-−]?\d+(?:\.\d+)?\s*"
_ROW = rf"\[{_NUM}(?:,{_NUM})*\]"
_MATRIX_TEXT: Any = None


def split_matrices(text: str) -> list[tuple[str, list[list[str]] | None]]:
    """A statement cut into text and the matrices written in it as nested lists (``[[0, 1], [2, 3]]``), so that
    PDFs and Markdown typeset them; only numbers are ever read as a matrix.

    >>> split_matrices("X = [[0, 1], [−2, 3]] and k")
    [('X = ', None), ('', [['0', '1'], ['-2', '3']]), (' and k', None)]
    """
    import re
    global _MATRIX_TEXT
    if _MATRIX_TEXT is None:
        _MATRIX_TEXT = re.compile(rf"\[\s*{_ROW}(?:\s*,\s*{_ROW})+\s*\]")
    out: list[tuple[str, list[list[str]] | None]] = []
    pos = 0
    for m in _MATRIX_TEXT.finditer(text):
        rows = [[c.strip().replace("−", "-") for c in r.split(",")] for r in re.findall(r"\[([^\[\]]*)\]", m.group(0))]
        if len({len(r) for r in rows}) != 1:
            continue
        out.append((text[pos:m.start()], None))
        out.append(("", rows))
        pos = m.end()
    out.append((text[pos:], None))
    return [(t, r) for t, r in out if t or r]


def step_marker(number: str, lang: str) -> str:
    """How a step is numbered: ``第1步：``/``Step 1: `` for the steps of the solution, ``2.1. `` inside one.

    >>> step_marker("3", "zh"), step_marker("3", "en"), step_marker("3.2", "zh")
    ('第3步：', 'Step 3: ', '3.2. ')
    """
    if "." in number:
        return number + ". "
    return f"第{number}步：" if lang == "zh" else f"Step {number}: "


BOOKS = {   # the books of the bank: what a reader calls them in each language; True: answers printed in a book
    "Li Hang, Machine Learning Methods": ("Li Hang, Machine Learning Methods", "李航《机器学习方法》", True),
    "Dive into Deep Learning": ("Dive into Deep Learning", "《动手学深度学习》", True),
    "Course homework": ("Course homework", "课程作业", False),
    "Course notes": ("Course notes", "课程笔记", False),
    "D2L-style notes": ("Course notes", "课程笔记", False),
}
_NUMBER_ZH = ((r"\bex (\d+)", r"练习 \1"), (r"\bexample\b", "例题"), (r"\(code\)", "（代码）"),
              (r"\(explanation\)", "（简答）"), (r"\(sizes\)", "（尺寸）"))


def book_name(book: str, lang: str) -> str:
    """A source's book in ``lang`` (a book not known here keeps the name its file gives).

    >>> book_name("Dive into Deep Learning", "zh"), book_name("My notes", "zh")
    ('《动手学深度学习》', 'My notes')
    >>> book_name("D2L-style notes (seed 003)", "en")
    'Course notes'
    """
    import re
    book = re.sub(r"\s*\(seed \d+\)$", "", book)          # an extraction note, not part of a source's name
    known = BOOKS.get(book)
    return (known[1] if lang == "zh" else known[0]) if known else book


def source_group(source: Any, lang: str) -> str:
    """A booklet's section heading for a source: the book and its chapter.

    >>> from solver.model import Source
    >>> source_group(Source("Li Hang, Machine Learning Methods", "24"), "zh")
    '李航《机器学习方法》第 24 章'
    >>> source_group(Source("Li Hang, Machine Learning Methods", "24"), "en")
    'Li Hang, Machine Learning Methods — chapter 24'
    >>> source_group(Source("Course homework", "CNN"), "zh")
    '课程作业 · CNN'
    """
    name, chapter = book_name(source.book, lang), str(source.chapter or "")
    if not chapter:
        return name
    if chapter.replace(".", "").isdigit():
        return f"{name}第 {chapter} 章" if lang == "zh" else f"{name} — chapter {chapter}"
    return f"{name} · {chapter}" if lang == "zh" else f"{name} — {chapter}"


def source_number(source: Any, lang: str) -> str:
    """The exercise's number in its source, in ``lang``; in Chinese a number that is a topic written in English
    (course notes: "weight sharing") is left out, the title says it.

    >>> from solver.model import Source
    >>> source_number(Source("Dive into Deep Learning", "6", "6.2 ex 3 (code)"), "zh")
    '6.2 练习 3（代码）'
    >>> source_number(Source("Course notes", "CNN", "weight sharing"), "zh")
    ''
    """
    import re
    number = str(source.number or "")
    if lang != "zh":
        return number
    for pattern, repl in _NUMBER_ZH:
        number = re.sub(pattern, repl, number)
    number = number.replace(" （", "（")
    return number if not re.search(r"[A-Za-z]{3,}", number) else ""


def from_book(exercise: Any) -> bool:
    """True when the exercise's printed answers come from a book (书中答案), not a course's task (原题答案)."""
    src = getattr(exercise, "source", None)
    return bool(src and BOOKS.get(src.book, ("", "", False))[2])


def check_by(check: Any, exercise: Any, lang: str) -> str:
    """The label of a check: who checked (PyTorch, sympy…); for the source, a book's answer or a task's."""
    from ..i18n import Msg
    if check.by == "source":
        return Msg("by.source.book" if from_book(exercise) else "by.source.task").render(lang)
    return Msg(f"by.{check.by}").render(lang)


def plan_items(solution: Any) -> list[Any]:
    """The approach as shown: where the exercise file cites its source (``cites:``), a first item naming the
    definitions and formulas the solution rests on (依据书中的定义 24.1…), then the solver's plan."""
    from ..i18n import Msg
    ex = solution.exercise
    cites = list(getattr(ex, "cites", None) or [])
    if not cites:
        return list(solution.plan)

    class _Cites:
        def render(self, lang: str) -> str:
            return ("、" if lang == "zh" else ", ").join(c.render(lang) for c in cites)
    src = getattr(ex, "source", None)

    class _Book:
        def render(self, lang: str) -> str:
            return book_name(src.book, lang) if src else ""
    first = Msg("plan.cites", cites=_Cites(), book=_Book()) if src and src.book else \
        Msg("plan.cites.nobook", cites=_Cites())
    return [first] + list(solution.plan)


def walk(steps: list[Step], prefix: str = "") -> Iterator[tuple[str, int, Step]]:
    """(number such as ``3.2``, depth, step) in reading order."""
    for i, step in enumerate(steps, start=1):
        number = f"{prefix}{i}"
        yield number, number.count("."), step
        yield from walk(step.children, number + ".")


def heading(solution: Any, lang: str) -> str:
    ex = solution.exercise
    title = ex.title.render(lang)
    ident = ex.id
    if getattr(ex, "seed", None) is not None:
        from ..i18n import Msg, Plain
        ident += Msg("head.variant", seed=Plain(str(ex.seed))).render(lang)     # Plain: 12345, not 12,345
    return f"{ident} · {title}" if title else ident
