"""Finding the answer inside words and working, when the whole text is not a value.

Students write ``感受野为 7×7``, ``16×10×10（通道×高×宽）``, ``544 (16 weights + 1 bias per filter, 32 filters)``,
``**4640**``, an answer followed by an explanation on the next line, or ``(227-11)/4+1 = 55，输出为 96×55×55``.
:func:`candidates` gives, in order of preference, the pieces of such a text that may be the value, each with a
note saying what was left out; the caller reads each with the ordinary grammar and keeps the first that reads.
A piece is never offered when what it leaves out negates a number (``不是 4640，是 4608``).

Ratios and factors (:func:`ratio_form`): ``9:1`` (read as 9/1), ``8.53x``, ``8.53 倍``, ``9 times``, and a factor
stated with a direction word (``9x fewer``, ``减少了约 8.5 倍``, ``约为原来的 1/8``), which fixes the size of the
factor but not which count is divided by which.

Example:
    >>> [c for c, _ in candidates("感受野为 7×7")]
    ['7×7']
    >>> ratio_form("9x fewer")
    ('9', True, "read '9x fewer' as a factor of 9")
"""
from __future__ import annotations

import re

_DECOR = re.compile(r"\*\*|__|`+")
_SINGLE_STAR = re.compile(r"^\*(?!\*)(.+?)\*$|^_(?!_)(.+?)_$", re.S)
_WIDE_REMARK = re.compile(r"\s*（[^（）]*）")
_REMARK = re.compile(r"(?:(?<=\s)|^)\(([^()]*[A-Za-z\u4e00-\u9fff][^()]*)\)|\s+\(([^()]*[A-Za-z\u4e00-\u9fff][^()]*)\)$")
_CLAUSE = re.compile(r"[，；。]|,\s+(?=[A-Za-z\u4e00-\u9fff]{2})")
_COPULA = re.compile(r"^.{0,60}?(?:为|是|等于|得到|得|多了|多出|多|相差|:|：|\bis\b|\bare\b|\bwas\b|\bequals?\b|"
                     r"\bgives\b|\bbecomes\b|\bmore\s+by\b|\bdiffer\s+by\b)\s*"
                     r"(?=[-+−\d\[(（.≈~约$\\]|[A-Za-z]+\()", re.S | re.I)
_NEGATION = re.compile(r"\bnot\b|n't\b|\binstead\b|\brather\b|不|非|没|而是|wrong", re.I)
_UNIT_TAIL = re.compile(r"\s*(?:(?:pixels?|px|像素|个像素|units?|单元)(?:\s*(?:wide|across|宽|见方))?|"
                        r"(?:region|area|window|patch|区域|窗口)(?:\s+(?:of|in|on)\s+(?:the\s+)?"
                        r"(?:input|image|original\s+image))?)\s*[.。]?$", re.I)


def _negates(dropped: str) -> bool:
    return bool(_NEGATION.search(dropped)) and bool(re.search(r"\d", dropped))


_PIECEWISE_ZH = re.compile(r"^(?P<v>.+?)\s*[（(]\s*(?:当|若|如果)(?P<c>.+?)(?:时)?\s*[)）]\s*[，,;；]?\s*(?:否则|其他情况|其余)"
                           r"(?:为|是|等于)?\s*(?P<o>.+?)\s*[。.]?$", re.S)


_ROW = re.compile(r"(?:第\s*[一二三四五六七八九十\d]+\s*行|row\s*\d+|the\s+(?:first|second|third|fourth|fifth)\s+row)"
                  r"\s*(?:is|为|是)?\s*[:：]?\s*", re.I)


