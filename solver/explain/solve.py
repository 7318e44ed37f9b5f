"""``kind: explain``: the reference answer of an explanation question, as key points plus computed evidence.

Exercise format::

    kind: explain
    given:
      points:                                   # the rubric; the reference answer is built from the texts
        - id: identity_path
          weight: 2                             # optional, default 1
          part: answer                          # optional when the exercise has one part
          en: {text: "The shortcut adds the identity ...", phrasings: ["identity mapping", "skip + gradient"]}
          zh: {text: "捷径连接使导数中多了单位矩阵……", phrasings: ["恒等映射", "跳跃连接"]}
      experiment:                               # optional; a mapping, or a list of them
        name: resnet_gradients                  # see solver.explain.experiments
        depths: [4, 8, 16, 32, 64]              # the experiment's own parameters
    ask:
      - {id: answer, quantity: explanation}

A phrasing is a keyword or short phrase that shows the point is covered: English phrasings match
words with their inflections, in any order within a short window of one sentence; Chinese phrasings
match as substrings; ``a + b`` needs both in one sentence, ``a | b`` either (see :mod:`solver.explain.rubric`).

The answer of a part is the English reference text (the points' sentences joined); the steps hold
both languages, the experiment's tables and the rubric.

Example:
    >>> from solver.bank import load_exercise
    >>> sol = solve(load_exercise("hw-q7"))
    >>> sorted(sol.context["points"])
    ['answer']
"""
from __future__ import annotations

from typing import Any

from ..errors import suggest
from ..i18n import Msg, Plain, Sep, Text, label_ok, part_label
from ..model import ID_PATTERN, Exercise, check_keys
from ..steps import Check, Solution, Step, Table

QUANTITY = "explanation"
POINT_KEYS = ("id", "weight", "part", "en", "zh")
LANG_KEYS = ("text", "phrasings")
MAX_POINTS = 40
MAX_PHRASINGS = 60
MAX_PHRASING_CHARS = 200
MAX_TEXT_CHARS = 4000


def _text_field(ex: Exercise, raw: Any, path: tuple) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ex.error("must be a mapping {text, phrasings}", path)
    check_keys(ex, raw, LANG_KEYS, path, has="a language block has text, phrasings")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ex.error("text is required: the reference sentence of this point", path + ("text",))
    if len(text) > MAX_TEXT_CHARS:
        raise ex.error(f"text is longer than {MAX_TEXT_CHARS} characters", path + ("text",))
    phrasings = raw.get("phrasings")
    if not isinstance(phrasings, list) or not phrasings or len(phrasings) > MAX_PHRASINGS:
        raise ex.error(f"phrasings must be a list of 1 to {MAX_PHRASINGS} keywords or short phrases",
                       path + ("phrasings",))
    for i, ph in enumerate(phrasings):
        if not isinstance(ph, str) or not ph.strip() or len(ph) > MAX_PHRASING_CHARS:
            raise ex.error(f"a phrasing is a non-empty text of at most {MAX_PHRASING_CHARS} characters",
                           path + ("phrasings", i))
        from .rubric import compile_phrasing
        if not compile_phrasing(ph):
            raise ex.error(f"phrasing '{ph}' has no word left to match (only punctuation or common words)",
                           path + ("phrasings", i))
    from ..model import unfold_cjk
    return {"text": unfold_cjk(text.strip()), "phrasings": [p.strip() for p in phrasings]}


