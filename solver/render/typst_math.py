"""LaTeX (the subset the rules write) → Typst math, by a small tokenizer and recursive translation.

The rules write their mathematics once, as LaTeX; the PDF renderer needs Typst math. This module parses
that LaTeX into groups, commands, scripts and environments and writes the Typst equivalent — never by
pasting text from a file into markup: exercise text goes through :func:`typst_string` instead.

Example:
    >>> to_typst(r"\\left\\lfloor \\frac{28 + 2 - 3}{1} \\right\\rfloor + 1 = 3{,}612")
    'floor(frac(28 + 2 - 3, 1)) + 1 = 3","612'
    >>> to_typst(r"\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}")
    'mat(delim: "[", 1, 2; 3, 4)'
"""
from __future__ import annotations

import re

SYMBOLS = {
    "times": "times", "cdot": "dot", "to": "arrow.r", "Rightarrow": "arrow.r.double", "approx": "approx",
    "le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "ne": "!=", "neq": "!=", "sum": "sum", "prod": "product",
    "quad": "quad", "qquad": "wide", "infty": "infinity", "partial": "partial", "circledast": "ast.op.o",
    "ast": "ast", "in": "in", "forall": "forall", "lambda": "lambda", "tau": "tau", "delta": "delta",
    "Delta": "Delta", "sigma": "sigma", "alpha": "alpha", "beta": "beta", "gamma": "gamma", "mid": "|",
    "ldots": "...", "cdots": "dots.c", "dots": "...", "vdots": "dots.v", "ddots": "dots.down", "pm": "plus.minus",
    "wedge": "and", "vee": "or", "neg": "not", "varnothing": "emptyset", "max": "max", "min": "min",
    "int": "integral", "limits": "", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "leftarrow": "arrow.l", "gets": "arrow.l", "rightarrow": "arrow.r", "Leftarrow": "arrow.l.double",
    "mapsto": "arrow.r.bar", "odot": "dot.circle", "otimes": "times.circle", "oplus": "plus.circle",
    "epsilon": "epsilon", "varepsilon": "epsilon.alt", "eta": "eta", "theta": "theta", "mu": "mu", "nu": "nu",
    "rho": "rho", "phi": "phi", "psi": "psi", "omega": "omega", "top": "top",
    "nabla": "nabla", "sim": "tilde.op", "propto": "prop", "equiv": "equiv", "ll": "<<", "gg": ">>",
    "bmod": "mod", "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "prime": "prime", "exp": "exp", "log": "log", "tanh": "tanh",
}
ACCENTS = {"tilde": "tilde", "hat": "hat", "bar": "overline", "overline": "overline", "vec": "arrow",
           "dot": "dot", "ddot": "dot.double"}
SPACES = {",": "thin", ";": "med", ":": "med", " ": " ", "!": ""}