def matrix_rows(text: str) -> str | None:
    """A matrix said row by row (``第一行 4 1.75，第二行 1.5 7``, ``row 1: 4 1.75; row 2: 1.5 7``) as ``[[…], […]]``.

    >>> matrix_rows("第一行 4 1.75，第二行 1.5 7"), matrix_rows("row 1: 1, 2; row 2: 3, 4"), matrix_rows("4 1.75")
    ('[[4, 1.75], [1.5, 7]]', '[[1, 2], [3, 4]]', None)
    """
    parts = _ROW.split(text.strip())
    if len(parts) < 3 or parts[0].strip():
        return None
    rows = []
    for part in parts[1:]:
        cells = re.findall(r"[-+−]?(?:\d+(?:\.\d+)?|\.\d+)(?:/\d+)?", part)
        if not cells or re.sub(r"[-+−\d./\s,，;；、。]", "", part):
            return None
        rows.append("[" + ", ".join(c.replace("−", "-") for c in cells) + "]")
    return "[" + ", ".join(rows) + "]"


def _pieces(text: str) -> list[tuple[str, str]]:
    """(piece, what was left out) — one level of each rewrite."""
    out: list[tuple[str, str]] = []
    rows = matrix_rows(text)
    if rows:
        out.append((rows, ""))
    rewritten = piecewise(text)
    if rewritten:
        out.append((rewritten, ""))
    t = text.strip()
    undecorated = t
    for mark in ("**", "__", "`"):
        if undecorated.startswith(mark) and undecorated.endswith(mark) and len(undecorated) > 2 * len(mark):
            undecorated = undecorated[len(mark):-len(mark)].strip()
    m = _SINGLE_STAR.fullmatch(undecorated)
    if m:
        undecorated = (m.group(1) or m.group(2)).strip()
    if undecorated != t:
        out.append((undecorated, ""))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not re.fullmatch(r"`{3,}\w*|\$\$", ln.strip())]
    if len(lines) > 1:
        last = lines[-1]
        if last.startswith(("=", "≈")) or re.search(r"[=≈]", last):
            out.append((last, "\n".join(lines[:-1])))
        out.append((lines[0], "\n".join(lines[1:])))
    elif len(lines) == 1 and lines[0] != text.strip():
        out.append((lines[0], ""))
    no_remark = _WIDE_REMARK.sub("", text)
    no_remark = _REMARK.sub("", no_remark).strip()
    if no_remark and no_remark != text.strip():        # what was left out: the remarks only (不含偏置 negates no number)
        removed = _WIDE_REMARK.findall(text) + [m.group(0) for m in _REMARK.finditer(_WIDE_REMARK.sub("", text))]
        out.append((no_remark, " ".join(r.strip() for r in removed)))
    if "\n" not in text.strip():
        clauses = [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]
        if len(clauses) > 1:
            out.append((clauses[-1], text))
            out.append((clauses[0], text))
    m = _COPULA.match(text.strip())
    if m and m.end() < len(text.strip()):
        out.append((text.strip()[m.end():].strip(), m.group(0)))
    tail = _UNIT_TAIL.search(text)
    if tail and tail.start() > 0:
        out.append((text[:tail.start()].strip(), tail.group(0)))
    return out


def piecewise(text: str) -> str | None:
    """A piecewise answer with its condition in words, rewritten in the grammar's ``… if … else …``:
    ``w_{…}（当 1≤… 且 …时），否则为 0``; and a condition on the value's subscripts said in words, in either
    language (``当下标在 1 到 3 之间时``, ``if the indices are between 1 and 3``), made one bound per subscript.

    >>> piecewise("w_{k-i+1,l-j+1}（当下标在 1 到 3 之间时），否则为 0")
    'w_{k-i+1,l-j+1} if 1 <= k-i+1 <= 3 and 1 <= l-j+1 <= 3 else 0'
    >>> piecewise("w_{i-k+1, j-l+1} if the indices are between 1 and 3, else 0")
    'w_{i-k+1, j-l+1} if 1 <= i-k+1 <= 3 and 1 <= j-l+1 <= 3 else 0'
    """
    t = text.strip()
    m = _PIECEWISE_ZH.match(t)
    if m:
        return f"{m.group('v')} if {_condition(m.group('c'), m.group('v'))} else {m.group('o')}"
    m = _PIECEWISE_EN.match(t)
    if m and _INDEX_RANGE.match(m.group("c")):
        return f"{m.group('v')} if {_condition(m.group('c'), m.group('v'))} else {m.group('o')}"
    return None


