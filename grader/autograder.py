"""``grade autograder``: a Gradescope autograder for an assignment, as one zip file to upload.

    grade autograder --assignment hw3.yaml -o autograder.zip [--bank DIR] [--lang en|zh] [--variants]

The zip holds, at its root (Gradescope unpacks it into ``/autograder/source``):

- ``setup.sh`` — run once when Gradescope builds the image: a virtual environment in ``/opt/cnn-exercises`` with
  PyTorch for the CPU and this tool, installed from the source bundled in ``cnn-exercises/`` (the version that
  made the zip), then the gold answers of the assignment computed once (they are cached on disk);
- ``run_autograder`` — run for each submission: grades the one answer file found in ``/autograder/submission``
  against the assignment and writes ``/autograder/results/results.json`` (Gradescope's specification). A
  submission without an answer file, with several, or one that cannot be read still gets a results.json:
  score 0 and one failed ``Autograder error`` test saying why. ``AUTOGRADER_ROOT`` replaces ``/autograder``
  and ``GRADE`` the ``grade`` command (tests run it in a temporary folder laid out as Gradescope lays it out);
- ``assignment.yaml``, ``bank/`` (the exercise files of ``--bank`` folders) and ``autograder.json`` (the
  options: language, variants).

``grade autograder --run ROOT`` is what ``run_autograder`` calls.
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import click

from solver.errors import InputError, reported

CONFIG = "autograder.json"

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (as /autograder/run_autograder). It grades the answer file in
# $ROOT/submission against the assignment and always writes $ROOT/results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if [ -z "${GRADE:-}" ]; then
    if [ -x /opt/cnn-exercises/bin/grade ]; then GRADE=/opt/cnn-exercises/bin/grade; else GRADE=grade; fi
fi
mkdir -p "$ROOT/results"
"$GRADE" autograder --run "$ROOT"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then      # the grader itself failed: still a result to show
    printf '{"score": 0, "output": "Autograder error: the grader stopped (exit code %s); please tell the course staff.", "tests": []}\\n' "$status" > "$ROOT/results/results.json"
fi
exit 0
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image. Choose a base image with Python 3.11 or
# newer (e.g. Ubuntu 24.04). Everything goes into a virtual environment in /opt/cnn-exercises.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
if command -v apt-get >/dev/null; then
    apt-get update
    apt-get install -y python3 python3-venv python3-pip bubblewrap
fi
python3 -m venv /opt/cnn-exercises
/opt/cnn-exercises/bin/pip install --upgrade pip
/opt/cnn-exercises/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu   # no CUDA wheels
/opt/cnn-exercises/bin/pip install {install}
# the gold answers of the assignment, computed once now and cached on disk for every submission
/opt/cnn-exercises/bin/grade autograder --warm "$HERE"
"""


def _source_tree() -> Path | None:
    """The project folder this tool runs from (pyproject.toml beside solver/ and grader/), when there is one."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "solver").is_dir() and (root / "exercises").is_dir():
        return root
    return None


def _add_tree(zf: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo") or path.is_symlink() or not path.is_file():
            continue
        zf.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


def _add_text(zf: zipfile.ZipFile, name: str, text: str | bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o100755 if executable else 0o100644) << 16)
    zf.writestr(info, text)


def build_zip(assignment: str, banks: list[str], lang: str | None, variants: bool, install: str | None) -> bytes:
    """The autograder zip's bytes; the assignment is checked first (an :class:`InputError` names its problem)."""
    from solver.bank import exercise_files
    from .assignment import read_assignment
    from solver.files import read_limited
    from solver.yamlio import MAX_FILE_BYTES
    read_assignment(assignment, [Path(b) for b in banks])
    source = _source_tree()
    if install is None and source is None:
        raise InputError("the tool's source folder is not found beside it (installed from a wheel): give "
                         "--install with what setup.sh should pip install (a requirement or a wheel's URL)")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        _add_text(zf, "setup.sh", SETUP_SH.replace("{install}", install or '"$HERE/cnn-exercises"'), True)
        _add_text(zf, "run_autograder", RUN_AUTOGRADER, True)
        _add_text(zf, "assignment.yaml", read_limited(assignment, MAX_FILE_BYTES))
        names: set[str] = set()
        for folder in banks:
            for path in exercise_files(Path(folder)):
                name = path.name
                if name in names:
                    raise InputError(f"two --bank folders hold an exercise file named {name}", file=str(path))
                names.add(name)
                _add_text(zf, f"bank/{name}", read_limited(path, MAX_FILE_BYTES))
        _add_text(zf, CONFIG, json.dumps({"assignment": "assignment.yaml", "bank": "bank" if names else None,
                                        "lang": lang, "variants": variants}, indent=2))
        if install is None and source is not None:
            for name in ("pyproject.toml", "README.md"):
                if (source / name).is_file():
                    zf.write(source / name, f"cnn-exercises/{name}")
            for package in ("solver", "grader", "exercises"):
                _add_tree(zf, source / package, f"cnn-exercises/{package}")
    return buf.getvalue()


