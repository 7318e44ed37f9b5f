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

from ..i18n import Msg, Plain, register
from ..model import Exercise
from ..steps import Solution, Step, Table
from .receptive import (GENERIC, LI_HANG, Notation, Window, closed_form, closed_form_line, jump_line, recurrence,
                        size_lines, step_lines)

register({
    "proof.plan": ("Prove (24.19) by induction on l from the recurrence; sympy checks the base case and the "
                   "induction step; random stacks confirm it numerically.",
                   "由递推式对 l 用数学归纳法证明 (24.19)；sympy 验证基础情形与归纳步骤；再用随机网络数值验证。"),
    "proof.claim.title": ("The claim and the recurrence", "待证关系与递推式"),
    "proof.claim.text": ("F(j) is the kernel size of layer j, S(i) its stride (S(0) = 1); I(l) is the distance on "
                         "the input between neighbouring units of layer l−1 (the jump). Each layer widens the "
                         "receptive field by F(l)−1 steps of size I(l).",
                         "F(j) 为第 j 层卷积核的大小，S(i) 为第 i 层的步幅（约定 S(0) = 1）；I(l) 为第 l−1 层相邻单元在输入上的距离"
                         "（跳步）。第 l 层的卷积核比单个单元多覆盖 F(l)−1 个位置，相邻位置在输入上相距 I(l)，"
                         "所以感受野增加 (F(l)−1)·I(l)。"),
    "proof.jump.title": ("The jump in closed form", "跳步的闭式表达式"),
    "proof.jump.text": ("By induction I(l) = S(0)·S(1)···S(l−1): true for l = 1 (I(1) = S(0) = 1), and if it holds for "
                        "l−1, I(l) = I(l−1)·S(l−1) appends the factor S(l−1) to the product. sympy: the difference "
                        "is {res}.",
                        "对 l 用归纳法可得 I(l) = S(0)·S(1)·…·S(l−1)：l = 1 时 I(1) = S(0) = 1；若对 l−1 成立，"
                        "则 I(l) = I(l−1)·S(l−1) 正好在乘积末尾添上因子 S(l−1)。sympy 验证两者之差为 {res}。"),
    "proof.base.title": ("Base case l = 1", "基础情形 l = 1"),
    "proof.base.text": ("A single layer sees exactly its kernel: R(1) = F(1). The formula gives the same (sympy: "
                        "difference {res}).",
                        "只有一层时，感受野恰好是卷积核的大小：R(1) = F(1)。由 (24.19) 得到同样的结果"
                        "（sympy 验证两者之差为 {res}）。"),
    "proof.step.title": ("Induction step", "归纳步骤"),
    "proof.step.text": ("Assume (24.19) for l−1. Substitute it into the recurrence and split the last term off the "
                        "sum in (24.19) for l: the two sides agree (sympy: difference {res}). Hence (24.19) holds "
                        "for every l.",
                        "假设 (24.19) 对 l−1 成立，把它代入递推式；再把 l 时 (24.19) 右端求和的最后一项单独写出，"
                        "两边完全相同（sympy 验证差为 {res}）。由数学归纳法，(24.19) 对所有 l ≥ 1 成立。"),
    "proof.numeric.title": ("Numeric confirmation on {n} random stacks", "在 {n} 个随机网络上的数值验证"),
    "proof.numeric.text": ("Random all-convolution stacks (1–8 layers, kernel sizes 1–7, strides 1–3): the recurrence "
                           "and the closed form {ok}. A few of them:",
                           "随机生成全卷积网络（1–8 层，卷积核大小 1–7，步幅 1–3）：递推式与关系式 (24.19) 的结果{ok}。"
                           "部分示例如下："),
    "proof.stack": ("kernel sizes / strides", "卷积核大小 / 步幅"),
    "proof.closed": ("R (24.19)", "R（24.19）"),
    "proof.recurrence": ("R (recurrence)", "R（递推）"),
    "proof.yes": ("agree on every one of them", "在全部网络上都相同"),
    "proof.no": ("disagree on some of them", "在部分网络上不同"),
    # the numeric part in the book's notation (F, S, I, R of relation (24.19)) rather than PyTorch's k, s, J
    "proof.plan.rf": ("Follow the receptive field R(l) and the jump I(l) layer by layer with the recurrence, then "
                      "confirm R(l) with relation (24.19).",
                      "用递推式逐层求感受野 R(l) 与跳步 I(l)，再用关系式 (24.19) 验证 R(l)。"),
    "proof.conv.rf": ("Receptive field, in the notation of (24.19): R(0) = 1, I(1) = 1; R(l) = R(l−1) + (F(l) − 1)·I(l), "
                      "I(l+1) = I(l)·S(l). I(l) is the jump into layer l, so the jump after layer l is I(l+1). "
                      "Activations, BatchNorm and dropout leave R and I unchanged; padding does not change R.",
                      "感受野沿用关系式 (24.19) 的记号：R(0) = 1，I(1) = 1；R(l) = R(l−1) + (F(l) − 1)·I(l)，"
                      "I(l+1) = I(l)·S(l)。I(l) 是进入第 l 层时的跳步，因此第 l 层之后的跳步为 I(l+1)。"
                      "激活、BatchNorm、Dropout 不改变 R 与 I；填充不影响感受野。"),
    "proof.conv.shape": ("Output sizes use PyTorch's formula with ⌊·⌋ (floor); a pooling layer with ceil_mode "
                         "uses ⌈·⌉ and drops a last window that would start in the right padding. The padding P is "
                         "per side, as in the layers' arguments: the formulas add 2P.",
                         "输出尺寸采用 PyTorch 的公式，向下取整 ⌊·⌋；池化层若 ceil_mode 为真则向上取整 ⌈·⌉，"
                         "且舍弃起点落在右侧填充中的最后一个窗口。填充 P 指每一侧的填充，与层的参数一致，"
                         "因此公式中加的是 2P。"),
    "proof.cv.rf": ("R and I are in input pixels, from R(0) = I(1) = 1; the jump after layer l is I(l+1)",
                    "R 与 I 以输入像素计，R(0) = I(1) = 1；第 l 层之后的跳步为 I(l+1)"),
    "proof.cv.pad": ("the padding P is per side, so the size formula adds 2P", "填充 P 指每一侧的填充，尺寸公式中加 2P"),
    "proof.layer.conv": ("Each output size follows the convolution formula with kernel size F, stride S and padding P "
                         "on each side.",
                         "各维输出尺寸由卷积公式给出：卷积核大小 F，步幅 S，每侧填充 P。"),
    "proof.layer.conv_d": ("Each output size follows the convolution formula with kernel size F, stride S, padding P "
                           "on each side and dilation d.",
                           "各维输出尺寸由卷积公式给出：卷积核大小 F，步幅 S，每侧填充 P，膨胀 d。"),
    "proof.layer.pool": ("Pooling uses the convolution formula with the pool's own window F, stride S and padding P "
                         "on each side; it has no parameters and keeps the channels.",
                         "池化使用同一个卷积尺寸公式，代入池化自己的窗口 F、步幅 S 与每侧填充 P；池化没有参数，"
                         "通道数不变。"),
    "proof.table.rf": ("R(l)", "感受野 R(l)"),
    "proof.table.jump": ("I(l+1)", "跳步 I(l+1)"),
    "proof.total.rf": ("Receptive field by relation (24.19)", "用关系式 (24.19) 求感受野"),
    "proof.total.rf_at": ("Receptive field R({n}) of layer {n}{name} by relation (24.19)",
                          "用关系式 (24.19) 求第 {n} 层{name}的感受野 R({n})"),
    "proof.total.rf.same": ("By relation (24.19): add up each layer's growth F(j) − 1 times the jump "
                            "I(j) = S(0)·S(1)···S(j−1) into it. The recurrence above gives the same value.",
                            "由关系式 (24.19)，把每层的增量 F(j) − 1 乘以进入该层时的跳步 I(j) = S(0)·S(1)·…·S(j−1)，"
                            "再求和。结果与上面逐层递推所得相同。"),
    "proof.total.rf.differs": ("By relation (24.19): add up each layer's growth F(j) − 1 times the jump "
                               "I(j) = S(0)·S(1)···S(j−1) into it. The recurrence above gives a different value.",
                               "由关系式 (24.19)，把每层的增量 F(j) − 1 乘以进入该层时的跳步 I(j) = S(0)·S(1)·…·S(j−1)，"
                               "再求和。结果与上面逐层递推所得不同。"),
    "proof.total.jump.text": ("The jump after layer l is I(l+1) = S(0)·S(1)···S(l), the product of the strides of "
                              "layers 1 to l (S(0) = 1): neighbouring units of layer l are this far apart on the input.",
                              "第 l 层之后的跳步为 I(l+1) = S(0)·S(1)·…·S(l)，即第 1 层到第 l 层的步幅之积"
                              "（S(0) = 1），也就是第 l 层相邻两个单元在输入上的间距。"),
    "proof.check.symbolic": ("base case and induction step reduce to 0", "基础情形与归纳步骤均化简为 0"),
    "proof.check.torch": ("back-propagation on {n} random stacks measures the closed-form receptive field",
                          "在 {n} 个随机网络上反向传播测得的感受野与关系式 (24.19) 一致"),
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
        in_notation(numeric, ex, PROOF_NOTATION)
    return Solution(ex, [Msg("proof.plan")] + numeric.plan, steps + numeric.steps, answers, context=context)


# The proof writes relation (24.19) in the book's letters; the numeric steps keep them (no change of notation midway).
PROOF_NOTATION = LI_HANG

# messages of the network solver that name PyTorch's letters → the same in the book's
_REKEY = {"net.plan.rf": "proof.plan.rf", "net.conv.rf": "proof.conv.rf", "net.layer.conv": "proof.layer.conv",
          "net.conv.shape": "proof.conv.shape", "net.layer.pool": "proof.layer.pool",
          "net.table.rf": "proof.table.rf", "net.table.jump": "proof.table.jump",
          "net.total.jump.text": "proof.total.jump.text", "net.total.rf": "proof.total.rf",
          "net.total.rf_at": "proof.total.rf_at", "net.cv.rf": "proof.cv.rf", "net.cv.pad": "proof.cv.pad"}


def _rekey(value: Any) -> Any:
    """``value`` with the network solver's messages in PyTorch's letters replaced by the book's."""
    if isinstance(value, Msg):
        if value.key == "net.total.rf.text":
            agree = value.params.get("agree")
            return Msg("proof.total.rf.same" if getattr(agree, "key", "") == "net.yes" else "proof.total.rf.differs")
        return Msg(_REKEY.get(value.key, value.key), **{k: _rekey(v) for k, v in value.params.items()})
    parts = getattr(value, "parts", None)            # Join, Sep, the network solver's Conventions: clauses
    if isinstance(parts, tuple):
        return type(value)(tuple(_rekey(p) for p in parts))
    return value


def book_label(layer: Any) -> str:
    """A convolution or pooling layer's signature in the book's letters: ``Conv2d(16→32, F=3, S=2, P=1)``; other
    layers (and what the letters do not say: groups, dilation, 'same', no bias) keep :meth:`Layer.label`."""
    a, fam, t = layer.args, layer.family, layer.type.name

    def one(values: Any) -> str:
        values = tuple(values)
        return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))
    if isinstance(a.get("padding"), str) or any(d != 1 for d in a.get("dilation", (1,))):
        return layer.label()
    geometry = f"F={one(a['kernel_size'])}, S={one(a['stride'])}, P={one(a['padding'])}" \
        if fam in ("conv", "max_pool", "avg_pool") else ""
    if fam == "conv" and a["groups"] == 1 and a["bias"]:
        return f"{t}({a.get('in_channels') or '?'}→{a['out_channels']}, {geometry})"
    if fam in ("max_pool", "avg_pool") and not a["ceil_mode"]:
        return f"{t}({geometry})"
    return layer.label()


