"""``kind: convolution``: numeric convolution, pooling, rotation and transposition, entry by entry.

Exercise format::

    kind: convolution
    given:
      values: {X: [[0, 1, 2], [3, 4, 5], [6, 7, 8]], K: [[0, 1], [2, 3]]}
    ask:
      - {id: Y, quantity: value, expr: "corr(K, X)"}           # a matrix (or vector)
      - {id: same, quantity: equal, expr: "K * X = T(K) * X"}   # true/false, compared entry by entry

Example:
    >>> from solver.bank import load_exercise
    >>> solve(load_exercise("24.4")).answers["output"]
    [7, -6, 8, -2, 5]
"""
from __future__ import annotations

from fractions import Fraction
from math import prod
from typing import Any

from .. import latex as tex
from ..i18n import Items, Join, Msg, Plain, label_ok, part_label
from ..model import Exercise, Part, check_keys
from ..steps import Solution, Step
from ..values import shape_text, to_json
from .evaluate import EvalError, Entry, TraceItem, Value, evaluate
from .expr import Eq, ExprError, parse

QUANTITIES = ("value", "equal", "composable")
MAX_ALL_ENTRIES = 36
MAX_VALUE_ENTRIES = 10_000      # entries of one given value (the bank's largest has 64); work: evaluate.MAX_WORK


def read_values(ex: Exercise) -> dict[str, Value]:
    g = ex.given
    check_keys(ex, g, ("values",), ("given",), has="given has values: {name: matrix}")
    raw = g.get("values")
    if not isinstance(raw, dict) or not raw:
        raise ex.error("values must map names to numbers, vectors or matrices", ("given", "values"))
    env = {}
    for name, data in raw.items():
        path = ("given", "values", name)
        if not isinstance(name, str) or not name.isidentifier():
            raise ex.error(f"'{name}' is not a valid name", path)
        try:
            value = Value.of(_exact(data))
            _check_rectangular(value.data, value.rank)
        except (EvalError, TypeError) as exc:
            raise ex.error(f"{exc}", path) from None
        if prod(value.shape) > MAX_VALUE_ENTRIES:
            raise ex.error(f"{name} is {shape_text(value.shape)}: exact entry-by-entry convolution is "
                           f"limited to {MAX_VALUE_ENTRIES:,} entries per value (100×100)", path)
        env[name] = value
    return env


def _exact(data: Any) -> Any:
    if isinstance(data, list):
        return [_exact(d) for d in data]
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise TypeError(f"entries must be numbers, got {data!r}")
    return data if isinstance(data, int) else Fraction(str(data))


def _check_rectangular(data: Any, rank: int) -> None:
    if rank <= 1:
        if rank == 1 and any(isinstance(d, list) for d in data):
            raise EvalError("mixed nesting")
        return
    lengths = {len(d) if isinstance(d, list) else -1 for d in data}
    if len(lengths) != 1 or -1 in lengths:
        raise EvalError("rows of different lengths: the matrix is not rectangular")
    for d in data:
        _check_rectangular(d, rank - 1)


def read_expr_part(ex: Exercise, part: Part, kind: str, quantities: tuple[str, ...], example: str) -> Any:
    """The parsed ``expr`` of a part (kinds convolution and identity), errors located in the file."""
    if part.quantity not in quantities:
        raise ex.error(f"unknown quantity '{part.quantity}' for kind {kind}; known: {', '.join(quantities)}",
                       ("ask", part.index, "quantity"))
    for key in part.options:
        if key == "label" and not label_ok(part.options[key]):
            raise ex.error("label is the part in the question's words: a text, or {en: …, zh: …}",
                           ("ask", part.index, key))
        if key not in ("expr", "factor", "label"):
            raise ex.error(f"unknown option '{key}'; a {kind} part has expr (and a label)", ("ask", part.index, key))
    text = part.options.get("expr")
    if not isinstance(text, str):
        raise ex.error(f"expr is required, e.g. expr: \"{example}\"", ("ask", part.index))
    try:
        return parse(text)
    except ExprError as exc:
        raise ex.error(str(exc), ("ask", part.index, "expr")) from None


