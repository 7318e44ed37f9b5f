"""A module imported on first attribute access: ``torch = lazy("torch")`` at the top of a file keeps ``import torch``
out of the start-up of every path that never calls into it (``--no-verify`` never imports PyTorch).

Only attribute access imports; naming the proxy does not. Subclassing needs the real class, so a module that
defines ``class M(nn.Module)`` at top level must still import torch itself (or define the class in a function).

Example:
    >>> import sys
    >>> m = lazy("colorsys")
    >>> m.rgb_to_hsv(1.0, 0.0, 0.0)
    (0.0, 1.0, 1.0)
    >>> "colorsys" in sys.modules
    True
"""
from __future__ import annotations

import importlib
from typing import Any


class _Lazy:
    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_module", None)

    def __getattr__(self, attr: str) -> Any:
        module = object.__getattribute__(self, "_module")
        if module is None:
            module = importlib.import_module(object.__getattribute__(self, "_name"))
            object.__setattr__(self, "_module", module)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {object.__getattribute__(self, '_name')!r}>"


def lazy(name: str) -> Any:
    """A stand-in for ``importlib.import_module(name)`` that imports on first use."""
    return _Lazy(name)
