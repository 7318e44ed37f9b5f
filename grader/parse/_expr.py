"""Symbolic answers: a whitelisted tokenizer and a recursive-descent parser that builds sympy objects with
their constructors. Student text is never given to ``eval``, ``exec``, ``sympify`` or ``parse_expr``.

Grammar (after :func:`~grader.parse._text.normalize`; whitespace ignored, keywords in either language)::

    answer    := [ "≈" ] body
    body      := piece { ("," | ";" | "else") piece } | expr
    piece     := expr "if" cond | "if" cond [","|"then"] expr | expr "otherwise" | "otherwise" expr
    cond      := conj { ("or" | "∨" | "|" | "||") conj }
    conj      := unit { ("and" | "∧" | "&" | "&&" | ",") unit }        # "," only between comparisons
    unit      := ("not" | "¬") unit | "True" | "False" | expr { REL expr }   # 1 ≤ i-k+1 ≤ M is a chain
    REL       := "<" | "<=" | "≤" | ">" | ">=" | "≥" | "=" | "==" | "≠" | "!="
    expr      := term { ("+" | "-") term }
    term      := factor { ("*" | "×" | "·" | "/" | "//" | <juxtaposition>) factor }  # 2p, k_h k_w C_in, 2(n+1)
    factor    := ("-" | "+") factor | power                          # -x^2 = -(x^2)
    power     := postfix [ ("^" | "**") factor ]                     # right-associative
    postfix   := atom { "%" }
    atom      := NUMBER | name | "(" inner ")" | "{" inner "}" | "[" inner "]" | "⌊" inner "⌋" | "⌈" inner "⌉"
               | "\\frac" group group | "\\sqrt" ["[" expr "]"] group | "\\sum" "_" "{" NAME "=" expr "}" "^" group term
               | FUNC "(" expr { "," expr } ")" | "\\begin{cases}" row { "\\\\" row } "\\end{cases}"
               | "Piecewise(" "(" expr "," cond ")" { "," … } ")" | "Sum(" expr { "," "(" NAME "," expr "," expr ")" } ")"
    row       := expr ["&"] ["if"] (cond | "otherwise")
    name      := NAME [ "_" sub | "[" expr {"," expr} "]" { "[" … "]" } | "(" expr "," expr {"," expr} ")" ]
    sub       := NAME | DIGITS | "{" NAME "}" | "{" DIGITS "}" | "{" expr { "," expr } "}" | "(" expr {"," expr} ")"
    FUNC      := floor | ceil | ceiling | sqrt | max | min | abs | Max | Min | Abs | \\max | \\min

Names: ``x_{k+m-1,l+n-1}``, ``x_{k+m-1, l+n-1}``, ``w[i-k+1][j-l+1]``, ``w[i-k+1, j-l+1]`` and ``x(i, j)`` are
entries of ``IndexedBase('x')``. A subscript that is a single word is decided as follows (``symbols`` is what
the caller says the answer may use):

* ``base_sub`` listed in ``symbols`` → ``Symbol('base_sub')``;
* digits: ``w_{11}`` → ``w[1, 1]`` (two non-zero digits are two indices, as in Li Hang), ``x_3`` → ``x[3]``;
* one to three index letters (``a b i j k l m n p q r s t u v``), except ``in``: ``x_k`` → ``x[k]``,
  ``\\delta_{kl}`` → ``delta[k, l]``;
* anything else is one name: ``C_in`` → ``Symbol('C_in')``, ``k_h``, ``C_out``, ``n_H``.

A run of letters is one name (``Cin``, ``stride``); when ``symbols`` is given and the run is not in it but splits
into names that are (``np`` with n, p listed), it is their product. Greek letters (``δ``, ``\\delta``) are named
by their English names (``delta``), as sympy prints them.

``a // b`` is ``floor(a/b)``; after ``/`` a juxtaposed factor multiplies the quotient (``1/2p`` = p/2, noted).

Safety: at most 10,000 characters, names of at most 64 letters, 20 cases and 64 comparisons, 100 digits per number, nesting 50, and no power whose value would have
more than 1,000 digits (``9^9^9^9``, ``2^10000000``, ``10**10**10`` are refused before anything is computed);
a numeric exponent on a symbolic base is at most 100.

Example:
    >>> from grader.parse._text import Src, normalize
    >>> parse_expression(normalize(Src.of(r"\\left\\lfloor \\frac{n-k+2p}{s} \\right\\rfloor + 1")))[0]
    floor((-k + n + 2*p)/s) + 1
"""
from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any, Iterable, NamedTuple, NoReturn

