"""CLI snapshots: a few solutions rendered as Markdown (en and zh) must not change unnoticed.
A missing snapshot is a failure. After an intended change, regenerate with UPDATE_SNAPSHOTS=1 (which writes
the files and still fails, so it never passes unnoticed); review the diff and rerun without it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.cli import main

SNAPSHOTS = Path(__file__).parent / "snapshots"
CASES = [("24.4", "en"), ("24.4", "zh"), ("d2l-6.2-wx1", "en"), ("24.2", "zh"), ("hw-q2", "en"), ("24.1", "en")]


@pytest.mark.parametrize("ex_id,lang", CASES)
def test_markdown_snapshot(ex_id, lang):
    result = CliRunner().invoke(main, ["exercise", ex_id, "--lang", lang, "--format", "markdown", "--no-verify"])
    assert result.exit_code == 0, result.output
    path = SNAPSHOTS / f"{ex_id}.{lang}.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        # Deliberate regeneration: write, then fail anyway, so that a run with the variable set can never
        # pass silently (in CI or elsewhere); review the diff, commit it, and rerun without the variable.
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
        pytest.fail(f"UPDATE_SNAPSHOTS=1: wrote {path.name}; review the diff and rerun without the variable")
    if not path.exists():
        pytest.fail(f"missing snapshot {path}: create it deliberately with "
                    f"UPDATE_SNAPSHOTS=1 python -m pytest tests/{Path(__file__).name} and review it before committing")
    assert result.stdout == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; after an intended change regenerate with UPDATE_SNAPSHOTS=1")