def read_points(ex: Exercise) -> dict[str, list[dict[str, Any]]]:
    """``given.points`` grouped by part id (in the order written); each point as a plain dict."""
    raw = ex.given.get("points")
    if not isinstance(raw, list) or not raw:
        raise ex.error("points must be a non-empty list of key points {id, weight, en, zh}", ("given", "points"))
    if len(raw) > MAX_POINTS:
        raise ex.error(f"at most {MAX_POINTS} key points", ("given", "points"))
    part_ids = [p.id for p in ex.ask]
    by_part: dict[str, list[dict[str, Any]]] = {pid: [] for pid in part_ids}
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = ("given", "points", i)
        if not isinstance(item, dict):
            raise ex.error("a key point is a mapping {id, weight, en, zh}", path)
        check_keys(ex, item, POINT_KEYS, path, has=f"a key point has {', '.join(POINT_KEYS)}")
        pid = item.get("id")
        if not isinstance(pid, str) or not ID_PATTERN.match(pid):
            raise ex.error("id is required: letters, digits, '.', '_' or '-'", path + ("id",))
        if pid in seen:
            raise ex.error(f"point id '{pid}' is used twice", path + ("id",))
        seen.add(pid)
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 100:
            raise ex.error("weight must be a positive number (at most 100)", path + ("weight",))
        part = item.get("part")
        if part is None:
            if len(part_ids) > 1:
                raise ex.error(f"this exercise has several parts: say which one the point belongs to "
                               f"(part: {' | '.join(part_ids)})", path)
            part = part_ids[0]
        if part not in by_part:
            raise ex.error(f"'{part}' is not a part id of this exercise; parts: {', '.join(part_ids)}",
                           path + ("part",))
        langs = {lang: _text_field(ex, item[lang], path + (lang,)) for lang in ("en", "zh") if lang in item}
        if not langs:
            raise ex.error("a key point needs en: {text, phrasings} and/or zh: {text, phrasings}", path)
        by_part[part].append({"id": pid, "weight": float(weight), "part": part, **langs})
    for index, pid in enumerate(part_ids):
        if not by_part[pid]:
            raise ex.error(f"part '{pid}' has no key point (give points with part: {pid})", ("ask", index))
    return by_part


def _read_parts(ex: Exercise) -> None:
    for part in ex.ask:
        if part.quantity != QUANTITY:
            raise ex.error(f"unknown quantity '{part.quantity}' for kind explain; known: {QUANTITY}",
                           ("ask", part.index, "quantity"))
        for key in part.options:
            if key == "label" and label_ok(part.options[key]):
                continue        # the part in the question's words ({en, zh}), shown instead of "(1)"
            raise ex.error(f"unknown option '{key}'; an explanation part has id, quantity, points (and a label)",
                           ("ask", part.index, key))


def read_experiments(ex: Exercise) -> list[dict[str, Any]]:
    """``given.experiment`` (a mapping or a list): name, part, validated parameters."""
    raw = ex.given.get("experiment")
    if raw is None:
        return []
    from . import experiments as xp
    items = raw if isinstance(raw, list) else [raw]
    if not items or len(items) > 6:
        raise ex.error("experiment is a mapping {name, ...} or a list of 1 to 6 of them", ("given", "experiment"))
    part_ids = [p.id for p in ex.ask]
    out = []
    for i, item in enumerate(items):
        base = ("given", "experiment") + ((i,) if isinstance(raw, list) else ())
        if not isinstance(item, dict):
            raise ex.error("an experiment is a mapping {name, ...parameters}", base)
        name = item.get("name")
        if name not in xp.EXPERIMENTS:
            hint = suggest(name, xp.EXPERIMENTS)
            raise ex.error(f"unknown experiment {name!r}{hint}; known: {', '.join(xp.EXPERIMENTS)}", base + ("name",))
        part = item.get("part")
        if part is None:
            if len(part_ids) > 1:
                raise ex.error(f"this exercise has several parts: say which one the experiment backs "
                               f"(part: {' | '.join(part_ids)})", base)
            part = part_ids[0]
        if part not in part_ids:
            raise ex.error(f"'{part}' is not a part id of this exercise; parts: {', '.join(part_ids)}", base + ("part",))
        params_raw = {k: v for k, v in item.items() if k not in ("name", "part")}
        try:
            params = xp.read(name, params_raw, ex, base)
        except xp.ExperimentError as exc:
            raise ex.error(exc.message, base + tuple(exc.path)) from None
        out.append({"name": name, "part": part, "params": params, "path": base})
    return out


def _point_step(n: int, point: dict[str, Any], weighted: bool) -> Step:
    title = Msg("explain.point.title_w", n=n, w=Plain(f"{point['weight']:g}")) if weighted else \
        Msg("explain.point.title", n=n)
    text = Text(point.get("en", {}).get("text", ""), point.get("zh", {}).get("text", ""))
    return Step(title, text=text, rule="explain.point")


def _rubric_step(points: list[dict[str, Any]]) -> Step:
    rows = []
    for n, p in enumerate(points, start=1):    # a point is named as in the steps (要点 n), its phrasings quoted
        en, zh = p.get("en", {}).get("phrasings", []), p.get("zh", {}).get("phrasings", [])
        rows.append([Msg("explain.point.title", n=n), Plain(f"{p['weight']:g}"),
                     Text("; ".join(en or zh), "、".join(f"“{x}”" for x in (zh or en)))])
    return Step(Msg("explain.rubric.title"), text=Msg("explain.rubric.text"),
                table=Table([Msg("explain.rubric.col.point"), Msg("explain.rubric.col.weight"),
                             Msg("explain.rubric.col.phrasings")], rows),
                rule="explain.rubric")


