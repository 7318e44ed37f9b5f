"""Reading files a user named: only regular files, their size checked before a byte is read.

A FIFO blocks ``open`` forever, a device may never end, and a 4 GB sparse file would be read whole before a
check after reading refused it. Every file read on a user's say-so (exercise files, answer files, program files)
goes through :func:`read_limited` or :func:`read_beneath`: the file is opened without blocking, ``fstat`` says
whether it is a regular file of at most ``limit`` bytes, and at most ``limit + 1`` bytes are read. A refusal is a
:class:`FileRefused` (an :class:`~solver.errors.InputError`) whose ``reason`` says why, and whose message never
quotes the file's content.

Example:
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "a.yaml"), "w") as f:
    ...     f.write("x: 1\\n")
    5
    >>> read_text(os.path.join(folder, "a.yaml"), 100)
    'x: 1\\n'
    >>> os.mkfifo(os.path.join(folder, "pipe.yaml"))
    >>> try:
    ...     read_text(os.path.join(folder, "pipe.yaml"), 100)
    ... except FileRefused as refused:
    ...     print(refused.reason, "·", refused.message)
    not_regular · not a regular file (a FIFO): only regular files are read
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

from .errors import FileRefused, InputError
from .i18n import Msg, Plain

_KINDS = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"),
          (stat.S_ISSOCK, "socket"), (stat.S_ISLNK, "link"))
_ERRNO = {errno.ENOENT: "missing", errno.ENOTDIR: "not_folder", errno.EACCES: "denied", errno.EISDIR: "is_folder",
          errno.ENOSPC: "no_space", errno.EROFS: "read_only"}       # English: the system's own words for these


def file_kind(mode: int) -> Msg:
    """What a non-regular file is, in words (``a FIFO``, ``a socket``…; a catalogue message)."""
    for test, name in _KINDS:
        if test(mode):
            return Msg(f"err.kind.{name}")
    return Msg("err.kind.special")


def os_reason(exc: OSError) -> Any:
    """The reason of an operating-system error in words: the common ones in both languages, the others as the
    system says them."""
    key = _ERRNO.get(exc.errno or 0)
    return Msg(f"err.errno.{key}") if key else Plain(str(exc.strerror or exc))


def _refuse_kind(mode: int, file: str) -> None:
    if not stat.S_ISREG(mode):
        raise FileRefused(Msg("err.not_regular", what=file_kind(mode)),
                          reason="symlink" if stat.S_ISLNK(mode) else "not_regular", file=file)


def _open_error(exc: OSError, file: str, follow: bool) -> FileRefused:
    if exc.errno == errno.ELOOP and not follow:
        return FileRefused(Msg("err.symlink"), reason="symlink", file=file)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return FileRefused(Msg("err.cannot_read", why=os_reason(exc)), reason="missing", file=file)
    return FileRefused(Msg("err.cannot_read", why=os_reason(exc)), reason="unreadable", file=file)


def _read_fd(fd: int, limit: int, file: str) -> bytes:
    """The content of an open file: a regular file of at most ``limit`` bytes, else :class:`FileRefused`."""
    info = os.fstat(fd)
    _refuse_kind(info.st_mode, file)
    if info.st_size > limit:
        raise FileRefused(Msg("err.too_large", limit=limit), reason="too_large", file=file)
    chunks, size = [], 0
    while size <= limit:                       # at most limit + 1 bytes, should the file grow meanwhile
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise FileRefused(Msg("err.too_large", limit=limit), reason="too_large", file=file)
    return b"".join(chunks)


_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def read_limited(path: str | Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; else :class:`FileRefused`.
    FIFOs, devices and sockets are refused before they are opened (and again after, should the name have been
    swapped); with ``follow_symlinks=False`` a symbolic link is refused too."""
    file = os.fspath(path)
    if "\0" in file:
        raise FileRefused(Msg("err.nul_name"), reason="nul", file=file.replace("\0", "\\0"))
    try:
        _refuse_kind(os.stat(file, follow_symlinks=follow_symlinks).st_mode, file)
        fd = os.open(file, _FLAGS | (0 if follow_symlinks else os.O_NOFOLLOW))
    except OSError as exc:
        raise _open_error(exc, file, follow_symlinks) from None
    try:
        return _read_fd(fd, limit, file)
    except OSError as exc:
        raise _open_error(exc, file, follow_symlinks) from None
    finally:
        os.close(fd)


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); the position of the first bad byte otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Msg("err.not_utf8", at=exc.start), file=file) from None


