"""The verifier's cheap PyTorch pass (:mod:`solver.network.torch_count`: modules without memory, an empty batch,
torch's per-op flop formulas in a ``TorchFunctionMode``) is itself checked against ``FlopCounterMode`` on a real
forward pass, layer by layer: every network of the bank (plain stacks and graphs) and random stacks of every
layer type. Also: a verified network solve imports neither ``torch._dynamo`` nor sympy.
"""
from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
import torch
from hypothesis import given
from torch import nn

from solver.bank import load_bank
from solver.network.torch_count import FlopCount, build, empty_input, params


def _flop_counter_mode(module: nn.Module, x: torch.Tensor) -> int:
    from torch.utils.flop_counter import FlopCounterMode
    with torch.no_grad(), warnings.catch_warnings(), FlopCounterMode(display=False) as counter:
        warnings.simplefilter("ignore")
        module(x)
    return int(counter.get_total_flops())


@pytest.mark.slow
def test_a_verified_network_solve_imports_neither_dynamo_nor_sympy():
    code = ("import sys\nfrom solver.cli import main\n"
            "try:\n    main(['exercise', 'mobilenet-v2'], standalone_mode=False)\nexcept SystemExit as e:\n"
            "    assert not e.code\n"
            "print('DYNAMO', 'torch._dynamo' in sys.modules, 'SYMPY', 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert "DYNAMO False SYMPY False" in out.stdout, out.stdout[-500:] + out.stderr[-2000:]


def _bank_graphs():
    from solver.pipeline import solve_exercise
    for ex in load_bank():
        if ex.kind == "network":
            sol = solve_exercise(ex, verify=False)
            for g in (sol.context.get("graphs") or {}).values():
                yield ex.id, g


@pytest.mark.slow
def test_bank_networks_count_as_flop_counter_mode():
    """Every layer node of every bank network: the same FLOPs per sample, output shape and parameters as
    ``FlopCounterMode`` and ``numel`` on a real batch-of-two CPU forward pass of torch-initialised modules (on the
    ``meta`` device when the network is large)."""
    from solver.network.graph_verify import GraphModule, GraphPass, _device
    seen = 0
    for ex_id, g in _bank_graphs():
        cheap = GraphPass(g)
        device = _device(g)
        with torch.device(device):
            ref = GraphModule(g).eval()
            dtype = torch.long if any(n.op == "layer" and n.layer.family == "embedding" for n in g.nodes) else None
            x = torch.zeros((2,) + g.input_shape, dtype=dtype or torch.float32)
        with torch.no_grad():
            values = ref(x)
        for n in g.nodes[1:]:
            assert cheap.shapes[n.index] == list(values[n.index].shape[1:]), (ex_id, n.index)
            if n.op != "layer":
                continue
            module = ref.mods[str(n.index)]
            want = _flop_counter_mode(module, values[n.inputs[0]]) // 2
            assert cheap.flops[n.index] == want, (ex_id, n.index, cheap.flops[n.index], want)
            assert cheap.params[n.index] == params(module), (ex_id, n.index)
            seen += 1
    assert seen > 500


def _random_stack_agrees(net) -> None:
    from test_torch_properties import _solver_analysis, torch_run
    from solver.network.verify import build_layer
    shape, raws = net
    modules, inputs, _ = torch_run(shape, raws)
    analysis = _solver_analysis(shape, raws)
    cheap = build(lambda: nn.Sequential(*(build_layer(la.layer) for la in analysis.layers)))
    x = empty_input(tuple(shape))
    for m, ref, ref_x in zip(cheap, modules, inputs):
        with torch.no_grad(), FlopCount() as counter:
            x = m(x)
        assert counter.flops == _flop_counter_mode(ref, ref_x) // 2, (shape, raws)
        assert params(m) == params(ref)
    assert list(x.shape[1:]) == list(modules[-1](inputs[-1]).shape[1:])


def test_random_stacks_count_as_flop_counter_mode_few():
    from hypothesis import settings
    from test_torch_properties import valid_networks

    @settings(max_examples=40, deadline=None)
    @given(valid_networks())
    def run(net):
        _random_stack_agrees(net)
    run()


@pytest.mark.slow
def test_random_stacks_count_as_flop_counter_mode():
    from hypothesis import settings
    from test_torch_properties import valid_networks

    @settings(max_examples=600, deadline=None)
    @given(valid_networks())
    def run(net):
        _random_stack_agrees(net)
    run()
