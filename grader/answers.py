"""Answer files: YAML or JSON as in SPEC.md, or Markdown with one heading per exercise.

YAML/JSON::

    student: s001          # optional; the file name when absent
    seed: 7                # optional
    answers:
      "24.4": {output: [7, -6, 8, -2, 5]}

Markdown (what students naturally write)::

    # 24.4
    - output: [7, -6, 8, -2, 5]

    ## hw-q3
    params: 4,640
    flops: 7.23M

A heading names an exercise (``#``…``###``, optionally "Exercise"/"习题"/"题" before the id); the lines under it
are ``part: value`` (a leading ``-``/``*`` is allowed; ``：`` works too). Anything else is kept as prose of the
exercise's single part when there is exactly one part, else reported.

Example:
    >>> sheet = sheet_from_markdown("# 24.4\\n- output: [7, -6, 8, -2, 5]\\n", "s1.md")
    >>> sheet.answers["24.4"]["output"]
    '[7, -6, 8, -2, 5]'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.errors import InputError
from solver.yamlio import MAX_FILE_BYTES, parse_yaml

SUFFIXES = (".yaml", ".yml", ".json", ".md", ".markdown", ".txt")


@dataclass
class AnswerSheet:
    student: str
    file: str
    answers: dict[str, dict[str, Any]]
    seed: int | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES} bytes", file=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None


def sheet_from_data(data: Any, file: str, lines: dict | None = None) -> AnswerSheet:
    """Validate the YAML/JSON structure: ``{student, seed, answers: {exercise: {part: value}}}``."""
    if not isinstance(data, dict):
        raise InputError("an answer file is a mapping with 'answers' (and optionally 'student', 'seed')", file=file)
    unknown = set(data) - {"student", "seed", "answers", "name", "class"}
    if unknown:
        raise InputError(f"unknown field '{sorted(unknown)[0]}'; an answer file has student, seed, answers",
                         file=file, field=sorted(unknown)[0])
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise InputError("'answers' must map exercise ids to {part: value}", file=file, field="answers")
    out: dict[str, dict[str, Any]] = {}
    for ex_id, parts in answers.items():
        if not isinstance(parts, dict):
            raise InputError(f"answers of {ex_id} must map part ids to values", file=file,
                             field=f"answers.{ex_id}", line=(lines or {}).get(("answers", ex_id)))
        out[str(ex_id)] = {str(k): v for k, v in parts.items()}
    student = data.get("student")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InputError("seed must be a whole number", file=file, field="seed")
    line_map = {}
    for path, line in (lines or {}).items():
        if len(path) == 3 and path[0] == "answers":
            line_map[(str(path[1]), str(path[2]))] = line
    return AnswerSheet(str(student) if student is not None else Path(file).stem, file, out, seed, line_map)


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(?:exercise|problem|习题|题目|题)?\s*([A-Za-z0-9][A-Za-z0-9._\-]*)\s*[:：]?\s*(.*)$",
                      re.IGNORECASE)
_PART = re.compile(r"^\s*(?:[-*+]\s+)?\**([A-Za-z_][A-Za-z0-9_\-]*)\**\s*[:：]\s*(.*)$")
_META = re.compile(r"^\s*(student|seed|学号|姓名)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)


def sheet_from_markdown(text: str, file: str) -> AnswerSheet:
    """Read a Markdown answer file (see the module docstring)."""
    student: str | None = None
    seed: int | None = None
    answers: dict[str, dict[str, Any]] = {}
    lines: dict[tuple[str, str], int] = {}
    prose: dict[str, list[str]] = {}
    current: str | None = None
    last_part: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading:
            current, last_part = heading.group(1), None
            answers.setdefault(current, {})
            continue
        meta = _META.match(line)
        if current is None and meta:
            key, value = meta.group(1).lower(), meta.group(2)
            if key == "seed":
                if not value.isdigit():
                    raise InputError("seed must be a whole number", file=file, line=number, field="seed")
                seed = int(value)
            else:
                student = value
            continue
        if current is None:
            continue
        part = _PART.match(line)
        if part and part.group(2).strip():
            last_part = part.group(1)
            answers[current][last_part] = part.group(2).strip()
            lines[(current, last_part)] = number
        elif part:
            last_part = part.group(1)
            answers[current][last_part] = ""
            lines[(current, last_part)] = number
        elif line.strip():
            if last_part is not None:          # continuation lines (a matrix over several lines, prose)
                answers[current][last_part] = (str(answers[current][last_part]) + "\n" + line.strip()).strip()
            else:
                prose.setdefault(current, []).append(line.strip())
    for ex_id, paragraphs in prose.items():
        if not answers[ex_id]:
            answers[ex_id]["*"] = "\n".join(paragraphs)      # resolved to the single part by the grader
    return AnswerSheet(student or Path(file).stem, file, answers, seed, lines)


def read_sheet(path: str | Path) -> AnswerSheet:
    """Read one answer file, by its suffix."""
    p = Path(path)
    text = _read_text(p)
    if p.suffix.lower() in (".md", ".markdown", ".txt"):
        return sheet_from_markdown(text, str(p))
    _refuse_aliases(text, str(p))
    try:
        doc = parse_yaml(text, str(p))
    except RecursionError:
        raise InputError("the file is nested too deeply", file=str(p)) from None
    except InputError as yaml_error:
        if p.suffix.lower() != ".json":
            raise
        import json
        try:                                   # JSON that YAML refuses (an escaped emoji: "\ud83d\ude42")
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise yaml_error from None
        return sheet_from_data(data, str(p))
    return sheet_from_data(doc.data, str(p), doc.lines)


def _refuse_aliases(text: str, file: str) -> None:
    """An answer file has no use for YAML aliases (``*a``), and nested ones expand exponentially ("billion
    laughs"): refuse them before anything walks the document."""
    import yaml
    if "*" not in text:
        return
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                raise InputError("YAML aliases (*name) are not allowed in an answer file", file=file,
                                 line=token.start_mark.line + 1)
    except yaml.YAMLError:
        return          # parse_yaml reports the syntax error with its line


def answer_files(paths: list[str]) -> list[Path]:
    """Files to grade: files as given, folders expanded (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out
