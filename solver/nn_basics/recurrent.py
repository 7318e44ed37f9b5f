"""``kind: recurrent``: parameters of RNN/LSTM/GRU layers, one step of an LSTM or GRU cell, gradients through time.

The primitive of the counts is one layer in one direction with G gate blocks (RNN 1, LSTM 4, GRU 3)::

    G · (h·(x + h) + B·h)      B = 1 bias per gate (textbook: W[h_{t−1}, x_t] + b),  B = 2 (PyTorch: b_ih and b_hh)

A stack feeds layer l > 1 with D·h inputs (D = 2 when bidirectional), each direction has its own weights, and a
head Linear(D·h → q) adds D·h·q + q. PyTorch's count exceeds the textbook's by G·h per layer and direction.

Exercise formats::

    kind: recurrent
    given: {cell: LSTM, input_size: 28, hidden_size: 128, num_layers: 1, bidirectional: false, head: 10}
    ask: [{id: book, quantity: params, convention: textbook}, {id: torch, quantity: params, convention: pytorch},
          {id: diff, quantity: params_difference}]

    given: {cell: LSTM, x: [..], h_prev: [..], c_prev: [..], gates: {f: {W: [[..]], b: [..]}, i: .., c: .., o: ..}}
    ask: [{id: f, quantity: gate, name: f}, ...]          # W acts on [h_{t−1}, x_t], hidden state first
                                                          # GRU: gates r, z, h; names r, z, h_tilde, h with
                                                          # form: d2l (default) | pytorch | difference

    given: {activation: sigmoid, w: 1.0, u: 1.0, b: 0, h0: 0, x: [..]}     # h_t = φ(w·h_{t−1} + u·x_t + b)
    ask: [{id: g, quantity: bptt_gradient}, {id: fs, quantity: bptt_factors}, {id: bd, quantity: bptt_bound}]

    given: {cell: LSTM, forget: {w: 1.0, b: 3.0}, x: [..]}     # the cell path: ∂C_T/∂C_0 = Π f_t, f_t = σ(w x_t + b)
    ask: [{id: g, quantity: bptt_gradient}, {id: fs, quantity: bptt_factors}]

Examples:
    >>> layer_params(4, 28, 128, 1), layer_params(4, 28, 128, 2)
    (80384, 80896)
    >>> stack_params("RNN", 28, 128, 2, False, 2, head=10)
    54538
"""
from __future__ import annotations

import math
from typing import Any

from .. import latex as tex
from ..i18n import Msg, Plain
from ..model import Exercise
from ..steps import Solution, Step, Table
from .common import finite_answers, add, check_given, check_parts, col, f, fp, mat, matrix, matvec, number, sigmoid, vec, vector

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
CELL_GATES = {"LSTM": ("f", "i", "c", "o"), "GRU": ("r", "z", "h")}
LSTM_NAMES = ("f", "i", "c_tilde", "c", "o", "h")
GRU_NAMES = ("r", "z", "h_tilde", "h")


def layer_params(gates: int, x: int, h: int, biases: int) -> int:
    """G·(h·(x + h) + B·h): one layer, one direction."""
    return gates * (h * (x + h) + biases * h)


def stack_params(cell: str, x: int, h: int, layers: int = 1, bidirectional: bool = False, biases: int = 2,
                 head: int | None = None) -> int:
    """All layers and directions, plus a Linear(D·h → head) when ``head`` is given."""
    d = 2 if bidirectional else 1
    total = sum(d * layer_params(GATES[cell], x if l == 0 else d * h, h, biases) for l in range(layers))
    return total + (d * h * head + head if head else 0)


