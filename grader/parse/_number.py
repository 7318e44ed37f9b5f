"""Numbers as people write them.

Grammar (after normalisation; case matters for the one-letter multipliers)::

    number   := [APPROX] [sign] MANTISSA [EXP] [MULT] [UNIT | "%"]
    APPROX   := "≈" | "~" | "about" | "approx" | "approximately" | "around" | "roughly" | "约" | "大约" | "大概"
    MANTISSA := d{1,3} ("," ddd)+ [.d+]          # 4,640  7,225,344   (comma: thousands only, groups of three)
              | d{1,3} (" " ddd)+ [.d+]          # 4 640  (also thin space, "_")
              | d+ [. d*] | . d+                  # 4640  0.127  .5
    EXP      := ("e" | "E") [sign] d+  |  ("×" | "x" | "*" | "·") "10" ("^" | "**") [sign] d+    # 4.64e3, 4.64×10^3
    MULT     := K | k | M | G | B | T | m (million) | thousand | million | billion | trillion | 千 | 万 | 百万 | 千万 | 亿
    UNIT     := FLOPs | MACs | params | parameters | weights | ops | 次 | 个 | 参数 | …  (dropped, with a note)
              | any other word after a space (dropped, with a note)

Anything else is read as arithmetic on numbers with the expression parser (``2^10``, ``2**10``,
``2336/18432``, ``(3*3*3+1)*64``, ``\\frac{1}{4}``), and ``28x28x32`` as a product. A European decimal comma
(``4,64``) is refused as ambiguous.

Exactness: an integer written in full (``4640``, ``4,640``, ``2^10``, ``4.64e3``, ``4640.0``) is kind ``int``; a value
written with a multiplier (``3.61M``), a percent sign or ``≈``, or that is not whole, is kind ``real`` (a
:class:`~fractions.Fraction`, exactly as written). ``sig`` is the number of significant digits whenever the
writing shows limited precision — a decimal point, an exponent, a multiplier or ``≈`` (``3.61M`` → 3,
``0.127`` → 3, ``4.64e3`` → 3, ``≈ 4640`` → 3) — and None for integers and fractions written exactly.

Example:
    >>> from grader.parse._text import Src, normalize
    >>> n = read_number(normalize(Src.of("≈ 7.23 MFLOPs")))
    >>> n.kind, n.value, n.sig
    ('real', Fraction(7230000, 1), 3)
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..lazy_re import lazy_re
from ._text import MAX_DIGITS, MAX_RESULT_DIGITS, ReadError, Src, digits, short

_APPROX = r"(?P<approx>≈|~|about\b|approx\.?|approximately\b|around\b|roughly\b|circa\b|约为|大约|大概|约)"
_EXP = (r"(?:[eE](?P<e>[-+]?\d+)"
        r"|\s*[x×X*·]\s*10\s*(?:\^|\*\*)\s*(?:\{\s*(?P<e2>[-+]?\d+)\s*\}|\(\s*(?P<e3>[-+]?\d+)\s*\)|(?P<e4>[-+]?\d+)))")
_GROUPED = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ _]\d{3})+(?:\.\d+)?|"
_PLAIN = r"\d+(?:\.\d+)?|\.\d+"
NUMBER = re.compile(rf"{_APPROX}?\s*(?P<sign>[-+])?\s*(?P<mant>{_GROUPED}{_PLAIN}){_EXP}?(?P<rest>.*)", re.S)
NUMBER_PLAIN = re.compile(rf"{_APPROX}?\s*(?P<sign>[-+])?\s*(?P<mant>{_PLAIN}){_EXP}?(?P<rest>.*)", re.S)

MULTIPLIERS = {
    "K": 10**3, "k": 10**3, "M": 10**6, "G": 10**9, "B": 10**9, "T": 10**12, "m": 10**6,
    "thousand": 10**3, "million": 10**6, "millions": 10**6, "billion": 10**9, "billions": 10**9,
    "trillion": 10**12, "mil": 10**6, "mln": 10**6, "bn": 10**9,
    "千": 10**3, "万": 10**4, "十万": 10**5, "百万": 10**6, "千万": 10**7, "亿": 10**8,
}
_MULT_ORDER = sorted(MULTIPLIERS, key=len, reverse=True)
UNITS = {
    "flops", "flop", "macs", "mac", "madds", "madd", "mult-adds", "multiply-adds", "multiply-accumulates",
    "multiply-accumulate operations", "params", "param", "parameters", "parameter", "trainable parameters",
    "weights", "weight", "ops", "op", "operations", "operation", "multiplications", "multiplication", "mults",
    "additions", "activations", "neurons", "units", "values", "elements", "entries", "numbers", "pixels",
    "bytes", "个", "次", "个参数", "参数", "次乘法", "乘法", "次运算", "运算", "次乘加", "乘加", "次浮点运算",
    "浮点运算", "个元素", "个神经元", "个权重", "个值", "个数", "flops (multiply-adds)",
}
_GENERIC_UNIT = lazy_re(r"[A-Za-z][A-Za-z\- ]*[A-Za-z]\.?|[\u4e00-\u9fff]+")
_CJK = lazy_re(r"[\u4e00-\u9fff]")


@dataclass
class Num:
    kind: str                 # "int" | "real"
    value: Any                # int | Fraction | float
    sig: int | None = None
    notes: list[str] = field(default_factory=list)


def fmt(value: Any) -> str:
    """A number for a note: 7,230,000 · 0.127 · 1/4 (never the text of a huge number)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}" if digits(value) <= 30 else f"a {digits(value)}-digit number"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return fmt(value.numerator)
        if digits(value.numerator) > 30 or digits(value.denominator) > 30:
            return f"≈ {float(value):.6g}"
        d = value.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:
            s = f"{value.numerator / value.denominator:.15g}" if digits(value.denominator) < 15 else ""
            if s and Fraction(s) == value:
                return s
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _unit_or_mult(rest: str) -> tuple[int, str, str] | None:
    """(multiplier, multiplier text, unit) for the text after a number, or None if it is not that."""
    raw = rest
    r = rest.strip()
    r = re.sub(r"[.。]$", "", r).strip()
    if len(r) > 1 and r.endswith("倍"):          # 826 万倍: a factor, with its multiplier
        r = r[:-1].strip()
    if not r:
        return 1, "", ""
    if r.lower() in UNITS:
        return 1, "", r
    for mult in _MULT_ORDER:
        word = mult.isascii() and len(mult) > 1
        if (r.lower().startswith(mult) if word else r.startswith(mult)):
            after = r[len(mult):]
            if word and after[:1].isalpha():
                continue
            a = after.strip()
            if not a or a.lower() in UNITS or (after[:1].isspace() and _GENERIC_UNIT.fullmatch(a)):
                return MULTIPLIERS[mult], mult, a
    if (raw[:1].isspace() or _CJK.match(r)) and _GENERIC_UNIT.fullmatch(r):
        return 1, "", r
    return None


