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
from functools import lru_cache
from pathlib import Path
from typing import Any

from solver.errors import InputError, did_you_mean, suggest
from solver.i18n import Msg, Plain

from solver.yamlio import MAX_FILE_BYTES, parse_yaml

from .gold import CACHE
from .lazy_re import lazy_re

SUFFIXES = (".yaml", ".yml", ".json", ".md", ".markdown", ".txt")


@dataclass
class AnswerSheet:
    student: str
    file: str
    answers: dict[str, dict[str, Any]]
    seed: int | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lang: str | None = None      # the language the file is written in (headings, labels, working), when it tells
    name: str | None = None      # the student's name, when the file gives one beside (or instead of) an id


def _read_text(path: Path) -> str:
    """The text of an answer file: a regular file (no FIFO, device, socket) of at most ``MAX_FILE_BYTES``,
    in UTF-8, UTF-16 with a byte-order mark or GB18030 (:func:`solver.files.decode_any_text`)."""
    from solver.files import decode_any_text, read_limited
    return decode_any_text(read_limited(path, MAX_FILE_BYTES), str(path).replace("\0", "\\0"))


MAX_SEED_DIGITS = 18
_TOP_LEVEL = ("student", "seed", "answers")


def _unknown_field(keys: list[Any], file: str, lines: dict) -> InputError:
    """Name an unknown top-level key only when it is a near miss of a known one (``anwsers``): any other key is
    the content of a file that is not an answer file (a link to ``/etc/shadow``), and is not shown."""
    for key in keys:
        hint = suggest(key, _TOP_LEVEL, cutoff=0.75) if len(str(key)) <= 20 else ""
        if hint:
            return InputError(Msg("ga.unknown_field", name=Plain(str(key)),
                                  hint=did_you_mean(key, _TOP_LEVEL, cutoff=0.75)),
                              file=file, field=str(key), line=lines.get((key,)))
    return InputError(Msg("ga.unknown_top"), file=file, line=min((lines.get((k,)) or 0 for k in keys), default=0) or None)


