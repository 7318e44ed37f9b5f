"""Writing output files: atomically (a temporary file in the same folder, then ``os.replace``), under names
made safe from user-given ids.

Example:
    >>> safe_filename("s 01/../x")
    's_01_.._x'
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes so that ``path`` holds either its old content or all of ``data``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(data)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_filename(name: str, default: str = "student") -> str:
    """A student id or similar as one path component: letters, digits, ``-_.`` kept, the rest ``_``."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or default
