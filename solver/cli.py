"""The ``solve`` command. See ``solve --help`` and SPEC.md.

Exit codes: 0 success; 1 a check failed; 2 bad input (one line on stderr, no traceback): each command is
:func:`~solver.errors.reported`, so an :class:`~solver.errors.InputError` raised inside ends it that way.

Other packages add subcommands through entry points of the group ``cnn_exercises.commands`` (pyproject
``[project.entry-points."cnn_exercises.commands"]``, name → a click command); the group below
(:class:`_CommandsGroup`) looks them up lazily, only for a name it does not define or to list the commands. This
is how ``solve practice`` and ``solve serve`` (package ``practice``, which uses the grader) are added without the
solver importing the grader.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from .errors import InputError, finish, report, reported, say
from .i18n import default_lang

LANGS = click.Choice(["en", "zh"])


LANG_HELP = "Language of the output (default: from the locale, e.g. LANG=zh_CN.UTF-8 gives zh; otherwise en)."
FORMATS = click.Choice(["text", "markdown", "json"])


def _emit(solution: Any, lang: str, fmt: str, verified: bool) -> None:
    from .render.output import rendered
    text = rendered(solution, lang, fmt, verified)
    if text is None:
        from .render.plain_console import console_for_stdout   # rich's console only when styles are drawn
        from .render.text import render as render_text
        render_text(solution, lang, console_for_stdout(), verified)
    else:
        click.echo(text, nl=False)


def _seed_note(ex: Any, seed: int | None) -> None:
    if seed is not None and not ex.randomised:
        from .i18n import Msg, Plain
        report(Msg("note.no_params", id=Plain(ex.id), seed=seed), "note")


def _solve_one(ex: Any, verify: bool) -> Any:
    from .pipeline import solve_exercise
    return solve_exercise(ex, verify=verify)


def _common(f: Callable) -> Callable:
    f = click.option("--pdf", "pdf", type=click.Path(dir_okay=False), help="Write a worked-solution PDF.")(f)
    f = click.option("--seed", type=int, default=None, help="Variant number (default: the book's numbers).")(f)
    f = click.option("--no-verify", is_flag=True, help="Skip the independent check (PyTorch is not imported).")(f)
    f = click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)(f)
    f = click.option("--lang", type=LANGS, default=default_lang, help=LANG_HELP)(f)
    return f


def _fonts_first(lang: str, font_paths: tuple[str, ...] = ()) -> None:
    """A Chinese PDF without a CJK font is refused before any solving (not after a minute of work)."""
    from .render.typst import require_fonts
    require_fonts(lang, font_paths)


def _write_pdf(path: str, solutions: list, lang: str, booklet: bool, font_paths: tuple[str, ...] = ()) -> None:
    from .render.typst import write_pdf
    try:
        write_pdf(path, solutions, lang, booklet, font_paths)
    except OSError as exc:
        from .render.atomic import cannot_write
        raise InputError(cannot_write(exc, path)) from None


COMMANDS_GROUP = "cnn_exercises.commands"


class _CommandsGroup(click.Group):
    """The ``solve`` group, open to commands that other installed packages contribute.

    A package adds a subcommand by declaring a click command as an entry point of the group
    ``cnn_exercises.commands`` (pyproject ``[project.entry-points."cnn_exercises.commands"]``, e.g.
    ``practice = "practice.terminal:practice_cmd"``). Entry points are looked up only when a command name is not
    one of the solver's own, or when the commands are listed (``solve --help``): the solver never imports such a
    package itself — it cannot import the grader, which ``practice`` uses — and ``solve exercise`` loads nothing
    more. A contributed command that fails to load is listed as “(could not be loaded)”; asked for, it exits 1
    with the reason; the other commands work as before.
    """

    @staticmethod
    def _entry_points() -> dict:
        from importlib.metadata import entry_points
        return {ep.name: ep for ep in entry_points(group=COMMANDS_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._entry_points()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        own = super().get_command(ctx, name)
        if own is not None:
            return own
        ep = self._entry_points().get(name)
        if ep is None:
            return None
        try:
            command = ep.load()
        except Exception as exc:             # noqa: BLE001 - a broken plugin must not break `solve`
            message = f"command {name!r} could not be loaded: {exc}"

            def broken() -> None:
                raise click.ClickException(message)
            return click.Command(name, callback=broken, help=message, short_help="(could not be loaded)",
                                 context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
        return command if isinstance(command, click.Command) else None


@click.group(cls=_CommandsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__import__("solver").__version__, "--version", prog_name="solve",
                      message="%(prog)s (cnn-exercises) %(version)s")
def main() -> None:
    """Solve CNN textbook exercises step by step, each answer checked independently."""


@main.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=LANGS, default=default_lang, help=LANG_HELP)
@reported
def list_cmd(fmt: str, lang: str) -> None:
    """The bank: id, source, title, kind."""
    import json
    from .bank import load_bank
    bank = load_bank()
    rows = [{"id": ex.id, "source": _source(ex, lang), "title": ex.title.render(lang), "kind": ex.kind} for ex in bank]
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.cells import cell_len
    widths = {c: max([cell_len(c)] + [cell_len(r[c]) for r in rows]) for c in ("id", "source", "kind")}

    def line(row: dict) -> str:        # ids and kinds are never cut: they are what the user types next
        return "  ".join(row[c] + " " * (widths[c] - cell_len(row[c])) for c in ("id", "kind", "source")) \
            + "  " + row["title"]
    click.echo(line({"id": "编号", "source": "出处", "title": "标题", "kind": "类型"} if lang == "zh" else
                    {"id": "id", "source": "source", "title": "title", "kind": "kind"}))
    for row in rows:
        click.echo(line(row))


def _source(ex: Any, lang: str = "en") -> str:
    from .render.common import book_name, source_number
    src = ex.source
    if not src:
        return ""
    return " ".join(x for x in (book_name(src.book, lang), source_number(src, lang)) if x)


@main.command("exercise")
@click.argument("ex_id")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Also look for the id in this folder of exercise files.")
@_common
@click.option("--font-path", "font_paths", multiple=True, type=click.Path(exists=True),
              help="A folder (or file) with fonts for the PDF; Chinese needs a CJK font.")
@reported
def exercise_cmd(ex_id: str, banks: tuple[str, ...], lang: str, fmt: str, no_verify: bool, seed: int | None,
                 pdf: str | None, font_paths: tuple[str, ...]) -> None:
    """One exercise of the bank, solved step by step."""
    from .bank import load_exercise
    if pdf:
        _fonts_first(lang, font_paths)
    ex = load_exercise(ex_id, [Path(b) for b in banks], seed=seed)
    _seed_note(ex, seed)
    solution = _solve_one(ex, not no_verify)
    if pdf:
        _write_pdf(pdf, [solution], lang, False, font_paths)
    _emit(solution, lang, fmt, not no_verify)
    finish(failed=not solution.ok)


@main.command("file")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_common
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes that solve and check (0: one per CPU, at most 4; only for checked runs of several "
                   "files — each check imports PyTorch, so they share one import).")
@reported
def file_cmd(paths: tuple[str, ...], lang: str, fmt: str, no_verify: bool, seed: int | None,
             pdf: str | None, jobs: int) -> None:
    """Exercises written by the user (a PATH may be a folder)."""
    from .bank import exercise_files
    files: list[Path] = []
    for p in map(Path, paths):
        files += exercise_files(p) if p.is_dir() else [p]
    if not files:
        from .i18n import Msg
        raise InputError(Msg("err.no_files"), file=", ".join(paths))
    if pdf:
        _fonts_first(lang)
    bad = failed = False
    solved = []
    from .batch import Job, solve_files
    job = Job(seed, not no_verify, lang, fmt, bool(pdf))
    for path, outcome in zip(files, solve_files(files, job, jobs, freeze=_ONE_SHOT)):
        if outcome[0] == "error":
            bad = True
            report(outcome[1], record={"id": _guess_id(path), "file": str(path), "error": outcome[1]}
                   if fmt == "json" else None)
            continue
        _, ok, text, solution = outcome
        failed |= not ok
        if text is None:
            _emit(solution, lang, fmt, job.verify)
        else:
            click.echo(text, nl=False)
        if pdf:
            solved.append(solution)
    if pdf and solved:
        _write_pdf(pdf, solved, lang, len(solved) > 1)
    finish(bad=bad, failed=failed)


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
@click.option("--lang", type=LANGS, default=default_lang, help=LANG_HELP)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="The PDF to write.")
@click.option("--no-verify", is_flag=True, help="Leave out the independent checks (faster, no PyTorch).")
@click.option("--seed", type=int, default=None, help="Variant number (default: the book's numbers).")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True))
@click.option("--font-path", "font_paths", multiple=True, type=click.Path(exists=True),
              help="A folder (or file) with fonts; Chinese needs a CJK font.")
@click.option("--class", "roster", type=click.Path(dir_okay=False, exists=True),
              help="A roster (CSV or .xlsx; student id and name columns, English or Chinese headers): one sheet and "
                   "one answer key per student in the folder given with -o, each naming the student and the "
                   "variant derived from their id.")
@reported
def pdf_cmd(ids: tuple[str, ...], all_: bool, lang: str, output: str, no_verify: bool, seed: int | None,
            banks: tuple[str, ...], font_paths: tuple[str, ...], roster: str | None) -> None:
    """Worked-solution PDF: the given exercises, or a booklet of the whole bank with --all."""
    from .bank import load_exercise
    if not ids and not all_:
        raise InputError("name exercise ids or use --all")
    _fonts_first(lang, font_paths)
    if roster:
        _class_sheets(roster, ids, all_, lang, output, no_verify, [Path(b) for b in banks], font_paths)
        return
    if all_ or len(ids) > 1:        # a booklet: solved (verified: in a process of its own), typeset in parts
        from .render.booklet import solve_and_write
        try:
            oks = solve_and_write(output, ids, all_, lang, not no_verify, seed, banks, font_paths)
        except OSError as exc:
            from .render.atomic import cannot_write
            raise InputError(cannot_write(exc, output)) from None
    else:
        exercises = [load_exercise(i, [Path(b) for b in banks], seed=seed) for i in ids]
        solutions = [_solve_one(ex, not no_verify) for ex in exercises]
        _write_pdf(output, solutions, lang, booklet=False, font_paths=font_paths)
        oks = [s.ok for s in solutions]
    from .i18n import Count, Msg, Plain
    key = "note.wrote_pdf_one" if len(oks) == 1 else "note.wrote_pdf"
    click.echo(say(Msg(key, path=Plain(output), n=Count(len(oks)))), err=True)
    finish(failed=not all(oks))


def _read_roster(path: str) -> list:
    """The entries (id, name, section) of a roster: CSV (UTF-8, with or without BOM, or GB18030) or .xlsx, English
    or Chinese headers (solver/roster.py); a file without a known header is read from its first row, ids first."""
    from .roster import read_roster
    return read_roster(path, allow_duplicates=True)          # a duplicate: two sheets


def _class_sheets(roster: str, ids: tuple[str, ...], all_: bool, lang: str, folder: str, no_verify: bool,
                  banks: list[Path], font_paths: tuple[str, ...]) -> None:
    """One exercise sheet and one answer key per student; seeds derived from the student ids."""
    import json

    from .bank import exercise_files, bank_dir, load_exercise
    from .render.atomic import atomic_write, cannot_write, safe_filename
    from .class_sheets import key_source, sheet_source
    from .render.typst import compile_pdf
    from .variants import seed_for_student
    all_ids = [p.stem for p in exercise_files(bank_dir())] if all_ else list(ids)
    out = Path(folder)
    index = []
    used: set[str] = set()
    for entry in _read_roster(roster):
        student, name = entry.student, entry.name
        seed = seed_for_student(student)
        safe = safe_filename(student, unique=True)      # ids are data: a/b and a:b get distinct, safe names
        if {f"{safe}.pdf".casefold(), f"{safe}-key.pdf".casefold()} & used:   # a duplicate, or "x-key" vs "x"
            safe = safe_filename(student, unique=True, salt=str(len(index)))
        used |= {f"{safe}.pdf".casefold(), f"{safe}-key.pdf".casefold()}
        exercises = [load_exercise(i, banks, seed=seed) for i in all_ids]
        solutions = [_solve_one(ex, not no_verify) for ex in exercises]
        sheet = compile_pdf(sheet_source(exercises, lang, student, name, seed), lang, font_paths)
        key = compile_pdf(key_source(solutions, lang, student, name, seed), lang, font_paths)
        try:
            atomic_write(out / f"{safe}.pdf", sheet)
            atomic_write(out / f"{safe}-key.pdf", key)
        except OSError as exc:
            raise InputError(cannot_write(exc)) from None
        index.append({"student": student, **({"name": name} if name else {}), "seed": seed, "sheet": f"{safe}.pdf",
                      "key": f"{safe}-key.pdf"})
    try:
        atomic_write(out / "class.json", json.dumps(index, ensure_ascii=False, indent=1))
    except OSError as exc:
        raise InputError(cannot_write(exc)) from None
    from .i18n import Count, Msg, Plain
    click.echo(say(Msg("note.wrote_sheets", n=Count(len(index)), path=Plain(str(out)))), err=True)


@main.command("schema")
@click.option("--assignment", is_flag=True, help="The schema of grade's assignment file instead.")
def schema_cmd(assignment: bool) -> None:
    """JSON Schema of the exercise file format (or, with --assignment, of an assignment file)."""
    import json
    from .schema import exercise_schema
    if assignment:
        from .assignment_schema import assignment_schema
        click.echo(json.dumps(assignment_schema(), indent=2, ensure_ascii=False))
        return
    click.echo(json.dumps(exercise_schema(), indent=2, ensure_ascii=False))


@main.command("model")
@click.argument("target")
@click.option("--input", "input_shape", required=True, help="Input shape without the batch: 3x224x224, 1x28x28, 50.")
@click.option("--ask", default="params,macs,shape", show_default=True,
              help="Comma-separated: params, macs, flops, shape, rf.")
@click.option("--emit-yaml", is_flag=True, help="Print the exercise as YAML instead of solving it.")
@_common
@reported
def model_cmd(target: str, input_shape: str, ask: str, emit_yaml: bool, lang: str, fmt: str, no_verify: bool,
              seed: int | None, pdf: str | None) -> None:
    """A model read from PyTorch source, FILE.py[:NAME] (read with ast, never imported or run)."""
    from .network.model_cmd import model_solution
    if pdf:
        _fonts_first(lang)
    solution = model_solution(target, input_shape, ask, emit_yaml, not no_verify)
    if solution is None:
        return
    if pdf:
        _write_pdf(pdf, [solution], lang, False)
    _emit(solution, lang, fmt, not no_verify)
    finish(failed=not solution.ok)


_ONE_SHOT = False          # True in the console script: this process ends with the command (not a test, a notebook)


def run(prog_name: str | None = None) -> None:
    """The console script ``solve`` (and ``python -m solver``): :data:`main` as the process's whole life
    (:func:`~solver.errors.console_script`; ``solve file`` may then freeze what it imported for its workers)."""
    global _ONE_SHOT
    _ONE_SHOT = True
    from .errors import console_script
    console_script(main, prog_name)


if __name__ == "__main__":  # pragma: no cover
    run()
