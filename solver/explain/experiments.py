"""Small, seeded PyTorch experiments that back the key points of explanation exercises.

Each experiment reads its parameters (with defaults and bounds, so a user file cannot ask for an
hour of training), ``run``\\ s into a plain data dict (numbers only: the same seed gives the same
dict), turns that data into bilingual steps, and re-checks its claims as ``by: torch`` checks.

=====================  ==========================================================================
name                   what it shows
=====================  ==========================================================================
resnet_gradients       ‖∂L/∂W₁‖ of a plain vs a residual MLP across depths (24.10, hw-q9)
textcnn                TextCNN (shapes/params from the network solver) trained on generated
                       sentences: loss falls, accuracy beats chance and a bag-of-words (24.7)
conv_cost              MACs of a conv layer by formula, network solver and FlopCounterMode;
                       ratios between configurations; backward = 2 × forward (D2L 6.3/6.4)
pool_as_conv           average pooling = depthwise conv with weights 1/(p_h·p_w) (6.5 ex 1)
pool_linearity         max pooling is not additive, average pooling is (6.5 ex 2)
pool_cost              comparisons/additions of pooling vs a convolution (6.5 ex 3)
pool_gradients         where max and average pooling send the gradient (6.5 ex 4)
softmax_pool           softmax pooling moves from mean (β = 0) to max (β → ∞) (6.5 ex 6)
matmul_1x1             a 1×1 conv as a matrix product: allclose, not always bit-identical (6.4 ex 5)
im2col                 any conv as one matrix product of unfolded windows (6.4 ex 6)
border_coverage        how many windows cover each pixel, with and without padding (6.1 ex 3)
shift_equivariance     conv(shift X) = shift(conv X); global pooling forgets the position (6.1 ex 2)
init_compare           zeros / constant / N(0,1) / Xavier / He in a deep ReLU MLP (hw-q1)
weight_sharing         conv vs locally connected vs dense parameters; tied LC layer = conv (hw-q7)
networks               shapes, parameters, MACs, receptive fields of named networks (network solver)
=====================  ==========================================================================

Example:
    >>> data = run("pool_as_conv", read("pool_as_conv", {"channels": 2, "size": 4}))
    >>> data["allclose"], data["out_shape"]
    (True, [2, 2, 2])
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from .. import latex as tex
from ..i18n import Join, Msg, Plain, Text
from ..steps import Check, Step, Table
from . import messages  # noqa: F401  (registers the wording)


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
            import difflib
            close = difflib.get_close_matches(str(key), list(spec), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
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


def _shape(values: Any) -> str:
    return "×".join(str(v) for v in values)


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
    from ..network.layers import parse_layer
    return [parse_layer(dict(r), i) for i, r in enumerate(raws)]


def _analyse(input_shape: tuple[int, ...], raws: list[dict]) -> Any:
    from ..network.analysis import analyse
    return analyse(tuple(input_shape), _layers(raws))


def _torch_model(analysis: Any, device: str = "cpu") -> nn.Sequential:
    from ..network.verify import build_layer
    with torch.device(device):
        return nn.Sequential(*(build_layer(la.layer) for la in analysis.layers))


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


# ================================================================ resnet_gradients


def _resnet_run(p: dict[str, Any]) -> dict[str, Any]:
    act = torch.relu if p["activation"] == "relu" else torch.tanh
    width, batch, seed = p["width"], p["batch"], p["seed"]
    plain, residual, scaled = [], [], []
    for depth in p["depths"]:
        for kind, out in (("plain", plain), ("residual", residual), ("scaled", scaled)):
            with seeded(seed):
                layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))   # PyTorch's default init
                head = nn.Linear(width, 1)
                x, y = torch.randn(batch, width), torch.randn(batch, 1)
            h = x
            if kind != "plain":
                alpha = 1.0 if kind == "residual" else (depth / 2) ** -0.5
                for i in range(0, depth, 2):                       # x_b = x_{b-1} + α W_2b σ(W_2b-1 x_{b-1})
                    h = h + alpha * layers[i + 1](act(layers[i](h)))
            else:
                for layer in layers:                               # x_l = σ(W_l x_{l-1})
                    h = act(layer(h))
            loss = ((head(h) - y) ** 2).mean()
            loss.backward()
            out.append(float(layers[0].weight.grad.norm()))
    return {"depths": list(p["depths"]), "plain": plain, "residual": residual, "scaled": scaled}


def _resnet_validate(p: dict[str, Any]) -> None:
    if any(d % 2 for d in p["depths"]):
        raise ExperimentError("every depth must be even (a residual block holds two layers)", ("depths",))


def _resnet_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    setup = Step(Msg("xp.resnet.setup.title"),
                 text=Msg("xp.resnet.setup.text", width=p["width"], act=Plain(p["activation"]),
                          batch=p["batch"], seed=p["seed"]),
                 math=[r"\text{plain: } x_l = \sigma(W_l x_{l-1}), \quad l = 1, \ldots, D",
                       r"\text{residual: } x_b = x_{b-1} + \alpha W_{2b}\, \sigma(W_{2b-1} x_{b-1}), \quad b = 1, \ldots, D/2,"
                       r" \quad \alpha = 1 \text{ or } \alpha = (D/2)^{-1/2}",
                       r"L = \frac{1}{N} \sum_n (v^T x_{\text{out}} - y_n)^2"],
                 rule="explain.resnet.setup")
    chain = Step(Msg("xp.resnet.chain.title"), text=Msg("xp.resnet.chain.text"),
                 math=[r"\frac{\partial L}{\partial x_0} = \frac{\partial L}{\partial x_D} \prod_{l=D}^{1} "
                       r"\operatorname{diag}(\sigma'(W_l x_{l-1}))\, W_l \quad \text{(plain)}",
                       r"\frac{\partial L}{\partial x_0} = \frac{\partial L}{\partial x_{D/2}} \prod_{b=D/2}^{1} "
                       r"\left(I + \frac{\partial F_b}{\partial x_{b-1}}\right) \quad \text{(residual)}"],
                 rule="explain.resnet.chain")
    rows = [[str(depth), fmt(a), fmt(b), fmt(c)]
            for depth, a, b, c in zip(d["depths"], d["plain"], d["residual"], d["scaled"])]
    lo, hi = min(d["residual"]), max(d["residual"])
    slo, shi = min(d["scaled"]), max(d["scaled"])
    text: Any = Msg("xp.resnet.table.text", first=Plain(fmt(d["plain"][0])), last=Plain(fmt(d["plain"][-1])),
                    dmin=d["depths"][0], dmax=d["depths"][-1], lo=Plain(fmt(lo)), hi=Plain(fmt(hi)),
                    slo=Plain(fmt(slo)), shi=Plain(fmt(shi)))
    if 0.0 in d["plain"]:
        text = Join((text, Msg("xp.resnet.underflow")))
    table = Step(Msg("xp.resnet.table.title"), text=text,
                 table=Table([Msg("xp.col.depth"), Msg("xp.resnet.col.plain"), Msg("xp.resnet.col.residual"),
                              Msg("xp.resnet.col.scaled")], rows),
                 rule="explain.resnet.table")
    return [setup, chain, table]


def _resnet_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _resnet_run(p)
    plain, res, scaled = d["plain"], d["residual"], d["scaled"]
    decays = plain[-1] <= 1e-3 * plain[0] if len(plain) > 1 and d["depths"][-1] >= 16 else plain[-1] <= plain[0]
    kept = min(res) >= 0.1 * res[0]
    lo, hi = min(scaled), max(scaled)
    return [_ok("torch", part, _same(again, d), "xp.check.reproducible", seed=p["seed"]),
            _ok("torch", part, decays, "xp.resnet.check.plain", first=Plain(fmt(plain[0])), last=Plain(fmt(plain[-1]))),
            _ok("torch", part, kept, "xp.resnet.check.residual", low=Plain(fmt(min(res))), first=Plain(fmt(res[0]))),
            _ok("torch", part, lo > 0 and hi / lo <= 10, "xp.resnet.check.scaled", lo=Plain(fmt(lo)), hi=Plain(fmt(hi)))]


# ================================================================ textcnn


def _textcnn_validate(p: dict[str, Any]) -> None:
    if max(p["kernel_sizes"]) > p["seq_len"]:
        raise ExperimentError(f"kernel sizes must not exceed seq_len ({p['seq_len']})", ("kernel_sizes",))
    if p["vocab"] < 4:
        raise ExperimentError("vocab must be at least 4 (two keywords and fillers)", ("vocab",))
    work = p["steps"] * p["batch"] * p["seq_len"] * p["embed_dim"] * max(1, p["filters"] // 8)
    if work > BUDGET_TRAIN:
        raise ExperimentError(f"steps × batch × seq_len × embed_dim is too large for a quick run (limit {BUDGET_TRAIN:,})",
                              ("steps",))


def textcnn_layers(p: dict[str, Any]) -> tuple[list[list[dict]], list[dict]]:
    """The branches (one per kernel size) and the head, written as network-solver layers."""
    seq = p["seq_len"]
    branches = [[{"type": "Conv1d", "out_channels": p["filters"], "kernel_size": k},
                 {"type": "ReLU"},
                 {"type": "MaxPool1d", "kernel_size": seq - k + 1},          # max over time
                 {"type": "Flatten"}] for k in p["kernel_sizes"]]
    head = [{"type": "Dropout", "p": p["dropout"]}, {"type": "Linear", "out_features": 2}]
    return branches, head


def keyword_sentences(n: int, vocab: int, seq_len: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` sentences of token ids. Tokens 1 and 2 are the keywords, 3.. are fillers (0 is unused).
    Every sentence holds each keyword exactly once; the label is 1 when they form the bigram "1 2",
    0 when they appear as "2 1" or apart — so the words alone (a bag of words) cannot tell the classes."""
    x = torch.randint(3, vocab, (n, seq_len), generator=generator)
    y = torch.randperm(n, generator=generator) % 2            # balanced classes: chance is 50 %
    pos = torch.randint(0, seq_len - 1, (n,), generator=generator)
    how = torch.rand(n, generator=generator)
    other = torch.randint(0, seq_len - 2, (n,), generator=generator)
    for i in range(n):
        p = int(pos[i])
        if y[i] == 1:
            x[i, p], x[i, p + 1] = 1, 2
        elif how[i] < 0.5:
            x[i, p], x[i, p + 1] = 2, 1
        else:                                    # apart: any position except p and p + 1
            r = int(other[i])
            r = r if r < p else r + 2
            x[i, p], x[i, r] = 1, 2
    return x, y


