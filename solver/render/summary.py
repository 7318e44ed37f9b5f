"""The closing conclusion of a solution (综上 / In summary): each asked part in the question's own words, its
answer in the reader's language with its unit — never a part id or a raw value.

Every renderer (terminal, Markdown, PDF) takes its lines from :func:`conclusion`; values that are mathematics
come with their LaTeX so each format typesets them its own way.

Example:
    >>> from solver.bank import load_exercise
    >>> from solver.pipeline import solve_exercise
    >>> sol = solve_exercise(load_exercise("hw-q3"), verify=False)
    >>> [(i.label, i.text) for i in conclusion(sol, "zh")][:2]
    [('网络“3×3 卷积”的输出形状', '32×28×28'), ('网络“3×3 卷积”的参数量', '4,640 个')]
    >>> [(i.label, i.text) for i in conclusion(sol, "en")][-1]
    ('ratio of the MACs, “3×3 convolution” / “1×1 convolution”', '9')
    >>> show_value(True, "zh"), show_value({"rows": [[1, 2]]}, "zh"), show_value({"rows": [[1, 2]]}, "en")
    ('成立', '[1×2 矩阵]', '[1×2 matrix]')
"""
from __future__ import annotations

import re
from typing import Any

from ..i18n import Msg, Plain, math_words, part_label, register
from ..record import record

