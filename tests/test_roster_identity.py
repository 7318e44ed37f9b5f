"""A sheet that names its student by name (姓名: 张三) is filed under the roster's id; ambiguous names are never
guessed; named mistakes reach the teacher in words (class report, Moodle feedback), not as catalogue ids."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from grader.answers import sheet_from_markdown
from grader.cli import main
from grader.teacher import roster_identity
from solver.roster import RosterEntry

ROSTER = [RosterEntry("s001", "张三", "1班"), RosterEntry("s002", "李四", "1班"), RosterEntry("s003", "王 五"),
          RosterEntry("s004", "王 五")]


def test_id_and_name_are_read_apart():
    sheet = sheet_from_markdown("学号: s001\n姓名: 张三\n## hw-q3\nparams: 4640\n", "a.md")
    assert (sheet.student, sheet.name) == ("s001", "张三")


def test_a_name_only_sheet_takes_the_roster_id():
    sheet = sheet_from_markdown("姓名：李四\n## hw-q3\nparams: 4640\n", "a.md")
    assert sheet.student == "李四"
    assert roster_identity(sheet, ROSTER).student == "s002"
    assert roster_identity(sheet, None) is sheet


def test_an_id_on_the_roster_wins_and_two_students_of_one_name_are_not_guessed():
    on = sheet_from_markdown("学号: s001\n姓名: 李四\n## hw-q3\nparams: 4640\n", "a.md")
    assert roster_identity(on, ROSTER).student == "s001"
    twice = sheet_from_markdown("姓名: 王 五\n## hw-q3\nparams: 4640\n", "a.md")
    assert roster_identity(twice, ROSTER).student == "王 五"


def test_class_csv_and_report_name_the_student_and_the_mistake_in_words(tmp_path: Path):
    cls = tmp_path / "class"
    cls.mkdir()
    (cls / "a.md").write_text("学号: s001\n姓名: 张三\n## hw-q3\nparams: 4608\n", encoding="utf-8")
    (cls / "b.md").write_text("姓名: 李四\n## hw-q3\nparams: 4640\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名\ns001,张三\ns002,李四\n", encoding="utf-8")
    book, report = tmp_path / "book.csv", tmp_path / "report.html"
    result = CliRunner().invoke(main, [str(cls), "--roster", str(roster), "--csv", str(book), "--csv-format",
                                       "moodle", "--report", str(report), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    rows = book.read_text(encoding="utf-8-sig").splitlines()
    assert rows[1].startswith("s001,") and "忘记计入偏置" in rows[1] and "bias_forgotten" not in rows[1]
    assert rows[2].startswith("s002,1,")                        # 李四 found by name, not flagged
    html = report.read_text(encoding="utf-8")
    assert "忘记计入偏置" in html and ">bias_forgotten<" not in html
