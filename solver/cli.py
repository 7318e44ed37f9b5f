"""The ``solve`` command. See ``solve --help`` and SPEC.md.

Exit codes: 0 success; 1 a check failed; 2 bad input (one line on stderr, no traceback).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from .errors import InputError

LANGS = click.Choice(["en", "zh"])
FORMATS = click.Choice(["text", "markdown", "json"])


def _fail(exc: InputError) -> None:
    from .render.safe_text import terminal_safe
    click.echo(terminal_safe(f"error: {exc}", one_line=True), err=True)
    sys.exit(2)


def _emit(solution: Any, lang: str, fmt: str, verified: bool) -> None:
    import json
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
    if seed is not None and not ex.randomised:
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


def _write_pdf(path: str, solutions: list, lang: str, booklet: bool, font_paths: tuple[str, ...] = ()) -> None:
    from .render.typst import write_pdf
    try:
        write_pdf(path, solutions, lang, booklet, font_paths)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        from .render.atomic import cannot_write
        _fail(InputError(cannot_write(exc, path)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Solve CNN textbook exercises step by step, each answer checked independently."""


@main.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=LANGS, default="en", show_default=True)
def list_cmd(fmt: str, lang: str) -> None:
    """The bank: id, source, title, kind."""
    import json
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
    from rich.cells import cell_len
    widths = {c: max([cell_len(c)] + [cell_len(r[c]) for r in rows]) for c in ("id", "source", "kind")}

    def line(row: dict) -> str:        # ids and kinds are never cut: they are what the user types next
        return "  ".join(row[c] + " " * (widths[c] - cell_len(row[c])) for c in ("id", "kind", "source")) \
            + "  " + row["title"]
    click.echo(line({"id": "id", "source": "source", "title": "title", "kind": "kind"}))
    for row in rows:
        click.echo(line(row))


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
@click.option("--font-path", "font_paths", multiple=True, type=click.Path(exists=True),
              help="A folder (or file) with fonts for the PDF; Chinese needs a CJK font.")
def exercise_cmd(ex_id: str, banks: tuple[str, ...], lang: str, fmt: str, no_verify: bool, seed: int | None,
                 pdf: str | None, font_paths: tuple[str, ...]) -> None:
    """One exercise of the bank, solved step by step."""
    from .bank import load_exercise
    try:
        ex = load_exercise(ex_id, [Path(b) for b in banks], seed=seed)
        _seed_note(ex, seed)
        solution = _solve_one(ex, not no_verify)
    except InputError as exc:
        _fail(exc)
    if pdf:
        _write_pdf(pdf, [solution], lang, False, font_paths)
    _emit(solution, lang, fmt, not no_verify)
    sys.exit(0 if solution.ok else 1)


@main.command("file")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_common
def file_cmd(paths: tuple[str, ...], lang: str, fmt: str, no_verify: bool, seed: int | None,
             pdf: str | None) -> None:
    """Exercises written by the user (a PATH may be a folder)."""
    import json
    from .bank import exercise_files, load_file
    files: list[Path] = []
    for p in map(Path, paths):
        files += exercise_files(p) if p.is_dir() else [p]
    if not files:
        _fail(InputError("no exercise files (.yaml, .yml, .json) found", file=", ".join(paths)))
    bad = failed = False
    solved = []
    for path in files:
        try:
            ex = load_file(path, seed=seed)
            solution = _solve_one(ex, not no_verify)
            solved.append(solution)
        except InputError as exc:
            bad = True
            from .render.safe_text import terminal_safe
            click.echo(terminal_safe(f"error: {exc}", one_line=True), err=True)
            if fmt == "json":
                click.echo(json.dumps({"id": _guess_id(path), "file": str(path), "error": str(exc)},
                                      ensure_ascii=False))
            continue
        failed |= not solution.ok
        _emit(solution, lang, fmt, not no_verify)
    if pdf and solved:
        _write_pdf(pdf, solved, lang, len(solved) > 1)
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
@click.option("--all", "all_", is_flag=True, help="Every exercise of the bank.")
@click.option("--lang", type=LANGS, default="en", show_default=True)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="The PDF to write.")
@click.option("--no-verify", is_flag=True, help="Leave out the independent checks (faster, no PyTorch).")
@click.option("--seed", type=int, default=None, help="Variant number (default: the book's numbers).")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True))
@click.option("--font-path", "font_paths", multiple=True, type=click.Path(exists=True),
              help="A folder (or file) with fonts; Chinese needs a CJK font.")
