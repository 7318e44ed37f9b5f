"""solver.model reads a parsed document without changing it."""
from __future__ import annotations

import copy

from solver.i18n import Text
from solver.model import exercise_from_document
from solver.yamlio import parse_yaml

DOC = """\
id: demo
kind: network
params: {c: {default: 8, choices: [4, 8]}}
title: {en: Demo, zh: 示例}
given: {input_shape: [3, 8, 8], layers: [{type: Conv2d, in_channels: 3, out_channels: "{c}", kernel_size: 3}]}
ask:
  - id: p
    quantity: params
    mistakes: [{value: 1, message: {en: "bias forgotten", zh: 忘了偏置}, credit: 0.5}]
source_answer: {p: 224}
grading: {follow_through: false}
"""


def test_reading_a_document_leaves_it_as_it_was():
    doc = parse_yaml(DOC, "demo.yaml")
    before = copy.deepcopy(doc.data)
    first = exercise_from_document(doc)
    assert doc.data == before
    assert first.ask[0].grading["mistakes"][0]["message"] == Text(en="bias forgotten", zh="忘了偏置")
    again = exercise_from_document(doc)                  # once mutated, a second reading failed
    assert again.ask == first.ask and again.given == first.given
    variant = exercise_from_document(doc, seed=3)        # a variant substitutes into new mappings
    assert doc.data == before and variant.source_answer == {}
    assert first.source_answer == {"p": 224}
