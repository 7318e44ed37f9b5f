"""The ``grade`` command: grade answer files (a folder grades a class). See ``grade --help`` and SPEC.md.

Exit codes: 0 graded; 2 some file could not be read (the others are still graded).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from solver.errors import InputError, internal_error
from solver.render.safe_text import terminal_safe


def _error(line: str, label: str = "error") -> None:
    """One line on stderr, terminal-safe (ids, file names and answers in it cannot move the cursor or recolour)."""
    click.echo(terminal_safe(f"{label}: {line}", one_line=True), err=True)


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
                   "headings or working are in Chinese; the class's when a file tells none), class-wide outputs "
                   "in English unless most of the class wrote Chinese]")
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
def main(answers: tuple[str, ...], banks: tuple[str, ...], fmt: str, lang: str | None, csv_path: str | None,
         gs_path: str | None, variants: bool, pdf: str | None, font_paths: tuple[str, ...],
         allow_weak: bool, assignment_path: str | None = None, roster_path: str | None = None,
         csv_format: str = "plain", xlsx_path: str | None = None, pdf_dir: str | None = None,
         report_path: str | None = None, jobs: int = 1) -> None:
    """Grade ANSWERS (answer files, or folders of them) against the solver's answers."""
    if allow_weak:
        from .sandbox import allow_weak_sandbox
        allow_weak_sandbox()
    from .answers import collect_answer_files, read_sheet
    from .gold import set_extra_banks
    from .grade import grade_sheet
    from solver.render.atomic import atomic_write, cannot_write

    from .report import print_text, write_gradescope
    set_extra_banks([Path(b) for b in banks])
    from .teacher import gradescope_target_problem, load_inputs, not_an_answer_file, stray_sheet
    single = len(answers) == 1 and not Path(answers[0]).is_dir()        # one sheet, not a class
    if gs_path and gradescope_target_problem(gs_path, single):
        _error(gradescope_target_problem(gs_path, single))
        sys.exit(2)
    try:
        assignment, roster = load_inputs(assignment_path, roster_path, [Path(b) for b in banks])
    except InputError as exc:
        _error(str(exc))
        sys.exit(2)
    forced = lang or (assignment.lang if assignment is not None else None)    # else each student's own language
    lang = forced or "en"
    if assignment is not None and assignment.variants is not None and not variants:
        variants = assignment.variants
    failures: list[tuple[str, str]] = []
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
        failures.append((file, message))
        _error(message)
        if fmt == "json":
            click.echo(json.dumps({"file": file, "error": message}, ensure_ascii=False))
    for refusal in refused:                  # class-folder entries not read: links, FIFOs, devices
        report(refusal.file or "", str(refusal))
    given = {Path(a) for a in answers}
    skipped = 0
    for path in files:                       # read everything first: the class's variants flag shared answers
        try:
            sheet = read_sheet(path)
            note = stray_sheet(sheet, roster) if path not in given else None    # a README with a heading
            if note:
                skipped += 1
                _error(f"{path}: {note}", "note")
                continue
            sheets.append(sheet)
        except InputError as exc:
            note = not_an_answer_file(path, roster) if path not in given else None     # found in a class folder
            if note:
                skipped += 1
                _error(f"{path}: {note}", "note")
                continue
            report(str(path), str(exc))
        except Exception as exc:             # noqa: BLE001 - last resort: one file never stops the class
            report(str(path), internal_error(str(path), exc))
    _warn_about_the_sandbox(sheets, allow_weak)
    from .grade import sheet_seed
    if skipped and not sheets and not failures:
        _error(f"{', '.join(answers)}: no answer files found ({skipped} other file{'s' if skipped > 1 else ''} "
               "skipped)")
        sys.exit(2)
    class_seeds = tuple(sorted({s for s in (sheet_seed(sh, variants) for sh in sheets) if s is not None}))
    from rich.progress import Progress
    from .parallel import Job, grade_all
    from .language import class_lang
    default = class_lang(sheets) if not forced else forced          # for sheets that tell no language
    outcomes = grade_all(sheets, Job(variants, class_seeds, assignment, roster, forced, fmt, default), jobs)    # forks now
    with Progress(console=err_console, transient=True, disable=len(sheets) < 2 or not err_console.is_terminal) as bar:
        task = bar.add_task("grading", total=len(sheets))
        for sheet, (kind, result, record) in zip(sheets, outcomes):
            if kind == "error":
                report(sheet.file, result)
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
                print_text(result, result.lang, console)          # with the sheet's notes
            bar.advance(task)
    from .teacher import split_clashes
    results, clashed, clash_ids, clash_lines = split_clashes(results)       # one file per student, or an error
    for line in clash_lines:
        _error(line)
    if clashed:
        bad = True
        failures += clashed
    if not forced:                           # class-wide outputs: the language most of the class wrote in
        lang = class_lang(sheets, undecided="en")
    from .gradebook import build_class
    from .teacher import class_warnings, gradescope_error, write_outputs
    book = build_class(results, failures, roster, assignment, ids=clash_ids)
    for warning in class_warnings(book):
        _error(warning, "warning")
    if not write_outputs(book, lang, csv_path=csv_path, csv_format=csv_format, xlsx=xlsx_path, pdf_dir=pdf_dir,
                         report=report_path, font_paths=font_paths, error=_error):
        sys.exit(2)
    try:
        if gs_path and single and not results and failures:
            atomic_write(gs_path, gradescope_error(failures[0][1], lang,
                                                   assignment.max_score if assignment is not None else 0.0))
        elif gs_path and (results or failures):
            write_gradescope(results, gs_path, lang, single=single, errors=failures, own_lang=True)
    except OSError as exc:
        _error(cannot_write(exc, gs_path))
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