def shown_id(value: Any) -> str:
    """An id from an answer file as shown in a message: at most 40 characters, one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


_GROUP = re.compile(r"\d{3}(?:\.\d+)?")


def _as_written(value: Any, path: tuple, texts: dict) -> Any:
    """A number that YAML/JSON made a float (``3.61e6``, ``0.130``) as the student wrote it, so that its significant
    figures are graded; lists entry by entry. Other values are kept."""
    if isinstance(value, float) and not isinstance(value, bool):
        text = texts.get(path)
        return text.strip() if isinstance(text, str) and text.strip() else value
    if isinstance(value, list):
        return [_as_written(v, path + (i,), texts) for i, v in enumerate(value)]
    return value


def _glued_groups(parts: dict[str, Any], path: tuple, texts: dict) -> dict[str, Any]:
    """``{flops: 147,456,000}`` in a YAML flow mapping reads as flops: 147 and two empty keys 456, 000: glue the
    digit groups back onto the number they follow."""
    out: dict[str, Any] = {}
    last: str | None = None
    for key, value in parts.items():
        if (last is not None and value is None and _GROUP.fullmatch(key) and isinstance(out[last], (int, str))
                and not isinstance(out[last], bool) and re.fullmatch(r"[-+]?\d[\d,]*", str(texts.get(path + (last,),
                                                                                              out[last])).strip())):
            base = str(texts.get(path + (last,), out[last])).strip()
            texts[path + (last,)] = f"{base},{key}"
            out[last] = f"{base},{key}"
            continue
        out[key] = value
        last = key
    return out


def sheet_from_data(data: Any, file: str, lines: dict | None = None, texts: dict | None = None) -> AnswerSheet:
    """Validate the YAML/JSON structure: ``{student, seed, answers: {exercise: {part: value}}}``. With ``texts``
    (the scalars as written, from :func:`solver.yamlio.parse_yaml`), numbers are graded as written."""
    if not isinstance(data, dict):
        raise InputError(Msg("ga.not_mapping"), file=file)
    unknown = [k for k in data if k not in ("student", "seed", "answers", "name", "class")]
    if unknown:
        raise _unknown_field(unknown, file, lines or {})
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise InputError(Msg("ga.answers_kind"), file=file, field="answers")
    out: dict[str, dict[str, Any]] = {}
    for ex_id, parts in answers.items():
        if not isinstance(parts, dict):
            raise InputError(Msg("ga.parts_kind", id=Plain(shown_id(ex_id))), file=file,
                             field=f"answers.{shown_id(ex_id)}", line=(lines or {}).get(("answers", ex_id)))
        where = ("answers", ex_id)
        texts = dict(texts or {})
        parts = _glued_groups({str(k): v for k, v in parts.items()}, where, texts)
        out[str(ex_id)] = {k: _as_written(v, where + (k,), texts) for k, v in parts.items()}
    student = data.get("student")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)
                             or len(str(abs(seed))) > MAX_SEED_DIGITS):
        raise InputError(Msg("ga.seed", n=MAX_SEED_DIGITS), file=file, field="seed",
                         line=(lines or {}).get(("seed",)))
    notes: list[str] = []
    moved: dict[tuple[str, str], str] = {}
    out = {ex_id: _named_keys(ex_id, parts, notes, moved) for ex_id, parts in out.items()}
    line_map = {}
    for path, line in (lines or {}).items():
        if len(path) == 3 and path[0] == "answers":
            where = (str(path[1]), str(path[2]))
            line_map[(where[0], moved.get(where, where[1]))] = line
    name = data.get("name")
    name = str(name) if isinstance(name, (str, int)) and not isinstance(name, bool) else None
    student = str(student) if student is not None else name or Path(file).stem
    return AnswerSheet(student, file, out, seed, line_map, notes, name=name)


_HEADING = lazy_re(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_HEADING_ID = lazy_re(r"^\s*(?:exercise|problem|question|习题|题目|题)?\s*([A-Za-z0-9][A-Za-z0-9._\-]*)\s*[:：]?\s*(.*)$",
                      re.IGNORECASE)
_ID_TOKEN = lazy_re(r"[A-Za-z0-9][A-Za-z0-9._\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_META = lazy_re(r"^\s*(?:[-*+]\s+)?\**(student|seed|name|学号|姓名|学生)\**\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
_MARKER = lazy_re(r"^\s*(?:>\s*)*(?:[-*+•]\s+|\d{1,2}[.)、]\s*|[（(]\s*(?:\d{1,2}|[a-zA-Z]|[一二三四五六七八九十]+)\s*[)）]\s*"
                  r"|[a-zA-Z][.)]\s+|[①②③④⑤⑥⑦⑧⑨⑩]\s*)*")
_IDENT = lazy_re(r"[A-Za-z_][A-Za-z0-9_\-]*")
_FENCE = lazy_re(r"^\s*(```|~~~)")
_TABLE_SEP = lazy_re(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _known_exercises() -> set[str]:
    try:
        from solver.bank import bank_dir, folder_index
        ids: set[str] = set()
        for folder in [bank_dir()] + list(CACHE.extra):
            index = folder_index(folder)
            ids |= set(index.by_name) | set(index.by_id)
        return ids
    except Exception:          # noqa: BLE001 - without the bank, headings are read by their shape alone
        return set()


def _exercise(ex_id: str) -> Any:
    """A known exercise (the bank and the extra banks), or None; read once per run (a class's sheets name the
    same few exercises), forgotten with the gold answers (:meth:`grader.gold.GoldCache.clear`)."""
    return _read_exercise(ex_id, tuple(CACHE.extra))


@lru_cache(maxsize=256)
def _read_exercise(ex_id: str, extra: tuple) -> Any:
    try:
        from solver.bank import load_exercise
        return load_exercise(ex_id, list(extra))
    except Exception:          # noqa: BLE001
        return None


def _forget_exercises() -> None:
    _read_exercise.cache_clear()


CACHE.on_clear(_forget_exercises)


def part_context(ex: Any) -> tuple[list[Any], dict[str, str], int | None]:
    """What :func:`grader.part_words.resolve` needs of an exercise: its ask list, its networks' labels (both
    languages; students write 1×1 or 标准 either way) and the layer count of a flat network."""
    given = ex.given if isinstance(ex.given, dict) else {}
    nets = given.get("networks") if isinstance(given.get("networks"), dict) else {}
    labels = {}
    for key, net in nets.items():
        label = net.get("label") if isinstance(net, dict) else None
        labels[key] = " ".join(str(v) for v in label.values()) if isinstance(label, dict) else str(label or "")
    layers = given.get("layers")
    flat = isinstance(layers, list) and all(isinstance(layer, dict) and "type" in layer for layer in layers)
    return list(ex.ask), labels, len(layers) if flat else None


def _named_keys(ex_id: str, parts: dict[str, Any], notes: list[str], moved: dict) -> dict[str, Any]:
    """Keys of a YAML/JSON sheet that are not part ids but name a part as a Markdown line would (``Params``,
    ``参数量``, ``1×1 卷积的参数量``: :func:`match_part`, then :mod:`grader.part_words`), moved to that part with a
    reading note, in the order written; a part already answered keeps its answer and the key stays unknown."""
    ex = _exercise(ex_id) if parts else None
    if ex is None:                         # an unknown exercise (reported by the grader) or nothing answered
        return parts
    ids = [p.id for p in ex.ask]
    unknown = [k for k in parts if k not in ids]
    if not unknown:
        return parts
    from .part_words import resolve
    ask, labels, n_layers = part_context(ex)
    out = dict(parts)
    for key in unknown:
        part, _ = match_part(key, ids)
        if part is None:
            found = resolve(key, ask, set(out) & set(ids), labels, n_layers)
            part = found[0] if found else None
        if part is not None and part not in out:
            out[part] = out.pop(key)
            moved[(ex_id, key)] = part
            notes.append(f"read “{shown_id(key)}” as part {part}")
    return out


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def match_part(label: str, parts: list[str]) -> tuple[str | None, bool]:
    """The part a label names: exactly, in another case or spelling (``FLOPs``, ``Params_1x1``), or a near miss
    (``param``, ``flop``): (part id, near miss?)."""
    if label in parts:
        return label, False
    squashed = {_squash(p): p for p in parts}
    key = _squash(label)
    if key in squashed:
        return squashed[key], False
    near = [p for k, p in squashed.items() if key and (k == key + "s" or key == k + "s" or
                                                         (len(key) >= 4 and _edits(key, k) <= 1))]
    return (near[0], True) if len(near) == 1 else (None, False)


def _edits(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 1:
        return 2
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b))
    short, long_ = sorted((a, b), key=len)
    return 0 if any(long_[:i] + long_[i + 1:] == short for i in range(len(long_))) else 2


def _heading_exercise(text: str, known: set[str]) -> str | None:
    tokens = _ID_TOKEN.findall(text)
    for tok in tokens:
        if tok in known:
            return tok
    m = _HEADING_ID.match(text)
    if m and (not known or not tokens):
        return m.group(1).rstrip(".")
    ided = [t for t in tokens if re.search(r"\d", t) and re.search(r"[-.]|[A-Za-z]", t)]
    if ided:
        return ided[0]
    return m.group(1).rstrip(".") if m else None


# a label with a short qualifier: "parameters (1×1)", "参数量（标准卷积）"
_QUALIFIED = lazy_re(r"[^()（）\[\]{}]*[A-Za-z\u4e00-\u9fff][^()（）\[\]{}]*[（(][^()（）]{1,16}[)）]")


def _label_and_rest(body: str) -> tuple[str, str | None, str] | None:
    """(label, separator or None, value) of ``**params**: 4640``, ``*Params* = 4640``, ``params：4640``, ``macs 36``."""
    for mark in ("**", "__", "*", "`"):
        if body.startswith(mark):
            close = body.find(mark, len(mark))
            if close <= len(mark):
                return None
            label, rest = body[len(mark):close].strip(), body[close + len(mark):].strip()
            sep = None
            if label[-1:] in (":", "：", "="):
                label, sep = label[:-1].strip(), label[-1]
            if rest[:1] in (":", "：", "="):
                sep, rest = rest[0], rest[1:].strip()
            return label, sep, rest
    m = re.match(r"([^:：=]{1,40}?)\s*([:：=])\s*(.*)$", body, re.S)
    if m and (not re.search(r"[\[\](){}]", m.group(1)) or re.search(r"[（(][A-Za-z_][\w\-]*[)）]", m.group(1))
              or _QUALIFIED.fullmatch(m.group(1).strip())):
        return m.group(1).strip(), m.group(2), m.group(3).strip()
    m = re.match(r"([A-Za-z_][A-Za-z0-9_\-]*)\s+(.*)$", body, re.S)
    if m:
        return m.group(1), None, m.group(2).strip()
    return None


def _split_label(line: str, parts: list[str] | None, context: tuple | None = None,
                 answered: set[str] | None = None) -> tuple[str, str, bool] | None:
    """(part id, value, near miss or read by order?) if the line starts with a part label: a part id (or a near
    miss of one), else the question's words for a part (:mod:`grader.part_words`, given ``context``)."""
    marker = _MARKER.match(line)
    new_item = bool(marker and marker.group(0).strip())
    body = _MARKER.sub("", line, count=1).strip()
    if not body:
        return None
    found = _label_and_rest(body)
    if found is None or (found[1] is None and not _IDENT.fullmatch(found[0])):
        worded = _worded(body, context, answered, None, new_item)
        if worded is not None:
            return worded
    if found is None:
        return None
    label, sep, value = found
    if parts is None:                         # an unknown exercise: any identifier with a colon is a part
        if sep in (":", "：") and _IDENT.fullmatch(label):
            return label, value, False
        return None
    names = [label] if _IDENT.fullmatch(label) else _IDENT.findall(label)      # 参数量（params）
    for name in names:
        part, near = match_part(name, parts)
        if part is not None:
            if sep is None and not re.match(r"[-+−\d\[(（$\\]", value):
                return None                   # "params are…" is prose, "macs 3612672" is an answer
            if len(names) > 1 or not _IDENT.fullmatch(label):     # "1×1 卷积的 FLOPs": the other words decide
                worded = _worded(body, context, answered, (label, value) if sep else None, new_item)
                if worded is not None and worded[0] != part and not worded[2]:
                    return worded
            return part, value, near
    return _worded(body, context, answered, (label, value) if sep else None, new_item)


