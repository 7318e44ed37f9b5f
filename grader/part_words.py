"""Parts named by the question's words: ``参数量：4640``, ``receptive field after layer 2: 5``, ``R_3 = 7``.

Students rarely write a part's id; they write what the question asks, in English or Chinese. A label that is not
a part id is read here, in three steps, each on the exercise's own ``ask`` list (never on the student's text alone):

1. **Quantity.** The label's words name a quantity (table :data:`WORDS`: 参数量/parameters → ``params``,
   感受野/receptive field/R → ``receptive_field``, …); the longest word found wins (乘加次数 before 次数).
   Only parts of that quantity remain. No quantity word: not a part (the line is prose).
2. **Distinguishing words.** A layer number (第 2 层, layer 2, R_2, J3) keeps the parts asked at that layer — the
   last layer of a flat network is the network itself; a part's own words (its ``at`` layer name such as
   ``depthwise`` or ``conv2``, its network's key or label words such as ``1×1``, ``standard``/标准,
   ``separable``/可分离) keep the parts they name; 总/total keeps the parts asked of the whole network.
3. **Order.** Of what remains, the first part not yet answered on the sheet, in the order asked — the way a
   teacher reads a sheet that answers the questions in turn. Several parts left: the reading is noted. Moving
   past an answered part takes a line that starts a new item (``2.``, ``(2)``, ``-``); otherwise a second
   "参数：…" is the working of the first.

>>> from types import SimpleNamespace as P
>>> ask = [P(id="params", quantity="params", options={"network": "k3"}),
...        P(id="params_1x1", quantity="params", options={"network": "k1"}),
...        P(id="rf_2", quantity="receptive_field", options={"at": 2}),
...        P(id="rf", quantity="receptive_field", options={})]
>>> resolve("参数量", ask, set(), {"k1": "1×1 convolution"}, 3)
('params', True)
>>> resolve("1×1 卷积的参数量", ask, set(), {"k1": "1×1 convolution"}, 3)
('params_1x1', False)
>>> resolve("参数量", ask, {"params"}, {}, 3), resolve("R_2", ask, set(), {}, 3), resolve("R_3", ask, set(), {}, 3)
(('params_1x1', True), ('rf_2', False), ('rf', False))
>>> resolve("参数量", ask, {"params"}, {}, 3, later_ok=False) is None
True
>>> resolve("explanation", ask, set(), {}, 3) is None
True
"""
from __future__ import annotations

import re
from typing import Any, Iterable

# quantity → the words a student uses for it (lower case; Chinese and English). A word here must name that
# quantity and no other: 计算量 (amount of computation) is FLOPs in the course's homework.
WORDS: dict[str, tuple[str, ...]] = {
    "output_shape": ("输出形状", "输出尺寸", "输出大小", "输出的形状", "输出的尺寸", "输出维度", "特征图大小", "特征图尺寸",
                     "output shape", "output size", "shape of the output", "shape", "形状", "尺寸"),
    "params": ("参数量", "参数个数", "参数数量", "参数总数", "参数数目", "参数", "可训练参数", "number of parameters",
               "parameter count", "parameters", "params", "param", "#params", "weights"),
    "macs": ("乘加次数", "乘加运算次数", "乘加运算", "乘累加次数", "乘累加", "乘加", "multiply-accumulates",
             "multiply–accumulates", "multiply accumulates", "mult-adds", "macs", "mac"),
    "flops": ("浮点运算次数", "浮点运算量", "浮点运算", "浮点操作数", "计算量", "floating-point operations",
              "floating point operations", "flops", "flop"),
    "receptive_field": ("感受野", "receptive field", "rf"),
    "jump": ("跳步", "等效步幅", "有效步幅", "累积步幅", "总步幅", "effective stride", "jump"),
    "ratio": ("之比", "比值", "倍数", "减少了", "ratio", "times fewer", "fold"),
    "params_difference": ("之差", "相差", "差值", "多出", "difference"),
    "init_variance": ("方差", "variance", "var"),
    "init_std": ("标准差", "standard deviation", "std"),
    "init_bound": ("均匀分布的边界", "边界", "上界", "区间", "bound", "limit"),
    "activation_variance": ("激活值的方差", "激活方差", "activation variance"),
    "dropout_mean": ("期望", "均值", "expectation", "expected value", "mean"),
    "loss": ("损失", "交叉熵", "loss", "cross-entropy", "cross entropy"),
}
# a named value (an LSTM/GRU gate, an MLP's forward value or gradient, an optimiser's state) by its symbol or words:
# f_t, C̃, 遗忘门, ∂J/∂W1 …  (option ``name`` of the part; the symbol's subscript t or step is dropped)
NAMES: dict[str, tuple[str, ...]] = {
    "f": ("遗忘门", "forget gate"), "i": ("输入门", "input gate"), "o": ("输出门", "output gate"),
    "c_tilde": ("候选记忆", "候选细胞状态", "候选状态", "候选值", "candidate cell", "candidate"),
    "c": ("细胞状态", "记忆细胞", "记忆单元", "cell state"), "h": ("隐状态", "隐藏状态", "hidden state"),
    "r": ("重置门", "reset gate"), "z": ("更新门", "update gate"),
    "h_tilde": ("候选隐状态", "候选隐藏状态", "candidate hidden state"),
}
_SYMBOL = re.compile(r"^\\?(?P<base>[a-z])(?P<tilde>\u0303|~|_?tilde|\s+tilde)?(?:_?\{?(?:t|1|\(t\))\}?)?"
                     r"(?P<tilde2>\u0303|~)?(?![a-z0-9_])", re.I)