def _dims(analysis: Any, at: int | None) -> tuple[list[list[Window]], list[tuple[int, tuple[str, ...]]]]:
    """The windows of each spatial dimension up to layer ``at``, and the dimensions written out (one line
    ``R_H = R_W`` when they agree) — as the network solver's part steps do."""
    from .analysis import SPATIAL_NAMES
    layers = analysis.upto(at)
    stacks = [[la.windows[i] for la in layers if la.windows is not None] for i in range(analysis.spatial_dims)]
    names = SPATIAL_NAMES[analysis.spatial_dims]
    if analysis.spatial_dims > 1 and all(st == stacks[0] for st in stacks):
        return stacks, [(0, names)]
    return stacks, [(i, (nm,)) for i, nm in enumerate(names)]


def _layer_lines(la: Any, prev_rf: tuple[int, ...], prev_jump: tuple[int, ...], n: Notation) -> list[str]:
    from .analysis import SPATIAL_NAMES
    names = SPATIAL_NAMES.get(len(la.sizes), tuple(f"n_{i + 1}" for i in range(len(la.sizes))))
    lines = size_lines(la.sizes, names, n)
    if la.rf is not None and la.windows is not None and la.jump is not None:
        lines += step_lines(la.layer.number, la.windows, prev_rf, prev_jump, la.rf, la.jump,
                            SPATIAL_NAMES.get(len(la.windows), ()), n)
    return lines


