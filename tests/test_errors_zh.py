"""Error lines in a Chinese run read in Chinese (``错误：…``): what a student or teacher most often gets wrong — an
unknown id, a missing or special file, a file that is not text, YAML that does not parse (each of PyYAML's common
complaints explained), an unknown field — for ``solve`` and for ``grade``, on stderr and in the JSON record.
English runs read exactly as before."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main as grade_main
from solver.cli import main as solve_main

ALLOWED = {"YAML", "UTF", "GB18030", "NUL", "solve", "list", "true", "false", "null"}   # formats, a command, YAML words


def english_words(line: str) -> list[str]:
    """Latin words left in an error line once its file name, field path and quoted names are taken out."""
    body = line.split("：", 1)[1] if line.startswith(("错误：", "警告：", "注意：")) else line
    body = re.sub(r"^\S+?\.(?:ya?ml|json|txt|md|csv)(?::\d+)?(?:: |：)", "", body)  # the file and line
    body = re.sub(r"^[\w.\[\]]+: ", "", body)                                        # the field
    body = re.sub(r"'[^']*'|`[^`]*`", "", body)                                      # quoted names, commands
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]+", body) if w not in ALLOWED]


BAD_FILES = {          # file name → (content, what the Chinese line must say)
    "unknown-field.yaml": ("id: a\nkind: network\ngiven:\n  input_shape: [1, 8, 8]\n  layerz: []\n  layers: "
                           "[{type: ReLU}]\nask: [{id: s, quantity: output_shape}]\n", "未知字段 'layerz'（是否是 'layers'？）"),
    "colon.yaml": ("id: b\nkind: network: x\n", "这里不能写“键: 值”"),
    "bracket.yaml": ("id: c\nkind: network\ngiven: {input_shape: [1, 8, 8}\n", "缺少 ',' 或 ']'"),
    "tab.yaml": ("id: d\n\tkind: network\n", "制表符"),
    "quote.yaml": ('id: "e\nkind: network\n', "文件意外结束"),
    "empty.yaml": ("", "文件是空的"),
    "latin1.yaml": (b"id: f\ntitle: caf\xe9\n", "不是 UTF-8 文本"),
}


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    for name, (content, _) in BAD_FILES.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return tmp_path


def _lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_solve_file_errors_read_in_chinese(bad_folder):
    result = CliRunner().invoke(solve_main, ["file", str(bad_folder), "--lang", "zh", "--no-verify"])
    assert result.exit_code == 2
    lines = _lines(result)
    assert len(lines) == len(BAD_FILES) and all(line.startswith("错误：") for line in lines), lines
    for name, (_, says) in BAD_FILES.items():
        [line] = [line for line in lines if name in line]
        assert says in line, line
        assert english_words(line) == [], line


def test_the_json_record_of_a_bad_file_is_in_the_run_language(bad_folder):
    result = CliRunner().invoke(solve_main, ["file", str(bad_folder / "empty.yaml"), "--lang", "zh", "--format",
                                             "json", "--no-verify"])
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["error"].endswith("文件是空的") and "错误：" + record["error"] == _lines(result)[0]


def test_english_runs_are_unchanged(bad_folder):
    result = CliRunner().invoke(solve_main, ["file", str(bad_folder), "--lang", "en", "--no-verify"])
    lines = _lines(result)
    assert all(line.startswith("error: ") for line in lines)
    assert any("unknown field 'layerz' (did you mean 'layers'?); given has input_shape" in line for line in lines)
    assert any("invalid YAML: mapping values are not allowed" in line for line in lines)
    assert any("the file is empty" in line for line in lines) and any("not UTF-8 text (byte" in line for line in lines)


def test_unknown_id_missing_and_special_files(tmp_path):
    runner = CliRunner()
    line = _lines(runner.invoke(solve_main, ["exercise", "nope", "--lang", "zh"]))[0]
    assert line == "错误：没有编号为 'nope' 的习题（用 `solve list` 查看全部习题）"
    line = _lines(runner.invoke(solve_main, ["file", str(tmp_path / "gone.yaml"), "--lang", "zh"]))[0]
    assert line.endswith("无法读取文件：文件或文件夹不存在") and english_words(line) == []
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
        line = _lines(runner.invoke(solve_main, ["file", str(tmp_path / "pipe.yaml"), "--lang", "zh"]))[0]
        assert line.endswith("不是普通文件（命名管道）：只读取普通文件"), line
    line = _lines(runner.invoke(solve_main, ["file", str(tmp_path / "none"), "--lang", "zh"]))[0]
    assert "没有找到习题文件" in line or "无法读取" in line


def test_the_locale_decides_when_no_language_is_given(tmp_path):
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    env = dict(os.environ, LANG="zh_CN.UTF-8", LC_ALL="", LC_MESSAGES="")
    done = subprocess.run([sys.executable, "-m", "solver", "file", str(tmp_path / "e.yaml"), "--no-verify"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stderr.strip().endswith("文件是空的") and done.stderr.startswith("错误：")


def test_grade_reports_an_unreadable_sheet_in_chinese(tmp_path):
    sheet = tmp_path / "s1.yaml"
    sheet.write_text("student: s1\nanswers:\n  hw-q3:\n    params: [oops\n", encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(sheet), "--lang", "zh"])
    assert result.exit_code == 2
    [line] = _lines(result)
    assert line.startswith("错误：") and "缺少 ',' 或 ']'" in line and english_words(line) == [], line


def test_a_chinese_class_run_warns_in_chinese(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "s01.yaml").write_text("student: s01\nanswers:\n  hw-q3: {params: 4640}\n", encoding="utf-8")
    (klass / "s99.yaml").write_text("student: s99\nanswers:\n  hw-q3: {params: 4608}\n", encoding="utf-8")
    (klass / "README.md").write_text("# 第三次作业\n周五前提交。\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名\ns01,张三\ns02,李四\n", encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(klass), "--roster", str(roster), "--lang", "zh",
                                             "--csv", str(tmp_path / "g.csv")])
    lines = _lines(result)
    assert any(line.startswith("注意：") and "README.md" in line and "不是答题文件" in line for line in lines), lines
    assert "警告：s02：在名单上，但没有找到答题文件（成绩记为 0）" in lines, lines
    assert any(line.startswith("警告：") and "学号 's99' 不在名单上" in line for line in lines), lines
    for line in lines:
        data = re.sub(r"\bs\d\d\b|hw-q3|student:|answers:|seed:", "", line)     # ids and the file's own keys
        assert english_words(data) == [], line
    blocked = tmp_path / "blocked"
    blocked.write_text("", encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(klass / "s01.yaml"), "--lang", "zh",
                                             "--csv", str(blocked / "g.csv")])
    assert result.exit_code == 2 and "错误：无法写入" in result.stderr and "路径中有一段不是文件夹" in result.stderr, \
        result.stderr


NET = "id: q\nkind: network\ngiven:\n  input_shape: {shape}\n  layers: [{layer}]\nask: [{{id: s, quantity: output_shape}}]\n"
AUTHORING = {          # an exercise a teacher writes → what the Chinese line must say
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, out_channels: 2, kernel_size: 30}"):
        "卷积核 30 比第 1 层在第 1 个空间维度上填充后的输入还大：8 + 填充 0 < 30",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, out_channels: 2, kernel_size: 5, dilation: 3}"):
        "卷积核 5（膨胀后为 13）比第 1 层",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2, out_channels: 2}"): "未知的层类型 'Conv2'（是否是 Conv2d？）",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, out_channel: 2, kernel_size: 3}"):
        "Conv2d 没有参数 'out_channel'（是否是 'out_channels'？）；它的参数有：",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, kernel_size: 3}"): "Conv2d 必须写 'out_channels'",
    NET.format(shape="[64]", layer="{type: Conv2d, out_channels: 2, kernel_size: 3}"):
        "Conv2d 的输入应为 [C, H, W]，但第 1 层收到的是 [64]（是否把空间层放在了 Flatten 之后？）",
    NET.format(shape="[3, 8, 8]", layer="{type: Conv2d, in_channels: 1, out_channels: 2, kernel_size: 3}"):
        "in_channels 写的是 1，但到达第 1 层的通道数是 3",
    NET.format(shape="[1, 8, 8]", layer="7"): "每一层都必须写成映射",
    "id: 24.10\nkind: network\n": "id 必须是字符串：请加上引号（\"24.10\"），否则 YAML 会把它读成数字",
    "id: a b\nkind: network\n": "id 'a b' 只能由字母、数字和 '.'、'_'、'-' 组成",
    "id: a\nkind: netwrk\n": "未知的题型 'netwrk'（是否是 'network'？）",
    "id: a\n": "必须写 kind（例如 kind: network）",
    "id: a\nkind: network\ngiven: {input_shape: [1, 8, 8], layers: [{type: ReLU}]}\nask: []\n":
        "ask 必须是由小问 {id, quantity} 组成的非空列表",
    "- 1\n": "习题文件必须是含有 id、kind、given、ask 的映射",
    NET.format(shape="[0, 8, 8]", layer="{type: ReLU}"): "input_shape 必须都是正数；现在是 [0, 8, 8]",
    NET.format(shape="5", layer="{type: ReLU}"): "不含批量维度；现在是 5",
    NET.format(shape="[1, 8, 8]", layer="{type: ReLU}").replace("output_shape", "output_shap"):
        "network 题型没有量 'output_shap'（是否是 'output_shape'？）",
    NET.format(shape="[1, 8, 8]", layer="{type: ReLU}").replace("output_shape}", "params, at: 5}"):
        "at 必须是 1 到 1 之间的层号（或层的名字）；现在是 5",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, out_channels: 0, kernel_size: 3}"):
        "out_channels 必须是正整数；现在是 0",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, out_channels: 2, kernel_size: 3, stride: -1}"):
        "stride 必须是正数；现在是 -1",
    NET.format(shape="[1, 8, 8]", layer="{type: Dropout, p: 2}"): "p 必须是 0 到 1 之间的数；现在是 2",
    NET.format(shape="[1, 8, 8]", layer="{type: Conv2d, out_channels: 2, kernel_size: 3, bias: maybe}"):
        "bias 必须是 true 或 false；现在是 'maybe'",
}


@pytest.mark.parametrize("text", list(AUTHORING))
def test_a_teachers_exercise_errors_read_in_chinese(tmp_path, text):
    from solver.network.layers import LAYER_TYPES
    (tmp_path / "e.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(solve_main, ["file", str(tmp_path / "e.yaml"), "--lang", "zh", "--no-verify"])
    [line] = _lines(result)
    assert line.startswith("错误：") and AUTHORING[text] in line, line
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)) | set(LAYER_TYPES)
    from solver.model import TOP_LEVEL_KEYS
    from solver.registry import KINDS
    names |= {a for t in LAYER_TYPES.values() for a in t.args} | {"type", "id", "quantity"}   # a layer's, a part's keys
    names |= set(KINDS) | set(TOP_LEVEL_KEYS)                      # the kinds and a file's keys: code words
    from solver.network.reading import PART_OPTIONS, QUANTITIES
    names |= set(QUANTITIES) | set(PART_OPTIONS)
    assert [w for w in english_words(line) if w not in names and w.lower() not in names] == [], line
    english = CliRunner().invoke(solve_main, ["file", str(tmp_path / "e.yaml"), "--lang", "en", "--no-verify"])
    assert _lines(english)[0].startswith("error: ") and not re.search(r"[\u4e00-\u9fff]", english.stderr)


def test_notes_and_what_was_written_read_in_chinese(tmp_path):
    runner = CliRunner()
    line = _lines(runner.invoke(solve_main, ["exercise", "24.1", "--seed", "3", "--lang", "zh", "--no-verify"]))[0]
    assert line == "注意：习题 24.1 没有可随机化的参数：--seed 3 给出的是原题的数据"
    result = runner.invoke(solve_main, ["pdf", "hw-q2", "-o", str(tmp_path / "a.pdf"), "--lang", "zh", "--no-verify"])
    assert result.exit_code == 0 and _lines(result) == [f"已写入 {tmp_path / 'a.pdf'}（1 道习题）"]
    line = _lines(runner.invoke(solve_main, ["exercise", "24.1", "--seed", "3", "--lang", "en", "--no-verify"]))[0]
    assert line == "note: exercise 24.1 declares no randomised parameters; --seed 3 gives the original numbers"


SHEETS = {             # an answer file a student hands in → what the Chinese line must say
    "a.yaml": ("studnt: s1\nanswers: {hw-q3: {params: 1}}\n", "未知字段 'studnt'（是否是 'student'？）"),
    "b.yaml": ("- 1\n", "答题文件必须是含有 'answers' 的映射"),
    "c.yaml": ("student: s1\nanswers: 3\n", "'answers' 必须是“习题编号: {小问: 答案}”的映射"),
    "d.yaml": ("student: s1\nanswers:\n  hw-q3: 4640\n", "hw-q3 的答案必须是“小问编号: 答案”的映射"),
    "e.md": ("just words\n", "没有认出任何习题"),
    "f.yaml": ("student: s1\nseed: 12345678901234567890123\nanswers: {hw-q3: {params: 1}}\n", "seed 必须是不超过"),
}


@pytest.mark.parametrize("name", list(SHEETS))
def test_an_unreadable_answer_file_reads_in_chinese(tmp_path, name):
    text, says = SHEETS[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(tmp_path / name), "--lang", "zh"])
    [line] = _lines(result)
    assert line.startswith("错误：") and says in line, line
    data = re.sub(r"\bhw-q3\b|\b(?:student|seed|answers|studnt)\b", "", line)
    assert english_words(data) == [], line


def test_the_class_reports_tooltips_are_words_of_its_language(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "s01.yaml").write_text("student: s01\nanswers:\n  hw-q3: {params: 4640}\n", encoding="utf-8")
    for lang, words in (("zh", ("正确：1", "未作答：1")), ("en", ("correct: 1", "missing: 1"))):
        report = tmp_path / f"{lang}.html"
        CliRunner().invoke(grade_main, [str(klass), "--lang", lang, "--report", str(report)])
        titles = set(re.findall(r"<title>([^<]*)</title>", report.read_text(encoding="utf-8")))
        assert set(words) <= titles and not any("missing_v" in t for t in titles), titles


def test_the_python_api_raises_in_the_language_asked(tmp_path):
    from grader import grade
    from solver import solve
    from solver.errors import InputError, UnknownExercise
    with pytest.raises(UnknownExercise) as zh:
        solve("nope", lang="zh")
    assert str(zh.value) == "没有编号为 'nope' 的习题（用 `solve list` 查看全部习题）"
    with pytest.raises(UnknownExercise) as en:
        solve("nope", lang="en")
    assert str(en.value) == "unknown exercise id 'nope' (see `solve list`)"
    (tmp_path / "s.yaml").write_text("- 1\n", encoding="utf-8")
    with pytest.raises(InputError) as sheet:
        grade(tmp_path / "s.yaml", lang="zh")
    assert str(sheet.value).endswith("答题文件必须是含有 'answers' 的映射（可以再写 'student'、'seed'）")


def test_a_chinese_command_leaves_the_next_one_english(tmp_path):
    from solver.errors import spoken
    CliRunner().invoke(solve_main, ["exercise", "nope", "--lang", "zh"])
    assert spoken() == "en"
    assert _lines(CliRunner().invoke(solve_main, ["exercise", "nope", "--lang", "en"]))[0].startswith("error: ")