@click.option("--class", "roster", type=click.Path(dir_okay=False, exists=True),
              help="A roster CSV (column 'student', or the first column): one sheet and one answer key per student "
                   "in the folder given with -o, each student's variant derived from their id.")
def pdf_cmd(ids: tuple[str, ...], all_: bool, lang: str, output: str, no_verify: bool, seed: int | None,
            banks: tuple[str, ...], font_paths: tuple[str, ...], roster: str | None) -> None:
    """Worked-solution PDF: the given exercises, or a booklet of the whole bank with --all."""
    from .bank import load_bank, load_exercise
    if not ids and not all_:
        _fail(InputError("name exercise ids or use --all"))
    if roster:
        _class_sheets(roster, ids, all_, lang, output, no_verify, [Path(b) for b in banks], font_paths)
        return
    try:
        exercises = load_bank() if all_ else [load_exercise(i, [Path(b) for b in banks], seed=seed) for i in ids]
        solutions = [_solve_one(ex, not no_verify) for ex in exercises]
    except InputError as exc:
        _fail(exc)
    _write_pdf(output, solutions, lang, booklet=all_ or len(solutions) > 1, font_paths=font_paths)
    click.echo(f"wrote {output} ({len(solutions)} exercise{'s' if len(solutions) != 1 else ''})", err=True)
    sys.exit(0 if all(s.ok for s in solutions) else 1)


def _read_roster(path: str) -> list[str]:
    import csv
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(InputError(f"cannot read the roster: {exc}", file=path))
    if not rows:
        _fail(InputError("the roster is empty", file=path))
    header = [h.strip().lower() for h in rows[0]]
    column = header.index("student") if "student" in header else 0
    body = rows[1:] if "student" in header or "id" in header else rows
    students = [r[column].strip() for r in body if len(r) > column and r[column].strip()]
    if not students:
        _fail(InputError("no student ids in the roster", file=path))
    return students


def _class_sheets(roster: str, ids: tuple[str, ...], all_: bool, lang: str, folder: str, no_verify: bool,
                  banks: list[Path], font_paths: tuple[str, ...]) -> None:
    """One exercise sheet and one answer key per student; seeds derived from the student ids."""
    import json

    from .bank import exercise_files, bank_dir, load_exercise
    from .render.atomic import atomic_write, cannot_write, safe_filename
    from .render.typst import compile_pdf, document, sheet_document
    from .variants import seed_for_student
    all_ids = [p.stem for p in exercise_files(bank_dir())] if all_ else list(ids)
    out = Path(folder)
    index = []
    used: set[str] = set()
    for student in _read_roster(roster):
        seed = seed_for_student(student)
        safe = safe_filename(student, unique=True)      # ids are data: a/b and a:b get distinct, safe names
        if {f"{safe}.pdf".casefold(), f"{safe}-key.pdf".casefold()} & used:   # a duplicate, or "x-key" vs "x"
            safe = safe_filename(student, unique=True, salt=str(len(index)))
        used |= {f"{safe}.pdf".casefold(), f"{safe}-key.pdf".casefold()}
        try:
            exercises = [load_exercise(i, banks, seed=seed) for i in all_ids]
            solutions = [_solve_one(ex, not no_verify) for ex in exercises]
            sheet = compile_pdf(sheet_document(exercises, lang, student, seed), lang, font_paths)
            key = compile_pdf(document(solutions, lang, booklet=False), lang, font_paths)
        except InputError as exc:
            _fail(exc)
        try:
            atomic_write(out / f"{safe}.pdf", sheet)
            atomic_write(out / f"{safe}-key.pdf", key)
        except OSError as exc:
            _fail(InputError(cannot_write(exc)))
        index.append({"student": student, "seed": seed, "sheet": f"{safe}.pdf", "key": f"{safe}-key.pdf"})
    try:
        atomic_write(out / "class.json", json.dumps(index, ensure_ascii=False, indent=1))
    except OSError as exc:
        _fail(InputError(cannot_write(exc)))
    click.echo(f"wrote {len(index)} sheets and answer keys to {out}", err=True)


@main.command("schema")
def schema_cmd() -> None:
    """JSON Schema of the exercise file format."""
    import json
    from .schema import exercise_schema
    click.echo(json.dumps(exercise_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
