"""``grade`` of one small numeric file starts light (issue 16): neither sympy, torch, numpy, multiprocessing nor
openpyxl is imported, nor rich's table machinery for output that is not a terminal — checked in a fresh process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sympy", "torch", "numpy", "multiprocessing", "openpyxl")

PROBE = """
import json, sys
sys.argv = ["grade", *sys.argv[1:]]
from grader.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(m.split(".")[0] if not m.startswith("rich.") else m
                                                  for m in sys.modules)}), file=sys.stderr)
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_grading_one_numeric_file_imports_nothing_heavy(tmp_path: Path, fmt: str) -> None:
    sheet = tmp_path / "s1.yaml"
    sheet.write_text("student: s1\nanswers:\n  hw-q3:\n    params: 4640\n    macs: 3.61M\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(CNN_GOLD_CACHE=str(tmp_path / "gold"), COLUMNS="100")
    args = [str(sheet)] + (["--format", "json"] if fmt == "json" else [])
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[1], timeout=120)
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] in (0, None), done.stderr
    assert "4640" in done.stdout                          # it did grade the file
    loaded = set(probe["modules"])
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "rich.table" not in loaded                     # the plain table writer drew the terminal table
    if fmt == "text":
        assert "┃ exercise ┃" in done.stdout and "│ hw-q3    │ params " in done.stdout
