"""``grade`` without ``--lang`` follows the locale where the sheet tells no language (issue 14), through the same
function as ``solve`` (:func:`solver.i18n.default_lang`); ``--lang`` and a sheet written in a language win."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main as grade_main

NUMBERS_ONLY = "student: s01\nanswers:\n  hw-q3: {params: 4640}\n"          # tells no language
ENGLISH = "student: s02\nanswers:\n  hw-q3: {params: 4640 (the bias is counted)}\n"
CLEAN = {"LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


def _feedback(sheet: Path, env: dict[str, str], *extra: str) -> str:
    result = CliRunner().invoke(grade_main, [str(sheet), "--format", "json", *extra], env={**CLEAN, **env})
    assert result.exit_code == 0, result.output + result.stderr
    record = json.loads(result.stdout)
    return next(r["feedback"] for r in record["results"] if r["part"] == "shape")     # a missing part


@pytest.mark.parametrize(("env", "extra", "want"), [
    ({"LANG": "zh_CN.UTF-8"}, (), "未作答。"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "C.UTF-8"}, (), "未作答。"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, (), "未作答。"),
    ({"LANG": "C.UTF-8"}, (), "No answer given."),
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, (), "No answer given."),
    ({"LANG": "zh_CN.UTF-8"}, ("--lang", "en"), "No answer given."),
    ({"LANG": "en_US.UTF-8"}, ("--lang", "zh"), "未作答。"),
])
def test_grade_default_language_follows_the_locale(tmp_path, env, extra, want):
    sheet = tmp_path / "s01.yaml"
    sheet.write_text(NUMBERS_ONLY, encoding="utf-8")
    assert _feedback(sheet, env, *extra) == want


def test_a_sheet_written_in_english_keeps_its_language_under_a_chinese_locale(tmp_path):
    sheet = tmp_path / "s02.yaml"
    sheet.write_text(ENGLISH, encoding="utf-8")
    assert _feedback(sheet, {"LANG": "zh_CN.UTF-8"}) == "No answer given."


def test_class_wide_outputs_follow_the_locale_when_no_sheet_tells(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "s01.yaml").write_text(NUMBERS_ONLY, encoding="utf-8")
    (folder / "s03.yaml").write_text(NUMBERS_ONLY.replace("s01", "s03"), encoding="utf-8")
    csv = tmp_path / "book.csv"
    result = CliRunner().invoke(grade_main, [str(folder), "--format", "json", "--csv", str(csv)],
                                env={**CLEAN, "LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output + result.stderr
    header = csv.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "学号" in header or "学生" in header, header
