"""Values crossing the cage's boundary: arguments in, results out as plain JSON data, errors as text."""
from __future__ import annotations

from typing import Any

try:
    from .common import MAX_RESULT_ENTRIES
except ImportError:                                    # run as the server script
    from common import MAX_RESULT_ENTRIES  # type: ignore[no-redef]


def encode(value: Any) -> dict:
    """A returned value as plain JSON data, read through the genuine types' own C methods.

    Only exact ``torch.Tensor`` / ``nn.Parameter`` and ``numpy.ndarray`` objects count as arrays (``type``,
    unlike ``isinstance``, cannot be faked by a ``__class__`` property); anything else is reported by type
    name and a short repr."""
    import numpy as np
    import torch
    tp = type(value)
    base = getattr(torch._C, "TensorBase", None) or getattr(torch._C, "_TensorBase")
    try:
        if tp is torch.Tensor or tp is torch.nn.Parameter:
            t = base.detach(value)
            if t.layout != torch.strided:
                t = base.to_dense(t)
            kind, dtype, shape, n = "torch", str(t.dtype).replace("torch.", ""), [int(s) for s in t.shape], t.numel()
            if n > MAX_RESULT_ENTRIES:
                return {"kind": kind, "dtype": dtype, "shape": shape, "too_big": int(n)}
            if t.is_complex() or dtype.startswith(("uint16", "uint32", "uint64", "float8", "qint", "quint")):
                return {"kind": "other", "type": f"torch.Tensor[{dtype}]", "repr": ""}
            return {"kind": kind, "dtype": dtype, "shape": shape, "data": base.tolist(base.reshape(t.cpu(), (-1,)))}
        if tp is np.ndarray:
            dtype, shape, n = str(value.dtype), [int(s) for s in value.shape], int(value.size)
            if n > MAX_RESULT_ENTRIES:
                return {"kind": "numpy", "dtype": dtype, "shape": shape, "too_big": n}
            if value.dtype.kind not in "biuf":
                return {"kind": "other", "type": f"numpy.ndarray[{dtype}]", "repr": ""}
            return {"kind": "numpy", "dtype": dtype, "shape": shape, "data": np.ndarray.tolist(value.reshape(-1))}
    except Exception as exc:
        return {"kind": "other", "type": tp.__name__, "repr": f"<unreadable: {type(exc).__name__}>"}
    try:
        text = str(repr(value))[:300]
    except BaseException:
        text = "<unprintable>"
    return {"kind": "other", "type": str(tp.__name__)[:100], "repr": text}


def decode_arg(value: Any) -> Any:
    import torch
    if isinstance(value, dict) and "tensor" in value:
        return torch.tensor(value["tensor"], dtype=getattr(torch, value.get("dtype", "float32"))).reshape(
            value["shape"])
    if isinstance(value, dict) and "tuple" in value:
        return tuple(decode_arg(v) for v in value["tuple"])
    return value


def error_text(exc: BaseException) -> str:
    import traceback
    try:
        lines = traceback.format_exception_only(type(exc), exc)
        return (lines[-1] if lines else type(exc).__name__).strip()[:500]
    except BaseException:
        return type(exc).__name__


def submission_line(exc: BaseException) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "submission.py":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def is_memory_error(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "can't allocate memory" in str(exc) or "alloc" in type(exc).__name__.lower()


