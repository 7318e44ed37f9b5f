"""The solver of ``kind: network`` with branches and blocks (see :mod:`.graph` for the format).

A network written as a plain stack of the core layers is handed to :mod:`.solve`, unchanged. Otherwise the
steps are: conventions, the input, then each top-level item — a layer with its formulas; a block with the
formulas of its layers once (an identical later use of the same block, arguments and input shape refers to
it) and its sums; a stage (a block with ``repeat``) as its blocks and their sum — then a summary table by
stage and one step per asked part.

Example:
    >>> from solver.yamlio import parse_yaml
    >>> from solver.model import exercise_from_document
    >>> ex = exercise_from_document(parse_yaml('''
    ... id: c
    ... kind: network
    ... given:
    ...   input_shape: [4, 8, 8]
    ...   layers:
    ...     - type: Concat
    ...       branches: [[{type: Conv2d, out_channels: 2, kernel_size: 1}], [{type: MaxPool2d, kernel_size: 3, stride: 1, padding: 1}]]
    ... ask: [{id: s, quantity: output_shape}, {id: p, quantity: params}, {id: r, quantity: receptive_field}]
    ... ''', "c.yaml"))
    >>> solve(ex).answers
    {'s': [6, 8, 8], 'p': 10, 'r': [3, 3]}
"""
from __future__ import annotations

from typing import Any

from .. import latex as tex
from ..i18n import Count, Join, Msg, Plain, Sep
from ..model import Exercise, Part
from ..steps import Solution, Step, Table
from ..values import shape_text
from .graph import Graph, Group, Node, is_graph, read_graphs
from .graph_answers import total_of, member_nodes, node_at, answer, target
from .layer_steps import fmt_pair
from .receptive import GENERIC, Notation, notation_for

CDOT = r" \cdot "
EXTRA_TEXT = {"embedding", "layer_norm", "group_norm", "softmax", "upsample", "zero_pad", "unflatten"}


# ---------------------------------------------------------------- steps of nodes


def _layer_text(n: Node, nota: Notation = GENERIC) -> Any:
    from .layer_steps import layer_text as core
    la, a, fam = n.la, n.layer.args, n.layer.family  # type: ignore[union-attr]
    if fam not in EXTRA_TEXT:
        return core(la, nota)
    if fam == "embedding":
        return Msg("graph.layer.embedding", n=a["num_embeddings"], d=a["embedding_dim"])
    if fam == "layer_norm":
        return Msg("graph.layer.layer_norm", shape=Plain(shape_text(a["normalized_shape"])))
    if fam == "group_norm":
        return Msg("graph.layer.group_norm", c=a["num_channels"], g=a["num_groups"])
    if fam == "softmax":
        return Msg("graph.layer.softmax", dim=a["dim"])
    if fam == "upsample":
        return Msg("graph.layer.upsample", mode=Plain(a["mode"]))
    return Msg(f"graph.layer.{fam}")


def _extra_params_math(n: Node) -> list[str]:
    a, fam = n.layer.args, n.layer.family  # type: ignore[union-attr]
    if fam == "embedding":
        return [rf"\#\text{{params}} = N \cdot d = {tex.num(a['num_embeddings'])} \cdot {a['embedding_dim']}"
                rf" = {tex.num(n.params)}"]
    if fam == "layer_norm" and n.params:
        factor = "2 \\cdot " if a["bias"] else ""
        dims = tex.product(list(a["normalized_shape"]), CDOT)
        return [rf"\#\text{{params}} = {factor}\prod \text{{shape}} = {factor}{dims} = {tex.num(n.params)}"]
    if fam == "group_norm" and n.params:
        return [rf"\#\text{{params}} = 2C = 2 \cdot {a['num_channels']} = {n.params}"]
    return []


def _jump_out(nota: Notation) -> str:
    """The jump after a node: ``J`` (Li Hang: ``I_{out}``, his I being the jump *into* a layer)."""
    return "J" if nota is GENERIC else f"{nota.jump}_{{out}}"


