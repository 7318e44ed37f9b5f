"""The ``solve`` command. See ``solve --help`` and SPEC.md.

Exit codes: 0 success; 1 a check failed; 2 bad input (one line on stderr, no traceback).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from .errors import InputError

LANGS = click.Choice(["en", "zh"])
FORMATS = click.Choice(["text", "markdown", "json"])


def _fail(exc: InputError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


def _emit(solution: Any, lang: str, fmt: str, verified: bool) -> None:
    if fmt == "json":
        from .render.json import to_dict
        click.echo(json.dumps(to_dict(solution, lang), ensure_ascii=False))
    elif fmt == "markdown":
        from .render.markdown import render
        click.echo(render(solution, lang, verified))
    else:
        from rich.console import Console

        from .render.text import render as render_text
        render_text(solution, lang, Console(highlight=False), verified)


def _seed_note(ex: Any, seed: int | None) -> None:
    if seed is not None:
        click.echo(f"note: exercise {ex.id} declares no randomised parameters; --seed {seed} gives the "
                   "original numbers", err=True)


def _solve_one(ex: Any, verify: bool) -> Any:
    from .pipeline import solve_exercise
    return solve_exercise(ex, verify=verify)


def _common(f: Callable) -> Callable:
    f = click.option("--pdf", "pdf", type=click.Path(dir_okay=False), help="Write a worked-solution PDF.")(f)
    f = click.option("--seed", type=int, default=None, help="Variant number (default: the book's numbers).")(f)
    f = click.option("--no-verify", is_flag=True, help="Skip the independent check (PyTorch is not imported).")(f)
    f = click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)(f)
    f = click.option("--lang", type=LANGS, default="en", show_default=True)(f)
    return f


def _no_pdf(pdf: str | None) -> None:
    if pdf:
        _fail(InputError("PDF output is not available in this version yet; use --format markdown"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Solve CNN textbook exercises step by step, each answer checked independently."""


@main.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=LANGS, default="en", show_default=True)
def list_cmd(fmt: str, lang: str) -> None:
    """The bank: id, source, title, kind."""
    from .bank import load_bank
    try:
        bank = load_bank()
    except InputError as exc:
        _fail(exc)
    rows = [{"id": ex.id, "source": _source(ex), "title": ex.title.render(lang), "kind": ex.kind} for ex in bank]
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    table = Table(box=None, header_style="bold")
    for col in ("id", "source", "title", "kind"):
        table.add_column(col)
    for row in rows:
        table.add_row(row["id"], row["source"], row["title"], row["kind"])
    Console(highlight=False).print(table)


def _source(ex: Any) -> str:
    src = ex.source
    if not src:
        return ""
    return " ".join(x for x in (src.book, f"{src.number}" if src.number else "") if x)


@main.command("exercise")
@click.argument("ex_id")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Also look for the id in this folder of exercise files.")
@_common
def exercise_cmd(ex_id: str, banks: tuple[str, ...], lang: str, fmt: str, no_verify: bool, seed: int | None,
                 pdf: str | None) -> None:
    """One exercise of the bank, solved step by step."""
    from .bank import load_exercise
    _no_pdf(pdf)
    try:
        ex = load_exercise(ex_id, [Path(b) for b in banks])
        _seed_note(ex, seed)
        solution = _solve_one(ex, not no_verify)
    except InputError as exc:
        _fail(exc)
    _emit(solution, lang, fmt, not no_verify)
    sys.exit(0 if solution.ok else 1)


@main.command("file")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_common
def file_cmd(paths: tuple[str, ...], lang: str, fmt: str, no_verify: bool, seed: int | None,
             pdf: str | None) -> None:
    """Exercises written by the user (a PATH may be a folder)."""
    from .bank import exercise_files, load_file
    _no_pdf(pdf)
    files: list[Path] = []
    for p in map(Path, paths):
        files += exercise_files(p) if p.is_dir() else [p]
    if not files:
        _fail(InputError("no exercise files (.yaml, .yml, .json) found", file=", ".join(paths)))
    bad = failed = False
    for path in files:
        try:
            ex = load_file(path)
            solution = _solve_one(ex, not no_verify)
        except InputError as exc:
            bad = True
            click.echo(f"error: {exc}", err=True)
            if fmt == "json":
                click.echo(json.dumps({"id": _guess_id(path), "file": str(path), "error": str(exc)},
                                      ensure_ascii=False))
            continue
        failed |= not solution.ok
        _emit(solution, lang, fmt, not no_verify)
    sys.exit(2 if bad else 1 if failed else 0)


def _guess_id(path: Path) -> str:
    try:
        from .yamlio import read_document
        data = read_document(path).data
        if isinstance(data, dict) and isinstance(data.get("id"), (str, int)):
            return str(data["id"])
    except InputError:
        pass
    return path.stem


@main.command("pdf")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True)
@click.option("--lang", type=LANGS, default="en")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False))
def pdf_cmd(ids: tuple[str, ...], all_: bool, lang: str, output: str) -> None:
    """Worked-solution PDF (not available in this version yet)."""
    _no_pdf(output)


@main.command("schema")
def schema_cmd() -> None:
    """JSON Schema of the exercise file format."""
    from .schema import exercise_schema
    click.echo(json.dumps(exercise_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
