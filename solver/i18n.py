"""Bilingual text: every sentence the tool prints exists in English and Chinese.

Rules never build sentences themselves: they name a message of the catalogue and give its
parameters (:class:`Msg`); renderers choose the language. Exercise files bring their own
bilingual text (:class:`Text`).

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


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add messages ``key → (english, chinese)`` to the catalogue."""
    for key, pair in messages.items():
        if len(pair) != 2 or not all(pair):
            raise ValueError(f"message {key!r} needs both an English and a Chinese text")
    CATALOGUE.update(messages)


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
        en, zh = CATALOGUE[self.key]
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
