"""Bilingual text: every sentence the tool prints exists in English and Chinese.

Rules never build sentences themselves: they name a message of the catalogue and give its
parameters (:class:`Msg`); renderers choose the language. Exercise files bring their own
bilingual text (:class:`Text`).

The catalogue is filled explicitly: :data:`CATALOGUES` names the modules that hold the wording (a package's
``messages.py``: its ``register({...})`` calls and nothing else), and :func:`catalogue` imports every one of them
on the first lookup of a key not yet registered, so no module imports one for its side effect (forgetting it was a
KeyError at render time). Packages above the solver (the grader, practice) add theirs with
:func:`add_catalogues` in their ``__init__.py`` (the solver never names them).

Example:
    >>> register({"demo.hello": ("Hello, {name}.", "你好，{name}。")})
    >>> Msg("demo.hello", name="LeNet").render("zh")
    '你好，LeNet。'
"""
from __future__ import annotations

from .record import factory, record
from typing import Any, Protocol

LANGS = ("en", "zh")

CATALOGUE: dict[str, tuple[str, str]] = {}

# The modules holding the wording (dotted names), loaded by :func:`catalogue` on the first lookup it needs.
CATALOGUES: list[str] = [
    "solver.messages", "solver.messages_errors", "solver.network.messages", "solver.network.graph_messages", "solver.conv.messages",
    "solver.conv.messages_identity", "solver.conv.messages_gradient", "solver.code.messages",
    "solver.explain.messages", "solver.nn_basics.messages", "solver.network.messages_proof", "solver.render.messages",
]
_LOADED: set[str] = set()


def add_catalogues(*modules: str) -> None:
    """Name more catalogue modules (a package above the solver names its own ``messages`` module this way)."""
    CATALOGUES.extend(m for m in modules if m not in CATALOGUES)


def catalogue() -> dict[str, tuple[str, str]]:
    """Every message ``key → (english, chinese)``, the catalogue modules of :data:`CATALOGUES` loaded first."""
    if len(_LOADED) < len(CATALOGUES):
        import importlib
        for module in list(CATALOGUES):
            if module not in _LOADED:
                importlib.import_module(module)
                _LOADED.add(module)
    return CATALOGUE


def lookup(key: str) -> tuple[str, str]:
    """The (english, chinese) texts of ``key``; the catalogue modules are loaded if it is not registered yet."""
    pair = CATALOGUE.get(key)
    return pair if pair is not None else catalogue()[key]


MATH_WORD = "math."      # catalogue keys of the words written inside formulas (\\text{…})
_MATH_BY_ENGLISH: dict[str, list[tuple[str, str]]] = {}     # a formula word's English → (key, Chinese) registered


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add messages ``key → (english, chinese)`` to the catalogue. A word for formulas (a ``math.`` key) must not
    repeat another such word's English with a different translation: the renderers look it up by its English."""
    for key, pair in messages.items():
        if len(pair) != 2 or not all(pair):
            raise ValueError(f"message {key!r} needs both an English and a Chinese text")
        if key.startswith(MATH_WORD):
            clash = next((k for k, zh in _MATH_BY_ENGLISH.get(pair[0], ()) if k != key and zh != pair[1]), None)
            if clash:
                raise ValueError(f"math word {key!r} repeats the English of {clash!r} with another translation")
            _MATH_BY_ENGLISH.setdefault(pair[0], []).append((key, pair[1]))
    CATALOGUE.update(messages)


def math_word(key: str) -> str:
    """A word of the catalogue inside a formula, by its key: ``\\text{…}`` with the word's English; the renderers
    put it in the reader's language (:func:`math_words`), so every word in a formula exists in both languages.

    >>> register({"math.demo": ("demo word", "示例词")})
    >>> math_word("math.demo"), math_words("zh")["demo word"]
    ('\\\\text{demo word}', '示例词')
    """
    if not key.startswith(MATH_WORD):
        raise ValueError(f"{key!r} is not a word for formulas (keys start with {MATH_WORD!r})")
    return "\\text{" + lookup(key)[0] + "}"


def math_words(lang: str) -> dict[str, str]:
    """English → ``lang`` of every word for formulas in the catalogue (the ``math.`` keys)."""
    i = 1 if lang == "zh" else 0
    return {pair[0]: pair[i] for key, pair in catalogue().items() if key.startswith(MATH_WORD)}


class Renderable(Protocol):
    def render(self, lang: str) -> str: ...