import sympy
from sympy.logic.boolalg import Boolean

from ._text import GREEK_NAMES, MAX_DEPTH, MAX_DIGITS, MAX_LENGTH, MAX_RESULT_DIGITS, ReadError, Src, digits

MAX_SYMBOLIC_EXPONENT = 100
MAX_INDICES = 10
MAX_NAME = 64
MAX_PIECES = 20          # branches of one piecewise answer
MAX_COMPARISONS = 64     # comparisons in one answer (sympy simplifies long conjunctions slowly)


class Tok(NamedTuple):
    kind: str      # num, name, cmd, op, kw, end
    text: str
    i: int         # index into the normalised text


_TOKEN = re.compile(r"""
  (?P<ws>\s+)
 |(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
 |(?P<cmd>\\\\|\\[A-Za-z]+)
 |(?P<name>[A-Za-z][A-Za-z0-9]*)
 |(?P<op>\*\*|//|<=|>=|==|!=|&&|\|\||[-+*/^()\[\]{},;=<>≤≥≠⌊⌋⌈⌉×·&|∧∨¬_%≈])
 |(?P<cjk>如果|若|当|时|否则|其他情况|其他|其它|其余|并且|且|或者|或|为|则)
""", re.X)

KEYWORDS = {"if": "if", "when": "if", "else": "else", "otherwise": "otherwise", "elsewhere": "otherwise",
            "and": "and", "or": "or", "not": "not", "then": "then", "True": "true", "true": "true",
            "False": "false", "false": "false"}
CJK = {"如果": "if", "若": "if", "当": "if", "否则": "otherwise", "其他情况": "otherwise", "其他": "otherwise",
       "其它": "otherwise", "其余": "otherwise", "并且": "and", "且": "and", "或者": "or", "或": "or", "则": "then",
       "时": "then", "为": None}

FUNCS = {"floor", "ceil", "ceiling", "sqrt", "max", "min", "abs", "Max", "Min", "Abs", "Floor", "Piecewise", "Sum"}
LATEX_FUNCS = {"\\max": "max", "\\min": "min"}
INDEX_LETTERS = set("abijklmnpqrstuv")
NAME_SUBSCRIPTS = {"in"}
REL = {"<": sympy.Lt, "<=": sympy.Le, "≤": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "≥": sympy.Ge,
       "=": sympy.Eq, "==": sympy.Eq, "≠": sympy.Ne, "!=": sympy.Ne}
AND = ("and", "&&", "&", "∧")
OR = ("or", "||", "|", "∨")
IMPLICIT_CMDS = {"\\frac", "\\sqrt", "\\sum", "\\max", "\\min", "\\begin"}
CLOSE = {"(": ")", "{": "}", "[": "]", "⌊": "⌋", "⌈": "⌉"}