def _swap(math: list[str], generic: list[str], book: list[str]) -> list[str]:
    table = dict(zip(generic, book))
    return [table.get(line, line) for line in math]


def in_notation(numeric: Solution, ex: Exercise, n: Notation) -> None:
    """Rewrite the network solver's steps (plan, conventions, layers, table, receptive field and jump) in notation
    ``n``: every formula it wrote in PyTorch's letters is recomputed in both notations and swapped, so a line this
    does not know stays as it was (tests/test_notation.py checks that the generic lines are the solver's own)."""
    if n is GENERIC:
        return
    numeric.plan = [_rekey(p) for p in numeric.plan]
    analyses = numeric.context["analyses"]
    blocks = [numeric.steps] if len(analyses) == 1 else \
        [s.children for s in numeric.steps if s.rule == "network"]
    for step in numeric.steps:
        if step.rule == "network.conventions":
            step.text = _rekey(step.text)
    for analysis, block in zip(analyses.values(), blocks):
        layer_steps = [s for s in block if s.rule.startswith("network.layer.")]
        prev_rf = (1,) * analysis.spatial_dims
        prev_jump = prev_rf
        for la, step in zip(analysis.layers, layer_steps):
            step.math = _swap(step.math, _layer_lines(la, prev_rf, prev_jump, GENERIC),
                              _layer_lines(la, prev_rf, prev_jump, n))
            if la.rf is not None and la.jump is not None:
                prev_rf, prev_jump = la.rf, la.jump
            if isinstance(step.title, Msg) and "label" in step.title.params:
                step.title = Msg(step.title.key, **{**step.title.params, "label": Plain(book_label(la.layer))})
            step.text = _rekey(step.text)
            if isinstance(step.text, Msg) and step.text.key == "proof.layer.conv" and \
                    any(d != 1 for d in la.layer.args.get("dilation", (1,))):
                step.text = Msg("proof.layer.conv_d")
        labels = {la.layer.label(): book_label(la.layer) for la in analysis.layers}
        for step in block:
            if step.rule == "network.table" and step.table is not None:
                step.table.columns = [_rekey(c) for c in step.table.columns]
                step.table.rows = [[labels.get(c, c) if isinstance(c, str) else c for c in row]
                                   for row in step.table.rows]
            elif step.rule in ("network.receptive_field.closed_form", "network.jump"):
                at = step.title.params.get("n") if isinstance(step.title, Msg) else None
                stacks, dims = _dims(analysis, at)
                per_dim = len(dims) > 1
                if step.rule == "network.jump":
                    def line(i: int, names: tuple[str, ...], m: Notation) -> str:
                        # the book's product runs over i = 0..l with S(0) = 1: every factor written
                        strides = [1] + [w.s for w in stacks[i]] if m.functional else \
                            [w.s for w in stacks[i] if not (w.k == 1 and w.s == 1)] or [1]
                        return jump_line(names, strides, step.result[i], m, at or len(analysis.layers), per_dim)
                else:
                    def line(i: int, names: tuple[str, ...], m: Notation) -> str:
                        stack = [w for w in stacks[i] if not (w.k == 1 and w.s == 1)]
                        return closed_form_line(names, stack, m, at or len(analysis.layers), per_dim)
                step.math = _swap(step.math, [line(i, nm, GENERIC) for i, nm in dims],
                                  [line(i, nm, n) for i, nm in dims])
                step.text, step.title = _rekey(step.text), _rekey(step.title)


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
