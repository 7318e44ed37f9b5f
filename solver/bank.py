"""The exercise bank: the YAML files shipped in ``exercises/`` plus user folders.

A bank file is named after its id (``24.6.yaml``). Ids are looked up in an index of each folder
(:func:`folder_index`), built once: an id is never turned into a path, and a thousand unknown ids cost a
thousand dictionary look-ups, not a thousand scans of the bank.

Example:
    >>> load_exercise("hw-q2").kind
    'network'
"""
from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path

from .errors import UnknownExercise
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
    """The exercise with this id: the built-in bank first, then the ``extra`` folders, each looked up in an index
    of the folder (by file name, then by the ``id`` inside the files). An id is a key, never turned into a path:
    ``../../etc/passwd`` is simply not found. Only the file found is read and validated."""
    folders = [bank_dir()] + [Path(f) for f in extra or []]
    for folder in folders:
        path = folder_index(folder).by_name.get(ex_id)
        if path is not None:
            ex = load_file(path, bank=folder == bank_dir(), seed=seed)
            if ex.id == ex_id:
                return ex
    for folder in folders:
        path = folder_index(folder).by_id.get(ex_id)
        if path is not None:
            return load_file(path, bank=folder == bank_dir(), seed=seed)
    shown = ex_id if len(ex_id) <= 40 else ex_id[:39] + "…"
    from .i18n import Msg
    raise UnknownExercise(Msg("err.unknown_id", id=shown))


class FolderIndex:
    """The exercise files of a folder by file name (stem) and by the id they declare (first file wins). ``by_id``
    reads every file: it is built on first use only (a lookup by file name — every bank id — never reads it)."""

    def __init__(self, files: list[Path], by_name: dict[str, Path]) -> None:
        self.files, self.by_name = files, by_name

    @cached_property
    def by_id(self) -> dict[str, Path]:
        from .model import ID_PATTERN
        by_id: dict[str, Path] = {}
        for path in self.files:
            try:
                ex_id = read_document(path).data.get("id")
            except Exception:                      # noqa: BLE001 - unreadable, invalid, not a mapping: not indexed
                continue
            if isinstance(ex_id, (str, int)) and not isinstance(ex_id, bool) and ID_PATTERN.match(str(ex_id)):
                by_id.setdefault(str(ex_id), path)
        return by_id


def folder_index(folder: Path | str) -> FolderIndex:
    """The index of ``folder``, built once (again only when the folder's modification time changes). A file
    that cannot be read or declares no usable id is left out of ``by_id``: one bad file never stops a lookup."""
    folder = Path(folder)
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _folder_index(folder, stamp)


@lru_cache(maxsize=64)
def _folder_index(folder: Path, stamp: int) -> FolderIndex:
    files = exercise_files(folder) if folder.is_dir() else []
    by_name: dict[str, Path] = {}
    for suffix in SUFFIXES:                    # 24.6.yaml before 24.6.json, as the lookup always did
        for path in files:
            if path.suffix == suffix:
                by_name.setdefault(path.stem, path)
    return FolderIndex(files, by_name)


def load_bank() -> list[Exercise]:
    """Every built-in exercise, in a stable order (source, then number)."""
    return sorted((load_file(p, bank=True) for p in exercise_files(bank_dir())), key=sort_key)


def sort_key(ex: Exercise) -> tuple:
    """Order by book, chapter, then numbers compared numerically (24.2 before 24.10)."""
    import re
    src = ex.source
    parts = tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", ex.id) if t)
    return (src.book if src else "~", str(src.chapter) if src else "", tuple(str(type(p)) + str(p).zfill(6) for p in parts))