def typst_string(text: str) -> str:
    """A Typst string literal: shown verbatim, never interpreted as markup or code."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _Reader:
    def __init__(self, s: str) -> None:
        self.s, self.i = s, 0

    def group(self) -> str:
        """Translate a braced group or a single token."""
        s = self.s
        while self.i < len(s) and s[self.i] == " ":
            self.i += 1
        if self.i < len(s) and s[self.i] == "{":
            depth, j = 0, self.i
            while j < len(s):
                depth += {"{": 1, "}": -1}.get(s[j], 0)
                if depth == 0:
                    break
                j += 1
            inner = s[self.i + 1:j]
            self.i = j + 1
            return to_typst(inner)
        if self.i < len(s) and s[self.i] == "\\":
            m = re.match(r"\\([A-Za-z]+)", s[self.i:])
            if m:
                self.i += len(m.group(0))
                return SYMBOLS.get(m.group(1), m.group(1))
        ch = s[self.i:self.i + 1]
        self.i += 1
        return to_typst(ch)

    def raw_group(self) -> str:
        s = self.s
        if self.i < len(s) and s[self.i] == "{":
            j = s.index("}", self.i)
            out = s[self.i + 1:j]
            self.i = j + 1
            return out
        out = s[self.i:self.i + 1]
        self.i += 1
        return out


def _matrix(env: str, body: str) -> str:
    delim = {"bmatrix": '"["', "pmatrix": '"("', "vmatrix": '"|"', "matrix": "#none"}.get(env, '"["')
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    cells = "; ".join(", ".join(to_typst(c.strip()) or "0" for c in row.split("&")) for row in rows)
    return f"mat(delim: {delim}, {cells})"


def _cases(body: str) -> str:
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    out = []
    for row in rows:
        parts = row.split("&")
        value = to_typst(parts[0].strip())
        cond = to_typst(parts[1].strip()) if len(parts) > 1 else ""
        out.append(f"{value} & {cond}" if cond else value)
    return "cases(" + ", ".join(out) + ")"


def to_typst(latex: str) -> str:
    """Translate LaTeX math to Typst math."""
    out: list[str] = []
    r = _Reader(latex)
    s = latex
    while r.i < len(s):
        c = s[r.i]
        if s.startswith("{,}", r.i):
            out.append('","')
            r.i += 3
        elif c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[r.i:])
            assert m
            name = m.group(1)
            r.i += len(m.group(0))
            if name == "frac":
                a = r.group()
                b = r.group()
                out.append(f"frac({a}, {b})")
            elif name in ACCENTS:
                out.append(f" {ACCENTS[name]}({r.group()}) ")
            elif name in ("text", "mathrm", "operatorname"):
                raw = re.sub(r"\\([_%#&$])", r"\1", r.raw_group())          # \text{output\_size}: output_size
                out.append(f" {typst_string(raw)} " if name == "text" else f" op({typst_string(raw)}) ")
            elif name == "begin":
                env = r.raw_group()
                if env == "array":
                    r.raw_group()
                end = s.index(r"\end{" + env + "}", r.i)
                body = s[r.i:end]
                r.i = end + len(r"\end{" + env + "}")
                out.append(_cases(body) if env == "cases" else _matrix(env, body))
            elif name in ("left", "right") and s[r.i:r.i + 2] in ("\\{", "\\}"):
                out.append("\\" + s[r.i + 1])
                r.i += 2
            elif name in ("left", "right"):
                m2 = re.match(r"\\([A-Za-z]+)|(.)", s[r.i:])
                if m2:
                    r.i += len(m2.group(0))
                    token = m2.group(1) or m2.group(2)
                    out.append({"lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "(": "(", ")": ")",
                                "[": "[", "]": "]", ".": "", "|": "|"}.get(token, SYMBOLS.get(token, token)))
            elif name in SPACES:
                out.append(" " + SPACES[name] + " " if SPACES[name].strip() else " ")
            elif name in ("{", "}", "%", "#", "_", "&", "$"):
                out.append("\\" + name)
            elif name in ("\\",):
                out.append(" \\ ")
            else:
                out.append(" " + SYMBOLS.get(name, name) + " ")
        elif c in "_^":
            r.i += 1
            start = r.i
            arg = r.group()
            raw = s[start:r.i].strip("{} ")
            if re.fullmatch(r"[A-Za-z]{2,}", raw):       # C_{in}: a word, set upright
                arg = typst_string(raw)
            if out:
                out[-1] = out[-1].rstrip()
            out.append(f"{c}({arg})")
        elif c in "{}":
            r.i += 1
            if c == "{":
                # a bare group: translate its content
                r.i -= 1
                out.append(r.group())
        elif c == '"':
            out.append('\\"')
            r.i += 1
        elif c == "/":                      # LaTeX's slash is a slash; Typst's starts a fraction (or a comment)
            out.append("\\/")
            r.i += 1
        elif c.isalpha():
            m = re.match(r"[A-Za-z]+(\d*)", s[r.i:])
            assert m
            word = m.group(0)
            r.i += len(word)
            if m.group(1):                  # a name such as K3 or d1: Typst would read an unknown variable
                out.append(f" {typst_string(word)} ")
                continue
            # LaTeX letters are separate variables; Typst reads "xy" as one identifier
            out.append(" ".join(word) if len(word) > 1 else word)
        else:
            out.append(c)
            r.i += 1
    text = "".join(out)
    text = re.sub(r"⌊\s*(.*?)\s*⌋", lambda m: f"floor({m.group(1)})", text)
    text = re.sub(r"⌈\s*(.*?)\s*⌉", lambda m: f"ceil({m.group(1)})", text)
    return re.sub(r" {2,}", " ", text).strip()
