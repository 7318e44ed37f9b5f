"""Every exercise of the built-in bank solves, and every independent check of it passes.

The cases are the files found in the bank folder when the tests are collected, so an exercise added
to ``exercises/`` is tested without touching this file.
"""
from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from solver.bank import bank_dir, exercise_files, load_bank, load_exercise, load_file
from solver.pipeline import solve_exercise
from solver.registry import KINDS, VERIFIERS

BANK_FILES = exercise_files(bank_dir())


def _id(path) -> str:
    return path.stem


def test_the_bank_is_not_empty_and_load_bank_sees_every_file():
    assert BANK_FILES, "no exercise files in the bank"
    assert sorted(ex.id for ex in load_bank()) == sorted(load_file(p, bank=True).id for p in BANK_FILES)


def test_bank_ids_are_unique():
    ids = [load_file(p, bank=True).id for p in BANK_FILES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.fixture(scope="module")
def solutions():
    """Each bank exercise solved and verified once, shared by the tests below."""
    cache: dict = {}

    def get(path):
        if path not in cache:
            ex = load_file(path, bank=True)
            cache[path] = solve_exercise(ex, verify=True)
        return cache[path]
    return get


@pytest.mark.parametrize("path", BANK_FILES, ids=_id)
def test_bank_file_is_named_after_its_id_and_found_by_it(path):
    ex = load_file(path, bank=True)
    assert path.stem == ex.id, "a bank file is named after its id (solve exercise looks it up by name)"
    assert load_exercise(ex.id).doc.file == str(path)
    assert ex.kind in KINDS


@pytest.mark.parametrize("path", BANK_FILES, ids=_id)
def test_bank_exercise_has_english_and_chinese_title_and_statement(path):
    ex = load_file(path, bank=True)
    for text in (ex.title, ex.statement):
        assert text.en.strip() and text.zh.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh), "the zh text is Chinese"
    assert ex.source is not None and ex.source.book, "a bank exercise names its source"


@pytest.mark.parametrize("path", BANK_FILES, ids=_id)
def test_bank_exercise_solves_and_every_check_passes(path, solutions):
    sol = solutions(path)
    ex = sol.exercise
    assert set(sol.answers) == {p.id for p in ex.ask}
    failed = [(c.by, c.part, c.detail.render("en")) for c in sol.checks if c.by != "source" and not c.ok]
    assert not failed
    assert sol.ok
    if ex.kind in VERIFIERS:
        verified = {c.part for c in sol.checks if c.by != "source"}
        assert verified == {p.id for p in ex.ask}, "every part is checked independently"
    if ex.kind == "network":
        torch_checked = {c.part for c in sol.checks if c.by == "torch" and c.ok}
        assert torch_checked == {p.id for p in ex.ask}, "every network part is checked by PyTorch"
    # every printed answer is compared (a wrong printed answer is allowed: it is reported, not failed)
    assert {c.part for c in sol.checks if c.by == "source"} == set(ex.source_answer)


@pytest.mark.parametrize("path", BANK_FILES, ids=_id)
def test_bank_exercise_renders_in_every_format_and_language(path, solutions):
    from solver.render.json import to_dict
    from solver.render.markdown import escape, render as markdown
    from solver.render.text import render as text
    sol = solutions(path)
    for lang in ("en", "zh"):
        data = json.loads(json.dumps(to_dict(sol, lang), ensure_ascii=False))
        assert data["id"] == sol.exercise.id and data["lang"] == lang
        assert data["answers"] == json.loads(json.dumps(sol.answers))
        md = markdown(sol, lang)
        assert escape(sol.exercise.title.render(lang)) in md
        buffer = io.StringIO()
        text(sol, lang, Console(file=buffer, width=100, color_system=None), True)
        assert sol.exercise.id in buffer.getvalue()
