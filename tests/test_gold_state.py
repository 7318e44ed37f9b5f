"""The gold answers' state is explicit: one GoldCache owns the answers, the failures and the extra banks, and its
clear() clears what was computed from them (callbacks registered with on_clear), nothing else reaching in."""
from __future__ import annotations

import pytest

from grader.gold import CACHE, GoldCache, gold_for
from solver.errors import InputError


def test_a_cache_keeps_one_gold_per_exercise_and_variant_until_cleared():
    cache = GoldCache()
    calls = []
    cache.on_clear(lambda: calls.append(1))
    first = cache.get("hw-q3")
    assert cache.get("hw-q3", None) is first and len(cache) == 1
    cache.clear()
    assert len(cache) == 0 and calls == [1]
    again = cache.get("hw-q3")
    assert again is not first and again.parts["params"].value == 4640


def test_a_callback_registered_twice_is_called_once():
    cache, calls = GoldCache(), []

    def forget() -> None:
        calls.append("forget")
    cache.on_clear(forget)
    cache.on_clear(forget)
    cache.clear()
    assert calls == ["forget"]


def test_failures_are_remembered_and_forgotten_with_the_answers():
    cache = GoldCache()
    with pytest.raises(InputError):
        cache.get("no-such-exercise-17")
    assert ("no-such-exercise-17", None) in cache._failed
    with pytest.raises(InputError):                  # raised again from memory
        cache.get("no-such-exercise-17")
    cache.clear()
    assert not cache._failed


def test_changing_the_extra_banks_clears_and_the_same_banks_do_not(tmp_path):
    cache, calls = GoldCache(), []
    cache.on_clear(lambda: calls.append(1))
    gold = cache.get("hw-q3")
    cache.set_extra_banks([])
    assert calls == [] and cache.get("hw-q3") is gold
    cache.set_extra_banks([tmp_path])
    assert calls == [1] and cache.extra == [tmp_path] and len(cache) == 0
    cache.set_extra_banks([str(tmp_path)])           # the same folder: nothing dropped
    assert calls == [1]


def test_the_process_cache_clears_the_graders_memo_and_mistaken_answers():
    import grader.grade as grade
    from grader.answers import AnswerSheet
    grade.grade_sheet(AnswerSheet("s", "s.yaml", {"hw-q3": {"params": "4,608"}}))
    saved = dict(CACHE._gold)
    try:
        assert grade._mistakes.cache_info().currsize > 0
        CACHE.clear()
        assert grade._mistakes.cache_info().currsize == 0 and not grade._MEMO and len(CACHE) == 0
    finally:
        CACHE._gold.update(saved)
    assert gold_for("hw-q3") is saved[("hw-q3", None)]


def test_a_cleared_cache_reads_the_answers_back_from_disk(tmp_path, monkeypatch):
    """CNN_GOLD_CACHE: what one solve stored, a cleared (or another process's) cache reads without solving."""
    monkeypatch.setenv("CNN_GOLD_CACHE", str(tmp_path / "gold"))
    cache = GoldCache()
    solved = cache.get("hw-q3")
    assert getattr(solved, "solved", True)           # solved here, and stored
    cache.clear()
    read = cache.get("hw-q3")
    assert read is not solved and read.solved is False and read.parts["params"].value == 4640
    monkeypatch.setenv("CNN_GOLD_CACHE", "off")
    cache.clear()
    assert getattr(cache.get("hw-q3"), "solved", True)
