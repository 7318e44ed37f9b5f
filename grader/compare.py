"""Compare a parsed student answer with the gold answer: cheapest check first.

exact → numeric with tolerance → symbolic (sympy ``simplify`` of the difference, then evaluation at
random points, in a worker process with a hard time limit) → structural (shape, then entries; for
shapes, the same numbers in another layout). The result is a :class:`Verdict`; feedback is a list of
bilingual messages, and ``mistake`` is filled later by :mod:`grader.mistakes`.

Example:
    >>> from grader.parse import parse_answer
    >>> v = compare(parse_answer("3.61M", "int"), 3612672, "int")
    >>> v.verdict
    'correct'
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from solver.i18n import Msg, Plain, Text

DEFAULT_MIN_SIG = 3
SYMBOLIC_SECONDS = 2.0


# The parser explains in English where reading stopped; in Chinese the reason says what was expected.
_EXPECT_ZH = {"int": "应为一个数", "real": "应为一个数", "shape": "应为一个形状，如 28×28×32 或 [32, 28, 28]",
              "vector": "应为一列数，如 [7, -6, 8]", "matrix": "应为一个矩阵，如 [[1, 2], [3, 4]] 或 1 2; 3 4",
              "bool": "应为“成立”或“不成立”（true/false）", "expr": "应为一个表达式",
              "convexpr": "应为一个卷积表达式，如 corr(delta, X)", "prose": "应为一段文字"}


_REASON_ZH = [          # the parser's reasons (grader/parse), said in Chinese; an unknown one is left out
    (r"'(.+)' is not allowed in an expression", "表达式中不能出现“{0}”"),
    (r"'(.)' does not close an opening bracket", "“{0}”前面没有对应的左括号"),
    (r"'(.)' is never closed", "“{0}”没有闭合"),
    (r"'(.+)' is a name, not a number", "“{0}”是一个名称，不是数"),
    (r".* is ambiguous: a comma only groups thousands.*", "逗号只用于千位分隔（如 4,640），小数请用小数点"),
    (r"it does not start with a yes/no word", "开头不是表示“成立/不成立”的词"),
    (r"the list is empty", "列表是空的"), (r"an entry is empty", "有一个元素是空的"),
    (r"the matrix has no rows", "矩阵没有任何一行"),
    (r"row (\d+) has .* but row 1 has .*", "第 {0} 行与第 1 行的元素个数不同"),
    (r"unexpected text outside the matrix", "矩阵之外还有多余的文字"),
    (r".* is not true or false", "这不是“成立”或“不成立”"),
    (r".* is not a (?:finite )?(?:real )?number", "这不是一个数"), (r".* is not a list", "这不是列表"),
    (r".* is not a matrix", "这不是矩阵"), (r".* is not an expression", "这不是表达式"),
    (r"a list where one (?:number|expression) was expected", "这里只需要一个值，却给出了一个列表"),
    (r"a condition where an expression was expected", "这里应为表达式，却给出了一个条件"),
    (r"a mapping .*", "键值映射不是答案"), (r"no answer was given", "没有作答"),
    (r"the answer is too complicated to read", "答案过于复杂，无法读取"),
    (r"(?:the answer is )?longer than .*", "答案过长"), (r"nested deeper than .*", "嵌套过深"),
    (r".*(?:digits|exponent larger).*", "数字的位数过多"),
    (r"a number cannot follow without an operator.*", "两个数之间缺少运算符（乘积请写 *，或写成列表）"),
    (r"a condition is not (?:an entry|a number)", "条件不能作为数值"),
]


@dataclass(frozen=True)
class Listing:
    """Positions or numbers as a list: ``2, 4`` in English, ``2、4`` in Chinese."""

    items: tuple
    more: bool = False

    def render(self, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(self.items) + (" …" if self.more else "")


def _why(message: str, expected: str) -> Text:
    """The parser's reason in both languages. The Chinese says what was expected and, as the English does, where
    reading stopped (``读到第 18 个字符“下”处停止``) and why, when the reason is one of the parser's known ones."""
    import re
    zh = _EXPECT_ZH.get(expected, "格式无法识别")
    stop = re.search(r"stopped at (?:character (\d+): (?:'(.*?)'|\"(.*?)\")|(the end))", message)
    if stop and stop.group(4):
        zh += "；读到末尾时停止"
    elif stop:
        zh += f"；读到第 {stop.group(1)} 个字符“{stop.group(2) if stop.group(2) is not None else stop.group(3)}”处停止"
    rest = message[stop.end():].strip().lstrip(":").strip() if stop else ""
    text = rest[1:-1] if rest.startswith("(") and rest.endswith(")") else rest if stop else message.split("; ", 1)[-1]
    for pattern, said in _REASON_ZH:
        m = re.fullmatch(pattern, text.strip())
        if m:
            zh += "（" + said.format(*m.groups()) + "）" if stop else "；" + said.format(*m.groups())
            break
    return Text(en=message, zh=zh)


