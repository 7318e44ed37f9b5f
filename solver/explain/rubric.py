"""Matching prose against key points: which key points of an explanation does a text cover?

The solver needs this to check its own reference answers (:func:`solver.explain.solve.verify`) and to
reject phrasings with nothing left to match; the grader (:mod:`grader.rubric`) builds its verdicts and
feedback on it. It lives here so that the solver never imports the grader.

Each key point lists *phrasings* — keywords and short phrases, in English and Chinese. A text covers a
point when one of its phrasings occurs in it:

- text is normalised first: NFKC (full-width letters and digits become ASCII), case folded, ``3 × 3``
  and ``3x3`` written alike, punctuation removed;
- an English phrasing matches words, not letters: each word is reduced to a crude stem (plural, -ing,
  -ed, -ly, British -ise) and common words (the, of, …) are ignored; the words must all occur in one
  sentence, in any order, within a short window — "gradients vanish" matches "vanishing gradient";
- a Chinese phrasing (any phrasing with a CJK character) matches as a substring of the normalised text
  with spaces removed;
- ``a + b`` needs both parts in the same sentence; ``a | b`` accepts either.

Example:
    >>> pts = [{"id": "id", "en": {"phrasings": ["identity mapping", "skip connection"]}},
    ...        {"id": "bn", "zh": {"phrasings": ["批归一化", "BN"]}}]
    >>> m = match_points("Skip connections map the input by identity.", pts)
    >>> m.matched, m.missing, m.evidence
    (['id'], ['bn'], {'id': 'identity mapping'})
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_CHARS = 20_000          # a text longer than this is matched on its beginning (and says so)
WINDOW_EXTRA = 3            # an n-word phrasing may spread over n + 3 words of one sentence

_STOP = frozenset("""a an the of to in on at by for with from into onto as and or is are was were be been being
that this these those it its which who whom whose what there their them they we our you your he she his her
can could will would shall should may might must do does did has have had also so such than then very just""".split())

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TIMES = re.compile(r"(?<=\d)\s*[x×✕*]\s*(?=\d)")
_SENTENCE = re.compile(r"[。！？；;!?\n]+|\.(?=\s|$)")
_WORD = re.compile(r"[a-z0-9]+")
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1$")


def normalise(text: str) -> str:
    """NFKC, case folded, ``3 × 3`` → ``3x3``, punctuation and symbols → spaces, spaces collapsed.

    >>> normalise("Two  3×3 convs, ＲｅＬＵ!")
    'two 3x3 convs relu'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _TIMES.sub("x", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append(" " if cat[0] in "PSZC" else ch)
    return " ".join("".join(out).split())


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude English stem, the same on both sides of a comparison (that is all it needs to be).

    >>> [stem(w) for w in ("gradients", "vanishing", "vanishes", "shared", "sharing", "biases", "bias", "padding")]
    ['gradient', 'vanish', 'vanish', 'shar', 'shar', 'bias', 'bias', 'pad']
    >>> stem("embeddings") == stem("embedding") == stem("embedded"), stem("identities") == stem("identity")
    (True, True)
    >>> stem("normalisation") == stem("normalization") == stem("normalized")
    True
    """
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if len(w) > 5:
        w = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", w)
    if w.endswith("ies") and len(w) > 4:                   # plural first: "embeddings" → "embedding" → "embed"
        w = w[:-3] + "y"
    elif re.search(r"(ss|sh|ch|x|z)es$", w):
        w = w[:-2]
    elif w.endswith("s") and not re.search(r"(ss|us|is|as)$", w):
        w = w[:-1]
    for suffix, keep in (("ation", 4), ("ion", 4), ("ing", 3), ("edly", 3), ("ed", 2), ("ly", 4)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: len(w) - len(suffix)]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if _DOUBLE.search(w) and len(w) > 3:
        w = w[:-1]
    return w


def _words(normalised: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(normalised) if w not in _STOP]


def is_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character.

    >>> is_cjk("残差 block"), is_cjk("block")
    (True, False)
    """
    return bool(_CJK.search(text))


@lru_cache(maxsize=4096)
def compile_phrasing(phrasing: str) -> tuple[tuple[tuple[str, Any], ...], ...]:
    """``a | b + c`` → parts (all needed in one sentence) of alternatives; each alternative is
    ``("zh", substring, text)`` or ``("en", stemmed words, text)``. Empty when nothing is left to match."""
    parts = []
    for part in phrasing.split("+"):
        alts = []
        for alt in part.split("|"):
            norm = normalise(alt)
            if not norm:
                continue
            if is_cjk(norm):
                alts.append(("zh", norm.replace(" ", ""), alt.strip()))
            else:
                words = tuple(_words(norm))
                if words:
                    alts.append(("en", words, alt.strip()))
        if not alts:
            return ()
        parts.append(tuple(alts))
    return tuple(parts)


@dataclass
class _Sentence:
    words: list[str]
    squashed: str        # normalised, without spaces (for Chinese substrings)
    vocabulary: frozenset[str] = frozenset()


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for raw in _SENTENCE.split(unicodedata.normalize("NFKC", text)):
        norm = normalise(raw)
        if norm:
            words = _words(norm)
            out.append(_Sentence(words, norm.replace(" ", ""), frozenset(words)))
    return out


def _window_match(words: list[str], vocabulary: frozenset[str], want: tuple[str, ...]) -> bool:
    """All of ``want`` (with repeats: "one by one" needs two "one") within a window of len(want) + WINDOW_EXTRA
    consecutive words, in any order."""
    if not vocabulary.issuperset(want):
        return False
    need = Counter(want)
    if len(want) == 1:
        return True
    span = len(want) + WINDOW_EXTRA
    for i, w in enumerate(words):
        if w in need and not need - Counter(words[i:i + span]):
            return True
    return False


def _alt_matches(alt: tuple[str, Any, str], sentence: _Sentence) -> bool:
    kind, value, _ = alt
    if kind == "zh":
        return value in sentence.squashed
    return _window_match(sentence.words, sentence.vocabulary, value)


def phrasing_matches(phrasing: str, sentences: list[_Sentence]) -> str | None:
    """The alternatives that matched (``"skip connection + gradient"``), or None."""
    parts = compile_phrasing(phrasing)
    if not parts:
        return None
    for s in sentences:
        found = []
        for part in parts:
            alt = next((a for a in part if _alt_matches(a, s)), None)
            if alt is None:
                break
            found.append(alt[2])
        else:
            return " + ".join(found)
    return None


@dataclass
class RubricMatch:
    matched: list[str]                     # point ids, in the rubric's order
    missing: list[str]
    evidence: dict[str, str]               # point id → the words that matched ("skip connection + gradient")
    coverage: float                        # weighted share of the points covered
    truncated: bool = False


def _phrasings(point: dict[str, Any], langs: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for lang in langs:
        block = point.get(lang) or {}
        out += [p for p in block.get("phrasings", []) if isinstance(p, str)]
    return out


def match_points(text: Any, points: list[dict[str, Any]], langs: tuple[str, ...] = ("en", "zh")) -> RubricMatch:
    """Which points ``text`` covers, using the phrasings of ``langs`` (both by default: answers mix languages)."""
    text = "" if text is None else str(text)
    truncated = len(text) > MAX_CHARS
    sentences = _sentences(text[:MAX_CHARS])
    matched, missing, evidence = [], [], {}
    got = total = 0.0
    for point in points:
        weight = float(point.get("weight", 1))
        total += weight
        hit = next((found for ph in _phrasings(point, langs) if (found := phrasing_matches(ph, sentences))), None)
        if hit is None:
            missing.append(point["id"])
        else:
            matched.append(point["id"])
            evidence[point["id"]] = hit
            got += weight
    return RubricMatch(matched, missing, evidence, got / total if total else 0.0, truncated)


def detect_language(text: str) -> str:
    """``zh`` when at least a fifth of the letters are CJK characters, else ``en``.

    >>> detect_language("残差连接 ResNet"), detect_language("skip connection")
    ('zh', 'en')
    """
    sample = text[:2000]
    letters = [c for c in sample if c.isalpha()]
    cjk = sum(1 for c in letters if _CJK.match(c))
    return "zh" if letters and cjk * 5 >= len(letters) else "en"