def _rf_math(n: Node, prev: Node, nota: Notation = GENERIC) -> list[str]:
    la = n.la
    if n.rf is None or la is None or la.windows is None or prev.rf is None or prev.jump is None:
        return []
    w = la.windows
    dims = range(len(w))
    if all(x.k == 1 and x.s == 1 for x in w):
        return []
    same = len({(w[i], prev.rf[i], prev.jump[i]) for i in dims}) == 1
    lines = []
    for i in ([0] if same else dims):
        suffix = "" if same or len(w) == 1 else rf"\ (\text{{{'HW'[i]}}})"
        dil = rf" \cdot {w[i].d}" if w[i].d != 1 else ""
        k, s, j = nota.kernel, nota.stride, nota.jump
        lines.append(rf"R = R_{{in}} + ({k} - 1){' d' if dil else ''} {j}_{{in}} = {prev.rf[i]} + ({w[i].k} - 1){dil}"
                     rf" \cdot {prev.jump[i]} = {n.rf[i]}, \quad {_jump_out(nota)} = {j}_{{in}} {s} = {prev.jump[i]}"
                     rf" \cdot {w[i].s} = {n.jump[i]}" + suffix)
    return lines


def _node_step(g: Graph, n: Node, want: set[str], nota: Notation = GENERIC) -> Step:
    from .layer_steps import macs_math as _macs_math, params_math as _params_math, size_math as _size_math
    ins = [g.nodes[i] for i in n.inputs]
    if n.op == "layer":
        assert n.la is not None and n.layer is not None
        math = [rf"{tex.shape(n.in_shapes[0])} \to {tex.shape(n.out_shape)}"] + _size_math(n.la, nota)
        if want & {"params", "ratio"}:
            math += _params_math(n.la) + _extra_params_math(n)
        if want & {"macs", "flops", "ratio"}:
            math += _macs_math(n.la)
        if want & {"receptive_field", "jump"}:
            math += _rf_math(n, ins[0], nota)
        return Step(Msg("graph.node.title", name=Plain(n.name), label=Plain(nota.layer_label(n.layer))),
                    text=_layer_text(n, nota),
                    math=math, result=list(n.out_shape), rule=f"network.layer.{n.layer.family}")
    names = Plain(" + ".join(i.name for i in ins) if n.op == "add" else ", ".join(i.name for i in ins))
    if n.op == "add":
        math = [" + ".join(tex.shape(s) for s in n.in_shapes) + rf" \to {tex.shape(n.out_shape)}"]
        texts: list[Any] = [Msg("graph.add.text")]
        grp = g.groups.get(n.name)
        if grp is not None and grp.kind == "residual" and grp.input in n.inputs:
            texts.append(Msg("graph.add.identity"))
    else:
        d = n.dim
        math = [rf"{'C' if d == 0 else 'n'} = {' + '.join(str(s[d]) for s in n.in_shapes)} = {n.out_shape[d]}"
                rf", \quad {tex.shape(n.out_shape)}"]
        texts = [Msg("graph.cat.text", dim=d + 1)]
    if want & {"receptive_field", "jump"} and n.rf is not None and n.via is not None:
        rfs = [i.rf[0] for i in ins]  # type: ignore[index]
        math.append(rf"R = \max({', '.join(map(str, rfs))})" + ("" if n.rf[0] == max(rfs) else r"\ (\text{union})")
                    + f" = {fmt_pair(n.rf)}, \\quad {_jump_out(nota)} = {fmt_pair(n.jump)}")
        texts.append(Msg("graph.rf.via", via=Plain(ins[n.via].name)))
        if n.jumps_differ:
            texts.append(Msg("graph.rf.jumps_differ", jumps=Plain(", ".join(fmt_pair(i.jump) for i in ins))))
    title = Msg("graph.add.title" if n.op == "add" else "graph.cat.title", name=Plain(n.name), inputs=names)
    return Step(title, text=Join(tuple(texts)), math=math, result=list(n.out_shape), rule=f"network.{n.op}")


