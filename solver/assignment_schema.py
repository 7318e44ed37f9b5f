"""The assignment file's format: its keys and its JSON Schema (``solve schema --assignment``).

An assignment file is read by the grader (:mod:`grader.assignment`: which exercises and parts count, for how
many points), but its *format* is plain data with no dependency, and ``solve schema --assignment`` prints it.
It lives here, below both, so that the solver never imports the grader (the layers are one-way:
solver ← grader ← practice, checked by ``tests/test_layers.py``) and the grader's loader checks unknown
fields against the same tables the schema is built from.

This was preferred to contributing the schema through an entry point (as ``practice`` contributes
``solve practice``): a schema is a constant, not a command, and an entry point would add a second lookup
mechanism and a packaging step for one dictionary.

Example:
    >>> s = assignment_schema()
    >>> sorted(s["properties"]) == sorted(KEYS), s["required"]
    (True, ['exercises'])
    >>> sorted(s["properties"]["exercises"]["items"]["oneOf"][1]["properties"]) == sorted(EXERCISE_KEYS)
    True
"""
from __future__ import annotations

from typing import Any

KEYS = ("title", "lang", "variants", "exercises")
EXERCISE_KEYS = ("id", "points", "parts")


def assignment_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the assignment file."""
    ex_id = {"type": ["string", "number"], "description": "an exercise id (solve list)"}
    points = {"type": "number", "exclusiveMinimum": 0}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/cnn-exercises/assignment.schema.json",
        "title": "CNN exercises assignment",
        "type": "object",
        "required": ["exercises"],
        "additionalProperties": False,
        "properties": {
            "title": {"oneOf": [{"type": "string"},
                                {"type": "object", "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                                 "additionalProperties": False, "minProperties": 1}]},
            "lang": {"enum": ["en", "zh"]},
            "variants": {"type": "boolean"},
            "exercises": {"type": "array", "minItems": 1, "items": {"oneOf": [
                ex_id,
                {"type": "object", "required": ["id"], "additionalProperties": False, "properties": {
                    "id": ex_id,
                    "points": points,
                    "parts": {"oneOf": [{"type": "array", "minItems": 1, "items": {"type": "string"}},
                                        {"type": "object", "minProperties": 1, "additionalProperties": points}]}}}]}},
        },
    }