def _sig(mant: str, point: bool) -> int:
    ds = mant.replace(".", "").lstrip("0")
    if not point:
        ds = ds.rstrip("0")
    return max(1, len(ds))


def match_number(src: Src, *, grouping: bool = True) -> Num | None:
    """A number in the grammar above, or None if the text is not one (no error: the caller tries more)."""
    text = src.text.strip()
    m = (NUMBER if grouping else NUMBER_PLAIN).fullmatch(text)
    if not m:
        return None
    parsed = _unit_or_mult(m.group("rest"))
    if parsed is None:
        rest = m.group("rest").strip()
        if rest in ("%", "percent", "per cent"):
            parsed = (1, "%", "")
        else:
            return None
    mult, mult_text, unit = parsed
    mant = m.group("mant")
    clean = re.sub(r"[ ,_]", "", mant)
    if sum(c.isdigit() for c in clean) > MAX_DIGITS:
        raise ReadError(f"a number with more than {MAX_DIGITS} digits", src.at(m.start("mant")))
    exp_text = m.group("e") or m.group("e2") or m.group("e3") or m.group("e4")
    exp = int(exp_text) if exp_text else 0
    if abs(exp) > MAX_RESULT_DIGITS:
        raise ReadError(f"an exponent larger than {MAX_RESULT_DIGITS:,} is not accepted", src.at(m.start("mant")))
    value = Fraction(clean) * Fraction(10) ** exp
    notes: list[str] = []
    pct = mult_text == "%"
    if pct:
        value /= 100
    else:
        value *= mult
    if m.group("sign") == "-":
        value = -value
    approx = bool(m.group("approx"))
    point = "." in clean
    limited = point or exp_text is not None or (mult != 1) or approx
    sig = _sig(clean, point) if limited else None
    shown = short(src.orig[src.at(0):src.at(len(src.text))] or text)
    exact_int = value.denominator == 1 and not approx and mult == 1 and not pct
    if approx:
        notes.append(f"read {shown} as an approximate value")
    if mult_text == "m":
        notes.append("read m as million (M)")
    if pct:
        notes.append(f"read {shown} as {fmt(value)}")
    elif mult != 1 or exp_text is not None:
        notes.append(f"read {shown} as {fmt(value)}")
    if unit:
        notes.append(f"dropped the unit '{unit}'")
    if exact_int:
        return Num("int", int(value), sig, notes)
    return Num("real", value, sig, notes)