class TextCNN(nn.Module):
    """Embedding → one branch per kernel size (Conv1d → ReLU → max over time → flatten) → concat → dropout → linear."""

    def __init__(self, vocab: int, dim: int, branches: list[nn.Module], head: nn.Module) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.branches = nn.ModuleList(branches)
        self.head = head

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        e = self.embedding(tokens).transpose(1, 2)          # [N, L, d] → [N, d, L]: channels = embedding dims
        return self.head(torch.cat([b(e) for b in self.branches], dim=1))


class BagOfWords(nn.Module):
    """The baseline: the mean of the word vectors → linear (no word order)."""

    def __init__(self, vocab: int, dim: int) -> None:
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.fc = nn.Linear(dim, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.fc(self.embedding(tokens))


def build_textcnn(p: dict[str, Any]) -> tuple[TextCNN, list[Any], Any]:
    """The model from the network solver's layers, with the analyses (branches, head)."""
    branches, head = textcnn_layers(p)
    b_an = [_analyse((p["embed_dim"], p["seq_len"]), b) for b in branches]
    width = sum(a.output_shape()[0] for a in b_an)
    h_an = _analyse((width,), head)
    model = TextCNN(p["vocab"], p["embed_dim"], [_torch_model(a) for a in b_an], _torch_model(h_an))
    return model, b_an, h_an


class Adam:
    """Adam (Kingma & Ba), written out: ``torch.optim``'s first use costs over a second of imports."""

    def __init__(self, params: Any, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.params = [q for q in params if q.requires_grad]
        self.lr, self.betas, self.eps, self.t = lr, betas, eps, 0
        self.m = [torch.zeros_like(q) for q in self.params]
        self.v = [torch.zeros_like(q) for q in self.params]

    def zero_grad(self) -> None:
        for q in self.params:
            q.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for q, m, v in zip(self.params, self.m, self.v):
            if q.grad is None:
                continue
            m.mul_(b1).add_(q.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(q.grad, q.grad, value=1 - b2)
            step = self.lr * (m / (1 - b1 ** self.t)) / ((v / (1 - b2 ** self.t)).sqrt() + self.eps)
            q.sub_(step)


def _train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, p: dict[str, Any]) -> tuple[float, float]:
    def full_loss() -> float:
        model.eval()
        with torch.no_grad():
            return float(F.cross_entropy(model(x), y))
    start = full_loss()
    opt = Adam(model.parameters(), lr=p["lr"])
    order = torch.randint(0, len(x), (p["steps"], p["batch"]))
    model.train()
    for idx in order:
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return start, full_loss()


def _accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def _textcnn_run(p: dict[str, Any]) -> dict[str, Any]:
    with seeded(p["seed"]):
        gen = torch.Generator().manual_seed(p["seed"] + 1)
        x_tr, y_tr = keyword_sentences(p["train"], p["vocab"], p["seq_len"], gen)
        x_te, y_te = keyword_sentences(p["test"], p["vocab"], p["seq_len"], gen)
        model, b_an, h_an = build_textcnn(p)
        start, end = _train(model, x_tr, y_tr, p)
        out = {"loss_start": start, "loss_end": end, "train_acc": _accuracy(model, x_tr, y_tr),
               "test_acc": _accuracy(model, x_te, y_te),
               "chance": float(max(y_te.float().mean(), 1 - y_te.float().mean()))}
        if p["baseline"]:
            bow = BagOfWords(p["vocab"], p["embed_dim"])
            _train(bow, x_tr, y_tr, p)
            out["bow_acc"] = _accuracy(bow, x_te, y_te)
    out["branches"] = [{"layers": [la.layer.label() for la in a.layers],
                        "shapes": [list(la.out_shape) for la in a.layers],
                        "params": [la.params for la in a.layers], "macs": sum(la.macs for la in a.layers)}
                       for a in b_an]
    out["head"] = {"layers": [la.layer.label() for la in h_an.layers],
                   "shapes": [list(la.out_shape) for la in h_an.layers], "params": [la.params for la in h_an.layers]}
    out["embedding_params"] = p["vocab"] * p["embed_dim"]
    out["params"] = (out["embedding_params"] + sum(sum(b["params"]) for b in out["branches"])
                     + sum(out["head"]["params"]))
    out["example"] = [int(t) for t in x_tr[0]], int(y_tr[0])
    return out


def _textcnn_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    L, dim = p["seq_len"], p["embed_dim"]
    rows: list[list[Any]] = [[Plain(f"Embedding({p['vocab']}→{dim})"), Plain(f"{dim}×{L}"), f"{d['embedding_params']:,}"]]
    for k, b in zip(p["kernel_sizes"], d["branches"]):
        for label, shape, params in zip(b["layers"], b["shapes"], b["params"]):
            rows.append([Plain(f"[k={k}] {label}"), Plain(_shape(shape)), f"{params:,}"])
    width = sum(b["shapes"][-1][0] for b in d["branches"])
    rows.append([Msg("xp.textcnn.concat"), Plain(str(width)), "0"])
    for label, shape, params in zip(d["head"]["layers"], d["head"]["shapes"], d["head"]["params"]):
        rows.append([Plain(label), Plain(_shape(shape)), f"{params:,}"])
    rows.append([Msg("xp.col.total"), Plain(""), f"{d['params']:,}"])
    conv_params = [tex.num(b["params"][0]) for b in d["branches"]]
    arch = Step(Msg("xp.textcnn.arch.title"),
                text=Msg("xp.textcnn.arch.text", dim=dim, L=L, ks=Plain(", ".join(map(str, p["kernel_sizes"]))),
                         f=p["filters"], drop=Plain(str(p["dropout"]))),
                math=[rf"\text{{Conv1d}}(d \to F, k):\ F \cdot (d \cdot k + 1) \text{{ params}}, \quad "
                      rf"\text{{output }} F \times (L - k + 1)",
                      r"\text{params} = V d + \sum_k F (d k + 1) + (3F + 1) \cdot 2 = "
                      + " + ".join([tex.num(d["embedding_params"])] + conv_params + [tex.num(d["head"]["params"][-1])])
                      + " = " + tex.num(d["params"])],
                table=Table([Msg("xp.col.layer"), Msg("xp.col.output"), Msg("xp.col.params")], rows),
                rule="explain.textcnn.network")
    tokens, label = d["example"]
    data = Step(Msg("xp.textcnn.data.title"),
                text=Msg("xp.textcnn.data.text", train=p["train"], test=p["test"], L=L, vocab=p["vocab"],
                         example=Plain(" ".join(map(str, tokens))), label=label),
                rule="explain.textcnn.data")
    res_rows: list[list[Any]] = [[Msg("xp.textcnn.loss_start"), fmt(d["loss_start"])],
                                 [Msg("xp.textcnn.loss_end"), fmt(d["loss_end"])],
                                 [Msg("xp.textcnn.train_acc"), _pct(d["train_acc"])],
                                 [Msg("xp.textcnn.test_acc"), _pct(d["test_acc"])],
                                 [Msg("xp.textcnn.chance"), _pct(d["chance"])]]
    if "bow_acc" in d:
        res_rows.append([Msg("xp.textcnn.bow_acc"), _pct(d["bow_acc"])])
    train = Step(Msg("xp.textcnn.train.title"),
                 text=Msg("xp.textcnn.train.text" if "bow_acc" in d else "xp.textcnn.train.text_nobow", steps=p["steps"], batch=p["batch"], lr=Plain(str(p["lr"])),
                          seed=p["seed"], acc=Plain(_pct(d["test_acc"])), chance=Plain(_pct(d["chance"]))),
                 table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")], res_rows),
                 rule="explain.textcnn.train")
    return [arch, data, train]


def _textcnn_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    model, b_an, h_an = build_textcnn(p)
    tokens = torch.zeros((2, p["seq_len"]), dtype=torch.long)
    model.eval()
    with torch.no_grad():
        e = model.embedding(tokens).transpose(1, 2)
        shapes_ok = all(list(b(e).shape[1:]) == list(a.output_shape()) for b, a in zip(model.branches, b_an))
        shapes_ok = shapes_ok and list(model(tokens).shape) == [2, 2]
    checks = [_ok("torch", part, _count(model) == d["params"], "xp.textcnn.check.params", got=_count(model)),
              _ok("torch", part, shapes_ok, "xp.textcnn.check.shapes"),
              _ok("torch", part, d["loss_end"] < 0.5 * d["loss_start"], "xp.textcnn.check.loss",
                  start=Plain(fmt(d["loss_start"])), end=Plain(fmt(d["loss_end"]))),
              _ok("torch", part, d["test_acc"] >= d["chance"] + p["margin"], "xp.textcnn.check.acc",
                  acc=Plain(_pct(d["test_acc"])), chance=Plain(_pct(d["chance"])), margin=Plain(_pct(p["margin"])))]
    if "bow_acc" in d:
        checks.append(_ok("torch", part, d["bow_acc"] < d["chance"] + 0.15, "xp.textcnn.check.bow",
                          acc=Plain(_pct(d["bow_acc"])), chance=Plain(_pct(d["chance"]))))
    return checks


# ================================================================ conv_cost


def _conv_cfg(c: dict[str, Any]) -> list[dict]:
    return [{"type": "Conv2d", "out_channels": c["c_o"], "kernel_size": list(c["k"]), "stride": list(c["s"]),
             "padding": list(c["p"])}]


def _conv_flops(c: dict[str, Any], backward: bool) -> tuple[int, int]:
    """(forward MACs, backward MACs) measured by FlopCounterMode on the meta device (no arithmetic done)."""
    with torch.device("meta"):
        conv = nn.Conv2d(c["c_i"], c["c_o"], c["k"], stride=c["s"], padding=c["p"])
        x = torch.zeros((1, c["c_i"], c["h"], c["w"]), requires_grad=backward)
    with FlopCounterMode(display=False) as fwd:
        y = conv(x)
    back = 0
    if backward:
        with FlopCounterMode(display=False) as bwd:
            y.sum().backward()
        back = int(bwd.get_total_flops()) // 2
    return int(fwd.get_total_flops()) // 2, back


def _conv_cost_run(p: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for c in p["configs"]:
        try:
            an = _analyse((c["c_i"], c["h"], c["w"]), _conv_cfg(c))
        except Exception as exc:                           # the network solver's InputError: bad geometry
            raise ExperimentError(getattr(exc, "message", str(exc)), ("configs",)) from None
        la = an.layers[0]
        c_o, h_o, w_o = la.out_shape
        kh, kw = c["k"]
        macs = c["c_i"] * c["c_o"] * kh * kw * h_o * w_o          # the formula, written out
        fwd, back = _conv_flops(c, "backward" in p["show"])
        rows.append({"h_o": h_o, "w_o": w_o, "macs": macs, "macs_solver": la.macs, "macs_counter": fwd,
                     "macs_backward": back, "params": la.params, "in_elems": c["c_i"] * c["h"] * c["w"],
                     "out_elems": c_o * h_o * w_o, "weights": la.params})
    return {"rows": rows}


def _cfg_label(i: int, c: dict[str, Any]) -> Any:
    return c.get("label") or Plain(f"#{i + 1}")


def _conv_cost_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    steps = []
    if "macs" in p["show"]:
        steps.append(Step(Msg("xp.cost.formula.title"), text=Msg("xp.cost.formula.text"),
                          math=[r"h_o = \left\lfloor \frac{h + 2 p_h - k_h}{s_h} \right\rfloor + 1, \quad "
                                r"w_o = \left\lfloor \frac{w + 2 p_w - k_w}{s_w} \right\rfloor + 1",
                                r"\text{MACs} = c_i \cdot c_o \cdot k_h \cdot k_w \cdot h_o \cdot w_o",
                                r"\text{multiplications} = \text{MACs}, \quad \text{additions} = c_o h_o w_o (c_i k_h k_w - 1)"
                                r" + c_o h_o w_o \ \text{(bias)}"],
                          rule="explain.cost.formula"))
        subs, rows = [], []
        base = d["rows"][0]["macs"]
        for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
            (kh, kw), (ph, pw), (sh, sw) = c["k"], c["p"], c["s"]
            sizes = rf"h_o = \left\lfloor \frac{{{c['h']} + {2 * ph} - {kh}}}{{{sh}}} \right\rfloor + 1 = {r['h_o']}"
            if (c["h"], ph, kh, sh) != (c["w"], pw, kw, sw):
                sizes += (rf", \quad w_o = \left\lfloor \frac{{{c['w']} + {2 * pw} - {kw}}}{{{sw}}} \right\rfloor + 1"
                          rf" = {r['w_o']}")
            subs.append(sizes)
            subs.append(r"\text{MACs} = " + tex.product([c["c_i"], c["c_o"], kh, kw, r["h_o"], r["w_o"]]) + " = "
                        + tex.num(r["macs"]))
            rows.append([_cfg_label(i, c), Plain(f"{c['c_i']}×{c['h']}×{c['w']} → {c['c_o']}×{r['h_o']}×{r['w_o']}"),
                         f"{r['macs']:,}", f"{r['macs_counter']:,}", ratio(r["macs"] / base), f"{r['params']:,}"])
        steps.append(Step(Msg("xp.cost.table.title"), text=Msg("xp.cost.table.text"), math=subs,
                          table=Table([Msg("xp.col.config"), Msg("xp.col.shape"), Msg("xp.cost.col.formula"),
                                       Msg("xp.cost.col.counter"), Msg("xp.col.ratio"), Msg("xp.col.params")], rows),
                          rule="explain.cost.table"))
    if "memory" in p["show"]:
        mem_rows = [[_cfg_label(i, c), f"{r['in_elems']:,}", f"{r['out_elems']:,}", f"{r['weights']:,}",
                     Plain(f"{4 * (r['in_elems'] + r['out_elems'] + r['weights']) / 1024:.1f} KiB")]
                    for i, (c, r) in enumerate(zip(p["configs"], d["rows"]))]
        steps.append(Step(Msg("xp.cost.memory.title"), text=Msg("xp.cost.memory.text"),
                          math=[r"\text{memory} = 4 \cdot (c_i h w + c_o h_o w_o + c_o c_i k_h k_w + c_o) \ \text{bytes}"],
                          table=Table([Msg("xp.col.config"), Msg("xp.cost.col.input"), Msg("xp.cost.col.output"),
                                       Msg("xp.col.params"), Msg("xp.cost.col.bytes")], mem_rows),
                          rule="explain.cost.memory"))
    if "backward" in p["show"]:
        back_rows = [[_cfg_label(i, c), f"{r['macs_counter']:,}", f"{r['macs_backward']:,}",
                      ratio(r["macs_backward"] / r["macs_counter"])] for i, (c, r) in enumerate(zip(p["configs"], d["rows"]))]
        steps.append(Step(Msg("xp.cost.backward.title"), text=Msg("xp.cost.backward.text"),
                          math=[r"\frac{\partial L}{\partial X} = \text{transposed conv}\left(\frac{\partial L}{\partial Y}, W\right): "
                                r"\text{MACs}, \quad \frac{\partial L}{\partial W} = \text{corr}\left(X, \frac{\partial L}{\partial Y}\right): "
                                r"\text{MACs}"],
                          table=Table([Msg("xp.col.config"), Msg("xp.cost.col.forward"), Msg("xp.cost.col.backward"),
                                       Msg("xp.col.ratio")], back_rows),
                          rule="explain.cost.backward"))
    return steps


def _conv_cost_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    checks = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        fwd, back = _conv_flops(c, "backward" in p["show"])   # measured again, independently of the solve run
        checks.append(_ok("torch", part, fwd == r["macs"] == r["macs_solver"], "xp.cost.check.macs",
                          label=_cfg_label(i, c), got=fwd))
        if "backward" in p["show"]:
            checks.append(_ok("torch", part, back == 2 * fwd, "xp.cost.check.backward", label=_cfg_label(i, c),
                              got=back))
    return checks


# ================================================================ pool_as_conv


def _pool_as_conv_run(p: dict[str, Any]) -> dict[str, Any]:
    k, s = p["window"], p["stride"] or p["window"]
    c, n = p["channels"], p["size"]
    with seeded(p["seed"]):
        x = torch.randn(1, c, n, n, dtype=torch.float64)
    avg = F.avg_pool2d(x, k, stride=s, padding=p["padding"], count_include_pad=True)
    weight = torch.full((c, 1, k, k), 1.0 / (k * k), dtype=torch.float64)
    conv = F.conv2d(x, weight, stride=s, padding=p["padding"], groups=c)
    diff = float((avg - conv).abs().max())
    return {"out_shape": list(avg.shape[1:]), "conv_shape": list(conv.shape[1:]), "max_diff": diff,
            "allclose": bool(torch.allclose(avg, conv, rtol=1e-12, atol=1e-12)), "stride": s,
            "first": [[float(v) for v in row] for row in avg[0, 0, :2, :2]]}


def _pool_as_conv_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    k, c = p["window"], p["channels"]
    kernel = _latex_matrix([[tex.frac("1", str(k * k))] * k] * k)
    step = Step(Msg("xp.poolconv.title"),
                text=Msg("xp.poolconv.text", k=k, s=d["stride"], pad=p["padding"], c=c, n=p["size"], seed=p["seed"]),
                math=[r"\operatorname{avgpool}(X)_{c,i,j} = \frac{1}{k_h k_w} \sum_{m,n} x_{c,\, s(i-1)+m,\, s(j-1)+n}"
                      r" = (K * X_c)_{ij}, \quad K = " + kernel,
                      rf"\text{{Conv2d}}({c} \to {c},\ k={k},\ s={d['stride']},\ p={p['padding']},\ "
                      rf"\text{{groups}}={c},\ \text{{bias}}=\text{{False}})"],
                table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")],
                            [[Msg("xp.poolconv.avg_shape"), Plain(_shape(d["out_shape"]))],
                             [Msg("xp.poolconv.conv_shape"), Plain(_shape(d["conv_shape"]))],
                             [Msg("xp.col.maxdiff"), fmt(d["max_diff"])]]),
                rule="explain.pool_as_conv")
    return [step]


def _pool_as_conv_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _pool_as_conv_run(p)
    return [_ok("torch", part, again["allclose"] and again["out_shape"] == again["conv_shape"],
                "xp.poolconv.check", diff=Plain(fmt(again["max_diff"])))]


# ================================================================ pool_linearity


def _pool_linearity_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k, trials = p["size"], p["window"], p["trials"]
    with seeded(p["seed"]):
        xs = torch.randint(-3, 4, (trials, 1, n, n)).double()
        ys = torch.randint(-3, 4, (trials, 1, n, n)).double()
    out: dict[str, Any] = {"trials": trials}
    for name, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        lhs, rhs = pool(xs + ys, k), pool(xs, k) + pool(ys, k)
        bad = ~torch.isclose(lhs, rhs, rtol=0, atol=1e-12).flatten(1).all(1)
        out[f"{name}_failures"] = int(bad.sum())
        if name == "max" and bad.any():
            i = int(bad.nonzero()[0])
            out["example"] = {key: [[int(v) for v in row] for row in t[i, 0]]
                              for key, t in (("X", xs), ("Y", ys), ("lhs", lhs), ("rhs", rhs))}
    return out


def _pool_linearity_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    math = [r"\operatorname{conv}(X + Y) = \operatorname{conv}(X) + \operatorname{conv}(Y), \quad "
            r"\operatorname{conv}(a X) = a \operatorname{conv}(X)"]
    if "example" in d:
        e = d["example"]
        math += [rf"X = {tex.matrix(e['X'])}, \quad Y = {tex.matrix(e['Y'])}",
                 rf"\operatorname{{maxpool}}(X + Y) = {tex.matrix(e['lhs'])} \ne {tex.matrix(e['rhs'])} = "
                 r"\operatorname{maxpool}(X) + \operatorname{maxpool}(Y)"]
    rows = [[Msg("xp.pool.max"), f"{d['max_failures']:,} / {d['trials']:,}"],
            [Msg("xp.pool.avg"), f"{d['avg_failures']:,} / {d['trials']:,}"]]
    return [Step(Msg("xp.poollin.title"), text=Msg("xp.poollin.text", n=p["size"], k=p["window"], trials=d["trials"]),
                 math=math, table=Table([Msg("xp.col.pooling"), Msg("xp.poollin.col.failures")], rows),
                 rule="explain.pool_linearity")]


def _pool_linearity_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _pool_linearity_run(p)
    return [_ok("torch", part, again["max_failures"] > 0 and again["avg_failures"] == 0, "xp.poollin.check",
                max=again["max_failures"], avg=again["avg_failures"], trials=again["trials"])]


# ================================================================ pool_cost


def _pool_cfg(c: dict[str, Any], kind: str) -> list[dict]:
    return [{"type": kind, "kernel_size": list(c["k"]), "stride": list(c["s"] or c["k"]), "padding": list(c["p"])}]


def _pool_cost_run(p: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for c in p["configs"]:
        try:
            pool = _analyse((c["c"], c["h"], c["w"]), _pool_cfg(c, "MaxPool2d")).layers[0]
            conv = _analyse((c["c"], c["h"], c["w"]), [{"type": "Conv2d", "out_channels": c["c"],
                                                        "kernel_size": list(c["k"]), "stride": list(c["s"] or c["k"]),
                                                        "padding": list(c["p"])}]).layers[0]
        except Exception as exc:
            raise ExperimentError(getattr(exc, "message", str(exc)), ("configs",)) from None
        ch, h_o, w_o = pool.out_shape
        window = c["k"][0] * c["k"][1]
        with torch.device("meta"):
            x = torch.zeros((1, c["c"], c["h"], c["w"]))
        with FlopCounterMode(display=False) as counter:
            F.max_pool2d(x, c["k"], c["s"] or c["k"], c["p"])
            F.avg_pool2d(x, c["k"], c["s"] or c["k"], c["p"])
        rows.append({"out": [ch, h_o, w_o], "outputs": ch * h_o * w_o, "window": window,
                     "max_cmp": ch * h_o * w_o * (window - 1), "avg_add": ch * h_o * w_o * (window - 1),
                     "avg_div": ch * h_o * w_o, "conv_macs": conv.macs, "counter": int(counter.get_total_flops())})
    return {"rows": rows}


def _pool_cost_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    formula = Step(Msg("xp.poolcost.formula.title"), text=Msg("xp.poolcost.formula.text"),
                   math=[r"\text{max: } c \cdot h_o \cdot w_o \cdot (k_h k_w - 1) \text{ comparisons}",
                         r"\text{average: } c \cdot h_o \cdot w_o \cdot (k_h k_w - 1) \text{ additions} + c \cdot h_o"
                         r" \cdot w_o \text{ divisions}",
                         r"\text{conv } c \to c \text{ with the same window: } c \cdot c \cdot k_h k_w \cdot h_o w_o"
                         r" \text{ MACs}"], rule="explain.pool_cost.formula")
    rows = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        rows.append([_cfg_label(i, c), Plain(f"{c['c']}×{c['h']}×{c['w']} → {_shape(r['out'])}"),
                     f"{r['max_cmp']:,}", f"{r['avg_add']:,} + {r['avg_div']:,}", f"{r['conv_macs']:,}",
                     ratio(r["conv_macs"] / max(1, r["max_cmp"]))])
    table = Step(Msg("xp.poolcost.table.title"),
                 text=Msg("xp.poolcost.table.text", counter=d["rows"][0]["counter"]),
                 table=Table([Msg("xp.col.config"), Msg("xp.col.shape"), Msg("xp.poolcost.col.max"),
                              Msg("xp.poolcost.col.avg"), Msg("xp.poolcost.col.conv"), Msg("xp.poolcost.col.ratio")], rows),
                 rule="explain.pool_cost.table")
    return [formula, table]


def _pool_cost_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    checks = []
    for i, (c, r) in enumerate(zip(p["configs"], d["rows"])):
        x = torch.zeros((1, c["c"], c["h"], c["w"]), device="meta")             # shapes only, no memory
        cols = F.unfold(x, c["k"], padding=c["p"], stride=c["s"] or c["k"])       # one column per window
        y = F.max_pool2d(x, c["k"], c["s"] or c["k"], c["p"])
        windows = cols.shape[-1] * c["c"]
        ok = windows == r["outputs"] and list(y.shape[1:]) == r["out"] and cols.shape[1] == c["c"] * r["window"]
        checks.append(_ok("torch", part, ok, "xp.poolcost.check", label=_cfg_label(i, c), windows=windows,
                          window=r["window"]))
    return checks


# ================================================================ pool_gradients


def _pool_gradients_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k = p["size"], p["window"]
    with seeded(p["seed"]):
        values = torch.randperm(n * n).double().reshape(1, 1, n, n)
    out: dict[str, Any] = {"X": [[int(v) for v in row] for row in values[0, 0]]}
    for name, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        x = values.clone().requires_grad_(True)
        pool(x, k).sum().backward()
        g = x.grad[0, 0]
        out[f"grad_{name}"] = [[float(v) for v in row] for row in g]
        out[f"nonzero_{name}"] = int((g != 0).sum())
        # nudge the smallest entry of every window (never the maximum): does the output move?
        nudged = values.clone()
        for i in range(0, n - k + 1, k):
            for j in range(0, n - k + 1, k):
                win = nudged[0, 0, i:i + k, j:j + k]
                m = int(win.argmin())
                nudged[0, 0, i + m // k, j + m % k] += 0.5
        out[f"changed_{name}"] = int((pool(nudged, k) != pool(values, k)).sum())
    out["windows"] = (n // k) ** 2
    return out


def _pool_gradients_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    k = p["window"]
    grad_avg = [[tex.frac("1", str(k * k)) if v else "0" for v in row] for row in d["grad_avg"]]
    grad_max = [[int(v) for v in row] for row in d["grad_max"]]
    rows = [[Msg("xp.pool.max"), f"{d['nonzero_max']} / {p['size'] ** 2}", f"{d['changed_max']} / {d['windows']}"],
            [Msg("xp.pool.avg"), f"{d['nonzero_avg']} / {p['size'] ** 2}", f"{d['changed_avg']} / {d['windows']}"]]
    return [Step(Msg("xp.poolgrad.title"), text=Msg("xp.poolgrad.text", n=p["size"], k=k),
                 math=[rf"X = {tex.matrix(d['X'])}",
                       r"\frac{\partial \sum \operatorname{maxpool}(X)}{\partial X} = " + tex.matrix(grad_max),
                       r"\frac{\partial \sum \operatorname{avgpool}(X)}{\partial X} = " + _latex_matrix(grad_avg)],
                 table=Table([Msg("xp.col.pooling"), Msg("xp.poolgrad.col.nonzero"), Msg("xp.poolgrad.col.changed")],
                             rows),
                 rule="explain.pool_gradients")]


def _pool_gradients_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _pool_gradients_run(p)
    k = p["window"]
    ok = (_same(again, d) and again["nonzero_max"] == again["windows"] and again["changed_max"] == 0
          and all(abs(v - 1 / (k * k)) < 1e-12 for row in again["grad_avg"] for v in row[: p["size"] // k * k]
                  ) and again["changed_avg"] == again["windows"])
    return [_ok("torch", part, ok, "xp.poolgrad.check", windows=again["windows"])]


# ================================================================ softmax_pool


def _softmax_pool_run(p: dict[str, Any]) -> dict[str, Any]:
    x = torch.tensor(p["values"], dtype=torch.float64)
    rows = []
    for beta in p["betas"]:
        w = torch.softmax(beta * x, dim=0)
        rows.append({"beta": beta, "weights": [float(v) for v in w], "pooled": float((w * x).sum())})
    return {"rows": rows, "mean": float(x.mean()), "max": float(x.max())}


def _softmax_pool_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = [[Plain(fmt(r["beta"])), Plain(", ".join(f"{w:.3f}" for w in r["weights"])), f"{r['pooled']:.4f}"]
            for r in d["rows"]]
    return [Step(Msg("xp.softpool.title"),
                 text=Msg("xp.softpool.text", values=Plain(", ".join(fmt(v) for v in p["values"])),
                          mean=Plain(fmt(d["mean"])), max=Plain(fmt(d["max"]))),
                 math=[r"\operatorname{softpool}_\beta(x) = \sum_i \frac{e^{\beta x_i}}{\sum_j e^{\beta x_j}} x_i, \quad "
                       r"\beta = 0: \text{mean}, \quad \beta \to \infty: \max"],
                 table=Table([Plain("β"), Msg("xp.softpool.col.weights"), Msg("xp.softpool.col.pooled")], rows),
                 rule="explain.softmax_pool")]


def _softmax_pool_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _softmax_pool_run(p)
    pooled = [r["pooled"] for r in sorted(again["rows"], key=lambda r: r["beta"])]
    betas = sorted(p["betas"])
    monotone = all(b >= a - 1e-12 for a, b in zip(pooled, pooled[1:]))
    spread = d["max"] - min(p["values"])
    ends = ((betas[0] != 0 or abs(pooled[0] - again["mean"]) < 1e-12)
            and (betas[-1] * max(spread, 1e-9) < 20 or again["max"] - pooled[-1] < 1e-3 * max(spread, 1e-9) + 1e-12))
    return [_ok("torch", part, monotone and ends and _same(again, d), "xp.softpool.check")]


# ================================================================ matmul_1x1


def _matmul_1x1_run(p: dict[str, Any]) -> dict[str, Any]:
    ci, co, h, w = p["c_i"], p["c_o"], p["h"], p["w"]
    with seeded(p["seed"]):
        x = torch.randn(1, ci, h, w)
        k = torch.randn(co, ci, 1, 1)
    rows = []
    for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        xd, kd = x.to(dtype), k.to(dtype)
        conv = F.conv2d(xd, kd)
        w2, x2 = kd.reshape(co, ci), xd.reshape(ci, h * w)
        for order, mm in (("forward", w2 @ x2), ("reversed", w2.flip(1) @ x2.flip(0))):
            mm = mm.reshape(1, co, h, w)
            rows.append({"dtype": name, "order": order, "bitwise_equal": int((conv == mm).sum()), "total": conv.numel(),
                         "max_diff": float((conv - mm).abs().max()),
                         "allclose": bool(torch.allclose(conv, mm, rtol=1e-5, atol=1e-5))})
    return {"rows": rows}


def _matmul_1x1_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = [[Plain(r["dtype"]), Msg(f"xp.mm1x1.order.{r['order']}"), f"{r['bitwise_equal']:,} / {r['total']:,}",
             fmt(r["max_diff"]), Msg("xp.yes" if r["allclose"] else "xp.no")] for r in d["rows"]]
    return [Step(Msg("xp.mm1x1.title"),
                 text=Msg("xp.mm1x1.text", ci=p["c_i"], co=p["c_o"], h=p["h"], w=p["w"], seed=p["seed"]),
                 math=[r"Y_{:, i, j} = W X_{:, i, j} \quad \text{for every pixel, i.e.} \quad Y = W_{c_o \times c_i} "
                       r"\cdot X_{c_i \times hw}"],
                 table=Table([Msg("xp.col.dtype"), Msg("xp.mm1x1.col.order"), Msg("xp.mm1x1.col.equal"),
                              Msg("xp.col.maxdiff"), Plain("allclose")], rows),
                 rule="explain.matmul_1x1")]


def _matmul_1x1_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _matmul_1x1_run(p)
    f32 = max(r["max_diff"] for r in again["rows"] if r["dtype"] == "float32")
    f64 = max(r["max_diff"] for r in again["rows"] if r["dtype"] == "float64")
    ok = all(r["allclose"] for r in again["rows"]) and f64 <= 1e-9 * max(1, p["c_i"]) and _same(again, d)
    return [_ok("torch", part, ok, "xp.mm1x1.check", d32=Plain(fmt(f32)), d64=Plain(fmt(f64)))]


# ================================================================ im2col


def _im2col_run(p: dict[str, Any]) -> dict[str, Any]:
    ci, co, h, w, k, s, pad = p["c_i"], p["c_o"], p["h"], p["w"], p["k"], p["stride"], p["padding"]
    if (h + 2 * pad - k) < 0 or (w + 2 * pad - k) < 0:
        raise ExperimentError("the kernel is larger than the padded input", ("k",))
    with seeded(p["seed"]):
        x = torch.randn(1, ci, h, w, dtype=torch.float64)
        weight = torch.randn(co, ci, k, k, dtype=torch.float64)
    cols = F.unfold(x, k, padding=pad, stride=s)                       # [1, ci·k·k, h_o·w_o]
    conv = F.conv2d(x, weight, stride=s, padding=pad)
    ho, wo = conv.shape[-2:]
    y = (weight.reshape(co, -1) @ cols[0]).reshape(1, co, ho, wo)
    return {"cols": list(cols.shape[1:]), "weights": [co, ci * k * k], "out": [co, int(ho), int(wo)],
            "max_diff": float((y - conv).abs().max()), "allclose": bool(torch.allclose(y, conv, rtol=1e-12, atol=1e-12)),
            "blowup": cols[0].numel() / x.numel()}


def _im2col_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = [[Msg("xp.im2col.weights"), Plain(_shape(d["weights"]))],
            [Msg("xp.im2col.cols"), Plain(_shape(d["cols"]))],
            [Msg("xp.im2col.product"), Plain(f"{d['weights'][0]}×{d['cols'][1]} → {_shape(d['out'])}")],
            [Msg("xp.col.maxdiff"), fmt(d["max_diff"])],
            [Msg("xp.im2col.blowup"), fmt(d["blowup"])]]
    return [Step(Msg("xp.im2col.title"),
                 text=Msg("xp.im2col.text", ci=p["c_i"], co=p["c_o"], h=p["h"], w=p["w"], k=p["k"], s=p["stride"],
                          pad=p["padding"]),
                 math=[r"Y_{c_o \times (h_o w_o)} = W_{c_o \times (c_i k_h k_w)} \cdot "
                       r"\operatorname{im2col}(X)_{(c_i k_h k_w) \times (h_o w_o)}"],
                 table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")], rows),
                 rule="explain.im2col")]


def _im2col_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _im2col_run(p)
    return [_ok("torch", part, again["allclose"], "xp.im2col.check", diff=Plain(fmt(again["max_diff"])))]


# ================================================================ border_coverage


def _coverage(n: int, k: int, pad: int) -> list[list[int]]:
    """Windows (stride 1) covering each input pixel, counted with torch: a transposed conv of ones."""
    m = n + 2 * pad - k + 1
    full = F.conv_transpose2d(torch.ones(1, 1, m, m, dtype=torch.float64), torch.ones(1, 1, k, k, dtype=torch.float64))
    inner = full[0, 0, pad:pad + n, pad:pad + n]
    return [[int(v) for v in row] for row in inner]


def _border_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k = p["size"], p["kernel"]
    rows = []
    for pad in p["paddings"]:
        if n + 2 * pad < k:
            raise ExperimentError("the kernel is larger than the padded input", ("paddings",))
        cov = _coverage(n, k, pad)
        rows.append({"padding": pad, "out": n + 2 * pad - k + 1, "coverage": cov, "corner": cov[0][0],
                     "centre": cov[n // 2][n // 2]})
    return {"rows": rows}


def _border_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    n, k = p["size"], p["kernel"]
    math = [rf"p = {r['padding']}: \quad {tex.matrix(r['coverage'])}" for r in d["rows"]]
    rows = [[str(r["padding"]), Plain(f"{n}×{n} → {r['out']}×{r['out']}"), str(r["corner"]), str(r["centre"])]
            for r in d["rows"]]
    return [Step(Msg("xp.border.title"), text=Msg("xp.border.text", n=n, k=k), math=math,
                 table=Table([Msg("xp.col.padding"), Msg("xp.col.shape"), Msg("xp.border.col.corner"),
                              Msg("xp.border.col.centre")], rows),
                 rule="explain.border_coverage")]


def _border_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    n, k = p["size"], p["kernel"]
    ok = True
    for r in d["rows"]:
        pad, m = r["padding"], r["out"]
        count = [[sum(1 for a in range(m) for b in range(m) if a - pad <= i < a - pad + k and b - pad <= j < b - pad + k)
                  for j in range(n)] for i in range(n)]
        ok = ok and count == r["coverage"]
    return [_ok("torch", part, ok, "xp.border.check")]


# ================================================================ shift_equivariance


def _shift_run(p: dict[str, Any]) -> dict[str, Any]:
    n, k, (dy, dx) = p["size"], p["kernel"], p["shift"]
    with seeded(p["seed"]):
        x = torch.randn(1, 1, n, n, dtype=torch.float64)
        w = torch.randn(1, 1, k, k, dtype=torch.float64)

    def conv(t: torch.Tensor) -> torch.Tensor:
        return F.conv2d(F.pad(t, (k // 2,) * 4, mode="circular"), w)

    def shift(t: torch.Tensor) -> torch.Tensor:
        return torch.roll(t, (dy, dx), dims=(2, 3))
    a, b = conv(shift(x)), shift(conv(x))
    fa, fb = conv(x), conv(shift(x))
    pos_a, pos_b = divmod(int(fa.flatten().argmax()), fa.shape[-1]), divmod(int(fb.flatten().argmax()), fb.shape[-1])
    return {"max_diff": float((a - b).abs().max()), "pooled": [float(fa.amax()), float(fb.amax())],
            "argmax": [list(pos_a), list(pos_b)]}


def _shift_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    (dy, dx) = p["shift"]
    rows = [[Msg("xp.shift.equi"), fmt(d["max_diff"])],
            [Msg("xp.shift.argmax"), Plain(f"{tuple(d['argmax'][0])} → {tuple(d['argmax'][1])}")],
            [Msg("xp.shift.pooled"), Plain(f"{d['pooled'][0]:.6f} / {d['pooled'][1]:.6f}")]]
    return [Step(Msg("xp.shift.title"), text=Msg("xp.shift.text", n=p["size"], k=p["kernel"], dy=dy, dx=dx),
                 math=[r"\operatorname{conv}(T_\delta X) = T_\delta \operatorname{conv}(X), \quad "
                       r"\max_{i,j} \operatorname{conv}(T_\delta X)_{ij} = \max_{i,j} \operatorname{conv}(X)_{ij}"],
                 table=Table([Msg("xp.col.quantity"), Msg("xp.col.value")], rows),
                 rule="explain.shift_equivariance")]


def _shift_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _shift_run(p)
    n = p["size"]
    moved = [(again["argmax"][0][0] + p["shift"][0]) % n, (again["argmax"][0][1] + p["shift"][1]) % n]
    ok = again["max_diff"] < 1e-12 and abs(again["pooled"][0] - again["pooled"][1]) < 1e-12 and moved == again["argmax"][1]
    return [_ok("torch", part, ok, "xp.shift.check")]


# ================================================================ init_compare


INITS = ("zeros", "constant", "normal", "xavier", "he")


def _init_run(p: dict[str, Any]) -> dict[str, Any]:
    depth, width, batch = p["depth"], p["width"], p["batch"]
    rows = []
    for kind in p["inits"]:
        with seeded(p["seed"]):
            layers = [nn.Linear(width, width) for _ in range(depth)]
            for layer in layers:
                if kind == "zeros":
                    nn.init.zeros_(layer.weight)
                elif kind == "constant":
                    nn.init.constant_(layer.weight, 0.05)
                elif kind == "normal":
                    nn.init.normal_(layer.weight, 0.0, 1.0)
                elif kind == "xavier":
                    nn.init.xavier_normal_(layer.weight)
                else:
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
            head = nn.Linear(width, 1)
            x, y = torch.randn(batch, width), torch.randn(batch, 1)
        h = x
        for layer in layers:
            h = torch.relu(layer(h))
        ((head(h) - y) ** 2).mean().backward()
        g = layers[0].weight.grad
        rows.append({"init": kind, "std": float(h.std()), "grad": float(g.norm()),
                     "distinct": int(torch.unique(g, dim=0).shape[0])})
    return {"rows": rows}


def _init_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    n = p["width"]
    rows = [[Msg(f"xp.init.{r['init']}"), fmt(r["std"]), fmt(r["grad"]), str(r["distinct"])] for r in d["rows"]]
    return [Step(Msg("xp.init.title"),
                 text=Msg("xp.init.text", depth=p["depth"], width=n, batch=p["batch"], seed=p["seed"]),
                 math=[r"\operatorname{Var}(h_l) \approx \frac{n_{in} \operatorname{Var}(W)}{2} \operatorname{Var}(h_{l-1})"
                       r" \quad \text{(ReLU keeps half of the signal)}",
                       rf"\text{{Xavier: }} \operatorname{{Var}}(W) = \frac{{2}}{{n_{{in}} + n_{{out}}}} = "
                       rf"\frac{{2}}{{{2 * n}}} \Rightarrow \text{{factor }} \frac{{1}}{{2}} \text{{ per layer}}",
                       rf"\text{{He: }} \operatorname{{Var}}(W) = \frac{{2}}{{n_{{in}}}} = \frac{{2}}{{{n}}} \Rightarrow "
                       r"\text{factor } 1 \text{ per layer}"],
                 table=Table([Msg("xp.col.init"), Msg("xp.init.col.std"), Msg("xp.init.col.grad"),
                              Msg("xp.init.col.distinct")], rows),
                 rule="explain.init_compare")]


def _init_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _init_run(p)
    by = {r["init"]: r for r in again["rows"]}
    ok = _same(again, d)
    if "zeros" in by:
        ok = ok and by["zeros"]["grad"] == 0 and by["zeros"]["distinct"] == 1
    if "constant" in by:
        ok = ok and by["constant"]["distinct"] == 1
    if "he" in by and p["depth"] >= 6:
        ok = ok and 0.1 <= by["he"]["std"] <= 10
        if "xavier" in by:
            ok = ok and by["xavier"]["std"] < by["he"]["std"] / 4
        if "normal" in by and p["width"] >= 32:
            ok = ok and (not math.isfinite(by["normal"]["grad"]) or by["normal"]["grad"] > 1e3 * by["he"]["grad"])
    return [_ok("torch", part, ok, "xp.init.check")]


# ================================================================ weight_sharing


def _sharing_run(p: dict[str, Any]) -> dict[str, Any]:
    ci, co, h, w, k, pad = p["c_i"], p["c_o"], p["h"], p["w"], p["k"], p["padding"]
    try:
        conv = _analyse((ci, h, w), [{"type": "Conv2d", "out_channels": co, "kernel_size": k, "padding": pad}])
    except Exception as exc:
        raise ExperimentError(getattr(exc, "message", str(exc)), ("k",)) from None
    _, ho, wo = conv.output_shape()
    dense = _analyse((ci, h, w), [{"type": "Flatten"}, {"type": "Linear", "out_features": co * ho * wo}])
    positions = ho * wo
    local = positions * (co * ci * k * k + co)
    # a locally connected layer whose weights are all copies of one kernel is the convolution
    with seeded(p["seed"]):
        layer = nn.Conv2d(ci, co, k, padding=pad)
        x = torch.randn(1, ci, h, w)
    cols = F.unfold(x, k, padding=pad)                                  # [1, ci·k·k, positions]
    tied = layer.weight.reshape(co, -1).unsqueeze(0).expand(positions, co, ci * k * k)
    y_local = torch.einsum("pok,kp->op", tied, cols[0]) + layer.bias[:, None]
    y_conv = layer(x).reshape(co, positions)
    return {"out": [co, ho, wo], "conv": conv.layers[0].params, "local": local,
            "dense": dense.layers[1].params, "positions": positions,
            "tied_diff": float((y_local - y_conv).abs().max())}


def _sharing_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    ci, co, k = p["c_i"], p["c_o"], p["k"]
    rows = [[Msg("xp.share.conv"), f"{d['conv']:,}", "1"],
            [Msg("xp.share.local"), f"{d['local']:,}", ratio(d["local"] / d["conv"])],
            [Msg("xp.share.dense"), f"{d['dense']:,}", ratio(d["dense"] / d["conv"])]]
    return [Step(Msg("xp.share.title"),
                 text=Msg("xp.share.text", ci=ci, h=p["h"], w=p["w"], co=co, k=k, out=Plain(_shape(d["out"])),
                          diff=Plain(fmt(d["tied_diff"]))),
                 math=[rf"\text{{conv: }} c_o (c_i k^2 + 1) = {co} \cdot ({ci} \cdot {k * k} + 1) = {tex.num(d['conv'])}",
                       rf"\text{{locally connected: }} h_o w_o \cdot c_o (c_i k^2 + 1) = {tex.num(d['positions'])} \cdot "
                       rf"{tex.num(d['conv'])} = {tex.num(d['local'])}",
                       rf"\text{{dense: }} (c_i h w + 1) \cdot c_o h_o w_o = {tex.num(d['dense'])}"],
                 table=Table([Msg("xp.col.layer"), Msg("xp.col.params"), Msg("xp.col.ratio")], rows),
                 rule="explain.weight_sharing")]


def _sharing_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    ci, co, k, (_, ho, wo) = p["c_i"], p["c_o"], p["k"], d["out"]
    with torch.device("meta"):
        conv = nn.Conv2d(ci, co, k, padding=p["padding"])
        dense = nn.Linear(ci * p["h"] * p["w"], co * ho * wo)
    again = _sharing_run(p)
    ok = _count(conv) == d["conv"] and _count(dense) == d["dense"] and again["tied_diff"] < 1e-4
    return [_ok("torch", part, ok, "xp.share.check", diff=Plain(fmt(again["tied_diff"])))]


# ================================================================ networks


def _networks_read(ex: Any, raw: dict[str, Any], path: tuple) -> dict[str, Any]:
    from ..errors import InputError
    from ..network.solve import _read_network
    for key in raw:
        if key not in ("networks", "show"):
            raise ExperimentError(f"unknown parameter '{key}'; known: networks, show", (key,))
    nets = raw.get("networks")
    if not isinstance(nets, dict) or not nets or len(nets) > 8:
        raise ExperimentError("networks must map 1 to 8 names to {input_shape, layers, label}", ("networks",))
    show = raw.get("show", ["output_shape", "params", "macs", "receptive_field"])
    allowed = ("output_shape", "params", "macs", "receptive_field")
    if not isinstance(show, list) or not show or not all(s in allowed for s in show):
        raise ExperimentError(f"show is a list of {', '.join(allowed)}", ("show",))
    from ..network.analysis import analyse
    parsed = {}
    for name, net_raw in nets.items():
        net = _read_network(ex, str(name), net_raw, path + ("networks", name))
        try:
            analysis = analyse(net.input_shape, net.layers)
        except InputError as exc:
            where = getattr(exc, "path", None)
            raise ex.error(exc.message, tuple(where) if where else path + ("networks", name)) from None
        parsed[str(name)] = (net, analysis)
    return {"nets": parsed, "show": show}


def _networks_run(p: dict[str, Any]) -> dict[str, Any]:
    rows = {}
    for name, (net, an) in p["nets"].items():
        last_rf = next((la.rf for la in reversed(an.layers) if la.rf is not None and la.rf_undefined is None), None)
        rows[name] = {"shape": list(an.output_shape()), "params": sum(la.params for la in an.layers),
                      "macs": sum(la.macs for la in an.layers), "rf": list(last_rf) if last_rf else None,
                      "layers": [la.layer.label() for la in an.layers], "input": list(net.input_shape)}
    return {"rows": rows}


_NET_COLS = {"output_shape": "xp.col.output", "params": "xp.col.params", "macs": "xp.col.macs",
             "receptive_field": "xp.col.rf"}


def _networks_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = []
    for name, r in d["rows"].items():
        net = p["nets"][name][0]
        cells: list[Any] = [net.label or Plain(name), Plain(" → ".join([_shape(r["input"])] + r["layers"]))]
        for col in p["show"]:
            if col == "output_shape":
                cells.append(Plain(_shape(r["shape"])))
            elif col == "params":
                cells.append(f"{r['params']:,}")
            elif col == "macs":
                cells.append(f"{r['macs']:,}")
            else:
                cells.append(Plain(_shape(r["rf"]) if r["rf"] else "—"))
        rows.append(cells)
    return [Step(Msg("xp.nets.title"), text=Msg("xp.nets.text"),
                 table=Table([Msg("xp.col.network"), Msg("xp.col.layers")] + [Msg(_NET_COLS[c]) for c in p["show"]],
                             rows),
                 rule="explain.networks")]


def _networks_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    checks = []
    for name, r in d["rows"].items():
        net, an = p["nets"][name]
        big = r["params"] > 20_000_000 or max(math.prod(la.out_shape) for la in an.layers) > 20_000_000
        model = _torch_model(an, "meta" if big else "cpu").eval()
        with torch.device("meta" if big else "cpu"):
            x = torch.zeros((2,) + tuple(net.input_shape))
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            y = model(x)
        ok = (list(y.shape[1:]) == r["shape"] and _count(model) == r["params"]
              and int(counter.get_total_flops()) // 4 == r["macs"])
        checks.append(_ok("torch", part, ok, "xp.nets.check", name=net.label or Plain(name), params=_count(model),
                          shape=Plain(_shape(y.shape[1:]))))
    return checks


# ================================================================ the table of experiments


def _need(ok: bool, message: str, path: tuple) -> None:
    if not ok:
        raise ExperimentError(message, path)


def _small(count: int, path: tuple) -> None:
    _need(count <= BUDGET_ELEMENTS, f"too large for a quick experiment ({count:,} elements; limit {BUDGET_ELEMENTS:,})",
          path)


def _matmul_validate(p: dict[str, Any]) -> None:
    _small(max(p["c_i"], p["c_o"]) * p["h"] * p["w"], ("h",))


def _im2col_validate(p: dict[str, Any]) -> None:
    _need(p["k"] <= min(p["h"], p["w"]) + 2 * p["padding"], "the kernel is larger than the padded input", ("k",))
    _small(p["c_i"] * p["k"] ** 2 * (p["h"] + 2 * p["padding"]) * (p["w"] + 2 * p["padding"]), ("h",))


def _sharing_validate(p: dict[str, Any]) -> None:
    _need(p["k"] <= min(p["h"], p["w"]) + 2 * p["padding"], "the kernel is larger than the padded input", ("k",))
    _small(p["h"] * p["w"] * p["c_o"] * p["c_i"] * p["k"] ** 2, ("h",))




class Experiment:
    def __init__(self, name: str, params: dict[str, Param], run: Callable, steps: Callable, checks: Callable,
                 validate: Callable | None = None, read: Callable | None = None) -> None:
        self.name, self.params, self.run, self.steps, self.checks = name, params, run, steps, checks
        self.validate, self.read = validate, read


_SEED = Param("int", 0, 0, 2**31 - 1)
_CONV_CFG = {"label": Param("label"), "c_i": Param("int", 16, 1, 4096), "c_o": Param("int", 32, 1, 4096),
             "h": Param("int", 32, 1, 4096), "w": Param("int", 32, 1, 4096), "k": Param("pair", 3, 1, 64),
             "p": Param("pair", 0, 0, 64), "s": Param("pair", 1, 1, 64)}
_POOL_CFG = {"label": Param("label"), "c": Param("int", 64, 1, 4096), "h": Param("int", 32, 1, 4096),
             "w": Param("int", 32, 1, 4096), "k": Param("pair", 2, 1, 64), "s": Param("pair", None, 1, 64),
             "p": Param("pair", 0, 0, 32)}

EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in [
    Experiment("resnet_gradients",
               {"depths": Param("ints", [4, 8, 16, 32, 64], 2, 128), "width": Param("int", 32, 2, 256),
                "activation": Param("choice", "relu", choices=("relu", "tanh")), "batch": Param("int", 64, 1, 512),
                "seed": _SEED},
               _resnet_run, _resnet_steps, _resnet_checks, _resnet_validate),
    Experiment("textcnn",
               {"vocab": Param("int", 30, 4, 5000), "seq_len": Param("int", 16, 4, 128),
                "embed_dim": Param("int", 16, 1, 256), "filters": Param("int", 8, 1, 128),
                "kernel_sizes": Param("ints", [3, 4, 5], 1, 128, max_len=6), "dropout": Param("float", 0.5, 0, 0.9),
                "train": Param("int", 512, 16, 8192), "test": Param("int", 256, 16, 4096),
                "steps": Param("int", 120, 1, 2000), "batch": Param("int", 64, 1, 1024),
                "lr": Param("float", 0.01, 1e-6, 1.0), "margin": Param("float", 0.2, 0, 0.5),
                "baseline": Param("bool", True), "seed": _SEED},
               _textcnn_run, _textcnn_steps, _textcnn_checks, _textcnn_validate),
    Experiment("conv_cost",
               {"configs": Param("configs", [{}], sub=_CONV_CFG),
                "show": Param("choices", ["macs"], choices=("macs", "memory", "backward"), max_len=3)},
               _conv_cost_run, _conv_cost_steps, _conv_cost_checks),
    Experiment("pool_as_conv",
               {"channels": Param("int", 3, 1, 64), "size": Param("int", 6, 1, 256), "window": Param("int", 2, 1, 16),
                "stride": Param("int", None, 1, 16), "padding": Param("int", 0, 0, 8), "seed": _SEED},
               _pool_as_conv_run, _pool_as_conv_steps, _pool_as_conv_checks,
               lambda p: (_need(2 * p["padding"] <= p["window"] and p["window"] <= p["size"] + 2 * p["padding"],
                                "the window must fit the padded input and padding be at most half the window",
                                ("padding",)), _small(p["channels"] * p["size"] ** 2, ("size",)))),
    Experiment("pool_linearity",
               {"size": Param("int", 4, 1, 32), "window": Param("int", 2, 1, 8), "trials": Param("int", 200, 1, 2000),
                "seed": _SEED},
               _pool_linearity_run, _pool_linearity_steps, _pool_linearity_checks,
               lambda p: _need(p["window"] <= p["size"], "window must not exceed size", ("window",))),
    Experiment("pool_cost",
               {"configs": Param("configs", [{}], sub=_POOL_CFG)},
               _pool_cost_run, _pool_cost_steps, _pool_cost_checks),
    Experiment("pool_gradients",
               {"size": Param("int", 4, 2, 12), "window": Param("int", 2, 2, 6), "seed": _SEED},
               _pool_gradients_run, _pool_gradients_steps, _pool_gradients_checks,
               lambda p: _need(p["size"] % p["window"] == 0, "size must be a multiple of window", ("size",))),
    Experiment("softmax_pool",
               {"values": Param("floats", [0.5, 1.0, 2.0, 4.0], -1e3, 1e3, max_len=16),
                "betas": Param("floats", [0, 0.5, 1, 2, 5, 20, 100], 0, 1e4, max_len=12)},
               _softmax_pool_run, _softmax_pool_steps, _softmax_pool_checks),
    Experiment("matmul_1x1",
               {"c_i": Param("int", 64, 1, 1024), "c_o": Param("int", 32, 1, 1024), "h": Param("int", 16, 1, 256),
                "w": Param("int", 16, 1, 256), "seed": _SEED},
               _matmul_1x1_run, _matmul_1x1_steps, _matmul_1x1_checks, _matmul_validate),
    Experiment("im2col",
               {"c_i": Param("int", 3, 1, 64), "c_o": Param("int", 4, 1, 64), "h": Param("int", 6, 1, 128),
                "w": Param("int", 6, 1, 128), "k": Param("int", 3, 1, 16), "stride": Param("int", 1, 1, 8),
                "padding": Param("int", 0, 0, 8), "seed": _SEED},
               _im2col_run, _im2col_steps, _im2col_checks, _im2col_validate),
    Experiment("border_coverage",
               {"size": Param("int", 6, 1, 16), "kernel": Param("int", 3, 1, 9),
                "paddings": Param("ints", [0, 1], 0, 8, max_len=4)},
               _border_run, _border_steps, _border_checks),
    Experiment("shift_equivariance",
               {"size": Param("int", 12, 3, 128), "kernel": Param("int", 3, 1, 15), "shift": Param("pair", [2, 3], 0, 127),
                "seed": _SEED},
               _shift_run, _shift_steps, _shift_checks,
               lambda p: _need(p["kernel"] % 2 == 1 and p["kernel"] <= p["size"],
                               "kernel must be odd and at most size", ("kernel",))),
    Experiment("init_compare",
               {"depth": Param("int", 12, 1, 64), "width": Param("int", 128, 2, 1024), "batch": Param("int", 64, 2, 1024),
                "inits": Param("choices", list(INITS), choices=INITS, max_len=5), "seed": _SEED},
               _init_run, _init_steps, _init_checks),
    Experiment("weight_sharing",
               {"c_i": Param("int", 3, 1, 64), "c_o": Param("int", 16, 1, 256), "h": Param("int", 32, 1, 128),
                "w": Param("int", 32, 1, 128), "k": Param("int", 3, 1, 15), "padding": Param("int", 1, 0, 7),
                "seed": _SEED},
               _sharing_run, _sharing_steps, _sharing_checks, _sharing_validate),
    Experiment("networks", {}, _networks_run, _networks_steps, _networks_checks, read=_networks_read),
]}


def read(name: str, raw: dict[str, Any], ex: Any = None, path: tuple = ()) -> dict[str, Any]:
    """Validated parameters of experiment ``name`` (``raw`` without the ``name`` and ``part`` keys)."""
    exp = EXPERIMENTS[name]
    if exp.read is not None:
        return exp.read(ex, raw, path)
    params = read_params(exp.params, raw)
    if exp.validate is not None:
        exp.validate(params)
    return params


def run(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run experiment ``name``: a dict of plain numbers (the same parameters and seed give the same dict)."""
    import warnings
    with warnings.catch_warnings(), one_thread():
        warnings.simplefilter("ignore")
        return EXPERIMENTS[name].run(params)


def steps(name: str, params: dict[str, Any], data: dict[str, Any]) -> list[Step]:
    return EXPERIMENTS[name].steps(params, data)


def checks(name: str, params: dict[str, Any], data: dict[str, Any], part: str) -> list[Check]:
    import warnings
    with warnings.catch_warnings(), one_thread():
        warnings.simplefilter("ignore")
        return EXPERIMENTS[name].checks(params, data, part)