_COPULA = lazy_re(r"^(.{1,30}?)\s*(?:为|是|等于|約|约为)\s*(?=[-+−\d\[(（$\\约])(.*)$", re.S)
_FIRST_NUMBER = lazy_re(r"^(.{1,30}?)\s*(?=[-+−]?\d)(.*)$", re.S)


# a worded answer starts with its number, maybe after "约", "≈", "为" or "FLOPs ="
_ANSWER_START = lazy_re(r"^\s*(?:约为|约|大约|≈|~|about|approximately|approx\.?|共|为|是|=|[A-Za-z][\w ]{0,10}=)?\s*"
                        r"[-+−(（\[]?\s*\d", re.I)


def _worded(body: str, context: tuple | None, answered: set[str] | None,
            split: tuple[str, str] | None = None, new_item: bool = True) -> tuple[str, str, bool] | None:
    """A part named in the question's words: ``参数量：4640``, ``参数量为 4640 个``, ``参数量减少了约 8.5 倍``,
    ``receptive field after layer 2: 5``. The value must hold a number near its start (a line of working that
    merely mentions 参数 is not an answer)."""
    if not context or not context[0]:
        return None
    if split is None:
        m = _COPULA.match(body)
        first_number = m is None
        if first_number:
            m = _FIRST_NUMBER.match(body)
        if not m:
            return None
        split = (m.group(1).strip(), m.group(2).strip())
        if first_number and re.search(r"[A-Za-z]\s*$", split[0]) and not re.search(r"[\u4e00-\u9fff]",
                                                                                          split[0]):
            return None                      # "layer 2 has 5…": English without a separator is prose
    label, value = split
    if not _ANSWER_START.match(value) or len(label) > 40:
        return None
    from .part_words import resolve
    ask, network_labels, n_layers = context
    found = resolve(label, ask, answered or set(), network_labels, n_layers, later_ok=new_item)
    if found is None:
        return None
    return found[0], value, found[1]


