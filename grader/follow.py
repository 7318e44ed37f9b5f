"""Follow-through (error carried forward, issue 11 item 11): a later part that is right *given the student's own
earlier answers* earns a share of its points, with feedback that says so.

The dependencies are derived from the solver's structure, not written by hand: for a network exercise, the
per-layer results of the analysis in the solution's context (``analyses``) say what follows from what —

- FLOPs = 2 × the MACs of the same network and layer;
- a ratio = the student's own count of the numerator network ÷ the student's own count of the denominator;
- a total = the sum of the per-layer counts, when every layer that counts has its own part;
- the MACs of one layer = the elements of the student's output shape of that layer × the layer's cost per
  output element;
- a shape after layer j = the network's layers i+1…j applied to the student's shape after layer i (the nearest
  earlier part of the same network);
- a receptive field or jump after layer j = the recurrence R_l = R_(l−1) + (k_l − 1)·d_l·J_(l−1),
  J_l = J_(l−1)·s_l run from the student's R_i and J_i;

and for a convolution exercise, a true/false part whose two sides are the expressions of earlier parts
(``W * rot90cw(X) = W * X``) follows from whether the student's own results of those parts are equal.

A dependency is used only when, fed the gold answers of its sources, it gives back the gold answer of the part
(checked once per part), so a rule can never credit a relation the solver does not have. Only an incorrect
later part whose own earlier source is wrong is looked at (or one whose named mistake earned less); the credit is
``partial`` with ``mistake: follow_through``. The share is the part's ``follow_through`` (``false`` turns it off, a number 0–1 is the
share), else the exercise's ``grading: {follow_through: …}``, else :data:`DEFAULT_SHARE`.

Example:
    >>> from grader.answers import AnswerSheet
    >>> from grader.grade import grade_sheet
    >>> r = grade_sheet(AnswerSheet("s", "s.yaml", {"hw-q3": {"macs": "3,000,000", "flops": "6,000,000"}}))
    >>> flops = next(p for p in r.parts if p.part == "flops")
    >>> flops.verdict, flops.score, flops.feedback[0].render("en")
    ('partial', 0.5, 'Right from your macs = 3,000,000; macs itself is wrong.')
"""
from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from solver.i18n import Msg, Plain
from solver.values import shape_text

DEFAULT_SHARE = 0.5


@dataclass(frozen=True)
class Dependency:
    sources: tuple[str, ...]                      # earlier part ids, in ask order
    compute: Callable[[dict[str, Any]], Any]      # {source: value} → this part's value