def tokenize(src: Src) -> list[Tok]:
    """Tokens of the whitelist; any other character is a :class:`ReadError` at its position."""
    text = src.text
    if len(text) > MAX_LENGTH:
        raise ReadError(f"longer than {MAX_LENGTH:,} characters")
    toks: list[Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            ch = text[pos]
            raise ReadError(f"{ch!r} is not allowed in an expression", src.at(pos))
        kind = m.lastgroup or "op"
        value = m.group(kind)
        if kind == "name" and len(value) > MAX_NAME:
            raise ReadError(f"a name longer than {MAX_NAME} characters", src.at(pos))
        if kind == "name" and value in KEYWORDS:
            toks.append(Tok("kw", KEYWORDS[value], pos))
        elif kind == "cjk":
            if CJK[value] is not None:
                toks.append(Tok("kw", CJK[value], pos))
        elif kind == "cmd" and value in ("\\limits", "\\nolimits"):
            pass
        elif kind != "ws":
            toks.append(Tok(kind, value, pos))
        pos = m.end()
    toks.append(Tok("end", "", len(text)))
    return toks


def check_size(value: Any, pos: int | None = None) -> None:
    """Refuse results holding a number with more than MAX_RESULT_DIGITS digits."""
    atoms = [value] if isinstance(value, sympy.Rational) else (
        value.atoms(sympy.Rational) if isinstance(value, sympy.Basic) else [])
    for a in atoms:
        if digits(a.p) > MAX_RESULT_DIGITS or digits(a.q) > MAX_RESULT_DIGITS:
            raise ReadError(f"a number with more than {MAX_RESULT_DIGITS:,} digits is too large", pos)


def _segment(name: str, known: frozenset[str]) -> list[str] | None:
    """Split ``name`` into the fewest names of ``known`` (None if it cannot be done)."""
    best: list[list[str] | None] = [None] * (len(name) + 1)
    best[0] = []
    for i in range(len(name)):
        if best[i] is None:
            continue
        for j in range(i + 1, len(name) + 1):
            piece = name[i:j]
            if piece in known:
                cand = best[i] + [piece]  # type: ignore[operator]
                if best[j] is None or len(cand) < len(best[j]):  # type: ignore[arg-type]
                    best[j] = cand
    return best[-1]


class Parser:
    """One parse of one piece of normalised text. ``notes`` says how ambiguous spellings were read."""

    def __init__(self, src: Src, symbols: Iterable[str] = ()) -> None:
        self.src = src
        self.toks = tokenize(src)
        self.i = 0
        self.depth = 0
        self.steps = 0
        self.limit = 30 * len(self.toks) + 2000
        self.notes: list[str] = []
        self.symbols = frozenset(symbols)
        self.names: list[tuple[str, int]] = []    # every name used, with its original position
        self.comparisons = 0

    # ------------------------------------------------------------- tokens

    def peek(self, k: int = 0) -> Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def at(self, *texts: str) -> bool:
        t = self.toks[self.i]
        return t.kind in ("op", "kw", "cmd") and t.text in texts

    def take(self) -> Tok:
        self.steps += 1
        if self.steps > self.limit:
            raise ReadError("the answer is too complicated to read")
        t = self.toks[self.i]
        if t.kind != "end":
            self.i += 1
        return t

    def skip(self, *texts: str) -> None:
        while self.at(*texts):
            self.take()

    def expect(self, text: str, what: str = "") -> Tok:
        if not self.at(text):
            self.fail(f"expected '{text}'{what}", self.peek())
        return self.take()

    def fail(self, reason: str, tok: Tok | None = None) -> NoReturn:
        tok = tok or self.peek()
        raise ReadError(reason, self.src.at(tok.i) if tok.kind != "end" else self.src.at(len(self.src.text)))

    def unexpected(self, tok: Tok) -> NoReturn:
        if tok.kind == "end":
            self.fail("the answer ends too early", tok)
        if tok.kind == "num":
            self.fail("a number cannot follow without an operator (use * for a product, or write a list)", tok)
        if tok.text == ",":
            self.fail("unexpected ',' (a comma separates list entries or indices, not parts of a number)", tok)
        self.fail(f"unexpected {tok.text!r}", tok)

    def enter(self, tok: Tok | None = None) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:     # + the top level
            self.fail(f"nested deeper than {MAX_DEPTH} levels", tok)

    def need_expr(self, value: Any, tok: Tok) -> Any:
        if not isinstance(value, sympy.Expr):
            self.fail("a condition cannot be used as a number here", tok)
        return value

    def need_bool(self, value: Any, tok: Tok) -> Any:
        if not isinstance(value, Boolean):
            self.fail("expected a condition such as 1 ≤ i ≤ M", tok)
        return value

    # ------------------------------------------------------------- arithmetic with limits

    def power_of(self, base: Any, exp: Any, tok: Tok) -> Any:
        self.need_expr(base, tok)
        self.need_expr(exp, tok)
        if base.is_number and exp.is_number:
            if isinstance(base, sympy.Rational) and isinstance(exp, sympy.Rational):
                if base == 0 and exp < 0:
                    self.fail("division by zero", tok)
                if abs(base) != 1 and base != 0:
                    size = abs(math.log10(abs(base.p)) - math.log10(base.q)) * abs(float(exp))
                    if size > MAX_RESULT_DIGITS:
                        self.fail(f"this power would have more than {MAX_RESULT_DIGITS:,} digits; "
                                  "it is refused, not computed", tok)
                if not isinstance(exp, sympy.Integer) and (digits(base.p) > 50 or digits(base.q) > 50):
                    self.fail("a root of a number with more than 50 digits is not computed", tok)
            elif isinstance(exp, sympy.Rational) and abs(exp) > MAX_SYMBOLIC_EXPONENT:
                self.fail(f"an exponent larger than {MAX_SYMBOLIC_EXPONENT} is not computed here", tok)
        elif isinstance(exp, sympy.Rational) and abs(exp) > MAX_SYMBOLIC_EXPONENT:
            self.fail(f"an exponent larger than {MAX_SYMBOLIC_EXPONENT} on a symbolic base is not accepted", tok)
        return sympy.Pow(base, exp)

    def inverse(self, value: Any, tok: Tok) -> Any:
        self.need_expr(value, tok)
        if value.is_Number and value == 0:
            self.fail("division by zero", tok)
        return self.power_of(value, sympy.Integer(-1), tok)

    def number(self, tok: Tok) -> Any:
        text = tok.text
        mant, _, exp = text.replace("E", "e").partition("e")
        if sum(c.isdigit() for c in mant) > MAX_DIGITS:
            self.fail(f"a number with more than {MAX_DIGITS} digits", tok)
        if exp and abs(int(exp)) > MAX_RESULT_DIGITS:
            self.fail(f"an exponent larger than {MAX_RESULT_DIGITS:,} is not accepted", tok)
        f = Fraction(text)
        return sympy.Rational(f.numerator, f.denominator)

    # ------------------------------------------------------------- names

    def symbol(self, name: str, tok: Tok, split: bool = True) -> Any:
        if split and len(name) > 1 and self.symbols and name not in self.symbols and name not in GREEK_NAMES:
            parts = _segment(name, self.symbols)
            if parts:
                self.notes.append(f"read '{name}' as the product {'·'.join(parts)}")
                for p in parts:
                    self.names.append((p, self.src.at(tok.i)))
                return sympy.Mul(*(sympy.Symbol(p) for p in parts))
        if split and len(name) > 1 and not self.symbols and name.isalpha() and name not in GREEK_NAMES:
            self.notes.append(f"read '{name}' as one name (write {'*'.join(name[:3])}… for a product)")
        self.names.append((name, self.src.at(tok.i)))
        return sympy.Symbol(name)

    def indexed(self, name: str, idx: list[Any], tok: Tok) -> Any:
        if not idx or len(idx) > MAX_INDICES:
            self.fail(f"an entry takes 1 to {MAX_INDICES} indices", tok)
        for e in idx:
            self.need_expr(e, tok)
        self.names.append((name, self.src.at(tok.i)))
        return sympy.IndexedBase(name)[tuple(idx)]

    def simple_sub(self, name: str, sub: str, tok: Tok, sub_tok: Tok) -> Any:
        joined = f"{name}_{sub}"
        if joined in self.symbols:
            self.names.append((joined, self.src.at(tok.i)))
            return sympy.Symbol(joined)
        if sub.isdigit():
            if len(sub) == 2 and "0" not in sub:
                self.notes.append(f"read {name}_{{{sub}}} as the entry {name}[{sub[0]}, {sub[1]}]")
                return self.indexed(name, [sympy.Integer(int(sub[0])), sympy.Integer(int(sub[1]))], tok)
            return self.indexed(name, [sympy.Integer(int(sub))], tok)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", sub):
            self.fail("a subscript is a whole number, a name or indices in braces", sub_tok)
        if sub.isalpha() and len(sub) <= 3 and set(sub) <= INDEX_LETTERS and sub not in NAME_SUBSCRIPTS:
            return self.indexed(name, [self.symbol(c, sub_tok, split=False) for c in sub], tok)
        self.names.append((joined, self.src.at(tok.i)))
        return sympy.Symbol(joined)

    def index_list(self, close: str) -> list[Any]:
        items = [self.expr()]
        while self.at(","):
            self.take()
            items.append(self.expr())
        self.expect(close)
        return items

    def name_atom(self, tok: Tok) -> Any:
        name = tok.text
        if name in FUNCS:
            if self.at("("):
                return self.call(name, tok)
            self.fail(f"{name} takes its argument in parentheses", self.peek())
        if self.at("_"):
            self.take()
            t = self.peek()
            if self.at("{") and self.peek(1).kind in ("name", "num") and self.peek(2).text == "}" \
                    and self.peek(2).kind == "op":
                self.take()
                sub_tok = self.take()
                self.take()
                return self.simple_sub(name, sub_tok.text, tok, sub_tok)
            if self.at("{", "("):
                opener = self.take()
                return self.indexed(name, self.index_list(CLOSE[opener.text]), tok)
            if t.kind in ("name", "num"):
                self.take()
                return self.simple_sub(name, t.text, tok, t)
            self.fail("expected a subscript after '_'", t)
        if self.at("["):
            idx: list[Any] = []
            while self.at("["):
                self.take()
                idx += self.index_list("]")
            return self.indexed(name, idx, tok)
        if self.at("("):
            opener = self.take()
            items = self.index_list(")")
            if len(items) > 1:
                self.notes.append(f"read {name}(…, …) as the entry {name}[…, …]")
                return self.indexed(name, items, tok)
            self.notes.append(f"read {name}(…) as the product {name}·(…)")
            return sympy.Mul(self.symbol(name, tok), self.need_expr(items[0], opener))
        return self.symbol(name, tok)

    # ------------------------------------------------------------- functions

    def call(self, name: str, tok: Tok) -> Any:
        if name == "Piecewise":
            return self.piecewise_call(tok)
        if name == "Sum":
            return self.sum_call(tok)
        opener = self.take()
        close = CLOSE[opener.text]
        args = [self.expr()]
        while self.at(","):
            self.take()
            args.append(self.expr())
        self.expect(close)
        for a in args:
            self.need_expr(a, tok)
        lname = name.lower()
        if lname in ("floor", "ceil", "ceiling", "sqrt", "abs") and len(args) != 1:
            self.fail(f"{name} takes one argument", tok)
        if lname == "floor":
            return sympy.floor(args[0])
        if lname in ("ceil", "ceiling"):
            return sympy.ceiling(args[0])
        if lname == "sqrt":
            return self.power_of(args[0], sympy.Rational(1, 2), tok)
        if lname == "abs":
            return sympy.Abs(args[0])
        return (sympy.Max if lname == "max" else sympy.Min)(*args)

    def piecewise_call(self, tok: Tok) -> Any:
        self.expect("(")
        pieces = []
        while True:
            self.expect("(", " (Piecewise((value, condition), …))")
            e = self.need_expr(self.expr(), tok)
            self.expect(",")
            c = self.need_bool(self.cond(), tok)
            self.expect(")")
            pieces.append((e, c))
            if self.at(","):
                self.take()
                continue
            break
        self.expect(")")
        return self.make_piecewise(pieces, tok)

    def sum_call(self, tok: Tok) -> Any:
        self.expect("(")
        body = self.need_expr(self.expr(), tok)
        limits = []
        while self.at(","):
            self.take()
            self.expect("(", " (Sum(term, (m, 1, M)))")
            v = self.peek()
            if v.kind != "name":
                self.fail("expected the summation index", v)
            self.take()
            self.expect(",")
            lo = self.need_expr(self.expr(), tok)
            self.expect(",")
            hi = self.need_expr(self.expr(), tok)
            self.expect(")")
            limits.append((sympy.Symbol(v.text), lo, hi))
        self.expect(")")
        if not limits:
            self.fail("give the range of the sum: Sum(term, (m, 1, M))", tok)
        return sympy.Sum(body, *limits)

    def latex_sum(self, tok: Tok) -> Any:
        self.enter(tok)
        try:
            var = lo = hi = None
            if self.at("_"):
                self.take()
                if self.at("{"):
                    self.take()
                    v = self.take()
                    if v.kind != "name":
                        self.fail("expected the summation index", v)
                    var = v.text
                    if self.at("="):
                        self.take()
                        lo = self.need_expr(self.expr(), tok)
                    self.expect("}")
                elif self.peek().kind == "name":
                    var = self.take().text
            if self.at("^"):
                self.take()
                hi = self.need_expr(self.group(), tok)
            if var is None or lo is None or hi is None:
                self.fail("give the range of the sum, as in \\sum_{m=1}^{M}", tok)
            summand = self.need_expr(self.term(), tok)
            return sympy.Sum(summand, (sympy.Symbol(var), lo, hi))
        finally:
            self.depth -= 1

    def group(self) -> Any:
        """A LaTeX argument: ``{…}`` or a single atom."""
        t = self.peek()
        self.enter(t)
        try:
            if self.at("{"):
                self.take()
                e = self.inner()
                self.expect("}")
                return e
            return self.atom()
        finally:
            self.depth -= 1

    def environment(self, tok: Tok) -> Any:
        self.enter(tok)
        try:
            return self._environment(tok)
        finally:
            self.depth -= 1

    def _environment(self, tok: Tok) -> Any:
        self.expect("{")
        env = self.take()
        if env.kind != "name":
            self.fail("expected an environment name", env)
        self.skip("*")
        self.expect("}")
        if env.text in ("cases", "dcases"):
            return self.cases(tok, env.text)
        if env.text.endswith("matrix") or env.text == "array":
            self.fail("a matrix where one expression was expected", env)
        self.fail(f"unknown environment '{env.text}'", env)

    def cases(self, tok: Tok, env: str) -> Any:
        pieces = []
        while not self.at("\\end"):
            e = self.need_expr(self.expr(), tok)
            self.skip(",")
            self.skip("&")
            self.skip(",", "if")
            if self.at("otherwise", "else", "true"):
                self.take()
                c: Any = sympy.true
            elif self.at("\\\\", "\\end"):
                c = sympy.true
            else:
                c = self.need_bool(self.cond(), self.peek())
            self.skip(",", ";", "then")
            pieces.append((e, c))
            if self.at("\\\\"):
                self.take()
                continue
            if not self.at("\\end"):
                self.unexpected(self.peek())
        self.expect("\\end")
        self.expect("{")
        end = self.take()
        if end.text != env:
            self.fail(f"expected \\end{{{env}}}", end)
        self.expect("}")
        if not pieces:
            self.fail("empty cases", tok)
        return self.make_piecewise(pieces, tok)

    def make_piecewise(self, pieces: list[tuple[Any, Any]], tok: Tok) -> Any:
        if len(pieces) > MAX_PIECES:
            self.fail(f"more than {MAX_PIECES} cases", tok)
        if pieces[-1][1] is not sympy.true:
            self.notes.append("no value is given where no condition holds")
        try:
            return sympy.Piecewise(*pieces)
        except (TypeError, ValueError) as e:
            self.fail(f"not a valid piecewise answer ({e})", tok)

    # ------------------------------------------------------------- grammar

    def parse(self) -> Any:
        if self.at("≈"):
            self.take()
            self.notes.append("read '≈' as an approximate answer")
        result = self.body()
        if self.peek().kind != "end":
            self.unexpected(self.peek())
        check_size(result)
        return result

    def inner(self) -> Any:
        first = self.cond()
        if isinstance(first, sympy.Expr) and self.at("if", "otherwise"):
            return self.body(first)
        return first

    def body(self, first: Any = None) -> Any:
        pieces: list[tuple[Any, Any]] = []
        start = self.peek()
        while True:
            if first is None and self.at("otherwise"):
                self.take()
                self.skip(",")
                pieces.append((self.need_expr(self.expr(), start), sympy.true))
                break
            if first is None and self.at("else"):
                self.take()
                self.skip(",")
            if first is None and self.at("if"):
                self.take()
                c = self.need_bool(self.cond(), start)
                self.skip(",", "then")
                pieces.append((self.need_expr(self.expr(), start), c))
            else:
                e = first if first is not None else self.expr()
                first = None
                if self.at(",") and self.peek(1).kind == "kw" and self.peek(1).text == "if":
                    self.take()
                if self.at("if"):
                    self.take()
                    t = self.peek()
                    pieces.append((self.need_expr(e, start), self.need_bool(self.cond(), t)))
                    self.skip("then")
                elif self.at("otherwise"):
                    self.take()
                    pieces.append((self.need_expr(e, start), sympy.true))
                    break
                elif pieces:
                    pieces.append((self.need_expr(e, start), sympy.true))
                    break
                else:
                    return e
            if self.at(",", ";"):
                self.take()
                if self.peek().kind == "end" or self.at(")", "}", "]"):
                    break
                continue
            if self.at("else", "otherwise"):
                continue
            break
        return self.make_piecewise(pieces, start)

    def cond(self) -> Any:
        parts = [self.conj()]
        while self.at(*OR):
            t = self.take()
            parts.append(self.conj())
        if len(parts) == 1:
            return parts[0]
        return sympy.Or(*(self.need_bool(p, t) for p in parts))

    def conj(self) -> Any:
        parts = [self.unit()]
        while True:
            if self.at(*AND):
                t = self.take()
                self.need_bool(parts[-1], t)
                parts.append(self.need_bool(self.unit(), self.peek()))
                continue
            if self.at(",") and isinstance(parts[-1], Boolean):
                save, notes, names = self.i, len(self.notes), len(self.names)
                self.take()
                try:
                    u = self.unit()
                except ReadError:
                    u = None
                if not isinstance(u, Boolean):
                    self.i = save
                    del self.notes[notes:]
                    del self.names[names:]
                    break
                parts.append(u)
                continue
            break
        if len(parts) == 1:
            return parts[0]
        return sympy.And(*parts)

    def unit(self) -> Any:
        if self.at("not", "¬"):
            t = self.take()
            self.enter(t)
            try:
                return sympy.Not(self.need_bool(self.unit(), t))
            finally:
                self.depth -= 1
        if self.at("true", "false"):
            return sympy.true if self.take().text == "true" else sympy.false
        left = self.expr()
        rels = []
        while self.peek().kind == "op" and self.peek().text in REL:
            t = self.take()
            self.comparisons += 1
            if self.comparisons > MAX_COMPARISONS:
                self.fail(f"more than {MAX_COMPARISONS} comparisons", t)
            right = self.expr()
            try:
                rels.append(REL[t.text](self.need_expr(left, t), self.need_expr(right, t)))
            except TypeError as e:
                self.fail(f"cannot compare these ({e})", t)
            left = right
        if not rels:
            return left
        return rels[0] if len(rels) == 1 else sympy.And(*rels)

    def expr(self) -> Any:
        tok = self.peek()
        self.enter(tok)
        try:
            terms = [self.term()]
            while self.at("+", "-"):
                t = self.take()
                right = self.need_expr(self.term(), t)
                self.need_expr(terms[0], t)
                terms.append(right if t.text == "+" else -right)
            if len(terms) == 1:
                return terms[0]
            size = 0
            for term in terms:
                c = term.as_coeff_Add()[0]
                if isinstance(c, sympy.Rational) and c.q != 1:
                    size += digits(c.q)
            if size > MAX_RESULT_DIGITS + len(terms):
                self.fail(f"this sum would have a denominator of more than {MAX_RESULT_DIGITS:,} digits", tok)
            return sympy.Add(*terms)
        finally:
            self.depth -= 1

    def implicit(self, t: Tok) -> bool:
        if t.kind == "name":
            return True
        if t.kind == "cmd":
            return t.text in IMPLICIT_CMDS
        return t.kind == "op" and t.text in ("(", "{", "⌊", "⌈", "[")

    def term(self) -> Any:
        first = self.peek()
        factors = [self.factor()]
        after_div = False
        while True:
            t = self.peek()
            if t.kind == "op" and t.text in ("*", "×", "·"):
                self.take()
                factors.append(self.need_expr(self.factor(), t))
                after_div = False
            elif t.kind == "op" and t.text == "/":
                self.take()
                factors.append(self.inverse(self.factor(), t))
                after_div = True
            elif t.kind == "op" and t.text == "//":
                self.take()
                quotient = sympy.Mul(self.need_expr(sympy.Mul(*factors), t), self.inverse(self.factor(), t))
                factors = [sympy.floor(quotient)]
                self.notes.append("read a // b as floor(a/b)")
                after_div = False
            elif self.implicit(t):
                if after_div:
                    self.notes.append("after '/', a product written without '*' multiplies the quotient: "
                                      "a/bc is read (a/b)·c")
                    after_div = False
                factors.append(self.need_expr(self.power(), t))
            else:
                break
        if len(factors) == 1:
            return factors[0]
        self.need_expr(factors[0], first)
        size = 0
        for f in factors:
            c = f.as_coeff_Mul()[0]
            if isinstance(c, sympy.Rational):
                size += digits(c.p) + digits(c.q)
        if size > MAX_RESULT_DIGITS + 2 * len(factors):
            self.fail(f"this product would have more than {MAX_RESULT_DIGITS:,} digits", first)
        return sympy.Mul(*factors)

    def factor(self) -> Any:
        if self.at("-", "+"):
            t = self.take()
            self.enter(t)
            try:
                value = self.need_expr(self.factor(), t)
            finally:
                self.depth -= 1
            return -value if t.text == "-" else value
        return self.power()

    def power(self) -> Any:
        base = self.postfix()
        if self.at("^", "**"):
            t = self.take()
            self.enter(t)
            try:
                exp = self.factor()
            finally:
                self.depth -= 1
            return self.power_of(base, exp, t)
        return base

    def postfix(self) -> Any:
        value = self.atom()
        while self.at("%"):
            t = self.take()
            value = self.need_expr(value, t) / 100
            self.notes.append("read x% as x/100")
        return value

    def atom(self) -> Any:
        t = self.take()
        if t.kind == "num":
            return self.number(t)
        if t.kind == "name":
            return self.name_atom(t)
        if t.kind == "op" and t.text in CLOSE:
            value = self.inner()
            self.expect(CLOSE[t.text])
            if t.text == "⌊":
                return sympy.floor(self.need_expr(value, t))
            if t.text == "⌈":
                return sympy.ceiling(self.need_expr(value, t))
            return value
        if t.kind == "cmd":
            if t.text == "\\frac":
                num = self.need_expr(self.group(), t)
                den = self.group()
                return sympy.Mul(num, self.inverse(den, t))
            if t.text == "\\sqrt":
                root = sympy.Integer(2)
                if self.at("["):
                    self.take()
                    root = self.need_expr(self.expr(), t)
                    self.expect("]")
                    if not (isinstance(root, sympy.Integer) and 2 <= root <= 100):
                        self.fail("the root must be a whole number from 2 to 100", t)
                return self.power_of(self.need_expr(self.group(), t), sympy.Rational(1, root), t)
            if t.text == "\\sum":
                return self.latex_sum(t)
            if t.text in LATEX_FUNCS:
                if not self.at("(", "{"):
                    self.fail(f"{t.text} takes its arguments in parentheses", self.peek())
                return self.call(LATEX_FUNCS[t.text], t)
            if t.text == "\\begin":
                return self.environment(t)
            self.fail(f"unknown LaTeX command {t.text}", t)
        self.unexpected(t)


def parse_expression(src: Src, symbols: Iterable[str] = ()) -> tuple[Any, list[str], list[tuple[str, int]]]:
    """Parse normalised text into a sympy object; returns (value, notes, names used with positions)."""
    p = Parser(src, symbols)
    value = p.parse()
    return value, p.notes, p.names
