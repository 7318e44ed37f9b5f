"""One language at a time: every bank exercise rendered in Chinese (terminal, Markdown, Typst source) has no
English word a reader sees outside mathematics, code, layer class names and identifiers the exercise file
gives; rendered in English it has no Chinese outside the quoted statement.

The terminal text is read with its styles: mathematics is printed green and code cyan (solver/render/text.py),
so those runs are left out; Markdown loses its ``$…$``/``$$…$$`` and code; Typst keeps only its text string
literals (mathematics and ``#raw`` code left out).
"""
from __future__ import annotations

import io
import re
from functools import lru_cache

import pytest

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")

# mathematics, programs, libraries, models and units a Chinese text writes as they are
ALLOWED = set("""
corr conv rot rot90 rot90cw rot180 vec flat mm toeplitz max min mode full valid same sum mean exp log diag
params MACs MAC FLOPs FLOP FLOPS flops macs numel FlopCounterMode flop_counter torch nn functional utils autograd
jacobian PyTorch sympy Python NumPy numpy BLAS GEMM GPU GPUs CPU ImageNet MNIST Fashion CIFAR LeNet AlexNet VGG ResNet
GoogLeNet DenseNet MobileNet MobileNetV Xception Inception TextCNN WaveNet Xavier Glorot Kaiming He Adam SGD CNN
CNNs MLP RNN LSTM GRU Transformer LRN kHz Hz KiB MiB MFCC Var BN ReLU Sigmoid Tanh Softmax softmax tanh sigmoid relu
ceil_mode ceil floor bias padding stride kernel_size groups dilation in_channels out_channels float32 float64 dtype
word2vec n-gram gram ngram ngrams NaN inf id SAME VALID allclose unfold im2col torchvision cuDNN GRU Kim py repeat reshape hw log-sum-exp dampening nonlinearity Frobenius D2L Cho Keras TensorFlow JAX
H W C N M K R J S F I D
x y w b k l m n i j p q r s t u v z d f g h c e a o L X Y
""".split())


def _layer_names() -> set[str]:
    import torch.nn as nn
    names = {n for n in dir(nn) if n[:1].isupper()}
    return names | {n.lower() for n in names}      # “dropout”, “softmax” as the layers are called


def _idents(ex) -> set[str]:
    """Words of the identifiers an exercise file gives (ids, part ids, network and layer names, options)."""
    found = {ex.id}
    for p in ex.ask:
        found.add(p.id)
        found |= {str(v) for v in p.options.values() if isinstance(v, (str, int))}

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("label", "en", "zh", "text", "phrasings", "statement", "title"):
                    found.add(str(k))
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key not in ("label", "text"):
            found.add(value)
    walk(ex.given)
    words = set()
    for f in found:
        words |= set(WORD.findall(f))
    return words


CODE = re.compile(r"--[\w-]+|\b\w+(?:=|: )\w+|\b\w+\([^()]*\)|\w*(?:\.\w+)+")   # --flags, key=value, f(x), torch.zeros


GLOSS = re.compile(r"（[A-Za-z][A-Za-z -]*[A-Za-z]）|“[^”]*”")   # 逐通道（depthwise）: a gloss; “…”: quoted words


def _foreign_words(text: str, allowed: set[str]) -> list[str]:
    text = CODE.sub(lambda m: " " * len(m.group(0)), text)
    text = GLOSS.sub(lambda m: " " * len(m.group(0)), text)
    bad = []
    for m in WORD.finditer(text):
        w = m.group(0)
        if w in allowed or w.lower() in allowed or w.strip("'’-") in allowed:
            continue
        if re.search(r"[_\d]", text[max(0, m.start() - 1):m.end() + 1]):   # part of an identifier (conv1, x_ij)
            continue
        if w[0].isupper() and any(c.isupper() for c in w[1:]):              # CamelCase: a class name
            continue
        bad.append(text[max(0, m.start() - 30):m.end() + 30].replace("\n", " "))
    return bad


