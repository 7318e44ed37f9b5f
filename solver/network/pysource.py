"""A static evaluator of PyTorch model source (``ast``; the file is never imported or run).

It runs constructors the way Python would, on values it can know without running anything: arguments and
constants, arithmetic, lists and tuples, ``range``/``len``/``zip``/``sum``, ``for`` loops and ``if`` over them,
list comprehensions, ``self.x`` and class attributes (``block.expansion``), helper methods (``_make_layer``),
``super().__init__()``, ``nn.X(...)`` (a :class:`Layer`), ``nn.Sequential(*layers)``/``nn.ModuleList`` (a
:class:`Seq`) and instances of the file's own classes (an :class:`Instance`). A tensor is a :class:`Node`; the
operations on tensors (calls of modules, ``F.relu``, ``+``, ``torch.cat``) are left to the tracer of
:mod:`.from_source`. Anything else is one :class:`~solver.errors.InputError` with the file and line.

Example:
    >>> r = Reader("def f(n=3):\\n    out = []\\n    for i in range(n):\\n        out.append(2 * i)\\n"
    ...            "    return out\\n", "f.py")
    >>> r.call(r.functions["f"], [], {})
    [0, 2, 4]
"""
from __future__ import annotations

import ast
import operator
from typing import Any

from ..errors import InputError
from .layers import LAYER_TYPES

MAX_STEPS = 200_000        # statements and comprehension items executed while reading one model
MAX_ITEMS = 100_000        # entries of a list or range the reader builds
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
        ast.Div: operator.truediv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
        ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
        ast.NotIn: lambda a, b: a not in b}
# functional forms → layers (positional arguments after the tensor, in the layer's order)
FUNCTIONS = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "gelu": "GELU", "leaky_relu": "LeakyReLU",
             "max_pool1d": "MaxPool1d", "max_pool2d": "MaxPool2d", "avg_pool1d": "AvgPool1d", "avg_pool2d": "AvgPool2d",
             "adaptive_avg_pool1d": "AdaptiveAvgPool1d", "adaptive_avg_pool2d": "AdaptiveAvgPool2d",
             "adaptive_max_pool1d": "AdaptiveMaxPool1d", "adaptive_max_pool2d": "AdaptiveMaxPool2d",
             "dropout": "Dropout", "softmax": "Softmax", "log_softmax": "LogSoftmax", "flatten": "Flatten"}
MODULE_NAMES = {"nn", "F", "torch", "functional"}
BUILTINS = {"range", "len", "int", "list", "super", "OrderedDict", "min", "max", "tuple", "sum", "abs", "float",
            "round", "zip", "enumerate", "reversed"}
WEIGHTED = {"conv", "conv_transpose", "linear", "batch_norm", "embedding", "layer_norm", "group_norm"}


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class Layer:
    def __init__(self, type_: str, args: dict[str, Any]) -> None:
        self.type, self.args = type_, args


class Seq:
    def __init__(self, items: list[Any], names: list[str]) -> None:
        self.items, self.names = items, names


class Instance:
    def __init__(self, cls: "Class") -> None:
        self.cls, self.attrs, self.order = cls, {}, []


class Class:
    def __init__(self, node: ast.ClassDef, reader: "Reader") -> None:
        self.node, self.reader, self.name = node, reader, node.name
        self.methods = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
        self.consts = {t.id: s.value for s in node.body if isinstance(s, ast.Assign) for t in s.targets
                       if isinstance(t, ast.Name)}
        self.bases = [ast.unparse(b) for b in node.bases]          # "nn.Module", "ResNet"

    def lookup(self, name: str) -> Any:
        if name in self.methods:
            return self.methods[name]
        if name in self.consts:
            return self.reader.expr(self.consts[name], {})
        for b in self.bases:
            if b in self.reader.classes:
                found = self.reader.classes[b].lookup(name)
                if found is not None:
                    return found
        return None


class Node:
    """A tensor in ``forward``: the name of the graph node that holds it."""

    def __init__(self, name: str) -> None:
        self.name = name


class Bound:
    def __init__(self, func: ast.FunctionDef, self_: Any) -> None:
        self.func, self.self_ = func, self_


