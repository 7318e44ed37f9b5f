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
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False),
              help="Per-student feedback PDF: verdicts, mistakes named, worked solutions of missed parts.")
@click.option("--font-path", "font_paths", multiple=True, type=click.Path(exists=True),
              help="Fonts for the PDF (Chinese needs a CJK font).")
def main(answers: tuple[str, ...], banks: tuple[str, ...], fmt: str, lang: str, csv_path: str | None,
         gs_path: str | None, pdf: str | None, font_paths: tuple[str, ...]) -> None:
    """Grade ANSWERS (answer files, or folders of them) against the solver's answers."""
    from .answers import answer_files, read_sheet
    from .gold import set_extra_banks
    from .grade import grade_sheet
    from .report import atomic_write, gradebook_csv, print_text, to_dict, write_gradescope
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
    from rich.progress import Progress
    with Progress(console=err_console, transient=True, disable=len(files) < 2 or not err_console.is_terminal) as bar:
        task = bar.add_task("grading", total=len(files))
        for path in files:
            try:
                sheet = read_sheet(path)
                result = grade_sheet(sheet)
            except InputError as exc:
                bad = True
                click.echo(f"error: {exc}", err=True)
                if fmt == "json":
                    click.echo(json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False))
                bar.advance(task)
                continue
            results.append(result)
            if fmt == "json":
                click.echo(json.dumps(to_dict(result, lang), ensure_ascii=False))
            else:
                print_text(result, lang, console)
            bar.advance(task)
    if csv_path:
        atomic_write(csv_path, gradebook_csv(results))
    if gs_path and results:
        write_gradescope(results, gs_path, lang)
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
