"""True/false answers in English and Chinese.

Grammar: the answer starts with one of the words below (case-insensitive; longest match first), followed by
the end, a space or punctuation; whatever follows ("True, because …", "不成立：反例 …") is kept as a note.

* true:  true, yes, y, t, holds, it holds, correct, right, equal, 1, 是, 是的, 对, 对的, 正确, 成立, 相等, ✓ ✔ √ ✅ ☑
* false: false, no, n, f, does not hold, doesn't hold, it does not hold, not true, not equal, unequal, fails,
  incorrect, wrong, 0, 否, 不是, 不对, 错, 错的, 错误, 不正确, 不成立, 不相等, ✗ ✘ ❌ ×

A single CJK word must not run into more CJK text (``对称`` is not ``对``). YAML ``true``/``false`` and the
numbers 1/0 are accepted as given.

Example:
    >>> read_bool("不成立，反例：X = [[1, 0], [0, 1]]")
    (False, ['反例：X = [[1, 0], [0, 1]]'])
"""
from __future__ import annotations

import re
import unicodedata

from ._text import ReadError

TRUE = ["true", "yes", "y", "t", "holds", "it holds", "it is true", "it's true", "correct", "right", "equal",
        "1", "是", "是的", "对", "对的", "正确", "成立", "相等", "✓", "✔", "√", "✅", "☑", "yes it holds"]
FALSE = ["false", "no", "n", "f", "does not hold", "doesn't hold", "it does not hold", "it doesn't hold",
         "not true", "not equal", "unequal", "fails", "incorrect", "wrong", "0", "否", "不是", "不对", "错", "错的",
         "错误", "不正确", "不成立", "不相等", "✗", "✘", "❌", "×", "is false", "it is false", "it's false"]
# words that may run straight into more text (满足交换律, 不一定成立, 相同的结果)
OPEN_TRUE = ["满足", "一定成立", "总是成立", "恒成立", "相同", "一样", "能", "可以", "identical", "the same", "they are equal",
             "they're equal", "are equal", "is equal", "always holds"]
OPEN_FALSE = ["不满足", "不一定", "不总是", "不相同", "不一样", "不同", "不能", "不可以", "不可", "not the same",
              "they are not equal", "they're not equal", "they aren't equal", "are not equal", "is not equal",
              "aren't equal", "isn't equal", "they differ", "differ", "different", "does not always hold",
              "not always", "not in general", "not necessarily"]
TRUE += OPEN_TRUE
FALSE += OPEN_FALSE
_OPEN = set(OPEN_TRUE) | set(OPEN_FALSE)
_WORDS = sorted([(w, True) for w in TRUE] + [(w, False) for w in FALSE], key=lambda p: -len(p[0]))
_SEPARATORS = " \t\n,.;:!?-—–()[]，。；：！？、（）"
_SUBJECT = re.compile(r"(?:(?:the|this)\s+(?:identity|equation|equality|statement|claim|formula)\s+(?:is\s+)?"
                      r"|this\s+is\s+|it\s+is\s+|(?:该|这个|此|这)?(?:等式|恒等式|结论|命题|说法|式子)(?:是)?)",
                      re.IGNORECASE)
_DECOR = "*_`'\"“”‘’「」『』$"


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def read_bool(text: str) -> tuple[bool, list[str]]:
    """(value, notes) — the notes hold the rest of the answer, if any."""
    t0 = text.strip().strip(_DECOR).strip()
    m = _SUBJECT.match(unicodedata.normalize("NFKC", t0))
    if m and len(unicodedata.normalize("NFKC", t0[:m.end()])) == m.end():
        t0 = t0[m.end():]
    t = unicodedata.normalize("NFKC", t0)
    low = t.lower()
    for word, value in _WORDS:
        if not low.startswith(word):
            continue
        after = low[len(word):]
        nxt = after[:1]
        if word.isascii() and word[-1].isalnum() and nxt and nxt not in _SEPARATORS and nxt.isascii():
            continue
        if _is_cjk(word[-1]) and nxt and _is_cjk(nxt) and word not in _OPEN:
            continue
        if word.isdigit() and re.match(r"[.,]?\d", after):
            continue
        cut = next((n for n in range(len(word), len(t0) + 1)
                    if unicodedata.normalize("NFKC", t0[:n]).lower() == word), len(word))
        rest = t0[cut:].strip().lstrip(_SEPARATORS + _DECOR).strip()
        return value, ([rest] if rest else [])
    pos = 0
    raise ReadError("it does not start with a yes/no word", pos if t else None)
