"""The exercise file format: load a YAML document and validate it into an :class:`Exercise`.

The generic envelope (id, source, title, statement, kind, given, ask, source_answer) is checked
here; ``given`` and the part options are checked by the solver of the exercise's ``kind``.

Example:
    >>> from solver.yamlio import parse_yaml
    >>> doc = parse_yaml('id: demo\\nkind: network\\ngiven: {}\\nask: [{id: p, quantity: params}]\\n', "d.yaml")
    >>> exercise_from_document(doc).ask[0].quantity
    'params'
"""
from __future__ import annotations

import re
from .record import factory, record
from typing import Any

from .errors import did_you_mean
from .i18n import Msg, Plain, Text, is_cjk, label_ok
from .yamlio import Document

TOP_LEVEL_KEYS = ("id", "source", "title", "statement", "kind", "given", "ask", "source_answer",
                  "notes", "tags", "params", "derived", "constraints", "grading", "cites", "errata")
PART_KEYS = ("id", "quantity", "points")
# ask keys every kind accepts, checked here and kept in Part.options with the kind's own (solver.i18n.part_label
# reads the label: the part in the question's words, one text or {en, zh}); a kind's option check skips them
COMMON_OPTIONS = ("label",)
GRADING_KEYS = ("tolerance", "partial", "mistakes", "follow_through")   # read by the grader, common to every kind
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


@record(frozen=True)
class Source:
    book: str = ""
    chapter: str = ""
    number: str = ""


@record(frozen=True)
class Part:
    """One asked part: ``quantity`` names what is asked; ``options`` holds kind-specific keys."""

    id: str
    quantity: str
    points: float = 1.0
    options: dict[str, Any] = factory(dict)
    index: int = 0
    grading: dict[str, Any] = factory(dict)   # tolerance {rel|abs|sig}, partial (credit), mistakes


@record
class Exercise:
    id: str
    kind: str
    given: dict[str, Any]
    ask: list[Part]
    title: Text = Text()
    statement: Text = Text()
    source: Source | None = None
    source_answer: dict[str, Any] = factory(dict)
    notes: Text | None = None
    doc: Document | None = None
    seed: int | None = None                        # the variant (None: the book's numbers)
    values: dict[str, Any] = factory(dict)         # parameter values of this variant
    randomised: bool = False                       # declares params
    cites: list[Text] = factory(list)              # the source's definitions/formulas the solution uses
    errata: list = factory(list)                   # what the source says that is wrong (solver/source.py Erratum)
    grading: dict[str, Any] = factory(dict)         # exercise-wide grading: {follow_through: false | share}

    def error(self, message: Any, path: tuple[Any, ...] = ()):  # -> InputError
        """An input error located in this exercise's file."""
        from .errors import InputError
        if self.doc is None:
            return InputError(message, field=".".join(map(str, path)) or None)
        return self.doc.error(message, path)

    def part(self, part_id: str) -> Part:
        for p in self.ask:
            if p.id == part_id:
                return p
        raise KeyError(part_id)


def check_keys(doc: Document | Exercise, mapping: dict, allowed: tuple[str, ...], path: tuple,
               has: str | None = None) -> None:
    """Reject keys not in ``allowed`` (the one unknown-field check of every kind), suggesting the closest allowed key;
    the message ends with ``has`` (``given has values: {name: matrix}``) or else lists the allowed keys.

    >>> ex = Exercise("e", "network", {}, [])
    >>> check_keys(ex, {"strid": 2}, ("stride", "padding"), ("given",), has="given has stride, padding")
    Traceback (most recent call last):
    ...
    solver.errors.InputError: given.strid: unknown field 'strid' (did you mean 'stride'?); given has stride, padding
    """
    for key in mapping:
        if key not in allowed:
            listed = Msg("err.allowed", keys=", ".join(allowed)).render("en")
            zh = Msg("err.allowed", keys="、".join(f"'{k}'" for k in allowed)).render("zh")   # a kind's words are English
            raise doc.error(Msg("err.unknown_field", name=key, hint=did_you_mean(key, allowed),
                                allowed=Text(has or listed, zh)), path + (key,))


def unfold_cjk(text: str) -> str:
    """Drop the spaces YAML's folded blocks (``>-``) put between two CJK characters.

    >>> unfold_cjk("输入为 16×28×28。 计算该层")
    '输入为 16×28×28。计算该层'
    >>> unfold_cjk("卷积 a 层")
    '卷积 a 层'
    """
    if not any(is_cjk(ch) for ch in text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] in " \t\n":
            j += 1
        if j == i:
            out.append(text[i])
            i += 1
            continue
        if not (out and is_cjk(out[-1]) and j < n and is_cjk(text[j])):
            out.append(text[i:j])
        i = j
    return "".join(out)