@dataclass
class Verdict:
    verdict: str                 # correct, incorrect, partial, unparsable, needs_review, missing
    fraction: float = 0.0        # share of the part's points
    feedback: list[Any] = field(default_factory=list)
    mistake: str | None = None


def _num(v: Any) -> Any:
    return Fraction(v) if isinstance(v, int) else v


def _sig_tolerance(value: float, sig: int) -> float:
    if value == 0:
        return 0.5 * 10 ** (-sig)
    return 0.5 * 10 ** (math.floor(math.log10(abs(value))) - sig + 1)


def numbers_match(student: Any, gold: Any, sig: int | None, tolerance: dict | None = None) -> bool:
    """Exact for exact numbers; a rounded number matches to the figures the student gave."""
    tolerance = tolerance or {}
    if _exactly_equal(student, gold):
        return True
    if isinstance(student, (int, Fraction)) and isinstance(gold, (int, Fraction)) and sig is None and not tolerance:
        return False
    try:
        s, g = float(student), float(gold)
    except (OverflowError, ValueError, TypeError):      # 2^1100: no float; only an exact match counts
        return False
    if "rel" in tolerance and abs(s - g) <= float(tolerance["rel"]) * abs(g):
        return True
    if "abs" in tolerance and abs(s - g) <= float(tolerance["abs"]):
        return True
    if "sig" in tolerance and abs(s - g) <= _sig_tolerance(g, int(tolerance["sig"])) * (1 + 1e-9):
        return True
    if sig is not None:
        return abs(s - g) <= _sig_tolerance(s, sig) * (1 + 1e-9)
    return math.isclose(s, g, rel_tol=1e-9, abs_tol=1e-12)


def _exactly_equal(a: Any, b: Any) -> bool:
    """Equal as numbers; a float (a gold ratio like 0.72) equals what it stands for to float precision."""
    try:
        if isinstance(a, float) or isinstance(b, float):
            return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-300)
        return Fraction(a) == Fraction(b)
    except (TypeError, ValueError, OverflowError):
        return False


def _sig_of(parsed: Any) -> int | None:
    return getattr(parsed, "sig", None)