def _parse_part(ex: Exercise, part: Part) -> Any:
    node = read_expr_part(ex, part, "convolution", QUANTITIES, "corr(K, X)")
    if part.quantity == "composable":
        size = part.options.get("factor")
        if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size)):
            raise ex.error("a composable part needs factor: [rows, cols], the size of the first kernel",
                           ("ask", part.index, "factor"))
        return node
    if (part.quantity == "equal") != isinstance(node, Eq):
        want = "an identity 'left = right'" if part.quantity == "equal" else "an expression without '='"
        raise ex.error(f"quantity {part.quantity} needs {want}", ("ask", part.index, "expr"))
    return node


# ------------------------------------------------------------------ steps


def _sub(index: tuple[int, ...]) -> str:
    parts = [str(i + 1) for i in index]
    return "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)


def _factor(v: Any) -> str:
    text = tex.entry(v)
    return f"({text})" if text.startswith("-") else text


def _entry_math(symbol: str, e: Entry, one_d: bool, op: str) -> str:
    index = e.index[1:] if one_d else e.index
    lhs = f"{symbol}_{{{_sub(index)}}}"
    if op in ("maxpool", "avgpool"):
        vals = ", ".join(tex.entry(v) for v in e.window if v is not None)
        fn = r"\max" if op == "maxpool" else r"\operatorname{mean}"
        return rf"{lhs} = {fn}({vals}) = {tex.entry(e.value)}"
    products = " + ".join(rf"{_factor(w)} \times {_factor(x)}" for w, x in e.terms)
    return rf"{lhs} = {products} = {tex.entry(e.value)}"


def _formula(item: TraceItem, one_d: bool) -> str:
    """The entry formula with this item's stride and dilation put in (indices from 1)."""
    (sh, sw), (dh, dw) = item.geometry.stride, item.geometry.dilation

    def index(out: str, k: str, s: int, d: int) -> str:
        base = f"{out}+{k}−1" if s == 1 else f"{s}({out}−1)+{k}" if d == 1 else f"{s}({out}−1)+{d}({k}−1)+1"
        if s == 1 and d != 1:
            base = f"{out}+{d}({k}−1)"
        return base
    if one_d:
        return f"y_k = Σ_m w_m · x_({index('k', 'm', sw, dw)})"
    return f"y_kl = Σ_m Σ_n w_mn · x_({index('k', 'm', sh, dh)}, {index('l', 'n', sw, dw)})"


def _geometry_msg(item: TraceItem) -> Any:
    g = item.geometry
    if g.stride == (1, 1) and not any(g.padding) and item.mode is None:
        return Plain("")
    stride = str(g.stride[0]) if g.stride[0] == g.stride[1] else "×".join(map(str, g.stride))
    top, bottom, left, right = g.padding
    if item.one_d:
        padding = str(left) if left == right else f"{left} / {right}"
        stride = str(g.stride[1])
    else:
        padding = str(top) if len({top, bottom, left, right}) == 1 else f"{top},{bottom} / {left},{right}"
    mode = Msg("conv.mode", mode=item.mode) if item.mode else Plain("")
    return Msg("conv.geometry", stride=stride, padding=padding, mode=mode)


def _item_steps(item: TraceItem, one_d: bool) -> Step:
    expr_text = Plain(node_text(item.node))
    geometry = _geometry_msg(item)
    math: list[str] = []
    if item.op in ("corr", "conv"):
        title = Msg(f"conv.{item.op}.title", expr=expr_text)
        text = Msg(f"conv.{item.op}.text{'_1d' if one_d else ''}", geometry=geometry, formula=Plain(_formula(item, one_d)))
        if item.op == "conv":
            kernel, used = (item.kernel[0], item.kernel_used[0]) if one_d else (item.kernel, item.kernel_used)
            math.append(rf"\operatorname{{rot180}}\left({tex.matrix(kernel)}\right) = {tex.matrix(used)}")
        if any(item.geometry.padding):
            padded = item.input_padded[0] if one_d else item.input_padded
            math.append(rf"X_p = {tex.matrix(padded)}")
    elif item.op in ("maxpool", "avgpool"):
        how = item.op[:3]
        title = Msg("conv.pool.title", how=Msg(f"conv.how.{how}"), expr=expr_text)
        k = len(item.entries[0].window) ** 0.5 if item.entries else 0
        text = Msg("conv.pool.text", how=Msg(f"conv.how.{how}.word"), k=int(round(k)), geometry=geometry)
        if any(item.geometry.padding):
            math.append(rf"X_p = {tex.matrix([[v if v is not None else None for v in r] for r in item.input_padded])}")
    else:
        return Step(Msg("conv.op.title", expr=expr_text), text=Msg(f"conv.op.{item.op}"),
                    math=[rf"{tex.matrix(item.input)} \to {tex.matrix(item.result)}"], result=to_json(item.result),
                    rule=f"convolution.{item.op}")
    if item.out_channel is not None:
        title = Join((title, Msg("conv.channel_out", o=item.out_channel + 1, c=(item.channel or 0) + 1)))
    elif item.channel is not None:
        title = Join((title, Msg("conv.channel", c=item.channel + 1)))
    entries = item.entries
    shown = entries if len(entries) <= MAX_ALL_ENTRIES else [e for e in entries if e.index[0] == 0][:8]
    text = Join((text, Msg("conv.entries.all") if shown is entries else
                 Msg("conv.entries.some", shown=len(shown), total=len(entries))))
    math += [_entry_math("y", e, one_d, item.op) for e in shown]
    result = item.result[0] if one_d else item.result
    math.append(rf"Y = {tex.matrix(result)}")
    return Step(title, text=text, math=math, result=to_json(result), rule=f"convolution.{item.op}")


