"""Receptive field and jump (effective stride) of a stack of windowed layers, per dimension.

Recurrence, with ``R_0 = 1`` and ``J_0 = 1``::

    R_l = R_{l−1} + (k_l − 1)·d_l·J_{l−1}        J_l = J_{l−1}·s_l

Closed form (Li Hang 24.19, with dilation added)::

    R_L = 1 + Σ_{j=1..L} (k_j − 1)·d_j·Π_{i<j} s_i

Example:
    >>> stack = [Window(3, 1, 1), Window(3, 2, 1), Window(2, 2, 1)]
    >>> recurrence(stack)[-1], closed_form(stack)
    ((7, 4), 7)
"""
from __future__ import annotations

from ..record import record
from typing import Any
from math import prod


@record(frozen=True)
class Window:
    """The geometry that matters for the receptive field: kernel, stride, dilation."""

    k: int
    s: int
    d: int = 1


IDENTITY = Window(1, 1, 1)


def recurrence(stack: list[Window]) -> list[tuple[int, int]]:
    """(R_l, J_l) after each layer."""
    r, j, out = 1, 1, []
    for w in stack:
        r = r + (w.k - 1) * w.d * j
        j = j * w.s
        out.append((r, j))
    return out


def closed_form(stack: list[Window]) -> int:
    """1 + Σ_j (k_j − 1)·d_j·Π_{i<j} s_i."""
    return 1 + sum((w.k - 1) * w.d * prod(v.s for v in stack[:j]) for j, w in enumerate(stack))


def jump(stack: list[Window]) -> int:
    """Π s_i."""
    return prod(w.s for w in stack)


# ---------------------------------------------------------------- notation of a solution's formulas


@record(frozen=True)
class Notation:
    """The letters a solution writes for a windowed layer and for the receptive-field recurrence.

    ``generic`` is PyTorch's (kernel k, stride s, padding p per side, jump J_l after layer l: R_l, J_l); a book's
    own notation replaces it where the exercise comes from that book (:func:`notation_for`), so that a solution
    keeps the source's letters from its plan to its conclusion. Li Hang ch. 24 writes functions of the layer,
    F(l), S(l), R(l), and the jump I(l) *into* layer l — the jump after layer l is I(l+1)."""

    name: str
    kernel: str = "k"
    stride: str = "s"
    padding: str = "p"
    dilation: str = "d"
    jump: str = "J"
    functional: bool = False      # R(l), F(l) (the book's) rather than R_l, k_l
    jump_shift: int = 0           # the jump after layer l is jump(l + jump_shift)
    # the network solver's messages that name PyTorch's letters → the same sentence in these letters
    messages: tuple[tuple[str, str], ...] = ()

    def key(self, key: str) -> str:
        """The message ``key`` of the network solver in this notation (itself when the sentence names no letter).

        >>> LI_HANG.key("net.table.jump"), GENERIC.key("net.table.jump")
        ('proof.table.jump', 'net.table.jump')
        """
        return dict(self.messages).get(key, key)

    def layer_label(self, layer: Any) -> str:
        """A layer's signature as the solution writes it: :meth:`Layer.label` (``Conv2d(16→32, k=3×3, s=2, p=1)``),
        or in a book's letters for a convolution or pooling layer, ``Conv2d(16→32, F=3, S=2, P=1)`` (what the letters
        do not say — groups, dilation, 'same', no bias, ceil_mode — keeps :meth:`Layer.label`)."""
        if self is GENERIC or not self.functional:
            return layer.label()
        a, fam, t = layer.args, layer.family, layer.type.name

        def one(values: Any) -> str:
            values = tuple(values)
            return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))
        if isinstance(a.get("padding"), str) or any(d != 1 for d in a.get("dilation", (1,))):
            return layer.label()
        geometry = f"{self.kernel}={one(a['kernel_size'])}, {self.stride}={one(a['stride'])}, " \
            f"{self.padding}={one(a['padding'])}" if fam in ("conv", "max_pool", "avg_pool") else ""
        if fam == "conv" and a["groups"] == 1 and a["bias"]:
            return f"{t}({a.get('in_channels') or '?'}→{a['out_channels']}, {geometry})"
        if fam in ("max_pool", "avg_pool") and not a["ceil_mode"]:
            return f"{t}({geometry})"
        return layer.label()

    def at(self, symbol: str, l: int | str) -> str:
        """``symbol`` of layer ``l``: ``R_{2}`` or ``R(2)``."""
        return f"{symbol}({l})" if self.functional else f"{symbol}_{{{l}}}"

    def jump_after(self, l: int | str) -> str:
        """The jump after layer ``l`` (``J_{l}``; Li Hang: ``I(l+1)``)."""
        if isinstance(l, int):
            return self.at(self.jump, l + self.jump_shift)
        return self.at(self.jump, f"{l}+{self.jump_shift}" if self.jump_shift else l)