def _sum_lines(label: str, values: list[int], want: set[str], macs: list[int]) -> list[str]:
    from .part_steps import sum_math as _sum_math
    lines = []
    name = tex.text(label)
    if want & {"params", "ratio"}:
        lines.append(_sum_math(rf"\#\text{{params}}({name})", values, sum(values)))
    if want & {"macs", "flops", "ratio"}:
        lines.append(_sum_math(rf"\text{{MACs}}({name})", macs, sum(macs)))
    return lines


def _args(grp: Group) -> Plain:
    return Plain(", ".join(f"{k}={v}" for k, v in grp.args.items()))


def _block_step(g: Graph, grp: Group, want: set[str], seen: dict, nota: Notation = GENERIC) -> Step:
    nodes = [g.nodes[i] for i in grp.nodes]
    inp = g.nodes[grp.input]
    key = (grp.block, tuple(sorted(grp.args.items())), inp.out_shape)
    out = g.nodes[grp.output]
    sums = _sum_lines(grp.name, [n.params for n in nodes], want, [n.macs for n in nodes])
    if key in seen:
        like = Plain(seen[key])
        refs = []
        this, that = tex.text(grp.name), tex.text(seen[key])
        if want & {"params", "ratio"}:
            p = sum(n.params for n in nodes)
            refs.append(rf"\#\text{{params}}({this}) = \#\text{{params}}({that}) = {tex.num(p)}")
        if want & {"macs", "flops", "ratio"}:
            m = sum(n.macs for n in nodes)
            refs.append(rf"\text{{MACs}}({this}) = \text{{MACs}}({that}) = {tex.num(m)}")
        return Step(Msg("graph.block.same", name=Plain(grp.name), block=Plain(str(grp.block)), args=_args(grp),
                        like=like), text=Msg("graph.block.same.text", like=like),
                    math=[rf"{tex.shape(inp.out_shape)} \to {tex.shape(out.out_shape)}"] + refs,
                    result=list(out.out_shape), rule="network.block.same")
    seen[key] = grp.name
    children = [_node_step(g, n, want, nota) for n in nodes]
    children.append(Step(Msg("graph.sum.title", name=Plain(grp.name)), math=sums, result=list(out.out_shape),
                         rule="network.block.sum"))
    return Step(Msg("graph.block.title", name=Plain(grp.name), block=Plain(str(grp.block)), args=_args(grp)),
                text=Msg("graph.block.text", shape=Plain(shape_text(inp.out_shape))), children=children,
                result=list(out.out_shape), rule="network.block")


def _item_step(g: Graph, name: str, want: set[str], seen: dict, nota: Notation = GENERIC) -> Step:
    if name not in g.groups:
        return _node_step(g, g.nodes[g.names[name]], want, nota)
    grp = g.groups[name]
    if grp.kind == "block":
        return _block_step(g, grp, want, seen, nota)
    if grp.kind == "stage":
        blocks = [g.groups[b] for b in _stage_blocks(g, name)]
        children = [_block_step(g, b, want, seen, nota) for b in blocks]
        sums = _sum_lines(name, [total_of(member_nodes(g, b.name), "params") for b in blocks], want,
                          [total_of(member_nodes(g, b.name), "macs") for b in blocks])
        children.append(Step(Msg("graph.sum.title", name=Plain(name)), math=sums,
                             result=list(g.nodes[grp.output].out_shape), rule="network.stage.sum"))
        return Step(Msg("graph.stage.title", name=Plain(name), block=Plain(str(grp.block)), n=len(blocks)),
                    text=Msg("graph.stage.text", n=len(blocks), block=Plain(str(grp.block))), children=children,
                    result=list(g.nodes[grp.output].out_shape), rule="network.stage")
    nodes = member_nodes(g, name)
    children = [_node_step(g, n, want, nota) for n in nodes]
    children.append(Step(Msg("graph.sum.title", name=Plain(name)), math=_sum_lines(
        name, [n.params for n in nodes], want, [n.macs for n in nodes]), rule="network.group.sum"))
    return Step(Msg("graph.group.title", kind=Msg(f"graph.kind.{grp.kind}"), name=Plain(name)), children=children,
                result=list(g.nodes[grp.output].out_shape), rule=f"network.{grp.kind}")


