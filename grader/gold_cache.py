"""Gold answers cached on disk, as JSON: computed once, read back by every later run and every worker.

An entry holds, for one exercise and variant, each part's gold value and its expected type — what grading a
right, missing or unreadable answer needs. It is keyed by the SHA-256 of the exercise file, the seed, the
package version and a digest of the solver's source (a change to the solver is a new key: never a stale
answer). A :class:`~grader.gold.Gold` read from the cache solves the exercise only when something needs the
full solution (a wrong answer to diagnose, a symbolic form, a worked solution for a PDF), once.

Safe to share between processes: entries are written atomically (a temporary file, then ``os.replace``), read
as JSON (never pickle) and checked field by field against their key; a malformed entry is ignored and rewritten.
The folder is ``$CNN_GOLD_CACHE`` (``off`` turns the cache off), else ``$XDG_CACHE_HOME/cnn-exercises/gold``
(``~/.cache/…``); it is created private (0700) and not used when another user owns it or others may write to it.

Example:
    >>> import tempfile, os, shutil
    >>> os.environ["CNN_GOLD_CACHE"] = folder = tempfile.mkdtemp()
    >>> from solver.bank import load_exercise
    >>> from grader.gold import compute_gold
    >>> store(compute_gold("hw-q3"))
    True
    >>> g = load(load_exercise("hw-q3"))
    >>> g.parts["params"].value, g.parts["params"].expected, g.solved
    (4640, 'int', False)
    >>> bool(g.solution.answers) and g.solved
    True
    >>> del os.environ["CNN_GOLD_CACHE"]; shutil.rmtree(folder)
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from .gold import Gold, GoldPart

FORMAT = 1


class CachedGold(Gold):
    """A :class:`~grader.gold.Gold` read from the cache: the full solution is computed when first needed."""
    solved = False

    def full_solution(self) -> Any:
        if not self.solved:
            from solver.pipeline import solve_exercise
            self.solution = solve_exercise(self.exercise, verify=False)
            self.solved = True
        return self.solution


def cache_dir() -> Path | None:
    """The cache folder, created private; None when turned off or not safe to use."""
    setting = os.environ.get("CNN_GOLD_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        folder = Path(setting)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "cnn-exercises" / "gold"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.stat(folder, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None                          # someone else could plant answers: not used
    return folder


def _sources() -> list[tuple[str, str]]:
    """(name, path) of every source file the digest covers: the solver's ``*.py`` and grader/gold.py, sorted."""
    import solver
    root = os.path.dirname(solver.__file__)
    out = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                out.append((os.path.relpath(path, root), path))
    out.sort()
    return out + [("<grader/gold.py>", str(Path(__file__).with_name("gold.py")))]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The package version and a digest of the solver's and gold's source: a changed solver is a new key.

    Hashing the source costs ~10 ms, too much for ``grade`` of one file, so the digest is remembered in the
    cache folder under a signature of every source file's name, size and modification time (nanoseconds): any
    change to a file — or a file added or removed — is another signature, and the source is hashed again."""
    import solver
    version = solver.__version__
    sources = _sources()
    stats = []
    for name, path in sources:
        try:
            info = os.stat(path)
        except OSError:
            continue
        stats.append(f"{name}\0{info.st_size}\0{info.st_mtime_ns}")
    signature = hashlib.sha256("\n".join([version] + stats).encode()).hexdigest()[:32]
    folder = cache_dir()
    memo = folder / f"code-{signature}.txt" if folder is not None else None
    if memo is not None:
        try:
            text = memo.read_text(encoding="ascii").strip()
            if text.startswith(f"{version}-") and len(text) == len(version) + 17:
                return text
        except (OSError, ValueError):
            pass
    h = hashlib.sha256(version.encode())
    for name, path in sources:
        if name.startswith("<"):
            h.update(Path(path).read_bytes())
        else:
            h.update(name.replace(os.sep, "/").encode())
            h.update(Path(path).read_bytes())
    digest = f"{version}-{h.hexdigest()[:16]}"
    if memo is not None:
        try:
            import tempfile
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".txt")
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(digest)
            os.replace(tmp, memo)
        except OSError:
            pass
    return digest


def _key(exercise: Any) -> tuple[str, str] | None:
    """(file name of the entry, SHA-256 of the exercise file), or None when the exercise has no file."""
    doc = getattr(exercise, "doc", None)
    if doc is None or not getattr(doc, "file", None):
        return None
    try:
        digest = hashlib.sha256(Path(doc.file).read_bytes()).hexdigest()
    except OSError:
        return None
    seed = "book" if exercise.seed is None else str(exercise.seed)
    name = hashlib.sha256(f"{digest}\0{seed}\0{code_digest()}".encode()).hexdigest()[:32]
    return f"{name}.json", digest


def _plain(value: Any) -> bool:
    """Whether ``value`` survives JSON unchanged (lists, not tuples; finite numbers; str keys)."""
    try:
        return json.loads(json.dumps(value, allow_nan=False)) == value and _no_tuples(value)
    except (TypeError, ValueError):
        return False


def _no_tuples(value: Any) -> bool:
    if isinstance(value, tuple):
        return False
    if isinstance(value, list):
        return all(_no_tuples(v) for v in value)
    if isinstance(value, dict):
        return all(_no_tuples(v) for v in value.values())
    return True


def store(gold: Any) -> bool:
    """Write ``gold``'s answers (only when every value is plain JSON); returns whether it was written."""
    folder = cache_dir()
    key = _key(gold.exercise)
    if folder is None or key is None:
        return False
    parts = {pid: {"value": gp.value, "expected": gp.expected} for pid, gp in gold.parts.items()}
    if not all(_plain(p["value"]) for p in parts.values()):
        return False
    entry = {"format": FORMAT, "exercise": gold.exercise.id, "seed": gold.exercise.seed, "file_sha256": key[1],
             "code": code_digest(), "parts": parts}
    try:
        import tempfile
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entry, fh, allow_nan=False)
        os.replace(tmp, folder / key[0])
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
        return False
    return True


class LazySolution:
    """Stands for the exercise's solution; solves it on first use (once)."""

    def __init__(self, gold: Any) -> None:
        self._gold = gold

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gold.full_solution(), name)


def load(exercise: Any) -> Any:
    """The cached gold of ``exercise`` (already loaded, with its seed), or None."""
    folder = cache_dir()
    key = _key(exercise)
    if folder is None or key is None:
        return None
    try:
        with open(folder / key[0], encoding="utf-8") as fh:
            entry = json.load(fh)
    except (OSError, ValueError):
        return None
    if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("exercise") == exercise.id
            and entry.get("seed") == exercise.seed and entry.get("file_sha256") == key[1]
            and entry.get("code") == code_digest() and isinstance(entry.get("parts"), dict)):
        return None
    parts = {}
    for p in exercise.ask:
        cached = entry["parts"].get(p.id)
        if not (isinstance(cached, dict) and "value" in cached and isinstance(cached.get("expected"), str)):
            return None
        parts[p.id] = GoldPart(exercise.id, p, cached["value"], cached["expected"])
    if set(entry["parts"]) != set(parts):
        return None
    gold = CachedGold(exercise, parts, None)
    gold.solution = LazySolution(gold)
    return gold
