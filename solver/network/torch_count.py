"""One PyTorch pass per network: output shapes, parameters and FLOPs, without arithmetic and without
``torch._dynamo``.

``FlopCounterMode`` and any forward pass on the ``meta`` device import ``torch._dynamo`` and sympy (1–2 s on top of
``import torch``); a ``TorchDispatchMode`` of one's own does too. This module keeps PyTorch as the truth and avoids
both:

- **modules** are built by ``torch.nn`` from the layer's arguments on the ``meta`` device with their initialisers
  skipped (``nn.init`` on ``meta`` would import ``torch._dynamo``), then each parameter and buffer gets a CPU
  stand-in of the same shape, dtype and ``requires_grad`` (one element, expanded: no memory, no values). Parameter
  counts are ``numel`` of these tensors, shapes as ``torch.nn`` made them;
- **the forward pass** runs on a batch of *zero* samples: PyTorch computes every output shape and checks every
  input against its module (channels, sizes, kernel larger than input…) exactly as on real data, but multiplies
  nothing, so a ResNet-50 costs what a LeNet costs;
- **FLOPs** are counted by a ``TorchFunctionMode`` (no ``torch._dynamo``) that sees every ``conv*``,
  ``conv_transpose*`` and ``linear`` call with the tensors PyTorch actually passed, and applies PyTorch's own per-op
  formulas from ``torch.utils.flop_counter`` (``conv_flop_count``, ``mm_flop`` — the ones ``FlopCounterMode``
  uses) to the shapes PyTorch reports, with the batch dimension taken as one sample. Matrix products outside a
  module of those kinds are refused rather than silently left out. The slow test
  ``tests/test_torch_count.py`` cross-checks the counts against ``FlopCounterMode`` itself on the bank's
  networks and on random stacks.

Example:
    >>> from torch import nn
    >>> model = build(lambda: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
    ...                                     nn.Linear(8 * 32 * 32, 10)))
    >>> x = empty_input((3, 32, 32))
    >>> flops = []
    >>> for m in model:
    ...     with FlopCount() as c:
    ...         x = m(x)
    ...     flops.append(c.flops)
    >>> list(x.shape[1:]), flops, params(model)
    ([10], [442368, 0, 0, 163840], 82154)
"""
from __future__ import annotations

from math import prod
from typing import Any, Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils import flop_counter    # its per-op formulas; importing it does not import torch._dynamo


class _SkipInit(TorchFunctionMode):
    """While modules are built on ``meta``: in-place initialisers (``uniform_``, ``kaiming_uniform_``, ``fill_``,
    ``normal_``…) do nothing — on ``meta`` they compute nothing anyway, but some of them import ``torch._dynamo``."""

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name.endswith("_") and not name.endswith("__"):
            first = args[0] if args else kwargs.get("tensor", kwargs.get("self"))
            if isinstance(first, torch.Tensor):
                return first
        return func(*args, **kwargs)


def _stand_in(t: torch.Tensor) -> torch.Tensor:
    return torch.zeros((), dtype=t.dtype).expand(t.shape)


def build(factory: Callable[[], nn.Module]) -> nn.Module:
    """``factory()`` built by ``torch.nn`` without memory or initialisation, with CPU stand-ins of its tensors."""
    with torch.device("meta"), _SkipInit():
        module = factory()
    for m in module.modules():
        for key, p in list(m._parameters.items()):
            if p is not None:
                m._parameters[key] = nn.Parameter(_stand_in(p), requires_grad=p.requires_grad)
        for key, b in list(m._buffers.items()):
            if b is not None:
                m._buffers[key] = _stand_in(b)
    return module.eval()


def empty_input(shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A batch of zero samples of ``shape``."""
    return torch.zeros((0,) + tuple(shape), dtype=dtype)


def params(module: nn.Module) -> int:
    """Trainable parameters, as PyTorch counts them."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _one(shape: Any) -> list[int]:
    """A shape with its batch dimension taken as one sample."""
    return [1] + list(shape[1:])


def _conv(transposed: bool) -> Callable:
    def flops(args: tuple, kwargs: dict, out: torch.Tensor) -> int:
        x, w = args[0], args[1] if len(args) > 1 else kwargs["weight"]
        return flop_counter.conv_flop_count(_one(x.shape), list(w.shape), _one(out.shape), transposed)
    return flops


def _linear(args: tuple, kwargs: dict, out: torch.Tensor) -> int:
    x, w = args[0], args[1] if len(args) > 1 else kwargs["weight"]
    rows = prod(_one(x.shape)[:-1])          # F.linear is one matrix product of the flattened leading dimensions
    return flop_counter.mm_flop([rows, w.shape[1]], [w.shape[1], w.shape[0]])


_RULES: dict[Any, Callable] = {F.linear: _linear}
for _f in (torch.conv1d, torch.conv2d, torch.conv3d):
    _RULES[_f] = _conv(False)
for _f in (torch.conv_transpose1d, torch.conv_transpose2d, torch.conv_transpose3d):
    _RULES[_f] = _conv(True)
_REFUSED = {torch.matmul, torch.mm, torch.bmm, torch.addmm, torch.baddbmm, torch.einsum, torch.Tensor.__matmul__,
            torch.Tensor.matmul, torch.Tensor.mm, torch.Tensor.bmm, F.bilinear}


class FlopCount(TorchFunctionMode):
    """FLOPs per sample of the calls made while active (FlopCounterMode's formulas; see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.flops = 0

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if func in _REFUSED:
            raise NotImplementedError(f"{getattr(func, '__name__', func)} is not counted here")
        out = func(*args, **kwargs)
        rule = _RULES.get(func)
        if rule is not None:
            self.flops += int(rule(args, kwargs, out))
        return out
