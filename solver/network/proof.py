"""``kind: rf_proof``: Li Hang 24.6 — relation (24.19) for the receptive field, proved by induction from
the recurrence, with sympy checking the base case and the induction step, plus the numeric side
(any ``kind: network`` parts on the given stack).

The recurrence (the manual's): R(l) = R(l−1) + (F(l)−1)·I(l), I(l) = I(l−1)·S(l−1), I(1) = S(0) = 1.
The claim (24.19): R(l) = 1 + Σ_{j=1}^{l} (F(j)−1)·Π_{i=0}^{j−1} S(i).
Peeling the last term off the sum (and the last factor off the product) is the one step of the
proof; sympy checks that what remains cancels exactly.

Example:
    >>> from solver.bank import load_exercise
    >>> solve(load_exercise("24.6")).answers["proof"]
    True
"""
from __future__ import annotations

import random
from typing import Any

import sympy

from ..i18n import Msg, register
from ..model import Exercise
from ..steps import Solution, Step, Table
from .receptive import Window, closed_form, recurrence

register({
    "proof.plan": ("Prove (24.19) by induction on l from the recurrence; sympy checks the base case and the "
                   "induction step; random stacks confirm it numerically.",
                   "由递推式对 l 用数学归纳法证明 (24.19)；sympy 验证基础情形与归纳步骤；再用随机网络数值验证。"),
    "proof.claim.title": ("The claim and the recurrence", "待证关系与递推式"),
    "proof.claim.text": ("F(j) is the kernel size of layer j, S(i) its stride (S(0) = 1); I(l) is the distance on "
                         "the input between neighbouring units of layer l−1 (the jump). Each layer widens the "
                         "receptive field by F(l)−1 steps of size I(l).",
                         "F(j) 为第 j 层卷积核大小，S(i) 为第 i 层步幅（S(0) = 1）；I(l) 为第 l−1 层相邻单元在输入上的距离"
                         "（跳步）。每一层使感受野增加 F(l)−1 个长度为 I(l) 的步长。"),
    "proof.jump.title": ("The jump in closed form", "跳步的闭式"),
    "proof.jump.text": ("By induction I(l) = Π_{{i=0}}^{{l−1}} S(i): true for l = 1 (I(1) = S(0) = 1), and peeling the last "
                        "factor shows I(l−1)·S(l−1) = Π_{{i=0}}^{{l−1}} S(i). sympy: the difference is {res}.",
                        "用归纳法得 I(l) = Π_{{i=0}}^{{l−1}} S(i)：l = 1 时 I(1) = S(0) = 1；剥离最后一个因子可得 "
                        "I(l−1)·S(l−1) = Π_{{i=0}}^{{l−1}} S(i)。sympy：两者之差为 {res}。"),
    "proof.base.title": ("Base case l = 1", "基础情形 l = 1"),
    "proof.base.text": ("A single layer sees exactly its kernel: R(1) = F(1). The formula gives the same (sympy: "
                        "difference {res}).",
                        "单独一层恰好看到其卷积核：R(1) = F(1)。公式给出相同结果（sympy：差为 {res}）。"),
    "proof.step.title": ("Induction step", "归纳步骤"),
    "proof.step.text": ("Assume (24.19) for l−1. Substitute it into the recurrence and split the last term off the "
                        "sum in (24.19) for l: the two sides agree (sympy: difference {res}). Hence (24.19) holds "
                        "for every l.",
                        "假设 (24.19) 对 l−1 成立。代入递推式，并把 l 时 (24.19) 中求和的最后一项拆出：两边相同"
                        "（sympy：差为 {res}）。因此 (24.19) 对所有 l 成立。"),
    "proof.numeric.title": ("Numeric confirmation on {n} random stacks", "在 {n} 个随机网络上的数值验证"),
    "proof.numeric.text": ("Random all-convolution stacks (1–8 layers, kernels 1–7, strides 1–3): the recurrence and "
                           "the closed form agree on all of them: {ok}. A few of them:",
                           "随机的全卷积网络（1–8 层，核大小 1–7，步幅 1–3）：递推式与闭式{ok}。部分示例："),
    "proof.stack": ("kernels / strides", "卷积核 / 步幅"),
    "proof.closed": ("R (24.19)", "R（24.19）"),
    "proof.recurrence": ("R (recurrence)", "R（递推）"),
    "proof.yes": ("yes", "在全部网络上一致"),
    "proof.no": ("no", "并非在全部网络上一致"),
    "proof.notation.title": ("From the proof to the numbers: notation", "从证明到数值计算：记号对应"),
    "proof.notation.text": ("The layer-by-layer steps below use PyTorch's names: k is the kernel size F(l), s the "
                            "stride S(l), J the jump I(l+1) and R the receptive field R(l) of the proof.",
                            "下面的逐层计算沿用 PyTorch 的记号：k 即证明中的卷积核大小 F(l)，s 即步幅 S(l)，"
                            "J 即跳步 I(l+1)，R 即感受野 R(l)。"),
    "proof.check.symbolic": ("base case and induction step reduce to 0", "基础情形与归纳步骤均化简为 0"),
    "proof.check.torch": ("back-propagation on {n} random stacks measures the closed-form receptive field",
                          "在 {n} 个随机网络上反向传播测得的感受野与闭式一致"),
})

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
    if numeric.steps:
        steps = steps + [Step(Msg("proof.notation.title"), text=Msg("proof.notation.text"), rule="proof.notation")]
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