register({
    "sum.lead": ("In summary:", "综上："),
    "sum.true": ("holds", "成立"),
    "sum.false": ("does not hold", "不成立"),
    "sum.true.value": ("holds", "成立"),
    "sum.false.value": ("does not hold", "不成立"),
    "sum.matrix": ("[{r}×{c} matrix]", "[{r}×{c} 矩阵]"),
    "sum.output_shape": ("output shape", "输出形状"),
    "sum.params": ("number of parameters", "参数量"),
    "sum.macs": ("multiply–accumulates (MACs)", "乘加次数（MACs）"),
    "sum.flops": ("floating-point operations (FLOPs)", "浮点运算次数（FLOPs）"),
    "sum.receptive_field": ("receptive field", "感受野"),
    "sum.jump": ("jump (effective stride)", "跳步（等效步幅）"),
    "sum.at": ("{what} after layer {n}", "第 {n} 层之后的{what}"),
    "sum.of_net": ("{what} of “{net}”", "网络“{net}”的{what}"),
    "sum.ratio": ("ratio of the {what}, “{num}” / “{den}”", "“{num}”与“{den}”的{what}之比"),
    "sum.unit.params": ("{v}", "{v} 个"),
    "sum.unit.macs": ("{v}", "{v} 次"),
    "sum.unit.flops": ("{v}", "{v} 次"),
    "sum.unit.rf": ("{v} input pixels", "{v} 个输入像素"),
    "sum.unit.jump": ("{v} input pixels", "{v} 个输入像素"),
    "sum.proof": ("relation (24.19)", "关系式 (24.19)"),
    "sum.proof.value": ("proved by induction", "已用数学归纳法证明"),
    "sum.program": ("the program", "程序"),
    "sum.program.value": ("see the program above ({cases} test cases pass)", "见上文程序（{cases} 个测试用例通过）"),
    "sum.composable": ("{expr} as a composition of two kernels of size {factor}",
                       "{expr} 能否写成两个 {factor} 卷积核的复合"),
    "sum.composable.true": ("possible", "可以"),
    "sum.composable.false": ("not possible", "不可以"),
    "sum.explanation": ("answer", "答案"),
    "sum.equal.label": ("{expr}", "{expr}"),
    "sum.jacobian": ("Jacobian ∂Y/∂{wrt}", "雅可比矩阵 ∂Y/∂{wrt}"),
    "sum.partial.W": ("∂y_kl/∂w_mn", "∂y_kl/∂w_mn"),
    "sum.partial.X": ("∂y_kl/∂x_ij", "∂y_kl/∂x_ij"),
    "sum.backprop": ("gradient ∂L/∂{wrt}", "梯度 ∂L/∂{wrt}"),
    "sum.what.params": ("parameters", "参数量"),
    "sum.what.macs": ("MACs", "乘加次数"),
    "sum.what.flops": ("FLOPs", "浮点运算次数"),
    "sum.part": ("part {n}", "第 {n} 问"),
    # the quantities of solver/nn_basics, in the words of their questions
    "sum.scheme.xavier": ("Xavier initialisation", "Xavier 初始化"),
    "sum.scheme.he": ("He initialisation", "He 初始化"),
    "sum.scheme.pytorch_default": ("PyTorch's default initialisation", "PyTorch 默认初始化"),
    "sum.q.init_variance": ("variance of the weights, {scheme}", "{scheme}下权重的方差"),
    "sum.q.init_std": ("standard deviation of the weights, {scheme}", "{scheme}下权重的标准差"),
    "sum.q.init_bound": ("bound a of the uniform distribution U(−a, a), {scheme}", "{scheme}下均匀分布 U(−a, a) 的界 a"),
    "sum.q.activation_variance": ("variance of the last layer's pre-activations, {scheme}",
                                  "{scheme}下最后一层预激活值的方差"),
    "sum.q.activation_variance.at": ("variance of the pre-activations of layer {at}, {scheme}",
                                     "{scheme}下第 {at} 层预激活值的方差"),
    "sum.q.params.textbook": ("number of parameters, counted as the textbook writes it (one bias per gate)",
                              "按教材写法（每个门一个偏置）计算的参数量"),
    "sum.q.params.pytorch": ("number of parameters as PyTorch stores them", "按 PyTorch 实际存储计算的参数量"),
    "sum.q.params_difference": ("difference between the two counts", "两种计法之差"),
    "sum.gate.f": ("forget gate f_t", "遗忘门 f_t"),
    "sum.gate.i": ("input gate i_t", "输入门 i_t"),
    "sum.gate.c_tilde": ("candidate memory C̃_t", "候选记忆 C̃_t"),
    "sum.gate.c": ("cell state C_t", "记忆单元 C_t"),
    "sum.gate.o": ("output gate o_t", "输出门 o_t"),
    "sum.gate.h": ("hidden state h_t", "隐状态 h_t"),
    "sum.gate.r": ("reset gate R_t", "重置门 R_t"),
    "sum.gate.z": ("update gate Z_t", "更新门 Z_t"),
    "sum.gate.h_tilde": ("candidate hidden state H̃_t", "候选隐状态 H̃_t"),
    "sum.form.d2l": ("{gate}, as D2L writes it", "{gate}（D2L 的写法）"),
    "sum.form.pytorch": ("{gate}, as torch.nn.GRU computes it", "{gate}（torch.nn.GRU 的算法）"),
    "sum.form.difference": ("{gate}: difference between the two forms", "两种写法所得{gate}之差"),
    "sum.q.bptt_factors": ("factor of each time step", "每个时间步的因子"),
    "sum.q.bptt_gradient": ("gradient through all the steps (the product of the factors)",
                            "跨越全部时间步的梯度（各因子之积）"),
    "sum.q.bptt_bound": ("upper bound of that gradient", "该梯度的上界"),
    "sum.q.iterates": ("parameters after each step", "每一步之后的参数"),
    "sum.q.final": ("parameters after the last step", "最后一步之后的参数"),
    "sum.state.m": ("first moment after step {step}", "第 {step} 步后的一阶矩"),
    "sum.state.v": ("second moment after step {step}", "第 {step} 步后的二阶矩"),
    "sum.state.m_hat": ("bias-corrected first moment after step {step}", "第 {step} 步后偏差修正的一阶矩"),
    "sum.state.v_hat": ("bias-corrected second moment after step {step}", "第 {step} 步后偏差修正的二阶矩"),
    "sum.state.velocity": ("momentum after step {step}", "第 {step} 步后的动量"),
    "sum.state.m.last": ("first moment after the last step", "最后一步后的一阶矩"),
    "sum.state.v.last": ("second moment after the last step", "最后一步后的二阶矩"),
    "sum.state.m_hat.last": ("bias-corrected first moment after the last step", "最后一步后偏差修正的一阶矩"),
    "sum.state.v_hat.last": ("bias-corrected second moment after the last step", "最后一步后偏差修正的二阶矩"),
    "sum.state.velocity.last": ("momentum after the last step", "最后一步后的动量"),
    "sum.q.update": ("update of step {step}", "第 {step} 步的更新量"),
    "sum.fwd.z": ("hidden pre-activation z", "隐藏层的预激活 z"),
    "sum.fwd.h": ("hidden activation h", "隐藏层的激活 h"),
    "sum.fwd.o": ("output o", "输出 o"),
    "sum.fwd.p": ("softmax probabilities p", "softmax 概率 p"),
    "sum.loss.L": ("cross-entropy loss L", "交叉熵损失 L"),
    "sum.loss.s": ("penalty s", "惩罚项 s"),
    "sum.loss.J": ("objective J (loss with the penalty)", "目标函数 J（损失加惩罚项）"),
    "sum.q.grad": ("gradient ∂J/∂{name}", "梯度 ∂J/∂{name}"),
    "sum.dropout.unscaled": ("expectation after dropout, the kept units unchanged",
                             "保留的单元保持不变时 dropout 输出的期望"),
    "sum.dropout.scaled": ("expectation after dropout, the kept units divided by 1 − p",
                           "保留的单元除以 1 − p 时 dropout 输出的期望"),
})