def compare(parsed: Any, gold: Any, expected: str, tolerance: dict | None = None,
            gold_sympy: Any = None, policy: dict | None = None) -> Verdict:
    """The verdict for one part. ``gold_sympy`` is the gold expression for symbolic parts. ``policy`` says how a
    shape-like part may be written (:func:`shape_policy`): ``square`` — a square receptive field or jump as one
    number; ``one_channel`` — a one-channel shape as H×W; ``batch`` — a leading batch dimension of 1 accepted
    with a note (``"accept"``) or not (``"refuse"``)."""
    kind = parsed.kind
    if kind == "unparsable":
        return Verdict("unparsable", 0.0, [Msg("g.unparsable", why=_why(parsed.message, expected))])
    if expected == "prose":
        return Verdict("needs_review", 0.0, [Msg("g.review")])
    if expected == "bool":
        if kind != "bool":
            return Verdict("unparsable", 0.0, [Msg("g.want_bool")])
        return Verdict("correct", 1.0) if parsed.value == gold else Verdict("incorrect", 0.0, [Msg("g.bool_wrong")])
    if expected in ("int", "real"):
        return _compare_number(parsed, gold, expected, tolerance)
    if expected in ("shape", "vector"):
        return _compare_vector(parsed, gold, expected, tolerance, policy)
    if expected == "expr_matrix":
        return _compare_symbol_matrix(parsed, gold)
    if expected == "matrix":
        return _compare_matrix(parsed, gold, tolerance)
    if expected == "expr":
        return _compare_expr(parsed, gold_sympy)
    if expected == "convexpr":
        return compare_convexpr(parsed.text, gold_sympy)
    return Verdict("needs_review", 0.0, [Msg("g.review")])


_NAMES = {"δ": "delta", "Δ": "delta", "d": "delta", "dY": "delta", "dL_dY": "delta", "G": "delta"}


def compare_convexpr(text: str, gold: Any) -> Verdict:
    """A convolution expression (``corr(delta, X)``, ``X * δ`` read as δ sliding over X) compared by evaluating both
    sides on the exercise's symbolic matrices — the same machinery as the identity solver."""
    import re

    import sympy

    from solver.conv.evaluate import EvalError, evaluate
    from solver.conv.expr import Eq, ExprError, parse
    if gold is None:
        return Verdict("needs_review", 0.0, [Msg("g.review")])
    texts = _convexpr_texts(text)
    nodes, error = [], None
    for cleaned in texts:
        try:
            node = parse(cleaned)
        except ExprError as exc:
            error = error or exc
            continue
        nodes.append(node.right if isinstance(node, Eq) else node)
    try:
        gold_node = parse(gold["expr"])
    except ExprError:
        return Verdict("needs_review", 0.0, [Msg("g.review")])
    if not nodes:
        return Verdict("unparsable", 0.0, [Msg("g.unparsable", why=_why(str(error), "convexpr"))])
    node = nodes[0]
    from solver.conv.evaluate import Value
    env = {k: Value(v, 2) for k, v in gold["env"].items()}
    env.update({alias: env["delta"] for alias in ("d", "G", "dY")})
    try:
        want = evaluate(gold_node, env)[0]
    except EvalError:
        return Verdict("needs_review", 0.0, [Msg("g.review")])
    candidates = list(nodes)
    from solver.conv.expr import BinOp
    if isinstance(node, BinOp) and node.op == "*":       # the book's X * δ: δ slides over X
        candidates.append(BinOp("*", node.right, node.left))
    for cand in candidates:
        try:
            got = evaluate(cand, env)[0]
        except EvalError:
            continue
        if got.shape == want.shape and all(sympy.expand(a - b) == 0 for ra, rb in zip(got.as_matrix(), want.as_matrix())
                                          for a, b in zip(ra, rb)):
            return Verdict("correct", 1.0)
    return Verdict("incorrect", 0.0, [Msg("g.expr_wrong")])


_CONV_WORDS = [
    (r"^(?P<a>.+?)\s*(?:与|和|跟)\s*(?P<b>.+?)\s*的\s*(?P<mode>full|valid|same|完全|全)?\s*(?:模式)?\s*(?P<op>互相关|相关|卷积)", "zh"),
    (r"^(?P<mode>full|valid|same)?\s*(?P<op>cross-?correlation|correlation|convolution)\s+of\s+(?P<a>.+?)\s+"
     r"(?:with|and)\s+(?P<b>.+?)(?:\s+in\s+(?P<mode2>full|valid|same)\s+mode)?\s*$", "en"),
]