def lstm_step(x: list[float], h: list[float], c: list[float], gates: dict[str, tuple]) -> dict[str, list[float]]:
    """f, i, o = σ(W[h, x] + b); C̃ = tanh(W_c[h, x] + b_c); C = f⊙C_prev + i⊙C̃; h = o⊙tanh(C).

    >>> one = {g: ([[0.0, 0.0]], [0.0]) for g in "fico"}
    >>> lstm_step([1.0], [0.0], [2.0], one)["c"]
    [1.0]
    """
    hx = h + x
    pre = {g: add(matvec(W, hx), b) for g, (W, b) in gates.items()}
    out = {"f": [sigmoid(v) for v in pre["f"]], "i": [sigmoid(v) for v in pre["i"]],
           "c_tilde": [math.tanh(v) for v in pre["c"]], "o": [sigmoid(v) for v in pre["o"]]}
    out["c"] = [fv * cv + iv * gv for fv, cv, iv, gv in zip(out["f"], c, out["i"], out["c_tilde"])]
    out["h"] = [ov * math.tanh(cv) for ov, cv in zip(out["o"], out["c"])]
    out["pre"] = pre
    return out


def gru_step(x: list[float], h: list[float], gates: dict[str, tuple]) -> dict[str, Any]:
    """R, Z = σ(W[h, x] + b). D2L: H̃ = tanh(W_hx x + W_hh (R⊙h) + b_h); PyTorch: n = tanh(W_hx x + b_h + R⊙(W_hh h)).
    H = Z⊙h + (1 − Z)⊙H̃ in both.

    >>> g = {"r": ([[0.0, 0.0]], [0.0]), "z": ([[0.0, 0.0]], [0.0]), "h": ([[1.0, 0.0]], [0.0])}
    >>> s = gru_step([0.0], [1.0], g); round(s["h_tilde"]["d2l"][0], 6), round(s["h_tilde"]["pytorch"][0], 6)
    (0.462117, 0.462117)
    """
    n = len(h)
    hx = h + x
    r = [sigmoid(v) for v in add(matvec(gates["r"][0], hx), gates["r"][1])]
    z = [sigmoid(v) for v in add(matvec(gates["z"][0], hx), gates["z"][1])]
    W, b = gates["h"]
    Whh = [row[:n] for row in W]
    Wx = [row[n:] for row in W]
    xpart = add(matvec(Wx, x), b)
    rh = [rv * hv for rv, hv in zip(r, h)]
    pre_d2l = add(xpart, matvec(Whh, rh))
    Wh_h = matvec(Whh, h)
    pre_torch = add(xpart, [rv * v for rv, v in zip(r, Wh_h)])
    cand = {"d2l": [math.tanh(v) for v in pre_d2l], "pytorch": [math.tanh(v) for v in pre_torch]}
    new = {k: [zv * hv + (1 - zv) * cv for zv, hv, cv in zip(z, h, c)] for k, c in cand.items()}
    return {"r": r, "z": z, "rh": rh, "Wh_h": Wh_h, "xpart": xpart, "pre_d2l": pre_d2l, "pre_torch": pre_torch,
            "h_tilde": cand, "h": new}


def act(name: str, a: float) -> tuple[float, float]:
    """φ(a) and φ′(a): sigmoid′ = σ(1 − σ) ≤ 1/4, tanh′ = 1 − tanh² ≤ 1."""
    if name == "sigmoid":
        s = sigmoid(a)
        return s, s * (1 - s)
    t = math.tanh(a)
    return t, 1 - t * t


def bptt(activation: str, w: float, u: float, b: float, h0: float, xs: list[float]) -> dict[str, Any]:
    """h_t = φ(w h_{t−1} + u x_t + b); ∂h_T/∂h_0 = Π_t w·φ′(a_t); bound (|w|·max φ′)^T.

    >>> d = bptt("sigmoid", 1.0, 0.0, 0.0, 0.0, [0.0, 0.0])
    >>> d["factors"][0], d["bound"]
    (0.25, 0.0625)
    """
    hs, pre, factors = [h0], [], []
    for x in xs:
        a = w * hs[-1] + u * x + b
        h, d = act(activation, a)
        pre.append(a)
        hs.append(h)
        factors.append(w * d)
    grad = math.prod(factors)
    peak = 0.25 if activation == "sigmoid" else 1.0
    try:
        bound = (abs(w) * peak) ** len(xs)
    except OverflowError:
        bound = math.inf
    return {"h": hs, "pre": pre, "factors": factors, "grad": grad, "bound": bound, "peak": peak}


