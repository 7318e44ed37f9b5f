"""Feedback on every wrong answer (issue 11, item 12): after the catalogue of typical mistakes
(:mod:`grader.mistakes`) has found nothing, name a mistake derived from the solver's own structure or, where
none fits, say which step to re-check — without giving the answer away.

Named here, from the solution's context:

- ``other_part``: the answer of another part of the same exercise (the max-pool answer given for the average);
- ``wrong_layer``: the shape, receptive field or jump after another layer of the network (the input of a layer
  instead of its output);
- ``layer_missing``: a total over several layers that leaves one layer out;
- one layer's ``padding_ignored`` / ``stride_ignored`` / ``floor_ceil`` / ``dilation_ignored``: the network
  re-analysed with that one layer changed, the layer named;
- ``scaled``: every entry of a matrix off by the same factor (a sum for an average);
- ``too_coarse`` and ``rounding``: a number rounded to fewer figures than asked, or its last figure wrong.

Otherwise a hint names the step (``PartResult.hint``): the output-size step of the layers that change the
size, the channel count of the last layer with channels, the parameter or MAC count of the layer(s) counted,
the two counts of a ratio, the recurrence of the receptive field, the size or the entries of a convolution's
result, and for a true/false identity the solver's counterexample (or why one side is undefined).

Example:
    >>> from grader.gold import gold_for
    >>> from grader.parse import parse_answer
    >>> d = diagnose(gold_for("mnist-cnn"), "shape_pool1", parse_answer("32×28×28", "shape"))
    >>> d.mistake, d.feedback[0].render("en")
    ('wrong_layer', 'This is the shape after layer 1 (Conv2d(1→32, k=3×3, p=1)), not after layer 3.')
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from solver.i18n import Msg, Plain
from solver.values import shape_text

MIN_SIG = 3


@dataclass
class Diagnosis:
    mistake: str | None = None
    feedback: list[Any] = field(default_factory=list)
    hint: str | None = None
    replace: bool = False        # the feedback replaces the comparison's ("wrong at positions 2, 3")


class _Numbers:
    """Layer numbers as a list: "1, 2, 3" in English, "1、2、3" in Chinese."""

    def __init__(self, numbers: list[int], more: bool = False) -> None:
        self.numbers, self.more = list(numbers), more

    def render(self, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(map(str, self.numbers)) + (" …" if self.more else "")


# ------------------------------------------------------------------ candidates computed once per part

@lru_cache(maxsize=2048)
def _candidates(ex_id: str, part_id: str, seed: int | None) -> tuple:
    """(mistake, value, message) pairs derived from the solution: other parts' answers, other layers' values, one
    layer changed at a time, one layer left out of a total."""
    from .gold import gold_for
    gold = gold_for(ex_id, seed)
    gp = gold.parts[part_id]
    out: list[tuple[str, Any, Any]] = []
    if gold.exercise.kind in ("network", "rf_proof") and gp.part.quantity in (
            "output_shape", "receptive_field", "jump", "params", "macs", "flops"):
        try:
            out += _network_candidates(gold, gp)
        except (KeyError, AttributeError, IndexError, TypeError, ValueError):
            pass
    if gold.exercise.kind == "convolution" and gp.part.quantity == "value":
        from .mistakes import _conv_variants, _drop_kw
        try:
            for v in _conv_variants(gold, gp.part, _drop_kw("padding")):     # corr(K, X, padding=1) without it
                out.append(("padding_ignored", v, Msg("g.mistake", what=Msg("m.padding_ignored"))))
        except (KeyError, AttributeError, IndexError, TypeError, ValueError):
            pass
    if gold.exercise.kind == "convolution" and gp.part.quantity == "value":
        try:
            out += _one_channel_candidates(gold, gp)
        except Exception:           # noqa: BLE001 - a candidate never breaks grading
            pass
    for other_id, other in gold.parts.items():      # the same quantity asked in another part
        if other_id != part_id and other.expected == gp.expected and other.value != gp.value \
                and other.part.quantity == gp.part.quantity and gp.expected in ("int", "real", "shape", "vector", "matrix"):
            out.append(("other_part", other.value, Msg("d.other_part", part=Plain(other_id))))
    return tuple(out)


def _one_channel_candidates(gold: Any, gp: Any) -> list[tuple[str, Any, Any]]:
    """A multi-channel convolution computed on one input channel only (the channels not summed): the solver's
    expression evaluated with every multi-channel operand cut to channel c."""
    from solver.conv.evaluate import EvalError, Value, evaluate
    from solver.values import to_json
    ctx = gold.solution.context
    node, env = ctx["nodes"][gp.part.id], ctx["env"]
    channels = {n: v.shape[0] for n, v in env.items() if len(v.shape) == 3}
    if not channels or len(set(channels.values())) != 1:
        return []
    out = []
    for c in range(next(iter(channels.values()))):
        cut = {n: (Value(v.data[c], 2) if n in channels else v) for n, v in env.items()}
        try:
            value = to_json(evaluate(node, cut)[0].data)
        except (EvalError, TypeError, ValueError, IndexError):
            continue
        if value != gp.value:
            out.append(("channels_not_summed", value, Msg("d.one_channel", c=c + 1)))
    return out


def _net(gold: Any, part: Any) -> tuple[Any, Any, int]:
    from .mistakes import _net as net_of
    net, analysis, at = net_of(gold, part)
    return net, analysis, at if at else len(analysis.layers)


def _network_candidates(gold: Any, gp: Any) -> list[tuple[str, Any, Any]]:
    from solver.errors import InputError
    from solver.network.analysis import analyse
    q = gp.part.quantity
    net, analysis, at = _net(gold, gp.part)
    out: list[tuple[str, Any, Any]] = []
    what = Msg(f"d.what.{q}") if q in ("output_shape", "receptive_field", "jump") else None

    def value_at(a: Any, i: int) -> Any:      # the quantity after layer i (0: the input)
        if q == "output_shape":
            return list(a.input_shape) if i == 0 else list(a.layers[i - 1].out_shape)
        if i == 0:
            return None
        got = getattr(a.layers[i - 1], "rf" if q == "receptive_field" else "jump")
        return list(got) if got is not None else None
    if what is not None:
        for i in range(0, len(analysis.layers) + 1):
            v = value_at(analysis, i)
            if i == at or v is None or v == gp.value:
                continue
            msg = (Msg("d.wrong_layer_input", what=what) if i == 0 else
                   Msg("d.wrong_layer", what=what, got=i, want=at, layer=Plain(analysis.layers[i - 1].layer.label())))
            out.append(("wrong_layer", v, msg))
    changes = {"padding": ("padding_ignored", lambda a: _set(a, "padding", lambda v: (0,) * len(a["kernel_size"])
                                                              if isinstance(v, tuple) and any(v) else None)),
               "stride": ("stride_ignored", lambda a: _set(a, "stride", lambda v: (1,) * len(v)
                                                            if isinstance(v, tuple) and any(s != 1 for s in v) else None)),
               "dilation": ("dilation_ignored", lambda a: _set(a, "dilation", lambda v: (1,) * len(v)
                                                                if isinstance(v, tuple) and any(s != 1 for s in v) else None)),
               "ceil": ("floor_ceil", lambda a: _set(a, "ceil_mode", lambda v: (not v) if isinstance(v, bool) else None))}
    if q in ("output_shape", "receptive_field", "jump", "macs", "flops"):
        for i, layer in enumerate(net.layers[:at], start=1):
            for key, (mistake, change) in changes.items():
                if q in ("receptive_field", "jump") and key == "ceil":
                    continue
                prefix = q not in ("macs", "flops") or bool(gp.part.options.get("at"))
                layers = copy.deepcopy(net.layers[:at] if prefix else net.layers)   # later layers may not fit
                if not change(layers[i - 1].args):
                    continue
                try:
                    new = analyse(net.input_shape, layers)
                except (InputError, ValueError, ZeroDivisionError):
                    continue
                if q in ("macs", "flops"):
                    chosen = [new.layers[at - 1]] if gp.part.options.get("at") else new.layers
                    v = sum(la.macs for la in chosen) * (2 if q == "flops" else 1)
                else:
                    v = value_at(new, at)
                if v is not None and v != gp.value:
                    out.append((mistake, v, Msg("d.layer_change", what=Msg(f"d.lc.{key}"), i=i,
                                                layer=Plain(analysis.layers[i - 1].layer.label()))))
    if q in ("params", "macs", "flops") and not gp.part.options.get("at"):
        counted = [(i, la) for i, la in enumerate(analysis.layers, start=1) if (la.params if q == "params" else la.macs)]
        if len(counted) > 1:
            for i, la in counted:
                part = la.params if q == "params" else la.macs * (2 if q == "flops" else 1)
                out.append(("layer_missing", gp.value - part, Msg("d.layer_missing", i=i, layer=Plain(la.layer.label()))))
    return out


def _set(args: dict, key: str, new: Any) -> bool:
    if key not in args:
        return False
    value = new(args[key])
    if value is None:
        return False
    args[key] = value
    return True


# ------------------------------------------------------------------ the diagnosis

def diagnose(gold: Any, part_id: str, parsed: Any, policy: dict | None = None,
             tolerance: dict | None = None) -> Diagnosis:
    """A named mistake, or a hint naming the step to re-check, for an answer already judged wrong."""
    from .compare import compare
    gp = gold.parts[part_id]
    if getattr(parsed, "kind", None) == "unparsable":
        return Diagnosis()
    try:
        candidates = _candidates(gold.exercise.id, part_id, gold.exercise.seed)
    except Exception:               # noqa: BLE001 - feedback never breaks grading
        candidates = ()
    number = _plain_number(parsed) if gp.expected in ("int", "real") and not tolerance else None
    for mistake, value, message in candidates:
        if number is not None and _far(number, value):
            continue                 # more than 60 % away: no rounding of the student's makes it this value
        if gp.expected == "shape" and _other_numbers(parsed, value):
            continue                 # the same count of numbers, not the same numbers in any order
        try:
            hit = compare(copy.copy(parsed), value, gp.expected, tolerance, None, policy).verdict == "correct"
        except Exception:           # noqa: BLE001 - a candidate never breaks grading
            hit = False
        if hit:
            return Diagnosis(mistake, [message], None, True)
    try:
        if gp.expected in ("int", "real"):
            return _numbers(gold, gp, parsed)
        if gp.expected == "shape":
            return _shapes(gold, gp, parsed, policy or {})
        if gp.expected in ("vector", "matrix"):
            return _not_conv(gold, _arrays(gold, gp, parsed))
        if gp.expected == "bool":
            return _booleans(gold, gp, parsed)
        if gp.expected == "expr_matrix":
            return Diagnosis(None, [Msg("h.jacobian")], "jacobian")
        if gp.expected == "expr":
            if gold.exercise.kind == "gradient":
                return Diagnosis(None, [Msg("h.index")], "index")
            return Diagnosis(None, [Msg("h.expr_part")], None)          # said, but not a specific step
        if gp.expected == "convexpr":
            named = _convexpr_mistake(gold, gp, parsed)
            if named is not None:
                return named
            return Diagnosis(None, [Msg("h.backprop", wrt=Plain(str(gp.part.options.get("wrt", "W"))))], "backprop")
    except Exception:               # noqa: BLE001 - feedback never breaks grading (symbols, huge numbers, …)
        return Diagnosis()
    return Diagnosis()


@lru_cache(maxsize=256)
def _convexpr_variants(ex_id: str, part_id: str, seed: int | None) -> tuple:
    """(mistake, gold-like dict) for a convolution-expression answer: the gold expression with the kernel flipped
    or not, or in another mode — the catalogue's transformations, applied to the solver's expression."""
    from solver.conv.expr import parse
    from solver.conv.solve import node_text
    from .gold import gold_for
    from .mistakes import _modes, _swap
    gold = gold_for(ex_id, seed)
    want = gold.solution.context.get("expr_answers", {}).get(part_id)
    if not isinstance(want, dict):
        return ()
    node = parse(want["expr"])
    node = getattr(node, "right", node)
    out = []
    for mistake, transform in (("kernel_flipped", _swap("corr", "conv")), ("kernel_not_flipped", _swap("conv", "corr")),
                               ("wrong_mode", _modes)):
        for variant in transform(node):
            text = node_text(variant)
            if text != node_text(node):
                out.append((mistake, {"expr": text, "env": want["env"]}))
    return tuple(out)


def _convexpr_mistake(gold: Any, gp: Any, parsed: Any) -> Diagnosis | None:
    from .compare import compare_convexpr
    from .mistakes import CATALOGUE
    text = getattr(parsed, "text", "")
    for mistake, variant in _convexpr_variants(gold.exercise.id, gp.part.id, gold.exercise.seed):
        try:
            verdict = compare_convexpr(text, variant).verdict
        except Exception:           # noqa: BLE001
            verdict = "error"
        hit = verdict == "correct" or (verdict == "needs_review" and _same_text(text, variant["expr"]))
        if hit:
            message = next(m.message for m in CATALOGUE if m.id == mistake)
            return Diagnosis(mistake, [Msg("g.mistake", what=message)], None, True)
    return None


def _same_text(a: str, b: str) -> bool:
    """The same expression as written (a variant undefined for the exercise's sizes cannot be evaluated)."""
    import re

    def norm(t: str) -> str:
        return re.sub(r"\s+", "", t.replace("δ", "delta").replace("mode='valid'", "").replace("mode=valid", ""))
    return norm(a) == norm(b)


def _figures(parsed: Any) -> int | None:
    sig = getattr(parsed, "sig", None)
    if sig is not None:
        return sig
    text = str(getattr(parsed, "text", "")).strip()
    import re
    m = re.fullmatch(r"\s*10\s*\^\s*\{?\s*\d+\s*\}?\s*", text)
    return 1 if m else None


def _numbers(gold: Any, gp: Any, parsed: Any) -> Diagnosis:
    try:
        s, g = float(parsed.value), float(gp.value)
    except (TypeError, ValueError, OverflowError):
        return _count_hint(gold, gp)
    if g and s and math.isfinite(s):
        rel = abs(s - g) / abs(g)
        sig = _figures(parsed)
        if sig == 1 and abs(math.log10(abs(s / g))) < 0.2 and s * g > 0:      # 10^7 for 8.26e6
            return Diagnosis("too_coarse", [Msg("d.too_coarse", want=MIN_SIG)], None, True)
        if sig is not None and sig >= 2 and rel < 10 ** (1 - sig) * 1.5:
            return Diagnosis("rounding", [Msg("d.rounding")], None, True)
        if rel < 0.01:
            return Diagnosis(None, [Msg("d.near")] + _count_hint(gold, gp).feedback, "near")
    return _count_hint(gold, gp)


def _other_numbers(parsed: Any, value: Any) -> bool:
    """Whether a shape answer cannot match ``value`` as written or in another layout (a cheap test before
    :func:`compare`; lists of another length are left to compare, which knows the square and batch policies)."""
    from .compare import _as_list
    try:
        mine = _as_list(parsed)
        return (mine is not None and isinstance(value, list) and len(mine) == len(value)
                and sorted(float(x) for x in mine) != sorted(float(x) for x in value))
    except (TypeError, ValueError, OverflowError):
        return False


def _plain_number(parsed: Any) -> float | None:
    if getattr(parsed, "factor", False) or parsed.kind not in ("int", "real"):
        return None                  # "9x fewer" may be compared with the inverse
    try:
        value = float(parsed.value)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _far(number: float, value: Any) -> bool:
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(v) and abs(number - v) > 0.6 * max(abs(v), abs(number))


def _count_hint(gold: Any, gp: Any) -> Diagnosis:
    """The step to re-check for a count or ratio (the same for every wrong answer to the part: computed once)."""
    feedback, hint = _count_hint_of(gold.exercise.id, gp.part.id, gold.exercise.seed)
    return Diagnosis(None, list(feedback), hint)


@lru_cache(maxsize=2048)
def _count_hint_of(ex_id: str, part_id: str, seed: int | None) -> tuple[tuple, str | None]:
    from .gold import gold_for
    gold = gold_for(ex_id, seed)
    found = _count_hint_uncached(gold, gold.parts[part_id])
    return tuple(found.feedback), found.hint


def _count_hint_uncached(gold: Any, gp: Any) -> Diagnosis:
    q = gp.part.quantity
    if gold.exercise.kind not in ("network", "rf_proof"):
        return Diagnosis(None, [Msg("h.recheck")], None)          # said, but not a specific step
    if q == "ratio":
        what = gp.part.options.get("of")
        num, den = gp.part.options.get("numerator"), gp.part.options.get("denominator")
        if what in ("params", "macs", "flops") and num and den:
            return Diagnosis(None, [Msg("h.ratio", of=Msg(f"h.of.{what}"), num=_net_label(gold, num),
                                        den=_net_label(gold, den))], "ratio")
        return Diagnosis(None, [Msg("h.recheck")], None)          # said, but not a specific step
    if q not in ("params", "macs", "flops"):
        return Diagnosis(None, [Msg("h.recheck")], None)          # said, but not a specific step
    net, analysis, at = _net(gold, gp.part)
    msgs: list[Any] = []
    if q == "flops":
        msgs.append(Msg("h.flops"))
    key = "params" if q == "params" else "macs"
    if gp.part.options.get("at"):
        la = analysis.layers[at - 1]
        msgs.append(Msg(f"h.{key}_layer", i=at, layer=Plain(la.layer.label()), formula=_formula(la, key)))
        return Diagnosis(None, msgs, f"{key}@{at}")
    counted = [(i, la) for i, la in enumerate(analysis.layers, start=1) if (la.params if key == "params" else la.macs)]
    if len(counted) == 1:
        i, la = counted[0]
        msgs.append(Msg(f"h.{key}_layer", i=i, layer=Plain(la.layer.label()), formula=_formula(la, key)))
        return Diagnosis(None, msgs, f"{key}@{i}")
    shown = ", ".join(f"{i}: {la.layer.label()}" for i, la in counted[:4]) + (" …" if len(counted) > 4 else "")
    msgs.append(Msg(f"h.{key}_total", layers=Plain(shown)))
    return Diagnosis(None, msgs, f"{key}:total")


def _net_label(gold: Any, name: str) -> Any:
    """A network's bilingual label (``3×3 卷积``), else its name."""
    nets = gold.solution.context.get("networks", {})
    net = nets.get(name) if isinstance(nets, dict) else None
    label = getattr(net, "label", None)
    return label if hasattr(label, "render") and label.render("en") else Plain(name)


def _formula(la: Any, key: str) -> Any:
    fam = la.layer.family
    if fam in ("conv", "conv_transpose"):
        return Msg(f"h.f.conv_{key}")
    if fam == "linear":
        return Msg(f"h.f.linear_{key}")
    return Msg("h.f.other")


def _spatial_changes(analysis: Any, at: int) -> list[int]:
    return [i for i, la in enumerate(analysis.layers[:at], start=1)
            if len(la.in_shape) > 1 and len(la.out_shape) > 1 and tuple(la.in_shape[1:]) != tuple(la.out_shape[1:])]


def _dims_msg(n: int, q: str) -> Any:
    if q != "output_shape":
        return Msg("h.dims.hw") if n == 2 else Msg("h.dims.n")
    return Msg({3: "h.dims.chw", 2: "h.dims.cl", 1: "h.dims.f"}.get(n, "h.dims.n"))


def _values_of(parsed: Any) -> list[Any] | None:
    from .compare import _as_list
    return _as_list(parsed)


def _shapes(gold: Any, gp: Any, parsed: Any, policy: dict) -> Diagnosis:
    q = gp.part.quantity
    values = _values_of(parsed)
    gold_v = list(gp.value)
    if gold.exercise.kind not in ("network", "rf_proof"):
        return Diagnosis()
    net, analysis, at = _net(gold, gp.part)
    msgs: list[Any] = []
    if values is not None and len(values) != len(gold_v):
        expanded = None
        if policy.get("square") and len(values) == 1 and len(set(gold_v)) == 1:
            expanded = values * len(gold_v)
        elif policy.get("one_channel") and len(gold_v) == 3 and gold_v[0] == 1 and len(values) == 2:
            expanded = [1] + values
        if expanded is None:
            if q == "output_shape" and len(values) == len(gold_v) - 1 == 2 and values == gold_v[1:]:
                return Diagnosis(None, [], "channels_missing")       # "these are the height and width" said it
            if q == "output_shape" and len(values) == len(gold_v) + 1 and values[1:] == gold_v:
                return Diagnosis(None, [], "batch")                  # "the first number looks like a batch" said it
            key = ("h.shape_count" if gp.part.options.get("at") else "h.shape_count_out") + (
                "1" if len(gold_v) == 1 else "")
            key = key.replace("count_out1", "count1_out")
            msgs.append(Msg(key, at=at, want=len(gold_v), got=len(values), what=_dims_msg(len(gold_v), q)))
            if not (q == "output_shape" and len(values) == len(gold_v) - 1 and len(gold_v) == 3):
                return Diagnosis(None, msgs, "shape_count", True)
            values = [None] + values              # H×W of a C×H×W shape: compare the spatial sizes
        else:
            values = expanded
    if q in ("receptive_field", "jump"):
        layers = [i for i, la in enumerate(analysis.layers[:at], start=1) if la.windows]
        shown = _Numbers(layers or [at])
        msgs.append(Msg("h.rf" if q == "receptive_field" else "h.jump", layers=shown))
        return Diagnosis(None, msgs, f"{q}@{at}")
    if values is None or len(values) != len(gold_v):
        return Diagnosis(None, msgs, None) if msgs else Diagnosis()
    if len(gold_v) > 1 and values[1:] == gold_v[1:] and values[0] != gold_v[0]:
        last = max((i for i, la in enumerate(analysis.layers[:at], start=1)
                    if la.layer.family in ("conv", "conv_transpose", "linear")), default=None)
        if last is not None:
            msgs.append(Msg("h.channels", i=last, layer=Plain(analysis.layers[last - 1].layer.label())))
            return Diagnosis(None, msgs, f"channels@{last}")
    if len(gold_v) == 1:
        last = max((i for i, la in enumerate(analysis.layers[:at], start=1)
                    if la.layer.family in ("linear", "flatten", "conv")), default=at)
        msgs.append(Msg("h.features", i=last, layer=Plain(analysis.layers[last - 1].layer.label())))
        return Diagnosis(None, msgs, f"features@{last}")
    changing = _spatial_changes(analysis, at) or [i for i, la in enumerate(analysis.layers[:at], start=1)
                                                  if la.windows and len(la.out_shape) > 1]
    if values[1:] != gold_v[1:] and changing:
        # the first size-changing layer whose output the answer no longer follows
        shown = _Numbers(changing[:6], len(changing) > 6)
        msgs.append(Msg("h.size_step" if len(changing) == 1 else "h.size_steps", layers=shown))
        return Diagnosis(None, msgs, "size@" + ",".join(map(str, changing)))
    return Diagnosis(None, msgs, None) if msgs else Diagnosis()


def _arrays(gold: Any, gp: Any, parsed: Any) -> Diagnosis:
    from .compare import _as_list
    expr = gp.part.options.get("expr")
    shown = Plain(str(expr)) if expr else Plain(gp.part.id)
    want = gp.value
    got = parsed.value if parsed.kind == "matrix" else None
    if gp.expected == "vector" or (got is None and _as_list(parsed) is not None and len(want) == 1):
        flat = _as_list(parsed)
        w = want if gp.expected == "vector" else want[0]
        if flat is None:
            return Diagnosis()
        if len(flat) != len(w):
            return Diagnosis(None, [Msg("h.result_size", expr=shown)], "size")
        return _entry_hint(flat and [flat], [w], shown)
    if got is None:
        return Diagnosis(None, [Msg("h.result_size", expr=shown)], "size")
    if (len(got), len(got[0]) if got else 0) != (len(want), len(want[0])):
        return Diagnosis(None, [Msg("h.result_size", expr=shown)], "size")
    return _entry_hint(got, want, shown)


def _not_conv(gold: Any, found: Diagnosis) -> Diagnosis:
    """The "operation" hint speaks of convolutions; other kinds (solver/nn_basics) get the generic one."""
    if found.hint == "operation" and gold.exercise.kind != "convolution":
        return Diagnosis(None, [Msg("h.recheck")], None)
    return found


def _entry_hint(got: list[list[Any]], want: list[list[Any]], expr: Any) -> Diagnosis:
    pairs = [(float(a), float(b)) for ra, rb in zip(got, want) for a, b in zip(ra, rb)]
    wrong = [(a, b) for a, b in pairs if not math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)]
    if not wrong:
        return Diagnosis()
    nonzero = [(a, b) for a, b in pairs if b]
    if len(pairs) > 1 and all(not math.isclose(a, b) for a, b in nonzero) and len(nonzero) == len(pairs):
        ratios = {round(a / b, 9) for a, b in pairs}
        if len(ratios) == 1 and next(iter(ratios)) not in (0.0, 1.0):
            return Diagnosis("scaled", [Msg("d.scaled")], None, True)
    if len(wrong) == len(pairs) and len(pairs) > 1:
        return Diagnosis(None, [Msg("h.operation", expr=expr)], "operation")
    return Diagnosis(None, [Msg("h.entries")], "entries")


