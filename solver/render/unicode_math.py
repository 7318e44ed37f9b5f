"""LaTeX source → readable Unicode for the terminal (the subset the rules write).

Example:
    >>> to_unicode(r"\\left\\lfloor \\frac{28 + 2 - 3}{1} \\right\\rfloor + 1 = 28")
    '⌊(28 + 2 − 3)/1⌋ + 1 = 28'
    >>> to_unicode(r"R_{2} = 3{,}612{,}672 \\times 2")
    'R₂ = 3,612,672 × 2'
"""
from __future__ import annotations

import re

SYMBOLS = {
    r"\times": "×", r"\cdot": "·", r"\to": "→", r"\Rightarrow": "⇒", r"\approx": "≈", r"\le": "≤",
    r"\ge": "≥", r"\ne": "≠", r"\neq": "≠", r"\sum": "Σ", r"\prod": "Π", r"\quad": "  ", r"\qquad": "    ",
    r"\left\lfloor": "⌊", r"\right\rfloor": "⌋", r"\left\lceil": "⌈", r"\right\rceil": "⌉",
    r"\lfloor": "⌊", r"\rfloor": "⌋", r"\lceil": "⌈", r"\rceil": "⌉", r"\left(": "(", r"\right)": ")",
    r"\left[": "[", r"\right]": "]", r"\left\{": "{", r"\right\}": "}", r"\left|": "|", r"\right|": "|", r"\infty": "∞", r"\partial": "∂", r"\circledast": "⊛", r"\ast": "*",
    r"\in": "∈", r"\forall": "∀", r"\sqrt": "√", r"\%": "%", r"\#": "#", r"\,": "", r"\ ": " ", r"\;": " ",
    r"\!": "", r"\{": "{", r"\}": "}", r"\_": "_", r"\lambda": "λ", r"\tau": "τ", r"\delta": "δ",
    r"\Delta": "Δ", r"\sigma": "σ", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\mid": "|",
    r"\int": "∫", r"\limits": "", r"\leq": "≤", r"\geq": "≥", r"\wedge": "∧", r"\vee": "∨", r"\neg": "¬", r"\:": " ", r"\qquad": "    ",
    r"\leftarrow": "←", r"\gets": "←", r"\rightarrow": "→", r"\mapsto": "↦", r"\odot": "⊙", r"\otimes": "⊗",
    r"\oplus": "⊕", r"\epsilon": "ε", r"\varepsilon": "ε", r"\eta": "η", r"\theta": "θ", r"\mu": "μ",
    r"\nu": "ν", r"\rho": "ρ", r"\phi": "φ", r"\psi": "ψ", r"\omega": "ω", r"\nabla": "∇",
    r"\ldots": "…", r"\cdots": "⋯", r"\dots": "…", r"\vdots": "⋮", r"\ddots": "⋱", r"\pm": "±",
    r"\bmod": "mod", r"\xi": "ξ",     # solver/nn_basics (dropout masks)
}
SUB = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
SUP = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")


def _group(s: str, i: int) -> tuple[str, int]:
    """The braced group (or single character) starting at ``i``; returns (content, index after)."""
    if i < len(s) and s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            if s[j] == "{":
                depth += 1
            elif s[j] == "}":
                depth -= 1
                if depth == 0:
                    return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)
    if i < len(s) and s[i] == "\\":
        m = re.match(r"\\[A-Za-z]+", s[i:])
        if m:
            return m.group(0), i + len(m.group(0))
    return s[i:i + 1], i + 1


def _script(content: str, table: dict[int, int], mark: str) -> str:
    text = to_unicode(content)
    converted = text.translate(table)
    if all(ord(c) in table.values() or c == " " for c in converted if c) and converted:
        return converted
    return f"{mark}{text}" if len(text) == 1 else f"{mark}{{{text}}}"


def _atom(text: str) -> str:
    return text if re.fullmatch(r"[\w.,·∂]+", text) else f"({text})"


