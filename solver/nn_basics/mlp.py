"""``kind: mlp``: forward and backward pass of a one-hidden-layer MLP with softmax, cross-entropy and weight decay;
dropout's expectation.

The network and objective are those of the notes' computational graph (D2L 4.7), with optional biases::

    z = W¹x + b¹,  h = φ(z),  o = W²h + b²,  p = softmax(o),  L = −log p_y,
    s = λ/2·(‖W¹‖²_F + ‖W²‖²_F),  J = L + s

Back-propagation, from the output to the input::

    ∂J/∂o = p − e_y,   ∂J/∂W² = (∂J/∂o) hᵀ + λW²,   ∂J/∂b² = ∂J/∂o,   ∂J/∂h = W²ᵀ ∂J/∂o,
    ∂J/∂z = ∂J/∂h ⊙ φ′(z),   ∂J/∂W¹ = (∂J/∂z) xᵀ + λW¹,   ∂J/∂b¹ = ∂J/∂z     (biases are not decayed)

Dropout with probability p keeps a unit with probability 1 − p: E[h̃] = (1 − p)h without scaling, and h with the
1/(1 − p) scaling of inverted dropout (``nn.Dropout``), which is why nothing changes at test time.

Exercise format::

    kind: mlp
    given: {x: [1, 2], y: 0, W1: [[..]], b1: [..], W2: [[..]], b2: [..], activation: relu, lambda: 0.1}
    ask: [{id: o, quantity: forward, name: o}, {id: J, quantity: loss, name: J}, {id: gW1, quantity: grad, name: W1}]

    given: {h: [2, 4, 6], p: 0.5}
    ask: [{id: m, quantity: dropout_mean, scaled: true}]

Examples:
    >>> [round(v, 6) for v in softmax([0.0, math.log(3.0)])]
    [0.25, 0.75]
    >>> r = forward_backward([1.0], 0, [[1.0]], [0.0], [[1.0], [0.0]], [0.0, 0.0], "relu", 0.0)
    >>> [round(v, 6) for v in r["grad"]["o"]]
    [-0.268941, 0.268941]
"""
from __future__ import annotations

import math
from typing import Any

from ..i18n import Msg, Plain
from ..model import Exercise
from ..steps import Solution, Step
from .common import finite_answers, add, check_given, check_parts, col, f, fp, mat, matrix, matvec, number, sigmoid, vec, vector

ACTIVATIONS = ("relu", "sigmoid", "tanh")


def softmax(o: list[float]) -> list[float]:
    """exp(o_i − max o)/Σ exp(o_j − max o): the shift changes nothing and avoids overflow."""
    top = max(o)
    e = [math.exp(v - top) for v in o]
    s = sum(e)
    return [v / s for v in e]


def phi(name: str, z: float) -> tuple[float, float]:
    """φ(z) and φ′(z) (ReLU′(0) = 0, as autograd takes it)."""
    if name == "relu":
        return (z, 1.0) if z > 0 else (0.0, 0.0)
    if name == "sigmoid":
        s = sigmoid(z)
        return s, s * (1 - s)
    t = math.tanh(z)
    return t, 1 - t * t


def outer(a: list[float], b: list[float]) -> list[list[float]]:
    return [[x * y for y in b] for x in a]


def forward_backward(x: list[float], y: int, W1: list[list[float]], b1: list[float], W2: list[list[float]],
                     b2: list[float], activation: str, lam: float) -> dict[str, Any]:
    """Every forward value and every gradient of J (the primitive of this family)."""
    z = add(matvec(W1, x), b1)
    h, dphi = zip(*(phi(activation, v) for v in z))
    h, dphi = list(h), list(dphi)
    o = add(matvec(W2, h), b2)
    p = softmax(o)
    top = max(o)
    L = top + math.log(sum(math.exp(v - top) for v in o)) - o[y]      # −log p_y by log-sum-exp: p_y may underflow
    sq = sum(v * v for row in W1 for v in row) + sum(v * v for row in W2 for v in row)
    s = lam / 2 * sq
    g_o = [pv - (1.0 if i == y else 0.0) for i, pv in enumerate(p)]
    g_W2 = [[a + lam * w for a, w in zip(ra, rw)] for ra, rw in zip(outer(g_o, h), W2)]
    g_h = [sum(W2[i][j] * g_o[i] for i in range(len(o))) for j in range(len(h))]
    g_z = [a * d + 0.0 for a, d in zip(g_h, dphi)]          # + 0.0: no −0
    g_W1 = [[a + lam * w for a, w in zip(ra, rw)] for ra, rw in zip(outer(g_z, x), W1)]
    return {"forward": {"z": z, "h": h, "o": o, "p": p}, "dphi": dphi, "sq": sq,
            "loss": {"L": L, "s": s, "J": L + s},
            "grad": {"o": g_o, "W2": g_W2, "b2": list(g_o), "h": g_h, "z": g_z, "W1": g_W1, "b1": list(g_z)}}


