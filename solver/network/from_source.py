"""Read a model from PyTorch source with ``ast`` — never imported, never run — as a network with branches.

``NAME`` is an ``nn.Module`` class (built with its defaults) or a function returning a model, as torchvision
and textbooks write them (``def resnet18(): return ResNet(BasicBlock, [2, 2, 2, 2])``). A small static
evaluator runs the constructors: arguments and constants, arithmetic, lists, ``range``, ``for`` and ``if``,
``self.x`` and class attributes (``block.expansion``), helper methods (``_make_layer``), ``nn.Sequential(*layers)``,
``nn.ModuleList``. ``forward`` is then traced: calls of submodules, ``F.relu``-style functions, ``+``/``+=``,
``torch.cat``, ``torch.flatten``/``x.view(x.size(0), -1)``, and ``if``/``for`` decided by the constructor's
values. The result is the ``layers`` list of :mod:`.graph` (every node named as ``print(model)`` names it).
Anything else is one error with the file and line.

Example:
    >>> src = '''
    ... import torch.nn as nn
    ... class Net(nn.Module):
    ...     def __init__(self, c=8):
    ...         super().__init__()
    ...         self.conv = nn.Conv2d(3, c, 3, padding=1)
    ...         self.fc = nn.Linear(c, 10)
    ...     def forward(self, x):
    ...         x = F.relu(self.conv(x))
    ...         return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
    ... '''
    >>> [i["type"] for i in read_model(src, "net.py", "Net")]
    ['Conv2d', 'ReLU', 'AdaptiveAvgPool2d', 'Flatten', 'Linear']
"""
from __future__ import annotations

import ast
from typing import Any

from ..errors import InputError
from .layers import LAYER_TYPES
from .pysource import FUNCTIONS, WEIGHTED, Instance, Layer, Node, Reader, Seq


class Tracer(Reader):
    """The evaluator plus ``forward``: each operation on a tensor becomes an item of the ``layers`` list."""

    def __init__(self, source: str, file: str) -> None:
        super().__init__(source, file)
        self.prefixes: list[str] = [""]
        self.emitted: set[str] = set()

    def functional(self, name: str, args: list[Any], kwargs: dict[str, Any], e: ast.Call) -> Node:
        x = args[0]
        if name in ("relu", "relu_") and kwargs.pop("inplace", None) is not None:
            pass
        if name not in FUNCTIONS:
            raise self.error(f"{name}() on a tensor is not read statically", e)
        layer = FUNCTIONS[name]
        order = [k for k in LAYER_TYPES[layer].args if k != "inplace"]
        raw = dict(zip(order, args[1:]), **{k: v for k, v in kwargs.items() if k not in ("inplace", "training")})
        return self.emit(dict(type=layer, **raw), x)

    def tensor_method(self, x: Node, name: str, args: list[Any], kwargs: dict[str, Any], e: ast.Call) -> Any:
        if name in ("view", "reshape") and len(args) == 2 and args[1] == -1:
            return self.emit({"type": "Flatten"}, x)
        if name == "size" or name == "shape":
            return ("size",)
        if name == "flatten":
            return self.emit({"type": "Flatten", "start_dim": args[0] if args else 0}, x)
        if name in FUNCTIONS:
            return self.functional(name, [x] + args, kwargs, e)
        raise self.error(f"x.{name}() is not read statically", e)

    # -------------------------------------------------------------- forward
    def emit(self, item: dict[str, Any], x: Node | None, name: str | None = None) -> Node:
        if name is None:              # a function or an operator in forward: named in the module that calls it
            prefix = self.prefixes[-1]
            base = f"{prefix}.{item['type'].lower()}" if prefix else item["type"].lower()
            name, k = base, 1
            while name in self.emitted:
                k += 1
                name = f"{base}_{k}"
        self.emitted.add(name)
        item = dict(item, name=name)
        if x is not None:
            item["from"] = x.name
        self.items.append(item)
        return Node(name)

    def trace(self, module: Any, x: Any, e: ast.AST) -> Node:
        if not isinstance(x, Node):
            raise self.error("a module called on something that is not a tensor of this model", e)
        name = self.names.get(id(module), "module")
        if id(module) in self.used:
            if not isinstance(module, Layer) or LAYER_TYPES[module.type].family in WEIGHTED:
                raise self.error(f"{name} is called twice (shared weights): not supported", e)
            self.used[id(module)] += 1
            name = f"{name}_{self.used[id(module)]}"        # a parameter-free module used again (self.relu)
        else:
            self.used[id(module)] = 1
        if isinstance(module, Layer):
            return self.emit(dict(type=module.type, **module.args), x, name)
        if isinstance(module, Seq):
            for m in module.items:
                x = self.trace(m, x, e)
            return x
        forward = module.cls.lookup("forward")
        if not isinstance(forward, ast.FunctionDef):
            raise self.error(f"{module.cls.name} has no forward method", module.cls.node)
        self.prefixes.append(name if name != "module" else "")
        try:
            return self.call(forward, [x], {}, module)
        finally:
            self.prefixes.pop()

    def name_tree(self, module: Any, prefix: str) -> None:
        if id(module) in self.names:
            return
        self.names[id(module)] = prefix
        join = (lambda n: f"{prefix}.{n}") if prefix else (lambda n: n)
        if isinstance(module, Seq):
            for n, m in zip(module.names, module.items):
                self.name_tree(m, join(n))
        elif isinstance(module, Instance):
            for attr in module.order:
                self.name_tree(module.attrs[attr], join(attr))


def read_model(source: str, file: str, name: str) -> list[dict[str, Any]]:
    """The ``layers`` list (see :mod:`.graph`) of model ``name`` in ``source``."""
    r = Tracer(source, file)
    if name in r.classes:
        model = r.call_expr(ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[], keywords=[]), {})
    elif name in r.functions:
        model = r.call(r.functions[name], [], {})
    else:
        known = sorted(list(r.classes) + list(r.functions))
        raise InputError(f"no class or function named '{name}'; defined: {', '.join(known) or 'none'}", file=file)
    if not isinstance(model, (Instance, Seq, Layer)):
        raise InputError(f"{name} does not build an nn.Module", file=file)
    r.name_tree(model, "")
    out = r.trace(model, Node("input"), r.tree)
    if not r.items:
        raise InputError(f"{name}: forward uses no layer", file=file)
    if r.items[-1]["name"] != out.name:
        r.items.append({"type": "Identity", "name": "output", "from": out.name})
    return r.items


def default_name(source: str, file: str) -> str:
    """The last class deriving from a Module (or, failing that, the last function) defined in the file."""
    r = Reader(source, file)
    classes = [c for c in r.classes.values() if c.bases]
    if classes:
        return classes[-1].name
    if r.functions:
        return list(r.functions)[-1]
    raise InputError("no nn.Module class or function in the file", file=file)