def _convexpr_texts(text: str) -> list[str]:
    """Readings of a convolution expression as written: LaTeX with its left-hand side (``$\\frac{∂L}{∂W} =
    \\mathrm{corr}(\\delta, X)$``), and the operation in words (``rot180(W) 与 δ 的 full 互相关``, ``full
    cross-correlation of δ with rot180(W)``), the two operands tried in both orders since words do not say
    which one slides."""
    import re

    from .parse._text import Src, normalize, strip_label
    t = re.sub(r"∂L/∂[WX]\s*=", "", text).strip()
    try:
        src, _ = strip_label(normalize(Src.of(t)))
        t2 = re.sub(r"\s+", " ", src.text)
    except Exception:          # noqa: BLE001
        t2 = t
    t2 = re.sub(r"\bdelta\b", "δ", t2)
    out = []
    for cand in (t, t2):
        c = cand.replace("δ", "delta").replace("⋆", "*").strip()
        if c and c not in out:
            out.append(c)
    for pattern, _lang in _CONV_WORDS:
        m = re.match(pattern, t2.strip(), re.I)
        if m:
            a, b = (x.strip().replace("δ", "delta") for x in (m.group("a"), m.group("b")))
            mode = (m.groupdict().get("mode") or m.groupdict().get("mode2") or "valid").lower()
            mode = {"完全": "full", "全": "full"}.get(mode, mode)
            op = "conv" if m.group("op").lower() in ("卷积", "convolution") else "corr"
            tail = f", mode={mode}" if mode != "valid" else ""
            out += [f"{op}({a}, {b}{tail})", f"{op}({b}, {a}{tail})"]
    return out


def _compare_number(parsed: Any, gold: Any, expected: str, tolerance: dict | None) -> Verdict:
    if parsed.kind not in ("int", "real"):
        if parsed.kind == "vector" and len(parsed.value) == 1:
            parsed.value = parsed.value[0]
        else:
            return Verdict("incorrect", 0.0, [Msg("g.want_number", got=Plain(parsed.text))])
    sig = _sig_of(parsed)
    if expected == "real" and sig is None and isinstance(parsed.value, float):
        sig = _decimal_sig(parsed.text)
    if expected == "real" and sig is None and parsed.kind == "int" and not _exactly_equal(parsed.value, gold):
        sig = len(str(abs(parsed.value)))       # 116508 for 116508.44: a real rounded to units
    if (getattr(parsed, "factor", False) and not numbers_match(parsed.value, gold, sig, tolerance)
            and gold and parsed.value and numbers_match(parsed.value, 1 / gold, sig, tolerance)):
        gold = 1 / gold                  # "9x fewer", "减少为原来的 1/9": the factor's size is what is stated
    if numbers_match(parsed.value, gold, sig, tolerance):
        rounded = sig is not None and not _exactly_equal(parsed.value, gold)
        notes = [Msg("g.rounded", sig=sig)] if rounded else []
        if rounded and sig < DEFAULT_MIN_SIG and not tolerance:     # an exact 0.72 or 1.0 is not "too few figures"
            return Verdict("partial", 0.5, [Msg("g.too_few_figures", sig=sig, want=DEFAULT_MIN_SIG)])
        return Verdict("correct", 1.0, notes)
    return Verdict("incorrect", 0.0, [])


def _decimal_sig(text: str) -> int | None:
    import re
    m = re.search(r"(\d+)\.(\d+)", text)
    if not m:
        return None
    digits = (m.group(1).lstrip("0") + m.group(2)).lstrip("0") if m.group(1).strip("0") == "" else m.group(1).lstrip("0") + m.group(2)
    return max(1, len(digits))


def _as_list(parsed: Any) -> list[Any] | None:
    if parsed.kind in ("vector", "shape"):
        return list(parsed.value)
    if parsed.kind == "int":
        return [parsed.value]
    if parsed.kind == "matrix" and len(parsed.value) == 1:
        return list(parsed.value[0])
    if parsed.kind == "matrix" and all(len(r) == 1 for r in parsed.value):
        return [r[0] for r in parsed.value]
    return None


