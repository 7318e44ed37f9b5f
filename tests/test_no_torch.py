"""``--no-verify`` never imports PyTorch, for any exercise of the bank; sympy is imported only where the exercise
needs it (identities, proofs, symbolic gradients, factoring a kernel, an optimiser's symbolic function).

Each check runs the real command line (``solve exercise ID --no-verify --format json``) in a fresh interpreter and
reads ``sys.modules`` afterwards."""
from __future__ import annotations

import json
import subprocess
import sys

from solver.bank import load_bank

SYMPY_KINDS = {"identity", "gradient", "rf_proof"}

_RUN = r"""
import json, sys
from solver.cli import main
for ex_id in json.loads(sys.argv[1]):
    try:
        main(["exercise", ex_id, "--no-verify", "--format", "json"], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
mods = [m for m in ("torch", "sympy", "numpy") if m in sys.modules]
print("MODULES=" + json.dumps(mods))
"""


def _imported(ids: list[str]) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _RUN, json.dumps(ids)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    line = [l for l in out.stdout.splitlines() if l.startswith("MODULES=")][-1]
    return json.loads(line.partition("=")[2])


def _needs_sympy(ex) -> bool:
    return (ex.kind in SYMPY_KINDS or any(p.quantity == "composable" for p in ex.ask)
            or (ex.kind == "optimizer" and "function" in ex.given))


def test_no_verify_never_imports_torch_for_any_exercise():
    bank = load_bank()
    assert "torch" not in _imported([ex.id for ex in bank])


def test_no_verify_imports_neither_torch_nor_sympy_where_not_needed():
    """One exercise of every kind that does not need sympy (explanations, programs and networks included), each
    in its own interpreter."""
    chosen: dict[str, str] = {}
    for ex in load_bank():
        if not _needs_sympy(ex) and ex.kind not in chosen:
            chosen[ex.kind] = ex.id
    chosen["explain-with-experiment"] = "d2l-6.5-ex2-explain"
    assert {"network", "convolution", "explain", "code"} <= set(chosen)
    for kind, ex_id in chosen.items():
        mods = _imported([ex_id])
        assert "torch" not in mods and "sympy" not in mods, (kind, ex_id, mods)
