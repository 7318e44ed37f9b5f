"""The language a student wrote in (issue 11, item 13): feedback goes back in it when ``grade`` is run without
``--lang``.

A sheet is Chinese when its answers, headings and working hold Chinese (CJK ideographs, or full-width punctuation
such as ``：`` and ``（）``) at least as much as English prose (common English words); English when they hold
English prose and no Chinese; undecided (None) when they hold neither — numbers and part names only — and the
class's language is used. The ``student:``/``name:`` lines are not looked at: a Chinese name does not make an
English answer Chinese; nor is a bare verdict word (``成立``, ``不成立``), which the exercises themselves ask for.

Example:
    >>> detect_lang(["params：4640 个", "7.23M"]), detect_lang(["4640 (the bias is counted)"]), detect_lang(["4640"])
    ('zh', 'en', None)
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from .lazy_re import lazy_re

_CJK = lazy_re(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[：，。（）；、“”]")
_ENGLISH = frozenset("""the a an is are was not of and or to in on for with by from because since so it this that
these those holds hold does do doesn't isn't equal equals true false yes no each every one two three per times
fewer more than less smaller larger bigger output input channels channel filter filters weights weight bias biases
layer layers kernel stride padding size shape answer total ratio same different parameters""".split())
_WORD = lazy_re(r"[A-Za-z][A-Za-z']+")
_VERDICT_WORDS = frozenset("成立 不成立 是 否 对 错 相等 不相等 正确 错误 ✓ ✗".split())   # the exercise's own vocabulary
_META = lazy_re(r"^\s*(?:[-*+]\s+)?\**(student|seed|name|学号|姓名|学生)\**\s*[:：]", re.IGNORECASE)


def detect_lang(texts: Iterable[Any]) -> str | None:
    """'zh', 'en' or None (nothing to tell by) for the texts a student wrote."""
    zh = en = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        for line in text.splitlines():
            if _META.match(line) or line.strip().strip("。.") in _VERDICT_WORDS:
                continue
            if not line.isascii():           # Chinese or full-width punctuation: never in an ASCII line
                zh += len(_CJK.findall(line))
            en += sum(1 for w in _WORD.findall(line) if w.lower() in _ENGLISH)
    if zh and zh >= en:
        return "zh"
    if en:
        return "en"
    return None


def sheet_texts(answers: dict) -> list[str]:
    """Every string answer of a sheet (nested lists and mappings included)."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
    walk(answers)
    return out


def sheet_lang(sheet: Any) -> str | None:
    """The language of an answer sheet: its file's (Markdown headings and labels), else its answers' and notes'."""
    return getattr(sheet, "lang", None) or detect_lang(sheet_texts(sheet.answers) + list(getattr(sheet, "notes", [])))


def class_lang(sheets: Iterable[Any], undecided: str | None = None, fallback: str = "en") -> str:
    """The language most of a class wrote in (``fallback`` when nobody's tells: ``grade`` passes the locale's). Without
    ``undecided``, over the sheets that tell (the language given to a sheet that tells nothing, numbers only); with
    it, the sheets that tell nothing count as that language (the class-wide outputs: the locale's language unless
    most of the class wrote the other one)."""
    from collections import Counter
    counts = Counter(lang for lang in (sheet_lang(s) or undecided for s in sheets) if lang)
    return counts.most_common(1)[0][0] if counts else fallback