def _booleans(gold: Any, gp: Any, parsed: Any) -> Diagnosis:
    ctx = gold.solution.context
    truth = gp.value
    if gold.exercise.kind == "identity":
        if truth:
            return Diagnosis(None, [Msg("h.holds")], "holds")
        values = (ctx.get("counterexamples") or {}).get(gp.part.id)
        if values:
            shown = ", ".join(f"{n} = {_matrix_text(v)}" for n, v in values.items())
            return Diagnosis(None, [Msg("h.counterexample", values=Plain(shown))], "counterexample")
        from solver.conv.identity import symbolic_env, eval_reason, compare as id_compare
        node = ctx["nodes"][gp.part.id]
        verdict, info = id_compare(node, symbolic_env(ctx["sizes"]))
        if verdict == "undefined":
            return Diagnosis(None, [Msg("h.undefined", why=eval_reason(info))], "undefined")
        if verdict == "shape":
            return Diagnosis(None, [Msg("h.sizes_differ", a=Plain(shape_text(info[0])),
                                        b=Plain(shape_text(info[1])))], "sizes")
        if verdict == "entry":
            return Diagnosis(None, [Msg("h.entry_differs", i=info[0] + 1, j=info[1] + 1)], "entry")
        return Diagnosis()
    expr = str(gp.part.options.get("expr", ""))
    how = Msg("h.sides_equal" if truth else "h.sides_differ")
    import re
    sides = re.split(r"\s=\s", expr, maxsplit=1)          # not the "=" of mode=full
    if len(sides) == 2:
        left, right = (s.strip() for s in sides)
        by_expr = {str(p.part.options.get("expr", "")).strip(): pid for pid, p in gold.parts.items()
                   if p.expected in ("matrix", "vector")}
        if left in by_expr and right in by_expr:
            return Diagnosis(None, [Msg("h.compare_parts", a=Plain(by_expr[left]), b=Plain(by_expr[right]), how=how)],
                             "compare_parts")
    return Diagnosis(None, [Msg("h.compute_sides", how=how)], "compute_sides")


def _matrix_text(v: Any) -> str:
    if isinstance(v, list) and v and isinstance(v[0], list):
        return "[" + ", ".join("[" + ", ".join(map(str, r)) + "]" for r in v) + "]"
    return str(v)
