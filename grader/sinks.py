"""Where a streamed ``grade DIR`` run (:mod:`grader.stream`) puts things while it runs: the scanned sheets
(:class:`Spill`) and the ``--jsonl`` file (:class:`JsonlStream`), each removed or put in place whole at the end.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> out = JsonlStream(str(d / "run.jsonl")); out.write('{"student": "s1"}'); out.commit()
    >>> (d / "run.jsonl").read_text().splitlines()
    ['{"student": "s1"}']
    >>> spill = Spill(1000); item = spill.put(b"x", "s1.yaml"); spill.ready(); (item.offset, item.length)
    (0, 1)
    >>> spill.close(); import shutil; shutil.rmtree(d)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any


SPILL_IN_MEMORY = 256          # classes up to this many files keep the scanned sheets in memory (pickled)


class Spill:
    """The sheets the scan read, pickled, so that grading loads each with ``pickle`` instead of parsing its file
    again: for a large class one after another into a file of a private temporary folder (removed by
    :meth:`close`), so no process holds the class; for a small one (``SPILL_IN_MEMORY`` files) in memory."""

    def __init__(self, files: int) -> None:
        self.fh = None
        if files > SPILL_IN_MEMORY:
            import tempfile
            self.folder = tempfile.mkdtemp(prefix="cnn-grade-")          # 0700
            self.path = os.path.join(self.folder, "sheets.bin")
            self.fh = open(self.path, "wb")
        self.size = 0

    def put(self, blob: bytes, file: str) -> Any:
        from .parallel import Pickled, Spilled
        if self.fh is None:
            return Pickled(blob, file)
        self.fh.write(blob)
        item = Spilled(self.path, self.size, len(blob), file)
        self.size += len(blob)
        return item

    def ready(self) -> None:
        if self.fh is not None:
            self.fh.flush()

    def put_texts(self, texts: list) -> tuple[int, int]:
        """Keep one graded sheet's per-part texts (``--xlsx``'s per-part sheet) beside the sheets; returns where."""
        import json
        blob = json.dumps(texts, ensure_ascii=False).encode("utf-8")
        if self.fh is None:
            self.__dict__.setdefault("_texts", []).append(blob)
            return (len(self._texts) - 1, -1)
        if "_texts_fh" not in self.__dict__:
            self._texts_path = os.path.join(self.folder, "texts.jsonl")
            self._texts_fh = open(self._texts_path, "wb")
            self._texts_size = 0
        self._texts_fh.write(blob)
        where = (self._texts_size, len(blob))
        self._texts_size += len(blob)
        return where

    def texts(self, where: tuple[int, int]) -> list:
        """What :meth:`put_texts` kept at ``where``."""
        import json
        offset, length = where
        if length < 0:
            return json.loads(self._texts[offset])
        if not self._texts_fh.closed:
            self._texts_fh.flush()
        with open(self._texts_path, "rb") as fh:
            fh.seek(offset)
            return json.loads(fh.read(length))

    def close(self) -> None:
        if "_texts_fh" in self.__dict__:
            self._texts_fh.close()
        if self.fh is not None:
            import shutil
            self.fh.close()
            shutil.rmtree(self.folder, ignore_errors=True)


class JsonlStream:
    """A JSON Lines file written line by line into a temporary file beside it and renamed over it by
    :meth:`commit` (:meth:`discard` removes it): the file holds the old content or every line."""

    def __init__(self, path: str) -> None:
        import tempfile
        self.target = Path(path)
        try:
            if self.target.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(self.target))
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".tmp")
        except OSError as exc:
            raise self._aimed(exc) from exc
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def _aimed(self, exc: OSError) -> OSError:
        """``exc`` naming the file the user named (a file where a folder should be: 'Not a directory')."""
        import errno
        if isinstance(exc, FileExistsError):
            return NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(self.target))
        return OSError(exc.errno, exc.strerror or str(exc), str(self.target))

    def write(self, line: str) -> None:
        self.fh.write(line + "\n")

    def commit(self) -> None:
        try:
            self.fh.close()
            try:
                mode = self.target.stat().st_mode & 0o7777          # the file it replaces keeps its mode
            except OSError:
                mask = os.umask(0)
                os.umask(mask)
                mode = 0o666 & ~mask                              # else as open() would give, not mkstemp's 0600
            os.chmod(self.tmp, mode)
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise self._aimed(exc) from exc

    def discard(self) -> None:
        self.fh.close()
        Path(self.tmp).unlink(missing_ok=True)