_SUPERSCRIPT = {"W1": "W¹", "W2": "W²", "b1": "b¹", "b2": "b²"}


def _quantity_label(part: Any) -> Any:
    """The words of a question for a quantity of solver/nn_basics (None: not one of those)."""
    q, opt = part.quantity, part.options
    if q in ("init_variance", "init_std", "init_bound"):
        return Msg(f"sum.q.{q}", scheme=Msg(f"sum.scheme.{opt.get('scheme')}"))
    if q == "activation_variance":
        scheme = Msg(f"sum.scheme.{opt.get('scheme')}")
        return Msg("sum.q.activation_variance.at", at=str(opt["at"]), scheme=scheme) if "at" in opt \
            else Msg("sum.q.activation_variance", scheme=scheme)
    if q == "params" and opt.get("convention") in ("textbook", "pytorch"):
        return Msg(f"sum.q.params.{opt['convention']}")
    if q == "gate":
        gate = Msg(f"sum.gate.{opt.get('name')}")
        form = opt.get("form")
        return Msg(f"sum.form.{form}", gate=gate) if form in ("d2l", "pytorch", "difference") else gate
    if q == "state":
        name = opt.get("name")
        return Msg(f"sum.state.{name}", step=str(opt["step"])) if "step" in opt else Msg(f"sum.state.{name}.last")
    if q == "update":
        return Msg("sum.q.update", step=str(opt.get("step", 1)))
    if q in ("forward", "loss"):
        return Msg(f"sum.{'fwd' if q == 'forward' else 'loss'}.{opt.get('name')}")
    if q == "grad":
        name = str(opt.get("name", ""))
        return Msg("sum.q.grad", name=_SUPERSCRIPT.get(name, name))
    if q == "dropout_mean":
        return Msg("sum.dropout.scaled" if opt.get("scaled") else "sum.dropout.unscaled")
    if q in ("params_difference", "bptt_factors", "bptt_gradient", "bptt_bound", "iterates", "final"):
        return Msg(f"sum.q.{q}")
    return None


@record(frozen=True)
class Item:
    """One line of the conclusion: ``label`` (the question's words), ``text`` (the answer as plain text),
    ``latex`` (the answer as mathematics, when it is mathematics)."""

    label: str
    text: str
    latex: str = ""
    code: str = ""              # a program's signature, shown as code before ``text``

    def plain(self, lang: str) -> str:
        return f"{self.code}{'，' if lang == 'zh' else ', '}{self.text}" if self.code else self.text


# Words the rules write inside formulas (\\text{…}), in both languages, by key (rules write them with
# solver.i18n.math_word(key), or in English; the renderers look them up by their English). Symbols (x_out, shape(Y),
# bias=False) stay. An English text with spaces around it is matched as it is: " params" is a word, \\text{params}
# (a name) is not.
register({
    "math.or": ("or", "或"), "math.if": ("if", "若"), "math.otherwise": ("otherwise", "否则"),
    "math.per_layer": ("per layer", "每层"), "math.factor": ("factor", "因子"), "math.plain": ("plain", "普通网络"),
    "math.plain_colon": ("plain:", "普通网络："), "math.plain_paren": ("(plain)", "（普通网络）"),
    "math.residual_colon": ("residual:", "残差网络："), "math.residual_paren": ("(residual)", "（残差网络）"),
    "math.additions": ("additions", "次加法"), "math.multiplications": ("multiplications", "次乘法"),
    "math.comparisons": ("comparisons", "次比较"), "math.divisions": ("divisions", "次除法"),
    "math.uniform": ("uniform", "均匀分布"), "math.normal": ("normal", "正态分布"),
    "math.locally_connected": ("locally connected:", "局部连接："), "math.dense": ("dense:", "全连接："),
    "math.average": ("average:", "平均："), "math.same_window": ("with the same window:", "窗口相同："),
    "math.bytes": ("bytes", "字节"), "math.transposed_conv": ("transposed conv", "转置卷积"),
    "math.factors_q": ("factors over ℚ", "在 ℚ 上可分解"),
    "math.relu_half": ("(ReLU keeps half of the signal)", "（ReLU 保留一半的信号）"),
    "math.every_pixel": ("for every pixel, i.e.", "对每个像素，即"),
    "math.scaled": ("(scaled)", "（缩放）"), "math.unscaled": ("(unscaled)", "（不缩放）"),
    "math.output_sp": ("output ", "输出 "), "math.params_sp": (" params", " 个参数"),
    "math.rows": ("rows", "行数"), "math.output_size": ("output\\_size", "输出尺寸"),
    "math.and": ("and", "且"),
})