def _lists_match(a: list[Any], b: list[Any], tolerance: dict | None) -> bool:
    return len(a) == len(b) and all(numbers_match(x, y, None, tolerance) if not isinstance(x, float) else
                                    numbers_match(x, y, None, tolerance or {"rel": 1e-6}) for x, y in zip(a, b))


def _sort_key(v: Any) -> Any:
    try:
        return Fraction(v)
    except (TypeError, ValueError, OverflowError):
        return Fraction(0)


SQUARE = ("receptive_field", "jump")


def shape_policy(quantity: str | None, grading: dict | None = None) -> dict:
    """How a shape-like part may be written (README, "Square quantities, one channel, batch"): a square receptive
    field or jump as one number (Li Hang's R); a one-channel output shape as H×W; a batch dimension of 1 accepted
    with a note. A part overrides with ``square: false``, ``one_channel: false``, ``batch: refuse``."""
    grading = grading or {}
    return {"quantity": quantity,
            "square": quantity in SQUARE and grading.get("square", True) is not False,
            "one_channel": quantity == "output_shape" and grading.get("one_channel", True) is not False,
            "batch": grading.get("batch", "accept") if quantity == "output_shape" else "refuse"}


def _compare_vector(parsed: Any, gold: list[Any], expected: str, tolerance: dict | None,
                    policy: dict | None = None) -> Verdict:
    values = _as_list(parsed)
    if values is None:
        return Verdict("incorrect", 0.0, [Msg("g.want_vector", n=len(gold))])
    policy = policy or {}
    if expected == "shape" and policy and len(values) != len(gold):
        if policy.get("square") and len(values) == 1 and len(gold) > 1 and len(set(gold)) == 1:
            # one number for a square size: read as n×n, then compared (a wrong one is still named: 6 → 6×6)
            inner = _compare_vector(_Listed(values * len(gold)), gold, expected, tolerance, {**policy, "square": False})
            return Verdict(inner.verdict, inner.fraction, [Msg("g.square", n=Plain(str(values[0])))] + inner.feedback,
                           inner.mistake)
        if (policy.get("batch") == "accept" and len(values) == len(gold) + 1 and values[0] == 1):
            inner = _compare_vector(_Listed(values[1:]), gold, expected, tolerance, {**policy, "batch": "refuse"})
            if inner.verdict == "correct":
                return Verdict("correct", 1.0, [Msg("g.batch")] + inner.feedback)
        if policy.get("one_channel") and len(gold) == 3 and gold[0] == 1 and len(values) == 2:
            inner = _compare_vector(_Listed([1] + values), gold, expected, tolerance, {**policy, "one_channel": False})
            return Verdict(inner.verdict, inner.fraction, [Msg("g.one_channel")] + inner.feedback, inner.mistake)
        if policy.get("quantity") == "output_shape" and len(gold) == 3 and len(values) == 2 and gold[0] != 1:
            if _lists_match(values, gold[1:], tolerance):
                return Verdict("incorrect", 0.0, [Msg("g.channels_missing", c=gold[0])])
        if policy.get("quantity") == "output_shape" and len(values) == len(gold) + 1 and values[0] != 1:
            if _lists_match(values[1:], gold, tolerance):
                return Verdict("incorrect", 0.0, [Msg("g.batch_not_one", b=Plain(str(values[0])))])
    if _lists_match(values, gold, tolerance):
        return Verdict("correct", 1.0)
    if expected == "shape" and len(values) == len(gold) == 3 and _lists_match(values, [gold[1], gold[2], gold[0]], None):
        return Verdict("correct", 1.0, [Msg("g.layout_hwc")])
    if len(values) == len(gold) and sorted(map(_sort_key, values)) == sorted(map(_sort_key, gold)):
        return Verdict("incorrect", 0.0, [Msg("g.layout_other")])
    if len(values) != len(gold):
        return Verdict("incorrect", 0.0, [Msg("g.length", got=len(values), want=len(gold))])
    wrong = [i + 1 for i, (x, y) in enumerate(zip(values, gold)) if not numbers_match(x, y, None, tolerance or {"rel": 1e-6})]
    return Verdict("incorrect", 0.0, [Msg("g.entries_wrong_vec", which=Listing(tuple(map(str, wrong))))])


