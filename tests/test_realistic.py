"""Issue 11: realistic answers, as Chinese and English students write them, against a careful teacher's verdict.

The rows live in ``tests/realistic/*.yaml`` (keys in ``tests/realistic/README.md``). Each row becomes a small
answer file (Markdown, YAML or JSON, in its encoding), read with :func:`grader.answers.read_sheet` and graded with
:func:`grader.grade.grade_sheet`, exactly as ``grade`` does. The test asserts that no wrong answer is marked
correct and that at least 98 % of the rows get the teacher's verdict; ``python tests/test_realistic.py`` prints
the agreement per family and per language, and the rows that disagree.

A property test mutates gold answers the way wrong answers are wrong (off by one, ×2, ÷2, transposed, bias
dropped, padding dropped, one entry changed, the verdict flipped) and checks that none is ever marked correct.
"""
from __future__ import annotations

import copy
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from grader.answers import read_sheet  # noqa: E402
from grader.grade import grade_sheet  # noqa: E402
from solver.errors import InputError  # noqa: E402

TABLE_DIR = ROOT / "realistic"
SUFFIX = {"md": ".md", "yaml": ".yaml", "json": ".json"}
ENCODING = {None: "utf-8", "gb18030": "gb18030", "gbk": "gbk", "utf-16": "utf-16"}    # utf-16 writes a BOM


def load_rows() -> list[dict]:
    rows = []
    for path in sorted(TABLE_DIR.glob("*.yaml")):
        for i, row in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            row = dict(row)
            row["src"] = f"{path.stem}:{i}"
            row["e"] = str(row["e"])
            row.setdefault("f", "md")
            rows.append(row)
    return rows


ROWS = load_rows()


def file_text(row: dict) -> str:
    """The answer file a student would hand in for this row."""
    if "file" in row:
        return row["file"]
    ex, part, a, fmt = row["e"], row["p"], str(row["a"]), row["f"]
    if fmt == "md":
        colon = "：" if row.get("l") == "zh" else ": "
        head = f"## {ex}" if row.get("l") == "zh" else f"# {ex}"
        body = f"{part}{colon.strip() if chr(10) in a else colon}{chr(10) if chr(10) in a else ''}{a}"
        return f"{head}\n{body}\n"
    if fmt == "yaml":
        if a.lstrip().startswith("{"):                      # a flow mapping: the exercise's parts
            return f'answers:\n  "{ex}": {a}\n'
        return f'answers:\n  "{ex}":\n    {part}: {a}\n'
    if fmt == "json":
        return '{"answers": {' + json.dumps(ex) + ": {" + json.dumps(part) + ": " + a + "}}}\n"
    raise ValueError(fmt)


@dataclass
class Outcome:
    row: dict
    verdict: str           # the grader's verdict, or "error: …" when the file could not be read
    mistake: str | None
    feedback: str
    agrees: bool
    wrong_marked_correct: bool
    hint: str | None = None      # the step a wrong answer is told to re-check (grader.diagnose)


def agrees(teacher: str, verdict: str, mistake: str | None) -> bool:
    if teacher == "ok":
        return verdict == "correct"
    if teacher == "partial":
        return verdict == "partial"
    if teacher == "unreadable":
        return verdict == "unparsable"
    # wrong: incorrect, or partial credit that the exercise gives for a named mistake
    return verdict == "incorrect" or (verdict == "partial" and mistake is not None)


def run_row(row: dict, folder: Path) -> Outcome:
    path = folder / f"{row['src'].replace(':', '_')}{SUFFIX[row['f']]}"
    path.write_bytes(file_text(row).encode(ENCODING[row.get("enc")]))
    try:
        sheet = read_sheet(path)
        result = grade_sheet(sheet)
    except InputError as exc:
        return Outcome(row, f"error: {exc}", None, "", False, False)
    part = next((p for p in result.parts if p.exercise == row["e"] and p.part == row["p"]), None)
    if part is None:
        return Outcome(row, "absent", None, "", False, False)
    feedback = " ".join(f.render(row.get("l", "en")) if hasattr(f, "render") else str(f) for f in part.feedback)
    ok = agrees(row["v"], part.verdict, part.mistake)
    return Outcome(row, part.verdict, part.mistake, feedback, ok, row["v"] != "ok" and part.verdict == "correct",
                   part.hint)


