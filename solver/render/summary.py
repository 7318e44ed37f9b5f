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

from ..i18n import Msg, register
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
})


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


# Words the rules write inside formulas (\text{…}), in Chinese. Symbols (x_out, shape(Y), bias=False) stay.
TEXT_ZH = {
    "or": "或", "for": "若", "otherwise": "否则", "per layer": "每层", "factor": "因子", "plain": "普通网络",
    "plain:": "普通网络：", "(plain)": "（普通网络）", "residual:": "残差网络：", "(residual)": "（残差网络）",
    "additions": "次加法", "multiplications": "次乘法", "comparisons": "次比较", "divisions": "次除法",
    "uniform": "均匀分布", "normal": "正态分布", "locally connected:": "局部连接：", "dense:": "全连接：",
    "average:": "平均：", "with the same window:": "窗口相同：", "bytes": "字节", "transposed conv": "转置卷积",
    "factors over ℚ": "在 ℚ 上可分解", "(ReLU keeps half of the signal)": "（ReLU 保留一半的信号）",
    "for every pixel, i.e.": "对每个像素，即", "(scaled)": "（缩放）", "(unscaled)": "（不缩放）",
    "if": "若",
}
TEXT_ZH_EXACT = {"output ": "输出 ", " params": " 个参数"}     # spaced: a word, not a name such as \text{output}


def localise_latex(latex: str, lang: str) -> str:
    """The words sympy writes into LaTeX (``\\text{for}``, ``\\text{otherwise}``) in the reader's language;
    in Chinese the words of :data:`TEXT_ZH` inside ``\\text{…}`` too.

    >>> localise_latex(r"\\begin{cases} a & \\text{for}\\: i \\geq k \\\\0 & \\text{otherwise} \\end{cases}", "zh")
    '\\\\begin{cases} a & \\\\text{若 } i \\\\geq k \\\\\\\\0 & \\\\text{否则} \\\\end{cases}'
    """
    zh = lang == "zh"
    latex = re.sub(r"\\text\{for\}\\[:;,]?\s*", r"\\text{若 } " if zh else r"\\text{if } ", latex)
    if not zh:
        return latex

    def word(m: re.Match) -> str:
        inner = m.group(1)
        if inner in TEXT_ZH_EXACT:
            return r"\text{" + TEXT_ZH_EXACT[inner] + "}"
        key = inner.strip()
        if key not in TEXT_ZH:
            return m.group(0)
        return r"\text{" + inner[:len(inner) - len(inner.lstrip())] + TEXT_ZH[key] + \
            inner[len(inner.rstrip()):] + "}"
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
        label = Msg("sum.explanation").render(lang) if len(ex.ask) == 1 else part.id
        return Item(label, str(value))
    if q == "program" and isinstance(value, dict):
        return Item(Msg("sum.program").render(lang), Msg("sum.program.value", cases=value.get("cases", 0)).render(lang),
                    code=str(value.get("signature") or value.get("function", "")))
    if q in ("equal", "identity") and isinstance(value, bool):
        expr = str(opt.get("expr", part.id))
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
        return Item(str(opt.get("expr", part.id)), text, latex)
    if q in ("jacobian", "partial", "backprop"):
        wrt = str(opt.get("wrt", ""))
        label = {"jacobian": Msg("sum.jacobian", wrt=wrt), "backprop": Msg("sum.backprop", wrt=wrt)}.get(
            q, Msg(f"sum.partial.{wrt}") if wrt in ("W", "X") else Msg("sum.explanation")).render(lang)
        latex = localise_latex(str(value.get("latex", "")), lang) if isinstance(value, dict) else ""
        return Item(label, show_value(value, lang), latex if q != "jacobian" else "")
    return Item(part.id, show_value(value, lang))


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