def sympy_number(value: Any, pos: int | None = None) -> tuple[str, Any, list[str]]:
    """('int'|'real', Python value, notes) for a sympy number; ReadError if it is not a finite real number."""
    import sympy
    if isinstance(value, sympy.Integer):
        return "int", int(value), []
    if isinstance(value, sympy.Rational):
        return "real", Fraction(int(value.p), int(value.q)), []
    if isinstance(value, sympy.Expr) and value.is_number:
        v = value.evalf(30)
        if v.is_real and v.is_finite and not v.has(sympy.zoo, sympy.nan):
            f = float(v)
            if math.isfinite(f):
                return "real", f, [f"evaluated to {f:.12g}"]
    raise ReadError("not a finite real number", pos)


def read_number(src: Src) -> Num:
    """A number in any accepted spelling, or a :class:`ReadError` saying where reading stopped."""
    text = src.text.strip()
    if not text:
        raise ReadError("no answer was given")
    num = match_number(src)
    if num is not None:
        return num
    m = re.fullmatch(r"\s*[-+]?\d+(?:\.\d+)?(?:\s*[xX×]\s*[-+]?\d+(?:\.\d+)?)+\s*", text)
    if m:
        factors = [Fraction(f) for f in re.split(r"\s*[xX×]\s*", text.strip())]
        if sum(len(re.sub(r"\D", "", str(f))) for f in factors) > 4 * MAX_DIGITS:
            raise ReadError("too many digits")
        value = math.prod(factors)
        kind, out = ("int", int(value)) if value.denominator == 1 else ("real", value)
        return Num(kind, out, None, [f"read {short(text)} as the product {fmt(out)} (the question asks for one "
                                     "number, not a shape)"])
    m = re.fullmatch(r"(≈|~|约|about\s)?\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", text)
    if m and ("." in text or m.group(1)) and Fraction(m.group(3)) != 0:   # 1/7.89, 约 1/8: as precise as written
        value = Fraction(m.group(2)) / Fraction(m.group(3))
        sigs = [_sig(g, True) for g in (m.group(2), m.group(3)) if "." in g] or [
            max(len(m.group(2).lstrip("0")), len(m.group(3).lstrip("0")))]
        return Num("real", value, min(sigs), [f"read {short(text)} as {float(value):.6g}"])
    m = re.fullmatch(r"([-+]?\d+),(\d+)", text)
    if m:
        raise ReadError(f"'{text}' is ambiguous: a comma only groups thousands (4,640); write a decimal point "
                        "(4.64) for a decimal", src.at(m.start(2) - 1))
    from sympy.logic.boolalg import Boolean           # the expression parser only when plain numbers fail

    from ._expr import parse_expression
    value, notes, names = parse_expression(src)
    if names:
        name, pos = min(names, key=lambda n: n[1])
        raise ReadError(f"'{name}' is a name, not a number", pos)
    if isinstance(value, Boolean):
        raise ReadError("a condition is not a number")
    kind, out, more = sympy_number(value)
    notes = notes + more
    if not re.fullmatch(r"[-+]?\d+(\s*/\s*\d+)?", text):
        notes.append(f"computed {short(text)} = {fmt(out)}")
    approx = any("approximate" in n for n in notes)
    if approx and kind == "int":
        kind, out = "real", Fraction(out)
    return Num(kind, out, None, notes)