def text_field(doc: Document, value: Any, path: tuple, required: bool) -> Text:
    """A bilingual text field (one string, or ``{en: ..., zh: ...}``) at ``path`` of ``doc``, as :class:`Text`."""
    if value is None:
        if required:
            raise doc.error(Msg("err.text_missing"), path)
        return Text()
    if isinstance(value, str):
        return Text(en=value, zh=unfold_cjk(value))
    if isinstance(value, dict):
        check_keys(doc, value, ("en", "zh"), path)
        for lang in ("en", "zh"):
            if lang in value and not isinstance(value[lang], str):
                raise doc.error(Msg("err.must_be_text"), path + (lang,))
        if not value.get("en") and not value.get("zh"):
            raise doc.error(Msg("err.text_empty"), path)
        return Text(en=value.get("en", ""), zh=unfold_cjk(value.get("zh", "")))
    raise doc.error(Msg("err.text_kind"), path)




def _ident(doc: Document, value: Any, path: tuple, what: str) -> str:
    if isinstance(value, bool) or value is None:
        raise doc.error(Msg("err.ident_missing", what=Plain(what)), path)
    if isinstance(value, float):
        written = doc.texts.get(tuple(path), str(value))      # 24.10 as written, not the float 24.1
        raise doc.error(Msg("err.ident_number", what=Plain(what), written=Plain(written)), path)
    text = str(value)
    if not ID_PATTERN.match(text):
        raise doc.error(Msg("err.ident_chars", what=Plain(what), text=Plain(text)), path)
    return text


def _grading(doc: Document, raw: dict[str, Any], path: tuple) -> dict[str, Any]:
    """``tolerance: {rel|abs|sig: x}``, ``partial: 0.5`` (credit for a recognised mistake),
    ``mistakes: [{value, message: {en, zh}, credit}]`` (this part's own typical wrong answers)."""
    tol = raw.get("tolerance")
    if tol is not None and (not isinstance(tol, dict) or not set(tol) <= {"rel", "abs", "sig"} or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in tol.values())):
        raise doc.error("tolerance is {rel: 0.01} or {abs: 0.5} or {sig: 3}", path + ("tolerance",))
    partial = raw.get("partial")
    if partial is not None and not isinstance(partial, bool) and (not isinstance(partial, (int, float))
                                                                  or not 0 <= partial <= 1):
        raise doc.error("partial is true (the catalogue's credits) or the share of the points for a recognised "
                        "mistake, 0 to 1", path + ("partial",))
    follow = raw.get("follow_through")
    if follow is not None and not isinstance(follow, bool) and (not isinstance(follow, (int, float))
                                                                or not 0 <= follow <= 1):
        raise doc.error("follow_through is false (no credit carried forward), true (the default share) or the share "
                        "of the points, 0 to 1, for a part right from the student's own wrong earlier answer",
                        path + ("follow_through",))
    mistakes = raw.get("mistakes", [])
    if not isinstance(mistakes, list) or not all(isinstance(m, dict) and "value" in m and "message" in m
                                                 for m in mistakes):
        raise doc.error("mistakes is a list of {value, message: {en, zh}, credit}", path + ("mistakes",))
    mistakes = [{**m, "message": text_field(doc, m["message"], path + ("mistakes", i, "message"), True)}
                for i, m in enumerate(mistakes)]            # new mappings: the parsed document is left as it was
    return {k: v for k, v in (("tolerance", tol), ("partial", partial), ("mistakes", mistakes),
                              ("follow_through", follow)) if v is not None and v != []}


def _variant(doc: Document, data: dict, seed: int | None) -> tuple[dict, dict[str, Any]]:
    """The document's fields with the variant's values substituted (a new mapping) and those values; a file
    without ``params`` comes back as it is."""
    if not data.get("params"):
        return data, {}
    from .variants import VariantError, draw, substitute
    for key in ("params", "derived"):
        if key in data and not isinstance(data[key], dict):
            raise doc.error(f"{key} must be a mapping name → specification", (key,))
    if "constraints" in data and not isinstance(data["constraints"], list):
        raise doc.error("constraints must be a list of conditions", ("constraints",))
    try:
        values = draw(data, str(data.get("id")), seed)
    except (VariantError, TypeError, KeyError, IndexError, ZeroDivisionError) as exc:
        raise doc.error(str(exc), ("params",)) from None
    data = {k: (substitute(v, values) if k not in ("params", "derived", "constraints", "id") else v)
            for k, v in data.items()}
    if seed is not None:
        data.pop("source_answer", None)     # the book printed the answer of its own numbers only
    return data, values


def _kind(doc: Document, data: dict) -> str:
    kind = data.get("kind")
    if not isinstance(kind, str):
        raise doc.error(Msg("err.kind_missing"), ("kind",))
    from .registry import KINDS
    if kind not in KINDS:
        raise doc.error(Msg("err.kind_unknown", kind=Plain(kind), hint=did_you_mean(kind, tuple(KINDS)),
                            known=Plain(", ".join(KINDS))), ("kind",))
    return kind


def _source(doc: Document, data: dict) -> Source | None:
    if "source" not in data:
        return None
    src = data["source"]
    if not isinstance(src, dict):
        raise doc.error(Msg("err.source_kind"), ("source",))
    check_keys(doc, src, ("book", "chapter", "number"), ("source",))
    return Source(str(src.get("book", "")), str(src.get("chapter", "")), str(src.get("number", "")))