def _localise(value: Any, lang: str) -> Any:
    if hasattr(value, "render"):
        return value.render(lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value


@record(frozen=True)
class Msg:
    """A catalogue message with its parameters; nested :class:`Msg` parameters render too."""

    key: str
    params: dict[str, Any] = factory(dict)

    def __init__(self, key: str, **params: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)

    def render(self, lang: str) -> str:
        en, zh = lookup(self.key)
        template = zh if lang == "zh" else en
        return template.format(**{k: _localise(v, lang) for k, v in self.params.items()})


@record(frozen=True)
class Text:
    """Text written in an exercise file, in one or both languages.

    When a file gives only one language, that text is used for both (the user wrote it)."""

    en: str = ""
    zh: str = ""

    def render(self, lang: str) -> str:
        if lang == "zh":
            return self.zh or self.en
        return self.en or self.zh


@record(frozen=True)
class Plain:
    """Language-neutral text (a number, a layer signature such as ``Conv2d(16→32, 3×3)``)."""

    text: str

    def render(self, lang: str) -> str:
        return self.text


@record(frozen=True)
class Count:
    """A whole number as a rule gives it (a table cell: parameters, MACs); rendered with thousands separators,
    ``4,640``, as numbers in messages are (:func:`_localise`)."""

    value: int

    def render(self, lang: str) -> str:
        return _localise(self.value, lang)


@record(frozen=True)
class Value:
    """An answer value quoted in a message (a check's "torch gives …", a source's printed value): the message holds
    the value itself and it is shown only when rendered, the way every renderer shows an answer value
    (:func:`solver.values.show_value`: ``3,612,672``, ``[32, 28, 28]``, ``0.126736``), the same in both languages.

    >>> Value([1, 1000]).render("zh"), Value(0.5).render("en")
    ('[1, 1000]', '0.5')
    """

    value: Any

    def render(self, lang: str) -> str:
        from .values import show_value
        return show_value(self.value)


@record(frozen=True)
class Join:
    """Several renderables joined by a separator (a space in English, nothing in Chinese)."""

    parts: tuple[Any, ...]

    def render(self, lang: str) -> str:
        sep = "" if lang == "zh" else " "
        return sep.join(p.render(lang) for p in self.parts if p is not None)


@record(frozen=True)
class Sep:
    """A list joined with the language's list separator (``; `` or ``；``)."""

    parts: tuple[Any, ...]

    def render(self, lang: str) -> str:
        sep = "；" if lang == "zh" else "; "
        return sep.join(p.render(lang) for p in self.parts)


@record(frozen=True)
class Items:
    """An enumeration of short items (expressions, names) in a sentence: ``a、b、c`` in Chinese, ``a; b; c`` in
    English (a comma would be read inside ``corr(K, X)``).

    >>> Items((Plain("W * X"), Plain("corr(K, X)"))).render("zh"), Items((Plain("a"), Plain("b"))).render("en")
    ('W * X、corr(K, X)', 'a; b')
    """

    parts: tuple[Any, ...]

    def render(self, lang: str) -> str:
        sep = "、" if lang == "zh" else "; "
        return sep.join(p.render(lang) for p in self.parts)


def label_ok(value: Any) -> bool:
    """Whether an ask entry's ``label`` is one text or ``{en: …, zh: …}`` (what :func:`part_label` reads).

    >>> label_ok({"en": "output size", "zh": "输出尺寸"}), label_ok("R₂"), label_ok(3), label_ok({"fr": "taille"})
    (True, True, False, False)
    """
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, dict) and bool(value) and set(value) <= {"en", "zh"} and \
        all(isinstance(v, str) and v.strip() for v in value.values())


def part_label(part: Any, default: Any = None) -> Any:
    """An asked part in the question's words, never its id: the ask entry's own ``label`` ({en, zh} or one text)
    if it gives one, else ``default`` (what the rule derives from the quantity, e.g. the expression asked for),
    else the part's number as the statement writes it, ``(1)``.

    >>> from solver.model import Part
    >>> part_label(Part("shape", "output_shape", options={"label": {"en": "output size", "zh": "输出尺寸"}})).render("zh")
    '输出尺寸'
    >>> part_label(Part("original", "value", index=0), Plain("W * X")).render("en")
    'W * X'
    >>> part_label(Part("vgg", "explanation", index=1)).render("zh")
    '(2)'
    """
    label = getattr(part, "options", {}).get("label")
    if isinstance(label, dict) and (label.get("en") or label.get("zh")):
        return Text(str(label.get("en") or ""), str(label.get("zh") or ""))
    if isinstance(label, str) and label:
        return Plain(label)
    if default is not None:
        return default
    return Plain(f"({getattr(part, 'index', 0) + 1})")


def default_lang(environ: Any = None) -> str:
    """The language when --lang is not given: Chinese when the locale is Chinese (LANG=zh_CN.UTF-8), else English
    (the first of LC_ALL, LC_MESSAGES, LANG, LANGUAGE that is set decides, as for gettext).

    >>> default_lang({"LANG": "zh_CN.UTF-8"}), default_lang({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}), default_lang({})
    ('zh', 'en', 'en')
    """
    import os
    environ = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def is_cjk(ch: str) -> bool:
    """A CJK character or full-width form (U+2E80–U+9FFF, U+FF00–U+FFEF): Chinese text may break a line at it,
    and needs no space beside another. A comparison, not a regular expression: compiling a class of these
    ranges costs 1.5–2.5 ms, a twentieth of a quick ``solve``.

    >>> [is_cjk(c) for c in "卷a。，"]
    [True, False, True, True]
    """
    return "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