_CACHE: list[Outcome] = []


def outcomes() -> list[Outcome]:
    if not _CACHE:
        with tempfile.TemporaryDirectory() as tmp:
            _CACHE.extend(run_row(r, Path(tmp)) for r in ROWS)
    return _CACHE


def reading_supported(enc: str | None) -> bool:
    """Whether ``read_sheet`` reads files in this encoding yet (another engineer's work in progress)."""
    if enc is None:
        return True
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "probe.md"
        p.write_bytes("# hw-q3\nparams：4640 个\n".encode(ENCODING[enc]))
        try:
            read_sheet(p)
        except InputError:
            return False
    return True


def summary(results: list[Outcome]) -> str:
    lines = []
    by: dict[str, list[Outcome]] = defaultdict(list)
    for o in results:
        by[o.row.get("fam", "?")].append(o)
        by["lang:" + o.row.get("l", "?")].append(o)
        by["format:" + o.row["f"]].append(o)
    lines.append(f"{'family':<14}{'rows':>6}{'agree':>8}{'%':>8}{'wrong→correct':>15}")
    for key in sorted(by, key=lambda k: (":" in k, k)):
        group = by[key]
        n, a = len(group), sum(o.agrees for o in group)
        w = sum(o.wrong_marked_correct for o in group)
        lines.append(f"{key:<14}{n:>6}{a:>8}{100 * a / n:>7.1f}%{w:>15}")
    n, a = len(results), sum(o.agrees for o in results)
    lines.append(f"{'all':<14}{n:>6}{a:>8}{100 * a / n:>7.1f}%{sum(o.wrong_marked_correct for o in results):>15}")
    named = [o for o in results if o.row.get("m")]
    lines.append(f"mistake named as the teacher would: {sum(o.mistake == o.row['m'] for o in named)} of {len(named)}")
    wrong = [o for o in results if o.row["v"] == "wrong"]
    lines.append(f"wrong answers with a named mistake: {sum(o.mistake is not None for o in wrong)} of {len(wrong)}")
    covered = sum(o.mistake is not None or o.hint is not None for o in wrong)
    lines.append(f"wrong answers with a named mistake or a step to re-check: {covered} of {len(wrong)}"
                 f" ({100 * covered / max(1, len(wrong)):.1f}%)")
    return "\n".join(lines)


def disagreements(results: list[Outcome]) -> str:
    out = []
    for o in results:
        if not o.agrees:
            r = o.row
            shown = r.get("a", r.get("file", ""))
            out.append(f"{r['src']:<16} {r['e']}/{r['p']} [{r['f']},{r.get('l')}] {shown!r:.70} teacher={r['v']}"
                       f" grader={o.verdict} {o.mistake or ''} | {o.feedback[:100]}")
    return "\n".join(out)


# ------------------------------------------------------------------ the table

def test_the_table_is_realistic_in_size_and_spread():
    assert len(ROWS) >= 400
    langs = Counter(r["l"] for r in ROWS)
    assert langs["zh"] >= 100 and langs["en"] >= 100
    assert sum(r["v"] != "ok" for r in ROWS) >= len(ROWS) / 3
    from solver.bank import load_bank
    kinds = {e.kind for e in load_bank()}
    covered = set()
    from grader.gold import gold_for
    for r in ROWS:
        covered.add(gold_for(r["e"]).exercise.kind)
    assert {"network", "convolution", "identity", "gradient", "rf_proof"} <= covered, covered
    assert kinds - covered <= {"explain", "code"}
    for r in ROWS:
        assert r["v"] in ("ok", "wrong", "partial", "unreadable"), r
        assert ("a" in r) != ("file" in r), r