def _new_items(trace: list[TraceItem], shown_before: set[str]) -> list[TraceItem]:
    """Trace items not already derived in an earlier part (an ``equal`` part reuses them)."""
    fresh = []
    for item in trace:
        key = node_text(item.node) + f"#{item.channel}#{item.out_channel}"
        if key not in shown_before:
            shown_before.add(key)
            fresh.append(item)
    return fresh


def _item_steps_with_sum(item: TraceItem, trace: list[TraceItem]) -> list[Step]:
    """The item's step, plus the sum over input channels after the last channel of a multi-channel convolution."""
    steps = [_item_steps(item, item.one_d)]
    if item.channel is None or item.op not in ("corr", "conv"):
        return steps
    group = [t for t in trace if t.node is item.node and t.out_channel == item.out_channel and t.channel is not None]
    if group and item is group[-1] and len(group) > 1:
        total = group[0].result
        for t in group[1:]:
            total = [[a + b for a, b in zip(ra, rb)] for ra, rb in zip(total, t.result)]
        terms = " + ".join(tex.matrix(t.result) for t in group)
        title: Any = Msg("conv.sum.title")
        if item.out_channel is not None:
            title = Join((title, Msg("conv.out_channel", o=item.out_channel + 1)))
        steps.append(Step(title, text=Msg("conv.sum.text"), math=[rf"Y = {terms} = {tex.matrix(total)}"],
                          result=to_json(total), rule="convolution.channel_sum"))
    return steps


def node_text(node: Any) -> str:
    """Readable text of an expression node (language-neutral)."""
    from .expr import BinOp, Call, Name, Neg, Num
    if isinstance(node, Num):
        return str(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Neg):
        return "−" + node_text(node.operand)
    if isinstance(node, BinOp):
        return f"{node_text(node.left)} {node.op} {node_text(node.right)}"
    if isinstance(node, Eq):
        return f"{node_text(node.left)} = {node_text(node.right)}"
    args = [node_text(a) for a in node.args] + [f"{k}={v}" for k, v in node.kwargs]
    return f"{node.func}({', '.join(args)})"




def _composable_step(ex: Exercise, part: Part, value: Value) -> Step:
    import sympy

    from .compose import composable
    if value.rank != 2:
        raise ex.error("composable needs a matrix", ("ask", part.index, "expr"))
    size = tuple(part.options["factor"])
    try:
        ok, info = composable(value.data, size)
    except ValueError as exc:
        raise ex.error(str(exc), ("ask", part.index, "factor")) from None
    m2, n2 = info["b_size"]
    math = [rf"K(x, y) = {sympy.latex(info['polynomial'])}",
            rf"K(x, y) = A(x, y)\,B(x, y),\quad A = {sympy.latex(info['pa'])},\quad B = {sympy.latex(info['pb'])}",
            rf"\text{{factors over ℚ}}: {sympy.latex(info['factors'][1])}"]
    if info["solutions"]:
        math.append(rf"{sympy.latex(info['solutions'][0])}")
    text = Msg("conv.compose.yes" if ok else "conv.compose.no", n=info["equations"], m1=size[0], n1=size[1],
               m2=m2, n2=n2, s=len(info["solutions"]))
    return Step(Msg("conv.compose.title", m1=size[0], n1=size[1], m2=m2, n2=n2), text=text, math=math, result=ok,
                rule="convolution.composable")


