"""The exercise bank: the YAML files shipped in ``exercises/`` plus user folders.

A bank file is named after its id (``24.6.yaml``), so looking one exercise up reads one file.

Example:
    >>> load_exercise("hw-q2").kind
    'network'
"""
from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .model import Exercise, exercise_from_document
from .yamlio import read_document

SUFFIXES = (".yaml", ".yml", ".json")


def bank_dir() -> Path:
    """Folder of the built-in exercises."""
    import exercises
    return Path(exercises.__file__).parent


def exercise_files(folder: Path) -> list[Path]:
    """Exercise files of a folder (recursively), sorted by name."""
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def load_file(path: Path | str, *, bank: bool = False, seed: int | None = None) -> Exercise:
    """Read and validate one exercise file (variant ``seed`` if it declares parameters)."""
    return exercise_from_document(read_document(path), bank=bank, seed=seed)


def load_exercise(ex_id: str, extra: list[Path] | None = None, seed: int | None = None) -> Exercise:
    """The exercise with this id: built-in bank first (by file name, then by content), then ``extra`` folders."""
    folders = [bank_dir()] + list(extra or [])
    for folder in folders:
        for suffix in SUFFIXES:
            candidate = folder / f"{ex_id}{suffix}"
            if candidate.is_file():
                ex = load_file(candidate, bank=folder == bank_dir(), seed=seed)
                if ex.id == ex_id:
                    return ex
    for folder in folders:
        for path in exercise_files(folder):
            try:
                ex = load_file(path, bank=folder == bank_dir(), seed=seed)
            except InputError:
                continue
            if ex.id == ex_id:
                return ex
    raise InputError(f"unknown exercise id '{ex_id}' (see `solve list`)")


def load_bank() -> list[Exercise]:
    """Every built-in exercise, in a stable order (source, then number)."""
    return sorted((load_file(p, bank=True) for p in exercise_files(bank_dir())), key=sort_key)


def sort_key(ex: Exercise) -> tuple:
    """Order by book, chapter, then numbers compared numerically (24.2 before 24.10)."""
    import re
    src = ex.source
    parts = tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", ex.id) if t)
    return (src.book if src else "~", str(src.chapter) if src else "", tuple(str(type(p)) + str(p).zfill(6) for p in parts))
