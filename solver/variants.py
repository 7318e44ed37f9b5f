"""Randomised variants: every student gets their own numbers, reproducibly.

An exercise may declare parameters; its statement, givens and ``source_answer`` refer to them::

    params:
      k:    {default: 3, choices: [3, 5, 7]}             # kernel size (odd)
      cin:  {default: 16, range: [8, 64], step: 8}
      n:    {default: 28, range: [8, 32]}
      X:    {default: [[0, 1], [2, 3]], matrix: [2, 2], range: [-3, 3]}   # small integer matrix
    derived:
      p: "(k - 1) // 2"                                   # computed from the others
    constraints:
      - "n - k + 2 * p >= 1"
      - "X[0][0] != 0 or X[1][1] != 0"                    # not trivially zero

A string that is exactly ``"{k}"`` becomes the value of ``k`` (keeping its type); inside longer text,
``{k}`` is replaced by the value's text (``{{`` and ``}}`` for literal braces). Variant 0 does not exist:
no seed means the book's numbers (every ``default``), and the printed ``source_answer`` applies only then.
Variant ``N`` is drawn by ``random.Random("<id>:<N>")`` — the same on every machine and Python 3 build.
Expressions are read by a whitelist evaluator (arithmetic, comparisons, and/or/not, indexing), never ``eval``.

Example:
    >>> spec = {"params": {"k": {"default": 3, "choices": [3, 5, 7]}}, "derived": {"p": "(k - 1) // 2"}}
    >>> draw(spec, "demo", None), draw(spec, "demo", 7) == draw(spec, "demo", 7)
    ({'k': 3, 'p': 1}, True)
"""
from __future__ import annotations

import ast
import copy
import functools
import operator
import random
import re
from typing import Any

MAX_TRIES = 2000

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
        ast.Mod: operator.mod, ast.Pow: operator.pow, ast.Div: operator.truediv}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
        ast.GtE: operator.ge}


class VariantError(ValueError):
    """A parameter block that cannot be read or satisfied."""


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> ast.Expression:
    """The syntax tree of an expression (the same few expressions are evaluated for every layer and variant)."""
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise VariantError(f"cannot read expression {text!r}: {exc.msg}") from None


def evaluate(text: str, env: dict[str, Any]) -> Any:
    """Evaluate a small arithmetic/boolean expression over ``env`` by walking its syntax tree (no ``eval``)."""
    tree = _parse(text)

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in env:
                raise VariantError(f"unknown parameter '{node.id}' in {text!r}")
            return env[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 64:
                raise VariantError(f"exponent too large in {text!r}")
            return _BIN[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else (+v if isinstance(node.op, ast.UAdd) else not v)
        if isinstance(node, ast.BoolOp):
            values = [ev(v) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare) and all(type(op) in _CMP for op in node.ops):
            left = ev(node.left)
            for op, comp in zip(node.ops, node.comparators):
                right = ev(comp)
                if not _CMP[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Subscript):
            return ev(node.value)[ev(node.slice)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("abs", "min", "max"):
            return {"abs": abs, "min": min, "max": max}[node.func.id](*[ev(a) for a in node.args])
        raise VariantError(f"{text!r}: only arithmetic, comparisons, and/or/not and indexing are allowed")
    return ev(tree)


def _sample(name: str, spec: dict[str, Any], rng: random.Random) -> Any:
    if "choices" in spec:
        return copy.deepcopy(rng.choice(spec["choices"]))
    if "matrix" in spec or "vector" in spec:
        lo, hi = spec.get("range", [-3, 3])
        if "vector" in spec:
            return [rng.randint(lo, hi) for _ in range(int(spec["vector"]))]
        rows, cols = spec["matrix"]
        return [[rng.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]
    if "range" in spec:
        lo, hi = spec["range"]
        step = spec.get("step", 1)
        return rng.choice(list(range(lo, hi + 1, step)))
    raise VariantError(f"parameter '{name}' needs choices, range, matrix or vector")


def declared(raw: dict[str, Any]) -> bool:
    return bool(raw.get("params"))


def draw(raw: dict[str, Any], ex_id: str, seed: int | None) -> dict[str, Any]:
    """Parameter values of variant ``seed`` (None: the defaults, i.e. the book's numbers)."""
    params = raw.get("params") or {}
    derived = raw.get("derived") or {}
    constraints = raw.get("constraints") or []
    if seed is None:
        values = {n: copy.deepcopy(s["default"]) for n, s in params.items() if "default" in s}
        missing = [n for n, s in params.items() if "default" not in s]
        if missing:
            raise VariantError(f"parameter '{missing[0]}' needs a default (the book's value)")
        for n, text in derived.items():
            values[n] = evaluate(str(text), values)
        return values
    rng = random.Random(f"{ex_id}:{seed}")
    for _ in range(MAX_TRIES):
        values = {n: _sample(n, s, rng) for n, s in params.items()}
        for n, text in derived.items():
            values[n] = evaluate(str(text), values)
        if all(evaluate(str(c), values) for c in constraints):
            return values
    raise VariantError(f"no variant satisfies the constraints after {MAX_TRIES} draws")


_WHOLE = re.compile(r"^\{([A-Za-z_][A-Za-z_0-9]*)\}$")
_PART = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z_0-9]*)\}")


def substitute(data: Any, values: dict[str, Any]) -> Any:
    """Put parameter values into a YAML tree: ``"{k}"`` → the value, ``"… {k} …"`` → text."""
    if isinstance(data, dict):
        return {k: substitute(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [substitute(v, values) for v in data]
    if isinstance(data, str):
        whole = _WHOLE.match(data)
        if whole and whole.group(1) in values:
            return copy.deepcopy(values[whole.group(1)])

        def repl(m: re.Match) -> str:
            if m.group(0) == "{{":
                return "{"
            if m.group(0) == "}}":
                return "}"
            name = m.group(1)
            return _text(values[name]) if name in values else m.group(0)
        return _PART.sub(repl, data)
    return data


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def seed_for_student(student: str) -> int:
    """The variant of a student, derived from the id the same way everywhere (SHA-256, 1…999,999)."""
    import hashlib              # here, not at the top: every solve imports this module, few need a student seed
    return int(hashlib.sha256(student.strip().encode("utf-8")).hexdigest()[:12], 16) % 999_999 + 1