# ------------------------------------------------------------------ solve

QUANTITIES = {"params": ("convention",), "params_difference": (), "gate": ("name", "form"),
              "bptt_gradient": (), "bptt_factors": (), "bptt_bound": ()}
# family → the fields of ``given`` it reads (solver/schema.py lists them too)
GIVEN = {"counts": ("errata", "cell", "input_size", "hidden_size", "num_layers", "bidirectional", "head"),
         "step LSTM": ("errata", "cell", "x", "h_prev", "c_prev", "gates"),
         "step": ("errata", "cell", "x", "h_prev", "gates"),
         "cell path": ("errata", "cell", "forget", "x"),
         "bptt": ("errata", "activation", "w", "u", "b", "h0", "x")}


def solve(ex: Exercise) -> Solution:
    check_parts(ex, QUANTITIES)
    if "activation" in ex.given:
        return _solve_bptt(ex)
    cell = ex.given.get("cell")
    if cell not in GATES:
        raise ex.error("cell is RNN, LSTM or GRU", ("given", "cell"))
    if cell == "LSTM" and "forget" in ex.given:
        return _solve_cell_path(ex)
    if "x" in ex.given:
        return _solve_step(ex, cell)
    return _solve_counts(ex, cell)


def _solve_counts(ex: Exercise, cell: str) -> Solution:
    check_given(ex, GIVEN["counts"])
    g = ex.given
    x = number(ex, g.get("input_size"), ("given", "input_size"), positive=True, integer=True)
    h = number(ex, g.get("hidden_size"), ("given", "hidden_size"), positive=True, integer=True)
    L = number(ex, g.get("num_layers", 1), ("given", "num_layers"), positive=True, integer=True)
    bidir = g.get("bidirectional", False)
    if not isinstance(bidir, bool):
        raise ex.error("bidirectional is true or false", ("given", "bidirectional"))
    head = g.get("head")
    if head is not None:
        number(ex, head, ("given", "head"), positive=True, integer=True)
    if max(x, h, head or 1) > 1 << 16 or L > 64:
        raise ex.error("sizes up to 65,536 and up to 64 layers", ("given",))
    for part in ex.ask:
        if part.quantity == "params" and part.options.get("convention", "pytorch") not in ("textbook", "pytorch"):
            raise ex.error("convention is textbook or pytorch", ("ask", part.index, "convention"))
        if part.quantity not in ("params", "params_difference"):
            raise ex.error("a parameter-count exercise asks params or params_difference", ("ask", part.index))
    G, D = GATES[cell], 2 if bidir else 1
    steps = [Step(Msg("rnn.count.conv.title"), text=Msg(f"rnn.count.conv.{cell}", G=G), rule="recurrent.conventions")]
    rows = []
    totals = {1: 0, 2: 0}
    for l in range(L):
        xin = x if l == 0 else D * h
        per = {B: layer_params(G, xin, h, B) for B in (1, 2)}
        for B in (1, 2):
            totals[B] += D * per[B]
        dtxt = rf"{D} \times " if D == 2 else ""
        steps.append(Step(Msg("rnn.count.layer.title", l=l + 1, x=xin), text=Msg("rnn.count.layer.text2" if D == 2 else "rnn.count.layer.text1"),
                          math=[rf"B = 1:\ {dtxt}G\,(h(x+h) + h) = {dtxt}{G} \times ({h} \times ({xin} + {h}) + {h})"
                                rf" = {tex.num(D * per[1])}",
                                rf"B = 2:\ {dtxt}G\,(h(x+h) + 2h) = {dtxt}{G} \times ({h} \times ({xin} + {h}) + 2 \times {h})"
                                rf" = {tex.num(D * per[2])}"],
                          result=D * per[2], rule="recurrent.layer_params"))
        rows.append([f"{cell} {l + 1}", f"{D * per[1]:,}", f"{D * per[2]:,}"])
    head_params = 0
    if head:
        head_params = D * h * head + head
        steps.append(Step(Msg("rnn.count.head.title", q=head), text=Msg("rnn.count.head.text"),
                          math=[rf"{D * h} \times {head} + {head} = {tex.num(head_params)}"], result=head_params,
                          rule="recurrent.head"))
        rows.append([f"Linear({D * h}→{head})", f"{head_params:,}", f"{head_params:,}"])
    book, torch_count = totals[1] + head_params, totals[2] + head_params
    diff = torch_count - book
    rows.append([Msg("rnn.total"), f"{book:,}", f"{torch_count:,}"])
    steps.append(Step(Msg("rnn.count.total.title"), text=Msg("rnn.count.total.text", n=L * D, G=G, h=h),
                      math=[rf"{tex.num(torch_count)} - {tex.num(book)} = {L * D} \times {G} \times {h} = {tex.num(diff)}"],
                      table=Table([Msg("rnn.col.layer"), Msg("rnn.col.book"), Msg("rnn.col.torch")], rows),
                      result=diff, rule="recurrent.bias_difference"))
    answers = {}
    for part in ex.ask:
        if part.quantity == "params":
            answers[part.id] = book if part.options.get("convention", "pytorch") == "textbook" else torch_count
        else:
            answers[part.id] = diff
    plan = [Msg("rnn.plan.count"), Msg("rnn.plan.two_biases"), Msg("rnn.plan.verify_count")]
    ctx = {"family": "counts", "cell": cell, "x": x, "h": h, "layers": L, "bidirectional": bidir, "head": head,
           "book": book, "pytorch": torch_count}
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)


