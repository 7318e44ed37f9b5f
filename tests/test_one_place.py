"""One concept, one place (issue 17): the output-size formula and "same" padding, the "did you mean" text and the
text of a shape each have one helper, and the places that used to write their own give the same results."""
from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from solver.conv import ops
from solver.errors import suggest
from solver.network import sizes
from solver.values import shape_text

ROOT = Path(__file__).resolve().parent.parent


def _windows(n: int, k: int, s: int, p: int, d: int) -> int:
    """Counted, not computed: the window starts t·s (t = 0, 1, …) whose last tap d·(k−1) is inside the padded input."""
    return sum(1 for t in range(n + p + 1) if t * s + d * (k - 1) <= n + p - 1)


@pytest.mark.parametrize("n", range(1, 11))
def test_conv_and_network_sizes_agree(n: int) -> None:
    """The convolution kind (ops.windows over a padded input, mode padding) and the network kind (conv_size) give the
    same output size, the number of windows counted one by one, for every small n, k, s, p, d."""
    for k, s, p, d in itertools.product(range(1, 5), range(1, 4), range(0, 5), range(1, 4)):
        counted = _windows(n, k, s, p, d)
        if counted < 1:
            continue
        geometry = ops.Geometry((s, 1), (p // 2, p - p // 2, 0, 0), (d, 1))
        assert len(ops.windows((n, 1), (k, 1), geometry)) == counted
        assert ops.output_size(n, k, s, p, d) == sizes.conv_output_size(n, k, s, p, d) == counted
        if p % 2 == 0:
            assert sizes.conv_size(n, k, s, p // 2, d).n_out == counted
        for mode in ("same", "valid", "full"):
            top, bottom, _, _ = ops.mode_padding(mode, (k, 1), (d, 1))
            if mode == "same":
                assert (top, bottom) == sizes.same_padding(k, d)
                assert sizes.conv_size(n, k, s, "same", d).n_out == _windows(n, k, s, top + bottom, d)
                if s == 1:
                    assert _windows(n, k, 1, top + bottom, d) == n
            if mode == "valid" and n >= d * (k - 1) + 1:
                assert sizes.conv_size(n, k, s, "valid", d).n_out == _windows(n, k, s, 0, d)


def test_suggest_is_the_one_did_you_mean() -> None:
    assert suggest("strid", ("stride", "padding")) == " (did you mean 'stride'?)"
    assert suggest("Conv2", {"Conv2d": 1, "Linear": 2}, quote=False) == " (did you mean Conv2d?)"
    assert suggest(3, ["stride"]) == ""                        # a YAML key that is not text is shown, not matched
    assert suggest("anwsers", ("student", "seed", "answers"), cutoff=0.75) == " (did you mean 'answers'?)"


def test_messages_keep_their_did_you_mean() -> None:
    from solver.errors import InputError
    from solver.network.layers import parse_layer
    with pytest.raises(InputError, match=r"unknown layer type 'Conv2' \(did you mean Conv2d\?\)"):
        parse_layer({"type": "Conv2", "out_channels": 8}, 0)
    with pytest.raises(InputError, match=r"Conv2d has no argument 'strid' \(did you mean 'stride'\?\)"):
        parse_layer({"type": "Conv2d", "out_channels": 8, "kernel_size": 3, "strid": 2}, 0)


def test_shape_text() -> None:
    assert shape_text((32, 28, 28)) == "32×28×28" and shape_text([5]) == "5" and shape_text(()) == ""


def test_one_place_each() -> None:
    """Nobody but solver/errors.py calls difflib, and "×".join(...) is written only in the helper and in the texts
    that are not shapes (strides, paddings, receptive fields and jumps per dimension)."""
    difflib, joins = [], []
    for path in sorted(p for package in ("solver", "grader", "practice") for p in (ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "get_close_matches":
                difflib.append(rel)
            if (isinstance(node, ast.Attribute) and node.attr == "join" and isinstance(node.value, ast.Constant)
                    and node.value.value == "×"):
                joins.append(rel)
    assert difflib == ["solver/errors.py"]
    assert sorted(set(joins)) == ["solver/conv/solve.py", "solver/network/layer_steps.py", "solver/network/layers.py",
                                  "solver/network/receptive.py", "solver/values.py"]


@pytest.mark.parametrize("given, message", [
    ("{input_shap: [1, 8], layers: [{type: ReLU}]}",
     "given.input_shap: unknown field 'input_shap' (did you mean 'input_shape'?); given has input_shape and layers "
     "(or networks)"),
    ("{input_shape: [1, 8], layers: [{type: ReLU}], zzz: 1}",
     "given.zzz: unknown field 'zzz'; given has input_shape and layers (or networks)"),
])
def test_a_kinds_unknown_field_is_checked_by_check_keys(tmp_path: Path, given: str, message: str) -> None:
    """The kinds' own checks go through model.check_keys: the wording of each kind stays, a near miss gains the
    suggestion."""
    from solver.bank import load_file
    from solver.errors import InputError
    from solver.pipeline import solve_exercise
    path = tmp_path / "ex.yaml"
    path.write_text(f"id: demo\nkind: network\ngiven: {given}\nask: [{{id: s, quantity: output_shape}}]\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        solve_exercise(load_file(path), verify=False)
    assert str(caught.value) == f"{path}:3: {message}"