def test_no_wrong_answer_is_marked_correct():
    results = outcomes()
    bad = [o for o in results if o.wrong_marked_correct]
    assert not bad, "wrong answers marked correct:\n" + disagreements(bad)


def test_agreement_with_the_teacher():
    results = outcomes()
    pending = {enc for enc in {r.get("enc") for r in ROWS} if not reading_supported(enc)}
    counted = [o for o in results if o.row.get("enc") not in pending]
    print("\n" + summary(results))
    if pending:
        print(f"not counted (reading {', '.join(sorted(pending))} is not supported yet): "
              f"{len(results) - len(counted)} rows")
    share = sum(o.agrees for o in counted) / len(counted)
    assert share >= 0.98, f"{share:.1%} agreement\n" + summary(results) + "\n" + disagreements(counted)


def test_feedback_on_every_wrong_answer():
    """Issue 11, item 12: at least 90 % of the wrong rows carry a named mistake or a hint naming the step to re-check
    (``grader.diagnose``), and no wrong answer is left without feedback."""
    results = outcomes()
    wrong = [o for o in results if o.row["v"] == "wrong" and not o.verdict.startswith("error")]
    assert len(wrong) >= 200
    covered = [o for o in wrong if o.mistake is not None or o.hint is not None]
    share = len(covered) / len(wrong)
    silent = [o for o in wrong if not o.feedback.strip()]
    print(f"\nwrong answers with a named mistake or a step to re-check: {len(covered)} of {len(wrong)} ({share:.1%})")
    assert share >= 0.90, disagreements([o for o in wrong if o not in covered])
    assert not silent, "wrong answers without feedback:\n" + "\n".join(o.row["src"] for o in silent)


# ------------------------------------------------------------------ mutated gold answers are never correct

def _mutable_parts() -> list[tuple[str, str]]:
    from grader.gold import gold_for
    out = []
    for ex in sorted({r["e"] for r in ROWS}):
        gold = gold_for(ex)
        for pid, gp in gold.parts.items():
            if gp.expected in ("int", "real", "shape", "vector", "matrix", "bool"):
                out.append((ex, pid))
    return out


MUTABLE = _mutable_parts()


def _bias(gold: Any, part: Any) -> int:
    """Biases of the layers a params part counts, from the network's own layer arguments."""
    ctx = gold.solution.context
    from solver.network.solve import layer_index, network_of
    net = network_of(gold.exercise, part, ctx["networks"])
    analysis = ctx["analyses"][net.name]
    at = layer_index(gold.exercise, part, net)
    layers = [analysis.layers[at - 1]] if at else analysis.layers
    total = 0
    for la in layers:
        a = la.layer.args
        if la.layer.family in ("conv", "conv_transpose") and a.get("bias"):
            total += a["out_channels"]
        elif la.layer.family == "linear" and a.get("bias"):
            total += a["out_features"]
    return total


def _padding_dropped(gold: Any, part: Any) -> list[int] | None:
    from solver.network.analysis import analyse
    from solver.network.solve import layer_index, network_of
    ctx = gold.solution.context
    net = network_of(gold.exercise, part, ctx["networks"])
    layers = copy.deepcopy(net.layers)
    changed = False
    for la in layers:
        pad = la.args.get("padding")
        if isinstance(pad, tuple) and any(pad):
            la.args["padding"] = (0,) * len(pad)
            changed = True
    if not changed:
        return None
    try:
        return list(analyse(net.input_shape, layers).output_shape(layer_index(gold.exercise, part, net)))
    except InputError:
        return None


