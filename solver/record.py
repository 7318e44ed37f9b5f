"""``@record``: a small stand-in for ``@dataclass`` that costs nothing at import.

``dataclasses`` writes each class's methods with ``exec`` (about a millisecond per class); a CLI that
must start as fast as a bare ``import click, rich`` cannot pay that for twenty classes. ``@record``
reads the annotated fields and defaults and installs generic ``__init__``, ``__repr__``, ``__eq__``
(and ``__hash__`` when ``frozen``) — same behaviour for the way this project uses them.

Example:
    >>> @record(frozen=True)
    ... class Point:
    ...     x: int
    ...     y: int = 0
    ...     tags: list = factory(list)
    >>> Point(1), Point(1) == Point(1, 0), len({Point(1), Point(1)})
    (Point(x=1, y=0, tags=[]), True, 1)
"""
from __future__ import annotations

from typing import Any, Callable

_MISSING = object()


class factory:
    """Default made fresh for every instance (``field(default_factory=…)``)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def _fields(cls: type) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for base in reversed(cls.__mro__[1:]):
        out += [f for f in getattr(base, "__record_fields__", []) if f[0] not in dict(out)]
    for name in cls.__dict__.get("__annotations__", {}):
        if name.startswith("__"):
            continue
        default = cls.__dict__.get(name, _MISSING)
        out = [f for f in out if f[0] != name] + [(name, default)]
    return out


def record(cls: type | None = None, *, frozen: bool = False) -> Any:
    def wrap(cls: type) -> type:
        fields = _fields(cls)
        names = tuple(n for n, _ in fields)
        cls.__record_fields__ = fields  # type: ignore[attr-defined]
        for name, default in fields:     # class attributes would shadow nothing, but keep the class clean
            if name in cls.__dict__ and isinstance(default, factory):
                delattr(cls, name)

        if "__init__" not in cls.__dict__:
            def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
                if len(args) > len(fields):
                    raise TypeError(f"{cls.__name__} takes {len(fields)} arguments")
                for (name, default), value in zip(fields, args):
                    object.__setattr__(self, name, value)
                for name, default in fields[len(args):]:
                    if name in kwargs:
                        value = kwargs.pop(name)
                    elif isinstance(default, factory):
                        value = default.make()
                    elif default is _MISSING:
                        raise TypeError(f"{cls.__name__} needs '{name}'")
                    else:
                        value = default
                    object.__setattr__(self, name, value)
                if kwargs:
                    raise TypeError(f"{cls.__name__} has no field '{next(iter(kwargs))}'")
            cls.__init__ = __init__  # type: ignore[misc]

        def __repr__(self: Any) -> str:
            return f"{cls.__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"

        def __eq__(self: Any, other: Any) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return all(getattr(self, n) == getattr(other, n) for n in names)

        if "__repr__" not in cls.__dict__:
            cls.__repr__ = __repr__  # type: ignore[assignment]
        cls.__eq__ = __eq__  # type: ignore[assignment]
        if frozen:
            def __hash__(self: Any) -> int:
                return hash(tuple(_hashable(getattr(self, n)) for n in names))

            def __setattr__(self: Any, name: str, value: Any) -> None:
                raise AttributeError(f"{cls.__name__} is frozen")
            cls.__hash__ = __hash__  # type: ignore[assignment]
            cls.__setattr__ = __setattr__  # type: ignore[assignment]
        else:
            cls.__hash__ = None  # type: ignore[assignment]
        return cls

    return wrap(cls) if cls is not None else wrap


def _hashable(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return v