def _table_row(line: str) -> list[str] | None:
    t = line.strip()
    if not (t.startswith("|") or t.count("|") >= 2):
        return None
    cells = [c.strip() for c in t.strip("|").split("|")]
    return cells if len(cells) >= 2 else None


def sheet_from_markdown(text: str, file: str) -> AnswerSheet:
    """Read a Markdown answer file (see the module docstring). Headings name exercises (``## 第1题 hw-q3``,
    ``### 习题 24.4``, ``# Exercise hw-q3 (感受野)``); parts are ``label: value`` lines with any list marker or
    numbering (``1.``, ``(1)``, ``（1）``, ``-``, ``>``), ``：`` or ``=``, bold or italic labels, labels in another case or
    a near miss (with a note), or rows of a table whose first cell names the part. Lines that follow a part (a
    matrix over several lines, a fenced code block, working, an explanation) belong to it. Text attributed to no
    part is kept in ``notes``; a file where no exercise is recognised is an error."""
    student: str | None = None
    name: str | None = None
    seed: int | None = None
    answers: dict[str, dict[str, Any]] = {}
    lines: dict[tuple[str, str], int] = {}
    prose: dict[str, list[str]] = {}
    notes: list[str] = []
    known = _known_exercises()
    parts_of: dict[str, list[str] | None] = {}
    contexts: dict[str, tuple | None] = {}
    current: str | None = None
    last_part: str | None = None
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            heading = _HEADING.match(line)
            if heading:
                ex = _heading_exercise(heading.group(1), known)
                if ex:
                    current, last_part = ex, None
                    answers.setdefault(current, {})
                    if current not in parts_of:
                        known_ex = _exercise(current)
                        parts_of[current] = [p.id for p in known_ex.ask] if known_ex is not None else None
                        contexts[current] = part_context(known_ex) if known_ex is not None else None
                else:
                    notes.append(f"line {number}: {line.strip()}")
                continue
            meta = _META.match(line)
            if current is None and meta:
                key, value = meta.group(1).lower(), meta.group(2)
                if key == "seed":
                    if not (value.isascii() and value.isdigit()) or len(value) > MAX_SEED_DIGITS:
                        raise InputError(Msg("ga.seed", n=MAX_SEED_DIGITS), file=file, line=number, field="seed")
                    seed = int(value)
                elif key in ("name", "姓名"):
                    name = value
                else:
                    student = value
                continue
        if current is None:
            if line.strip():
                notes.append(f"line {number}: {line.strip()}")
            continue
        parts = parts_of.get(current)
        found = None
        if not fenced:
            cells = _table_row(line)
            if cells is not None:
                if _TABLE_SEP.match(line):
                    continue
                found = _split_label(cells[0] + ": " + cells[1], parts, contexts.get(current),
                                     set(answers[current]))
                if found is None:
                    continue                     # a header row (part | answer)
            else:
                found = _split_label(line, parts, contexts.get(current), set(answers[current]))
        if found:
            last_part, value, near = found
            answers[current][last_part] = value
            lines[(current, last_part)] = number
            if near:
                notes.append(f"line {number}: read “{line.strip()}” as part {last_part}")
        elif line.strip():
            kept = line.rstrip() if fenced else line.strip()      # code keeps its indentation
            if last_part is not None and not (parts is not None and not fenced and _MARKER.match(line).end() > 0
                                               and re.match(r"\s*(?:\d{1,2}[.)、]|[（(]\d{1,2}[)）])", line)):
                answers[current][last_part] = (str(answers[current][last_part]) + "\n" + kept).strip()
            else:                                 # a numbered line after a part starts something new
                last_part = None if parts is not None else last_part
                prose.setdefault(current, []).append(kept)
    for ex_id, paragraphs in prose.items():
        if not answers[ex_id]:
            answers[ex_id]["*"] = "\n".join(paragraphs)      # resolved to the single part by the grader
        else:
            notes += [f"{ex_id}: {p}" for p in paragraphs]
    if not answers:
        raise InputError(Msg("ga.no_exercise"), file=file)
    from .language import detect_lang           # headings (## 第1题) and full-width colons tell too
    return AnswerSheet(student or name or Path(file).stem, file, answers, seed, lines, notes, detect_lang([text]),
                       name)


