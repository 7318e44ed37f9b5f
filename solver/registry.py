"""Which solver handles which ``kind``; modules are imported only when a kind is solved.

Example:
    >>> "network" in KINDS
    True
"""
from __future__ import annotations

import importlib
from typing import Callable

# kind → "module:function"; the function takes an Exercise and returns a Solution.
KINDS: dict[str, str] = {
    "network": "solver.network.solve:solve",
    "convolution": "solver.conv.solve:solve",
    "identity": "solver.conv.identity:solve",
    "gradient": "solver.conv.gradient:solve",
    "rf_proof": "solver.network.proof:solve",
    "explain": "solver.explain.solve:solve",
    "code": "solver.code.solve:solve",
}

# kind → "module:function"; the function takes (Exercise, Solution) and returns a list of Checks.
VERIFIERS: dict[str, str] = {
    "network": "solver.network.verify:verify",
    "convolution": "solver.conv.verify:verify",
    "identity": "solver.conv.verify_identity:verify",
    "gradient": "solver.conv.verify_gradient:verify",
    "rf_proof": "solver.network.proof:verify",
    "explain": "solver.explain.solve:verify",
    "code": "solver.code.solve:verify",
}


def load(target: str) -> Callable:
    """Import ``module:function`` lazily."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)