class _Listed:
    """A list of numbers already read (a shape without its batch dimension)."""

    kind = "vector"

    def __init__(self, values: list[Any]) -> None:
        self.value = values


def _symbol_key(entry: Any) -> str:
    """x_{11}, x[1, 1], x11, x_11 → 'x11': the name of one entry of a symbolic matrix."""
    import re
    return re.sub(r"[^0-9A-Za-z]", "", str(entry)).lower()


def _symbol_rows(text: str) -> list[list[str]] | None:
    """The entries of a matrix of symbols as names: LaTeX (``\\begin{bmatrix} x_{11} & … \\\\ … \\end{bmatrix}``),
    nested lists (``[[x11, x12], …]``) or one row per line."""
    import re
    t = re.sub(r"\$+", "", text).strip()
    t = re.sub(r"^[^=\[\\]*=", "", t).strip()            # a left-hand side: ∂Y/∂W =
    env = re.search(r"\\begin\{[a-zA-Z]*matrix\*?\}(?:\{[^{}]*\})?(.*?)\\end\{[a-zA-Z]*matrix\*?\}", t, re.S) or \
        re.search(r"\\begin\{array\}\{[^{}]*\}(.*?)\\end\{array\}", t, re.S)
    if env:
        rows = [[c for c in r.split("&")] for r in re.split(r"\\\\", env.group(1)) if r.strip()]
    elif t.startswith("[["):
        rows = [r.split(",") for r in re.findall(r"\[([^\[\]]*)\]", t[1:-1])]
    else:
        rows = [re.split(r"[,\s]+", r.strip()) for r in re.split(r"[;\n]", t) if r.strip()]
    rows = [[_symbol_key(c) for c in r if c.strip()] for r in rows]
    if any(not re.fullmatch(r"[a-z]{1,8}\d+|\d+", c) for r in rows for c in r):
        return None
    if not rows or any(not r for r in rows) or len({len(r) for r in rows}) != 1 or len(rows) > 100:
        return None
    return rows


def _compare_symbol_matrix(parsed: Any, gold: Any) -> Verdict:
    """A matrix whose entries are symbols (a full Jacobian such as ∂Y/∂W), compared entry by entry by name."""
    import ast
    rows = gold.get("rows") if isinstance(gold, dict) else None
    if isinstance(rows, str):
        try:
            rows = ast.literal_eval(rows)
        except (ValueError, SyntaxError):
            rows = None
    if not rows:
        return Verdict("needs_review", 0.0, [Msg("g.review")])
    text = getattr(parsed, "text", "") or ""
    got = _symbol_rows(text) if len(text) <= 20_000 else None
    if not got:
        import re
        if not re.search(r"[\[\\\d]", text):          # "see the attached sheet": a teacher has to look
            return Verdict("needs_review", 0.0, [Msg("g.review")])
        why = f"expected a {len(rows)}×{len(rows[0])} matrix whose entries are names such as x_{{11}} or numbers"
        return Verdict("unparsable", 0.0, [Msg("g.unparsable", why=_why(why, "matrix"))])
    want = [[_symbol_key(x) for x in r] for r in rows]
    shape, need = (len(got), len(got[0]) if got else 0), (len(want), len(want[0]))
    if got == want:
        return Verdict("correct", 1.0)
    if shape == (need[1], need[0]) and got == [list(c) for c in zip(*want)]:
        return Verdict("incorrect", 0.0, [Msg("g.transposed")], mistake="transposed")
    if shape != need:
        return Verdict("incorrect", 0.0, [Msg("g.shape", got=f"{shape[0]}×{shape[1]}", want=f"{need[0]}×{need[1]}")])
    wrong = [(i + 1, j + 1) for i, r in enumerate(got) for j, v in enumerate(r) if v != want[i][j]]
    shown = Listing(tuple(f"({i}, {j})" for i, j in wrong[:6]), len(wrong) > 6)
    return Verdict("incorrect", 0.0, [Msg("g.entries_wrong", n=len(wrong), total=need[0] * need[1], which=shown)])


