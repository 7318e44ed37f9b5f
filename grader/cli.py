"""The ``grade`` command: grade answer files (a folder grades a class). See ``grade --help`` and SPEC.md.

Exit codes: 0 graded; 2 some file could not be read (the others are still graded).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from solver.errors import InputError


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
def main(answers: tuple[str, ...], banks: tuple[str, ...], fmt: str, lang: str, csv_path: str | None,
         gs_path: str | None, variants: bool, pdf: str | None, font_paths: tuple[str, ...]) -> None:
    """Grade ANSWERS (answer files, or folders of them) against the solver's answers."""
    from .answers import answer_files, read_sheet
    from .gold import set_extra_banks
    from .grade import grade_sheet
    from solver.render.atomic import atomic_write

    from .report import gradebook_csv, print_text, to_dict, write_gradescope
    set_extra_banks([Path(b) for b in banks])
    files = answer_files(list(answers))
    if not files:
        click.echo(f"error: {', '.join(answers)}: no answer files (.yaml, .yml, .json, .md) found", err=True)
        sys.exit(2)
    from rich.console import Console
    console = Console(highlight=False)
    err_console = Console(stderr=True, highlight=False)
    results = []
    bad = False
    sheets = []
    for path in files:                       # read everything first: the class's variants flag shared answers
        try:
            sheets.append(read_sheet(path))
        except InputError as exc:
            bad = True
            click.echo(f"error: {exc}", err=True)
            if fmt == "json":
                click.echo(json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False))
    from .grade import sheet_seed
    class_seeds = tuple(sorted({s for s in (sheet_seed(sh, variants) for sh in sheets) if s is not None}))
    from rich.progress import Progress
    with Progress(console=err_console, transient=True, disable=len(sheets) < 2 or not err_console.is_terminal) as bar:
        task = bar.add_task("grading", total=len(sheets))
        for sheet in sheets:
            try:
                result = grade_sheet(sheet, derive_seed=variants, other_seeds=class_seeds)
            except InputError as exc:
                bad = True
                click.echo(f"error: {exc}", err=True)
                if fmt == "json":
                    click.echo(json.dumps({"file": sheet.file, "error": str(exc)}, ensure_ascii=False))
                bar.advance(task)
                continue
            results.append(result)
            if result.problems:          # unknown exercise or part ids: graded without them, reported, exit 2
                bad = True
                for problem in result.problems:
                    click.echo(f"error: {sheet.file}: {problem.render('en')}", err=True)
            if fmt == "json":
                click.echo(json.dumps(to_dict(result, lang), ensure_ascii=False))
            else:
                print_text(result, lang, console)
            bar.advance(task)
    try:
        if csv_path:
            atomic_write(csv_path, gradebook_csv(results))
        if gs_path and results:
            write_gradescope(results, gs_path, lang, single=len(files) == 1)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or csv_path or gs_path}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    if pdf and results:
        from .pdf import write_feedback_pdf
        try:
            write_feedback_pdf(pdf, results, lang, font_paths)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            bad = True
    from .timeout import shutdown
    shutdown()
    sys.exit(2 if bad else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
