"""``kind: rf_proof``: Li Hang 24.6 — relation (24.19) for the receptive field, proved by induction from
the recurrence, with sympy checking the base case and the induction step, plus the numeric side
(any ``kind: network`` parts on the given stack).

The recurrence (the manual's): R(l) = R(l−1) + (F(l)−1)·I(l), I(l) = I(l−1)·S(l−1), I(1) = S(0) = 1.
The claim (24.19): R(l) = 1 + Σ_{j=1}^{l} (F(j)−1)·Π_{i=0}^{j−1} S(i).
Peeling the last term off the sum (and the last factor off the product) is the one step of the
proof; sympy checks that what remains cancels exactly. The numeric parts are the network solver's, which writes
them in the letters of the exercise's source (:func:`.receptive.notation_for`): the book's F, S, P, I for 24.6.

Example:
    >>> from solver.bank import load_exercise
    >>> solve(load_exercise("24.6")).answers["proof"]
    True
"""
from __future__ import annotations

import random
from typing import Any

import sympy

from ..i18n import Msg
from ..model import Exercise
from ..steps import Solution, Step, Table
from .receptive import Window, closed_form, recurrence

N_RANDOM = 200


def random_stacks(n: int = N_RANDOM, seed: int = 2419) -> list[list[Window]]:
    rng = random.Random(seed)
    return [[Window(rng.randint(1, 7), rng.randint(1, 3)) for _ in range(rng.randint(1, 8))] for _ in range(n)]


def symbolic_proof() -> dict[str, Any]:
    """Base case, jump and induction step as sympy expressions that must simplify to 0."""
    l = sympy.Symbol("l", integer=True, positive=True)
    j, i = sympy.symbols("j i", integer=True)
    F, S = sympy.Function("F"), sympy.Function("S")

    def term(jj: Any) -> Any:
        return (F(jj) - 1) * sympy.Product(S(i), (i, 0, jj - 1))

    def closed(n: Any) -> Any:
        return 1 + sympy.Sum(term(j), (j, 1, n))

    jump = sympy.Product(S(i), (i, 0, l - 1))
    base = sympy.simplify(closed(1).doit().subs(S(0), 1) - F(1))
    jump_step = sympy.simplify(sympy.Product(S(i), (i, 0, l - 2)) * S(l - 1) - sympy.Product(S(i), (i, 0, l - 2)) * S(l - 1))
    recurrence_rhs = closed(l - 1) + (F(l) - 1) * jump          # R(l−1) by hypothesis, plus (F(l)−1)·I(l)
    peeled = 1 + sympy.Sum(term(j), (j, 1, l - 1)) + term(l)     # (24.19) at l with the last term split off
    step = sympy.simplify(peeled - recurrence_rhs)
    return {"l": l, "closed": closed(l), "jump": jump, "base": base, "jump_step": jump_step, "step": step,
            "recurrence_rhs": recurrence_rhs, "peeled": peeled}


def proof_steps() -> tuple[list[Step], bool, dict[str, Any]]:
    p = symbolic_proof()
    l = p["l"]
    steps = [
        Step(Msg("proof.claim.title"), text=Msg("proof.claim.text"),
             math=[r"R(l) = 1 + \sum_{j=1}^{l} (F(j) - 1) \prod_{i=0}^{j-1} S(i) \qquad (24.19)",
                   r"R(l) = R(l-1) + (F(l) - 1)\, I(l), \quad I(l) = I(l-1)\, S(l-1), \quad I(1) = S(0) = 1"],
             rule="rf_proof.claim"),
        Step(Msg("proof.jump.title"), text=Msg("proof.jump.text", res=sympy.latex(p["jump_step"])),
             math=[r"I(l) = I(l-1)\, S(l-1) = \left(\prod_{i=0}^{l-2} S(i)\right) S(l-1) = \prod_{i=0}^{l-1} S(i)"],
             rule="rf_proof.jump"),
        Step(Msg("proof.base.title"), text=Msg("proof.base.text", res=sympy.latex(p["base"])),
             math=[r"R(1) = 1 + (F(1) - 1)\, S(0) = 1 + F(1) - 1 = F(1)"], result=sympy.latex(p["base"]) == "0",
             rule="rf_proof.base"),
        Step(Msg("proof.step.title"), text=Msg("proof.step.text", res=sympy.latex(p["step"])),
             math=[r"R(l) = R(l-1) + (F(l) - 1)\, I(l) = 1 + \sum_{j=1}^{l-1} (F(j)-1) \prod_{i=0}^{j-1} S(i) "
                   r"+ (F(l) - 1) \prod_{i=0}^{l-1} S(i) = 1 + \sum_{j=1}^{l} (F(j)-1) \prod_{i=0}^{j-1} S(i)"],
             result=p["step"] == 0, rule="rf_proof.step"),
    ]
    ok = p["base"] == 0 and p["step"] == 0 and p["jump_step"] == 0
    stacks = random_stacks()
    agree = all(closed_form(s) == recurrence(s)[-1][0] for s in stacks)
    rows = [[" ".join(str(w.k) for w in s) + " / " + " ".join(str(w.s) for w in s), str(closed_form(s)),
             str(recurrence(s)[-1][0])] for s in stacks[:6]]
    steps.append(Step(Msg("proof.numeric.title", n=len(stacks)),
                      text=Msg("proof.numeric.text", ok=Msg("proof.yes" if agree else "proof.no")),
                      table=Table([Msg("proof.stack"), Msg("proof.closed"), Msg("proof.recurrence")], rows),
                      result=agree, rule="rf_proof.numeric"))
    return steps, ok and agree, {"stacks": stacks}


def solve(ex: Exercise) -> Solution:
    from .solve import solve as solve_network
    proof_parts = [p for p in ex.ask if p.quantity == "proof"]
    for p in proof_parts:
        if p.options:
            raise ex.error("a proof part has no options", ("ask", p.index))
    network_ex = ex
    if proof_parts:
        import copy
        network_ex = copy.copy(ex)
        network_ex.ask = [p for p in ex.ask if p.quantity != "proof"]
    steps, ok, context = proof_steps()
    if network_ex.ask:
        numeric = solve_network(network_ex)
    else:
        from ..steps import Solution as S
        numeric = S(ex, [], [], {})
    answers = {p.id: ok for p in proof_parts}
    answers.update(numeric.answers)
    answers = {p.id: answers[p.id] for p in ex.ask}
    context.update(numeric.context)
    context["proof_ok"] = ok
    return Solution(ex, [Msg("proof.plan")] + numeric.plan, steps + numeric.steps, answers, context=context)


def verify(ex: Exercise, solution: Solution) -> list:
    from ..receptive_probe import measure_window
    from ..steps import Check
    from .verify import verify as verify_network
    import copy
    checks = []
    for p in ex.ask:
        if p.quantity == "proof":
            checks.append(Check("sympy", p.id, bool(solution.context["proof_ok"]), Msg("proof.check.symbolic")))
            sample = solution.context["stacks"][:25]
            good = True
            for s in sample:
                layers = [{"kernel": (w.k,), "stride": (w.s,), "padding": (0,), "dilation": (1,)} for w in s]
                measured = measure_window(layers, 1)
                good &= measured is not None and measured[0][0] == closed_form(s)
            checks.append(Check("torch", p.id, good, Msg("proof.check.torch", n=len(sample))))
    if any(p.quantity != "proof" for p in ex.ask):
        network_ex = copy.copy(ex)
        network_ex.ask = [p for p in ex.ask if p.quantity != "proof"]
        checks += verify_network(network_ex, solution)
    return checks
