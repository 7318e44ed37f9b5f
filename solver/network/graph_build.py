"""The walk that turns the ``layers`` of a network with branches into the nodes of :mod:`.graph`.

Each item is read in order: template expressions of a block (``"{planes * 4}"``) are evaluated with its
arguments, a layer becomes a node analysed at once (shape, parameters, MACs, window), a ``Residual`` or a
``Concat`` becomes its branches and a merge node, a block use becomes its instances. Names are registered as
they are made, so a later item may refer to an earlier node only.

Example:
    >>> from solver.yamlio import parse_yaml
    >>> from solver.model import exercise_from_document
    >>> ex = exercise_from_document(parse_yaml("id: t\\nkind: network\\ngiven: {input_shape: [2, 4, 4], layers: []}"
    ...                                         "\\nask: [{id: p, quantity: params}]\\n", "t.yaml"))
    >>> b = _Builder(ex, {}, (2, 4, 4))
    >>> b.item({"type": "Conv2d", "out_channels": 3, "kernel_size": 3}, ("given", "layers", 0), _Scope("", 0, {}, {}), 0, 1)
    1
    >>> b.nodes[1].name, b.nodes[1].out_shape, b.nodes[1].params
    ('1', (3, 2, 2), 57)
"""
from __future__ import annotations

from math import prod
from typing import Any

from ..errors import InputError, suggest
from ..i18n import Text
from ..model import Exercise
from ..record import record
from ..values import shape_text
from .analysis import MAX_LAYERS, RULES, LayerAnalysis, _bounded, check_tensor
from .graph import _EXPR, MAX_DEPTH, MERGES, STRUCTURES, Group, Node
from .layers import LAYER_TYPES, parse_layer

MAX_VISITS = 100_000                        # items expanded (blocks, repeats and branches included)


@record
class _Scope:
    prefix: str
    input: int
    env: dict[str, Any]
    names: dict[str, int]
    use: str = ""                            # "in layer2.0 (used at line 31)" for errors inside a block
    depth: int = 0
    anon: str | None = None                  # prefix of unnamed items (numbered); named ones take ``prefix``