def localise_latex(latex: str, lang: str) -> str:
    """The words sympy writes into LaTeX (``\\text{for}``, ``\\text{otherwise}``) and the catalogue's words for
    formulas (:func:`solver.i18n.math_words`) inside ``\\text{…}`` in the reader's language. A condition's
    ``\\wedge`` (sympy's ``&``) is written as a textbook writes it, ``若 … 且 …`` / ``if … and …``.

    >>> localise_latex(r"\\begin{cases} a & \\text{for}\\: i \\geq k \\\\0 & \\text{otherwise} \\end{cases}", "zh")
    '\\\\begin{cases} a & \\\\text{若 }i \\\\geq k \\\\\\\\0 & \\\\text{否则} \\\\end{cases}'
    >>> localise_latex(r"w \\text{for}\\: i \\geq k \\wedge j \\geq l", "zh"), localise_latex(r"i \\wedge j", "en")
    ('w \\\\text{若 }i \\\\geq k\\\\text{ 且 }j \\\\geq l', 'i\\\\text{ and }j')
    """
    zh = lang == "zh"
    words = math_words(lang)
    latex = re.sub(r"\\text\{for\}\\[:;,]?\s*", lambda m: r"\text{" + words["if"] + " }", latex)
    latex = re.sub(r"\s*\\wedge\s*", lambda m: r"\text{ " + words["and"] + " }", latex)
    if not zh:
        return latex

    def word(m: re.Match) -> str:
        inner = m.group(1)
        if inner in words:
            return r"\text{" + words[inner] + "}"
        key = inner.strip()
        if key not in words:
            return m.group(0)
        return r"\text{" + inner[:len(inner) - len(inner.lstrip())] + words[key] + inner[len(inner.rstrip()):] + "}"
    return re.sub(r"\\text\{([^{}]*)\}", word, latex)


def show_value(value: Any, lang: str = "en") -> str:
    """A compact display of a JSON answer value in ``lang`` (booleans and matrices in words, expressions as
    Unicode mathematics — never sympy's own syntax)."""
    from .common import show_value as neutral
    if isinstance(value, bool):
        return Msg("sum.true.value" if value else "sum.false.value").render(lang)
    if isinstance(value, dict) and "rows" in value:
        rows = value["rows"]
        return Msg("sum.matrix", r=len(rows), c=len(rows[0]) if rows else 0).render(lang)
    if isinstance(value, dict) and "latex" in value:
        from .unicode_math import to_unicode
        return to_unicode(localise_latex(str(value["latex"]), lang))
    return neutral(value)


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("zh") or "")
    return str(value)


def _net_label(ex: Any, name: str, lang: str) -> str:
    nets = ex.given.get("networks") if isinstance(ex.given, dict) else None
    if isinstance(nets, dict) and isinstance(nets.get(name), dict) and nets[name].get("label"):
        return _text(nets[name]["label"], lang)
    return name


def _dims(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value) and value:
        return "×".join(str(v) for v in value)
    return show_value(value)


