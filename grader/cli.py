"""The ``grade`` command: grade answer files (a folder grades a class). See ``grade --help`` and SPEC.md.

Exit codes: 0 graded; 2 some file could not be read (the others are still graded).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from solver.errors import InputError, finish, report as report_error, reported


def _error(line: Any, label: str = "error", record: dict | None = None) -> None:
    """One line on stderr, terminal-safe (ids, file names and answers in it cannot move the cursor or recolour);
    with ``record``, that JSON record on stdout (solver.errors.report)."""
    report_error(line, label, record)


class _GradeCommand(click.Command):
    """``grade ANSWERS…``, and ``grade autograder …`` / ``grade merge …`` when the first word is one of those and
    no file or folder of that name exists (grader/autograder.py, grader/merge.py)."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        if argv and argv[0] in ("autograder", "merge") and not Path(argv[0]).exists():
            from importlib import import_module
            command = import_module(f"grader.{argv[0]}").command
            return command.main(argv[1:], prog_name=f"{prog_name or 'grade'} {argv[0]}", **extra)
        return super().main(args, prog_name, **extra)


@click.command(cls=_GradeCommand, context_settings={"help_option_names": ["-h", "--help"]},
               epilog="Also: grade autograder --assignment FILE -o autograder.zip (a Gradescope autograder); "
                      "grade merge SHARDS... (gradebooks and report from --format json outputs).")
@click.version_option(__import__("solver").__version__, "--version", prog_name="grade",
                      message="%(prog)s (cnn-exercises) %(version)s")
@click.argument("answers", nargs=-1, required=True, type=click.Path())
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="A folder of exercise files beyond the built-in bank.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of reports and feedback, for every student  [default: the assignment's lang, else "
                   "each student's feedback in the language the student wrote in (Chinese when the answers, "
                   "headings or working are in Chinese; the class's, else the locale's, when a file tells none), class-wide "
                   "outputs in the locale's language (LANG=zh_CN.UTF-8 gives zh) unless most of the class wrote the other]")
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
@click.option("--assignment", "assignment_path", type=click.Path(dir_okay=False),
              help="An assignment file (YAML): the exercises and parts that count and their points; every "
                   "student's maximum is the assignment's.")
@click.option("--roster", "roster_path", type=click.Path(dir_okay=False),
              help="A roster (CSV in UTF-8 or GB18030, or .xlsx; English or Chinese headers): names in the "
                   "gradebooks, students without a file listed as missing, files not on it flagged.")
@click.option("--csv-format", "csv_format", type=click.Choice(["plain", "canvas", "moodle"]), default="plain",
              show_default=True, help="Layout of the --csv gradebook (Canvas or Moodle grade import).")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False),
              help="Write an Excel gradebook: a summary sheet and a per-part sheet.")
@click.option("--pdf-dir", "pdf_dir", type=click.Path(file_okay=False),
              help="Write one feedback PDF per student into this folder, named by the student id.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the class report: one self-contained HTML file with the class's statistics.")
@click.option("--jobs", "jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Grade in N processes (forked after the gold answers are computed; results in file order).")
@click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False),
              help="Write every file's JSON record (as --format json prints it) to this JSON Lines file, one line "
                   "as each file is graded (the file lands whole at the end); grade merge reads it.")
@click.option("--dask", "dask", metavar="ADDRESS",
              help="Grade on a Dask cluster: a scheduler address (tcp://host:8786; the files must be readable at "
                   "the same paths on the workers), or local:N for a local cluster of N worker processes. Needs "
                   "pip install 'cnn-exercises[dask]'.")
@reported
def main(answers: tuple[str, ...], banks: tuple[str, ...], fmt: str, lang: str | None, csv_path: str | None,
         gs_path: str | None, variants: bool, pdf: str | None, font_paths: tuple[str, ...],
         allow_weak: bool, assignment_path: str | None = None, roster_path: str | None = None,
         csv_format: str = "plain", xlsx_path: str | None = None, pdf_dir: str | None = None,
         report_path: str | None = None, jobs: int = 1, jsonl_path: str | None = None,
         dask: str | None = None) -> None:
    """Grade ANSWERS (answer files, or folders of them) against the solver's answers."""
    if allow_weak:
        from .sandbox import allow_weak_sandbox
        allow_weak_sandbox()
    from .answers import collect_answer_files
    from .gold import set_extra_banks
    set_extra_banks([Path(b) for b in banks])
    from .teacher import gradescope_target_problem, load_inputs
    single = len(answers) == 1 and not Path(answers[0]).is_dir()        # one sheet, not a class
    if gs_path and gradescope_target_problem(gs_path, single):
        raise InputError(gradescope_target_problem(gs_path, single))
    assignment, roster = load_inputs(assignment_path, roster_path, [Path(b) for b in banks])
    forced = lang or (assignment.lang if assignment is not None else None)    # else each student's own language
    from solver.i18n import default_lang
    locale_lang = default_lang()             # without --lang or an assignment's lang, the locale's where nothing tells
    lang = forced or locale_lang
    if assignment is not None and assignment.variants is not None and not variants:
        variants = assignment.variants
    files, refused = collect_answer_files(list(answers))
    if not files and not refused:
        raise InputError(f"{', '.join(answers)}: no answer files (.yaml, .yml, .json, .md) found")
    from .stream import Options, run_class       # scanned, then graded and written file by file (grader/stream.py)
    bad = run_class(Options(answers, fmt, forced, locale_lang, variants, assignment, roster, csv_path, csv_format,
                            xlsx_path, pdf, pdf_dir, report_path, gs_path, jsonl_path, single, jobs, font_paths,
                            allow_weak, dask, banks), files, refused)
    from .timeout import shutdown
    shutdown()
    finish(bad=bad)


def _warn_about_the_sandbox(sheets: list, allow_weak: bool) -> None:
    """Say at the start, once, when student programs are to be graded without a strong sandbox."""
    from .gold import gold_for               # the grader's own lookup (extra banks, variants' base), cached
    ids = {ex for sheet in sheets for ex in sheet.answers}
    kinds = set()
    for ex in ids:
        try:
            kinds.add(gold_for(ex).exercise.kind)
        except Exception:                    # noqa: BLE001 - unknown ids are reported when graded
            continue
    if "code" not in kinds:
        return
    from .sandbox import sandbox_mode
    if sandbox_mode() != "weak":
        return
    from solver.i18n import Msg
    if allow_weak:
        _error(Msg("gw.weak_allowed"), "WARNING")
    else:
        _error(Msg("gw.weak_refused"), "WARNING")


def run(prog_name: str | None = None) -> None:
    """The console script ``grade`` (and ``python -m grader``): :data:`main` as the process's whole life
    (:func:`solver.errors.console_script`)."""
    from solver.errors import console_script
    console_script(main, prog_name)


if __name__ == "__main__":  # pragma: no cover
    run()
