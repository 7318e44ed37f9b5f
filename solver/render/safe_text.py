"""Untrusted text (student ids, file names, answers, exercise titles) made safe for where it is shown.

One place for the two rules every output shares:

- :func:`terminal_safe` — for the terminal (rich tables, error lines): escape sequences (ANSI CSI/OSC/…),
  C0/C1 control characters other than newline and tab, and the bidirectional overrides and isolates
  (U+202A–U+202E, U+2066–U+2069, which can make a line read differently from what it is) are removed.
- :func:`spreadsheet_safe` — for a gradebook cell: text starting with ``=``, ``+``, ``-``, ``@``, tab or
  carriage return (which a spreadsheet would run as a formula) gets a leading ``'`` (OWASP's advice).
  Numbers are written by the caller as numbers and never go through it.

Example:
    >>> terminal_safe("s01\\x1b[2J\\x1b]0;pwned\\x07\\u202eexe.txt")
    's01exe.txt'
    >>> terminal_safe("a\\nb\\tc\\rd", one_line=True)
    'a b c d'
    >>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")"), spreadsheet_safe("s01"), spreadsheet_safe("-1")
    ('\\'=HYPERLINK("http://x")', 's01', "'-1")
"""
from __future__ import annotations

import re

# ESC sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings (ESC ] … BEL or ST), two-byte escapes;
# the 8-bit C1 forms (U+009B CSI, U+009D OSC, …) likewise.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\n\t\r\x0b\x0c\x85\u2028\u2029]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def terminal_safe(text: str, one_line: bool = False) -> str:
    """``text`` without escape sequences, control characters (newline and tab kept) or bidi overrides.

    With ``one_line`` newlines, tabs and other line breaks become spaces too (an error line stays one line).
    The result never contains ESC (U+001B) or any character of the removed classes.
    """
    if one_line:
        text = _LINE_BREAKS.sub(" ", text)
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


def spreadsheet_safe(cell: str) -> str:
    """A text cell that a spreadsheet shows as text: ``'`` put before a leading ``= + - @``, tab or CR."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell
