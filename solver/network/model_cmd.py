"""``solve model FILE.py[:NAME] --input 3x224x224``: a model read from PyTorch source (see :mod:`.from_source`),
solved as a network exercise; ``--emit-yaml`` prints the exercise instead.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "m.py"
    >>> _ = d.write_text("import torch.nn as nn\\nclass M(nn.Module):\\n    def __init__(self):\\n"
    ...                  "        super().__init__()\\n        self.fc = nn.Linear(4, 2)\\n"
    ...                  "    def forward(self, x):\\n        return self.fc(x)\\n")
    >>> model_solution(str(d), "4", "params", False, False).answers
    {'params': 10}
"""
from __future__ import annotations

import click
from pathlib import Path
from typing import Any

from ..errors import InputError


ASKS = {"params": "params", "macs": "macs", "flops": "flops", "shape": "output_shape", "rf": "receptive_field"}


def parse_input(text: str) -> list[int]:
    """``3x224x224`` (or ``3×224×224``, ``3,224,224``) → [3, 224, 224].

    >>> parse_input("3x224x224"), parse_input("50")
    ([3, 224, 224], [50])
    """
    parts = text.replace("×", "x").replace(",", "x").lower().split("x")
    if not 1 <= len(parts) <= 3 or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
        raise InputError(f"--input is C×H×W, C×L or F without the batch dimension (e.g. 3x224x224), got {text!r}")
    return [int(p) for p in parts]


def model_yaml(source: str, file: str, name: str | None, input_shape: list[int], ask: list[str]) -> str:
    """The exercise (YAML text) of model ``name`` read from ``source``, asking the quantities in ``ask``."""
    import yaml

    from ..model import exercise_from_document
    from ..yamlio import parse_yaml
    from .from_source import default_name, read_model
    from .graph import read_graphs
    name = name or default_name(source, file)
    unknown = [a for a in ask if a not in ASKS]
    if unknown:
        raise InputError(f"--ask takes {', '.join(ASKS)}; got {unknown[0]!r}")
    items = read_model(source, file, name)
    data: dict[str, Any] = {
        "id": name.replace("_", "-") if name[:1].isalnum() else "model", "kind": "network",
        "title": {"en": f"{name}, read from {file}", "zh": f"从 {file} 读取的 {name}"},
        "given": {"input_shape": input_shape, "layers": items},
        "ask": [{"id": a, "quantity": ASKS[a]} for a in ask if a != "rf"]}
    if "rf" in ask:
        probe = dict(data, ask=data["ask"] or [{"id": "shape", "quantity": "output_shape"}])
        g = read_graphs(exercise_from_document(parse_yaml(yaml.safe_dump(probe, sort_keys=False),
                                                          f"{file} (as YAML)")))["main"]
        defined = [n for n in g.nodes[1:] if n.rf is not None and not (   # global pooling sees everything
            n.layer is not None and n.layer.family == "adaptive_pool" and all(v == 1 for v in n.out_shape[1:]))]
        if defined:
            data["ask"].append({"id": "rf", "quantity": "receptive_field", "at": defined[-1].name})
    if not data["ask"]:
        data["ask"] = [{"id": "shape", "quantity": "output_shape"}]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)


def model_solution(target: str, input_shape: str, ask: str, emit_yaml: bool, verify: bool) -> Any:
    """The solution (None after printing the YAML with ``emit_yaml``)."""
    from ..model import exercise_from_document
    from ..pipeline import solve_exercise
    from ..yamlio import parse_yaml
    file, name = target, ""
    if not Path(target).exists() and ":" in target:
        file, _, name = target.rpartition(":")
    try:
        source = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc.strerror if isinstance(exc, OSError) else exc}",
                         file=file) from None
    text = model_yaml(source, file, name or None, parse_input(input_shape), [a.strip() for a in ask.split(",")])
    if emit_yaml:
        click.echo(text)
        return None
    return solve_exercise(exercise_from_document(parse_yaml(text, f"{file} (as YAML)")), verify=verify)