_PIECEWISE_EN = re.compile(r"^(?P<v>.+?)\s*[(（]?\s*(?:if|when|for)\s+(?P<c>[^,;()（）]+?)\s*[)）]?\s*[,;，；]?\s*"
                           r"(?:else|otherwise)\s*[,:]?\s*(?:it\s+is\s+|equals?\s+)?(?P<o>[^,;]+?)\s*\.?$", re.I | re.S)
_INDEX_RANGE = re.compile(r"^\s*(?:the\s+)?(?:下标|索引|indices|subscripts)\s*(?:are\s+)?(?:all\s+)?(?:都|均)?\s*"
                          r"(?:在|between|in|from|within)\s*\[?\s*(?P<a>-?\d+)\s*(?:到|至|and|to|~|～|,|，|\.\.)\s*"
                          r"(?P<b>-?\d+)\s*\]?\s*(?:之间|范围内|以内|内)?\s*$", re.I)
_SUBSCRIPT = re.compile(r"_\{([^{}]+)\}")


def _condition(cond: str, value: str) -> str:
    """A condition in the grammar: ``且``/``并且``/a comma as ``and``; the value's subscripts bounded when the
    condition says in words that they lie in a range."""
    m = _INDEX_RANGE.match(cond)
    sub = _SUBSCRIPT.search(value)
    if m and sub:
        indices = [i.strip() for i in sub.group(1).split(",") if i.strip()]
        return " and ".join(f"{m.group('a')} <= {i} <= {m.group('b')}" for i in indices)
    return re.sub(r"\s*(?:且|并且|而且|，|,)\s*", " and ", cond)


_MAPS = r"(?:个|张|路|幅)?\s*(?:特征图|通道|输出通道|feature\s*maps?|channels?|maps|filters?|activation\s*maps?)"
_HW = r"(?P<h>\d+)\s*[×xX*✕]\s*(?P<w>\d+)"
_SHAPE_WORDS = (
    # 32 个 28×28 的特征图 · 32 张 28×28 · 32 通道，每个 28×28 · 32 feature maps of 28×28 · 32 channels, each 28 x 28
    re.compile(r"^(?P<c>\d+)\s*" + _MAPS + r"?\s*(?:个|张)?\s*[，,、:：]?\s*(?:每个|每张|每一个|大小为|尺寸为|大小|尺寸|"
               r"each(?:\s+of)?|of\s+size|of|sized?|at)?\s*" + _HW + r"\s*(?:的)?\s*" + _MAPS + r"?\s*[。.]?$", re.I),
    # 28×28 的特征图 32 个 · 28×28, 32 channels · 28×28 with 32 feature maps
    re.compile(r"^" + _HW + r"\s*(?:的)?\s*(?:特征图|feature\s*maps?)?\s*[，,、]?\s*(?:共|有|with|and|x|×)?\s*(?P<c>\d+)\s*"
               r"(?:" + _MAPS + r"|个|张)\s*(?:个|张)?\s*[。.]?$", re.I),
)


_VECTOR_WORDS = re.compile(r"^(?P<n>\d+)\s*(?:-\s*)?(?:维(?:的)?(?:向量|特征|输出)?|个(?:神经元|特征|输出|单元|元素)|"
                           r"dim(?:ensional|s?)?(?:\s+(?:vector|features?|output))?|(?:neurons|features|units|outputs|"
                           r"elements)|(?:element|entry)\s+vector)\s*[。.]?$", re.I)