def decode_any_text(raw: bytes, file: str) -> str:
    """Text as students' editors save it: UTF-8 (with or without a byte-order mark), UTF-16 with its
    byte-order mark (Windows Notepad's "Unicode"), else GB18030 — the superset of GBK and GB2312 that
    Chinese Windows editors write by default. A file with NUL bytes and no UTF-16 mark, or bytes that are
    none of these, is refused with the position of the first bad byte.

    >>> decode_any_text("参数量".encode("gbk"), "f"), decode_any_text("a：1".encode("utf-16"), "f")
    ('参数量', 'a：1')
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(Msg("err.not_utf16", at=exc.start), file=file) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if b"\0" in raw:
        raise InputError(Msg("err.nul_byte", at=raw.index(bytes(1))), file=file)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(Msg("err.not_text_cn", at=first_bad), file=file) from None


def read_text(path: str | Path, limit: int) -> str:
    """:func:`read_limited`, decoded as UTF-8."""
    return decode_text(read_limited(path, limit), os.fspath(path).replace("\0", "\\0"))


def walk_folder(root: Path, suffixes: tuple[str, ...], what: str = "a folder") -> tuple[list[Path], list[FileRefused]]:
    """The regular files under ``root`` whose suffix is in ``suffixes`` (sorted), walked without following a
    symbolic link; and one :class:`FileRefused` for each entry that is not read: a link with one of these
    suffixes or a link to a folder (``reason`` symlink), a FIFO, socket or device with one of these suffixes
    (``not_regular``), an unreadable folder (``unreadable``). Other files are skipped silently."""
    found: list[Path] = []
    refused: list[FileRefused] = []

    def unreadable(exc: OSError) -> None:
        refused.append(FileRefused(Msg("err.cannot_read_folder", why=os_reason(exc)), reason="unreadable",
                                   file=str(exc.filename or root)))
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        for name in dirs + names:
            path = Path(folder) / name
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            wanted = path.suffix.lower() in suffixes
            if stat.S_ISLNK(mode):
                if wanted or path.is_dir():
                    refused.append(FileRefused(Msg("err.symlink_in", what=what),
                                               reason="symlink", file=str(path)))
            elif wanted and stat.S_ISREG(mode):
                found.append(path)
            elif wanted and not stat.S_ISDIR(mode):
                refused.append(FileRefused(Msg("err.not_regular", what=file_kind(mode)),
                                           reason="not_regular", file=str(path)))
    return sorted(found), refused


def read_beneath(base: str | Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file ``relative`` inside the folder ``base``, reached without passing through a
    symbolic link, ``..`` or an absolute path (refused with reason ``outside`` or ``symlink``)."""
    shown = relative.replace("\0", "\\0")
    if "\0" in relative:
        raise FileRefused(Msg("err.nul_name"), reason="nul", file=shown)
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if relative.startswith(("/", "\\")) or ".." in parts or not parts:
        raise FileRefused(Msg("err.outside"), reason="outside", file=shown)
    try:
        fd = os.open(os.fspath(base), os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _open_error(exc, shown, True) from None
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            try:
                info = os.stat(part, dir_fd=fd, follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    raise FileRefused(Msg("err.symlink"), reason="symlink", file=shown)
                if last:
                    _refuse_kind(info.st_mode, shown)
                flags = _FLAGS | os.O_NOFOLLOW | (0 if last else os.O_DIRECTORY)
                child = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                raise _open_error(exc, shown, False) from None
            os.close(fd)
            fd = child
        try:
            return _read_fd(fd, limit, shown)
        except OSError as exc:
            raise _open_error(exc, shown, False) from None
    finally:
        os.close(fd)
