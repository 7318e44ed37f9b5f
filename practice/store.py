"""Progress kept between practice sessions: a small SQLite file (standard library ``sqlite3``).

The file is ``$XDG_DATA_HOME/cnn-exercises/progress.sqlite`` (``~/.local/share/…`` when ``XDG_DATA_HOME`` is unset
or not absolute, as the XDG base-directory specification says). One row per part practised: the exercise, the
variant, the part, whether it was right first time, tries, hints, whether it was solved, and the mistakes named.

``review()`` gives the parts whose latest practice was not right first time: ``solve practice --review`` asks them
again, with new numbers where the exercise has variants.

Example:
    >>> import tempfile, pathlib
    >>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "p.sqlite")
    >>> s.record("hw-q3", None, "params", first_try=False, tries=2, hints=1, solved=True, mistakes=["bias_forgotten"])
    >>> s.record("hw-q3", None, "shape", first_try=True, tries=1, hints=0, solved=True, mistakes=[])
    >>> s.review(), s.done(), s.mistakes()
    ([('hw-q3', 'params')], ['hw-q3'], {'bias_forgotten': 1})
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    exercise TEXT NOT NULL,
    seed INTEGER,
    part TEXT NOT NULL,
    first_try INTEGER NOT NULL,
    tries INTEGER NOT NULL,
    hints INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    mistakes TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS attempts_part ON attempts (exercise, part, id);
"""


def data_dir(environ: dict | None = None) -> Path:
    """The user's data folder for this tool (XDG base directories).

    >>> str(data_dir({"XDG_DATA_HOME": "/tmp/x", "HOME": "/home/a"})), str(data_dir({"HOME": "/home/a"}))
    ('/tmp/x/cnn-exercises', '/home/a/.local/share/cnn-exercises')
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".local", "share")
    return Path(base) / "cnn-exercises"


def default_path() -> Path:
    return data_dir() / "progress.sqlite"


class Store:
    """The progress file; every write is one short transaction (a session killed mid-way loses nothing saved)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)   # callers serialise
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def record(self, exercise: str, seed: int | None, part: str, *, first_try: bool, tries: int, hints: int,
               solved: bool, mistakes: list[str]) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO attempts (at, exercise, seed, part, first_try, tries, hints, solved, mistakes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time(), exercise, seed, part, int(first_try), tries, hints, int(solved),
                 json.dumps(sorted(set(mistakes)))))

    def review(self) -> list[tuple[str, str]]:
        """(exercise, part) whose latest practice was not right first time, oldest first."""
        rows = self._db.execute(
            "SELECT exercise, part, first_try FROM attempts a WHERE id = "
            "(SELECT MAX(id) FROM attempts b WHERE b.exercise = a.exercise AND b.part = a.part) ORDER BY id").fetchall()
        return [(ex, part) for ex, part, first in rows if not first]

    def done(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT exercise FROM attempts ORDER BY exercise")]

    def mistakes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (text,) in self._db.execute("SELECT mistakes FROM attempts"):
            for m in json.loads(text):
                counts[m] = counts.get(m, 0) + 1
        return counts
