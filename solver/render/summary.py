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

from ..i18n import Msg, Plain, math_words, part_label
from ..record import record
from ..values import shape_text

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
    latex = latex.replace(r"\#\text{params}", r"\text{" + words["#params"] + "}")     # #params: 参数量

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
        return shape_text(value)
    return show_value(value)


def _network(ex: Any, part: Any, value: Any, lang: str) -> Item:
    q, opt = part.quantity, part.options
    if q == "ratio":
        what = Msg(f"sum.what.{opt.get('of', 'params')}")
        label = part_label(part, Msg("sum.ratio", what=what, num=_net_label(ex, str(opt.get("numerator")), lang),
                                     den=_net_label(ex, str(opt.get("denominator")), lang))).render(lang)
        return Item(label, show_value(value, lang))
    what: Any = Msg(f"sum.{q}")
    if "at" in opt:             # counts are of that layer; shapes, fields and jumps after it
        named = isinstance(opt["at"], str)
        key = ("sum.at_named" if named else "sum.at_layer") if q in ("params", "macs", "flops") else \
            ("sum.after_named" if named else "sum.at")
        what = Msg(key, what=what, n=str(opt["at"]))
    if "network" in opt and len(ex.given.get("networks") or {}) > 1:
        what = Msg("sum.of_net", what=what, net=_net_label(ex, str(opt["network"]), lang))
    label = part_label(part, what).render(lang)          # the part's own label (ask item ``label``) first
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
                    factor=shape_text(factor) if isinstance(factor, list) else str(factor)).render(lang)
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
