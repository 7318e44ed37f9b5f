"""Reports of graded sheets: rich terminal tables, JSON (SPEC.md), a CSV gradebook, Gradescope results.

Files are written atomically (a temporary file in the same folder, then ``os.replace``).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from solver.i18n import Msg
from solver.render.atomic import atomic_write, safe_filename

from . import messages  # noqa: F401
from .grade import SheetResult

STYLE = {"correct": "green", "incorrect": "red", "partial": "yellow", "unparsable": "magenta",
         "needs_review": "cyan", "missing": "dim"}


def _render(items: list[Any], lang: str) -> str:
    return " ".join(i.render(lang) for i in items)


def to_dict(result: SheetResult, lang: str) -> dict[str, Any]:
    """The SPEC.md grade record."""
    out: dict[str, Any] = {"student": result.student, "score": round(result.score, 4),
                           "max_score": round(result.max_score, 4), "file": result.file,
                           "results": [{"exercise": p.exercise, "part": p.part, "verdict": p.verdict,
                                        "score": p.score, "max_score": p.max_score,
                                        "feedback": _render(p.feedback, lang), "mistake": p.mistake,
                                        "answer": p.answer} for p in result.parts]}
    if result.problems:
        out["problems"] = [m.render(lang) for m in result.problems]
    if result.seed is not None:
        out["seed"] = result.seed
    return out


def print_text(result: SheetResult, lang: str, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text
    title = Text.assemble((f"{result.student}", "bold"), f"  {result.score:g} / {result.max_score:g}  ",
                          (result.file, "dim"))
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for key in ("r.exercise", "r.part", "r.answer", "r.verdict", "r.score", "r.feedback"):
        table.add_column(Msg(key).render(lang), overflow="fold")
    for p in result.parts:
        table.add_row(Text(p.exercise), Text(p.part), Text(p.answer[:40]),
                      Text(Msg(f"v.{p.verdict}").render(lang), style=STYLE.get(p.verdict, "")),
                      Text(f"{p.score:g}/{p.max_score:g}"), Text(_render(p.feedback, lang)))
    console.print(table)
    for problem in result.problems:
        console.print(Text("  ! " + problem.render(lang), style="yellow"))


def gradebook_csv(results: list[SheetResult]) -> str:
    """One row per student, one column per exercise/part (``24.4/output``), then total and max."""
    columns: list[tuple[str, str]] = []
    for r in results:
        for p in r.parts:
            if (p.exercise, p.part) not in columns:
                columns.append((p.exercise, p.part))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["student"] + [f"{e}/{p}" for e, p in columns] + ["total", "max"])
    for r in results:
        scores = {(p.exercise, p.part): p.score for p in r.parts}
        writer.writerow([r.student] + [f"{scores[c]:g}" if c in scores else "" for c in columns]
                        + [f"{r.score:g}", f"{r.max_score:g}"])
    return buf.getvalue()


def gradescope(result: SheetResult, lang: str) -> dict[str, Any]:
    """Gradescope autograder ``results.json``: total score and one test per part."""
    return {"score": round(result.score, 4), "max_score": round(result.max_score, 4), "visibility": "visible",
            "tests": [{"name": f"{p.exercise} {p.part}", "score": p.score, "max_score": p.max_score,
                       "status": "passed" if p.verdict == "correct" else "failed",
                       "output": f"{Msg(f'v.{p.verdict}').render(lang)}. {_render(p.feedback, lang)}".strip()}
                      for p in result.parts]}


def write_gradescope(results: list[SheetResult], target: str, lang: str, single: bool | None = None) -> None:
    """One sheet: ``target`` is the results.json. Several: ``target`` is a folder with ``<student>/results.json``.
    ``single=False`` (a class was graded) writes the folder even when only one sheet could be graded."""
    if len(results) == 1 and single is not False:
        atomic_write(target, json.dumps(gradescope(results[0], lang), ensure_ascii=False, indent=2))
        return
    for r in results:
        safe = safe_filename(r.student)
        atomic_write(Path(target) / safe / "results.json", json.dumps(gradescope(r, lang), ensure_ascii=False, indent=2))