def _compare_matrix(parsed: Any, gold: list[list[Any]], tolerance: dict | None) -> Verdict:
    if parsed.kind != "matrix":
        flat = _as_list(parsed)
        if flat is not None and len(gold) == 1:
            return _compare_vector(parsed, gold[0], "vector", tolerance)
        return Verdict("incorrect", 0.0, [Msg("g.want_matrix", r=len(gold), c=len(gold[0]))])
    m = parsed.value
    shape = (len(m), len(m[0]) if m else 0)
    want = (len(gold), len(gold[0]))
    tol = tolerance or {"rel": 1e-6}

    def same(a: list[list[Any]], b: list[list[Any]]) -> bool:
        return all(len(ra) == len(rb) and all(numbers_match(x, y, None, tol) for x, y in zip(ra, rb))
                   for ra, rb in zip(a, b)) and len(a) == len(b)
    if shape == want and same(m, gold):
        return Verdict("correct", 1.0)
    transposed = [list(col) for col in zip(*gold)]
    if shape == (want[1], want[0]) and same(m, transposed):
        return Verdict("incorrect", 0.0, [Msg("g.transposed")], mistake="transposed")
    if shape != want:
        return Verdict("incorrect", 0.0, [Msg("g.shape", got=f"{shape[0]}×{shape[1]}", want=f"{want[0]}×{want[1]}")])
    wrong = [(i + 1, j + 1) for i, row in enumerate(m) for j, v in enumerate(row) if not numbers_match(v, gold[i][j], None, tol)]
    shown = Listing(tuple(f"({i}, {j})" for i, j in wrong[:6]), len(wrong) > 6)
    credit = 0.0
    return Verdict("incorrect", credit, [Msg("g.entries_wrong", n=len(wrong), total=want[0] * want[1], which=shown)])


# ------------------------------------------------------------------ symbolic

def _plain_symbols(e: Any) -> Any:
    """Drop assumptions (integer, positive…) so that the student's ``k`` and the gold's ``k`` are one symbol."""
    import sympy
    return e.xreplace({s: sympy.Symbol(s.name) for s in e.atoms(sympy.Symbol)})


def _symbolic_equal(a: Any, b: Any) -> str:
    """Runs in the worker: 'equal' or 'different'. Random points first (milliseconds, and a difference
    found there is certain); ``simplify`` (seconds on piecewise answers) only when the points cannot decide."""
    import sympy
    a, b = _plain_symbols(a), _plain_symbols(b)
    quick = _points_verdict(a, b)
    if quick != "unknown":
        return quick
    try:
        if sympy.simplify(a - b) == 0:
            return "equal"
    except Exception:
        pass
    return "different"


def _symbolic_equal_any(a: Any, golds: tuple) -> str:
    """'equal' when ``a`` equals one of the gold forms (e.g. general M×N and the exercise's 3×3)."""
    return "equal" if any(_symbolic_equal(a, g) == "equal" for g in golds) else "different"


def _random_points_equal(a: Any, b: Any, trials: int = 40) -> bool:
    return _points_verdict(a, b, trials) == "equal"


