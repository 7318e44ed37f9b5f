"""Practice engine (issue 18): grading through the grader, the hint ladder, variants, score, summary, progress."""
from __future__ import annotations

import sqlite3

import pytest

from grader.gold import gold_for
from grader.grade import grade_part
from practice.engine import ExerciseRun, Session, practicable, select
from practice.hints import hint_ladder
from practice.store import Store, data_dir, default_path


def test_verdicts_are_the_graders():
    run = ExerciseRun("hw-q3")
    gold = gold_for("hw-q3")
    for part, answer in [("params", "4608"), ("params", "4,640"), ("macs", "7.23M"), ("shape", "28x28x32"),
                         ("shape", "32×28×28"), ("params", "abc")]:
        mine = ExerciseRun("hw-q3").answer(part, answer, "en")
        theirs = grade_part(gold, part, answer)
        assert (mine.verdict, mine.mistake) == (theirs.verdict, theirs.mistake), (part, answer)
    assert run.answer("params", "4608", "en").mistake == "bias_forgotten"


def test_wrong_try_offers_a_hint_but_shows_none():
    s = Session([("hw-q3", ["params"])])
    fb = s.answer("4608")
    assert not fb.correct and fb.offer_hint
    assert "bias" in " ".join(fb.messages)
    assert s.current_part().hints == 0                      # offered, not shown


def test_ladder_order_and_content():
    ladder = hint_ladder(gold_for("hw-q2"), "rf")
    kinds = [h.kind for h in ladder]
    assert kinds[0] == "convention" and kinds[-1] == "answer"
    assert kinds == [k for k in ("convention", "formula", "numbers", "answer") if k in kinds]
    numbers = next(h for h in ladder if h.kind == "numbers")
    assert numbers.math and all("= 7" not in m.replace(" ", "")[-3:] for m in numbers.math)   # result left out
    assert ladder[-1].render_text("zh").startswith("答案")


def test_hints_climb_one_rung_at_a_time_and_the_answer_costs_the_part():
    s = Session([("hw-q2", ["shape"])])
    n = len(s.current_part().ladder)
    rungs = [s.hint() for _ in range(n)]
    assert [r.kind for r in rungs][-1] == "answer"
    assert s.current_part() is None                         # the answer shown: the part is over
    assert s.run.hint("shape") is None
    part = s.run.parts[0]
    assert part.revealed and part.finished and part.score == 0.0


def test_score_counts_tries_and_hints():
    s = Session([("hw-q3", ["params", "macs", "shape"])])      # asked in the exercise's order: shape first
    assert s.current_part().part_id == "shape"
    assert s.answer("32×28×28").correct                     # first time: full points
    s.answer("1")
    s.hint()
    assert s.answer("4,640").correct                        # 2 tries, 1 hint
    s.skip()
    sm = s.summary()
    assert sm.first_time == [("hw-q3", "shape")] and sm.later == [("hw-q3", "params")]
    assert sm.not_solved == [("hw-q3", "macs")]
    assert sm.tries == 3 and sm.hints == 1
    shape, params, macs = s.run.parts
    assert shape.score == shape.points and 0 < params.score < params.points and macs.score == 0
    assert any("Score" in line for line in sm.lines("en"))
    assert any("得分" in line for line in sm.lines("zh"))


def test_solution_on_request_shows_every_open_part():
    s = Session([("hw-q3", ["params", "macs"])])
    s.answer("4640")
    solution = s.solution()
    assert solution.answers["macs"] == 3612672
    assert s.run.finished and s.run.parts[1].revealed and not s.run.parts[0].revealed


def test_another_gives_new_numbers_for_a_parametrised_exercise():
    s = Session([("hw-q3", ["params"])], seed=5)
    before = s.run.gold.solution.answers["params"]
    assert s.another() == 6
    after = s.run.gold.solution.answers["params"]
    assert s.run.seed == 6 and before != after or gold_for("hw-q3", 6).solution.answers["params"] == after
    assert s.answer(str(after)).correct
    fixed = Session([("vgg-3x3-vs-5x5", None)])
    assert fixed.another() is None


