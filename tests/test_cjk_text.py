"""Chinese text without regular expressions (compiling a class of the CJK ranges costs 1.5–2.5 ms, a twentieth of
a quick ``solve``): the line-break tokens of the terminal renderer and the unfolding of YAML's folded Chinese,
against the regular expressions they replaced, over strings drawn from the characters that matter."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from solver.i18n import is_cjk
from solver.model import unfold_cjk
from solver.render.text import _tokens, wrap

_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+|\\s+")
GAP = re.compile(f"(?<=[{_CJK}])[ \t\n]+(?=[{_CJK}])")
CHARS = st.sampled_from(list("ab1 \t\n×é，。卷积") + ["\u3000", "\u2e7f", "\u2e80", "\u9fff", "\ua000", "\ufeff",
                                                        "\uff00", "\uffef", "\ufff0", "  "])
TEXTS = st.lists(CHARS, max_size=16).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_line_break_tokens_are_the_regular_expressions(text):
    assert list(_tokens(text)) == TOKEN.findall(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_unfolding_is_the_regular_expression(text):
    want = GAP.sub("", text) if any("\u2e80" <= ch <= "\uffef" for ch in text) else text
    assert unfold_cjk(text) == want


def test_cjk_ranges_and_wrapping_by_hand():
    assert [is_cjk(c) for c in "\u2e7f\u2e80卷\u9fff\ua000\uff0c\ufff0"] == [False, True, True, True, False, True,
                                                                             False]
    assert wrap("卷积层的输出，大小为 16×28×28。", 8) == ["卷积层的", "输出，大", "小为", "16×28×28。"]
    assert unfold_cjk("输入为\n16×28×28。\n计算该层") == "输入为\n16×28×28。计算该层"