def _stage_blocks(g: Graph, name: str) -> list[str]:
    """The block instances of a stage (a use with repeat): ``name.0``, ``name.1``, …"""
    return [b for b, gr in g.groups.items() if gr.kind == "block" and b.startswith(name + ".")
            and b.count(".") == name.count(".") + 1]


def _stage_step(g: Graph, stage: str, items: list[str], want: set[str], seen: dict,
                nota: Notation = GENERIC) -> Step:
    if len(items) == 1:
        return _item_step(g, items[0], want, seen, nota)
    nodes = _stage_nodes(g, items)
    children = [_item_step(g, i, want, seen, nota) for i in items]
    out = list(g.nodes[g.names[items[-1]]].out_shape)
    children.append(Step(Msg("graph.sum.title", name=Plain(stage)), math=_sum_lines(
        stage, [n.params for n in nodes], want, [n.macs for n in nodes]), result=out, rule="network.stage.sum"))
    return Step(Msg("graph.group.title", kind=Msg("graph.kind.stage"), name=Plain(stage)), children=children,
                result=out, rule="network.stage")


def _what(g: Graph, name: str, nota: Notation = GENERIC) -> str:
    if name not in g.groups:
        layer = g.nodes[g.names[name]].layer
        return nota.layer_label(layer) if layer else g.nodes[g.names[name]].op
    grp = g.groups[name]
    if grp.kind == "stage":
        return f"{grp.block} × {len(_stage_blocks(g, name))}"
    return str(grp.block) if grp.kind == "block" else grp.kind.capitalize()


def stages(g: Graph) -> list[tuple[str, list[str]]]:
    """Top-level items grouped by the first part of their dotted names (``layer1.0.conv1``, ``layer1.0.bn1``, … →
    ``layer1``), as a model read from source names them; other items stand alone."""
    out: list[tuple[str, list[str]]] = []
    for name in g.top:
        head = name.split(".")[0] if "." in name and name not in g.groups else None
        if head and out and out[-1][0] == head:
            out[-1][1].append(name)
        else:
            out.append((head or name, [name]))
    return out


def _stage_nodes(g: Graph, items: list[str]) -> list[Node]:
    return [n for i in items for n in member_nodes(g, i)]


def _table(g: Graph, want: set[str], nota: Notation = GENERIC) -> Step:
    cols: list[Any] = [Msg("graph.table.stage"), Msg("graph.table.what"), Msg("net.table.shape")]
    sp, sm, sr = bool(want & {"params", "ratio"}), bool(want & {"macs", "flops", "ratio"}), bool(
        want & {"receptive_field", "jump"})
    cols += ([Msg("net.table.params")] if sp else []) + ([Msg("net.table.macs")] if sm else []) + (
        [Msg(nota.key("net.table.rf")), Msg(nota.key("net.table.jump"))] if sr else [])
    rows: list[list[Any]] = [[Msg("net.table.input"), "", shape_text(g.input_shape)] + [""] * (sp + sm)
                             + ([fmt_pair(g.nodes[0].rf), fmt_pair(g.nodes[0].jump)] if sr else [])]
    for name, items in stages(g):
        out = g.nodes[g.names[items[-1]]]
        what: Any = _what(g, items[0], nota) if len(items) == 1 else Msg("graph.table.nodes", n=len(items))
        row: list[Any] = [name, what, shape_text(out.out_shape)]
        if sp:
            row.append(Count(total_of(_stage_nodes(g, items), 'params')))
        if sm:
            row.append(Count(total_of(_stage_nodes(g, items), 'macs')))
        if sr:
            row += [fmt_pair(out.rf), fmt_pair(out.jump)]
        rows.append(row)
    if sp or sm:
        rows.append([Msg("net.table.total"), "", ""] + ([Count(total_of(g.nodes, 'params'))] if sp else [])
                    + ([Count(total_of(g.nodes, 'macs'))] if sm else []) + (["", ""] if sr else []))
    counts = tuple(range(3, 3 + sp + sm))                     # parameters and MACs
    return Step(Msg("graph.table.title"), table=Table(cols, rows, numeric=counts), rule="network.table")


