"""A small, safe language for convolution expressions — parsed, never ``eval``-ed.

Grammar (whitespace ignored)::

    statement := expr [ "=" expr ]
    expr      := term { ("+" | "-") term }
    term      := unary { ("*" | "⊛" | "·") unary }      # "*" between matrices is Li Hang's W * X (corr),
    unary     := "-" unary | postfix                    #  "⊛" is conv; with a number it scales
    postfix   := primary { "^T" | "'" }
    primary   := NUMBER | NAME | NAME "(" [ arg { "," arg } ] ")" | "(" expr ")"
    arg       := NAME "=" (NAME | NUMBER) | expr

Functions: ``corr(K, X, mode=valid|full|same, stride=, padding=, dilation=)`` (ML convolution, kernel
first), ``conv(K, X, …)`` (mathematical convolution), ``rot180(A)``, ``rot90(A)`` (counter-clockwise),
``rot90(A, -1)`` or ``rot90cw(A)`` (clockwise), ``T(A)`` (transpose), ``maxpool(X, size, stride=,
padding=)``, ``avgpool(…)``, and for convolution as a matrix product ``mm(A, B)`` (matrix product),
``vec(A)`` (row-major column), ``toeplitz(K, rows, cols)``, ``im2col(X, kh, kw)``, ``flat(X)`` (channels × H·W
matrix of a C×H×W input; a 4-D 1×1 kernel becomes its C_out × C_in matrix). Inputs are bounded (length, depth, digits), so hostile text fails fast.

Example:
    >>> parse("conv(W, X) = corr(rot180(W), X, mode=valid)")
    Eq(Call('conv', (Name('W'), Name('X')), ()), Call('corr', (Call('rot180', (Name('W'),), ()), Name('X')), (('mode', 'valid'),)))
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Union

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_DIGITS = 30

FUNCTIONS = {"corr", "conv", "rot180", "rot90", "rot90cw", "T", "maxpool", "avgpool", "mm", "vec", "toeplitz",
             "im2col", "flat"}
KEYWORDS = {"mode", "stride", "padding", "dilation"}
MODES = {"valid", "full", "same"}


class ExprError(ValueError):
    """The text is not a valid expression; ``position`` is where parsing stopped (0-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position


@dataclass(frozen=True)
class Num:
    value: Fraction

    def __repr__(self) -> str:
        return f"Num({self.value})"


@dataclass(frozen=True)
class Name:
    name: str

    def __repr__(self) -> str:
        return f"Name({self.name!r})"


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Node", ...]
    kwargs: tuple[tuple[str, object], ...]

    def __repr__(self) -> str:
        return f"Call({self.func!r}, {self.args!r}, {self.kwargs!r})"

    def kw(self, key: str, default: object = None) -> object:
        return dict(self.kwargs).get(key, default)


@dataclass(frozen=True)
class BinOp:
    op: str          # "+", "-", "*" (corr or scaling), "⊛" (conv)
    left: "Node"
    right: "Node"

    def __repr__(self) -> str:
        return f"BinOp({self.op!r}, {self.left!r}, {self.right!r})"


@dataclass(frozen=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True)
class Eq:
    left: "Node"
    right: "Node"

    def __repr__(self) -> str:
        return f"Eq({self.left!r}, {self.right!r})"


Node = Union[Num, Name, Call, BinOp, Neg]

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\^T|[-+*⊛·(),=']))")


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, position) tokens; anything else is an :class:`ExprError`."""
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH)
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExprError(f"unexpected character {text[pos:].lstrip()[:1]!r}", pos)
        kind = m.lastgroup or "op"
        value = m.group(kind)
        if kind == "num" and len(value) > MAX_DIGITS:
            raise ExprError(f"number with more than {MAX_DIGITS} digits", m.start(kind))
        tokens.append((kind, value, m.start(kind)))
        pos = m.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        if value is not None and tok[1] != value:
            found = tok[1] or "the end"
            raise ExprError(f"expected '{value}' but found '{found}'", tok[2])
        self.i += 1
        return tok

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"expression nested deeper than {MAX_DEPTH}", self.peek()[2])

    def statement(self) -> Node | Eq:
        left = self.expr()
        if self.peek()[1] == "=":
            self.take("=")
            right = self.expr()
            result: Node | Eq = Eq(left, right)
        else:
            result = left
        kind, value, pos = self.peek()
        if kind != "end":
            raise ExprError(f"unexpected '{value}'", pos)
        return result

    def expr(self) -> Node:
        self.enter()
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "⊛", "·"):
            op = self.take()[1]
            node = BinOp("*" if op == "·" else op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek()[1] == "-":
            self.take()
            self.enter()
            node = Neg(self.unary())
            self.depth -= 1
            return node
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek()[1] in ("^T", "'"):
            self.take()
            node = Call("T", (node,), ())
        return node

    def primary(self) -> Node:
        kind, value, pos = self.take()
        if kind == "num":
            return Num(Fraction(value))
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        if kind == "name":
            if self.peek()[1] != "(":
                return Name(value)
            if value not in FUNCTIONS:
                raise ExprError(f"unknown function '{value}'; known: {', '.join(sorted(FUNCTIONS))}", pos)
            self.take("(")
            args: list[Node] = []
            kwargs: list[tuple[str, object]] = []
            if self.peek()[1] != ")":
                while True:
                    self.arg(args, kwargs)
                    if self.peek()[1] == ",":
                        self.take()
                        continue
                    break
            self.take(")")
            return Call(value, tuple(args), tuple(kwargs))
        raise ExprError(f"unexpected '{value or 'end of expression'}'", pos)

    def arg(self, args: list[Node], kwargs: list[tuple[str, object]]) -> None:
        kind, value, pos = self.peek()
        if kind == "name" and self.tokens[self.i + 1][1] == "=":
            if value not in KEYWORDS:
                raise ExprError(f"unknown keyword '{value}'; known: {', '.join(sorted(KEYWORDS))}", pos)
            self.take()
            self.take("=")
            vkind, vtext, vpos = self.take()
            if value == "mode":
                if vtext not in MODES:
                    raise ExprError(f"mode must be valid, full or same, not '{vtext}'", vpos)
                kwargs.append((value, vtext))
            elif vkind == "num" and "." not in vtext:
                kwargs.append((value, int(vtext)))
            elif vtext == "(":
                first = self.take()
                self.take(",")
                second = self.take()
                self.take(")")
                if first[0] != "num" or second[0] != "num":
                    raise ExprError(f"{value} takes integers", first[2])
                kwargs.append((value, (int(first[1]), int(second[1]))))
            else:
                raise ExprError(f"{value} takes a whole number", vpos)
            return
        if kwargs:
            raise ExprError("positional argument after a keyword argument", pos)
        args.append(self.expr())


def parse(text: str) -> Node | Eq:
    """Parse an expression or an identity ``lhs = rhs``."""
    return _Parser(text).statement()


def names(node: Node | Eq) -> set[str]:
    """Matrix names used in an expression."""
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, Call):
        return set().union(*(names(a) for a in node.args)) if node.args else set()
    if isinstance(node, (BinOp, Eq)):
        return names(node.left) | names(node.right)
    if isinstance(node, Neg):
        return names(node.operand)
    return set()
