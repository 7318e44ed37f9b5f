"""Regular expressions compiled on first use: a module's patterns for Markdown sheets, Chinese text or units cost
``grade`` of one YAML file of numbers nothing (a character class over the CJK ranges alone takes a millisecond or
more to compile). After the first use the pattern's methods are plain attributes: no cost per call.

Example:
    >>> WORD = lazy_re(r"[a-z]+")
    >>> WORD.findall("a bc 1"), WORD.pattern
    (['a', 'bc'], '[a-z]+')
"""
from __future__ import annotations

import re
from typing import Any

_METHODS = ("match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split", "pattern", "flags",
            "groups", "groupindex")


class lazy_re:
    """A stand-in for ``re.compile(pattern, flags)`` that compiles when one of its methods is first looked up."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_args":
            raise AttributeError(name)
        compiled = re.compile(*self._args)
        for method in _METHODS:                 # from now on found without __getattr__
            setattr(self, method, getattr(compiled, method))
        self.compiled = compiled
        return getattr(compiled, name)


__all__ = ["lazy_re"]
