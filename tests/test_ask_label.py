"""``label`` on an ask item (the part in the question's words) is a key every kind accepts, checked in one place
(solver/model.py COMMON_OPTIONS), and the part's title and answer show it (solver.i18n.part_label)."""
from __future__ import annotations

from pathlib import Path

import pytest

from solver.errors import InputError
from solver.model import exercise_from_document
from solver.pipeline import solve_exercise
from solver.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parents[1]

PLAIN = """\
id: labelled
kind: network
given:
  input_shape: [3, 32, 32]
  layers:
    - {type: Conv2d, in_channels: 3, out_channels: 8, kernel_size: 3, padding: 1}
    - {type: MaxPool2d, kernel_size: 2}
ask:
  - {id: shape, quantity: output_shape, label: {en: "size of the pooled map", zh: "池化后特征图的尺寸"}}
  - {id: params, quantity: params}
"""

BRANCHES = """\
id: labelled-graph
kind: network
given:
  input_shape: [4, 8, 8]
  layers:
    - type: Concat
      branches: [[{type: Conv2d, out_channels: 2, kernel_size: 1}], [{type: MaxPool2d, kernel_size: 3, stride: 1, padding: 1}]]
ask:
  - {id: s, quantity: output_shape, label: {en: "channels after the concatenation", zh: "拼接后的形状"}}
"""


def _exercise(text: str, name: str = "labelled.yaml"):
    return exercise_from_document(parse_yaml(text, name))


def _rendered(sol, lang: str) -> str:
    from solver.render.markdown import render
    return render(sol, lang, verified=False)


@pytest.mark.parametrize("text, en, zh", [(PLAIN, "size of the pooled map", "池化后特征图的尺寸"),
                                          (BRANCHES, "channels after the concatenation", "拼接后的形状")])
def test_a_network_part_with_a_label_shows_it_in_both_languages(text, en, zh):
    sol = solve_exercise(_exercise(text), verify=False)
    out_en, out_zh = _rendered(sol, "en"), _rendered(sol, "zh")
    assert f"Asked for: {en}" in out_en and f"所求：{zh}" in out_zh            # the part's step
    assert out_en.count(en) >= 2 and out_zh.count(zh) >= 2                     # and its answer
    assert zh not in out_en and en not in out_zh


def test_a_part_without_a_label_keeps_its_title():
    sol = solve_exercise(_exercise(PLAIN), verify=False)
    titles = [s.title.render("en") for s in sol.steps if s.rule == "network.params"]
    assert titles and not titles[0].startswith("Asked for")


def test_a_bad_label_is_refused_where_it_is_written():
    bad = PLAIN.replace('label: {en: "size of the pooled map", zh: "池化后特征图的尺寸"}', "label: {fr: taille}")
    with pytest.raises(InputError, match="label") as info:
        _exercise(bad)
    assert ":9:" in str(info.value)                                            # the line of the ask item


def test_a_program_part_accepts_a_label():
    from solver.code.solve import solve
    text = (ROOT / "exercises" / "hw-q4-dataset.yaml").read_text(encoding="utf-8")
    text = text.replace("{id: program, quantity: program, points: 4}",
                        "{id: program, quantity: program, points: 4, label: {en: the dataset class, zh: 数据集类}}")
    ex = _exercise(text, "hw-q4-dataset.yaml")
    assert ex.ask[0].options["label"] == {"en": "the dataset class", "zh": "数据集类"}
    solve(ex)                                                                  # no "unknown option"


def test_the_schema_allows_a_label_on_every_kind():
    from solver.schema import exercise_schema
    import jsonschema
    schema = exercise_schema()
    for text in (PLAIN, BRANCHES):
        jsonschema.validate(parse_yaml(text, "x.yaml").data, schema)