# a bare letter with a layer number: R_3 / R3 is a receptive field, J_3 a jump
LETTERS = {"r": "receptive_field", "j": "jump"}
TOTAL = ("总", "全部", "整个网络", "total", "whole network", "overall")
_LAYER = re.compile(r"第\s*(\d{1,3})\s*层|layer\s*(\d{1,3})|\b[rj]\s*_?\s*\{?(\d{1,3})\}?(?![\d.])|\bl\s*=\s*(\d{1,3})",
                    re.I)
_LETTER = re.compile(r"^\s*([rj])\s*_?\s*\{?(\d{1,3})\}?\s*$|^\s*([rj])\s*\(\s*(\d{1,3})\s*\)\s*$", re.I)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("×", "x").replace("（", "(").replace("）", ")")).strip()


def quantity_of(label: str) -> str | None:
    """The quantity a label's words name (the longest word found), or None.

    >>> quantity_of("1×1 卷积的乘加次数"), quantity_of("Number of parameters"), quantity_of("R_2"), quantity_of("说明")
    ('macs', 'params', 'receptive_field', None)
    """
    text = _norm(label)
    letter = _LETTER.match(text)
    if letter:
        return LETTERS[(letter.group(1) or letter.group(3)).lower()]
    best: tuple[int, str] | None = None
    for quantity, words in WORDS.items():
        for word in words:
            if _contains(text, word) and (best is None or len(word) > best[0]):
                best = (len(word), quantity)
    return best[1] if best else None


def _contains(text: str, word: str) -> bool:
    if re.fullmatch(r"[#a-z][a-z\- –]*", word):          # an English word: whole words only (rf, not "rfc")
        return re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", text) is not None
    return word in text


def layer_number(label: str) -> int | None:
    """The layer a label names by number: 第 2 层, layer 2, R_2, J3 (None if none)."""
    m = _LAYER.search(_norm(label))
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def _words_of(part: Any, network_labels: dict[str, str]) -> list[str]:
    """The words that single a part out among parts of the same quantity: its layer name, its network's key and
    label words (``1×1``, ``standard``, 标准 …)."""
    opts = part.options or {}
    words = []
    if isinstance(opts.get("at"), str):
        words.append(_norm(opts["at"]))
    net = opts.get("network")
    if isinstance(net, str):
        words.append(_norm(net))
        label = network_labels.get(net, "")
        words += [w for w in re.split(r"[\s,;:()“”\"'·、，]+", _norm(label)) if len(w) >= 2 and w not in
                  ("convolution", "conv", "卷积", "layer", "the", "of", "network", "网络")]
    return words


_SYNONYMS = {"standard": ("标准", "普通"), "separable": ("可分离",), "depthwise": ("深度卷积", "逐通道"),
             "pointwise": ("逐点", "1x1 卷积"), "k1": ("1x1",), "k3": ("3x3",),
             "textbook": ("教材", "书中", "书上", "课本", "one bias"), "pytorch": ("torch",),
             "xavier": ("glorot",), "he": ("kaiming", "何恺明"), "pytorch_default": ("默认", "default"),
             "d2l": ("d2l",), "difference": ("差", "difference")}
_OPTION_WORDS = ("at", "network", "scheme", "convention", "form")


def _by_words(parts: list[Any], text: str) -> list[Any]:
    """Of several parts, those the label's words single out by their options (scheme, convention, form); all of
    them when it names none."""
    hits = [p for p in parts if any(_option_named(v, text) for k, v in (p.options or {}).items()
                                    if k in ("scheme", "convention", "form") and isinstance(v, str))]
    if not hits and any(isinstance((p.options or {}).get("scaled"), bool) for p in parts):
        unscaled = re.search(r"不缩放|未缩放|没有缩放|不除以|unscaled|without (the )?scaling|no scaling", text)
        scaled = re.search(r"缩放|除以|scaled|inverted|with (the )?scaling", text)
        if unscaled or scaled:
            hits = [p for p in parts if (p.options or {}).get("scaled") is (not unscaled)]
    if not hits:
        plain = [p for p in parts if not any(k in (p.options or {}) for k in ("form",))]
        return plain or parts
    return hits