def read_sheet(path: str | Path) -> AnswerSheet:
    """Read one answer file, by its suffix."""
    p = Path(path)
    text = _read_text(p)
    if p.suffix.lower() in (".md", ".markdown", ".txt"):
        sheet = sheet_from_markdown(text, str(p))
        if sheet.seed is not None and len(str(abs(sheet.seed))) > MAX_SEED_DIGITS:
            raise InputError(Msg("ga.seed", n=MAX_SEED_DIGITS), file=str(p), field="seed")
        return sheet
    _refuse_aliases(text, str(p))
    try:
        doc = parse_yaml(text, str(p))
    except RecursionError:
        raise InputError(Msg("err.nested"), file=str(p)) from None
    except InputError as yaml_error:
        if p.suffix.lower() != ".json":
            raise
        import json
        try:                                   # JSON that YAML refuses (an escaped emoji: "\ud83d\ude42")
            data = json.loads(text, parse_int=lambda digits: _json_int(digits, str(p)))
        except (ValueError, RecursionError):
            raise yaml_error from None
        return sheet_from_data(data, str(p))
    return sheet_from_data(doc.data, str(p), doc.lines, getattr(doc, "texts", None))


def _json_int(digits: str, file: str) -> int:
    from solver.yamlio import MAX_INT_DIGITS
    if len(digits) > MAX_INT_DIGITS:
        raise InputError(f"a whole number of {len(digits):,} characters: numbers are limited to {MAX_INT_DIGITS} "
                         "digits", file=file)
    return int(digits)