def _terminal(sol, lang: str) -> str:
    """The terminal text without its green (mathematics) and cyan (code) runs."""
    from rich.console import Console
    from rich.text import Text

    from solver.render.text import render
    buf = io.StringIO()
    render(sol, lang, Console(file=buf, width=100, force_terminal=True, color_system="standard", highlight=False),
           verified=False)
    text = Text.from_ansi(buf.getvalue())
    keep = list(text.plain)
    for span in text.spans:
        style = span.style if not isinstance(span.style, str) else None
        colour = style.color if style is not None else None
        if colour is not None and (colour.name in ("green", "cyan") or colour.number in (2, 6)):
            for i in range(span.start, span.end):
                keep[i] = " "
    return "".join(keep)


def _markdown(sol, lang: str) -> str:
    from solver.render.markdown import render
    md = render(sol, lang, verified=False)
    md = re.sub(r"```.*?```", " ", md, flags=re.S)
    md = re.sub(r"\$\$.*?\$\$", " ", md)
    md = re.sub(r"\$[^$\n]+\$", " ", md)
    md = re.sub(r"(`+).*?\1", " ", md)
    md = re.sub(r"<[^<>]*>", " ", md)          # a figure's SVG markup (its text elements stay)
    return md.replace("\\", "")


def _typst(sol, lang: str) -> str:
    from solver.render.typst import document
    src = document([sol], lang)
    src = re.sub(r'#raw\("(?:[^"\\]|\\.)*"', " ", src)
    src = re.sub(r"\$[^$]*\$", " ", src)
    return "\n".join(m.group(1).replace('\\"', '"') for m in re.finditer(r'#"((?:[^"\\]|\\.)*)"', src))


@lru_cache(maxsize=None)
def _solutions():
    from solver.bank import load_bank
    from solver.pipeline import solve_exercise
    return [solve_exercise(ex, verify=False) for ex in load_bank()]


RENDERERS = {"terminal": _terminal, "markdown": _markdown, "typst": _typst}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_chinese_output_has_no_english_words(fmt):
    base = ALLOWED | _layer_names()
    problems = []
    for sol in _solutions():
        allowed = base | _idents(sol.exercise)
        text = RENDERERS[fmt](sol, "zh")
        for snippet in _foreign_words(text, allowed):
            problems.append(f"{sol.exercise.id}: …{snippet}…")
    assert not problems, f"{len(problems)} English words in Chinese {fmt} output, e.g.\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_english_output_has_no_chinese(fmt):
    problems = []
    for sol in _solutions():
        text = RENDERERS[fmt](sol, "en")
        statement = sol.exercise.statement.render("en")
        text = text.replace(statement, " ")
        text = re.sub(r"“[^”]*”(\s*\([^()]*\))?", " ", text)     # a quotation, with its original after it
        for m in CJK.finditer(text):
            problems.append(f"{sol.exercise.id}: …{text[max(0, m.start() - 30):m.end() + 30]}…")
    assert not problems, f"{len(problems)} Chinese characters in English {fmt} output, e.g.\n" + "\n".join(problems[:40])


def test_the_purity_check_can_fail():
    """The checks catch what they are for: an English sentence in Chinese text, Chinese in English text."""
    allowed = ALLOWED | _layer_names()
    assert _foreign_words("答案 valid false", allowed) == ["答案 valid false"]
    assert _foreign_words("综上，Conv2d 的 corr(W, X) 与 x_ij、conv1 的 MACs", allowed) == []
    assert _foreign_words("见 the program above", allowed)
    assert CJK.search("In summary: 成立")


def test_words_inside_chinese_formulas_are_chinese():
    """Formulas are mathematics, but the words in them (\\text{…}: “otherwise”, “per layer”) are read as text."""
    from solver.render.common import walk
    from solver.render.summary import localise_latex
    base = ALLOWED | _layer_names() | {"shape", "new", "out", "in", "lr", "False", "True"}   # x_out, shape(Y), …
    problems = []
    for sol in _solutions():
        allowed = base | _idents(sol.exercise)
        lines = [line for _, _, step in walk(sol.steps) for line in step.math]
        lines += [str(v["latex"]) for v in sol.answers.values() if isinstance(v, dict) and "latex" in v]
        for line in lines:
            for m in re.finditer(r"\\(?:text|mathrm)\{([^{}]*)\}", localise_latex(line, "zh")):
                if _foreign_words(m.group(1), allowed):
                    problems.append(f"{sol.exercise.id}: {m.group(0)}")
    assert not problems, f"{len(problems)} English words in Chinese formulas:\n" + "\n".join(sorted(set(problems))[:40])
