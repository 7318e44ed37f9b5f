"""``textcnn``: a TextCNN (shapes/params from the network solver) trained on generated sentences: the loss falls,
accuracy beats chance and a bag-of-words baseline (24.7)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")
nn = lazy("torch.nn")

from ... import latex as tex
from ...i18n import Count, Msg, Plain
from ...steps import Check, Step, Table
if TYPE_CHECKING:                                       # torch only at run time
    from .textcnn_models import TextCNN
from ...values import shape_text
from .common import BUDGET_TRAIN, Experiment, ExperimentError, Param, _SEED, _analyse, _count, _ok, _pct, _torch_model, fmt, seeded


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


def build_textcnn(p: dict[str, Any]) -> tuple[TextCNN, list[Any], Any]:
    """The model from the network solver's layers, with the analyses (branches, head)."""
    branches, head = textcnn_layers(p)
    b_an = [_analyse((p["embed_dim"], p["seq_len"]), b) for b in branches]
    width = sum(a.output_shape()[0] for a in b_an)
    h_an = _analyse((width,), head)
    from .textcnn_models import TextCNN
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

    def step(self) -> None:
        with torch.no_grad():
            self._step()

    def _step(self) -> None:
        """m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², q ← q − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε), for every
        parameter with a gradient at once (``torch._foreach_*``: the same element-wise operations, one call each
        instead of one per parameter)."""
        self.t += 1
        b1, b2 = self.betas
        live = [(q, m, v) for q, m, v in zip(self.params, self.m, self.v) if q.grad is not None]
        if not live:
            return
        qs, ms, vs = (list(t) for t in zip(*live))
        grads = [q.grad for q in qs]
        torch._foreach_mul_(ms, b1)
        torch._foreach_add_(ms, grads, alpha=1 - b1)
        torch._foreach_mul_(vs, b2)
        torch._foreach_addcmul_(vs, grads, grads, value=1 - b2)
        top = torch._foreach_mul(torch._foreach_div(ms, 1 - b1 ** self.t), self.lr)
        bottom = torch._foreach_add(torch._foreach_sqrt(torch._foreach_div(vs, 1 - b2 ** self.t)), self.eps)
        torch._foreach_sub_(qs, torch._foreach_div(top, bottom))


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
            from .textcnn_models import BagOfWords
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
    rows: list[list[Any]] = [[Plain(f"Embedding({p['vocab']}→{dim})"), Plain(f"{dim}×{L}"), Count(d['embedding_params'])]]
    for k, b in zip(p["kernel_sizes"], d["branches"]):
        for label, shape, params in zip(b["layers"], b["shapes"], b["params"]):
            rows.append([Plain(f"[k={k}] {label}"), Plain(shape_text(shape)), Count(params)])
    width = sum(b["shapes"][-1][0] for b in d["branches"])
    rows.append([Msg("xp.textcnn.concat"), Plain(str(width)), Count(0)])
    for label, shape, params in zip(d["head"]["layers"], d["head"]["shapes"], d["head"]["params"]):
        rows.append([Plain(label), Plain(shape_text(shape)), Count(params)])
    rows.append([Msg("xp.col.total"), Plain(""), Count(d['params'])])
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


EXPERIMENT = Experiment("textcnn",
           {"vocab": Param("int", 30, 4, 5000), "seq_len": Param("int", 16, 4, 128),
            "embed_dim": Param("int", 16, 1, 256), "filters": Param("int", 8, 1, 128),
            "kernel_sizes": Param("ints", [3, 4, 5], 1, 128, max_len=6), "dropout": Param("float", 0.5, 0, 0.9),
            "train": Param("int", 512, 16, 8192), "test": Param("int", 256, 16, 4096),
            "steps": Param("int", 120, 1, 2000), "batch": Param("int", 64, 1, 1024),
            "lr": Param("float", 0.01, 1e-6, 1.0), "margin": Param("float", 0.2, 0, 0.5),
            "baseline": Param("bool", True), "seed": _SEED},
           _textcnn_run, _textcnn_steps, _textcnn_checks, _textcnn_validate)


def __getattr__(name: str) -> Any:
    """``TextCNN`` and ``BagOfWords`` subclass ``nn.Module``: they live in :mod:`.textcnn_models`, imported on use."""
    if name in ("TextCNN", "BagOfWords"):
        from . import textcnn_models
        return getattr(textcnn_models, name)
    raise AttributeError(name)