def _refuse_aliases(text: str, file: str) -> None:
    """An answer file has no use for YAML aliases (``*a``), and nested ones expand exponentially ("billion
    laughs"): refuse them before anything walks the document."""
    import yaml
    if "*" not in text:
        return
    try:                                     # libyaml's scanner where there is one: ten times the pure one's speed
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, yaml.AliasToken):
                raise InputError(Msg("ga.aliases"), file=file,
                                 line=token.start_mark.line + 1)
    except yaml.YAMLError:
        return          # parse_yaml reports the syntax error with its line


def answer_files(paths: list[str]) -> list[Path]:
    """Files to grade: files as given, folders expanded (sorted); see :func:`collect_answer_files`."""
    return collect_answer_files(paths)[0]


def collect_answer_files(paths: list[str]) -> tuple[list[Path], list[InputError]]:
    """Files to grade, and the entries of class folders that are refused (one error each).

    A file named on the command line is taken as given (:func:`read_sheet` still refuses a FIFO or a device).
    A folder is walked without following symbolic links (:func:`solver.files.walk_folder`): a link with an
    answer file's suffix, or one to a folder, is refused (it may lead out of the class folder, to ``/etc/shadow``
    or to another class), and so is an answer-file name that is a FIFO, socket or device; other files (notes,
    PDFs) are skipped silently."""
    from solver.files import walk_folder
    files: list[Path] = []
    refused: list[InputError] = []
    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            files.append(root)
            continue
        found, refusals = walk_folder(root, SUFFIXES, "a class folder")
        files += found
        refused += refusals
    return files, sorted(refused, key=lambda e: e.file or "")
