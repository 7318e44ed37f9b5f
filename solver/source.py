"""Compare a computed answer with what the source printed (``source_answer``), and show what the source says that
is wrong (``errata``, every kind; see the section at the end).

A printed value is either the value itself, or a mapping that says how it was printed:
``{value: 7.23e6, sig: 3}`` (rounded to 3 significant figures), ``{value: 0.127, rel: 0.005}``
(relative tolerance), ``{value: [28, 28, 32], layout: HWC}`` (a shape written H×W×C).

Example:
    >>> compare_printed([32, 28, 28], {"value": [28, 28, 32], "layout": "HWC"}, "shape").ok
    True
    >>> compare_printed(7225344, {"value": 7.23e6, "sig": 3}, "flops").ok
    True
"""
from __future__ import annotations

import ast as _ast
import math
import operator as _op
from typing import Any

from .i18n import Msg, Plain, Text, Value
from .record import record
from .steps import Check
from .values import shape_text, show_value


def _to_layout(chw: list[Any], layout: str) -> list[Any]:
    """Reorder a channels-first shape into ``layout`` (HWC, WHC, CHW, LC, CL)."""
    layout = layout.upper()
    names = "C" + ("HW" if len(chw) == 3 else "L" if len(chw) == 2 else "")
    index = {n: i for i, n in enumerate(names)}
    return [chw[index[ch]] for ch in layout]


def _close(a: Any, b: Any, rel: float, abs_tol: float) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel, abs_tol) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)
    return a == b


def _is_matrix(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(r, list) and r and not isinstance(r[0], list) for r in v)


def _shape(m: list[list[Any]]) -> tuple[int, ...]:
    return (len(m),) + tuple(len(r) for r in m)


def compare_printed(value: Any, printed: Any, part: str) -> Check:
    """A ``by: source`` check of one part."""
    spec = printed if isinstance(printed, dict) and "value" in printed else {"value": printed}
    target = spec["value"]
    ours = value
    if "layout" in spec and isinstance(value, list):
        ours = _to_layout(value, str(spec["layout"]))
    rel, abs_tol = float(spec.get("rel", 1e-9)), float(spec.get("abs", 0.0))
    if "sig" in spec and isinstance(target, (int, float)) and target != 0:
        abs_tol = 0.5 * 10 ** (math.floor(math.log10(abs(target))) - int(spec["sig"]) + 1)
        rel = 0.0
    ok = _close(ours, target, rel, abs_tol)
    if "layout" in spec:
        shown = Plain(shape_text(target))
    elif "sig" in spec and isinstance(target, float):
        shown = Plain(f"{target:.{int(spec['sig'])}g}".replace("e+0", "e").replace("e+", "e"))
    else:
        shown = Value(target)
    if not ok and _is_matrix(ours) and _is_matrix(target) and _shape(ours) == _shape(target):
        i, j = next((i, j) for i, row in enumerate(ours) for j, v in enumerate(row)
                    if not _close(v, target[i][j], rel, abs_tol))
        wrong = sum(1 for r, row in enumerate(ours) for c, v in enumerate(row) if not _close(v, target[r][c], rel, abs_tol))
        detail = Msg("src.wrong_entry", n=wrong, i=i + 1, j=j + 1, printed=Value(target[i][j]),
                     value=Value(ours[i][j]))
    elif not ok:
        detail = Msg("src.wrong", printed=shown, value=Value(ours if "layout" in spec else value))
    elif "layout" in spec:
        detail = Msg("src.agree_layout", printed=shown, layout=Plain(shape_text(str(spec["layout"]).upper())))
    elif "sig" in spec:
        detail = Msg("src.agree_approx", printed=shown, sig=int(spec["sig"]))
    else:
        detail = Msg("src.agree", printed=shown)
    return Check("source", part, ok, detail)


def source_checks(answers: dict[str, Any], printed: dict[str, Any]) -> list[Check]:
    """One check per printed part."""
    return [compare_printed(answers[pid], value, pid) for pid, value in printed.items() if pid in answers]