class Reader:
    """The constructor evaluator; :class:`.from_source.Tracer` adds ``forward``."""

    def __init__(self, source: str, file: str) -> None:
        self.file = file
        try:
            self.tree = ast.parse(source, filename=file)
        except SyntaxError as exc:
            raise InputError(f"not valid Python: {exc.msg}", file=file, line=exc.lineno) from None
        self.classes = {n.name: Class(n, self) for n in self.tree.body if isinstance(n, ast.ClassDef)}
        self.functions = {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}
        self.consts = {t.id: s.value for s in self.tree.body if isinstance(s, ast.Assign) for t in s.targets
                       if isinstance(t, ast.Name)}
        self.steps = 0
        self.items: list[dict[str, Any]] = []
        self.names: dict[int, str] = {}
        self.used: dict[int, int] = {}

    def error(self, message: str, node: ast.AST | None) -> InputError:
        return InputError(message, file=self.file, line=getattr(node, "lineno", None))

    # -------------------------------------------------------------- the constructor evaluator
    def call(self, func: ast.FunctionDef, args: list[Any], kwargs: dict[str, Any], self_: Any = None) -> Any:
        env: dict[str, Any] = {}
        params = func.args.args
        values = ([self_] if self_ is not None else []) + list(args)
        defaults = func.args.defaults
        first_default = len(params) - len(defaults)
        for i, p in enumerate(params):
            if i < len(values):
                env[p.arg] = values[i]
            elif p.arg in kwargs:
                env[p.arg] = kwargs.pop(p.arg)
            elif i >= first_default:
                env[p.arg] = self.expr(defaults[i - first_default], {})
            else:
                raise self.error(f"{func.name}() needs an argument '{p.arg}'", func)
        if func.args.vararg:
            env[func.args.vararg.arg] = list(values[len(params):])
        for kw, d in zip(func.args.kwonlyargs, func.args.kw_defaults):
            env[kw.arg] = kwargs.pop(kw.arg) if kw.arg in kwargs else self.expr(d, {}) if d is not None else None
        if func.args.kwarg:
            env[func.args.kwarg.arg] = dict(kwargs)
        elif kwargs:
            raise self.error(f"{func.name}() has no argument '{next(iter(kwargs))}'", func)
        try:
            self.block(func.body, env)
        except _Return as r:
            return r.value
        return None

    def block(self, stmts: list[ast.stmt], env: dict[str, Any]) -> None:
        for s in stmts:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise self.error(f"more than {MAX_STEPS:,} steps: is this a loop over a large range?", s)
            try:
                self.stmt(s, env)
            except (TypeError, ValueError, ZeroDivisionError, IndexError, KeyError, AttributeError) as exc:
                raise self.error(f"cannot evaluate this line statically ({type(exc).__name__}: {exc})", s) from None
            except RecursionError:
                raise self.error("recursion too deep", s) from None

    def stmt(self, s: ast.stmt, env: dict[str, Any]) -> None:
        if isinstance(s, ast.Return):
            raise _Return(self.expr(s.value, env) if s.value else None)
        if isinstance(s, ast.Assign):
            value = self.expr(s.value, env)
            for t in s.targets:
                self.assign(t, value, env)
        elif isinstance(s, ast.AnnAssign) and s.value is not None:
            self.assign(s.target, self.expr(s.value, env), env)
        elif isinstance(s, ast.AugAssign):
            current = self.expr(s.target, env)
            self.assign(s.target, self.binop(type(s.op), current, self.expr(s.value, env), s), env)
        elif isinstance(s, ast.Expr):
            if not isinstance(s.value, ast.Constant):
                self.expr(s.value, env)
        elif isinstance(s, ast.If):
            self.block(s.body if self.truth(self.expr(s.test, env), s) else s.orelse, env)
        elif isinstance(s, ast.For):
            seq = self.expr(s.iter, env)
            if isinstance(seq, Seq):
                seq = seq.items
            if not isinstance(seq, (list, tuple, range)):
                raise self.error("a loop over a value computed at run time", s)
            for v in seq:
                self.assign(s.target, v, env)
                self.block(s.body, env)
        elif isinstance(s, (ast.Pass, ast.Import, ast.ImportFrom, ast.Assert)):
            return
        else:
            raise self.error(f"cannot read a {type(s).__name__} statement statically", s)

    def truth(self, value: Any, node: ast.AST) -> bool:
        if isinstance(value, Node):
            raise self.error("a condition on a tensor's values: the graph must not depend on the data", node)
        return bool(value)

    def assign(self, target: ast.expr, value: Any, env: dict[str, Any]) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, ast.Attribute):
            obj = self.expr(target.value, env)
            if not isinstance(obj, Instance):
                raise self.error("can only set attributes of self", target)
            obj.attrs[target.attr] = value
            if isinstance(value, (Layer, Seq, Instance)) and target.attr not in obj.order:
                obj.order.append(target.attr)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t, v in zip(target.elts, value):
                self.assign(t, v, env)
        else:
            raise self.error("cannot assign to this target statically", target)

    def binop(self, op: type, a: Any, b: Any, node: ast.AST) -> Any:
        if isinstance(a, Node) or isinstance(b, Node):
            if op is not ast.Add or not (isinstance(a, Node) and isinstance(b, Node)):
                raise self.error("only the sum of two tensors (a residual connection) is read in forward", node)
            return self.emit({"type": "Add", "inputs": [a.name, b.name]}, None)
        if op not in _BIN:
            raise self.error("unsupported operator", node)
        if op is ast.Pow and isinstance(b, (int, float)) and abs(b) > 64:
            raise self.error("exponent too large", node)
        if op is ast.Mult and any(isinstance(v, (list, tuple, str)) for v in (a, b)) and any(
                isinstance(v, int) and v > MAX_ITEMS for v in (a, b)):
            raise self.error(f"a list of more than {MAX_ITEMS:,} items", node)
        return _BIN[op](a, b)

    def expr(self, e: ast.expr, env: dict[str, Any]) -> Any:
        if isinstance(e, ast.Constant):
            return e.value
        if isinstance(e, ast.Name):
            if e.id in env:
                return env[e.id]
            if e.id in self.classes:
                return self.classes[e.id]
            if e.id in self.functions:
                return self.functions[e.id]
            if e.id in self.consts:
                return self.expr(self.consts[e.id], {})
            if e.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[e.id]
            if e.id in MODULE_NAMES or e.id in LAYER_TYPES or e.id in BUILTINS:
                return ("builtin", e.id)
            raise self.error(f"'{e.id}' is not defined before this line (or is computed at run time)", e)
        if isinstance(e, ast.Attribute):
            base = self.expr(e.value, env)
            if isinstance(base, tuple) and base[:1] == ("builtin",):
                return ("builtin", e.attr)                     # nn.Conv2d, torch.nn.Conv2d, F.relu, torch.cat …
            if isinstance(base, Instance):
                if e.attr in base.attrs:
                    return base.attrs[e.attr]
                found = base.cls.lookup(e.attr)
                if isinstance(found, ast.FunctionDef):
                    return Bound(found, base)
                if found is not None:
                    return found
                raise self.error(f"self.{e.attr} is not set in the constructor", e)
            if isinstance(base, Class):
                found = base.lookup(e.attr)
                if found is None:
                    raise self.error(f"{base.name} has no attribute {e.attr}", e)
                return found
            if isinstance(base, Node):
                return ("method", base, e.attr)
            if isinstance(base, list) and e.attr in ("append", "extend"):
                return ("list", base, e.attr)
            if isinstance(base, Seq) and e.attr == "append":           # nn.ModuleList().append(…)
                return ("list", base, e.attr)
            raise self.error(f"cannot read the attribute {e.attr} statically", e)
        if isinstance(e, ast.BinOp):
            return self.binop(type(e.op), self.expr(e.left, env), self.expr(e.right, env), e)
        if isinstance(e, ast.UnaryOp):
            v = self.expr(e.operand, env)
            return {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}[type(e.op)](v)
        if isinstance(e, ast.BoolOp):
            vals = [self.expr(v, env) for v in e.values]
            return all(vals) if isinstance(e.op, ast.And) else any(vals)
        if isinstance(e, ast.Compare):
            left = self.expr(e.left, env)
            for op, c in zip(e.ops, e.comparators):
                right = self.expr(c, env)
                if isinstance(left, Node) or isinstance(right, Node):
                    self.truth(left if isinstance(left, Node) else right, e)
                if not _CMP[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(e, ast.IfExp):
            return self.expr(e.body if self.truth(self.expr(e.test, env), e) else e.orelse, env)
        if isinstance(e, (ast.List, ast.Tuple)):
            out: list[Any] = []
            for elt in e.elts:
                if isinstance(elt, ast.Starred):
                    out.extend(self.expr(elt.value, env))
                else:
                    out.append(self.expr(elt, env))
            return out if isinstance(e, ast.List) else tuple(out)
        if isinstance(e, ast.Subscript):
            base, index = self.expr(e.value, env), self.expr(e.slice, env)
            if isinstance(base, Seq):
                return base.items[index]
            if isinstance(base, Node):
                raise self.error("indexing a tensor is not read statically", e)
            return base[index]
        if isinstance(e, ast.Call):
            return self.call_expr(e, env)
        if isinstance(e, ast.ListComp) and len(e.generators) == 1:
            gen, out = e.generators[0], []
            seq = self.expr(gen.iter, env)
            for v in (seq.items if isinstance(seq, Seq) else seq):
                self.steps += 1
                if self.steps > MAX_STEPS:
                    raise self.error(f"more than {MAX_STEPS:,} steps", e)
                inner = dict(env)
                self.assign(gen.target, v, inner)
                if all(self.truth(self.expr(c, inner), c) for c in gen.ifs):
                    out.append(self.expr(e.elt, inner))
            return out
        raise self.error(f"cannot read a {type(e).__name__} expression statically", e)

    def call_expr(self, e: ast.Call, env: dict[str, Any]) -> Any:
        func = self.expr(e.func, env)
        args: list[Any] = []
        for a in e.args:
            if isinstance(a, ast.Starred):
                seq = self.expr(a.value, env)
                args.extend(seq.items if isinstance(seq, Seq) else seq)
            else:
                args.append(self.expr(a, env))
        kwargs = {k.arg: self.expr(k.value, env) for k in e.keywords if k.arg}
        if isinstance(func, Class):
            inst = Instance(func)
            init = func.lookup("__init__")
            if isinstance(init, ast.FunctionDef):
                self.call(init, args, kwargs, inst)
            return inst
        if isinstance(func, ast.FunctionDef):
            return self.call(func, args, kwargs)
        if isinstance(func, Bound):
            if func.func.name == "forward" or any(isinstance(a, Node) for a in args):
                return self.call(func.func, args, kwargs, func.self_)
            return self.call(func.func, args, kwargs, func.self_)
        if isinstance(func, (Layer, Seq, Instance)):
            return self.trace(func, args[0] if args else None, e)
        if isinstance(func, tuple) and func[0] == "list":
            if isinstance(func[1], Seq):
                func[1].names.append(str(len(func[1].items)))
                func[1].items.append(args[0])
            else:
                getattr(func[1], func[2])(args[0])
            return None
        if isinstance(func, tuple) and func[0] == "method":
            return self.tensor_method(func[1], func[2], args, kwargs, e)
        if isinstance(func, tuple) and func[0] == "builtin":
            return self.builtin(func[1], args, kwargs, e)
        raise self.error("cannot call this statically", e)

    def builtin(self, name: str, args: list[Any], kwargs: dict[str, Any], e: ast.Call) -> Any:
        simple = {"range": range, "len": len, "int": int, "list": list, "min": min, "max": max, "tuple": tuple,
                  "sum": sum, "abs": abs, "float": float, "round": round, "zip": lambda *a: list(zip(*a)),
                  "enumerate": lambda *a: list(enumerate(*a)), "reversed": lambda a: list(reversed(a))}
        if name in simple:
            out = simple[name](*args, **kwargs)
            if isinstance(out, (range, list)) and len(out) > MAX_ITEMS:
                raise self.error(f"a range or list of more than {MAX_ITEMS:,} items", e)
            return out
        if name == "super":
            return ("builtin", "super")
        if name == "__init__":
            return None                                         # super().__init__(), nn.Module.__init__(self)
        if name == "OrderedDict":
            return dict(args[0]) if args else {}
        if name in ("Sequential", "ModuleList"):
            if len(args) == 1 and isinstance(args[0], dict):
                return Seq(list(args[0].values()), [str(k) for k in args[0]])
            items = args[0] if name == "ModuleList" and args else args
            return Seq(list(items), [str(i) for i in range(len(items))])
        if name in LAYER_TYPES:
            order = list(LAYER_TYPES[name].args)
            if len(args) > len(order):
                raise self.error(f"{name} takes at most {len(order)} positional arguments", e)
            raw = dict(zip(order, args), **kwargs)
            return Layer(name, {k: list(v) if isinstance(v, tuple) else v for k, v in raw.items()})
        if args and isinstance(args[0], Node):
            return self.functional(name, args, kwargs, e)
        if name == "cat":
            parts = args[0]
            dim = kwargs.get("dim", args[1] if len(args) > 1 else 0)
            if not all(isinstance(p, Node) for p in parts):
                raise self.error("torch.cat of values that are not tensors of this model", e)
            return self.emit({"type": "Cat", "inputs": [p.name for p in parts], "dim": dim}, None)
        raise self.error(f"{name}() is not read statically", e)
