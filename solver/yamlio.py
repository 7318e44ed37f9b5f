"""Read YAML/JSON files into plain data plus a map from field paths to line numbers.

Field paths are written ``given.layers[2].stride``; list positions count from 1, like ``at:``
and the books' indices.

Example:
    >>> doc = parse_yaml("a:\\n  b: [1, 2]\\n", "x.yaml")
    >>> doc.data, doc.line_of(("a", "b"))
    ({'a': {'b': [1, 2]}}, 2)
"""
from __future__ import annotations

from .record import factory, record
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .i18n import Msg

import re

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader  # type: ignore[misc]


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that also reads ``7.23e6`` and ``1e-3`` as numbers (YAML 1.2), as people write them."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789."))

MAX_FILE_BYTES = 2_000_000

Path_ = tuple[Any, ...]


def format_path(path: Path_) -> str:
    """``("given", "layers", 1, "stride")`` → ``given.layers[2].stride`` (positions from 1)."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key + 1}]"
        else:
            out += ("." if out else "") + str(key)
    return out


@record
class Document:
    """Parsed data of one file with the line (1-based) where each field starts."""

    data: Any
    file: str
    lines: dict[Path_, int] = factory(dict)
    texts: dict[Path_, str] = factory(dict)   # scalars as written (``24.10``, not 24.1)

    def line_of(self, path: Path_) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def error(self, message: Any, path: Path_ = ()) -> InputError:
        """An :class:`InputError` located at ``path`` in this document."""
        return InputError(message, file=self.file, field=format_path(path) or None,
                          line=self.line_of(path))


MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_INT_DIGITS = 300       # a whole number longer than this is refused (Python converts at most 4300 digits,
                           # and a float holds at most 309)
_INT_TAG = "tag:yaml.org,2002:int"


def _check_scalar(node: yaml.Node, path: Path_, file: str) -> None:
    """Keys are plain values; whole numbers have at most ``MAX_INT_DIGITS`` characters."""
    if not isinstance(node, yaml.ScalarNode):
        raise InputError("a key must be a plain value (text or a number), not a list or a mapping", file=file,
                         field=format_path(path) or None, line=node.start_mark.line + 1)
    if node.tag == _INT_TAG and len(node.value) > MAX_INT_DIGITS:
        raise InputError(f"a whole number of {len(node.value):,} characters: numbers are limited to "
                         f"{MAX_INT_DIGITS} digits", file=file, field=format_path(path) or None,
                         line=node.start_mark.line + 1)


def _record_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], texts: dict[Path_, str],
                  seen: None = None, file: str = "") -> None:
    """Walk the node tree, aliases (``*name``) expanded. Depth and the number of entries are bounded, so an
    alias bomb ("billion laughs") or runaway nesting stops with an error instead of hanging."""
    if len(path) > MAX_DEPTH or len(lines) > MAX_NODES:
        raise InputError(f"the document is nested deeper than {MAX_DEPTH} or has more than {MAX_NODES:,} entries "
                         "(aliases counted as expanded)", file=file, line=node.start_mark.line + 1)
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        _check_scalar(node, path, file)
        texts[path] = node.value
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _check_scalar(key_node, path, file)
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record_lines(value_node, path + (key,), lines, texts, seen, file)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, path + (i,), lines, texts, seen, file)


_QUOTED = re.compile(r"'(?!<)[^'\s]{4,}'|\"(?!<)[^\"\s]{4,}\"")


def _unquoted(problem: str) -> str:
    """A parser message without the file's text it quotes (an alias or tag name, a scalar): a file that is not
    YAML may be anything (a link to ``/etc/shadow``), and an error line must not show it. Single characters stay
    ("found character '\\t'")."""
    return _QUOTED.sub("'…'", problem)


def _said(text: str) -> Any:
    """PyYAML's words for a problem (English only), in both languages where the catalogue has them."""
    from .i18n import Plain, catalogue
    return Msg("err.yaml." + text) if "err.yaml." + text in catalogue() else Plain(text)


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML (JSON is YAML too) text; syntax errors become one-line :class:`InputError`."""
    if len(text) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES} bytes", file=file)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(Msg("err.empty"), file=file)
        lines: dict[Path_, int] = {}
        texts: dict[Path_, str] = {}
        _record_lines(node, (), lines, texts, None, file)     # first: refuses aliases and runaway nesting
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        context = (exc.context or "").strip()
        if (exc.problem_mark and exc.context_mark and exc.context_mark.line < exc.problem_mark.line
                and ("flow" in context or "quoted" in context)):
            # an unclosed bracket or quote: point at the line that opened it, where the fix goes
            what = context.replace("while parsing a ", "").replace("while scanning a ", "")
            said: Any = Msg("err.yaml.unclosed", problem=_said(_unquoted(problem)), line=exc.problem_mark.line + 1,
                            what=_said(what))
            mark = exc.context_mark
        else:
            said = _said(_unquoted(problem))
        raise InputError(Msg("err.yaml", problem=said), file=file, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(Msg("err.yaml", problem=_said(_unquoted(str(exc).splitlines()[0]))), file=file) from None
    except RecursionError:
        raise InputError(Msg("err.nested"), file=file) from None
    finally:
        loader.dispose()
    return Document(data, file, lines, texts)


def read_document(path: str | Path) -> Document:
    """Read and parse a YAML or JSON file: a regular file of at most ``MAX_FILE_BYTES`` (see :mod:`.files`)."""
    from .files import read_text
    return parse_yaml(read_text(path, MAX_FILE_BYTES), str(path))