# ------------------------------------------------------------------ errata: what the source says that is wrong
#
# Every kind reads them from one place: the top-level ``errata:`` list of an exercise file (the older
# ``given.errata`` of the nn_basics kinds is read the same way). Each erratum is
#
#     - where: {en: "§3.2.1, padding", zh: "3.2.1 节“填充”"}     # optional: where the source says it
#       printed: {en: ..., zh: ...}                               # what the source says
#       fact: {en: ..., zh: ...}                                  # what is in fact true
#       evidence:                                                 # optional: computed when the exercise is solved
#         - {label: {en: ..., zh: ...}, printed: "28 - 4", fact: "shape_conv1[1]"}
#
# An evidence line evaluates two expressions — what the source's reading gives and what is true — over the
# exercise's parameters, its answers (by part id) and ``given``; they must differ (else the erratum is not borne
# out: an input error for the book's numbers; in a variant the line is left out). Expressions: numbers, lists,
# + − × / // % **, indexing, abs min max ceil floor sqrt log len sum round; no ``eval``.

ERRATA_MAX = 8
_FUNCTIONS = {"abs": abs, "min": min, "max": max, "ceil": math.ceil, "floor": math.floor, "sqrt": math.sqrt,
              "log": math.log, "len": len, "sum": sum, "round": round}
_BINARY = {_ast.Add: _op.add, _ast.Sub: _op.sub, _ast.Mult: _op.mul, _ast.Div: _op.truediv,
           _ast.FloorDiv: _op.floordiv, _ast.Mod: _op.mod, _ast.Pow: _op.pow}


@record(frozen=True)
class Evidence:
    label: Text
    printed: str                 # an expression: what the source's reading gives
    fact: str                    # an expression: what is true


@record(frozen=True)
class Erratum:
    printed: Text
    fact: Text
    where: Text | None = None
    evidence: tuple = ()
    path: tuple = ()             # where the erratum is in the exercise file