def shape_words(text: str) -> str | None:
    """A shape said in words: channels by size as ``C×H×W`` — only with a word that says which number counts the
    maps (个, 张, 通道, 特征图, feature maps, channels), so that ``32 28×28`` stays unread —, or a vector's length
    said with its unit (维, 个神经元, neurons, -dimensional).

    >>> shape_words("32 个 28×28 的特征图"), shape_words("32 feature maps of 28×28"), shape_words("28×28 的特征图 32 个")
    ('32×28×28', '32×28×28', '32×28×28')
    >>> shape_words("32通道，28×28"), shape_words("32 28×28"), shape_words("28×28×32")
    ('32×28×28', None, None)
    >>> shape_words("400 维向量"), shape_words("120 个神经元"), shape_words("400-dimensional vector")
    ('400', '120', '400')
    """
    t = text.strip()
    m = _VECTOR_WORDS.match(t)                      # 400 维向量, 120 个神经元, 400-dimensional vector, 120 neurons
    if m:
        return m.group("n")
    for pattern in _SHAPE_WORDS:
        m = pattern.match(t)
        if m and re.search(r"[个张通道图]|maps?\b|channels?\b|filters?\b", t, re.I):
            return f"{m.group('c')}×{m.group('h')}×{m.group('w')}"
    return None


def candidates(text: str, depth: int = 3) -> list[tuple[str, str]]:
    """Pieces of ``text`` that may be the answer, best first, with a note on what was left out."""
    seen = {text.strip()}
    out: list[tuple[str, str]] = []

    def walk(t: str, dropped: str, d: int) -> None:
        for piece, left in _pieces(t):
            if not piece or piece in seen or len(out) > 40:
                continue
            seen.add(piece)
            gone = (dropped + " " + left).strip()
            if _negates(left):
                continue
            out.append((piece, gone))
            if d > 1:
                walk(piece, gone, d - 1)
    walk(text, "", depth)
    return out


_RATIO = re.compile(r"^\s*(?P<a>[^:：∶]+?)\s*[:：∶]\s*(?P<b>[^:：∶]+?)\s*$")
_TIMES = re.compile(r"^(?P<v>.+?)\s*(?:x|×|X|times|fold|-fold|倍)\s*[.。]?$")
_DIRECTION = re.compile(r"fewer|less|smaller|lower|reduc\w*|decreas\w*|cheaper|saves?|more|larger|greater|higher|"
                        r"increas\w*|bigger|减少|降低|缩小|下降|节省|减小|增加|增大|提高|增长|扩大|原来的|之一|为.{0,16}的", re.I)
_NUMBER = re.compile(r"(?<![\d.A-Za-z_])(?:\d+(?:\.\d+)?|\.\d+)(?:\s*/\s*\d+(?:\.\d+)?)?(?:\s*[%％])?(?![\d.])")


def ratio_form(text: str) -> tuple[str, bool, str] | None:
    """A ratio or factor written in words: (value text, direction-free factor?, note), or None."""
    t = text.strip().rstrip("。.")
    m = _RATIO.match(t)
    if m and re.search(r"\d", m.group("a")) and re.search(r"\d", m.group("b")) and not _DIRECTION.search(t):
        a, b = m.group("a").strip(), m.group("b").strip()
        plain = re.fullmatch(r"\d+(?:\.\d+)?", a) and re.fullmatch(r"\d+(?:\.\d+)?", b)
        return (f"{a}/{b}" if plain else f"({a})/({b})"), False, f"read {t} as {a}/{b}"
    direction = bool(_DIRECTION.search(t))
    if not direction:
        m = _TIMES.match(t)
        if m and re.search(r"\d", m.group("v")):
            return m.group("v").strip(), False, f"read '{t}' as the factor {m.group('v').strip()}"
        return None
    numbers = _NUMBER.findall(t)
    if len(numbers) != 1:
        return None
    value = numbers[0].strip()
    approx = "≈ " if re.search(r"约|about|approx|roughly|≈|~", t, re.I) else ""
    return approx + value, True, f"read '{t}' as a factor of {value}"
