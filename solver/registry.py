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
    "network": "solver.network.graph_solve:solve",     # a plain stack goes on to solver.network.solve
    "convolution": "solver.conv.solve:solve",
    "identity": "solver.conv.identity:solve",
    "gradient": "solver.conv.gradient:solve",
    "rf_proof": "solver.network.proof:solve",
    "explain": "solver.explain.solve:solve",
    "code": "solver.code.solve:solve",
    "recurrent": "solver.nn_basics.recurrent:solve",       # solver/nn_basics: RNN/LSTM/GRU, optimisers,
    "optimizer": "solver.nn_basics.optim:solve",           # initialisation, MLP back-propagation
    "init": "solver.nn_basics.weight_init:solve",
    "mlp": "solver.nn_basics.mlp:solve",
}

# kind → "module:function"; the function takes (Exercise, Solution) and returns a list of Checks.
VERIFIERS: dict[str, str] = {
    "network": "solver.network.graph_verify:verify",   # a plain stack goes on to solver.network.verify
    "convolution": "solver.conv.verify:verify",
    "identity": "solver.conv.verify_identity:verify",
    "gradient": "solver.conv.verify_gradient:verify",
    "rf_proof": "solver.network.proof:verify",
    "explain": "solver.explain.solve:verify",
    "code": "solver.code.solve:verify",
    "recurrent": "solver.nn_basics.verify:verify_recurrent",
    "optimizer": "solver.nn_basics.verify:verify_optimizer",
    "init": "solver.nn_basics.verify:verify_init",
    "mlp": "solver.nn_basics.verify:verify_mlp",
}


# kinds whose solver computes with PyTorch (experiments, reference programs): it takes ``run=False`` under
# ``--no-verify`` and then only reads and shows the exercise, so that PyTorch is never imported without checks.
RUN_OPTIONAL: frozenset[str] = frozenset({"explain", "code"})

def load(target: str) -> Callable:
    """Import ``module:function`` lazily."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)