def _network(ex: Any, part: Any, value: Any, lang: str) -> Item:
    q, opt = part.quantity, part.options
    if q == "ratio":
        what = Msg(f"sum.what.{opt.get('of', 'params')}")
        label = Msg("sum.ratio", what=what, num=_net_label(ex, str(opt.get("numerator")), lang),
                    den=_net_label(ex, str(opt.get("denominator")), lang)).render(lang)
        return Item(label, show_value(value, lang))
    what: Any = Msg(f"sum.{q}")
    if "at" in opt:
        what = Msg("sum.at", what=what, n=str(opt["at"]))
    if "network" in opt and len(ex.given.get("networks") or {}) > 1:
        what = Msg("sum.of_net", what=what, net=_net_label(ex, str(opt["network"]), lang))
    label = what.render(lang)
    if q in ("params", "macs", "flops") and isinstance(value, int):
        return Item(label, Msg(f"sum.unit.{q}", v=value).render(lang))
    if q in ("receptive_field", "jump") and isinstance(value, list):
        return Item(label, Msg("sum.unit.rf" if q == "receptive_field" else "sum.unit.jump",
                               v=_dims(value)).render(lang))
    return Item(label, _dims(value))


def _item(solution: Any, part: Any, lang: str) -> Item:
    ex, value = solution.exercise, solution.answers[part.id]
    q, opt = part.quantity, part.options
    if ex.kind in ("network", "rf_proof") and q in ("output_shape", "params", "macs", "flops", "receptive_field",
                                                     "jump", "ratio"):
        return _network(ex, part, value, lang)
    if q == "proof":
        return Item(Msg("sum.proof").render(lang), Msg("sum.proof.value").render(lang) if value is True
                    else show_value(value, lang))
    if q == "explanation":
        points = (solution.context.get("points") or {}).get(part.id)
        if points:
            from ..explain.solve import reference_text
            value = reference_text(points, lang)
        label = Msg("sum.explanation") if len(ex.ask) == 1 else \
            part_label(part, None if "label" in opt else Msg("sum.part", n=Plain(f"({part.index + 1})")))
        return Item(label.render(lang), str(value))
    if q == "program" and isinstance(value, dict):
        return Item(Msg("sum.program").render(lang), Msg("sum.program.value", cases=value.get("cases", 0)).render(lang),
                    code=str(value.get("signature") or value.get("function", "")))
    if q in ("equal", "identity") and isinstance(value, bool):
        expr = part_label(part, Plain(str(opt["expr"])) if "expr" in opt else None).render(lang)
        return Item(expr, Msg("sum.true" if value else "sum.false").render(lang))
    if q == "composable" and isinstance(value, bool):
        factor = opt.get("factor")
        label = Msg("sum.composable", expr=str(opt.get("expr", "")),
                    factor="×".join(map(str, factor)) if isinstance(factor, list) else str(factor)).render(lang)
        return Item(label, Msg("sum.composable.true" if value else "sum.composable.false").render(lang))
    if q == "value":
        text = show_value(value, lang)
        latex = ""
        if isinstance(value, list) and value and all(isinstance(r, list) for r in value) and \
                all(not isinstance(c, list) for r in value for c in r):
            latex = r"\begin{bmatrix}" + r" \\ ".join(" & ".join(_num(c) for c in r) for r in value) + r"\end{bmatrix}"
        return Item(part_label(part, Plain(str(opt["expr"])) if "expr" in opt else None).render(lang), text, latex)
    if q in ("jacobian", "partial", "backprop"):
        wrt = str(opt.get("wrt", ""))
        label = {"jacobian": Msg("sum.jacobian", wrt=wrt), "backprop": Msg("sum.backprop", wrt=wrt)}.get(
            q, Msg(f"sum.partial.{wrt}") if wrt in ("W", "X") else Msg("sum.explanation")).render(lang)
        latex = localise_latex(str(value.get("latex", "")), lang) if isinstance(value, dict) else ""
        return Item(label, show_value(value, lang), latex if q != "jacobian" else "")
    try:
        label = part_label(part, _quantity_label(part)).render(lang)
    except KeyError:            # an option the catalogue has no words for: the part's number, never its id
        label = part_label(part).render(lang)
    return Item(label, show_value(value, lang))


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def part_labels(solution: Any, lang: str) -> dict[str, str]:
    """Part id → the part in the question's words (what a check line names instead of the id)."""
    labels = {}
    for part in solution.exercise.ask:
        try:
            labels[part.id] = _item(solution, part, lang).label if part.id in solution.answers else part.id
        except Exception:       # noqa: BLE001 - a label is a nicety: the id still names the part
            labels[part.id] = part.id
    return labels


def conclusion(solution: Any, lang: str) -> list[Item]:
    """One :class:`Item` per asked part, in the order asked."""
    return [_item(solution, part, lang) for part in solution.exercise.ask if part.id in solution.answers]