def _points_verdict(a: Any, b: Any, trials: int = 40) -> str:
    """WeBWorK-style: evaluate both at random integer points; Indexed entries get pseudo-random values.
    'different' when a point tells them apart, 'equal' when enough points agree, else 'unknown'."""
    import random
    import sympy
    rng = random.Random(1234)
    symbols = sorted((a.free_symbols | b.free_symbols) - _indexed_bases(a, b), key=str)
    table: dict[tuple, int] = {}

    def indexed_value(base: str, idx: tuple) -> int:
        key = (base,) + idx
        if key not in table:
            table[key] = rng.randint(-9, 9) or 7
        return table[key]

    agreed = one_sided = 0
    for _ in range(trials):
        point = {s: sympy.Integer(rng.randint(1, 6)) for s in symbols if not isinstance(s, sympy.Indexed)}
        try:
            va, vb = (_evaluate_at(e, point, indexed_value) for e in (a, b))
        except Exception:
            return "unknown"
        if va is None or vb is None:
            return "unknown"
        if va.is_finite is not True or vb.is_finite is not True:      # a singular point: skip it
            one_sided += (va.is_finite is True) != (vb.is_finite is True)
            continue
        try:
            differ = abs(float(va) - float(vb)) > 1e-9 * max(1.0, abs(float(vb)))
        except (OverflowError, TypeError, ValueError):
            differ = bool(sympy.Ne(va, vb))
        if differ:
            return "different"
        agreed += 1
    if agreed >= trials // 4:
        return "equal"
    return "different" if one_sided and not agreed else "unknown"      # e.g. zoo against a finite answer


def _indexed_bases(a: Any, b: Any) -> set:
    import sympy
    out = set()
    for e in (a, b):
        for ind in e.atoms(sympy.Indexed):
            out |= {ind.base.label}
            out |= {ind}
        out |= {x.label for x in e.atoms(sympy.IndexedBase)}
    return out


def _evaluate_at(e: Any, point: dict, indexed_value: Any) -> Any:
    import sympy
    if isinstance(e, sympy.Piecewise):       # the first branch whose condition holds; skips rebuilding the Piecewise
        for branch in e.args:
            cond = branch.cond.xreplace(point)
            if cond is sympy.true:
                return _evaluate_at(branch.expr, point, indexed_value)
            if cond is not sympy.false:
                break
        else:
            return None
    e = e.xreplace(point)
    reps = {}
    for ind in e.atoms(sympy.Indexed):
        idx = tuple(int(i) for i in ind.indices)
        reps[ind] = sympy.Integer(indexed_value(str(ind.base.label), idx))
    e = e.xreplace(reps)
    if isinstance(e, sympy.Piecewise):
        e = e.doit()
    value = sympy.N(e)
    return value if value.is_number else None


def _sympy_number(v: Any) -> Any:
    """A parsed number (int, Fraction, float) as a sympy number — built from the value, never from text."""
    import sympy
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    return sympy.Integer(v) if isinstance(v, int) else sympy.Float(v)


def _compare_expr(parsed: Any, gold: Any) -> Verdict:
    if parsed.kind not in ("expr", "int", "real"):
        return Verdict("incorrect", 0.0, [Msg("g.want_expr")])
    if gold is None:
        return Verdict("needs_review", 0.0, [Msg("g.review")])
    import sympy
    student = parsed.value if parsed.kind == "expr" else _sympy_number(parsed.value)
    golds = tuple(gold) if isinstance(gold, (tuple, list)) else (gold,)     # equivalent forms of the answer
    from .timeout import run_limited       # multiprocessing only when a symbolic answer is compared
    ok, result = run_limited(_symbolic_equal_any, (student, golds), SYMBOLIC_SECONDS)
    if not ok:
        return Verdict("unparsable", 0.0, [Msg("g.timeout", s=SYMBOLIC_SECONDS)])
    if result == "equal":
        return Verdict("correct", 1.0)
    return Verdict("incorrect", 0.0, [Msg("g.expr_wrong")])
