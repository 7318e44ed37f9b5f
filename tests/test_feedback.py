"""Issue 11, items 12–13: feedback on every wrong answer, Chinese written as Chinese, each student's feedback in
the language the student wrote in, and the sheet's notes shown to the teacher.

Every expected value below was worked out by hand from the exercise (the arithmetic is in the comments)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.cli import main as grade_main  # noqa: E402
from grader.gold import gold_for  # noqa: E402
from grader.grade import grade_part  # noqa: E402
from grader.language import detect_lang  # noqa: E402


def graded(ex: str, part: str, answer: str):
    r = grade_part(gold_for(ex), part, answer)
    return r, " ".join(f.render("en") for f in r.feedback), " ".join(f.render("zh") for f in r.feedback)


# ------------------------------------------------------------------ the cases issue 11 names

@pytest.mark.parametrize("ex, part, answer, mistake", [
    # hw-q3: params 4640 (k3) / 544 (k1) = 8.529…; 544 / 4640 = 0.117 is the ratio the other way round
    ("hw-q3", "params_ratio", "0.117", "ratio_inverted"),
    ("hw-q3", "params_ratio", "1:8.53", "ratio_inverted"),
    # 4608 / 512 = 9: the biases left out of both counts — not "right, give 3 significant figures"
    ("hw-q3", "params_ratio", "9", "bias_forgotten"),
    # MACs with padding 0: 26·26·32 outputs × 3·3·16 = 3,115,008 (with padding 1: 28·28·32·144 = 3,612,672)
    ("hw-q3", "macs", "3115008", "padding_ignored"),
    # hw-q6: separable / standard params = 0.127…: 12.7 is the percentage without its % sign
    ("hw-q6", "params_ratio", "12.7", "percent_missing"),
    # d2l-6.1-wx: 10^9 / 121 = 8,264,462.8…; 10^7 is that rounded to one figure (the order of magnitude)
    ("d2l-6.1-wx", "params_ratio", "10^7", "too_coarse"),
    # hw-q3 macs 3,612,672 = 3.61e6 to 3 figures; 3.62e6 has its last figure wrong
    ("hw-q3", "macs", "3.62e6", "rounding"),
    # mnist-cnn: conv1 (3×3, padding 1) keeps 28×28; without its padding 26×26 — layer 1 named
    ("mnist-cnn", "shape_conv1", "32×26×26", "padding_ignored"),
    # pool1 halves conv1's 32×28×28 to 32×14×14: 32×28×28 is the shape before the pooling
    ("mnist-cnn", "shape_pool1", "32×28×28", "wrong_layer"),
    # hw-q2: R after layers 1, 2, 3 = 3, 5, 7 (jumps 1, 2, 4); 5 is R after layer 2, not 3
    ("hw-q2", "rf", "5", "wrong_layer"),
    # d2l-6.5-wx1: max pool of [[0,1,2],[3,4,5],[6,7,8]] is [[4,5],[7,8]]; [[2,3],[5,6]] is the average's answer
    ("d2l-6.5-wx1", "max", "[[2, 3], [5, 6]]", "other_part"),
    # d2l-6.5-ex1: average of each 2×2 block, [[4, 1.75], [1.5, 7]]; the sums [[16, 7], [6, 28]] are 4× each
    ("d2l-6.5-ex1", "pooled", "[[16, 7], [6, 28]]", "scaled"),
    # d2l-6.3-wx2: corr(K, X, padding=1) is 4×4; without the padding, D2L's [[19, 25], [37, 43]]
    ("d2l-6.3-wx2", "Y", "[[19, 25], [37, 43]]", "padding_ignored"),
    # d2l-6.4-wx1: channel 1 alone: 0·0 + 1·1 + 3·2 + 4·3 = 19 …; the two channels summed give [[56, 72], [104, 120]]
    ("d2l-6.4-wx1", "Y", "[[19, 25], [37, 43]]", "channels_not_summed"),
    # 24.8: ∂L/∂W = corr(δ, X); conv flips the kernel. ∂L/∂X = conv(W, δ, full); corr does not flip, valid is the
    # wrong mode
    ("24.8", "dL_dW", "conv(δ, X)", "kernel_flipped"),
    ("24.8", "dL_dX", "corr(W, δ, mode=full)", "kernel_not_flipped"),
    ("24.8", "dL_dX", "conv(W, δ)", "wrong_mode"),
])
def test_named_mistakes(ex, part, answer, mistake):
    r, en, zh = graded(ex, part, answer)
    assert r.verdict in ("incorrect", "partial") and r.mistake == mistake, (r.verdict, r.mistake, en)
    assert "significant figures" not in en or mistake in ("too_coarse",), en
    assert en and zh


def test_the_layer_is_named_in_a_layer_mistake():
    r, en, zh = graded("mnist-cnn", "shape_conv1", "32×26×26")
    assert "layer 1 (Conv2d(1→32, k=3×3, p=1))" in en and "padding is ignored" in en
    assert zh == "这个结果说明你可能在第 1 层（Conv2d(1→32, k=3×3, p=1)）忽略了填充。"


def test_a_shape_with_the_wrong_count_says_what_the_numbers_are_first():
    # hw-q2's output is 1×7×7 (C×H×W): one number is not a shape
    r, en, zh = graded("hw-q2", "shape", "7")
    assert r.verdict == "incorrect"
    assert en == "The output shape has 3 numbers: channels × height × width (C×H×W), without the batch; 1 given."
    assert zh == "输出形状有 3 个数：通道 × 高 × 宽（C×H×W），不含批量维；你给出了 1 个。"
    assert "numbers given" not in en


def test_an_identity_answered_the_wrong_way_gets_the_solvers_counterexample():
    # 24.3 full: corr(W, X, full) ≠ corr(X, W, full); the solver's counterexample W = [[2, 0], [3, 1]], X = …
    ctx = gold_for("24.3").solution.context
    assert ctx["counterexamples"]["full"]["W"] == [[2, 0], [3, 1]]
    r, en, zh = graded("24.3", "full", "holds")
    assert r.verdict == "incorrect" and r.hint == "counterexample"
    assert "It does not hold: with W = [[2, 0], [3, 1]], X = [[-2, -2, -2], [-2, -2, 2], [2, -3, 2]]" in en
    assert "不成立：取 W = [[2, 0], [3, 1]]" in zh
    # 24.3 valid: X * W slides a 3×3 kernel over a 2×2 input: one side is undefined
    r, en, _ = graded("24.3", "valid", "成立")
    assert r.hint == "undefined" and "kernel (3×3) is larger" in en


@pytest.mark.parametrize("ex, part, answer, hint, says", [
    # 2320 is neither 4640 nor a catalogued mistake: re-check layer 1's count, formula given, not the value
    ("hw-q3", "params", "2320", "params@1", "Re-check the parameter count of layer 1"),
    # lenet conv2 is layer 4 (conv1, sigmoid, pool1, conv2); pool1 (3) and conv2 (4) change the size
    ("lenet", "shape_conv2", "16×14×14", "size@3,4", "output-size steps of layers 3, 4"),
    ("hw-q3", "macs_ratio", "3", "ratio", "divided by"),
    ("24.4", "output", "[7, -6, 8, -2]", "size", "Re-check the size of the result of w * x"),
    ("24.8", "dL_dW", "corr(W, δ)", "backprop", "chain rule"),
])
def test_hints_name_the_step_without_the_answer(ex, part, answer, hint, says):
    r, en, zh = graded(ex, part, answer)
    assert r.verdict == "incorrect" and r.mistake is None and r.hint == hint, (r.hint, en)
    assert says in en, en
    gold = gold_for(ex).parts[part].value
    if isinstance(gold, int):
        assert str(gold) not in en.replace(",", "") and f"{gold:,}" not in en, en


def test_hints_never_give_a_number_away_on_the_realistic_table():
    from test_realistic import outcomes
    checked = 0
    for o in outcomes():
        if o.row["v"] != "wrong" or o.mistake is not None or o.hint is None:
            continue
        gold = gold_for(o.row["e"]).parts[o.row["p"]].value
        if isinstance(gold, (int, float)) and not isinstance(gold, bool) and abs(gold) >= 10:
            checked += 1
            text = o.feedback.replace(",", "")
            assert f"{gold:g}" not in text and str(gold) not in text, (o.row["src"], o.feedback)
    assert checked >= 10


# ------------------------------------------------------------------ Chinese written as Chinese

def test_chinese_mistake_sentences_are_not_glued():
    _, en, zh = graded("hw-q3", "macs", "7,225,344")              # 2 × 3,612,672: FLOPs given for MACs
    assert en == "This is what you get if FLOPs (2 per multiply–accumulate) are given instead of MACs."
    assert zh == "这个结果说明你可能把 FLOPs（每次乘加计 2 次）当成了 MACs。"
    assert "时得到的结果" not in zh


def test_chinese_says_where_reading_stopped():
    r, en, zh = graded("24.8", "dy_dx", "w_{k-i+1,l-j+1}（当下面的条件成立时），否则为 0")   # a condition not read
    assert r.verdict == "unparsable"
    assert "stopped at character 18: '下'" in en
    assert "读到第 18 个字符“下”处停止" in zh and "表达式中不能出现“下”" in zh
    _, _, zh = graded("hw-q3", "params", "4,64")
    assert "逗号只用于千位分隔" in zh


def test_chinese_lists_use_the_chinese_comma():
    _, en, zh = graded("24.4", "output", "[7, 6, 8, 2, 5]")        # gold 7 -6 8 -2 5: entries 2 and 4 wrong
    assert "position(s) 2, 4" in en and "第 2、4 个" in zh


# ------------------------------------------------------------------ each student's language

def test_language_detection():
    assert detect_lang(["# 第1题 hw-q3\nparams：4640\n"]) == "zh"
    assert detect_lang(["student: 王五\n# hw-q3\nparams: 4640 (the bias is counted)\n"]) == "en"
    assert detect_lang(["student: 王五\n# hw-q3\nparams: 4640\n"]) is None        # a name says nothing
    assert detect_lang(["不成立"]) is None                                         # the exercise's own word


@pytest.fixture
def mixed_class(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "li.md").write_text("student: li\n## 第1题 hw-q3\nparams：4608 个\nflops：7225344\n", encoding="utf-8")
    (folder / "ann.md").write_text("student: ann\n# hw-q3\nparams: 4608 (weights of the 32 filters)\nflops: 7225344\n",
                                   encoding="utf-8")
    return folder


def _records(result) -> dict:
    return {r["student"]: r for r in map(json.loads, result.stdout.splitlines()) if "student" in r}


def test_each_student_gets_feedback_in_the_language_they_wrote(mixed_class):
    result = CliRunner().invoke(grade_main, [str(mixed_class), "--format", "json"])
    assert result.exit_code == 0, result.output
    recs = _records(result)
    li = next(p for p in recs["li"]["results"] if p["part"] == "params")
    ann = next(p for p in recs["ann"]["results"] if p["part"] == "params")
    assert li["feedback"] == "这个结果说明你可能忘记计入偏置。"                  # 3·3·16·32 = 4608: no bias
    assert ann["feedback"] == "This is what you get if the bias is forgotten."


def test_lang_still_forces_one_language(mixed_class):
    for lang, want in (("en", "This is what you get if the bias is forgotten."), ("zh", "这个结果说明你可能忘记计入偏置。")):
        result = CliRunner().invoke(grade_main, [str(mixed_class), "--format", "json", "--lang", lang])
        assert result.exit_code == 0, result.output
        for rec in _records(result).values():
            assert next(p for p in rec["results"] if p["part"] == "params")["feedback"] == want


def test_terminal_report_in_the_students_language(mixed_class):
    result = CliRunner().invoke(grade_main, [str(mixed_class / "li.md")], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "忘记计入偏置" in result.stdout and "部分正确" in result.stdout


# ------------------------------------------------------------------ notes shown to the teacher

def test_notes_in_the_terminal_and_the_json_record_without_changing_the_exit_code(tmp_path):
    sheet = tmp_path / "s.md"
    sheet.write_text("student: s\nI was not sure about this one.\n# hw-q3\nparam: 4640\n", encoding="utf-8")
    text = CliRunner().invoke(grade_main, [str(sheet), "--lang", "en"], env={"COLUMNS": "250"})
    assert text.exit_code == 0, text.output
    assert "Line 4: read “param: 4640” as part “params”." in text.stdout          # "param" read as "params"
    assert "Line 2: text not attributed to any part: “I was not sure about this one.”" in text.stdout
    record = CliRunner().invoke(grade_main, [str(sheet), "--lang", "en", "--format", "json"])
    assert record.exit_code == 0
    notes = json.loads(record.stdout)["notes"]
    assert notes == ["Line 2: text not attributed to any part: “I was not sure about this one.”.",
                     "Line 4: read “param: 4640” as part “params”."]
    from grader.answers import read_sheet
    from grader.grade import grade_sheet
    from grader.report import to_dict
    assert to_dict(grade_sheet(read_sheet(sheet)), "en")["notes"] == notes


# ------------------------------------------------------------------ follow-through (error carried forward)

def sheet_parts(ex: str, answers: dict) -> dict:
    from grader.answers import AnswerSheet
    from grader.grade import grade_sheet
    result = grade_sheet(AnswerSheet("s", "s.yaml", {ex: answers}))
    return {p.part: p for p in result.parts if p.exercise == ex}


def test_receptive_field_follows_from_the_students_own_r_and_j():
    # hw-q2: conv 3×3 s1 p1, conv 3×3 s2, max-pool 2×2 s2: R = 3, 5, 7 and J = 1, 2, 4.
    # R₁ = 4 is wrong; from it R₂ = 4 + (3 − 1)·1·J₁(1) = 6, and then R = 6 + (2 − 1)·1·J₂(2) = 8.
    parts = sheet_parts("hw-q2", {"rf_1": "4", "jump_1": "1", "rf_2": "6", "jump_2": "2", "rf": "8", "jump": "4"})
    assert parts["rf_1"].verdict == "incorrect"
    rf_2 = parts["rf_2"]
    assert (rf_2.verdict, rf_2.mistake) == ("partial", "follow_through")
    assert rf_2.score == pytest.approx(0.5 * rf_2.max_score)
    assert rf_2.feedback[0].render("en") == "Right from your rf_1 = 4, jump_1 = 1; rf_1 itself is wrong."
    assert rf_2.feedback[0].render("zh") == "按你的 rf_1 = 4、jump_1 = 1 计算是对的；但 rf_1 本身有误。"
    rf = parts["rf"]                                   # carried twice: from the student's R₂, itself carried
    assert (rf.verdict, rf.mistake) == ("partial", "follow_through") and "rf_2 = 6" in rf.feedback[0].render("en")
    # an R₂ that follows from nothing the student wrote stays wrong
    parts = sheet_parts("hw-q2", {"rf_1": "4", "jump_1": "1", "rf_2": "9"})
    assert parts["rf_2"].verdict == "incorrect" and parts["rf_2"].mistake != "follow_through"
    # R₁ right: nothing to carry; R₂ = 6 is simply wrong
    parts = sheet_parts("hw-q2", {"rf_1": "3", "jump_1": "1", "rf_2": "6"})
    assert parts["rf_2"].verdict == "incorrect"


def test_shapes_follow_layer_by_layer():
    # mnist-cnn: conv1 (3×3, p1) keeps 28×28, pool1 halves. From the student's 32×26×26: pool1 32×13×13, and conv2
    # (3×3, p1, 64 channels) keeps 13×13: 64×13×13. Both carried.
    parts = sheet_parts("mnist-cnn", {"shape_conv1": "32×26×26", "shape_pool1": "32×13×13", "shape_conv2": "64×13×13"})
    assert parts["shape_conv1"].mistake == "padding_ignored" and parts["shape_conv1"].score == 0
    assert [parts[p].mistake for p in ("shape_pool1", "shape_conv2")] == ["follow_through"] * 2
    assert parts["shape_pool1"].feedback[0].render("en") == \
        "Right from your shape_conv1 = 32×26×26; shape_conv1 itself is wrong."


def test_counts_follow_the_students_own_counts():
    # hw-q3 without biases: 4608 and 512 (each a named mistake, half credit); 4608 / 512 = 9 follows from them
    parts = sheet_parts("hw-q3", {"params": "4608", "params_1x1": "512", "params_ratio": "9"})
    ratio = parts["params_ratio"]
    assert (ratio.verdict, ratio.mistake) == ("partial", "follow_through")
    assert ratio.feedback[0].render("en") == ("Right from your params = 4608, params_1x1 = 512; params, params_1x1 "
                                              "are themselves wrong.")
    # FLOPs = 2 × the student's MACs
    parts = sheet_parts("hw-q3", {"macs": "3,000,000", "flops": "6,000,000"})
    assert parts["flops"].mistake == "follow_through" and parts["flops"].score == pytest.approx(0.5)
    # MACs from the student's own shape: 32·26·26 outputs × 3·3·16 = 3,115,008 — already the named mistake
    # padding_ignored (¼ credit), raised to the follow-through share and said so
    parts = sheet_parts("hw-q3", {"shape": "32×26×26", "macs": "3,115,008"})
    macs = parts["macs"]
    assert (macs.verdict, macs.mistake, macs.score) == ("partial", "padding_ignored", 0.5)
    assert "Right from your shape = 32×26×26" in " ".join(f.render("en") for f in macs.feedback)
    # a total from the per-layer counts: 288 + 18432 + 401408 + 1280 = 421408 (every bias forgotten)
    parts = sheet_parts("mnist-cnn", {"params_conv1": "288", "params_conv2": "18432", "params_fc1": "401408",
                                      "params_fc2": "1280", "params_total": "421408"})
    assert parts["params_total"].mistake == "follow_through"


def test_dependencies_come_from_the_solver_and_are_checked_against_the_gold():
    from grader.follow import dependencies
    assert [d.sources for d in dependencies("hw-q2", None, "rf_2")] == [("rf_1", "jump_1")]
    assert [d.sources for d in dependencies("hw-q3", None, "flops")] == [("macs",), ("shape",)]
    assert [d.sources for d in dependencies("hw-q3", None, "macs_ratio")] == [("macs", "macs_1x1")]
    assert [d.sources for d in dependencies("mnist-cnn", None, "params_total")] == \
        [("params_conv1", "params_conv2", "params_fc1", "params_fc2")]
    assert dependencies("hw-q3", None, "shape") == ()                  # the first part depends on nothing
    assert dependencies("24.4", None, "output") == ()                  # not a network


FOLLOW_EXERCISE = """id: tmp-follow
kind: network
title: {en: follow-through, zh: 连带给分}
statement: {en: x, zh: x}
given:
  input_shape: [16, 28, 28]
  layers:
    - {type: Conv2d, out_channels: 32, kernel_size: 3, padding: 1}
