"""``solve practice`` driven as a student would: scripted standard input (English, Chinese), Ctrl-C, end of input,
--review, and once in tmux (send-keys / capture-pane) when tmux is installed."""
from __future__ import annotations

import os
import selectors
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from practice.terminal import command_of

SOLVE = [sys.executable, "-c", "import sys; from solver.cli import main; sys.argv[0] = 'solve'; main()"]


def _env(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), PYTHONIOENCODING="utf-8", COLUMNS="100",
               TERM="dumb")
    env.pop("LANG", None)
    env.pop("LC_ALL", None)
    return env


def practise(tmp_path, *args, stdin: str, timeout: int = 300):
    return subprocess.run([*SOLVE, "practice", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=_env(tmp_path), timeout=timeout)


def rows(tmp_path):
    db = tmp_path / "data" / "cnn-exercises" / "progress.sqlite"
    return sqlite3.connect(db).execute("SELECT exercise, part, first_try, tries, hints, mistakes FROM attempts "
                                       "ORDER BY id").fetchall()


def test_commands_in_both_languages():
    assert [command_of(w) for w in ("提示", "答案", "跳过", "换一题", "退出", "HINT", "another one", "4640")] == \
        ["hint", "solution", "skip", "another", "quit", "hint", "another", None]


def test_english_session(tmp_path):
    proc = practise(tmp_path, "hw-q3", "--lang", "en",
                    stdin="32x28x28\n4608\nhint\n4,640\nhint\nhint\nhint\nquit\n")    # macs: 3 rungs
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "hw-q3 · Parameters and FLOPs" in out and "Part 1/9" in out and "Part 2/9" in out
    assert "Right." in out and "This is what you get if the bias is forgotten." in out
    assert "Convention:" in out and "Answer: 3,612,672" in out
    assert "Session summary" in out and "Right first time: hw-q3 shape" in out
    assert "Right after more tries or hints: hw-q3 params" in out and "the bias is forgotten ×1" in out
    assert "Traceback" not in proc.stderr
    assert rows(tmp_path) == [("hw-q3", "shape", 1, 1, 0, "[]"), ("hw-q3", "params", 0, 2, 1, '["bias_forgotten"]'),
                              ("hw-q3", "macs", 0, 0, 3, "[]")]


def test_chinese_session_with_solution_and_end_of_input(tmp_path):
    proc = practise(tmp_path, "24.4", "--lang", "zh", stdin="[7, -6, 8, -2, 4]\n提示\n答案\n")   # no quit: EOF
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "还不对。" in out and "约定：" in out
    assert "解答步骤" in out or "步骤" in out           # the worked solution, in Chinese
    assert "本次练习小结" in out and "未答出（跳过或看了答案）：24.4 output" in out and "进度已保存到" in out
    assert rows(tmp_path)[0][:5] == ("24.4", "output", 0, 1, 1)


def test_review_asks_again_what_was_wrong_with_new_numbers(tmp_path):
    empty = practise(tmp_path, "--review", stdin="")
    assert empty.returncode == 0 and "Nothing to review" in empty.stdout
    practise(tmp_path, "hw-q3", stdin="32x28x28\n4608\nquit\n")
    proc = practise(tmp_path, "--review", "--seed", "7", "--lang", "en", stdin="quit\n")
    assert proc.returncode == 0, proc.stderr
    assert "hw-q3 · Parameters and FLOPs" in proc.stdout and "· seed 7" in proc.stdout
    assert "Part 1/1: number of parameters" in proc.stdout


def test_unknown_id_is_bad_input(tmp_path):
    proc = practise(tmp_path, "no-such-exercise", stdin="")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no-such-exercise" in proc.stderr


def test_ctrl_c_ends_the_session_cleanly_and_saves(tmp_path):
    proc = subprocess.Popen([*SOLVE, "practice", "hw-q3", "--lang", "en"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=_env(tmp_path))
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    proc.stdin.write(b"32x28x28\n")
    proc.stdin.flush()
    seen = b""
    end = time.monotonic() + 300
    while b"Part 2/9" not in seen and time.monotonic() < end:
        if sel.select(timeout=1):
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
    assert b"Part 2/9" in seen
    time.sleep(0.3)                                        # at the prompt, waiting for input
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"Session summary" in out and b"Traceback" not in err
    assert rows(tmp_path) == [("hw-q3", "shape", 1, 1, 0, "[]")]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.slow
def test_in_tmux_as_a_person_would(tmp_path):
    name = f"practice-{uuid.uuid4().hex[:8]}"
    env = _env(tmp_path)
    command = (f"env XDG_DATA_HOME={tmp_path / 'data'} PYTHONIOENCODING=utf-8 LANG=C.UTF-8 "
               f"{shlex.join([*SOLVE, 'practice', 'hw-q3', '--lang', 'zh'])}; echo EXIT=$?; sleep 120")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "50", command], check=True, env=env)

    def screen() -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", name, "-S", "-200"], capture_output=True,
                              text=True, encoding="utf-8").stdout

    def wait_for(text: str, seconds: float = 300) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.3)
        raise AssertionError(f"{text!r} not on the screen:\n{screen()}")
    try:
        wait_for("（1/9）")
        subprocess.run(["tmux", "send-keys", "-t", name, "32x28x28", "Enter"], check=True)
        wait_for("（2/9）")
        subprocess.run(["tmux", "send-keys", "-t", name, "4608", "Enter"], check=True)
        wait_for("忘记计入偏置")
        subprocess.run(["tmux", "send-keys", "-t", name, "提示", "Enter"], check=True)
        wait_for("约定")
        subprocess.run(["tmux", "send-keys", "-t", name, "C-c"], check=True)
        shown = wait_for("EXIT=")
        assert "EXIT=0" in shown and "本次练习小结" in shown and "一次答对：hw-q3 shape" in shown
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    assert [r[:2] for r in rows(tmp_path)] == [("hw-q3", "shape"), ("hw-q3", "params")]


def test_without_lang_the_feedback_follows_the_student(tmp_path):
    proc = practise(tmp_path, "hw-q3", stdin="32x28x28\n答：4608\nquit\n")
    assert proc.returncode == 0, proc.stderr
    assert "Part 1/9" in proc.stdout and "这个结果说明你可能忘记计入偏置。" in proc.stdout
    assert "本次练习小结" in proc.stdout
    forced = practise(tmp_path, "hw-q3", "--lang", "en", stdin="32x28x28\n答：4608\nquit\n")
    assert "This is what you get if the bias is forgotten." in forced.stdout


def test_a_chapter_of_the_bank(tmp_path):
    proc = practise(tmp_path, "--source", "Li Hang", "--chapter", "24", "--lang", "en", stdin="skip\nquit\n")
    assert proc.returncode == 0, proc.stderr
    assert "24.1 · " in proc.stdout and "Skipped." in proc.stdout
    nothing = practise(tmp_path, "--source", "no such book", stdin="")
    assert nothing.returncode == 2 and "no exercise to practise" in nothing.stderr
