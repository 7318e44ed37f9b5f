"""The entry-point hook of ``solve`` (solver/cli.py): contributed commands are found lazily, a broken one is
reported, and the solver's own commands load neither ``practice`` nor the grader."""
from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from solver import cli


def test_own_commands_load_no_plugin_and_no_grader():
    probe = ("import sys; from solver.cli import main\n"
             "try:\n    main(['list', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('practice', 'grader')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_practice_and_serve_come_from_entry_points():
    eps = cli._CommandsGroup._entry_points()
    assert {"practice", "serve"} <= set(eps)
    assert eps["practice"].value == "practice.terminal:practice_cmd"
    assert cli.main.get_command(None, "practice").name == "practice"
    assert cli.main.get_command(None, "no-such-command") is None


def test_a_broken_plugin_is_reported_not_fatal(monkeypatch):
    class Broken:
        name, value = "broken", "nowhere:cmd"

        def load(self):
            raise ImportError("No module named 'nowhere'")
    monkeypatch.setattr(cli._CommandsGroup, "_entry_points", staticmethod(lambda: {"broken": Broken()}))
    runner = CliRunner()
    listing = runner.invoke(cli.main, ["--help"])
    assert listing.exit_code == 0 and "broken" in listing.output and "could not be loaded" in listing.output
    called = runner.invoke(cli.main, ["broken", "x"])
    assert called.exit_code == 1 and "No module named 'nowhere'" in called.output
    assert runner.invoke(cli.main, ["list", "--format", "json"]).exit_code == 0