def _gates(ex: Exercise, cell: str, n: int, m: int) -> dict[str, tuple]:
    raw = ex.given.get("gates")
    names = CELL_GATES[cell]
    if not isinstance(raw, dict) or set(raw) != set(names):
        raise ex.error(f"gates maps {', '.join(names)} to {{W, b}}", ("given", "gates"))
    out = {}
    for g in names:
        spec = raw[g]
        if not isinstance(spec, dict) or set(spec) != {"W", "b"}:
            raise ex.error("each gate is {W: matrix over [h_prev, x], b: vector}", ("given", "gates", g))
        out[g] = (matrix(ex, spec["W"], ("given", "gates", g, "W"), n, n + m),
                  vector(ex, spec["b"], ("given", "gates", g, "b"), n))
    return out


def _solve_step(ex: Exercise, cell: str) -> Solution:
    if cell == "RNN":
        raise ex.error("one step is computed for an LSTM or a GRU cell", ("given", "cell"))
    check_given(ex, GIVEN["step LSTM"] if cell == "LSTM" else GIVEN["step"])
    x = vector(ex, ex.given.get("x"), ("given", "x"))
    h = vector(ex, ex.given.get("h_prev"), ("given", "h_prev"))
    n, m = len(h), len(x)
    gates = _gates(ex, cell, n, m)
    names = LSTM_NAMES if cell == "LSTM" else GRU_NAMES
    for part in ex.ask:
        if part.quantity != "gate" or part.options.get("name") not in names:
            raise ex.error(f"a cell-step exercise asks quantity: gate with name: {', '.join(names)}", ("ask", part.index))
        form = part.options.get("form", "d2l")
        if form not in ("d2l", "pytorch", "difference") or (form != "d2l" and (cell != "GRU" or part.options["name"]
                                                                                not in ("h_tilde", "h"))):
            raise ex.error("form (d2l, pytorch, difference) applies to the GRU's h_tilde and h", ("ask", part.index, "form"))
    hx = r"[h_{t-1}, x_t] = " + vec(h + x)
    steps = [Step(Msg("rnn.step.input.title"), text=Msg(f"rnn.step.input.{cell}"), math=[hx], rule="recurrent.concat")]
    answers: dict[str, Any] = {}
    if cell == "LSTM":
        c = vector(ex, ex.given.get("c_prev"), ("given", "c_prev"), n)
        s = lstm_step(x, h, c, gates)
        for g, name, fn in (("f", "f", r"\sigma"), ("i", "i", r"\sigma"), ("c", "c_tilde", r"\tanh"), ("o", "o", r"\sigma")):
            W, b = gates[g]
            sym = {"c": r"C̃_t", "f": "f_t", "i": "i_t", "o": "o_t"}[g]
            lines = [rf"{sym} = {fn}(W_{g}[h_{{t-1}}, x_t] + b_{g}) = {fn}({mat(W)} {col(h + x)} + {col(b)})",
                     rf"= {fn}({vec(s['pre'][g])}) = {vec(s[name])}"]
            steps.append(Step(Msg(f"rnn.lstm.{name}.title"), text=Msg(f"rnn.lstm.{name}.text"), math=lines,
                              result=s[name], rule=f"recurrent.lstm_{name}"))
        steps.append(Step(Msg("rnn.lstm.c.title"), text=Msg("rnn.lstm.c.text"),
                          math=[r"C_t = f_t \cdot C_{t-1} + i_t \cdot C̃_t"] +
                               [rf"C_{{t,{k + 1}}} = {f(s['f'][k])} \times {fp(c[k])} + {f(s['i'][k])} \times "
                                rf"{fp(s['c_tilde'][k])} = {f(s['c'][k])}" for k in range(n)],
                          result=s["c"], rule="recurrent.lstm_cell"))
        steps.append(Step(Msg("rnn.lstm.h.title"), text=Msg("rnn.lstm.h.text"),
                          math=[r"h_t = o_t \cdot \tanh(C_t)"] +
                               [rf"h_{{t,{k + 1}}} = {f(s['o'][k])} \times \tanh({f(s['c'][k])}) = {f(s['h'][k])}"
                                for k in range(n)],
                          result=s["h"], rule="recurrent.lstm_hidden"))
        for part in ex.ask:
            answers[part.id] = s[part.options["name"]]
        ctx = {"family": "lstm", "x": x, "h": h, "c": c, "gates": gates, "values": s}
        plan = [Msg("rnn.plan.lstm"), Msg("rnn.plan.verify_lstm")]
    else:
        s = gru_step(x, h, gates)
        for g in ("r", "z"):
            W, b = gates[g]
            sym = g.upper() + "_t"
            steps.append(Step(Msg(f"rnn.gru.{g}.title"), text=Msg(f"rnn.gru.{g}.text"),
                              math=[rf"{sym} = \sigma(W_{g}[h_{{t-1}}, x_t] + b_{g}) = \sigma({mat(W)} {col(h + x)} + "
                                    rf"{col(b)}) = {vec(s[g])}"], result=s[g], rule=f"recurrent.gru_{g}"))
        W, b = gates["h"]
        Whh = [row[:n] for row in W]
        steps.append(Step(Msg("rnn.gru.d2l.title"), text=Msg("rnn.gru.d2l.text"),
                          math=[r"H̃_t = \tanh(W_{hx} x_t + W_{hh}(R_t \cdot h_{t-1}) + b_h)",
                                rf"R_t \cdot h_{{t-1}} = {vec(s['rh'])},\quad W_{{hh}}(R_t \cdot h_{{t-1}}) = "
                                rf"{mat(Whh)} {col(s['rh'])} = {vec(matvec(Whh, s['rh']))}",
                                rf"\tilde{{H}}_t = \tanh({vec(s['pre_d2l'])}) = {vec(s['h_tilde']['d2l'])}"],
                          result=s["h_tilde"]["d2l"], rule="recurrent.gru_candidate_d2l"))
        steps.append(Step(Msg("rnn.gru.torch.title"), text=Msg("rnn.gru.torch.text"),
                          math=[r"n_t = \tanh(W_{hx} x_t + b_h + R_t \cdot (W_{hh} h_{t-1} + b_{hn})),\quad b_{hn} = 0",
                                rf"W_{{hh}} h_{{t-1}} = {vec(s['Wh_h'])},\quad R_t \cdot (W_{{hh}} h_{{t-1}}) = "
                                rf"{vec([a * b2 for a, b2 in zip(s['r'], s['Wh_h'])])}",
                                rf"n_t = \tanh({vec(s['pre_torch'])}) = {vec(s['h_tilde']['pytorch'])}"],
                          result=s["h_tilde"]["pytorch"], rule="recurrent.gru_candidate_pytorch"))
        steps.append(Step(Msg("rnn.gru.h.title"), text=Msg("rnn.gru.h.text"),
                          math=[r"h_t = Z_t \cdot h_{t-1} + (1 - Z_t) \cdot H̃_t",
                                rf"\text{{D2L}}:\ h_t = {vec(s['h']['d2l'])},\qquad \text{{PyTorch}}:\ h_t = {vec(s['h']['pytorch'])}"],
                          result=s["h"]["d2l"], rule="recurrent.gru_hidden"))
        diff = [a - b2 for a, b2 in zip(s["h"]["pytorch"], s["h"]["d2l"])]
        same = all(abs(v) < 1e-12 for v in diff)
        steps.append(Step(Msg("rnn.gru.diff.title"), text=Msg("rnn.gru.diff.same" if same else "rnn.gru.diff.text"),
                          math=[rf"h_t^{{\text{{PyTorch}}}} - h_t^{{\text{{D2L}}}} = {vec(diff)}"], result=diff,
                          rule="recurrent.gru_difference"))
        for part in ex.ask:
            name, form = part.options["name"], part.options.get("form", "d2l")
            if name in ("r", "z"):
                answers[part.id] = s[name]
            elif form == "difference":
                answers[part.id] = [a - b2 for a, b2 in zip(s[name]["pytorch"], s[name]["d2l"])]
            else:
                answers[part.id] = s[name][form]
        ctx = {"family": "gru", "x": x, "h": h, "gates": gates, "values": s}
        plan = [Msg("rnn.plan.gru"), Msg("rnn.plan.gru_forms"), Msg("rnn.plan.verify_gru")]
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)