def _given_step(env: dict[str, Value]) -> Step:
    math = []
    for name, v in env.items():
        if v.rank == 0:
            math.append(f"{name} = {tex.entry(v.data)}")
        elif v.rank <= 2:
            math.append(rf"{name} = {tex.matrix(v.data)} \quad ({shape_text(v.shape)})")
        else:
            blocks = ", ".join(tex.matrix(m) if v.rank == 3 else "…" for m in v.data)
            math.append(rf"{name} = \left( {blocks} \right) \quad ({shape_text(v.shape)})")
    return Step(Msg("conv.given.title"), text=Msg("conv.given.text"), math=math, rule="convolution.given")


def _differences(a: Value, b: Value) -> Any:
    if a.shape != b.shape:
        return Msg("conv.equal.shape", a=shape_text(a.shape), b=shape_text(b.shape))
    am, bm = a.as_matrix(), b.as_matrix()
    diffs = [(i, j) for i, row in enumerate(am) for j, v in enumerate(row) if v != bm[i][j]]
    if not diffs:
        return None
    i, j = diffs[0]
    return Msg("conv.equal.entries", n=len(diffs), i=i + 1, j=j + 1, a=Plain(tex.entry(am[i][j]).replace("{,}", ",")),
               b=Plain(tex.entry(bm[i][j]).replace("{,}", ",")))


def solve(ex: Exercise) -> Solution:
    """Evaluate every part; steps show each convolution entry as its sum of products."""
    env = read_values(ex)
    nodes = {p.id: _parse_part(ex, p) for p in ex.ask}
    steps = [_given_step(env)]
    answers: dict[str, Any] = {}
    shown_before: set[str] = set()
    for part in ex.ask:
        node = nodes[part.id]
        sides = [node.left, node.right] if isinstance(node, Eq) else [node]
        values = []
        part_steps: list[Step] = []
        for side in sides:
            try:
                value, trace = evaluate(side, env)
            except EvalError as exc:
                raise ex.error(f"{exc}", ("ask", part.index, "expr")) from None
            for item in _new_items(trace, shown_before):
                part_steps += _item_steps_with_sum(item, trace)
            values.append(value)
        if part.quantity == "composable":
            part_steps.append(_composable_step(ex, part, values[0]))
            answers[part.id] = part_steps[-1].result
            steps += part_steps
            continue
        if isinstance(node, Eq):
            diff = _differences(values[0], values[1])
            answers[part.id] = diff is None
            relation = "=" if diff is None else r"\ne"
            math = [f"{tex.matrix(values[0].as_matrix())} {relation} {tex.matrix(values[1].as_matrix())}"]
            part_steps.append(Step(Msg("conv.equal.title", expr=Plain(node_text(node))),
                                   text=Msg("conv.equal.yes") if diff is None else Msg("conv.equal.no", where=diff),
                                   math=math, result=answers[part.id], rule="convolution.equal"))
        else:
            answers[part.id] = to_json(values[0].data)
            part_steps.append(Step(Msg("conv.result.title.label" if "label" in part.options else "conv.result.title",
                                       part=part_label(part, Plain(node_text(node)))),
                                   text=Msg("conv.result.text", expr=Plain(node_text(node))),
                                   math=[rf"{tex.text(node_text(node))} = {tex.matrix(values[0].data) if values[0].rank else tex.entry(values[0].data)}"],
                                   result=answers[part.id], rule="convolution.result"))
        steps += part_steps
    from .expr import Name
    sides = [side for n in nodes.values() for side in ([n.left, n.right] if isinstance(n, Eq) else [n])]
    computed = [side for side in sides if not isinstance(side, Name)] or sides   # a given matrix is not computed
    plan = [Msg("conv.plan.read"),
            Msg("conv.plan.compute", expr=Items(tuple(Plain(t) for t in dict.fromkeys(map(node_text, computed)))))]
    if any(isinstance(n, Eq) for n in nodes.values()):
        plan.append(Msg("conv.plan.compare"))
    plan.append(Msg("conv.plan.verify"))
    return Solution(ex, plan, steps, answers, context={"nodes": nodes, "env": env})