def reference_text(points: list[dict[str, Any]], lang: str = "en") -> str:
    """The reference answer of a part in one language: the points' sentences in order."""
    other = "zh" if lang == "en" else "en"
    texts = [(p.get(lang) or p.get(other) or {}).get("text", "") for p in points]
    return ("" if lang == "zh" else " ").join(t for t in texts if t)


def solve(ex: Exercise, *, run: bool = True) -> Solution:
    """The reference answer; with ``run=False`` (``--no-verify``) the experiments are read and validated but not
    run, so PyTorch is not imported: each shows as a step saying so."""
    _read_parts(ex)
    check_keys(ex, ex.given, ("points", "experiment"), ("given",), has="given has points, experiment")
    points = read_points(ex)
    specs = read_experiments(ex)
    if specs and run:
        from . import experiments as xp
        for spec in specs:
            try:
                spec["data"] = xp.run(spec["name"], spec["params"])
            except xp.ExperimentError as exc:
                raise ex.error(exc.message, spec["path"] + tuple(exc.path)) from None
    steps: list[Step] = []
    answers: dict[str, Any] = {}
    several = len(ex.ask) > 1
    for part in ex.ask:
        pts = points[part.id]
        weighted = len({p["weight"] for p in pts}) > 1
        part_steps = [Step(Msg("explain.points.title"), text=Msg("explain.points.text"),
                           children=[_point_step(i, p, weighted) for i, p in enumerate(pts, start=1)],
                           rule="explain.points")]
        for spec in specs:
            if spec["part"] == part.id and not run:
                part_steps.append(Step(Msg("explain.experiment.title", name=Msg(f"explain.name.{spec['name']}")),
                                       text=Msg("explain.experiment.not_run"), rule="explain.experiment.not_run"))
            elif spec["part"] == part.id:
                from . import experiments as xp
                part_steps.append(Step(Msg("explain.experiment.title", name=Msg(f"explain.name.{spec['name']}")),
                                       children=xp.steps(spec["name"], spec["params"], spec["data"]),
                                       rule=f"explain.experiment.{spec['name']}"))
        part_steps.append(_rubric_step(pts))
        if several:
            steps.append(Step(Msg("explain.part.title", part=part_label(
                part, None if "label" in part.options else Msg("explain.part.number", n=part.index + 1))), children=part_steps,
                              rule="explain.part"))
        else:
            steps += part_steps
        answers[part.id] = reference_text(pts, "en")
    plan: list[Any] = [Msg("explain.plan.points")]
    if specs:
        names = list(dict.fromkeys(s["name"] for s in specs))
        plan.append(Msg("explain.plan.experiment", names=Sep(tuple(Msg(f"explain.name.{n}") for n in names))))
    plan.append(Msg("explain.plan.rubric"))
    return Solution(ex, plan, steps, answers, context={"points": points, "experiments": specs})


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    """The rubric recognises every point of the reference answer (both languages); experiments re-checked."""
    from .rubric import match_points
    checks: list[Check] = []
    for part in ex.ask:
        pts = solution.context["points"][part.id]
        ids = [p["id"] for p in pts]
        found = {lang: match_points(reference_text(pts, lang), pts).matched for lang in ("en", "zh")}
        missing = [i for i in ids if not all(i in found[lang] for lang in found)]
        if missing:
            checks.append(Check("rubric", part.id, False,
                                Msg("explain.check.rubric_missing", missing=Plain(", ".join(missing)))))
        else:
            checks.append(Check("rubric", part.id, True, Msg("explain.check.rubric", en=len(found["en"]),
                                                             zh=len(found["zh"]), n=len(ids))))
    specs = solution.context.get("experiments") or []
    if specs:
        from . import experiments as xp
        for spec in specs:
            checks += xp.checks(spec["name"], spec["params"], spec["data"], spec["part"])
    return checks


def rubric_points(solution: Solution, part_id: str) -> list[dict[str, Any]]:
    """The key points of one part (what :func:`grader.rubric.grade_prose` takes)."""
    return list(solution.context["points"][part_id])