QUANTITIES = {"forward": ("name",), "loss": ("name",), "grad": ("name",), "dropout_mean": ("scaled",)}
# family → the fields of ``given`` it reads (solver/schema.py lists them too)
GIVEN = {"mlp": ("errata", "x", "y", "W1", "b1", "W2", "b2", "activation", "lambda"), "dropout": ("errata", "h", "p")}
NAMES = {"forward": ("z", "h", "o", "p"), "loss": ("L", "s", "J"), "grad": ("o", "W2", "b2", "h", "z", "W1", "b1")}


def solve(ex: Exercise) -> Solution:
    check_parts(ex, QUANTITIES)
    if "p" in ex.given:
        return _solve_dropout(ex)
    check_given(ex, GIVEN["mlp"])
    g = ex.given
    x = vector(ex, g.get("x"), ("given", "x"))
    W1 = matrix(ex, g.get("W1"), ("given", "W1"), cols=len(x))
    nh = len(W1)
    b1 = vector(ex, g["b1"], ("given", "b1"), nh) if "b1" in g else [0.0] * nh
    W2 = matrix(ex, g.get("W2"), ("given", "W2"), cols=nh)
    nq = len(W2)
    b2 = vector(ex, g["b2"], ("given", "b2"), nq) if "b2" in g else [0.0] * nq
    y = number(ex, g.get("y"), ("given", "y"), integer=True)
    if not 0 <= y < nq:
        raise ex.error(f"y is the class index 0 … {nq - 1}", ("given", "y"))
    act = g.get("activation", "relu")
    if act not in ACTIVATIONS:
        raise ex.error("activation is relu, sigmoid or tanh", ("given", "activation"))
    lam = float(number(ex, g.get("lambda", 0.0), ("given", "lambda")))
    for part in ex.ask:
        if part.quantity == "dropout_mean" or part.options.get("name") not in NAMES[part.quantity]:
            raise ex.error(f"name is one of {', '.join(NAMES.get(part.quantity, ()))}", ("ask", part.index, "name"))
    r = fwd = None
    r = forward_backward(x, y, W1, b1, W2, b2, act, lam)
    fwd, grad, loss = r["forward"], r["grad"], r["loss"]
    dname = {"relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "tanh": r"\tanh"}[act]
    dform = {"relu": r"\mathbb{1}[z > 0]", "sigmoid": r"\sigma(z)(1 - \sigma(z))", "tanh": r"1 - \tanh^2 z"}[act]
    dform = dform.replace(r"\mathbb{1}[z > 0]", r"[z > 0]")
    steps = [
        Step(Msg("mlp.fwd.z.title"), text=Msg("mlp.fwd.z.text"),
             math=[rf"z = W^{{(1)}} x + b^{{(1)}} = {mat(W1)} {col(x)} + {col(b1)} = {vec(fwd['z'])}"],
             result=fwd["z"], rule="mlp.linear"),
        Step(Msg("mlp.fwd.h.title"), text=Msg(f"mlp.fwd.h.{act}"),
             math=[rf"h = {dname}(z) = {vec(fwd['h'])}"], result=fwd["h"], rule="mlp.activation"),
        Step(Msg("mlp.fwd.o.title"), math=[rf"o = W^{{(2)}} h + b^{{(2)}} = {mat(W2)} {col(fwd['h'])} + {col(b2)} = "
                                            rf"{vec(fwd['o'])}"], result=fwd["o"], rule="mlp.linear"),
        Step(Msg("mlp.fwd.p.title"), text=Msg("mlp.fwd.p.text"),
             math=[r"p_i = \frac{e^{o_i}}{\sum_j e^{o_j}} = \frac{" + rf"e^{{{fp(fwd['o'][0])}}}" + "}{"
                   + " + ".join(rf"e^{{{fp(v)}}}" for v in fwd["o"]) + rf"}} \ (i = 1),\quad p = {vec(fwd['p'])}"],
             result=fwd["p"], rule="mlp.softmax"),
        Step(Msg("mlp.loss.title"), text=Msg("mlp.loss.text", y=y),
             math=[rf"L = -\log p_{{{y + 1}}} = -\log {f(fwd['p'][y])} = {f(loss['L'])}",
                   rf"s = \frac{{\lambda}}{{2}}\left(\|W^{{(1)}}\|_F^2 + \|W^{{(2)}}\|_F^2\right) = \frac{{{f(lam)}}}{{2}} "
                   rf"\times {f(r['sq'])} = {f(loss['s'])}",
                   rf"J = L + s = {f(loss['L'])} + {f(loss['s'])} = {f(loss['J'])}"],
             result=loss["J"], rule="mlp.loss"),
        Step(Msg("mlp.bwd.o.title"), text=Msg("mlp.bwd.o.text"),
             math=[rf"\frac{{\partial J}}{{\partial o}} = p - e_{{{y + 1}}} = {vec(fwd['p'])} - {vec([1.0 if i == y else 0.0 for i in range(nq)])}"
                   rf" = {vec(grad['o'])}"], result=grad["o"], rule="mlp.softmax_ce_grad"),
        Step(Msg("mlp.bwd.W2.title"), text=Msg("mlp.bwd.W2.text"),
             math=[rf"\frac{{\partial J}}{{\partial W^{{(2)}}}} = \frac{{\partial J}}{{\partial o}} h^{{T}} + \lambda W^{{(2)}} = "
                   rf"{col(grad['o'])} {mat([fwd['h']])} + {f(lam)} \times {mat(W2)} = {mat(grad['W2'])}",
                   rf"\frac{{\partial J}}{{\partial b^{{(2)}}}} = \frac{{\partial J}}{{\partial o}} = {vec(grad['b2'])}"],
             result=grad["W2"], rule="mlp.weight_grad"),
        Step(Msg("mlp.bwd.h.title"), text=Msg("mlp.bwd.h.text"),
             math=[rf"\frac{{\partial J}}{{\partial h}} = (W^{{(2)}})^{{T}} \frac{{\partial J}}{{\partial o}} = {vec(grad['h'])}",
                   rf"\frac{{\partial J}}{{\partial z}} = \frac{{\partial J}}{{\partial h}} \cdot \phi'(z),\quad \phi'(z) = "
                   rf"{dform} = {vec(r['dphi'])},\quad \frac{{\partial J}}{{\partial z}} = {vec(grad['z'])}"],
             result=grad["z"], rule="mlp.hidden_grad"),
        Step(Msg("mlp.bwd.W1.title"), text=Msg("mlp.bwd.W1.text"),
             math=[rf"\frac{{\partial J}}{{\partial W^{{(1)}}}} = \frac{{\partial J}}{{\partial z}} x^{{T}} + \lambda W^{{(1)}} = "
                   rf"{col(grad['z'])} {mat([x])} + {f(lam)} \times {mat(W1)} = {mat(grad['W1'])}",
                   rf"\frac{{\partial J}}{{\partial b^{{(1)}}}} = \frac{{\partial J}}{{\partial z}} = {vec(grad['b1'])}"],
             result=grad["W1"], rule="mlp.weight_grad"),
    ]
    answers = {}
    for part in ex.ask:
        answers[part.id] = {"forward": fwd, "loss": loss, "grad": grad}[part.quantity][part.options["name"]]
    plan = [Msg("mlp.plan.forward"), Msg("mlp.plan.backward"), Msg("mlp.plan.verify")]
    ctx = {"family": "mlp", "x": x, "y": y, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "activation": act, "lambda": lam}
    return Solution(ex, plan, steps, finite_answers(ex, answers), context=ctx)


def _solve_dropout(ex: Exercise) -> Solution:
    check_given(ex, GIVEN["dropout"])
    h = vector(ex, ex.given.get("h"), ("given", "h"))
    p = float(number(ex, ex.given.get("p"), ("given", "p")))
    if not 0 <= p < 1:
        raise ex.error("p is the drop probability, 0 ≤ p < 1", ("given", "p"))
    for part in ex.ask:
        if part.quantity != "dropout_mean" or not isinstance(part.options.get("scaled", True), bool):
            raise ex.error("a dropout exercise asks dropout_mean with scaled: true or false", ("ask", part.index))
    unscaled = [(1 - p) * v for v in h]
    steps = [Step(Msg("mlp.drop.def.title"), text=Msg("mlp.drop.def.text"),
                  math=[rf"P(\xi_i = 1) = 1 - p = {f(1 - p)},\quad P(\xi_i = 0) = p = {f(p)}",
                        r"h̃_i = \xi_i h_i,\qquad h̃_i = \frac{\xi_i h_i}{1 - p}"], rule="dropout.definition"),
             Step(Msg("mlp.drop.unscaled.title"), text=Msg("mlp.drop.unscaled.text"),
                  math=[rf"E[\xi_i h_i] = (1 - p) h_i = {f(1 - p)} \times {vec(h)} = {vec(unscaled)}"],
                  result=unscaled, rule="dropout.unscaled"),
             Step(Msg("mlp.drop.scaled.title"), text=Msg("mlp.drop.scaled.text"),
                  math=[rf"E\left[\frac{{\xi_i h_i}}{{1 - p}}\right] = \frac{{(1 - p) h_i}}{{1 - p}} = h_i = {vec(h)}"],
                  result=h, rule="dropout.scaled")]
    answers = {part.id: (list(h) if part.options.get("scaled", True) else unscaled) for part in ex.ask}
    plan = [Msg("mlp.plan.dropout"), Msg("mlp.plan.verify_dropout")]
    return Solution(ex, plan, steps, finite_answers(ex, answers), context={"family": "dropout", "h": h, "p": p})
