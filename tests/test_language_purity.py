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
forward backward subplot imshow ln Levenberg Marquardt L-BFGS BFGS word2vec one-hot n-gram gram ngram ngrams NaN inf id SAME VALID allclose unfold im2col torchvision cuDNN GRU Kim py repeat reshape hw log-sum-exp dampening nonlinearity Frobenius D2L Cho Keras TensorFlow JAX
H W C N M K R J S F I D
x y w b k l m n i j p q r s t u v z d f g h c e a o L X Y
""".split())


def _layer_names() -> set[str]:
    import torch.nn as nn
    names = {n for n in dir(nn) if n[:1].isupper()}
    return names | {n.lower() for n in names}      # “dropout”, “softmax” as the layers are called


@lru_cache(maxsize=None)
def _bank_ids() -> frozenset[str]:
    from solver.bank import load_bank
    return frozenset(ex.id for ex in load_bank())


def _idents(ex) -> set[str]:
    """Words of the identifiers an exercise file gives (ids, part ids, network and layer names, options)."""
    found = {ex.id} | _bank_ids()         # an exercise a text refers to (见 rnn-vanishing-lstm) by the id one types
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


CODE = re.compile(r"--[\w-]+|\b\w+=['\"][^'\"]*['\"]|\b\w+(?:=|: )\w+|\b\w+\((?:[^()]|\([^()]*\))*\)|\w*(?:\.\w+)+")   # --flags, key=value, f(x), torch.zeros


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


def test_words_for_formulas_come_from_the_catalogue_in_both_languages():
    """The words of formulas are catalogue messages (``math.`` keys): both languages exist by construction, the
    Chinese has no English word, and a word the catalogue lacks stays English — which the test above reports."""
    from solver.i18n import MATH_WORD, catalogue, math_word, math_words, register
    CATALOGUE = catalogue()              # every catalogue module loaded
    from solver.render.summary import localise_latex
    words = {k: v for k, v in CATALOGUE.items() if k.startswith(MATH_WORD) and k != "math.demo"}
    assert len(words) >= 20
    allowed = ALLOWED | _layer_names()
    for key, (en, zh) in words.items():
        assert not _foreign_words(zh, allowed), (key, zh)
        assert localise_latex(math_word(key), "zh") == r"\text{" + zh + "}", key
        assert localise_latex(math_word(key), "en") == r"\text{" + en + "}", key
    assert math_words("zh")["otherwise"] == "否则"
    assert localise_latex(r"x \ \text{per row}", "zh") == r"x \ \text{per row}"       # not in the catalogue
    assert _foreign_words("per row", allowed)
    with pytest.raises(KeyError):
        math_word("math.no_such_word")
    with pytest.raises(ValueError):
        math_word("net.yes")                       # a sentence, not a word for formulas
    with pytest.raises(ValueError):
        register({"math.other_or": ("or", "或者")})   # one English word, one translation


# (a list of formulas, “h_1, …, h_T 依赖于”, is maths: its formulas are cut out, leaving more than one space)
ASCII_PUNCT = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e] ?[;,]|[;,] ?[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]|;")
CALL = re.compile(r"\b\w+\((?:[^()]|\([^()]*\))*\)")     # f(a, b), Conv2d(1, 32, 卷积核 3): arguments are code/maths


def _ascii_punctuation(text: str) -> list[str]:
    """ASCII ``;`` anywhere, and ASCII ``,`` next to a Chinese character, in Chinese prose (mathematics, code and
    the arguments of a call left out)."""
    text = CALL.sub(lambda m: " " * len(m.group(0)), text)
    return [text[max(0, m.start() - 20):m.end() + 20].replace("\n", " ") for m in ASCII_PUNCT.finditer(text)]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_chinese_prose_uses_chinese_punctuation(fmt):
    """Chinese sentences and lists are punctuated as Chinese (；、，。): no ``a; b`` list, no ``,`` between
    Chinese words."""
    problems = []
    for sol in _solutions():
        for snippet in _ascii_punctuation(RENDERERS[fmt](sol, "zh")):
            problems.append(f"{sol.exercise.id}: …{snippet}…")
    assert not problems, f"{len(problems)} ASCII ; or , in Chinese {fmt} prose, e.g.\n" + "\n".join(problems[:40])


def test_the_punctuation_check_can_fail():
    assert _ascii_punctuation("按运算顺序计算 W * X; W * rot90(X)")
    assert _ascii_punctuation("参数量, 乘加次数")
    assert not _ascii_punctuation("位置 (1, 1)：14 与 11；Conv2d(1, 32, 卷积核 3) 与 corr(K, X)、W * X")


def _question_words(ex, lang: str) -> set[str]:
    """The words the question itself uses: its statement, the options of its parts (expressions, names) and the
    names it gives."""
    words = set(WORD.findall(ex.statement.render(lang)))
    for p in ex.ask:
        for v in p.options.values():
            if isinstance(v, str):
                words |= set(re.findall(r"\w+", v))
    if isinstance(ex.given, dict):
        for v in ex.given.values():
            if isinstance(v, dict):
                words |= {str(k) for k in v}
    return words


def test_parts_are_named_in_the_questions_words():
    """Step titles and the closing answers name each part in the question's words (“输出尺寸”, “W * X”), never
    by its id in the exercise file (``original``, ``he_std``) — in either language."""
    from solver.render.common import walk
    from solver.render.summary import conclusion
    from solver.i18n import catalogue
    english = {w.lower() for en, _ in catalogue().values() for w in WORD.findall(en)}   # “output shape” (id shape)
    problems = []
    for sol in _solutions():
        ex = sol.exercise
        for lang in ("en", "zh"):
            own = _question_words(ex, lang) | (english if lang == "en" else set())
            shown = [("title", s.title.render(lang)) for _, _, s in walk(sol.steps)]
            shown += [("answer", item.label) for item in conclusion(sol, lang)]
            for part in ex.ask:
                if part.id in own:
                    continue        # the question's own symbol (z, Y), or in English a word that is also an id
                raw = re.compile(r"(?<![\w])" + re.escape(part.id) + r"(?![\w])")
                problems += [f"{ex.id} [{lang}] {where}: {text}" for where, text in shown if raw.search(text)]
    assert not problems, f"{len(problems)} part ids shown to readers:\n" + "\n".join(problems[:40])