def cell_path(w: float, b: float, xs: list[float]) -> dict[str, Any]:
    """The LSTM's cell path when the gates read only x_t: C_t = f_t C_{t−1} + i_t C̃_t, so ∂C_T/∂C_0 = Π f_t exactly,
    f_t = σ(w x_t + b) — no activation derivative and no recurrent weight in the product.

    >>> round(cell_path(0.0, 3.0, [0.0] * 10)["grad"], 6)    # σ(3)^10
    0.61516
    """
    factors = [sigmoid(w * x + b) for x in xs]
    return {"factors": factors, "grad": math.prod(factors)}


def _solve_cell_path(ex: Exercise) -> Solution:
    check_given(ex, GIVEN["cell path"])
    fg = ex.given["forget"]
    if not isinstance(fg, dict) or set(fg) != {"w", "b"}:
        raise ex.error("forget is {w, b}: the forget gate f_t = σ(w x_t + b)", ("given", "forget"))
    w = number(ex, fg["w"], ("given", "forget", "w"))
    b = number(ex, fg["b"], ("given", "forget", "b"))
    xs = vector(ex, ex.given.get("x"), ("given", "x"))
    for part in ex.ask:
        if part.quantity not in ("bptt_gradient", "bptt_factors"):
            raise ex.error("the cell path asks bptt_gradient or bptt_factors", ("ask", part.index))
    d = cell_path(w, b, xs)
    steps = [Step(Msg("rnn.path.cell.title"), text=Msg("rnn.path.cell.text"),
                  math=[r"C_t = f_t \cdot C_{t-1} + i_t \cdot C̃_t\ \Rightarrow\ \frac{\partial C_t}{\partial C_{t-1}} = f_t",
                        rf"f_t = \sigma({fp(w)} x_t + {fp(b)}) = {vec(d['factors'])}"],
                  result=d["factors"], rule="recurrent.lstm_cell_path"),
             Step(Msg("rnn.path.product.title"), text=Msg("rnn.path.product.text"),
                  math=[r"\frac{\partial C_T}{\partial C_0} = \prod_{t=1}^{T} f_t = "
                        + r" \times ".join(f(v) for v in d["factors"]) + f" = {f(d['grad'])}"],
                  result=d["grad"], rule="recurrent.lstm_cell_product")]
    answers = {p.id: d["grad"] if p.quantity == "bptt_gradient" else d["factors"] for p in ex.ask}
    plan = [Msg("rnn.plan.path"), Msg("rnn.plan.verify_path")]
    ctx = {"family": "cell_path", "w": w, "b": b, "x": xs, "values": d}
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)