def evidence_value(text: str, env: dict[str, Any]) -> Any:
    """Evaluate an evidence expression over ``env`` by walking its syntax tree.

    >>> evidence_value("[ceil((2 - 1) / 2), floor((2 - 1) / 2)]", {})
    [1, 0]
    >>> evidence_value("shape[1] - 4", {"shape": [6, 28, 28]})
    24
    """
    tree = _ast.parse(text, mode="eval")

    def ev(node: _ast.AST) -> Any:
        if isinstance(node, _ast.Expression):
            return ev(node.body)
        if isinstance(node, _ast.Constant) and isinstance(node.value, (int, float, str)) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, _ast.Name):
            if node.id not in env:
                raise KeyError(f"unknown name '{node.id}' (parameters, part ids and given are known)")
            return env[node.id]
        if isinstance(node, (_ast.List, _ast.Tuple)):
            return [ev(e) for e in node.elts]
        if isinstance(node, _ast.BinOp) and type(node.op) in _BINARY:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, _ast.Pow) and abs(right) > 64:
                raise ValueError("exponent too large")
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, _ast.UnaryOp) and isinstance(node.op, (_ast.USub, _ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, _ast.USub) else +v
        if isinstance(node, _ast.Subscript):
            return ev(node.value)[ev(node.slice)]
        if isinstance(node, _ast.Call) and isinstance(node.func, _ast.Name) and node.func.id in _FUNCTIONS \
                and not node.keywords:
            return _FUNCTIONS[node.func.id](*[ev(a) for a in node.args])
        raise ValueError("only numbers, lists, arithmetic, indexing and "
                         + ", ".join(_FUNCTIONS) + " are allowed")
    return ev(tree)


def _text(doc: Any, value: Any, path: tuple) -> Text:
    from .model import text_field
    text = text_field(doc, value, path, True)
    if not (text.en and text.zh):
        raise doc.error("an erratum's texts are given in both languages {en: ..., zh: ...}", path)
    return text


def _erratum(doc: Any, item: Any, path: tuple) -> Erratum:
    if not isinstance(item, dict) or not {"printed", "fact"} <= set(item) \
            or not set(item) <= {"printed", "fact", "where", "evidence"}:
        raise doc.error("each erratum is {printed: {en, zh}, fact: {en, zh}} with, optionally, where: {en, zh} "
                        "and evidence: [{label, printed, fact}]", path)
    evidence = item.get("evidence", [])
    if not isinstance(evidence, list) or len(evidence) > ERRATA_MAX:
        raise doc.error("evidence is a list of {label: {en, zh}, printed: expression, fact: expression}",
                        path + ("evidence",))
    lines = []
    for j, line in enumerate(evidence):
        where = path + ("evidence", j)
        if not isinstance(line, dict) or set(line) != {"label", "printed", "fact"} \
                or not all(isinstance(line[k], str) for k in ("printed", "fact")):
            raise doc.error("an evidence line is {label: {en, zh}, printed: expression, fact: expression}", where)
        for key in ("printed", "fact"):
            try:
                _ast.parse(line[key], mode="eval")
            except SyntaxError as exc:
                raise doc.error(f"cannot read the expression {line[key]!r}: {exc.msg}", where + (key,)) from None
        lines.append(Evidence(_text(doc, line["label"], where + ("label",)), line["printed"], line["fact"]))
    return Erratum(_text(doc, item["printed"], path + ("printed",)), _text(doc, item["fact"], path + ("fact",)),
                   _text(doc, item["where"], path + ("where",)) if "where" in item else None, tuple(lines), path)


def read_errata(doc: Any, data: dict) -> list[Erratum]:
    """The errata of an exercise document: the top-level ``errata`` list, then ``given.errata`` (the older
    place, kept for the nn_basics kinds)."""
    out: list[Erratum] = []
    given = data.get("given")
    for path, raw in ((("errata",), data.get("errata")),
                      (("given", "errata"), given.get("errata") if isinstance(given, dict) else None)):
        if raw is None:
            continue
        if not isinstance(raw, list) or not raw or len(raw) > ERRATA_MAX:
            raise doc.error(f"errata is a list of 1 to {ERRATA_MAX} errata {{printed: {{en, zh}}, "
                            "fact: {en, zh}}", path)
        out += [_erratum(doc, item, path + (i,)) for i, item in enumerate(raw)]
    if len(out) > ERRATA_MAX:
        raise doc.error(f"at most {ERRATA_MAX} errata", ("errata",))
    return out


def _differ(a: Any, b: Any) -> bool:
    return not _close(a, b, 1e-9, 0.0)


def errata_steps(ex: Any, answers: dict[str, Any]) -> list:
    """One last step listing the errata: each with what the source says, what is in fact true and, where the
    file gives it, the evidence computed now from this solution's answers."""
    from .steps import Step, Table
    errata = getattr(ex, "errata", None) or []
    if not errata:
        return []
    env = {**(getattr(ex, "values", None) or {}), **answers, "given": ex.given}
    children = []
    for i, err in enumerate(errata):
        rows = []
        for j, line in enumerate(err.evidence):
            try:
                printed, fact = evidence_value(line.printed, env), evidence_value(line.fact, env)
            except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
                raise ex.error(f"cannot compute the evidence: {exc}", err.path + ("evidence", j)) from None
            if not _differ(printed, fact):
                if getattr(ex, "seed", None) is None:
                    raise ex.error(f"this evidence does not bear the erratum out: the source's reading and the "
                                   f"fact both give {show_value(fact)}", err.path + ("evidence", j))
                continue                # a variant's numbers where the source's reading happens to be right
            rows.append([line.label, Value(printed), Value(fact)])
        title = Msg("src.erratum.item.where", n=i + 1, where=err.where) if err.where else \
            Msg("src.erratum.item", n=i + 1)
        table = Table([Msg("src.erratum.col.what"), Msg("src.erratum.col.printed"), Msg("src.erratum.col.fact")],
                      rows) if rows else None
        children.append(Step(title, text=Msg("src.erratum.text", printed=err.printed, fact=err.fact),
                             table=table, rule="source.erratum"))
    return [Step(Msg("src.erratum.title"), text=Msg("src.erratum.intro"), children=children, rule="source.errata")]