CDOT = r" \cdot "
GENERIC = Notation("generic")
# Li Hang ch. 24 (relation (24.19)): its sentences are in solver/network/messages_proof.py
LI_HANG = Notation("li_hang", kernel="F", stride="S", padding="P", jump="I", functional=True, jump_shift=1, messages=(
    ("net.plan.rf", "proof.plan.rf"), ("net.layer.conv", "proof.layer.conv"), ("net.layer.pool", "proof.layer.pool"),
    ("net.table.rf", "proof.table.rf"), ("net.table.jump", "proof.table.jump"),
    ("net.total.jump.text", "proof.total.jump.text"), ("net.total.rf", "proof.total.rf"),
    ("net.total.rf_at", "proof.total.rf_at"), ("net.cv.rf", "proof.cv.rf"), ("net.cv.pad", "proof.cv.pad"),
    ("net.cv.union", "proof.cv.union")))

# Books whose notation a solution follows, by the exercise's ``source.book`` (its start) and chapter.
BOOK_NOTATION: tuple[tuple[str, str, Notation], ...] = (("Li Hang", "24", LI_HANG),)


def notation_for(source: Any) -> Notation:
    """The notation of an exercise's source (``source.book``, ``source.chapter``); :data:`GENERIC` otherwise.

    >>> from solver.model import Source
    >>> notation_for(Source("Li Hang, Machine Learning Methods", "24", "24.6")).name, notation_for(Source()).name
    ('li_hang', 'generic')
    """
    book, chapter = str(getattr(source, "book", "") or ""), str(getattr(source, "chapter", "") or "")
    for prefix, ch, notation in BOOK_NOTATION:
        if book.startswith(prefix) and chapter == ch:
            return notation
    return GENERIC


def size_lines(sizes: Any, names: tuple[str, ...], n: Notation = GENERIC) -> list[str]:
    """The output-size formula of each spatial dimension, with its numbers (``SizeCalc``s of :mod:`.sizes`): the
    padding per side (as in the layer's header) appears as 2p; an odd total ('same') as p_total."""
    from .. import latex as tex
    k, s, p, d = n.kernel, n.stride, n.padding, n.dilation
    lines = []
    for name, c in zip(names, sizes):
        out, inn = f"{name}_{{out}}", f"{name}_{{in}}"
        if c.rule == "transposed":
            formula = rf"({inn} - 1){s} - 2{p} + {d}({k} - 1) + {p}_{{out}} + 1"
            numbers = rf"({c.n_in} - 1) \cdot {c.s} - 2 \cdot {c.p} + {c.d} \cdot ({c.k} - 1) + {c.output_padding} + 1"
            lines.append(f"{out} = {formula} = {numbers} = {c.n_out}")
            continue
        if c.rule == "adaptive":
            lines.append(f"{out} = {c.n_out}" + (r" \quad (\text{output\_size})" if c.n_out != c.n_in else ""))
            continue
        bracket = tex.ceil if c.ceil else tex.floor
        pad, pads = (f"2{p}", rf"2 \cdot {c.p // 2}") if c.p % 2 == 0 else (f"{p}_{{total}}", str(c.p))
        if c.d == 1:
            formula = bracket(tex.frac(f"{inn} + {pad} - {k}", s)) + " + 1"
            numbers = bracket(tex.frac(f"{c.n_in} + {pads} - {c.k}", str(c.s))) + " + 1"
        else:
            formula = bracket(tex.frac(f"{inn} + {pad} - {d}({k}-1) - 1", s)) + " + 1"
            numbers = bracket(tex.frac(f"{c.n_in} + {pads} - {c.d}({c.k}-1) - 1", str(c.s))) + " + 1"
        line = f"{out} = {formula} = {numbers} = {c.n_out + (1 if c.ceil_dropped else 0)}"
        if c.ceil_dropped:
            line += rf" \to {c.n_out}"
        lines.append(line)
    return lines


