"""The ``grade`` command: grade answer files (a folder grades a class). See ``grade --help`` and SPEC.md.

Exit codes: 0 graded; 2 some file could not be read (the others are still graded).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from solver.errors import InputError
from solver.render.safe_text import terminal_safe


def _error(line: str, label: str = "error") -> None:
    """One line on stderr, terminal-safe (ids, file names and answers in it cannot move the cursor or recolour)."""
    click.echo(terminal_safe(f"{label}: {line}", one_line=True), err=True)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("answers", nargs=-1, required=True, type=click.Path())
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="A folder of exercise files beyond the built-in bank.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write a gradebook (one row per student).")
@click.option("--gradescope", "gs_path", type=click.Path(), help="Write Gradescope results.json (a folder for a class).")
@click.option("--variants", is_flag=True,
              help="When a file gives no seed, grade randomised exercises against the variant derived from the "
                   "student id (as `solve pdf --class` made them); without it, the book's numbers.")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False),
              help="Per-student feedback PDF: verdicts, mistakes named, worked solutions of missed parts.")
@click.option("--font-path", "font_paths", multiple=True, type=click.Path(exists=True),
              help="Fonts for the PDF (Chinese needs a CJK font).")
@click.option("--allow-weak-sandbox", "allow_weak", is_flag=True,
              help="Run student programs even where no strong sandbox exists (no bubblewrap, not root): they "
                   "could then read the grader user's files and use the network. Without it such parts are "
                   "left for review.")
def main(answers: tuple[str, ...], banks: tuple[str, ...], fmt: str, lang: str, csv_path: str | None,
         gs_path: str | None, variants: bool, pdf: str | None, font_paths: tuple[str, ...],
         allow_weak: bool) -> None:
    """Grade ANSWERS (answer files, or folders of them) against the solver's answers."""
    if allow_weak:
        from .sandbox import allow_weak_sandbox
        allow_weak_sandbox()
    from .answers import collect_answer_files, read_sheet
    from .gold import set_extra_banks
    from .grade import grade_sheet
    from solver.render.atomic import atomic_write, cannot_write

    from .report import duplicate_ids, gradebook_csv, print_text, to_dict, write_gradescope
    set_extra_banks([Path(b) for b in banks])
    files, refused = collect_answer_files(list(answers))
    if not files and not refused:
        _error(f"{', '.join(answers)}: no answer files (.yaml, .yml, .json, .md) found")
        sys.exit(2)
    from rich.console import Console
    console = Console(highlight=False)
    err_console = Console(stderr=True, highlight=False)
    results = []
    bad = False
    sheets = []

    def report(file: str, message: str) -> None:
        """One bad file: one line on stderr (and its record with --format json); the others go on; exit 2."""
        nonlocal bad
        bad = True
        _error(message)
        if fmt == "json":
            click.echo(json.dumps({"file": file, "error": message}, ensure_ascii=False))
    for refusal in refused:                  # class-folder entries not read: links, FIFOs, devices
        report(refusal.file or "", str(refusal))
    for path in files:                       # read everything first: the class's variants flag shared answers
        try:
            sheets.append(read_sheet(path))
        except InputError as exc:
            report(str(path), str(exc))
        except Exception as exc:             # noqa: BLE001 - last resort: one file never stops the class
            report(str(path), internal_error(str(path), exc))
    _warn_about_the_sandbox(sheets, allow_weak)
    from .grade import sheet_seed
    class_seeds = tuple(sorted({s for s in (sheet_seed(sh, variants) for sh in sheets) if s is not None}))
    from rich.progress import Progress
    with Progress(console=err_console, transient=True, disable=len(sheets) < 2 or not err_console.is_terminal) as bar:
        task = bar.add_task("grading", total=len(sheets))
        for sheet in sheets:
            try:
                result = grade_sheet(sheet, derive_seed=variants, other_seeds=class_seeds)
                record = json.dumps(to_dict(result, lang), ensure_ascii=False) if fmt == "json" else None
            except InputError as exc:
                report(sheet.file, str(exc))
                bar.advance(task)
                continue
            except Exception as exc:         # noqa: BLE001 - last resort: one file never stops the class
                report(sheet.file, internal_error(sheet.file, exc))
                bar.advance(task)
                continue
            results.append(result)
            if result.problems:          # unknown exercise or part ids: graded without them, reported, exit 2
                bad = True
                for problem in result.problems:
                    _error(f"{sheet.file}: {problem.render('en')}")
            if record is not None:
                click.echo(record)
            else:
                print_text(result, lang, console)
            bar.advance(task)
    for warning in duplicate_ids(results):
        _error(warning, "warning")
    try:
        if csv_path:
            atomic_write(csv_path, gradebook_csv(results))
        if gs_path and results:
            write_gradescope(results, gs_path, lang, single=len(files) == 1)
    except OSError as exc:
        _error(cannot_write(exc, csv_path or gs_path))
        sys.exit(2)
    if pdf and results:
        from .pdf import write_feedback_pdf
        try:
            write_feedback_pdf(pdf, results, lang, font_paths)
        except InputError as exc:
            _error(str(exc))
            bad = True
        except OSError as exc:
            _error(cannot_write(exc, pdf))
            bad = True
    from .timeout import shutdown
    shutdown()
    sys.exit(2 if bad else 0)


def internal_error(file: str, exc: BaseException) -> str:
    """The one line that stands for an unexpected exception while reading or grading ``file`` (a bug to report,
    never a traceback): its type and the first line of its message, cut to 200 characters."""
    lines = str(exc).strip().splitlines()
    message = lines[0][:200] if lines else ""
    return f"internal error while grading {file}: {type(exc).__name__}" + (f": {message}" if message else "")


def _warn_about_the_sandbox(sheets: list, allow_weak: bool) -> None:
    """Say at the start, once, when student programs are to be graded without a strong sandbox."""
    from solver.bank import load_exercise
    ids = {ex for sheet in sheets for ex in sheet.answers}
    kinds = set()
    for ex in ids:
        try:
            kinds.add(load_exercise(ex).kind)
        except Exception:                    # noqa: BLE001 - unknown ids are reported when graded
            continue
    if "code" not in kinds:
        return
    from .sandbox import sandbox_mode
    if sandbox_mode() != "weak":
        return
    if allow_weak:
        _error("no strong sandbox here (bubblewrap is not usable and the grader is not root): student "
               "programs run with rlimits and an audit hook only, and could read this user's files and use "
               "the network (--allow-weak-sandbox)", "WARNING")
    else:
        _error("no strong sandbox here (bubblewrap is not usable and the grader is not root): program parts "
               "are not run and are left for review; install bubblewrap, or pass --allow-weak-sandbox to run "
               "them anyway", "WARNING")


if __name__ == "__main__":  # pragma: no cover
    main()