def rf_path(g: Graph, node: Node) -> list[Node]:
    """The windowed layers along the path of the largest window, input first."""
    path = []
    while node.op != "input":
        if node.op == "layer":
            path.append(node)
            node = g.nodes[node.inputs[0]]
        else:
            node = g.nodes[node.inputs[node.via or 0]]
    return [n for n in reversed(path) if n.la and n.la.windows and any(w.k > 1 or w.s > 1 for w in n.la.windows)]


def _part_step(ex: Exercise, part: Part, graphs: dict[str, Graph], value: Any, nota: Notation = GENERIC) -> Step:
    from .part_steps import asked
    return asked(_answer_step(ex, part, graphs, value, nota), part)


def _answer_step(ex: Exercise, part: Part, graphs: dict[str, Graph], value: Any, nota: Notation = GENERIC) -> Step:
    from .part_steps import part_step as core, sum_math as _sum_math
    from .receptive import closed_form_line
    from .reading import network_of
    q = part.quantity
    if q == "ratio":
        return core(ex, part, graphs, {k: _Totals(g) for k, g in graphs.items()}, value)   # type: ignore[arg-type]
    g = network_of(ex, part, graphs)
    name = target(ex, part, g)
    shown = Plain(name or "")
    if q == "output_shape":
        title = Msg("graph.total.output_shape_at", name=shown) if name else Msg("net.total.output_shape")
        return Step(title, text=Msg("net.total.output_shape.text"), math=[tex.shape(value)], result=value,
                    rule="network.output_shape")
    if q in ("params", "macs", "flops"):
        key = "params" if q == "params" else "macs"
        if name is None:
            values = [total_of(_stage_nodes(g, items), key) for _, items in stages(g)]
        elif name in g.groups and g.groups[name].kind == "stage":
            values = [total_of(member_nodes(g, b), key) for b in _stage_blocks(g, name)]
        else:
            values = [total_of([n], key) for n in member_nodes(g, name)]
        symbol = r"\#\text{params}" if key == "params" else r"\text{MACs}"
        math = [_sum_math(symbol, values, sum(values))]
        if q == "flops":
            math.append(rf"\text{{FLOPs}} = 2 \times \text{{MACs}} = 2 \times {tex.num(sum(values))} = {tex.num(value)}")
        title = Msg(f"graph.total.{q}_at", name=shown) if name else Msg(f"net.total.{q}")
        text = Msg("graph.total.at.text", name=shown) if name else Msg("graph.total.text")
        if name and name not in g.groups:
            text = Msg(f"net.total.{'params' if q == 'params' else 'macs'}.one")
        return Step(title, text=text, math=math, result=value, rule=f"network.{q}")
    node = node_at(ex, part, g)
    if q == "jump":
        return Step(Msg("graph.total.jump_at", name=shown) if name else Msg("net.total.jump"),
                    text=Msg("graph.total.jump.text"), math=[f"{_jump_out(nota)} = {fmt_pair(node.jump)}"], result=value,
                    rule="network.jump")
    path = rf_path(g, node)
    names = {1: ("L",), 2: ("H", "W")}[g.spatial_dims]
    square = all(len(set(n.la.windows)) == 1 for n in path)  # type: ignore[union-attr]
    math = [closed_form_line(names if square else (names[i],), [n.la.windows[i] for n in path], nota)  # type: ignore
            for i in ([0] if square else range(g.spatial_dims))]
    return Step(Msg("graph.total.rf_at", name=shown) if name else Msg(nota.key("net.total.rf")),
                text=Msg("graph.total.rf.text", path=Plain(" → ".join(n.name for n in path) or "—")),
                math=math, result=value, rule="network.receptive_field.path")


