"""CLI snapshots: a few solutions rendered as Markdown (en and zh) must not change unnoticed.
After an intended change, regenerate with UPDATE_SNAPSHOTS=1."""
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
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")
