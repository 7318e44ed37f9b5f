"""JSON Schema (draft 2020-12) of the exercise file format, built from the same tables the loader uses.

Example:
    >>> s = exercise_schema()
    >>> s["required"]
    ['id', 'kind', 'ask']
"""
from __future__ import annotations

from typing import Any

from .model import TOP_LEVEL_KEYS

TEXT = {"oneOf": [{"type": "string"},
                  {"type": "object", "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                   "additionalProperties": False, "minProperties": 1}]}
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
            props[arg_name] = dict(_arg_schema(arg.kind, lt.dims))
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
    return {"item": {"oneOf": layers + structures},
            "blocks": {"type": "object", "additionalProperties": block, "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}}}


# quantities of solver/nn_basics (kinds recurrent, optimizer, init, mlp); their options are kind-specific
NN_BASICS_QUANTITIES = ["params_difference", "gate", "bptt_gradient", "bptt_factors", "bptt_bound", "iterates",
                        "final", "state", "update", "init_variance", "init_std", "init_bound", "activation_variance",
                        "forward", "loss", "grad", "dropout_mean"]


def exercise_schema() -> dict[str, Any]:
    from .network.solve import QUANTITIES
    from .registry import KINDS
    network = {"type": "object", "properties": {
        "input_shape": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1, "maxItems": 3,
                        "description": "[C, L], [C, H, W] or [F], without the batch dimension"},
        "layers": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
        "blocks": {"$ref": "#/$defs/blocks"},
        "label": TEXT}, "required": ["input_shape", "layers"], "additionalProperties": False}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/cnn-exercises/exercise.schema.json",
        "title": "CNN exercise",
        "type": "object",
        "required": ["id", "kind", "ask"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"},
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
            "ask": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["id", "quantity"],
                "properties": {
                    "id": {"type": "string"}, "quantity": {"enum": list(QUANTITIES) + ["value", "equal", "identity", "jacobian", "partial",
                                                                         "backprop", "proof", "explanation", "program"]
                                                                        + NN_BASICS_QUANTITIES},
                    "points": {"type": "number", "minimum": 0},
                    "at": {"type": ["integer", "string"], "description": "layer number from 1, or a layer name"},
                    "network": {"type": "string"}, "of": {"enum": ["params", "macs", "flops"]},
                    "numerator": {"type": "string"}, "denominator": {"type": "string"},
                    "expr": {"type": "string", "description": "convolution expression, e.g. corr(K, X, mode=full)"},
                    "wrt": {"enum": ["W", "X"]},
                    "tolerance": {"type": "object", "properties": {"rel": {"type": "number"}, "abs": {"type": "number"},
                                                                   "sig": {"type": "integer"}},
                                  "additionalProperties": False},
                    "partial": {"oneOf": [{"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1}]},
                    "follow_through": FOLLOW_THROUGH,
                    "mistakes": {"type": "array", "items": {"type": "object", "required": ["value", "message"],
                                                            "properties": {"value": {}, "message": TEXT,
                                                                           "credit": {"type": "number"}}}}}}},
            "params": {"type": "object", "description": "randomised variants: name → {default, choices | range [+step] "
                       "| matrix [r, c] + range | vector n + range}; refer to them as \"{name}\"",
                       "additionalProperties": {"type": "object", "required": ["default"]}},
            "grading": {"type": "object", "additionalProperties": False,
                        "properties": {"follow_through": FOLLOW_THROUGH}},
            "derived": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "name → arithmetic expression of the params"},
            "constraints": {"type": "array", "items": {"type": "string"},
                            "description": "conditions every variant satisfies, e.g. \"n - k + 2 * p >= 1\""},
            "source_answer": {"type": "object", "description": "part id → printed value, or {value, sig|rel|abs|layout}"},
        },
        "$defs": {"layer": layer_schema(), **graph_schemas()},
        "allOf": [
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
                                                   "range": {"type": "object"}}}}}},
        ],
    }
    assert set(schema["properties"]) == set(TOP_LEVEL_KEYS)
    return schema
