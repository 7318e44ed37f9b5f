"""The conventions step of a plain network names only the conventions the asked quantities depend on (issue 14),
in one sentence; the network solver is split into reading, rules and steps modules of moderate size."""
from __future__ import annotations

from pathlib import Path

import pytest

from solver.network.solve import solve
from solver.model import exercise_from_document
from solver.yamlio import parse_yaml

STACK = """\
id: demo
kind: network
given:
  input_shape: [3, {n}, {n}]
  layers:
    - {{type: Conv2d, in_channels: 3, out_channels: 4, kernel_size: 3, padding: {p}, bias: {bias}}}
    - {{type: MaxPool2d, kernel_size: 2, stride: 2, ceil_mode: {ceil}}}
ask: [{asks}]
"""


def _conventions(lang: str = "en", n: int = 8, p: int = 1, bias: str = "true", ceil: str = "false",
                 asks: str = "{id: a, quantity: params}") -> str:
    ex = exercise_from_document(parse_yaml(STACK.format(n=n, p=p, bias=bias, ceil=ceil, asks=asks), "demo.yaml"))
    steps = [s for s in solve(ex).steps if s.rule == "network.conventions"]
    return steps[0].text.render(lang) if steps else ""


def test_only_the_conventions_of_the_asked_quantities():
    params = _conventions(asks="{id: a, quantity: params}")
    assert params == "Throughout, parameters include the biases."
    assert _conventions(bias="false", asks="{id: a, quantity: params}") == ""          # nothing to say: no step
    flops = _conventions(asks="{id: a, quantity: flops}")
    assert "MAC" in flops and "FLOPs = 2 × MACs" in flops and "bias" in flops and "parameters" not in flops
    macs = _conventions(asks="{id: a, quantity: macs}")
    assert "FLOPs" not in macs
    rf = _conventions(asks="{id: a, quantity: receptive_field}")
    assert rf == "Throughout, R and J are in input pixels, from R_0 = J_0 = 1."    # sizes do not matter for R


def test_rounding_and_padding_only_when_a_size_uses_them():
    exact = _conventions(n=8, p=1, asks="{id: a, quantity: output_shape}")         # 8 → 8 → 4: exact
    assert "rounded" not in exact and "per side" in exact and "batch" in exact
    floor = _conventions(n=9, p=0, asks="{id: a, quantity: output_shape}")         # 9 → 7 → ⌊7/2⌋ = 3
    assert "rounded down (⌊·⌋)" in floor and "ceil_mode" not in floor and "per side" not in floor
    ceil = _conventions(n=9, p=0, ceil="true", asks="{id: a, quantity: output_shape}")
    assert "⌈·⌉" in ceil
    numbered = _conventions(asks="{id: a, quantity: output_shape, at: 1}")
    assert numbered.startswith("Throughout, layers are numbered from 1; ")


def test_the_sentence_exists_in_chinese():
    zh = _conventions("zh", n=9, p=0, asks="{id: a, quantity: output_shape}, {id: b, quantity: flops}")
    assert zh.startswith("本解答中，") and zh.endswith("。") and "；" in zh and "Throughout" not in zh


def test_the_network_solver_modules_stay_small_and_keep_their_public_names():
    folder = Path(__file__).resolve().parents[1] / "solver" / "network"
    for name in ("solve", "reading", "rules", "layer_steps", "part_steps"):
        lines = len((folder / f"{name}.py").read_text(encoding="utf-8").splitlines())
        assert lines < 400, (name, lines)
    from solver.network import solve as module
    for name in ("solve", "Network", "read_network", "read_networks", "layer_index", "network_of", "QUANTITIES"):
        assert hasattr(module, name), name


@pytest.mark.parametrize("ex_id", ["hw-q2", "hw-q3"])
def test_table_counts_are_numbers_formatted_by_the_renderer(ex_id):
    from solver.bank import load_exercise
    from solver.i18n import Count
    from solver.render.json import to_dict
    from solver.render.common import walk
    sol = solve(load_exercise(ex_id))
    cells = [c for _, _, s in walk(sol.steps) for row in (s.table.rows if s.table else []) for c in row]
    counts = [c for c in cells if isinstance(c, Count)]
    assert all(isinstance(c.value, int) for c in counts)
    assert (ex_id == "hw-q2") == (not counts)                         # hw-q2 asks no counts
    def tables(steps: list) -> list:
        return [r for s in steps for r in s.get("table", {}).get("rows", []) + tables(s.get("steps", []))]
    rows = tables(to_dict(sol, "en")["steps"])
    assert ex_id == "hw-q2" or any("4,640" in r for r in rows)        # the JSON keeps the formatted text


def test_a_network_with_branches_states_its_conventions_in_the_same_short_sentence():
    """graph_solve uses the same conventions() as a plain stack: one sentence, only the clauses that matter."""
    from solver.bank import load_exercise
    from solver.network.graph_solve import solve as solve_graph
    from solver.network.solve import Conventions
    texts = {}
    for ex_id in ("inception-block", "24.7-textcnn", "resnet-50"):
        [step] = [s for s in solve_graph(load_exercise(ex_id)).steps if s.rule == "network.conventions"]
        assert isinstance(step.text, Conventions), ex_id
        texts[ex_id] = {lang: step.text.render(lang) for lang in ("en", "zh")}
        en, zh = texts[ex_id]["en"], texts[ex_id]["zh"]
        assert en.startswith("Throughout, ") and en.endswith(".") and ". " not in en and len(en) < 600, en
        assert zh.startswith("本解答中，") and zh.count("。") == 1, zh
    assert "union of the branches' windows" in texts["inception-block"]["en"]
    assert "MAC" not in texts["24.7-textcnn"]["en"] and "num_embeddings × embedding_dim" in texts["24.7-textcnn"]["en"]