def _option_named(value: str, text: str) -> bool:
    word = _norm(value)
    if re.fullmatch(r"[a-z_]+", word) and re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", text):
        return True
    return any(s in text for s in _SYNONYMS.get(word, ()))


def _named(part: Any, text: str, network_labels: dict[str, str]) -> bool:
    for word in _words_of(part, network_labels):
        if word in text or any(s in text for s in _SYNONYMS.get(word, ())):
            return True
    return False


def _layer_named(part: Any, text: str) -> bool:
    at = (part.options or {}).get("at")
    if not isinstance(at, str):
        return False
    return _norm(at) in text or any(s in text for s in _SYNONYMS.get(_norm(at), ()))


def _named_value(label: str, ask: list[Any]) -> list[Any]:
    """Parts whose option ``name`` the label writes as a symbol (f_t, C̃_t, h) or in words (遗忘门, reset gate)."""
    text = _norm(label)
    named = [p for p in ask if isinstance((p.options or {}).get("name"), str)]
    if not named:
        return []
    plain = text.replace("\\tilde{", "").replace("}", "") if "\\tilde{" in text else text
    keys: list[str] = []
    grad = re.search(r"[∂d]\s*[jl]\s*/\s*[∂d]\s*([a-z]\d?)", plain)
    if grad:                                     # ∂J/∂W2, dJ/dz: the gradient with respect to that name
        hits = [p for p in named if p.quantity == "grad" and p.options["name"].lower() == grad.group(1)]
        if hits:
            return hits
    for token in [plain] + plain.split(" ")[1:] + plain.split(" ")[:1]:
        symbol = _SYMBOL.match(token)
        if symbol:
            base = symbol.group("base")
            tilde = symbol.group("tilde") or symbol.group("tilde2")
            keys.append(f"{base}_tilde" if tilde else base)
            break
    words = sorted(((w, k) for k, ws in NAMES.items() for w in ws), key=lambda wk: -len(wk[0]))
    for word, key in words:
        if word in text:
            keys.append(key)
            break
    for key in keys:
        hits = [p for p in named if p.options["name"].lower() == key]
        if hits:
            return hits
    return []


def resolve(label: str, ask: Iterable[Any], answered: set[str], network_labels: dict[str, str],
            n_layers: int | None, later_ok: bool = True) -> tuple[str, bool] | None:
    """The part ``label`` names in the question's words, and whether the order decided it (see the module
    docstring); None when the label names no quantity of the exercise or every candidate is answered. With
    ``later_ok`` false (a line that does not start a new list item), the order never moves past an answered part:
    the line is working that belongs to the part above."""
    ask = list(ask)
    by_name = _named_value(label, ask)
    if by_name:
        parts = _by_words(by_name, _norm(label))
        free = [p for p in parts if p.id not in answered]
        return (free[0].id, len(parts) > 1) if free and (free[0] is parts[0] or later_ok) else None
    quantity = quantity_of(label)
    if quantity is None:
        return None
    if any(_contains(_norm(label), w) for w in WORDS["ratio"]):
        quantity = "ratio"
    parts = [p for p in ask if p.quantity == quantity]
    if quantity == "ratio":
        of = quantity_of(re.sub("|".join(map(re.escape, WORDS["ratio"])), " ", _norm(label)))
        parts = [p for p in parts if of is None or (p.options or {}).get("of") == of]
    if not parts:
        return None
    text = _norm(label)
    number = layer_number(label)
    if number is not None:
        at = [p for p in parts if (p.options or {}).get("at") == number]
        if not at and n_layers is not None and number == n_layers:
            at = [p for p in parts if "at" not in (p.options or {})]
        parts = at
    elif quantity in ("receptive_field", "jump"):
        whole = [p for p in parts if "at" not in (p.options or {})]
        parts = whole or parts
    if len(parts) > 1 and any(k in (p.options or {}) for p in parts for k in ("scheme", "convention", "form",
                                                                              "scaled")):
        parts = _by_words(parts, text)
    named = [p for p in parts if _named(p, text, network_labels)]
    if named:
        # a part named by its layer beats one named only by its network (the depthwise layer of the separable
        # network); named by its network only, the network's own part (no layer) comes first
        by_layer = [p for p in named if _layer_named(p, text)]
        parts = by_layer or [p for p in named if not isinstance((p.options or {}).get("at"), str)] or named
    elif any(w in text for w in TOTAL):
        parts = [p for p in parts if "at" not in (p.options or {})] or parts
    else:
        unnamed = [p for p in parts if not isinstance((p.options or {}).get("at"), str)]
        parts = unnamed or parts
    free = [p for p in parts if p.id not in answered]
    if not free:
        return None
    if free[0] is not parts[0] and not later_ok:
        return None            # a second "参数量" after the first is answered: working, unless it starts an item
    return free[0].id, len(parts) > 1