class _Joined:
    """Part ids or ``part = answer`` items: ", " in English, "、" in Chinese."""

    def __init__(self, items: list[str]) -> None:
        self.items = items

    def render(self, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(self.items)


def share_of(gold: Any, part_id: str) -> float | None:
    """The follow-through share of a part (None: off)."""
    own = gold.parts[part_id].part.grading.get("follow_through")
    ex = (getattr(gold.exercise, "grading", None) or {}).get("follow_through")
    value = own if own is not None else ex
    if value is False:
        return None
    if value is None or value is True:
        return DEFAULT_SHARE
    return float(value)


# ------------------------------------------------------------------ dependencies from the solver's structure

def _scope(gold: Any, pid: str) -> tuple[str, int, bool] | None:
    """(network name, layer counted to, whether the part names a layer) of a network part."""
    from .mistakes import _net
    try:
        net, analysis, at = _net(gold, gold.parts[pid].part)
    except Exception:              # noqa: BLE001 - a ratio names two networks: no single scope
        return None
    return net.name, at if at else len(analysis.layers), bool(at)


@lru_cache(maxsize=1024)
def dependencies(ex_id: str, seed: int | None, part_id: str) -> tuple[Dependency, ...]:
    """The checked dependencies of one part on earlier parts of the same exercise."""
    from .gold import gold_for
    gold = gold_for(ex_id, seed)
    if gold.exercise.kind not in ("network", "rf_proof", "convolution"):
        return ()
    order = list(gold.parts)
    earlier = order[:order.index(part_id)]
    try:
        found = _candidates(gold, part_id, earlier)
    except (KeyError, AttributeError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return ()
    checked = []
    for dep in found:                 # fed the gold sources, the rule must give the gold answer
        try:
            value = dep.compute({s: gold.parts[s].value for s in dep.sources})
        except Exception:             # noqa: BLE001
            continue
        if _same(value, gold.parts[part_id].value):
            checked.append(dep)
    return tuple(checked)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return a == b


def _candidates(gold: Any, pid: str, earlier: list[str]) -> list[Dependency]:
    gp = gold.parts[pid]
    q = gp.part.quantity
    out: list[Dependency] = []
    ctx = gold.solution.context
    if gold.exercise.kind == "convolution":
        # "W * rot90cw(X) = W * X": true or false as the student's own results of the two sides' parts say
        expr = str(gp.part.options.get("expr", ""))
        sides = re.split(r"\s=\s", expr, maxsplit=1)          # not the "=" of mode=full
        if gp.expected == "bool" and len(sides) == 2:
            left, right = (t.strip() for t in sides)
            by_expr = {str(gold.parts[s].part.options.get("expr", "")).strip(): s for s in earlier
                       if gold.parts[s].expected in ("matrix", "vector")}
            if left in by_expr and right in by_expr:
                a, b = by_expr[left], by_expr[right]
                out.append(Dependency((a, b), lambda v, a=a, b=b: _same(v[a], v[b])))
        return out
    if q == "ratio":
        what = gp.part.options.get("of")
        names = (gp.part.options.get("numerator"), gp.part.options.get("denominator"))
        totals = []
        for name in names:
            src = next((s for s in earlier if gold.parts[s].part.quantity == what and _scope(gold, s)
                        and _scope(gold, s)[0] == name and not _scope(gold, s)[2]), None)
            layers = ctx["analyses"][name].layers
            fixed = sum(la.params if what == "params" else la.macs for la in layers) * (2 if what == "flops" else 1)
            totals.append((src, fixed))
        srcs = tuple(s for s, _ in totals if s)
        if srcs:
            (a_src, a_fixed), (b_src, b_fixed) = totals
            out.append(Dependency(srcs, lambda v, a=a_src, b=b_src, fa=a_fixed, fb=b_fixed:
                                  (v[a] if a else fa) / (v[b] if b else fb)))
        return out
    scope = _scope(gold, pid)
    if scope is None:
        return out
    name, at, named = scope
    analysis = ctx["analyses"][name]
    same_net = [s for s in earlier if _scope(gold, s) and _scope(gold, s)[0] == name]
    if q == "flops":
        src = next((s for s in same_net if gold.parts[s].part.quantity == "macs" and _scope(gold, s)[1:] == (at, named)),
                   None)
        if src:
            out.append(Dependency((src,), lambda v, s=src: 2 * v[s]))
    if q in ("params", "macs", "flops") and not named:
        key = "params" if q == "params" else "macs"
        counting = [i for i, la in enumerate(analysis.layers, start=1) if getattr(la, key)]
        per_layer = {_scope(gold, s)[1]: s for s in same_net
                     if gold.parts[s].part.quantity == q and _scope(gold, s)[2]}
        if counting and len(counting) > 1 and all(i in per_layer for i in counting):
            srcs = tuple(per_layer[i] for i in counting)
            out.append(Dependency(srcs, lambda v, ss=srcs: sum(v[s] for s in ss)))
    if q in ("macs", "flops"):
        counting = [i for i, la in enumerate(analysis.layers, start=1) if la.macs]
        layer = at if named else (counting[0] if len(counting) == 1 else None)
        if layer is not None and analysis.layers[layer - 1].macs:
            src = next((s for s in same_net if gold.parts[s].part.quantity == "output_shape"
                        and _scope(gold, s)[1] == layer), None)
            la = analysis.layers[layer - 1]
            per = la.macs / math.prod(la.out_shape)
            factor = 2 if q == "flops" else 1
            if src and per == int(per):
                out.append(Dependency((src,), lambda v, s=src, p=int(per), f=factor: f * p * math.prod(v[s])))
    if q == "output_shape":
        prev = [s for s in same_net if gold.parts[s].part.quantity == "output_shape" and _scope(gold, s)[1] < at]
        if prev:
            src = max(prev, key=lambda s: _scope(gold, s)[1])
            start = _scope(gold, src)[1]
            from .mistakes import _net
            net = _net(gold, gp.part)[0]
            out.append(Dependency((src,), lambda v, s=src, i=start, j=at, n=net: _shape_from(n, v[s], i, j)))
    if q in ("receptive_field", "jump"):
        def at_of(s: str) -> int:
            return _scope(gold, s)[1]
        rfs = {at_of(s): s for s in same_net if gold.parts[s].part.quantity == "receptive_field" and at_of(s) < at}
        jumps = {at_of(s): s for s in same_net if gold.parts[s].part.quantity == "jump" and at_of(s) < at}
        starts = sorted(set(jumps) | (set(rfs) if q == "receptive_field" else set()), reverse=True)
        for i in starts[:1]:
            r_src, j_src = rfs.get(i), jumps.get(i)
            gold_r = list(analysis.layers[i - 1].rf or ())
            gold_j = list(analysis.layers[i - 1].jump or ())
            if q == "jump" and not j_src:
                continue
            if q == "jump":
                r_src = None                  # a jump follows from the earlier jump alone
            srcs = tuple(s for s in (r_src, j_src) if s)
            out.append(Dependency(srcs, lambda v, i=i, r=r_src, jj=j_src, gr=gold_r, gj=gold_j, a=analysis, want=q:
                                  _recurrence(a, v[r] if r else gr, v[jj] if jj else gj, i, at, want)))
    return out


def _shape_from(net: Any, shape: list[int], i: int, j: int) -> list[int]:
    from solver.network.analysis import analyse
    layers = copy.deepcopy(net.layers[i:j])
    return list(analyse(tuple(int(x) for x in shape), layers).output_shape())


def _recurrence(analysis: Any, r: list[Any], jump: list[Any], i: int, j: int, want: str) -> list[Any]:
    r, jump = list(r), list(jump)
    for la in analysis.layers[i:j]:
        if la.windows is None:
            raise ValueError("the receptive field is undefined from here on")
        r = [r[d] + (w.k - 1) * w.d * jump[d] for d, w in enumerate(la.windows)]
        jump = [jump[d] * w.s for d, w in enumerate(la.windows)]
    return r if want == "receptive_field" else jump


# ------------------------------------------------------------------ applying it to a sheet

def carry_forward(gold: Any, answers: dict[str, Any], results: list[Any]) -> None:
    """Give follow-through credit, in place, to the incorrect parts of one exercise of one sheet. Never raises:
    follow-through only ever adds credit, so a failure leaves the results as graded."""
    try:
        _carry_forward(gold, answers, results)
    except Exception:               # noqa: BLE001 - any answer (symbols, huge numbers) must leave grading intact
        return


def _carry_forward(gold: Any, answers: dict[str, Any], results: list[Any]) -> None:
    if not any(r.verdict in ("incorrect", "partial") for r in results):
        return
    by_part = {r.part: r for r in results}
    values: dict[str, Any] = {}
    for pid, result in by_part.items():
        share = share_of(gold, pid)
        if share is None:
            continue
        # a named mistake with less credit (3,115,008 MACs from the student's own 32×26×26) is raised to the share
        upgrade = (result.verdict == "partial" and result.mistake not in (None, "follow_through")
                   and result.score < result.max_score * share)
        if result.verdict != "incorrect" and not upgrade:
            continue
        for dep in dependencies(gold.exercise.id, gold.exercise.seed, pid):
            srcs = [by_part.get(s) for s in dep.sources]
            if any(s is None or s.verdict in ("missing", "unparsable", "needs_review") for s in srcs):
                continue
            wrong = [s for s in srcs if s.verdict != "correct"]
            if not wrong:
                continue
            try:
                for s in dep.sources:
                    if s not in values:
                        values[s] = _student_value(gold, s, answers.get(s), by_part[s].__dict__.get("_parsed"))
                if any(values[s] is None for s in dep.sources):
                    continue
                derived = dep.compute({s: values[s] for s in dep.sources})
            except Exception:           # noqa: BLE001 - the student's values may not fit the network
                continue
            if _same(derived, gold.parts[pid].value) or not _matches(gold, pid, answers.get(pid), derived,
                                                                      result.__dict__.get("_parsed")):
                continue
            given = _Joined([f"{s} = {_shown(by_part[s].answer, values[s])}" for s in dep.sources])
            which = _Joined([s.part for s in wrong])
            said = Msg("f.right_from" if len(wrong) == 1 else "f.right_from_many", given=given, which=which)
            if upgrade:
                result.feedback = list(result.feedback) + [said]
            else:
                result.verdict, result.mistake, result.hint = "partial", "follow_through", None
                result.feedback = [said]
            result.score = round(result.max_score * share, 4)
            break


def _shown(text: str, value: Any) -> str:
    """An earlier answer as the student wrote it when that is short and plain (``4``, ``32×26×26``, ``3,115,008``),
    else the value it was read as (working and remarks left out)."""
    text = text.strip()
    if len(text) <= 24 and re.fullmatch(r"[\d.,\s×xX*\[\]()\-]+", text):
        return text
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, (list, tuple)) and value and not isinstance(value[0], (list, tuple)):
        return shape_text(value)
    try:
        if isinstance(value, (list, tuple)):
            return str([[float(x) if not float(x).is_integer() else int(x) for x in row] for row in value])[:60]
        return f"{float(value):.4g}"
    except (TypeError, ValueError, OverflowError):     # symbols, huge numbers: as written
        return text.splitlines()[0][:40] if text else ""


def _student_value(gold: Any, pid: str, raw: Any, parsed: Any = None) -> Any:
    """The student's answer to an earlier part as a value (a number, or a shape read under the part's policy)."""
    from .compare import _as_list, shape_policy
    from .parse import parse_answer
    gp = gold.parts[pid]
    parsed = parsed if parsed is not None else parse_answer(raw, gp.expected, quantity=gp.part.quantity)
    if parsed.kind == "unparsable":
        return None
    if gp.expected in ("int", "real"):
        v = parsed.value[0] if parsed.kind == "vector" and len(parsed.value) == 1 else parsed.value
        return v if isinstance(v, (int, float)) or hasattr(v, "numerator") else None
    if gp.expected in ("matrix", "vector"):
        return parsed.value if parsed.kind == gp.expected else None
    if gp.expected == "shape":
        values = _as_list(parsed)
        if values is None:
            return None
        policy = shape_policy(gp.part.quantity, gp.part.grading)
        want = len(gp.value)
        if len(values) == 1 and want > 1 and policy["square"]:
            values = values * want
        elif len(values) == 2 and want == 3 and policy["one_channel"] and gp.value[0] == 1:
            values = [1] + values
        elif len(values) == want + 1 and values[0] == 1 and policy["batch"] == "accept":
            values = values[1:]
        return values if len(values) == want else None
    return None


def _matches(gold: Any, pid: str, raw: Any, derived: Any, parsed: Any = None) -> bool:
    from .compare import compare, shape_policy
    from .parse import parse_answer
    gp = gold.parts[pid]
    parsed = copy.copy(parsed) if parsed is not None else parse_answer(raw, gp.expected, quantity=gp.part.quantity)
    if gp.expected == "int" and isinstance(derived, float):
        if not derived.is_integer():
            return False
        derived = int(derived)
    policy = shape_policy(gp.part.quantity, gp.part.grading) if gp.expected == "shape" else None
    return compare(parsed, derived, gp.expected, gp.part.grading.get("tolerance"), None, policy).verdict == "correct"
