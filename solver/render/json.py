"""The JSON renderer (SPEC.md ``Result``), plus the fields a program may want beyond it."""
from __future__ import annotations

from typing import Any

from ..steps import Solution, Step
from .common import plan_items


def _step(step: Step, lang: str, number: str) -> dict[str, Any]:
    out: dict[str, Any] = {"number": number, "title": step.title.render(lang),
                           "text": step.text.render(lang) if step.text is not None else "",
                           "math": list(step.math), "rule": step.rule}
    if step.result is not None:
        out["result"] = step.result
    if step.table is not None:
        out["table"] = {"columns": [c.render(lang) for c in step.table.columns],
                        "rows": [[c.render(lang) if hasattr(c, "render") else c for c in row]
                                 for row in step.table.rows]}
    if step.children:
        out["steps"] = [_step(c, lang, f"{number}.{i}") for i, c in enumerate(step.children, start=1)]
    return out


def to_dict(solution: Solution, lang: str) -> dict[str, Any]:
    ex = solution.exercise
    return {
        "id": ex.id, "kind": ex.kind, "lang": lang,
        "title": ex.title.render(lang), "statement": ex.statement.render(lang),
        "answers": dict(solution.answers),
        **({"seed": ex.seed, "params": ex.values} if getattr(ex, "randomised", False) else {}),
        "plan": [p.render(lang) for p in plan_items(solution)],
        "steps": [_step(s, lang, str(i)) for i, s in enumerate(solution.steps, start=1)],
        "checks": [{"by": c.by, "part": c.part, "ok": c.ok, "detail": c.detail.render(lang)}
                   for c in solution.checks],
        **({"counterexamples": solution.context["counterexamples"]}
           if solution.context.get("counterexamples") else {}),
    }
