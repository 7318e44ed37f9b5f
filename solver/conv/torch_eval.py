"""The same expressions evaluated by PyTorch, an implementation independent of :mod:`.ops`:
``F.conv1d``/``F.conv2d`` for ``corr``, the kernel flipped with ``torch.flip`` for ``conv``,
``torch.rot90``, ``.T``, ``F.max_pool2d``/``F.avg_pool2d``; float64 throughout.

Example:
    >>> from solver.conv.expr import parse
    >>> torch_evaluate(parse("conv(W, X, mode=full)"), {"W": [[1, 2]], "X": [[1, 0, 0]]}).tolist()
    [[1.0, 2.0, 0.0, 0.0]]
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from .expr import BinOp, Call, Name, Neg, Node, Num


def _pair(v: Any) -> tuple[int, int]:
    return v if isinstance(v, tuple) else (int(v), int(v))


def _padding(node: Call | BinOp, kernel_hw: tuple[int, int], dilation: tuple[int, int]) -> tuple[int, int, int, int]:
    """(left, right, top, bottom) for F.pad."""
    mode = node.kw("mode") if isinstance(node, Call) else None
    if mode in ("full", "same"):
        eff = [d * (k - 1) for k, d in zip(kernel_hw, dilation)]
        if mode == "full":
            return (eff[1], eff[1], eff[0], eff[0])
        return (eff[1] // 2, eff[1] - eff[1] // 2, eff[0] // 2, eff[0] - eff[0] // 2)
    p = _pair(node.kw("padding", 0)) if isinstance(node, Call) else (0, 0)
    return (p[1], p[1], p[0], p[0])


def _convolve(node: Call | BinOp, flip: bool, k: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    stride = _pair(node.kw("stride", 1)) if isinstance(node, Call) else (1, 1)
    dilation = _pair(node.kw("dilation", 1)) if isinstance(node, Call) else (1, 1)
    one_d = k.dim() == 1 and x.dim() == 1
    if one_d:
        k, x = k.reshape(1, -1), x.reshape(1, -1)
    if flip:
        k = torch.flip(k, dims=(-2, -1))
    # weight: (out, in, kh, kw); input: (1, in, h, w)
    if k.dim() == 2:
        weight, inp = k[None, None], x[None, None]
    elif k.dim() == 3:
        weight, inp = k[None], x[None]
    else:
        weight, inp = k, x[None]
    inp = F.pad(inp, _padding(node, tuple(weight.shape[-2:]), dilation))
    out = F.conv2d(inp, weight, stride=stride, dilation=dilation)[0]
    if k.dim() in (2, 3):
        out = out[0]
    return out[0] if one_d else out


def torch_evaluate(node: Node, values: dict[str, Any]) -> torch.Tensor:
    """Evaluate ``node`` with the named values given as nested lists."""
    if isinstance(node, Num):
        return torch.tensor(float(node.value), dtype=torch.float64)
    if isinstance(node, Name):
        return torch.tensor(values[node.name], dtype=torch.float64)
    if isinstance(node, Neg):
        return -torch_evaluate(node.operand, values)
    if isinstance(node, BinOp):
        a, b = torch_evaluate(node.left, values), torch_evaluate(node.right, values)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if a.dim() == 0 or b.dim() == 0:
            return a * b
        return _convolve(node, node.op == "⊛", a, b)
    assert isinstance(node, Call)
    args = [torch_evaluate(a, values) for a in node.args]
    f = node.func
    if f in ("corr", "conv"):
        return _convolve(node, f == "conv", args[0], args[1])
    if f in ("maxpool", "avgpool"):
        size = int(args[1].item())
        stride = _pair(node.kw("stride", size))
        padding = _pair(node.kw("padding", 0))
        x = args[0]
        batched = x[None] if x.dim() == 3 else x[None, None]
        if f == "maxpool":
            out = F.max_pool2d(batched, size, stride=stride, padding=padding,
                               dilation=_pair(node.kw("dilation", 1)))
        else:
            out = F.avg_pool2d(batched, size, stride=stride, padding=padding, count_include_pad=True)
        return out[0] if x.dim() == 3 else out[0, 0]
    x = args[0]
    if f == "mm":
        a, b = (t.reshape(1, -1) if t.dim() == 1 else t for t in args)
        return a @ b
    if f == "vec":
        return x.reshape(-1, 1)
    if f == "flat":
        return x.reshape(x.shape[0], -1)
    if f == "toeplitz":
        rows, cols = int(args[1].item()), int(args[2].item())
        # column j of C is vec(corr(K, e_j)): the response to the j-th unit input, by F.conv2d
        basis = torch.eye(rows * cols, dtype=torch.float64).reshape(rows * cols, 1, rows, cols)
        responses = F.conv2d(basis, x[None, None])
        return responses.reshape(rows * cols, -1).T
    if f == "im2col":
        kh, kw = int(args[1].item()), int(args[2].item())
        return F.unfold(x[None, None], (kh, kw))[0]
    if f == "T":
        return x.reshape(-1, 1) if x.dim() == 1 else x.T
    if f == "rot180":
        return torch.flip(x, dims=tuple(range(x.dim())))
    turns = -1 if f == "rot90cw" else (int(args[1].item()) if len(args) > 1 else 1)
    return torch.rot90(x, turns, dims=(0, 1))
