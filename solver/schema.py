"""JSON Schema (draft 2020-12) of the exercise file format, built from the same tables the loader uses.

Read from the loader's and solvers' tables: the top-level keys (model.TOP_LEVEL_KEYS, checked), id patterns
(model.ID_PATTERN), the kinds (registry.KINDS), the layer types and their arguments (network/layers.py,
layers_extra.py), the merge and structure names (network/graph.py), the quantities of each kind
(QUANTITY_TABLES) with the options of the nn_basics quantities, and the ``given`` fields of each nn_basics
family (their ``GIVEN`` tables). Still written here: the JSON types of argument kinds, the ``given`` of
network/convolution/identity/gradient/explain/code, the graph structures, params and errata (top-level, and the
older given.errata). tests/test_schema_bank.py validates the bank and the README/SPEC examples against it with
``jsonschema``.

Example:
    >>> s = exercise_schema()
    >>> s["required"]
    ['id', 'kind', 'ask']
"""
from __future__ import annotations

import json
from typing import Any

from .model import COMMON_OPTIONS, GRADING_KEYS, ID_PATTERN, PART_KEYS, TOP_LEVEL_KEYS

TEXT = {"oneOf": [{"type": "string"},
                  {"type": "object", "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                   "additionalProperties": False, "minProperties": 1}]}
TEMPLATE = {"type": "string", "pattern": r"^\{[^{}]+\}$",
            "description": "a value written as \"{name}\": a parameter (params, derived) or, in a block, an "
                           "expression of the block's arguments and in_channels, e.g. \"{planes * 4}\""}
FOLLOW_THROUGH = {"oneOf": [{"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1}],
                  "description": "credit for a part right from the student's own wrong earlier answer: false (none), "
                                 "true (the grader's default share) or the share of the points"}


def _arg_schema(kind: str, dims: int | None) -> dict[str, Any]:
    spatial = {"oneOf": [{"type": "integer", "minimum": 1},
                         {"type": "array", "items": {"type": "integer", "minimum": 1},
                          "minItems": dims or 1, "maxItems": dims or 1}]}
    nonneg = {"oneOf": [{"type": "integer", "minimum": 0},
                        {"type": "array", "items": {"type": "integer", "minimum": 0},
                         "minItems": dims or 1, "maxItems": dims or 1}]}
    return {
        "size": spatial,
        "padding": nonneg,
        "conv_padding": {"oneOf": nonneg["oneOf"] + [{"enum": ["same", "valid"]}]},
        "channels": {"type": "integer", "minimum": 1},
        "positive": {"type": "integer", "minimum": 1},
        "optional_positive": {"type": ["integer", "null"], "minimum": 1},
        "int": {"type": "integer"},
        "flag": {"type": "boolean"},
        "false": {"const": False},
        "number": {"type": "number"},
        "optional_number": {"type": ["number", "null"]},
        "probability": {"type": "number", "minimum": 0, "maximum": 1},
        "padding_mode": {"enum": ["zeros", "reflect", "replicate", "circular"]},
        "padding_mode_zeros": {"const": "zeros"},
        "gelu": {"enum": ["none", "tanh"]},
        # the kinds of solver/network/layers_extra.py
        "shape": {"oneOf": [{"type": "integer", "minimum": 1},
                            {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1, "maxItems": 3}]},
        "shape_infer": {"type": "array", "items": {"type": "integer", "minimum": -1}, "minItems": 1, "maxItems": 3,
                        "description": "one entry may be -1 (inferred)"},
        "optional_int": {"type": ["integer", "null"]},
        "optional_flag": {"type": ["boolean", "null"]},
        "scale": {"oneOf": [{"type": "number", "exclusiveMinimum": 0},
                            {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0}}, {"type": "null"}]},
        "upsample_size": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "null"},
                                    {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 3}]},
        "pad_sides": {"oneOf": [{"type": "integer", "minimum": 0},
                                {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2,
                                 "maxItems": 4}]},
        "upsample_mode": {"enum": ["nearest", "linear", "bilinear"]},
        "output_size": {"oneOf": [{"type": "integer", "minimum": 1},
                                  {"type": "array", "items": {"type": ["integer", "null"] if dims == 2 else "integer",
                                                              "minimum": 1},
                                   "minItems": dims or 1, "maxItems": dims or 1}]},
    }[kind]


def layer_schema() -> dict[str, Any]:
    from .network.layers import LAYER_TYPES
    variants = []
    for name, lt in LAYER_TYPES.items():
        props: dict[str, Any] = {"type": {"const": name}, "name": {"type": "string"}}
        for arg_name, arg in lt.args.items():
            props[arg_name] = {"anyOf": [_arg_schema(arg.kind, lt.dims), {"$ref": "#/$defs/template"}]}
            if arg.doc:
                props[arg_name]["description"] = arg.doc
        required = ["type"] + [k for k, a in lt.args.items() if a.required]
        variants.append({"type": "object", "properties": props, "required": required,
                         "additionalProperties": False, "title": name})
    return {"oneOf": variants}


def graph_schemas() -> dict[str, Any]:
    """``$defs`` of networks with branches (solver/network/graph.py): items of a ``layers`` list and blocks."""
    from .network.graph import MERGES, STRUCTURES
    from .network.layers import LAYER_TYPES
    ref = {"$ref": "#/$defs/item"}
    items = {"type": "array", "items": ref}
    name = {"type": "string", "pattern": r"^[^.]+$"}
    node = {"type": ["string", "integer"], "description": "a node name (input: the input of the block or network)"}
    when = {"type": "string", "description": "keep the item only when this condition on the block's arguments and "
                                             "in_channels holds"}
    layers = []
    for variant in layer_schema()["oneOf"]:
        v = dict(variant, properties=dict(variant["properties"], name=name, when=when, **{"from": node}))
        layers.append(v)
    structures = [
        {"title": "Residual", "type": "object", "required": ["type", "body"], "additionalProperties": False,
         "description": "body(x) + shortcut(x); no shortcut: the identity",
         "properties": {"type": {"const": "Residual"}, "name": name, "from": node, "when": when, "body": items,
                        "shortcut": {"oneOf": [items, {"const": "identity"}, {
                            "type": "object", "additionalProperties": False, "properties": {
                                "when": {"type": "string", "description": "condition on the block's arguments and "
                                                                          "in_channels, e.g. stride != 1"},
                                "layers": items}}]}}},
        {"title": "Concat", "type": "object", "required": ["type", "branches"], "additionalProperties": False,
         "description": "torch.cat([branch(x) for branch in branches], dim); an empty branch is x",
         "properties": {"type": {"const": "Concat"}, "name": name, "from": node, "when": when, "dim": {"type": "integer"},
                        "branches": {"type": "array", "minItems": 2, "items": items}}},
        {"title": "Add", "type": "object", "required": ["type", "inputs"], "additionalProperties": False,
         "properties": {"type": {"const": "Add"}, "name": name, "inputs": {"type": "array", "minItems": 2,
                                                                            "items": node}}},
        {"title": "Cat", "type": "object", "required": ["type", "inputs"], "additionalProperties": False,
         "properties": {"type": {"const": "Cat"}, "name": name, "dim": {"type": "integer"},
                        "inputs": {"type": "array", "minItems": 2, "items": node}}},
        {"title": "block use", "type": "object", "required": ["type"],
         "description": "a block of blocks: its arguments, repeat, and then: (the arguments of the uses after the "
                        "first)",
         "properties": {"type": {"type": "string", "not": {"enum": list(LAYER_TYPES) + list(MERGES + STRUCTURES)}},
                        "name": name, "from": node, "when": when, "repeat": {"type": "integer", "minimum": 1},
                        "then": {"type": "object"}}},
    ]
    block = {"type": "object", "required": ["layers"], "additionalProperties": False, "properties": {
        "args": {"type": "object", "description": "argument → default (null: required); in the block, "
                                                  "\"{planes * 4}\" is an expression of them and in_channels"},
        "layers": items, "label": TEXT}}
    # a network without blocks: the same items but no block use, so that a misspelt layer type fails
    plain = json.loads(json.dumps(layers + structures[:-1]).replace('"#/$defs/item"', '"#/$defs/plain_item"'))
    return {"item": {"oneOf": layers + structures}, "plain_item": {"oneOf": plain},
            "blocks": {"type": "object", "additionalProperties": block, "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}}}


# kind → the solver's table of the quantities it answers: a tuple, a single name, or (solver/nn_basics) a dict
# quantity → its options; "+" joins tables; a bare word is a quantity the solver names only in its code (identity
# reads every part as an identity; rf_proof hands the parts other than proof to the network solver). Read, not
# copied, so that the schema follows the solvers.
QUANTITY_TABLES = {
    "network": "solver.network.solve:QUANTITIES",
    "rf_proof": "solver.network.solve:QUANTITIES + proof",
    "convolution": "solver.conv.solve:QUANTITIES",
    "identity": "identity",
    "gradient": "solver.conv.gradient:QUANTITIES",
    "explain": "solver.explain.solve:QUANTITY",
    "code": "solver.code.solve:QUANTITIES",
    "recurrent": "solver.nn_basics.recurrent:QUANTITIES",
    "optimizer": "solver.nn_basics.optim:QUANTITIES",
    "init": "solver.nn_basics.weight_init:QUANTITIES",
    "mlp": "solver.nn_basics.mlp:QUANTITIES",
}


def kind_quantities(kind: str) -> dict[str, tuple[str, ...] | None]:
    """Quantity → its kind-specific options (None: not listed by the solver) for one kind.

    >>> list(kind_quantities("convolution"))
    ['value', 'equal', 'composable']
    """
    from .registry import load
    out: dict[str, tuple[str, ...] | None] = {}
    for target in QUANTITY_TABLES[kind].split(" + "):
        table = load(target) if ":" in target else target
        if isinstance(table, str):
            table = (table,)
        for q in table:
            out[q] = tuple(table[q]) if isinstance(table, dict) else None
    return out


def _ask_for_kind(kind: str, part: dict[str, Any]) -> dict[str, Any]:
    """The ``ask`` items of one kind: its quantities; with the options the solver lists, only those."""
    table = kind_quantities(kind)
    if any(opts is None for opts in table.values()):
        return {"items": {"properties": {"quantity": {"enum": list(table)}}}}
    common = {k: v for k, v in part["properties"].items() if k in PART_KEYS + GRADING_KEYS + COMMON_OPTIONS}
    return {"items": {"oneOf": [
        {"title": q, "type": "object", "additionalProperties": False,
         "properties": dict(common, quantity={"const": q}, **{o: part["properties"].get(o, {}) for o in opts})}
        for q, opts in table.items()]}}


def _nn_basics_given(kind: str) -> dict[str, Any]:
    """``given`` of a kind of solver/nn_basics: the fields of one of its families (the module's ``GIVEN`` table)."""
    from .registry import load
    families = load(QUANTITY_TABLES[kind].partition(":")[0] + ":GIVEN")
    return {"type": "object", "properties": {"errata": ERRATA},
            "anyOf": [{"title": family, "propertyNames": {"enum": list(keys)}} for family, keys in families.items()]}


PARAM = {"type": "object", "required": ["default"], "additionalProperties": False,
         "description": "one parameter of solver/variants.py: the book's value and how variants draw it",
         "properties": {"default": {}, "choices": {"type": "array", "minItems": 1},
                        "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                        "step": {"type": "number", "exclusiveMinimum": 0},
                        "vector": {"type": "integer", "minimum": 1},
                        "matrix": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2,
                                   "maxItems": 2}}}
BILINGUAL = {"type": "object", "required": ["en", "zh"], "additionalProperties": False,
             "properties": {"en": {"type": "string"}, "zh": {"type": "string"}}}
ERRATA = {"type": "array", "minItems": 1, "maxItems": 8, "description": "what the source says that is wrong and what "
          "is in fact true, with where it says it and evidence computed when the exercise is solved "
          "(solver/source.py); shown as a last step of every kind's solution", "items": {
              "type": "object", "required": ["printed", "fact"], "additionalProperties": False,
              "properties": {"printed": BILINGUAL, "fact": BILINGUAL, "where": BILINGUAL,
                             "evidence": {"type": "array", "maxItems": 8, "items": {
                                 "type": "object", "required": ["label", "printed", "fact"],
                                 "additionalProperties": False,
                                 "description": "two expressions over the parameters, the answers (by part id) and "
                                                "given: what the source's reading gives and what is true; they must "
                                                "differ",
                                 "properties": {"label": BILINGUAL, "printed": {"type": "string"},
                                                "fact": {"type": "string"}}}}}}}


def exercise_schema() -> dict[str, Any]:
    from .registry import KINDS
    network = {"type": "object", "properties": {
        "input_shape": {"type": "array", "items": {"anyOf": [{"type": "integer", "minimum": 1},
                                                             {"$ref": "#/$defs/template"}]}, "minItems": 1, "maxItems": 3,
                        "description": "[C, L], [C, H, W] or [F], without the batch dimension"},
        "layers": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
        "blocks": {"$ref": "#/$defs/blocks"},
        "label": TEXT}, "required": ["input_shape", "layers"], "additionalProperties": False}
    no_blocks = {"not": {"required": ["blocks"]}}
    quantities = list(dict.fromkeys(q for kind in KINDS for q in kind_quantities(kind)))
    part = {"type": "object", "required": ["id", "quantity"], "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN.pattern},
            "quantity": {"enum": quantities, "description": "what is asked; which ones depends on kind"},
            "points": {"type": "number", "minimum": 0},
            "label": dict(TEXT, description="the part in the question's words (shown instead of its id)"),
            "at": {"type": ["integer", "string"], "description": "layer number from 1, or a layer name"},
            "network": {"type": "string"}, "of": {"enum": ["params", "macs", "flops"]},
            "numerator": {"type": "string"}, "denominator": {"type": "string"},
            "expr": {"type": "string", "description": "convolution expression, e.g. corr(K, X, mode=full)"},
            "wrt": {"enum": ["W", "X"]},
            "tolerance": {"type": "object", "additionalProperties": False,
                          "properties": {k: {"type": "integer" if k == "sig" else "number", "minimum": 0}
                                         for k in ("rel", "abs", "sig")}},
            "partial": {"oneOf": [{"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1}]},
            "follow_through": FOLLOW_THROUGH,
            "mistakes": {"type": "array", "items": {"type": "object", "required": ["value", "message"],
                                                    "properties": {"value": {}, "message": TEXT,
                                                                   "credit": {"type": "number"}}}}}}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/cnn-exercises/exercise.schema.json",
        "title": "CNN exercise",
        "type": "object",
        "required": ["id", "kind", "ask"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN.pattern},
            "source": {"type": "object", "properties": {"book": {"type": "string"},
                                                         "chapter": {"type": ["string", "integer"]},
                                                         "number": {"type": ["string", "number"]}},
                       "additionalProperties": False},
            "title": TEXT, "statement": TEXT, "notes": TEXT,
            "tags": {"type": "array", "items": {"type": "string"}},
            "cites": {"type": "array", "items": TEXT, "maxItems": 8,
                      "description": "the definitions, formulas and sections of the source the solution uses "
                                     "(e.g. {en: \"formula (24.19)\", zh: \"式 (24.19)\"}); cited in the approach"},
            "kind": {"enum": list(KINDS)},
            "given": {"type": "object", "description": "the data of the problem; its form depends on kind"},
            "ask": {"type": "array", "minItems": 1, "items": part},
            "params": {"type": "object", "description": "randomised variants: name → {default, choices | range [+step] "
                       "| matrix [r, c] + range | vector n + range}; refer to them as \"{name}\"",
                       "additionalProperties": PARAM},
            "grading": {"type": "object", "additionalProperties": False,
                        "properties": {"follow_through": FOLLOW_THROUGH}},
            "derived": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "name → arithmetic expression of the params"},
            "constraints": {"type": "array", "items": {"type": "string"},
                            "description": "conditions every variant satisfies, e.g. \"n - k + 2 * p >= 1\""},
            "source_answer": {"type": "object", "description": "part id → printed value, or {value, sig|rel|abs|layout}"},
            "errata": ERRATA,
        },
        "$defs": {"layer": layer_schema(), **graph_schemas(), "template": TEMPLATE},
        "allOf": [
            *({"if": {"properties": {"kind": {"const": kind}}},
               "then": {"properties": {"ask": _ask_for_kind(kind, part)}}} for kind in KINDS),
            *({"if": {"properties": {"kind": {"const": kind}}},
               "then": {"properties": {"given": _nn_basics_given(kind)}}}
              for kind, table in QUANTITY_TABLES.items() if table.startswith("solver.nn_basics.")),
            {"if": {"properties": {"kind": {"enum": ["network", "rf_proof"]}, "given": {"allOf": [
                no_blocks, {"properties": {"networks": {"additionalProperties": no_blocks}}}]}}},
             "then": {"properties": {"given": {"properties": {
                 "layers": {"items": {"$ref": "#/$defs/plain_item"}},
                 "networks": {"additionalProperties": {"properties": {
                     "layers": {"items": {"$ref": "#/$defs/plain_item"}}}}}}}}}},
            {"if": {"properties": {"kind": {"enum": ["network", "rf_proof"]}}},
             "then": {"properties": {"given": {"oneOf": [network, {"type": "object", "properties": {
                 "networks": {"type": "object", "additionalProperties": network, "minProperties": 1},
                 "blocks": {"$ref": "#/$defs/blocks"}},
                 "required": ["networks"], "additionalProperties": False}]}}}},
            {"if": {"properties": {"kind": {"const": "convolution"}}},
             "then": {"properties": {"given": {"type": "object", "required": ["values"], "additionalProperties": False,
                                               "properties": {"values": {"type": "object", "description":
                                                   "name → number, vector, matrix or channels×H×W list"}}}}}},
            {"if": {"properties": {"kind": {"const": "explain"}}},
             "then": {"properties": {"given": {"type": "object", "required": ["points"], "properties": {
                 "points": {"type": "array", "items": {"type": "object", "required": ["id"]}},
                 "experiment": {"oneOf": [{"type": "object", "required": ["name"]},
                                          {"type": "array", "items": {"type": "object", "required": ["name"]}}]}}}}}},
            {"if": {"properties": {"kind": {"const": "code"}}},
             "then": {"properties": {"given": {"type": "object", "required": ["function", "signature", "reference"]}}}},
            {"if": {"properties": {"kind": {"enum": ["identity", "gradient"]}}},
             "then": {"properties": {"given": {"type": "object", "required": ["sizes"], "additionalProperties": False,
                                               "properties": {"sizes": {"type": "object", "additionalProperties": {
                                                   "type": "array", "items": {"type": "integer", "minimum": 1},
                                                   "minItems": 2, "maxItems": 2}},
                                                   "range": {"type": "object"},
                                                   "continuous": {"type": "boolean", "description":
                                                       "also derive the commutativity of the continuous "
                                                       "convolution"}}}}}},
        ],
    }
    assert set(schema["properties"]) == set(TOP_LEVEL_KEYS)
    return schema