def _solve_bptt(ex: Exercise) -> Solution:
    check_given(ex, GIVEN["bptt"])
    g = ex.given
    name = g["activation"]
    if name not in ("sigmoid", "tanh"):
        raise ex.error("activation is sigmoid or tanh", ("given", "activation"))
    w = number(ex, g.get("w"), ("given", "w"))
    u = number(ex, g.get("u", 1), ("given", "u"))
    b = number(ex, g.get("b", 0), ("given", "b"))
    h0 = number(ex, g.get("h0", 0), ("given", "h0"))
    xs = vector(ex, g.get("x"), ("given", "x"))
    for part in ex.ask:
        if part.quantity not in ("bptt_gradient", "bptt_factors", "bptt_bound"):
            raise ex.error("this exercise asks bptt_gradient, bptt_factors or bptt_bound", ("ask", part.index))
    d = bptt(name, w, u, b, h0, xs)
    T = len(xs)
    phi = r"\sigma" if name == "sigmoid" else r"\tanh"
    dphi = r"\sigma(a_t)(1 - \sigma(a_t))" if name == "sigmoid" else r"1 - \tanh^2(a_t)"
    rows = [[str(t + 1), f"{d['pre'][t]:.6g}", f"{d['h'][t + 1]:.6g}", f"{d['factors'][t] / w if w else 0:.6g}",
             f"{d['factors'][t]:.6g}"] for t in range(T)]
    steps = [Step(Msg("rnn.bptt.forward.title"), text=Msg("rnn.bptt.forward.text"),
                  math=[rf"h_t = {phi}(a_t),\quad a_t = w h_{{t-1}} + u x_t + b = {fp(w)} h_{{t-1}} + {fp(u)} x_t + {fp(b)},"
                        rf"\quad h_0 = {f(h0)}"],
                  table=Table([Plain("t"), Plain("a_t"), Plain("h_t"), Plain("φ′(a_t)"), Plain("w·φ′(a_t)")], rows),
                  rule="recurrent.bptt_forward"),
             Step(Msg("rnn.bptt.chain.title"), text=Msg("rnn.bptt.chain.text"),
                  math=[r"\frac{\partial h_T}{\partial h_0} = \prod_{t=1}^{T} \frac{\partial h_t}{\partial h_{t-1}} = "
                        rf"\prod_{{t=1}}^{{T}} w\,{phi}'(a_t),\quad {phi}'(a_t) = {dphi}",
                        r"\frac{\partial h_T}{\partial h_0} = " + r" \times ".join(fp(v) for v in d["factors"])
                        + f" = {f(d['grad'])}"],
                  result=d["grad"], rule="recurrent.bptt_product"),
             Step(Msg("rnn.bptt.bound.title"), text=Msg(f"rnn.bptt.bound.{name}"),
                  math=[rf"\left|\frac{{\partial h_T}}{{\partial h_0}}\right| \le (|w| \cdot {f(d['peak'])})^{{T}} = "
                        rf"({f(abs(w))} \times {f(d['peak'])})^{{{T}}} = {f(d['bound'])}"],
                  result=d["bound"], rule="recurrent.bptt_bound")]
    answers = {}
    for part in ex.ask:
        answers[part.id] = {"bptt_gradient": d["grad"], "bptt_factors": d["factors"], "bptt_bound": d["bound"]}[part.quantity]
    plan = [Msg("rnn.plan.bptt"), Msg("rnn.plan.bptt_bound"), Msg("rnn.plan.verify_bptt")]
    ctx = {"family": "bptt", "activation": name, "w": w, "u": u, "b": b, "h0": h0, "x": xs, "values": d}
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)