def _bilingual(doc: Document, data: dict, key: str, bank: bool) -> Text:
    """``title`` or ``statement``: required, in both languages, in the bank."""
    text = text_field(doc, data.get(key), (key,), required=bank)
    if bank and not (text.en and text.zh):
        raise doc.error(Msg("err.bank_bilingual"), (key,))
    return text


def _cites(doc: Document, data: dict) -> list[Text]:
    cites_raw = data.get("cites", [])
    if not isinstance(cites_raw, list) or len(cites_raw) > 8:
        raise doc.error("cites is a list of at most 8 texts {en: ..., zh: ...}", ("cites",))
    return [text_field(doc, c, ("cites", i), True) for i, c in enumerate(cites_raw)]


def _part(doc: Document, raw: Any, i: int, seen: set[str]) -> Part:
    """Part ``i`` of ``ask``; its id is added to ``seen`` (ids are unique)."""
    path = ("ask", i)
    if not isinstance(raw, dict):
        raise doc.error(Msg("err.part_kind"), path)
    pid = _ident(doc, raw.get("id"), path + ("id",), "part id")
    if pid in seen:
        raise doc.error(Msg("err.part_twice", pid=Plain(str(pid))), path + ("id",))
    seen.add(pid)
    quantity = raw.get("quantity")
    if not isinstance(quantity, str):
        raise doc.error(Msg("err.quantity_missing"), path + ("quantity",))
    points = raw.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        raise doc.error(Msg("err.points"), path + ("points",))
    if "label" in raw and not label_ok(raw["label"]):
        raise doc.error("label is the part in the question's words: a text, or {en: …, zh: …}", path + ("label",))
    options = {k: v for k, v in raw.items() if k not in PART_KEYS + GRADING_KEYS}
    grading = _grading(doc, {k: v for k, v in raw.items() if k in GRADING_KEYS}, path)
    return Part(pid, quantity, float(points), options, i, grading)


def _parts(doc: Document, data: dict) -> list[Part]:
    ask_raw = data.get("ask")
    if not isinstance(ask_raw, list) or not ask_raw:
        raise doc.error(Msg("err.ask_kind"), ("ask",))
    seen: set[str] = set()
    return [_part(doc, raw, i, seen) for i, raw in enumerate(ask_raw)]


def _source_answer(doc: Document, data: dict, parts: list[Part]) -> dict[str, Any]:
    source_answer = data.get("source_answer") or {}
    if not isinstance(source_answer, dict):
        raise doc.error(Msg("err.source_answer_kind"), ("source_answer",))
    ids = sorted(p.id for p in parts)
    for key in source_answer:
        if key not in ids:
            raise doc.error(Msg("err.not_a_part", pid=Plain(str(key)), hint=did_you_mean(key, ids)),
                            ("source_answer", key))
    return dict(source_answer)


def _exercise_grading(doc: Document, data: dict) -> dict[str, Any]:
    grading = data.get("grading") or {}
    if not isinstance(grading, dict):
        raise doc.error("grading must be a mapping {follow_through: false | share}", ("grading",))
    check_keys(doc, grading, ("follow_through",), ("grading",))
    return _grading(doc, grading, ("grading",))


def exercise_from_document(doc: Document, *, bank: bool = False, seed: int | None = None) -> Exercise:
    """Validate the envelope of an exercise file. ``bank=True`` also requires bilingual titles.
    ``seed`` picks a randomised variant (see :mod:`solver.variants`); None keeps the book's numbers.
    ``doc`` is not changed: the exercise holds new values (reading a document twice gives the same exercise)."""
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error(Msg("err.file_kind"))
    check_keys(doc, data, TOP_LEVEL_KEYS, ())
    randomised = bool(data.get("params"))
    data, values = _variant(doc, data, seed)
    ex_id = _ident(doc, data.get("id"), ("id",), "id")
    kind = _kind(doc, data)
    given = data.get("given", {})
    if not isinstance(given, dict):
        raise doc.error(Msg("err.given_kind"), ("given",))
    source = _source(doc, data)
    title = _bilingual(doc, data, "title", bank)
    statement = _bilingual(doc, data, "statement", bank)
    notes = text_field(doc, data["notes"], ("notes",), False) if "notes" in data else None
    cites = _cites(doc, data)
    parts = _parts(doc, data)
    source_answer = _source_answer(doc, data, parts)
    grading = _exercise_grading(doc, data)
    if "errata" in data or "errata" in given:         # read by solver/source.py, shown for every kind
        from .source import read_errata
        errata = read_errata(doc, data)
    else:
        errata = []
    return Exercise(id=ex_id, kind=kind, given=given, ask=parts, title=title, statement=statement,
                    source=source, source_answer=source_answer, notes=notes, doc=doc,
                    seed=seed if randomised else None, values=values, randomised=randomised, grading=grading,
                    cites=cites, errata=errata)
