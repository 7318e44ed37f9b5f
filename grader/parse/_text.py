"""Text with a map back to the student's characters, normalisation, and the reading error.

Every rewrite (Unicode folding, LaTeX spellings, superscripts) goes through :class:`Src`, which keeps, for
each character of the rewritten text, the index of the character of the original it came from — so an
error can always say "stopped at character 5: 'k'" about what the student actually wrote.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Union

MAX_LENGTH = 10_000      # characters of one answer (or of all the strings of one list answer together)
MAX_DIGITS = 100         # digits of one number
MAX_DEPTH = 50           # nesting of brackets, signs, powers, sums
MAX_RESULT_DIGITS = 1000 # no number computed from an answer may have more digits than this
MAX_ROWS = MAX_COLS = 100
MAX_ENTRIES = 10_000     # entries of a vector


class ReadError(Exception):
    """The answer cannot be read. ``pos`` is an index into the *original* (stripped) text, or None."""

    def __init__(self, reason: str, pos: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pos = pos


@dataclass
class Src:
    """A piece of (possibly rewritten) text; ``pos[i]`` is where ``text[i]`` came from in ``orig``.
    ``pos`` has one more entry than ``text``: the position just after the end."""

    text: str
    pos: list[int]
    orig: str

    @classmethod
    def of(cls, text: str) -> "Src":
        return cls(text, list(range(len(text) + 1)), text)

    def __len__(self) -> int:
        return len(self.text)

    def at(self, i: int) -> int:
        """The original index of rewritten index ``i`` (clamped to the end)."""
        if i < 0:
            i = 0
        return self.pos[min(i, len(self.text))]

    def slice(self, a: int, b: int | None = None) -> "Src":
        n = len(self.text)
        b = n if b is None else max(0, min(b, n))
        a = max(0, min(a, b))
        return Src(self.text[a:b], self.pos[a:b] + [self.pos[b]], self.orig)

    def strip(self, chars: str | None = None) -> "Src":
        t = self.text
        a = len(t) - len(t.lstrip(chars))
        b = len(t.rstrip(chars))
        return self.slice(a, max(a, b))

    def sub(self, pattern: Union[str, "re.Pattern[str]"], repl: Union[str, Callable[["re.Match[str]"], str]],
            flags: int = 0) -> "Src":
        """``re.sub`` keeping the map: replacement characters map to the start of their match."""
        rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        out: list[str] = []
        pos: list[int] = []
        last = 0
        for m in rx.finditer(self.text):
            out.append(self.text[last:m.start()])
            pos.extend(self.pos[last:m.start()])
            r = repl(m) if callable(repl) else m.expand(repl)
            out.append(r)
            pos.extend([self.pos[m.start()]] * len(r))
            last = m.end()
        if not out:
            return self
        out.append(self.text[last:])
        pos.extend(self.pos[last:len(self.text)])
        pos.append(self.pos[len(self.text)])
        return Src("".join(out), pos, self.orig)

    def map_chars(self, fn: Callable[[str], str]) -> "Src":
        out: list[str] = []
        pos: list[int] = []
        for ch, p in zip(self.text, self.pos):
            r = fn(ch)
            out.append(r)
            pos.extend([p] * len(r))
        pos.append(self.pos[len(self.text)])
        return Src("".join(out), pos, self.orig)

    def where(self, i: int) -> str:
        """'character 5: 'k'' for rewritten index ``i``, or 'the end'."""
        return where(self.orig, self.at(i) if i < len(self.text) else None)


def where(orig: str, p: int | None) -> str:
    if p is None or p >= len(orig):
        return "the end"
    m = re.match(r"\\[A-Za-z]+|\\.", orig[p:])
    shown = m.group(0) if m else orig[p]
    return f"character {p + 1}: {shown!r}"


# ------------------------------------------------------------------ normalisation

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
GREEK_NAMES = set(GREEK.values()) | {"varepsilon", "vartheta", "varphi"}

_CHARS = {
    "\u2212": "-", "\u2013": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\ufe63": "-",
    "\u22c5": "·", "\u2219": "·", "\u2217": "*", "\u2715": "×", "\u2716": "×", "\u00f7": "/", "\u2044": "/",
    "\u2266": "≤", "\u2267": "≥", "\u2a7d": "≤", "\u2a7e": "≥", "\u3001": ",", "\u3002": ".",
    "\t": " ", "\r": "", "\u2211": "\\sum ", "\u230a": "⌊", "\u230b": "⌋",
}

_LATEX_WORDS = {
    "cdot": "·", "times": "×", "ast": "*", "div": "/", "le": "≤", "leq": "≤", "leqslant": "≤", "ge": "≥",
    "geq": "≥", "geqslant": "≥", "ne": "≠", "neq": "≠", "lt": "<", "gt": ">", "land": "∧", "wedge": "∧",
    "lor": "∨", "vee": "∨", "lnot": "¬", "neg": "¬", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "approx": "≈", "sim": "≈", "dfrac": "\\frac", "tfrac": "\\frac", "cfrac": "\\frac", "displaystyle": " ",
    "textstyle": " ", "quad": " ", "qquad": " ", "middle": " ", "mid": "|", "colon": ":", "land": "∧",
    "implies": "⇒", "to": "→", "langle": "(", "rangle": ")", "lbrack": "[", "rbrack": "]",
}
_LATEX_GREEK = {g: f" {g} " for g in GREEK_NAMES}
_TEXTLIKE = r"text|textrm|textit|textbf|mathrm|mathit|mathbf|mathsf|mathtt|boldsymbol|bm|mbox|operatorname\*?|rm"


def _latex_word(m: "re.Match[str]") -> str:
    word = m.group(1)
    if word in _LATEX_WORDS:
        return _LATEX_WORDS[word]
    if word in _LATEX_GREEK:
        return _LATEX_GREEK[word]
    if word in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "big", "Big",
                "bigg", "Bigg"):
        return ""
    return m.group(0)


def _escape(m: "re.Match[str]") -> str:
    t = m.group(0)
    if t == "\\\\":
        return t
    if t == "\\!":
        return ""
    if t[-1] in "{}%_":
        return t[-1]
    return " "


def _nfkc(ch: str) -> str:
    if ch in _CHARS:
        return _CHARS[ch]
    if ch in GREEK:
        return f" {GREEK[ch]} "
    if ch.isascii():
        return ch
    return "".join(_CHARS.get(c, c) for c in unicodedata.normalize("NFKC", ch))


def normalize(src: Src, *, greek: bool = True) -> Src:
    """Fold what people type into one spelling: full-width forms (NFKC), Unicode minus and dashes → ``-``,
    superscripts ``2¹⁰`` → ``2^(10)``, subscripts ``x₁`` → ``x_{1}``, ``√2``/``√(…)`` → ``sqrt(…)``,
    ``$…$``/``\\(…\\)``/``\\[…\\]`` dropped,
    ``\\text{…}``-like wrappers unwrapped, LaTeX operators (``\\cdot``, ``\\le``, ``\\lfloor``…) → Unicode, ``\\left``/
    ``\\right``/sizes dropped, Greek letters (``δ``, ``\\delta``) → their names (``delta``)."""
    s = src.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+", lambda m: "^(" + m.group(0).translate(_SUPER) + ")")
    s = s.sub(r"[₀₁₂₃₄₅₆₇₈₉]+", lambda m: "_{" + m.group(0).translate(_SUB) + "}")
    s = s.sub("Σ(?=\\s*_)", "\\\\sum ")
    s = s.map_chars(_nfkc if greek else (lambda ch: _CHARS.get(ch) or (ch if ch.isascii() else
                                                                      unicodedata.normalize("NFKC", ch))))
    s = s.sub(r"√\s*\(", "sqrt(")                                     # √(2/144) → sqrt(2/144)
    s = s.sub(r"√\s*(\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9]*)", r"sqrt(\1)")   # √2, 6√2, 1/√144, √n
    s = s.strip()
    for a, b in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if s.text.startswith(a) and s.text.endswith(b) and len(s.text) >= len(a) + len(b):
            s = s.slice(len(a), len(s.text) - len(b)).strip()
            break
    s = s.sub(r"\\\\\s*\[[^\]\[]{0,20}\]", r"\\\\")                       # \\[4pt] → \\
    s = s.sub(r"\\(?:" + _TEXTLIKE + r")\s*\{([^{}]*)\}", lambda m: f" {m.group(1)} ")
    s = s.sub(r"\\frac\s*(\d)\s*(\d)", r"\\frac{\1}{\2}")
    s = s.sub(r"\\left\s*\.|\\right\s*\.", " ")
    s = s.sub(r"\\([A-Za-z]+)", _latex_word)
    s = s.sub(r"\\\\|\\[,;:! ]|\\[{}%_]|~", _escape)
    return s.strip()


LABEL = re.compile(r"^(?:the\s+)?(?:final\s+)?(?:answer|ans|result|solution|答案|答|解|结果)\s*(?:is\s*)?[:：=]?\s*",
                   re.IGNORECASE)
_COND_WORD = re.compile(r"\bif\b|\bwhen\b|若|如果|当|\\begin|Piecewise|\bcases\b", re.IGNORECASE)


def strip_label(src: Src) -> tuple[Src, list[str]]:
    """Drop a leading 'Answer:' / '答：' and a left-hand side ``y_{kl} = …`` (the text after the last top-level
    ``=`` or ``≈`` before any condition word). Returns the rest and notes."""
    notes: list[str] = []
    m = LABEL.match(src.text)
    if m and m.end() < len(src.text) and (m.group(0).rstrip().endswith((":", "：", "=")) or
                                            m.group(0).lower().startswith(("答", "解"))):
        src = src.slice(m.end()).strip()
    text = src.text
    stop = _COND_WORD.search(text)
    limit = stop.start() if stop else len(text)
    depth, cut, approx = 0, -1, False
    for i, ch in enumerate(text[:limit]):
        if ch in "([{⌊⌈":
            depth += 1
        elif ch in ")]}⌋⌉":
            depth -= 1
        elif depth == 0 and ch in "=≈":
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch == "=" and (prev in "<>!=≤≥" or nxt in "=<>"):
                continue
            cut, approx = i, ch == "≈"
    if cut > 0 and text[:cut].strip():
        lhs = text[:cut].strip()
        src = src.slice(cut if approx else cut + 1).strip()
        notes.append(f"read only what follows '{short(lhs)} {'≈' if approx else '='}'")
    return src, notes


def split_top(src: Src, seps: str) -> list[Src]:
    """Split at the characters of ``seps`` that are outside brackets; unbalanced brackets are a ReadError."""
    parts: list[Src] = []
    stack: list[tuple[str, int]] = []
    start = 0
    pairs = {")": "(", "]": "[", "}": "{", "⌋": "⌊", "⌉": "⌈"}
    text = src.text
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text.startswith("\\\\", i):
            if "\\" in seps and not stack:
                parts.append(src.slice(start, i))
                start = i + 2
            i += 2
            continue
        if ch == "\\":
            m = re.match(r"\\[A-Za-z]+", text[i:])
            i += len(m.group(0)) if m else 2
            continue
        if ch in "([{⌊⌈":
            stack.append((ch, i))
            if len(stack) > MAX_DEPTH:
                raise ReadError(f"nested deeper than {MAX_DEPTH}", src.at(i))
        elif ch in pairs:
            if not stack or stack[-1][0] != pairs[ch]:
                raise ReadError(f"'{ch}' does not close an opening bracket", src.at(i))
            stack.pop()
        elif not stack and ch in seps:
            parts.append(src.slice(start, i))
            start = i + 1
        i += 1
    if stack:
        raise ReadError(f"'{stack[-1][0]}' is never closed", src.at(stack[-1][1]))
    parts.append(src.slice(start))
    return parts


def strip_outer(src: Src) -> tuple[Src, str]:
    """If the whole text is one bracketed group ``(…)``, ``[…]`` or ``{…}``, its inside and the bracket."""
    text = src.text
    if len(text) < 2 or text[0] not in "([{" or text[-1] != {"(": ")", "[": "]", "{": "}"}[text[0]]:
        return src, ""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return src, ""
    return src.slice(1, len(text) - 1).strip(), text[0]


def short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def digits(n: int) -> int:
    """Decimal digits of |n| (without converting huge numbers to text).

    >>> digits(0), digits(9), digits(10), digits(-12345)
    (1, 1, 2, 5)
    """
    n = abs(n)
    return 1 if n < 10 else int(n.bit_length() * 0.30103) + 1
