"""What the experiments share: parameter reading with bounds, seeding, number formatting, the network solver's
helpers, the :class:`Experiment` record."""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ...lazy import lazy

torch = lazy("torch")
nn = lazy("torch.nn")

from ...errors import suggest
from ...i18n import Msg, Text
from ...steps import Check


BUDGET_ELEMENTS = 1 << 22       # tensors an experiment materialises (the cost ones count on the meta device)
BUDGET_TRAIN = 1 << 27          # steps × batch × seq_len × embed_dim of the TextCNN run (the default is 2^21)


class ExperimentError(Exception):
    """A bad experiment parameter; ``path`` is relative to the experiment mapping."""

    def __init__(self, message: str, path: tuple = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


# ---------------------------------------------------------------- parameters


class Param:
    """One parameter: ``kind`` (int, float, bool, choice, ints, floats, pair, label, configs), default, bounds."""

    def __init__(self, kind: str, default: Any = None, lo: float | None = None, hi: float | None = None,
                 choices: tuple = (), max_len: int = 8, sub: dict[str, "Param"] | None = None) -> None:
        self.kind, self.default, self.lo, self.hi = kind, default, lo, hi
        self.choices, self.max_len, self.sub = choices, max_len, sub


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _bounded(name: str, v: Any, p: Param, path: tuple) -> Any:
    if p.lo is not None and v < p.lo or p.hi is not None and v > p.hi:
        raise ExperimentError(f"{name} must lie between {p.lo} and {p.hi}, got {v}", path)
    return v


def _read_value(name: str, value: Any, p: Param, path: tuple) -> Any:
    k = p.kind
    if value is None and p.default is None and k in ("int", "pair"):
        return None                                   # "not given": the experiment derives it
    if k == "int":
        if not _is_int(value):
            raise ExperimentError(f"{name} must be an integer, got {value!r}", path)
        return _bounded(name, value, p, path)
    if k == "float":
        if not _is_num(value):
            raise ExperimentError(f"{name} must be a number, got {value!r}", path)
        return _bounded(name, float(value), p, path)
    if k == "bool":
        if not isinstance(value, bool):
            raise ExperimentError(f"{name} must be true or false, got {value!r}", path)
        return value
    if k == "choice":
        if value not in p.choices:
            raise ExperimentError(f"{name} must be one of {', '.join(map(str, p.choices))}, got {value!r}", path)
        return value
    if k in ("ints", "floats", "choices"):
        if not isinstance(value, list) or not 1 <= len(value) <= p.max_len:
            raise ExperimentError(f"{name} must be a list of 1 to {p.max_len} values, got {value!r}", path)
        item = Param({"ints": "int", "floats": "float", "choices": "choice"}[k], None, p.lo, p.hi, p.choices)
        return [_read_value(name, v, item, path + (i,)) for i, v in enumerate(value)]
    if k == "pair":
        values = [value, value] if _is_int(value) else value
        if not isinstance(values, list) or len(values) != 2 or not all(_is_int(v) for v in values):
            raise ExperimentError(f"{name} must be an integer or a list of two integers, got {value!r}", path)
        return tuple(_bounded(name, v, p, path) for v in values)
    if k == "label":
        if isinstance(value, str):
            return Text(value, value)
        if isinstance(value, dict) and set(value) <= {"en", "zh"} and all(isinstance(v, str) for v in value.values()):
            return Text(value.get("en", ""), value.get("zh", ""))
        raise ExperimentError(f"{name} must be text or {{en: ..., zh: ...}}", path)
    if k == "configs":
        if not isinstance(value, list) or not 1 <= len(value) <= p.max_len:
            raise ExperimentError(f"{name} must be a list of 1 to {p.max_len} mappings", path)
        assert p.sub is not None
        return [read_params(p.sub, v, path + (i,)) for i, v in enumerate(value)]
    raise AssertionError(k)  # pragma: no cover


def read_params(spec: dict[str, Param], raw: Any, path: tuple = ()) -> dict[str, Any]:
    """Validate ``raw`` against ``spec``; missing parameters take their defaults."""
    if not isinstance(raw, dict):
        raise ExperimentError("must be a mapping of parameters", path)
    for key in raw:
        if key not in spec:
            hint = suggest(key, spec)
            raise ExperimentError(f"unknown parameter '{key}'{hint}; known: {', '.join(spec)}", path + (key,))
    out = {}
    for key, p in spec.items():
        if key in raw:
            out[key] = _read_value(key, raw[key], p, path + (key,))
        else:
            default = p.default
            if p.kind == "pair" and _is_int(default):
                default = (default, default)
            elif p.kind == "label" and default is not None:
                default = Text(default, default) if isinstance(default, str) else default
            elif p.kind == "configs" and default is not None:
                default = [read_params(p.sub or {}, d, path + (key,)) for d in default]
            elif isinstance(default, list):
                default = list(default)
            out[key] = default
    return out


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Module initialisation and random data from ``seed``, without touching the caller's RNG state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


@contextmanager
def one_thread() -> Iterator[None]:
    """These tensors are tiny: one thread is faster than several (no hand-offs) and sums in a fixed order."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def fmt(x: float) -> str:
    """A measured number for a table: ``0``, ``inf``, ``0.0123``, ``3.66e+10``."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "nan")
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3e}"
    return f"{x:.4g}"


def ratio(x: float) -> str:
    """A ratio: whole numbers with separators (``1,024``), others to four figures (``0.4167``)."""
    if math.isfinite(x) and abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return f"{round(x):,}"
    return fmt(x)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _same(a: Any, b: Any) -> bool:
    """Identical data (NaN equals NaN: reproducibility, not arithmetic)."""
    return repr(a) == repr(b)


def _latex_matrix(rows: list[list[str]]) -> str:
    """A matrix of LaTeX cells (fractions and the like) — :func:`solver.latex.matrix` formats numbers only."""
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(row) for row in rows) + r" \end{bmatrix}"


def _ok(by: str, part: str, ok: bool, key: str, **params: Any) -> Check:
    return Check(by, part, bool(ok), Msg(key, **params))


# ---------------------------------------------------------------- network solver helpers


def _layers(raws: list[dict]) -> list[Any]:
    from ...network.layers import parse_layer
    return [parse_layer(dict(r), i) for i, r in enumerate(raws)]


def _analyse(input_shape: tuple[int, ...], raws: list[dict]) -> Any:
    from ...network.analysis import analyse
    return analyse(tuple(input_shape), _layers(raws))


def _torch_model(analysis: Any, device: str = "cpu") -> nn.Sequential:
    from ...network.verify import build_layer
    with torch.device(device):
        return nn.Sequential(*(build_layer(la.layer) for la in analysis.layers))


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


# ================================================================ resnet_gradients


def _need(ok: bool, message: str, path: tuple) -> None:
    if not ok:
        raise ExperimentError(message, path)


def _small(count: int, path: tuple) -> None:
    _need(count <= BUDGET_ELEMENTS, f"too large for a quick experiment ({count:,} elements; limit {BUDGET_ELEMENTS:,})",
          path)


class Experiment:
    def __init__(self, name: str, params: dict[str, Param], run: Callable, steps: Callable, checks: Callable,
                 validate: Callable | None = None, read: Callable | None = None) -> None:
        self.name, self.params, self.run, self.steps, self.checks = name, params, run, steps, checks
        self.validate, self.read = validate, read


_SEED = Param("int", 0, 0, 2**31 - 1)