def step_lines(number: int, windows: tuple[Window, ...], prev_rf: tuple[int, ...], prev_jump: tuple[int, ...],
               rf: tuple[int, ...], jumps: tuple[int, ...], names: tuple[str, ...], n: Notation = GENERIC) -> list[str]:
    """One layer's step of the recurrence, numbers put in (one line when every dimension is the same):
    ``R_l = R_{l−1} + (k_l − 1) J_{l−1}``, ``J_l = J_{l−1} s_l`` — Li Hang: ``R(l) = R(l−1) + (F(l) − 1) I(l)``,
    ``I(l+1) = I(l) S(l)``.

    >>> step_lines(2, (Window(3, 2),), (3,), (1,), (5,), (2,), ("L",), LI_HANG)
    ['R(2) = R(1) + (F(2) - 1)\\\\, I(2) = 3 + (3 - 1) \\\\cdot 1 = 5, \\\\quad I(3) = I(2)\\\\, S(2) = 1 \\\\cdot 2 = 2']
    """
    dims = range(len(windows))
    same = len(set((windows[i], prev_rf[i], prev_jump[i]) for i in dims)) == 1
    r_now, r_prev = n.at("R", number), n.at("R", number - 1)
    j_now, j_prev = n.jump_after(number), n.jump_after(number - 1)
    k_l, s_l, d_l = n.at(n.kernel, number), n.at(n.stride, number), n.at(n.dilation, number)
    gap = r"\, " if n.functional else " "          # F(2) I(2) would read as one call: a thin space between
    lines = []
    for i in ([0] if same else dims):
        w = windows[i]
        suffix = "" if same or len(windows) == 1 else rf"\ (\text{{{names[i]}}})"
        if w.k == 1 and w.s == 1:
            lines.append(rf"{r_now} = {r_prev} = {rf[i]}, \quad {j_now} = {j_prev} = {jumps[i]}" + suffix)
            continue
        dil = rf" \cdot {w.d}" if w.d != 1 else ""
        d_sym = f" {d_l}" if w.d != 1 else ""
        lines.append(rf"{r_now} = {r_prev} + ({k_l} - 1){d_sym}{gap}{j_prev}"
                     rf" = {prev_rf[i]} + ({w.k} - 1){dil} \cdot {prev_jump[i]} = {rf[i]}, \quad "
                     rf"{j_now} = {j_prev}{gap}{s_l} = {prev_jump[i]} \cdot {w.s} = {jumps[i]}" + suffix)
    return lines


def closed_form_line(names: tuple[str, ...], stack: list[Window], n: Notation = GENERIC, at: int | None = None,
                     per_dim: bool = False) -> str:
    """Relation (24.19) with dilation, numbers put in: ``R_H = R_W = 1 + Σ_j (k_j − 1) d_j Π_{i<j} s_i = …``;
    Li Hang: ``R(l) = 1 + Σ_{j=1}^{l} (F(j) − 1) Π_{i=0}^{j−1} S(i) = …`` (``per_dim``: one line of several whose
    dimensions differ, then ``R_H(l)``)."""
    terms, strides = [], []
    for w in stack:
        factors = [f"({w.k}-1)"] + ([str(w.d)] if w.d != 1 else []) + [str(s) for s in strides if s != 1]
        terms.append(r" \cdot ".join(factors))
        strides.append(w.s)
    body = " + ".join(terms) if terms else "0"
    total = closed_form(stack)
    if not n.functional:
        lhs = " = ".join(f"R_{{{name}}}" for name in names)
        return rf"{lhs} = 1 + \sum_j (k_j - 1)\, d_j \prod_{{i<j}} s_i = 1 + {body} = {total}"
    l = "l" if at is None else str(at)
    lhs = " = ".join(n.at(f"R_{{{name}}}" if per_dim else "R", l) for name in (names if per_dim else names[:1]))
    dil = f"\\, {n.at(n.dilation, 'j')}" if any(w.d != 1 for w in stack) else ""
    return (rf"{lhs} = 1 + \sum_{{j=1}}^{{{l}}} ({n.at(n.kernel, 'j')} - 1){dil} \prod_{{i=0}}^{{j-1}} "
            rf"{n.at(n.stride, 'i')} = 1 + {body} = {total}")


def jump_line(names: tuple[str, ...], strides: list[int], value: int, n: Notation = GENERIC, at: int | None = None,
              per_dim: bool = False) -> str:
    """The jump as the product of the strides: ``J_H = J_W = Π s_i = 1 · 2 · 2 = 4``; Li Hang, after layer l:
    ``I(l+1) = Π_{i=0}^{l} S(i) = …``."""
    from .. import latex as tex
    product = f" = {tex.product(strides, CDOT)}" if len(strides) > 1 else ""
    if not n.functional:
        lhs = " = ".join(f"J_{{{name}}}" for name in names)
        return rf"{lhs} = \prod s_i{product} = {value}"
    l = "l" if at is None else str(at)
    after = n.jump_after(at) if at is not None else n.jump_after("l")
    if per_dim:
        after = after.replace(n.jump, f"{n.jump}_{{{names[0]}}}", 1)
    return rf"{after} = \prod_{{i=0}}^{{{l}}} {n.at(n.stride, 'i')}{product} = {value}"