class _Builder:
    def __init__(self, ex: Exercise, blocks: dict[str, Any], input_shape: tuple[int, ...]) -> None:
        self.ex, self.blocks = ex, blocks
        dims = len(input_shape) - 1
        start = (1,) * dims if dims else None
        self.nodes = [Node(0, "input", "input", (), ("given", "input_shape"), out_shape=input_shape, rf=start,
                           jump=start, left=(0,) * dims if dims else None,
                           rf_undefined=None if dims else "net.rf.undefined.flat_input")]
        self.groups: dict[str, Group] = {}
        self.names: dict[str, int] = {"input": 0}
        self.open: list[str] = []
        self.visits = 0

    # -------------------------------------------------------------- errors and templates
    def error(self, message: Any, path: tuple, scope: _Scope | None = None) -> InputError:
        """``message`` (English text or a catalogue message) located at ``path``, naming the block use it is in."""
        if not (scope and scope.use):
            return self.ex.error(message, path)
        if isinstance(message, str):
            return self.ex.error(f"{message} ({scope.use})", path)
        return self.ex.error(Text(f"{message.render('en')} ({scope.use})", f"{message.render('zh')}（{scope.use}）"),
                             path)

    def line(self, path: tuple) -> str:
        doc = self.ex.doc
        line = doc.line_of(path) if doc is not None else None
        return f"line {line}" if line else "?"

    def subst(self, value: Any, scope: _Scope, path: tuple) -> Any:
        if isinstance(value, dict):
            return {k: self.subst(v, scope, path + (k,)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.subst(v, scope, path + (i,)) for i, v in enumerate(value)]
        m = _EXPR.match(value) if isinstance(value, str) else None
        if not m or not scope.env:
            return value
        from ..variants import VariantError, evaluate
        try:
            out = evaluate(m.group(1), scope.env)
        except (VariantError, TypeError, ZeroDivisionError, IndexError, KeyError) as exc:
            raise self.error(f"cannot evaluate {value!r}: {exc}", path, scope) from None
        return int(out) if isinstance(out, float) and out.is_integer() else out

    # -------------------------------------------------------------- nodes
    def node(self, name: str, op: str, inputs: tuple[int, ...], path: tuple, scope: _Scope, **kw: Any) -> int:
        if len(self.nodes) > MAX_LAYERS:
            raise self.error(f"more than {MAX_LAYERS:,} nodes: an exercise is limited to {MAX_LAYERS:,}", path, scope)
        n = Node(len(self.nodes), name, op, inputs, path, [self.nodes[i].out_shape for i in inputs],
                 groups=tuple(self.open), **kw)
        from .graph_rf import merge_window, layer_window
        try:
            if op == "layer":
                assert n.layer is not None
                la = LayerAnalysis(n.layer, n.in_shapes[0], n.in_shapes[0])
                RULES[n.layer.family](n.layer, n.in_shapes[0], la)
                _bounded(n.layer, la)
                n.la, n.out_shape, n.params, n.macs = la, la.out_shape, la.params, la.macs
                layer_window(n, self.nodes[inputs[0]])
            else:
                self.merge_shape(n, scope)
                merge_window(n, [self.nodes[i] for i in inputs])
        except InputError as exc:
            if exc.file:
                raise
            raise self.error(Text(f"{name}: {exc.words('en')}", f"{name}：{exc.words('zh')}"),
                             getattr(exc, "path", None) or path, scope) from None
        self.nodes.append(n)
        self.names[name] = n.index
        for g in self.open:
            self.groups[g].nodes.append(n.index)
        return n.index

    def merge_shape(self, n: Node, scope: _Scope) -> None:
        shapes = n.in_shapes
        made = ", ".join((f"{self.nodes[i].name} ({self.what(i)})" if i else "the input")
                         + f" gives {shape_text(s)}" for i, s in zip(n.inputs, shapes))
        if n.op == "add":
            if len(set(shapes)) > 1:
                raise self.error(f"cannot add tensors of different shapes: {made}; a projection shortcut "
                                 "(1×1 convolution with the block's stride and channels) makes them match",
                                 n.path, scope)
            n.out_shape = shapes[0]
            return
        d = n.dim
        if len({len(s) for s in shapes}) > 1 or not 0 <= d < len(shapes[0]) or len(
                {s[:d] + s[d + 1:] for s in shapes}) > 1:
            raise self.error(f"cannot concatenate along dimension {d + 1} (dim={d + 1} in PyTorch): {made}; "
                             "all other dimensions must agree", n.path, scope)
        n.out_shape = shapes[0][:d] + (sum(s[d] for s in shapes),) + shapes[0][d + 1:]
        problem = check_tensor(f"the output of {n.name}", n.out_shape, prod(n.out_shape))
        if problem:
            raise self.error(problem, n.path, scope)

    def what(self, i: int) -> str:
        node = self.nodes[i]
        if node.op == "input":
            return "the input"
        if node.op == "layer":
            assert node.layer is not None
            return f"{node.layer.type.name}, {self.line(node.path)}"
        return f"{'sum' if node.op == 'add' else 'concatenation'}, {self.line(node.path)}"

    # -------------------------------------------------------------- items
    def ref(self, name: Any, scope: _Scope, path: tuple) -> int:
        if name == "input":
            return scope.input
        if isinstance(name, (str, int)) and not isinstance(name, bool):
            if str(name) in scope.names:
                return scope.names[str(name)]
            if not scope.prefix and str(name) in self.names:
                return self.names[str(name)]
        known = ", ".join(["input"] + [k for k in scope.names if not k.isdigit()])
        raise self.error(f"no node named {name!r} before this one; names here: {known}", path, scope)

    def items(self, raw: Any, path: tuple, scope: _Scope, x: int) -> int:
        if not isinstance(raw, list):
            raise self.error("must be a list of layers", path, scope)
        for pos, item in enumerate(raw):
            x = self.item(item, path + (pos,), scope, x, pos + 1)
        return x

    def item(self, raw: Any, path: tuple, scope: _Scope, x: int, pos: int) -> int:
        self.visits += 1
        if self.visits > MAX_VISITS:       # e.g. repeat over empty blocks nested deep: no node, much work
            raise self.error(f"more than {MAX_VISITS:,} items to expand", path, scope)
        if not isinstance(raw, dict):
            raise self.error("a layer must be a mapping such as {type: Conv2d, out_channels: 8, kernel_size: 3}",
                             path, scope)
        raw = self.subst(raw, scope, path)
        if not self.when(raw, path, scope, x):
            return x                                  # when: false leaves the item out (a Python ``if``)
        raw = {k: v for k, v in raw.items() if k != "when"}
        local = raw.get("name", pos)
        if not isinstance(local, (str, int)) or isinstance(local, bool) or ("." in str(local) and scope.prefix):
            raise self.error("name must be text (without dots inside a block)", path + ("name",), scope)
        local = str(local)
        qname = (scope.prefix if "name" in raw or scope.anon is None else scope.anon) + local
        if qname in self.names:
            raise self.error(f"the name '{qname}' is already used", path + ("name",), scope)
        if "from" in raw:
            x = self.ref(raw["from"], scope, path + ("from",))
        kind = raw.get("type")
        body = {k: v for k, v in raw.items() if k not in ("from",)}
        if kind in self.blocks:
            out = self.use(body, path, scope, x, qname)
        elif kind == "Residual":
            out = self.residual(body, path, scope, x, qname)
        elif kind == "Concat":
            out = self.concat(body, path, scope, x, qname)
        elif kind in MERGES:
            out = self.merge(body, path, scope, qname)
        else:
            if kind not in LAYER_TYPES:
                hint = suggest(kind, list(self.blocks) + list(LAYER_TYPES) + list(STRUCTURES + MERGES), quote=False)
                known = f"blocks: {', '.join(self.blocks)}" if self.blocks else "no blocks are defined"
                raise self.error(f"unknown layer or block type {kind!r}{hint}; {known}", path + ("type",), scope)
            try:
                layer = parse_layer({k: v for k, v in body.items() if k != "name"}, len(self.nodes) - 1, path)
            except InputError as exc:
                raise self.error(exc.said, getattr(exc, "path", path), scope) from None
            layer.name = qname
            out = self.node(qname, "layer", (x,), path, scope, layer=layer)
        if "name" in raw or scope.anon is None:
            scope.names[local] = out
        self.names[qname] = out
        return out

    def when(self, raw: dict, path: tuple, scope: _Scope, x: int) -> bool:
        """The item's ``when:`` condition over the block's arguments and ``in_channels`` (the channels reaching the
        block, or at the top level the item), true without one."""
        if "when" not in raw:
            return True
        from ..variants import VariantError, evaluate
        env = {"in_channels": self.nodes[x].out_shape[0], **scope.env}      # in a block: the block's input
        try:
            return bool(evaluate(str(raw["when"]), env))
        except (VariantError, TypeError, ZeroDivisionError) as exc:
            raise self.error(f"cannot evaluate when: {exc}", path + ("when",), scope) from None

    def group(self, name: str, kind: str, path: tuple, x: int, **kw: Any) -> Group:
        g = Group(name, kind, [], path=path, input=x, **kw)
        self.groups[name] = g
        self.open.append(name)
        return g

    def close(self, g: Group, out: int) -> int:
        self.open.pop()
        g.output = out
        return out

    def _only(self, raw: dict, allowed: tuple[str, ...], path: tuple, scope: _Scope) -> None:
        for key in raw:
            if key not in allowed:
                raise self.error(f"unknown field '{key}'; {raw.get('type')} has {', '.join(allowed)}",
                                 path + (key,), scope)

    def residual(self, raw: dict, path: tuple, scope: _Scope, x: int, qname: str) -> int:
        self._only(raw, ("type", "name", "body", "shortcut"), path, scope)
        if "body" not in raw:
            raise self.error("a Residual needs body: [layers] (and optionally shortcut)", path, scope)
        g = self.group(qname, "residual", path, x)
        inner = _Scope(scope.prefix, x, scope.env, scope.names, scope.use, scope.depth, qname + ".body.")
        body = self.items(raw["body"], path + ("body",), inner, x)
        short, sc_path = raw.get("shortcut"), path + ("shortcut",)
        if isinstance(short, dict):
            self._only(short, ("when", "layers"), sc_path, scope)
            keep = self.when(short, sc_path, scope, x)
            short = short.get("layers") if keep else None
            sc_path = sc_path + ("layers",)
        sc = x
        if short not in (None, "identity", []):
            inner = _Scope(scope.prefix, x, scope.env, scope.names, scope.use, scope.depth, qname + ".shortcut.")
            sc = self.items(short, sc_path, inner, x)
        return self.close(g, self.node(qname, "add", (body, sc), path, scope))

    def concat(self, raw: dict, path: tuple, scope: _Scope, x: int, qname: str) -> int:
        self._only(raw, ("type", "name", "branches", "dim"), path, scope)
        branches = raw.get("branches")
        if not isinstance(branches, list) or len(branches) < 2:
            raise self.error("a Concat needs branches: a list of at least two layer lists", path, scope)
        g = self.group(qname, "concat", path, x)
        outs = []
        for b, branch in enumerate(branches, start=1):
            inner = _Scope(scope.prefix, x, scope.env, scope.names, scope.use, scope.depth, f"{qname}.{b}.")
            outs.append(self.items(branch, path + ("branches", b - 1), inner, x) if branch else x)
        return self.close(g, self.node(qname, "cat", tuple(outs), path, scope,
                                       dim=self.cat_dim(raw, path, scope, self.nodes[x].out_shape)))

    def cat_dim(self, raw: dict, path: tuple, scope: _Scope, shape: tuple[int, ...]) -> int:
        dim = raw.get("dim", 1)
        rank = len(shape) + 1
        if not isinstance(dim, int) or isinstance(dim, bool) or not -rank <= dim < rank or dim % rank == 0:
            raise self.error(f"dim must name a dimension other than the batch (PyTorch counts the batch as 0), "
                             f"got {dim!r}", path + ("dim",), scope)
        return dim % rank - 1

    def merge(self, raw: dict, path: tuple, scope: _Scope, qname: str) -> int:
        kind = raw["type"]
        self._only(raw, ("type", "name", "inputs") + (("dim",) if kind == "Cat" else ()), path, scope)
        refs = raw.get("inputs")
        if not isinstance(refs, list) or len(refs) < 2:
            raise self.error(f"{kind} needs inputs: a list of at least two node names", path + ("inputs",), scope)
        inputs = tuple(self.ref(r, scope, path + ("inputs", i)) for i, r in enumerate(refs))
        dim = self.cat_dim(raw, path, scope, self.nodes[inputs[0]].out_shape) if kind == "Cat" else 0
        return self.node(qname, "add" if kind == "Add" else "cat", inputs, path, scope, dim=dim)

    def use(self, raw: dict, path: tuple, scope: _Scope, x: int, qname: str) -> int:
        bname = raw["type"]
        spec = self.blocks[bname]
        if scope.depth >= MAX_DEPTH:
            raise self.error(f"blocks nested more than {MAX_DEPTH} deep (does {bname} use itself?)", path, scope)
        declared = spec["args"]
        given = {k: v for k, v in raw.items() if k not in ("type", "name", "repeat", "then")}
        then = raw.get("then", {})
        repeat = raw.get("repeat", 1)
        if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= MAX_LAYERS:
            raise self.error(f"repeat must be a positive integer, got {repeat!r}", path + ("repeat",), scope)
        if not isinstance(then, dict):
            raise self.error("then must map argument names to values", path + ("then",), scope)
        for where, args in (((), given), (("then",), then)):
            for key in args:
                if key not in declared:
                    hint = suggest(key, declared)
                    raise self.error(f"block {bname} has no argument '{key}'{hint}; its arguments: "
                                     f"{', '.join(declared) or 'none'}", path + where + (key,), scope)
        stage = self.group(qname, "stage", path, x, block=bname) if "repeat" in raw else None
        for r in range(repeat):
            args = {k: v for k, v in declared.items()}
            args.update(given)
            if r:
                args.update(then)
            missing = [k for k, v in args.items() if v is None]
            if missing:
                raise self.error(f"block {bname} needs '{missing[0]}'", path, scope)
            inst = f"{qname}.{r}" if stage else qname
            g = self.group(inst, "block", path, x, block=bname, args=args)
            env = dict(args, in_channels=self.nodes[x].out_shape[0])
            inner = _Scope(inst + ".", x, env, {}, f"in {inst}, a {bname} used at {self.line(path)}", scope.depth + 1)
            x = self.close(g, self.items(spec["layers"], spec["path"] + ("layers",), inner, x))
            self.names[inst] = x
        return self.close(stage, x) if stage else x
