"""`solve schema` is true to the bank: every exercise file, and every exercise example of the README and the SPEC,
validates against the schema it prints (checked with the ``jsonschema`` package), and wrong files fail it."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

from solver.bank import bank_dir, exercise_files  # noqa: E402
from solver.schema import exercise_schema, kind_quantities  # noqa: E402
from solver.yamlio import parse_yaml, read_document  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BANK = exercise_files(bank_dir())
DOCS = [ROOT / "README.md", ROOT.parent / "shared" / "SPEC.md"]


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(json.dumps(exercise_schema()))      # as `solve schema` prints it
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _problems(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in validator.iter_errors(data)]


def test_the_bank_is_not_empty():
    assert len(BANK) >= 90


@pytest.mark.parametrize("path", BANK, ids=lambda p: p.stem)
def test_every_bank_file_validates(validator, path):
    assert _problems(validator, read_document(path).data) == []


def _doc_examples() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        if not doc.exists():
            continue
        text = doc.read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"^```ya?ml[^\n]*\n(.*?)^```", text, re.S | re.M)):
            if re.search(r"^kind:", block, re.M):
                out.append((f"{doc.name}#{i + 1}", block))
    return out


EXAMPLES = _doc_examples()


def test_the_readme_has_an_exercise_example():
    assert any(name.startswith("README.md#") for name, _ in EXAMPLES)


def _elided(data):
    """Drop mappings written ``{...}`` (the SPEC's "the data of the problem goes here")."""
    if isinstance(data, dict):
        return {k: _elided(v) for k, v in data.items() if v != {"...": None}}
    if isinstance(data, list):
        return [_elided(v) for v in data]
    return data


@pytest.mark.parametrize("name,block", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_every_exercise_example_of_the_docs_validates(validator, name, block):
    assert _problems(validator, _elided(parse_yaml(block, name).data)) == []


# ------------------------------------------------------------------ the schema can fail


def _bank(stem: str) -> dict:
    return copy.deepcopy(read_document(bank_dir() / f"{stem}.yaml").data)


def _set(data: dict, path: tuple, value) -> dict:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _del(data: dict, path: tuple) -> dict:
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return data


WRONG = {
    "unknown top-level field": lambda: _set(_bank("hw-q2"), ("answer",), 3),
    "unknown kind": lambda: _set(_bank("hw-q2"), ("kind",), "networks"),
    "no ask": lambda: _del(_bank("hw-q2"), ("ask",)),
    "empty ask": lambda: _set(_bank("hw-q2"), ("ask",), []),
    "part id with a space": lambda: _set(_bank("hw-q2"), ("ask", 0, "id"), "the shape"),
    "negative points": lambda: _set(_bank("hw-q2"), ("ask", 0, "points"), -1),
    "negative tolerance": lambda: _set(_bank("optim-adam-first-step"), ("ask", 0, "tolerance"), {"abs": -1}),
    "quantity of another kind": lambda: _set(_bank("d2l-6.4-ex1-converse"), ("ask", 0, "quantity"), "params"),
    "unknown quantity": lambda: _set(_bank("hw-q2"), ("ask", 0, "quantity"), "output_size"),
    "option the optimizer solver does not list": lambda: _set(_bank("optim-adam-first-step"), ("ask", 0, "name"),
                                                             "m"),
    "misspelt layer argument": lambda: _set(_bank("hw-q2"), ("given", "layers", 0, "kernal_size"), 3),
    "missing required layer argument": lambda: _del(_bank("hw-q2"), ("given", "layers", 0, "out_channels")),
    "unknown layer type": lambda: _set(_bank("hw-q2"), ("given", "layers", 0, "type"), "Conv2D"),
    "zero stride": lambda: _set(_bank("hw-q2"), ("given", "layers", 0, "stride"), 0),
    "bare parameter name instead of a template": lambda: _set(_bank("hw-q2"), ("given", "input_shape", 1), "n"),
    "parameter without a default": lambda: _del(_bank("hw-q2"), ("params", "n", "default")),
    "unknown parameter option": lambda: _set(_bank("hw-q2"), ("params", "n", "steps"), 8),
    "erratum without its fact (the older given.errata)": lambda: _set(_bank("optim-adam-first-step"), ("given", "errata"),
                                                                     [{"printed": {"en": "x", "zh": "y"}}]),
    "top-level erratum without its fact": lambda: _del(_bank("lenet"), ("errata", 0, "fact")),
    "erratum evidence without its fact": lambda: _del(_bank("mnist-cnn"), ("errata", 0, "evidence", 0, "fact")),
    "erratum with an unknown field": lambda: _set(_bank("lenet"), ("errata", 0, "source"), {"en": "x", "zh": "y"}),
    "erratum in one language": lambda: _del(_bank("24.8"), ("errata", 0, "fact", "zh")),
    "given field of no optimizer family": lambda: _set(_bank("optim-adam-first-step"), ("given", "learning_rate"), 0.1),
    "given fields of two recurrent families": lambda: _set(_bank("rnn-lstm-params"), ("given", "h_prev"), [0.0]),
    "unknown field of an identity": lambda: _set(_bank("24.2-general"), ("given", "continous"), True),
    "residual without a body": lambda: _del(_bank("hw-q9-resnet18"),
                                            ("given", "blocks", "BasicBlock", "layers", 0, "body")),
    "title that is neither text nor {en, zh}": lambda: _set(_bank("hw-q2"), ("title",), {"fr": "réseau"}),
    "more than 8 cites": lambda: _set(_bank("hw-q2"), ("cites",), ["formula (24.19)"] * 9),
}


@pytest.mark.parametrize("name", list(WRONG))
def test_a_wrong_file_is_rejected(validator, name):
    data = WRONG[name]()
    assert _problems(validator, data), f"the schema accepts a file with {name}"


def test_the_quantities_of_each_kind_come_from_its_solver():
    from solver.conv.solve import QUANTITIES as CONV
    from solver.network.solve import QUANTITIES as NETWORK
    from solver.nn_basics.optim import QUANTITIES as OPTIM
    assert list(kind_quantities("network")) == list(NETWORK)
    assert list(kind_quantities("rf_proof")) == list(NETWORK) + ["proof"]
    assert list(kind_quantities("convolution")) == list(CONV)
    assert kind_quantities("optimizer") == {q: tuple(o) for q, o in OPTIM.items()}