ask:
  - {id: macs, quantity: macs}
  - {id: flops, quantity: flops%s}
%s"""


@pytest.mark.parametrize("part_setting, exercise_setting, score, verdict", [
    ("", "", 0.5, "partial"),                                      # the default share
    (", follow_through: 0.8", "", 0.8, "partial"),                 # the part's own share
    ("", "grading: {follow_through: false}", 0.0, "incorrect"),    # turned off for the exercise
    (", follow_through: 1", "grading: {follow_through: false}", 1.0, "partial"),    # the part wins
])
def test_follow_through_is_configurable(tmp_path, part_setting, exercise_setting, score, verdict):
    from grader.gold import set_extra_banks
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "tmp-follow.yaml").write_text(FOLLOW_EXERCISE % (part_setting, exercise_setting), encoding="utf-8")
    sheet = tmp_path / "s.yaml"
    sheet.write_text("answers:\n  tmp-follow: {macs: 3000000, flops: 6000000}\n", encoding="utf-8")
    try:
        result = CliRunner().invoke(grade_main, [str(sheet), "--bank", str(bank), "--format", "json"])
    finally:
        set_extra_banks([])
    assert result.exit_code == 0, result.output
    flops = next(p for p in json.loads(result.stdout)["results"] if p["part"] == "flops")
    assert (flops["verdict"], flops["score"]) == (verdict, score)


@pytest.mark.parametrize("part_setting, exercise_setting", [
    (", follow_through: 2", ""), ("", "grading: {follow_through: half}"), ("", "grading: {follow: false}")])
def test_a_bad_follow_through_setting_is_an_error_naming_the_field(tmp_path, part_setting, exercise_setting):
    from solver.errors import InputError
    from solver.model import exercise_from_document
    from solver.yamlio import parse_yaml
    text = FOLLOW_EXERCISE % (part_setting, exercise_setting)
    with pytest.raises(InputError, match="follow_through"):
        exercise_from_document(parse_yaml(text, "tmp-follow.yaml"))


def test_a_verdict_follows_from_the_students_own_matrices():
    # 24.5: W * X = [[11, 18], [6, 22]]; W * rot90cw(X) = [[14, 16], [17, 8]], so "W * rot90cw(X) = W * X" is false.
    # A student whose clockwise result equals their original one and who then says it holds is consistent.
    parts = sheet_parts("24.5", {"original": "[[11, 18], [6, 22]]", "clockwise": "[[11, 18], [6, 22]]",
                                 "cw_same": "成立"})
    assert parts["original"].verdict == "correct" and parts["clockwise"].verdict == "incorrect"
    same = parts["cw_same"]
    assert (same.verdict, same.mistake) == ("partial", "follow_through")
    assert same.feedback[0].render("en").endswith("; clockwise itself is wrong.")
    # 24.2: conv(A, B, full) = conv(B, A, full) (commutative, true); BA given transposed ≠ AB, so "不成立" follows
    from grader.gold import gold_for
    ab = gold_for("24.2").parts["AB"].value
    ba_t = [list(c) for c in zip(*ab)]
    parts = sheet_parts("24.2", {"AB": json.dumps(ab), "BA": json.dumps(ba_t), "commutative": "不成立"})
    assert parts["BA"].mistake == "transposed"
    assert parts["commutative"].mistake == "follow_through"
    # without the student's own matrices there is nothing to follow: the verdict is simply wrong
    assert sheet_parts("24.2", {"commutative": "不成立"})["commutative"].verdict == "incorrect"


def test_the_json_record_names_the_hint_and_the_follow_through(tmp_path):
    sheet = tmp_path / "s.md"
    # hw-q3 macs 3,000,000 is neither 3,612,672 nor a known mistake: a hint; flops 6,000,000 = 2 × it: carried
    sheet.write_text("student: s\n# hw-q3\nmacs: 3,000,000 (the output size times the kernel)\nflops: 6,000,000\n",
                     encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(sheet), "--format", "json"])
    assert result.exit_code == 0, result.output
    parts = {p["part"]: p for p in json.loads(result.stdout)["results"]}
    assert parts["macs"]["hint"] == "macs@1" and parts["macs"]["mistake"] is None
    assert parts["flops"]["mistake"] == "follow_through" and "hint" not in parts["flops"]
    assert parts["flops"]["feedback"] == "Right from your macs = 3,000,000; macs itself is wrong."
    assert "hint" not in parts["params"]                                      # missing: nothing to re-check


def test_every_grader_message_is_written_in_one_language_each():
    """The Chinese of every grader message (g., m., d., h., f.) has no English word outside formulas and code
    identifiers, and no English template glued into it; the English has no Chinese."""
    import re
    import grader.diagnose  # noqa: F401 - registers d., h.
    import grader.follow  # noqa: F401 - registers f.
    import grader.grade  # noqa: F401 - registers g., m.
    from solver.i18n import catalogue
    CATALOGUE = catalogue()              # every catalogue module loaded
    allowed = re.compile(r"\{\w+\}|FLOPs|MACs|ceil_mode|valid|full|same|dilation|groups|in_features|out_features"
                         r"|C_in|C_out|[A-Za-z]_\(?[\w−+, ]+\)?|[A-Za-z]_\w+|true|false|C×H×W|C×L|H×W×C|H × W"
                         r"|[A-Za-z]\b|Σ_\w|Y_kl|BatchNorm\w*|Conv\w*|Linear|LSTM|GRU|RNN|PyTorch|Adam|SGD|Xavier|Kaiming|ReLU|Dropout|tanh")        # layer and library names
    checked = 0
    for key, (en, zh) in CATALOGUE.items():
        if key.split(".")[0] not in ("g", "m", "d", "h", "f"):
            continue
        checked += 1
        words = re.findall(r"[A-Za-z]{3,}", allowed.sub("", zh))
        assert not words, (key, zh, words)
        assert not re.search(r"[\u4e00-\u9fff]", re.sub("“[^”]*”|成立|不成立", "", en)), (key, en)
        assert "时得到的结果" not in zh, (key, zh)
    assert checked >= 100


def test_a_sheet_that_tells_no_language_gets_the_class_language(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("li", "wang"):
        (folder / f"{name}.md").write_text(f"student: {name}\n## 第1题 hw-q3\nparams：4608 个\n", encoding="utf-8")
    (folder / "zhao.yaml").write_text("student: zhao\nanswers:\n  hw-q3: {params: 4608}\n", encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    recs = _records(result)
    for student in ("li", "wang", "zhao"):            # zhao wrote numbers only: the class writes Chinese
        params = next(p for p in recs[student]["results"] if p["part"] == "params")
        assert params["feedback"] == "这个结果说明你可能忘记计入偏置。", student


def test_follow_through_and_hints_never_break_grading_on_odd_values():
    """Symbols inside a matrix (found by bench/bench_grade.py), numbers beyond float, giant shapes: graded, no
    exception, no credit carried from them."""
    import sympy
    from grader.follow import _shown
    assert _shown("[[x, 1]]", [[sympy.Symbol("x"), 1]]) == "[[x, 1]]"
    assert _shown("1e400 (huge)", 10 ** 400) .startswith("1")
    parts = sheet_parts("24.5", {"original": "[[1e400, 2], [3, 4]]", "clockwise": "[[1e400, 2], [3, 4]]",
                                 "cw_same": "成立"})
    assert parts["cw_same"].verdict == "incorrect"
    parts = sheet_parts("mnist-cnn", {"shape_conv1": "1000000000×1000000000×1000000000", "shape_pool1": "5×5×5",
                                      "params_conv1": "1e999", "params_total": "x"})
    assert parts["shape_conv1"].verdict == "incorrect" and parts["shape_pool1"].verdict == "incorrect"