def mutations(ex: str, pid: str) -> list[tuple[str, Any]]:
    from grader.gold import gold_for
    gold = gold_for(ex)
    gp = gold.parts[pid]
    v = gp.value
    out: list[tuple[str, Any]] = []
    if gp.expected == "bool":
        return [("flipped", not v)]
    if gp.expected in ("int", "real"):
        step = 1 if gp.expected == "int" or abs(v) < 1000 else abs(v) / 100     # a ratio of 8.26e6: off by 1 %
        out += [("plus one", v + step), ("minus one", v - step), ("times two", v * 2),
                ("halved", v / 2 if gp.expected == "real" else v // 2)]
        if gp.part.quantity == "params" and gold.exercise.kind in ("network", "rf_proof"):
            b = _bias(gold, gp.part)
            if b:
                out.append(("bias dropped", v - b))
    elif gp.expected in ("shape", "vector"):
        for i in range(len(v)):
            out.append((f"entry {i + 1} off by one", v[:i] + [v[i] + 1] + v[i + 1:]))
        if len(v) > 1:
            out.append(("spatial size doubled", v[:-1] + [v[-1] * 2]))
            out.append(("one entry halved", v[:-1] + [v[-1] // 2 if isinstance(v[-1], int) else v[-1] / 2]))
        if gp.part.quantity == "output_shape":
            dropped = _padding_dropped(gold, gp.part)
            if dropped:
                out.append(("padding dropped", dropped))
    elif gp.expected == "matrix" and not isinstance(v[0][0], list):
        t = [list(c) for c in zip(*v)]
        out.append(("transposed", t))
        for i, j in ((0, 0), (len(v) - 1, len(v[0]) - 1)):
            m = [list(r) for r in v]
            m[i][j] = m[i][j] + 1
            out.append((f"entry ({i + 1}, {j + 1}) changed", m))
        out.append(("doubled", [[2 * x for x in r] for r in v]))
    return [(name, x) for name, x in out if x != v and not (isinstance(x, (int, float)) and isinstance(v, (int, float))
                                                          and abs(x - v) <= 1e-9 * max(1, abs(v)))]


def write(value: Any, style: int) -> tuple[str, str]:
    """(format, raw text) of a value written in one of several student styles."""
    if isinstance(value, bool):
        return ("md", ["成立" if value else "不成立", "true" if value else "false", "holds" if value else
                       "does not hold"][style % 3])
    if isinstance(value, int):
        return [("md", str(value)), ("md", f"{value:,}"), ("yaml", str(value)), ("json", str(value)),
                ("md", f"答：{value} 个")][style % 5]
    if isinstance(value, float):
        return [("md", repr(value)), ("yaml", repr(value)), ("json", repr(value)), ("md", f"{value:.6g}"),
                ("md", f"{value:.6g}x")][style % 5]
    if value and isinstance(value[0], list):
        rows = [[int(x) if float(x).is_integer() else float(x) for x in r] for r in value]
        return [("md", json.dumps(rows)), ("md", "; ".join(" ".join(map(str, r)) for r in rows)),
                ("yaml", json.dumps(rows)), ("json", json.dumps(rows)),
                ("md", "\n".join(" ".join(map(str, r)) for r in rows))][style % 5]
    return [("md", "×".join(map(str, value))), ("md", str(tuple(value)) if len(value) > 1 else str(value[0])),
            ("yaml", json.dumps(value)), ("json", json.dumps(value)), ("md", " ".join(map(str, value)))][style % 5]


def test_mutated_gold_answers_are_never_correct():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    cases = [(ex, pid, name, value) for ex, pid in MUTABLE for name, value in mutations(ex, pid)]
    assert len(cases) > 200

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        @settings(max_examples=400, deadline=None, derandomize=True)
        @given(st.sampled_from(cases), st.integers(0, 14), st.sampled_from(["en", "zh"]))
        def check(case: tuple, style: int, lang: str) -> None:
            ex, pid, name, value = case
            fmt, raw = write(value, style)
            row = {"e": ex, "p": pid, "f": fmt, "l": lang, "a": raw, "v": "wrong", "src": "mutant"}
            o = run_row(row, folder)
            assert o.verdict != "correct", f"{ex}/{pid} {name}: {raw!r} ({fmt}) was marked correct"

        check()


if __name__ == "__main__":
    results = outcomes()
    print(summary(results))
    print()
    print(disagreements(results))
