"""``grade merge SHARDS…``: the class's gradebooks and report from JSON Lines shards (``grade --format json``
outputs, e.g. one per machine or per part of the class), as one ``grade`` run over the whole class would write
them.

    grade part1/ --assignment hw3.yaml --format json > shard1.jsonl      # on one machine
    grade part2/ --assignment hw3.yaml --format json > shard2.jsonl      # on another
    grade merge shard1.jsonl shard2.jsonl --assignment hw3.yaml --roster roster.csv \\
          --csv book.csv --xlsx book.xlsx --report report.html

A shard's line is a grade record or an error record (``{"file", "error"}``: an unreadable file). Records are
data: each field is checked, a line that is neither is an error naming the shard and the line (exit 2). Feedback
and notes come as the shards wrote them (in each student's language). Duplicate student ids across shards are
the same error as in one run: named, and left out of the gradebooks.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from solver.errors import InputError, finish, reported
from solver.i18n import Plain

VERDICTS = ("correct", "incorrect", "partial", "unparsable", "needs_review", "missing")
MAX_SHARD_BYTES = 2_000_000_000


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
        and abs(value) != float("inf")


def _part(raw: Any, where: str) -> Any:
    from .grade import PartResult
    if not (isinstance(raw, dict) and isinstance(raw.get("exercise"), str) and isinstance(raw.get("part"), str)
            and raw.get("verdict") in VERDICTS and _number(raw.get("score")) and _number(raw.get("max_score"))):
        raise InputError(f"{where}: a result needs exercise, part, verdict, score and max_score")
    feedback = raw.get("feedback") or ""
    mistake = raw.get("mistake")
    return PartResult(raw["exercise"], raw["part"], raw["verdict"], float(raw["score"]), float(raw["max_score"]),
                      str(raw.get("answer") or "")[:200], [Plain(str(feedback))] if feedback else [],
                      mistake if isinstance(mistake, str) else None,
                      raw.get("hint") if isinstance(raw.get("hint"), str) else None)


def sheet_from_record(record: dict, where: str, assignment: Any = None) -> Any:
    """A :class:`~grader.assignment.ClassSheet` from a grade record (scores as recorded)."""
    from .assignment import ClassSheet, score_decimals
    if not (isinstance(record.get("student"), str) and isinstance(record.get("results"), list)
            and _number(record.get("score")) and _number(record.get("max_score"))):
        raise InputError(f"{where}: a grade record needs student, score, max_score and results")
    parts = [_part(p, where) for p in record["results"]]
    notes = [Plain(str(n)) for n in record.get("notes") or [] if isinstance(n, str)]
    seed = record.get("seed") if isinstance(record.get("seed"), int) and not isinstance(record.get("seed"), bool) \
        else None
    decimals = assignment.decimals if assignment is not None else score_decimals(p.max_score for p in parts)
    by_exercise: dict[str, float] = {}
    for p in parts:
        by_exercise[p.exercise] = by_exercise.get(p.exercise, 0.0) + p.score
    return ClassSheet(record["student"], str(record.get("file") or ""), parts, [], seed, notes, None,
                      name=str(record.get("name") or ""), section=str(record.get("section") or ""),
                      decimals=decimals, fixed_max=float(record["max_score"]), exact=float(record["score"]),
                      exact_by_exercise=by_exercise)


def read_shards(paths: list[str], assignment: Any = None) -> tuple[list[Any], list[tuple[str, str]]]:
    """The graded sheets and the unreadable files ``(file, message)`` of every shard, in order."""
    from solver.files import read_text
    results: list[Any] = []
    failures: list[tuple[str, str]] = []
    for shard in paths:
        try:
            text = read_text(shard, MAX_SHARD_BYTES)
        except InputError:
            raise
        except OSError as exc:
            raise InputError(f"cannot read the shard: {exc.strerror or exc}", file=shard) from None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{shard}:{number}"
            try:
                record = json.loads(line)
            except ValueError:
                raise InputError(f"{where}: not a JSON record (a shard is the output of grade --format json)") \
                    from None
            if not isinstance(record, dict):
                raise InputError(f"{where}: not a grade record")
            if "error" in record and "results" not in record:
                failures.append((str(record.get("file") or ""), str(record["error"])))
            else:
                results.append(sheet_from_record(record, where, assignment))
    return results, failures


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True))
@click.option("--assignment", "assignment_path", type=click.Path(dir_okay=False),
              help="The assignment the shards were graded with (columns, title, points).")
@click.option("--roster", "roster_path", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of the gradebooks' headers and the report [default: the assignment's, else en].")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False))
@click.option("--csv-format", "csv_format", type=click.Choice(["plain", "canvas", "moodle"]), default="plain",
              show_default=True)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False))
@click.option("--report", "report_path", type=click.Path(dir_okay=False))
@reported
def command(shards: tuple[str, ...], banks: tuple[str, ...], assignment_path: str | None, roster_path: str | None,
            lang: str | None, csv_path: str | None, csv_format: str, xlsx_path: str | None,
            report_path: str | None) -> None:
    """Build the gradebooks and the class report from SHARDS (JSON Lines written by grade --format json)."""
    from .cli import _error
    from .gold import set_extra_banks
    from .gradebook import build_class
    from .teacher import class_warnings, load_inputs, split_clashes, write_outputs
    set_extra_banks([Path(b) for b in banks])
    assignment, roster = load_inputs(assignment_path, roster_path, [Path(b) for b in banks])
    results, failures = read_shards(list(shards), assignment)
    bad = bool(failures)
    results, clashed, ids, clash_lines = split_clashes(results)
    for line in clash_lines:
        _error(line)
    if clashed:
        bad = True
        failures += clashed
    book = build_class(results, failures, roster, assignment, ids=ids)
    for warning in class_warnings(book):
        _error(warning, "warning")
    lang = lang or (assignment.lang if assignment is not None else None) or "en"
    if not write_outputs(book, lang, csv_path=csv_path, csv_format=csv_format, xlsx=xlsx_path, pdf_dir=None,
                         report=report_path, font_paths=(), error=_error):
        finish(bad=True)                     # each output that could not be written: its line already
    from solver.errors import say
    from solver.i18n import Count, Msg
    click.echo(say(Msg("gw.merged_one" if len(shards) == 1 else "gw.merged", graded=Count(len(results)), failed=Count(len(failures)),
                       shards=Count(len(shards)))), err=True)
    finish(bad=bad)
