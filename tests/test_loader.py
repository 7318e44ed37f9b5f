"""Schema and loader errors: every bad file gives one line that names the file, the field and the YAML line.

Each case is a small exercise file with one mistake; the line the message must name is marked in the
file itself with a ``# HERE`` comment, so the expected line is read from the text, not written twice.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.bank import load_file
from solver.cli import main
from solver.errors import InputError
from solver.network.layers import LAYER_TYPES
from solver.pipeline import solve_exercise

GOOD = """\
id: demo
kind: network
given:
  input_shape: [3, 8, 8]
  layers:
    - {type: Conv2d, out_channels: 4, kernel_size: 3}
ask:
  - {id: shape, quantity: output_shape}
"""


def write(tmp_path: Path, text: str, name: str = "ex.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def marked_line(path: Path) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "# HERE" in line]
    assert len(lines) == 1, "a case marks exactly one line"
    return lines[0]


def error_of(path: Path) -> InputError:
    """Load and solve (without PyTorch): the first error the user would see."""
    with pytest.raises(InputError) as info:
        solve_exercise(load_file(path), verify=False)
    return info.value


def assert_located(exc: InputError, path: Path, field: str | None, line: int, *words: str) -> None:
    message = str(exc)
    assert "\n" not in message, "one line"
    where = f"{path}:{line}: " + (f"{field}: " if field else "")
    assert message.startswith(where), f"expected the message to start with {where!r}: {message!r}"
    assert (exc.file, exc.line, exc.field) == (str(path), line, field)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_the_base_file_is_good(tmp_path):
    sol = solve_exercise(load_file(write(tmp_path, GOOD)), verify=False)
    assert sol.answers["shape"] == [4, 6, 6]


# ---------------------------------------------------------------- the envelope (solver.model)

ENVELOPE_CASES = {
    "unknown top-level field with a suggestion": ("""\
        id: demo
        titel: {en: A title}   # HERE
        kind: network
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask: [{id: s, quantity: output_shape}]
        """, "titel", ["unknown field 'titel'", "did you mean 'title'"]),
    "id written as a float": ("""\
        id: 24.10   # HERE
        kind: network
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask: [{id: s, quantity: output_shape}]
        """, "id", ['"24.10"', "quotes"]),
    "part id written as a float": ("""\
        id: demo
        kind: network
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask:
          - {id: 1.10, quantity: output_shape}   # HERE
        """, "ask[1].id", ['"1.10"']),
    "unknown kind": ("""\
        id: demo
        kind: netwrk   # HERE
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask: [{id: s, quantity: output_shape}]
        """, "kind", ["unknown kind 'netwrk'", "did you mean 'network'"]),
    "duplicate part ids": ("""\
        id: demo
        kind: network
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask:
          - {id: s, quantity: output_shape}
          - {id: s, quantity: params}   # HERE
        """, "ask[2].id", ["'s' is used twice"]),
    "source_answer names no part": ("""\
        id: demo
        kind: network
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask:
          - {id: params, quantity: params}
        source_answer:
          parms: 0   # HERE
        """, "source_answer.parms", ["'parms' is not a part id", "did you mean 'params'"]),
    "a part without quantity": ("""\
        id: demo
        kind: network
        given: {input_shape: [1, 8], layers: [{type: ReLU}]}
        ask:
          - {id: s}   # HERE
        """, "ask[1].quantity", ["quantity is required"]),
}


@pytest.mark.parametrize("text, field, words", ENVELOPE_CASES.values(), ids=ENVELOPE_CASES.keys())
def test_envelope_errors(tmp_path, text, field, words):
    path = write(tmp_path, text)
    assert_located(error_of(path), path, field, marked_line(path), *words)


@pytest.mark.parametrize("missing, words", [("kind", ["kind is required"]), ("ask", ["ask must be a non-empty list"])])
def test_missing_required_field_points_at_the_document(tmp_path, missing, words):
    text = "\n".join(line for line in GOOD.splitlines()
                     if not line.startswith(missing) and not (missing == "ask" and line.startswith("  - {id")))
    path = write(tmp_path, text + "\n")
    # a missing field has no line of its own: the message points at the start of the document
    assert_located(error_of(path), path, missing, 1, *words)


# ---------------------------------------------------------------- YAML syntax


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, """\
        id: demo
        kind: network: oops   # HERE
        ask: []
        """)
    exc = error_of(path)
    assert_located(exc, path, None, marked_line(path), "invalid YAML", "mapping values")


def test_unclosed_bracket_points_at_the_line_that_opened_it(tmp_path):
    path = write(tmp_path, """\
        id: demo
        kind: network
        given:
          input_shape: [1, 8]
          layers:
            - {type: Conv1d, out_channels: 2, kernel_size: 3   # HERE
        ask: [{id: s, quantity: output_shape}]
        """)
    line = marked_line(path)
    assert_located(error_of(path), path, None, line, "invalid YAML", "not closed", f"line {line + 1}")


def test_bad_indentation_names_the_line(tmp_path):
    path = write(tmp_path, """\
        id: demo
        given:
          input_shape: [1, 8]
           layers: []   # HERE
        """)
    assert_located(error_of(path), path, None, marked_line(path), "invalid YAML")


@pytest.mark.parametrize("content, words", [
    (b"", ["empty"]),
    (b"id: \xff\xfe\n", ["not UTF-8"]),
    (b"- just\n- a list\n", ["must be a mapping"]),
])
def test_unreadable_files(tmp_path, content, words):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    message = str(error_of(path))
    assert message.startswith(str(path)) and "\n" not in message
    assert all(w in message for w in words), message


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_file(tmp_path / "nope.yaml")
    assert str(info.value).startswith(str(tmp_path / "nope.yaml")) and "cannot read" in str(info.value)


# ---------------------------------------------------------------- layers (solver.network)


def net_file(tmp_path: Path, shape: str, layers: str, ask: str = "- {id: s, quantity: output_shape}") -> Path:
    text = "id: demo\nkind: network\ngiven:\n  input_shape: " + shape + "\n  layers:\n"
    text += textwrap.indent(textwrap.dedent(layers).strip("\n"), "    ") + "\nask:\n"
    text += textwrap.indent(textwrap.dedent(ask).strip("\n"), "  ") + "\n"
    return write(tmp_path, text)


LAYER_CASES = {
    "unknown layer type": ("[3, 8, 8]", "- {type: Conv2D, out_channels: 4, kernel_size: 3}   # HERE",
                           "given.layers[1].type", ["unknown layer type 'Conv2D'", "did you mean Conv2d"]),
    "unknown layer argument": ("[3, 8, 8]", "- {type: Conv2d, out_channels: 4, kernal_size: 3}   # HERE",
                               "given.layers[1].kernal_size",
                               ["Conv2d has no argument 'kernal_size'", "did you mean 'kernel_size'"]),
    "unknown argument, block style": ("[3, 8, 8]", """\
        - type: Conv2d
          out_channels: 4
          kernel_size: 3
          strides: 2   # HERE
        """, "given.layers[1].strides", ["did you mean 'stride'"]),
    "missing required argument": ("[3, 8, 8]", "- {type: Conv2d, out_channels: 4}   # HERE",
                                  "given.layers[1]", ["needs 'kernel_size'"]),
    "kernel larger than the padded input": ("[1, 4, 4]", """\
        - {type: ReLU}
        - {type: Conv2d, out_channels: 2, kernel_size: 7, padding: 1}   # HERE
        """, "given.layers[2].kernel_size", ["larger than the padded input", "4 + 2 padding < 7"]),
    "dilated kernel larger than the input": ("[1, 9]", """\
        - type: Conv1d
          out_channels: 2
          kernel_size: 3   # HERE
          dilation: 5
        """, "given.layers[1].kernel_size", ["dilated to 11"]),
    "stride 0": ("[3, 8, 8]", """\
        - type: MaxPool2d
          kernel_size: 2
          stride: 0   # HERE
        """, "given.layers[1].stride", ["stride must be positive"]),
    "stride 0 in a pair": ("[3, 8, 8]", "- {type: Conv2d, out_channels: 4, kernel_size: 3, stride: [1, 0]}   # HERE",
                           "given.layers[1].stride", ["stride must be positive"]),
    "groups do not divide the channels": ("[3, 8, 8]", """\
        - type: Conv2d
          out_channels: 4
          kernel_size: 3
          groups: 2   # HERE
        """, "given.layers[1].groups", ["groups=2", "in_channels=3"]),
    "negative padding": ("[3, 8, 8]", "- {type: Conv2d, out_channels: 4, kernel_size: 3, padding: -1}   # HERE",
                         "given.layers[1].padding", ["non-negative"]),
    "negative out_channels": ("[3, 8, 8]", "- {type: Conv2d, out_channels: -4, kernel_size: 3}   # HERE",
                              "given.layers[1].out_channels", ["positive"]),
    "a pair of the wrong length": ("[3, 8, 8]", "- {type: Conv2d, out_channels: 4, kernel_size: [3, 3, 3]}   # HERE",
                                   "given.layers[1].kernel_size", ["a list of 2 integers"]),
    "Conv2d after Flatten": ("[3, 8, 8]", """\
        - {type: Flatten}
        - {type: Conv2d, out_channels: 4, kernel_size: 3}   # HERE
        """, "given.layers[2]", ["Conv2d needs an input [C, H, W]", "receives [192]", "after Flatten"]),
    "in_channels that disagree with the input": ("[3, 8, 8]",
                                                 "- {type: Conv2d, in_channels: 4, out_channels: 4, kernel_size: 3}   # HERE",
                                                 "given.layers[1].in_channels", ["in_channels is 4", "is 3"]),
    "output_padding not below stride or dilation": ("[2, 5]", """\
        - type: ConvTranspose1d
          out_channels: 2
          kernel_size: 3
          stride: 2
          output_padding: 2   # HERE
        """, "given.layers[1].output_padding", ["smaller than the stride"]),
    "strided same padding": ("[2, 5]", """\
        - type: Conv1d
          out_channels: 2
          kernel_size: 3
          stride: 2
          padding: same   # HERE
        """, "given.layers[1].padding", ["'same' needs stride 1"]),
    "pool padding above half the kernel": ("[2, 9]", "- {type: MaxPool1d, kernel_size: 3, dilation: 2, padding: 2}  # HERE",
                                           "given.layers[1].padding", ["at most half the kernel size 3"]),
    "reflect padding as large as the input": ("[2, 3]",
                                              "- {type: Conv1d, out_channels: 2, kernel_size: 3, padding: 3, padding_mode: reflect}  # HERE",
                                              "given.layers[1].padding", ["'reflect'", "padding 3 on an input of 3"]),
    "Dropout1d on an image": ("[2, 4, 4]", "- {type: Dropout1d}  # HERE", "given.layers[1]", ["Dropout1d needs an input"]),
}


@pytest.mark.parametrize("shape, layers, field, words", LAYER_CASES.values(), ids=LAYER_CASES.keys())
def test_layer_errors(tmp_path, shape, layers, field, words):
    path = net_file(tmp_path, shape, layers)
    assert_located(error_of(path), path, field, marked_line(path), *words)


@pytest.mark.parametrize("shape, words", [
    ("[1, 3, 8, 8]   # HERE", ["[C, L] (1-D), [C, H, W] (2-D) or [F]"]),
    ("[3, -8, 8]   # HERE", ["must be positive"]),
    ("[3, 0, 8]   # HERE", ["must be positive"]),
    ("[3, 8.5, 8]   # HERE", ["input_shape must be"]),
])
def test_input_shape_errors(tmp_path, shape, words):
    path = net_file(tmp_path, shape, "- {type: ReLU}")
    assert_located(error_of(path), path, "given.input_shape", marked_line(path), *words)


def test_error_inside_a_named_network(tmp_path):
    path = write(tmp_path, """\
        id: demo
        kind: network
        given:
          networks:
            a:
              input_shape: [1, 8]
              layers: [{type: ReLU}]
            b:
              input_shape: [1, 8]
              layers:
                - {type: Conv1d, out_channels: 1, kernel_size: 9}   # HERE
        ask:
          - {id: s, quantity: output_shape, network: b}
        """)
    assert_located(error_of(path), path, "given.networks.b.layers[1].kernel_size", marked_line(path), "8 + 0 padding < 9")


def test_receptive_field_through_linear_is_one_clear_message(tmp_path):
    path = net_file(tmp_path, "[3, 8, 8]", """\
        - {type: Conv2d, out_channels: 4, kernel_size: 3}
        - {type: Flatten}
        - {type: Linear, out_features: 10}
        """, "- {id: rf, quantity: receptive_field}   # HERE")
    exc = error_of(path)
    assert_located(exc, path, "ask[1].quantity", marked_line(path), "receptive_field is not defined after layer 3",
                   "Linear", "at: 1")


@pytest.mark.parametrize("ask, field, words", [
    ("- {id: s, quantity: paramz}   # HERE", "ask[1].quantity", ["unknown quantity 'paramz'"]),
    ("- {id: s, quantity: output_shape, at: 5}   # HERE", "ask[1].at", ["from 1 to 1"]),
    ("- {id: s, quantity: output_shape, layer: 1}   # HERE", "ask[1].layer", ["unknown option 'layer'"]),
])
def test_part_errors(tmp_path, ask, field, words):
    path = net_file(tmp_path, "[1, 8]", "- {type: ReLU}", ask)
    assert_located(error_of(path), path, field, marked_line(path), *words)


def test_the_cli_prints_the_same_located_line(tmp_path):
    path = net_file(tmp_path, "[3, 8, 8]", "- {type: Conv2d, out_channels: 4, kernal_size: 3}   # HERE")
    result = CliRunner().invoke(main, ["file", str(path), "--no-verify"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: {path}:{marked_line(path)}: given.layers[1].kernal_size: Conv2d has no argument "
                     "'kernal_size' (did you mean 'kernel_size'?); its arguments: "
                     + ", ".join(LAYER_TYPES["Conv2d"].args)]
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- the schema


def test_schema_is_json_with_every_layer_type():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    variants = schema["$defs"]["layer"]["oneOf"]
    assert {v["title"] for v in variants} == set(LAYER_TYPES)
    for v in variants:
        lt = LAYER_TYPES[v["title"]]
        assert v["properties"]["type"] == {"const": v["title"]}
        assert set(v["properties"]) == {"type", "name"} | set(lt.args)
        assert set(v["required"]) == {"type"} | {k for k, a in lt.args.items() if a.required}
    assert set(schema["required"]) == {"id", "kind", "ask"}
    assert "network" in schema["properties"]["kind"]["enum"]


def _layers_of(data):
    given = data.get("given") or {}
    nets = given["networks"].values() if "networks" in given else [given]
    for net in nets:
        yield from net.get("layers") or []


def test_every_bank_layer_fits_its_schema_variant():
    """Every layer written in a network exercise of the bank uses only the keys the schema lists."""
    from solver.bank import bank_dir, exercise_files
    from solver.schema import exercise_schema
    from solver.yamlio import read_document
    variants = {v["title"]: v for v in exercise_schema()["$defs"]["layer"]["oneOf"]}
    seen = 0
    for path in exercise_files(bank_dir()):
        data = read_document(path).data
        if data.get("kind") != "network":
            continue
        for layer in _layers_of(data):
            if layer["type"] not in variants:       # blocks, Residual, Concat: tests/test_graph.py checks them
                continue
            variant = variants[layer["type"]]
            assert set(layer) <= set(variant["properties"]), (path, layer)
            assert set(variant["required"]) <= set(layer), (path, layer)
            seen += 1
    assert seen > 0


def test_alias_bomb_and_runaway_nesting_stop_with_one_line(tmp_path):
    """Aliases are allowed (the bank uses a few) but counted as expanded; a "billion laughs" file or 5,000 nested
    brackets end in one located error, quickly, instead of hanging or a RecursionError traceback."""
    import time

    from solver.bank import load_file
    from solver.errors import InputError
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdef", "bcdefg")), encoding="utf-8")
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: x\nkind: network\ngiven: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for path in (bomb, deep):
        start = time.perf_counter()
        with pytest.raises(InputError) as info:
            load_file(path)
        assert time.perf_counter() - start < 5
        assert str(info.value).startswith(str(path) + ":")