def test_feedback_in_chinese():
    s = Session([("hw-q3", ["params"])], lang="zh")
    fb = s.answer("4608")
    assert fb.messages[0] == "差一点。" and "偏置" in " ".join(fb.messages)


def test_programs_are_not_asked_and_sources_select_exercises():
    assert practicable(gold_for("hw-q3").exercise)
    d2l = select([], "Dive into Deep Learning", "6")
    assert "d2l-6.2-wx1" in d2l and not any("code" in i for i in d2l)
    assert select([], "动手学深度学习") == select([], "dive into")


def test_unknown_id_is_an_input_error():
    from solver.errors import InputError
    with pytest.raises(InputError):
        Session([("no-such-exercise", None)])


def test_store_respects_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "cnn-exercises" / "progress.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert data_dir().is_absolute()


def test_progress_saved_and_review_lists_what_was_wrong(tmp_path):
    store = Store(tmp_path / "p.sqlite")
    s = Session([("hw-q3", ["shape", "params"])], store=store)
    assert s.answer("32x28x28").correct
    s.answer("4608")
    s.close()                                               # an interrupted exercise is saved too
    rows = sqlite3.connect(tmp_path / "p.sqlite").execute(
        "SELECT part, first_try, tries, mistakes FROM attempts ORDER BY id").fetchall()
    assert rows == [("shape", 1, 1, "[]"), ("params", 0, 1, '["bias_forgotten"]')]
    assert store.review() == [("hw-q3", "params")] and store.done() == ["hw-q3"]
    review = Session([("hw-q3", ["params"])], seed=41, store=store)
    assert [p.part_id for p in review.run.parts] == ["params"] and review.run.seed == 41
    right = str(review.run.gold.solution.answers["params"])
    assert review.answer(right).correct
    review.close()
    assert store.review() == []                             # right first time now: nothing left to review


def test_without_a_language_the_session_follows_the_students():
    s = Session([("hw-q3", ["params", "macs"])], lang="en", auto_lang=True)
    assert s.answer("4608").messages[0] == "Almost."            # numbers only: no language to tell by
    assert s.answer("答：4608").messages[0] == "差一点。"
    fixed = Session([("hw-q3", ["params"])], lang="en")
    assert fixed.answer("答：4608").messages[0] == "Almost."      # --lang given: kept


def test_every_part_of_the_bank_has_a_ladder_that_keeps_the_answer_for_last():
    from solver.bank import load_bank
    from solver.render.unicode_math import to_unicode
    count = 0
    for ex in load_bank():
        for part_id in practicable(ex):
            gold = gold_for(ex.id)
            ladder = hint_ladder(gold, part_id)
            assert ladder[-1].kind == "answer" and all(h.kind != "answer" for h in ladder[:-1]), (ex.id, part_id)
            assert ladder[-1].texts("en")[0] and ladder[-1].texts("zh")[0]
            value = gold.solution.answers[part_id]
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 9:
                for h in ladder[:-1]:
                    for m in h.math:
                        assert to_unicode(m).split("=")[-1].replace(" ", "") != f"{value:,}", (ex.id, part_id, m)
            count += 1
    assert count > 100


def test_practice_messages_are_one_language_each():
    import re

    import practice.hints  # noqa: F401
    import practice.messages  # noqa: F401
    import practice.web  # noqa: F401
    from solver.i18n import CATALOGUE
    keys = [k for k in CATALOGUE if k.startswith("pr.") and k != "pr.web.other_lang"]    # the switch names the other
    assert len(keys) > 40
    for key in keys:
        en, zh = CATALOGUE[key]
        assert not re.search(r"[\u4e00-\u9fff]", en), (key, en)
        assert not re.findall(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}|--[\w-]+", "", zh)), (key, zh)   # options stay