# ------------------------------------------------------------------ inside Gradescope

def _config(source: Path) -> dict:
    try:
        return json.loads((source / CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"assignment": "assignment.yaml", "bank": None, "lang": None, "variants": False}


def _grade_args(source: Path, config: dict) -> list[str]:
    args = ["--assignment", str(source / (config.get("assignment") or "assignment.yaml"))]
    if config.get("bank"):
        args += ["--bank", str(source / config["bank"])]
    if config.get("lang") in ("en", "zh"):
        args += ["--lang", config["lang"]]
    if config.get("variants"):
        args.append("--variants")
    return args


def run(root: Path) -> int:
    """Grade the submission in ``root/submission``; ``root/results/results.json`` is always written."""
    from solver.render.atomic import atomic_write
    from .answers import collect_answer_files, read_sheet
    from .teacher import gradescope_error, not_an_answer_file, stray_sheet
    source, results = root / "source", root / "results"
    results.mkdir(parents=True, exist_ok=True)
    target = results / "results.json"
    config = _config(source)
    lang = config.get("lang") or "en"

    def fail(message: str) -> int:
        max_score = 0.0
        try:
            from .assignment import read_assignment
            banks = [source / config["bank"]] if config.get("bank") else []
            max_score = read_assignment(source / (config.get("assignment") or "assignment.yaml"), banks).max_score
        except Exception:                    # noqa: BLE001 - the message matters more than the maximum
            pass
        atomic_write(target, gradescope_error(message, lang, max_score))
        click.echo(message, err=True)
        return 0
    files, refused = collect_answer_files([str(root / "submission")])
    answers = []
    for path in files:
        try:
            note = stray_sheet(read_sheet(path))
        except InputError:
            note = not_an_answer_file(path)
        except Exception:                    # noqa: BLE001 - grade says what is wrong with it
            note = None
        if note is None:
            answers.append(path)
    shown = ", ".join(p.name for p in answers)
    if not answers:
        extra = f" ({'; '.join(str(r) for r in refused)})" if refused else ""
        return fail("no answer file (.yaml, .yml, .json, .md, .txt) was found in the submission" + extra)
    if len(answers) > 1:
        return fail(f"the submission holds {len(answers)} answer files ({shown}): submit one file with all "
                    "your answers")
    if target.exists():
        target.unlink()
    from .cli import main
    try:
        main.main([str(answers[0]), "--gradescope", str(target)] + _grade_args(source, config),
                  prog_name="grade", standalone_mode=False)
    except SystemExit:
        pass
    except click.ClickException as exc:
        return fail(exc.format_message())
    if not target.exists():
        return fail("the answer file could not be graded")
    return 0


def warm(source: Path) -> None:
    """Compute the gold answers of the assignment's exercises once (setup.sh: the disk cache is filled)."""
    from .assignment import read_assignment
    from .gold import gold_for, set_extra_banks
    config = _config(source)
    banks = [source / config["bank"]] if config.get("bank") else []
    set_extra_banks(banks)
    for ex in read_assignment(source / (config.get("assignment") or "assignment.yaml"), banks).exercises:
        gold_for(ex.id)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--assignment", "assignment", type=click.Path(dir_okay=False),
              help="The assignment the autograder grades (required to build one).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="The zip file to write.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="A folder of exercise files beyond the built-in bank (copied into the zip).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Feedback language [default: the assignment's, else the language the student wrote in].")
@click.option("--variants", is_flag=True, help="Grade randomised exercises against each student's variant.")
@click.option("--install", default=None,
              help="What setup.sh pip-installs instead of the bundled source (a requirement or a wheel's URL).")
@click.option("--run", "run_root", type=click.Path(file_okay=False), default=None,
              help="Inside Gradescope (run_autograder): grade ROOT/submission into ROOT/results/results.json.")
@click.option("--warm", "warm_source", type=click.Path(file_okay=False), default=None, hidden=True)
@reported
def command(assignment: str | None, output: str | None, banks: tuple[str, ...], lang: str | None, variants: bool,
            install: str | None, run_root: str | None, warm_source: str | None) -> None:
    """Package a Gradescope autograder for an assignment (setup.sh, run_autograder, the assignment, extra
    exercise files) as one zip to upload."""
    if run_root:
        sys.exit(run(Path(run_root)))
    if warm_source:
        warm(Path(warm_source))
        return
    if not assignment or not output:
        raise InputError("grade autograder needs --assignment FILE and -o FILE.zip")
    from solver.render.atomic import atomic_write, cannot_write
    data = build_zip(assignment, list(banks), lang, variants, install)
    try:
        atomic_write(output, data)
    except OSError as exc:
        raise InputError(cannot_write(exc, output)) from None
    from solver.errors import say
    from solver.i18n import Msg, Plain
    click.echo(say(Msg("gw.wrote_autograder", path=Plain(str(output)))), err=True)


if __name__ == "__main__":  # pragma: no cover
    command()