class _Totals:
    """What :func:`.solve._part_step` reads of an analysis for a ratio: ``layers`` with params and macs."""

    def __init__(self, g: Graph) -> None:
        self.layers = g.nodes[1:]


def solve(ex: Exercise) -> Solution:
    """Solve a ``kind: network`` exercise; a plain stack of core layers goes to :func:`.solve.solve`."""
    from .reading import check_part as _check_part, network_of
    from .solve import conventions, solve as solve_stack
    if not isinstance(ex.given, dict) or not is_graph(ex.given):
        return solve_stack(ex)
    for part in ex.ask:
        _check_part(ex, part)
    graphs = read_graphs(ex)
    answers = {p.id: answer(ex, p, graphs) for p in ex.ask}
    want: dict[str, set[str]] = {k: set() for k in graphs}
    for p in ex.ask:
        if p.quantity == "ratio":
            for key in ("numerator", "denominator"):
                want[str(p.options[key])].add(p.options["of"])
        else:
            want[network_of(ex, p, graphs).name].add(p.quantity)
    wanted = set().union(*want.values())
    nota = notation_for(ex.source)            # the letters of the exercise's source (Li Hang ch. 24: F, S, P, I)
    plan: list[Any] = [Msg("graph.plan.walk", shape=Plain(" / ".join(dict.fromkeys(shape_text(g.input_shape)
                                                                                   for g in graphs.values()))))]
    plan += [Msg("net.plan.params")] if "params" in wanted else []
    plan += [Msg("net.plan.macs")] if wanted & {"macs", "flops"} else []
    plan += [Msg(nota.key("net.plan.rf"))] if wanted & {"receptive_field", "jump"} else []
    plan += [Msg("graph.plan.sums")] if wanted & {"params", "macs", "flops"} else []
    plan += [Msg("net.plan.ratio")] if "ratio" in wanted else []
    methods = [Msg("net.verify.shape")] + ([Msg("net.verify.params")] if wanted & {"params", "ratio"} else []) + (
        [Msg("net.verify.macs")] if wanted & {"macs", "flops", "ratio"} else []) + (
        [Msg("net.verify.rf")] if wanted & {"receptive_field", "jump"} else [])
    plan.append(Msg("net.plan.verify", methods=Sep(tuple(methods))))
    steps = conventions(ex, {k: [n.layer for n in g.nodes if n.layer is not None] for k, g in graphs.items()},
                        [c for g in graphs.values() for n in g.nodes if n.la is not None for c in n.la.sizes], want,
                        nota, graph=True, branches=any(n.op in ("add", "cat") for g in graphs.values() for n in g.nodes))
    for name, g in graphs.items():
        w = want[name] or {"output_shape"}
        seen: dict = {}
        body = [Step(Msg("net.input.title"), math=[tex.shape(g.input_shape)], result=list(g.input_shape),
                     rule="network.input")]
        body += [_stage_step(g, stage, items, w, seen, nota) for stage, items in stages(g)] + [_table(g, w, nota)]
        body += [_part_step(ex, p, graphs, answers[p.id], nota) for p in ex.ask
                 if p.quantity != "ratio" and network_of(ex, p, graphs).name == name]
        if len(graphs) > 1:
            from .part_steps import label as _label
            steps.append(Step(Msg("net.network.title", name=_label(g)), children=body, rule="network"))  # type: ignore
        else:
            steps += body
    steps += [_part_step(ex, p, graphs, answers[p.id], nota) for p in ex.ask if p.quantity == "ratio"]
    return Solution(ex, plan, steps, answers, context={"graphs": graphs})

