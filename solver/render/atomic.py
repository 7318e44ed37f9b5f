"""Writing output files: atomically (a temporary file in the same folder, then ``os.replace``; a folder as a
whole with :func:`atomic_folder`), under names made safe from user-given ids, with one error wording.

A write that fails raises ``OSError`` whose ``filename`` is the path the user named (never a temporary
name); :func:`cannot_write` is the one error line for it. No temporary file or folder is left behind.

Example:
    >>> safe_filename("s 01/../x")
    's_01_.._x'
    >>> safe_filename(".."), safe_filename("a_b", unique=True), safe_filename("a/b", unique=True)
    ('_.', 'a_b', 'a_b-c14cddc0')
    >>> safe_filename("a:b", unique=True), safe_filename("", unique=True), len(safe_filename("中" * 200).encode())
    ('a_b-6783a31e', 'student-e3b0c442', 120)
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

MAX_NAME_BYTES = 120          # leaves room for "-<hash>", "-key.pdf" … within the usual 255-byte limit


def cannot_write(exc: OSError, path: str | Path | None = None) -> Any:
    """The one error line (without ``error: ``) for an output that could not be written, in both languages:
    ``cannot write <path>: <reason>``; ``path`` is used when the exception names no file."""
    from ..files import os_reason
    from ..i18n import Msg, Plain
    return Msg("err.cannot_write", path=Plain(str(exc.filename or path)), why=os_reason(exc))


def _about(exc: OSError, target: Path) -> OSError:
    """``exc`` re-aimed at the path the user named, with the OS's reason (a file where a folder should be is
    'Not a directory', not the 'File exists' of ``mkdir``)."""
    if isinstance(exc, FileExistsError):
        return NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(target))
    return OSError(exc.errno, exc.strerror or str(exc), str(target))


def _mode(target: Path, full: int) -> int:
    """The permissions an output gets: those of the file or folder it replaces, else ``full`` less the umask
    (as ``open`` would give, not the 0600/0700 of a temporary file or folder)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return full & ~mask


def _parent_of(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _about(exc, target) from exc
    return target.parent


@contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Build the folder ``path`` as a whole: the block fills the yielded empty temporary folder (beside
    ``path``); when it ends without error that folder replaces ``path`` (a folder already there is swapped
    out, then removed), otherwise it is removed and ``path`` is untouched. An existing ``path`` that is not a
    folder (a file, a symlink) is an error; callers check that an existing folder is theirs to replace.
    """
    target = Path(path)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(target))
    parent = _parent_of(target)
    try:
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise _about(exc, target) from exc
    old: Path | None = None
    try:
        yield tmp
        os.chmod(tmp, _mode(target, 0o777))
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".old"))
            old.rmdir()                                # a free name beside the target
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                saved, old = old, None                 # put the old folder back (never remove it then)
                os.replace(saved, target)
                raise
        else:
            os.replace(tmp, target)
    except OSError as exc:
        raise _about(exc, target) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes so that ``path`` holds either its old content or all of ``data``."""
    target = Path(path)
    _parent_of(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _about(exc, target) from exc
    try:
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(data)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        os.chmod(tmp, _mode(target, 0o666))
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _about(exc, target) from exc
        raise


def safe_filename(name: str, default: str = "student", *, unique: bool = False, salt: str | None = None) -> str:
    """A student id or similar as one path component: letters, digits, ``-_.`` kept, the rest ``_``; a leading
    ``.`` becomes ``_`` (so never ``.``, ``..`` or a hidden name); ``default`` for an empty name; cut to
    ``MAX_NAME_BYTES`` bytes of UTF-8.

    Several names may give the same safe name. With ``unique`` distinct names give distinct results: when
    the safe name is not ``name`` itself, ``-`` and 8 hex digits of SHA-256 of ``name`` are appended (``a/b``,
    ``a:b`` and ``a_b`` stay apart; an id that is already safe keeps its name). A ``salt`` (e.g. the answer
    file of a duplicate id) always adds the suffix, hashed from the name and the salt.
    """
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    if safe.startswith("."):
        safe = "_" + safe[1:]
    safe = safe.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", errors="ignore") or default
    if not unique or (safe == name and salt is None):
        return safe
    key = name if salt is None else f"{name}\0{salt}"
    return f"{safe}-{hashlib.sha256(key.encode('utf-8', errors='surrogatepass')).hexdigest()[:8]}"