def to_unicode(latex: str) -> str:
    """Convert the LaTeX subset used by the rules (fractions, floors, scripts, text, symbols)."""
    out: list[str] = []
    s, i = latex, 0
    while i < len(s):
        c = s[i]
        if s.startswith("{,}", i):
            out.append(",")
            i += 3
        elif s.startswith("\\\\", i):
            out.append("; ")
            i += 2
        elif s.startswith(r"\begin{cases}", i) and r"\end{cases}" in s[i:]:
            end = s.index(r"\end{cases}", i)
            rows = [r for r in re.split(r"\\\\", s[i + len(r"\begin{cases}"):end]) if r.strip()]
            sep = "；" if re.search(r"[\u3400-\u9fff]", s[i:end]) else "; "     # a Chinese case: Chinese punctuation
            out.append("{ " + sep.join("  ".join(to_unicode(c).strip() for c in row.split("&")) for row in rows)
                       + " }")
            i = end + len(r"\end{cases}")
        elif c == "\\":
            if s.startswith(r"\frac", i):
                num, j = _group(s, i + 5)
                den, k = _group(s, j)
                out.append(f"{_atom(to_unicode(num))}/{_atom(to_unicode(den))}")
                i = k
                continue
            if s.startswith(r"\text", i) or s.startswith(r"\mathrm", i) or s.startswith(r"\operatorname", i):
                name_len = 5 if s.startswith(r"\text", i) else 7 if s.startswith(r"\mathrm", i) else 13
                content, j = _group(s, i + name_len)
                out.append(content.replace(r"\_", "_"))
                i = j
                continue
            accent = re.match(r"\\(tilde|hat|bar|overline|vec|dot)(?![A-Za-z])\s*", s[i:])
            if accent:
                content, j = _group(s, i + len(accent.group(0)))
                mark = {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304", "overline": "\u0305", "vec": "\u20d7",
                        "dot": "\u0307"}[accent.group(1)]
                body = to_unicode(content)
                out.append(body + mark if len(body) == 1 else f"{accent.group(1)}({body})")
                i = j
                continue
            if s.startswith(r"\begin{", i) or s.startswith(r"\end{", i):
                _, j = _group(s, s.index("{", i))
                i = j
                continue
            for sym in sorted(SYMBOLS, key=len, reverse=True):
                if s.startswith(sym, i) and not (sym[-1].isalpha() and i + len(sym) < len(s)
                                                   and s[i + len(sym)].isalpha()):
                    out.append(SYMBOLS[sym])
                    i += len(sym)
                    break
            else:
                m = re.match(r"\\([A-Za-z]+)", s[i:])
                if m:
                    out.append(m.group(1))
                    i += len(m.group(0))
                else:
                    out.append(s[i + 1:i + 2])
                    i += 2
        elif c in "_^":
            content, j = _group(s, i + 1)
            out.append(_script(content, SUB if c == "_" else SUP, c))
            i = j
        elif c in "{}":
            i += 1
        elif c == "-":
            out.append("−")
            i += 1
        elif c == "&":
            out.append("  ")
            i += 1
        elif s.startswith("\\\\", i):
            out.append("; ")
            i += 2
        else:
            out.append(c)
            i += 1
    text = re.sub(r" {3,}", "  ", re.sub(r"∂ (?=\w)", "∂", "".join(out)))
    return re.sub(r" ([⌋⌉])", r"\1", re.sub(r"([⌊⌈]) ", r"\1", text))


_MATRIX = re.compile(r"\\begin\{([bpv]?matrix)\}(.*?)\\end\{\1\}", re.S)
_BRACKETS = {"bmatrix": ("[⎡⎢⎣", "]⎤⎥⎦"), "pmatrix": ("(⎛⎜⎝", ")⎞⎟⎠"), "vmatrix": ("||||", "||||"),
             "matrix": ("    ", "    ")}


def _matrix_block(env: str, body: str) -> list[str]:
    from rich.cells import cell_len
    rows = [[to_unicode(c.strip()) for c in row.split("&")] for row in re.split(r"\\\\", body) if row.strip()]
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    widths = [max(cell_len(r[j]) for r in rows) for j in range(ncols)]
    lines = ["  ".join(" " * (w - cell_len(c)) + c for c, w in zip(r, widths)) for r in rows]
    left, right = _BRACKETS.get(env, _BRACKETS["bmatrix"])
    if len(lines) == 1:
        return [f"{left[0]} {lines[0]} {right[0]}"]
    out = []
    for i, line in enumerate(lines):
        pos = 1 if i == 0 else 3 if i == len(lines) - 1 else 2
        out.append(f"{left[pos]} {line} {right[pos]}")
    return out


def to_block(latex: str) -> list[str]:
    """Like :func:`to_unicode`, but matrices become aligned multi-line blocks; the text around them
    sits on the middle line.

    >>> print("\\n".join(to_block(r"Y = \\begin{bmatrix} 1 & 2 \\\\ 30 & 4 \\end{bmatrix}")))
        ⎡  1  2 ⎤
    Y = ⎣ 30  4 ⎦
    """
    from rich.cells import cell_len
    pieces: list[list[str]] = []
    pos = 0
    for m in _MATRIX.finditer(latex):
        if m.start() > pos:
            pieces.append([to_unicode(latex[pos:m.start()])])
        pieces.append(_matrix_block(m.group(1), m.group(2)))
        pos = m.end()
    if pos < len(latex):
        pieces.append([to_unicode(latex[pos:])])
    if all(len(p) == 1 for p in pieces):
        return ["".join(p[0] for p in pieces)]
    height = max(len(p) for p in pieces)
    middle = (height - 1) // 2 + (1 if height % 2 == 0 else 0)
    lines = [""] * height
    for piece in pieces:
        width = max(cell_len(s) for s in piece)
        top = middle - (len(piece) - 1) // 2 - (1 if len(piece) % 2 == 0 else 0) if len(piece) > 1 else middle
        top = max(0, min(top, height - len(piece)))
        for i in range(height):
            text = piece[i - top] if top <= i < top + len(piece) else ""
            lines[i] += text + " " * (width - cell_len(text))
    return [line.rstrip() for line in lines]
