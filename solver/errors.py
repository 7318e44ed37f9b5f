"""Errors a user can cause, reported as one line: ``file:line: field: message``.

Example:
    >>> str(InputError("stride must be positive", file="ex.yaml", field="given.layers[2].stride", line=14))
    'ex.yaml:14: given.layers[2].stride: stride must be positive'
"""
from __future__ import annotations


class InputError(Exception):
    """Bad input (unreadable or invalid file, unknown id, impossible layer configuration): exit code 2."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None,
                 line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field
        self.line = line

    def located(self, *, file: str | None = None, field: str | None = None,
                line: int | None = None) -> "InputError":
        """Return a copy with the location filled in where it was missing."""
        return InputError(self.message, file=self.file or file, field=self.field or field,
                          line=self.line or line)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


def internal_error(file: str, exc: BaseException, doing: str = "grading") -> str:
    """The one line that stands for an unexpected exception while reading, solving or grading ``file`` in a
    multi-file run (a bug to report, never a traceback): its type and the first line of its message, cut to
    200 characters.

    >>> internal_error("s1.yaml", ValueError("bad\\nthings"))
    'internal error while grading s1.yaml: ValueError: bad'
    """
    lines = str(exc).strip().splitlines()
    message = lines[0][:200] if lines else ""
    return f"internal error while {doing} {file}: {type(exc).__name__}" + (f": {message}" if message else "")


class CheckFailed(Exception):
    """An independent verification disagreed with the solver: exit code 1."""
