"""Grade a program part (``quantity: program``): run the student's function in the sandbox
(:mod:`grader.sandbox`) and compare what comes back with the reference on every input.

Dtype policy: D2L builds outputs with ``torch.zeros`` (float32), so by default a result must be float32
(``given.dtype: any`` accepts float64 too). A numpy array is accepted like a tensor. Values compare with
``torch.allclose(rtol, atol · max(1, max |expected|))``; shapes exactly. A result that is right except
for its dtype scores ``partial`` (half the points, or the part's ``partial``).

Example:
    >>> _owned("s001/corr2d.py", ("s001",))
    True
"""
from __future__ import annotations

import os
from typing import Any

from solver.values import shape_text

from .sandbox import (MAX_SOURCE_BYTES, OUTPUT_LIMIT, SandboxResult, clean_results, run_submission, sandbox_mode,
                      weak_allowed)



def encode_args(args: dict[str, Any], order: list[str]) -> dict:
    """Arguments by parameter name → a case for :func:`run_submission` (positional, in ``order``)."""
    import torch

    def enc(v: Any) -> Any:
        if isinstance(v, torch.Tensor):
            return {"tensor": v.reshape(-1).tolist(), "shape": list(v.shape),
                    "dtype": str(v.dtype).replace("torch.", "")}
        if isinstance(v, tuple):
            return {"tuple": [enc(x) for x in v]}
        return v
    return {"args": [enc(args[name]) for name in order]}


def _short(value: Any, limit: int = 300) -> str:
    """Nested lists of numbers, compactly (whole floats without ``.0``), cut at ``limit`` characters."""
    def fmt(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(fmt(x) for x in v) + "]"
        if isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                return str(v)
            return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"
        return str(v)
    text = fmt(value)
    return text if len(text) <= limit else text[:limit] + " …"


def _show(t: Any) -> str:
    """A tensor for feedback: whole when small, else its first entries (flattened) and its shape."""
    if t.numel() <= 120:
        return _short(t.tolist())
    return _short(t.reshape(-1)[:40].tolist())[:-1] + f", …] ({_shape(t.shape)}, flattened)"


def _shape(shape: Any) -> str:
    return shape_text(shape) if len(shape) else "scalar"


def _inputs_text(args: dict) -> str:
    import torch
    parts = []
    for name, v in args.items():
        if isinstance(v, torch.Tensor):
            parts.append(f"{name} = {_short(v.tolist(), 200) if v.numel() <= 120 else _show(v)} ({_shape(v.shape)})")
        else:
            parts.append(f"{name} = {v!r}")
    return ", ".join(parts)


def _flipped(ref: Any, args: dict) -> Any:
    """The reference on the kernel rotated by 180° (the mathematical convolution), when there is a K."""
    import torch
    if "K" not in args or not isinstance(args["K"], torch.Tensor) or args["K"].dim() < 2:
        return None
    flipped = dict(args)
    flipped["K"] = torch.flip(args["K"], dims=(-2, -1))
    try:
        return ref.call(flipped).detach().double()
    except Exception:
        return None


def _check_case(spec: Any, case: Any, expected: Any, got: dict) -> tuple[str, list] | None:
    """None when the case passes; else (kind, feedback messages). Kind 'dtype' is the mild failure."""
    import torch
    from solver.i18n import Msg, Plain
    if got.get("malformed"):
        return "malformed", [Msg("code.fail.malformed")]
    if "error" in got:
        where = f" (line {got['line']})" if isinstance(got.get("line"), int) else ""
        return "error", [Msg("code.fail.exception", error=Plain(str(got["error"])[:300] + where))]
    value = got.get("value") or {}
    if value.get("kind") not in ("torch", "numpy"):
        what = str(value.get("type", "nothing"))
        if value.get("repr"):
            what += f" {value['repr'][:120]}"
        return "type", [Msg("code.fail.type", got=Plain(what))]
    if "too_big" in value:
        return "size", [Msg("code.fail.too_big", n=int(value["too_big"]))]
    want = expected.detach().double()
    shape = tuple(int(s) for s in value.get("shape", []))
    data = value.get("data", [])
    try:
        tensor = torch.tensor([float(x) for x in data], dtype=torch.float64).reshape(shape)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return "type", [Msg("code.fail.type", got=Plain(f"{value.get('kind')} {value.get('dtype')}"))]
    scale = max(1.0, float(want.abs().max())) if want.numel() else 1.0

    def close(a: Any, b: Any) -> bool:
        return a.shape == b.shape and bool(torch.allclose(a, b, rtol=spec.rtol, atol=spec.atol * scale))

    want_shape = tuple(want.shape)
    show = [Msg("code.fail.expected", value=Plain(_show(want))), Msg("code.fail.got", value=Plain(_show(tensor)))]
    if shape != want_shape:
        if len(shape) == 2 and shape == want_shape[::-1] and close(tensor.T, want):
            return "transposed", [Msg("code.fail.transposed"), *show]
        msg = "code.fail.shape"
        if len(shape) == len(want_shape) and all(abs(a - b) <= 1 for a, b in zip(shape, want_shape)):
            msg = "code.fail.off_by_one"
        return "shape", [Msg(msg, got=Plain(_shape(shape)), want=Plain(_shape(want_shape))), *show]
    if not torch.isfinite(tensor).all() and torch.isfinite(want).all():
        return "values", [Msg("code.fail.not_finite"), *show]
    if not close(tensor, want):
        if tensor.dim() == 2 and tensor.shape[0] == tensor.shape[1] and close(tensor.T, want) \
                and not close(want.T, want):
            return "transposed", [Msg("code.fail.transposed"), *show]
        flipped = _flipped(spec.reference, case.args)
        if flipped is not None and close(tensor, flipped) and not close(flipped, want):
            return "flipped", [Msg("code.fail.flipped"), *show]
        bad = ~torch.isclose(tensor, want, rtol=spec.rtol, atol=spec.atol * scale)
        first = tuple(int(i) for i in bad.nonzero()[0].tolist())
        return "values", [Msg("code.fail.values", n=int(bad.sum()), total=int(want.numel()),
                              index=Plain(str(first if len(first) != 1 else first[0])),
                              got=Plain(_short(float(tensor[first]))), want=Plain(_short(float(want[first])))),
                          *show]
    dtype = str(value.get("dtype", ""))
    if spec.dtype == "float32" and dtype != "float32":
        return "dtype", [Msg("code.fail.dtype", got=Plain(dtype), want=Plain("float32"))]
    if spec.dtype == "any" and dtype not in ("float32", "float64"):
        return "dtype", [Msg("code.fail.dtype", got=Plain(dtype), want=Plain("float32"))]
    return None


def _contained(result: SandboxResult, spec: Any) -> Any:
    """The verdict when the run did not get as far as results."""
    from solver.i18n import Msg, Plain
    from .compare import Verdict
    s = result.status
    blocked = [Msg("code.contain.blocked", what=Plain(", ".join(dict.fromkeys(result.blocked))))] \
        if result.blocked else []
    where = f" (line {result.line})" if result.line else ""
    table = {
        "syntax": ("unparsable", [Msg("code.contain.syntax", error=Plain(result.detail), line=result.line or "?")]),
        "missing": ("incorrect", [Msg("code.contain.missing", function=Plain(spec.function))]),
        "not_callable": ("incorrect", [Msg("code.contain.not_callable", function=Plain(spec.function))]),
        "load_error": ("incorrect", blocked + [Msg("code.contain.load_error", error=Plain(result.detail + where))]),
        "memory": ("incorrect", [Msg("code.contain.memory", mb=spec.memory_mb)]),
        "timeout": ("incorrect", [Msg("code.contain.timeout", s=Plain(f"{spec.seconds:g}"))]),
        "output": ("incorrect", [Msg("code.contain.output", kb=OUTPUT_LIMIT // 1024)]),
        "crashed": ("incorrect", [Msg("code.contain.crashed", how=Plain(result.detail or f"signal {result.signal}"))]),
        "no_result": ("incorrect", blocked + [Msg("code.contain.no_result", code=Plain(result.detail))]),
        "supervisor": ("incorrect", [Msg("code.contain.supervisor")]),
        "hidden": ("incorrect", [Msg("code.contain.hidden")]),
        "internal": ("needs_review", [Msg("code.contain.internal", why=Plain(result.detail or "?"))]),
    }
    verdict, feedback = table.get(s, ("needs_review", [Msg("code.contain.internal", why=Plain(s))]))
    if s == "load_error" and blocked:
        feedback = blocked + [Msg("code.contain.load_error", error=Plain(result.detail + where))]
    return Verdict(verdict, 0.0, feedback, mistake=f"program_{s}")


def grade_code(source: str, exercise: Any, *, partial: float | None = None, spec: Any = None) -> Any:
    """Run the student's ``source`` for a ``kind: code`` exercise and compare with the reference on every
    input: a :class:`grader.compare.Verdict` whose feedback names the first failing input with expected and
    got, or why the run was stopped. ``partial`` is the share of the points for a result that is right
    except for its dtype (default 0.5)."""
    from solver.code.solve import read_spec
    from solver.i18n import Msg, Plain
    from .compare import Verdict
    spec = spec or read_spec(exercise)
    text = source if isinstance(source, str) else str(source)
    if not text.strip():
        return Verdict("unparsable", 0.0, [Msg("code.contain.empty")])
    if len(text.encode("utf-8", "surrogateescape")) > MAX_SOURCE_BYTES:
        return Verdict("unparsable", 0.0, [Msg("code.contain.too_long", kb=MAX_SOURCE_BYTES // 1024)])
    mode = sandbox_mode()
    if mode == "weak" and not weak_allowed():
        return Verdict("needs_review", 0.0, [Msg("code.contain.weak")], mistake="program_not_run")
    order = [p.name for p in spec.reference.params]
    cases = [encode_args(c.args, order) for c in spec.cases]
    result = run_submission(text, spec.function, cases, timeout_s=spec.seconds, memory_mb=spec.memory_mb,
                            mode=mode)
    if result.status != "ok":
        return _contained(result, spec)
    result.results = clean_results(result.results, len(spec.cases))
    expected = getattr(spec, "_expected", None)
    if expected is None:                                  # the reference's outputs, once per exercise
        expected = [spec.reference.call(c.args).detach() for c in spec.cases]
        setattr(spec, "_expected", expected)
    first: tuple[int, str, list] | None = None
    failures = dtype_only = 0
    for i, case in enumerate(spec.cases):
        try:
            outcome = _check_case(spec, case, expected[i], result.results[i])
        except Exception as exc:                          # a value the checks did not foresee: not fatal
            outcome = ("malformed", [Msg("code.fail.malformed"), Msg("code.contain.internal",
                                                                    why=Plain(type(exc).__name__))])
        if outcome is None:
            continue
        failures += 1
        dtype_only += outcome[0] == "dtype"
        if first is None or (first[1] == "dtype" and outcome[0] != "dtype"):
            first = (i, outcome[0], outcome[1])
    n = len(spec.cases)
    blocked = [Msg("code.contain.blocked", what=Plain(", ".join(dict.fromkeys(result.blocked))))] \
        if result.blocked else []
    if first is None:
        if blocked:
            return Verdict("needs_review", 0.0, [Msg("code.review"), *blocked], mistake="program_blocked")
        return Verdict("correct", 1.0, [Msg("code.pass", n=n, fixed=spec.n_fixed, random=spec.n_random)])
    i, kind, messages = first
    case = spec.cases[i]
    feedback = [Msg("code.passed", k=n - failures, n=n), Msg("code.fail.first", case=case.label),
                Msg("code.fail.inputs", inputs=Plain(_inputs_text(case.args))), *messages, *blocked]
    if failures == dtype_only:
        share = 0.5 if partial is None else float(partial)
        return Verdict("partial" if share > 0 else "incorrect", share, feedback, mistake="program_dtype")
    return Verdict("incorrect", 0.0, feedback, mistake=f"program_{kind}")


def program_source(raw: Any, base_dir: Any = None, owners: tuple[str, ...] = ()) -> tuple[str | None, Any]:
    """The program of an answer: inline code, or the name of a ``.py`` file inside the student's own submission
    folder ``base_dir`` (the answer file's folder). The file is reached without ``..``, an absolute name or a
    symbolic link, must be a regular file (no FIFO, device or socket) and is size-checked before it is read
    (:func:`solver.files.read_beneath`). When the folder is shared by several answer files (a flat class
    folder), the file must also carry one of ``owners`` (the answer file's name, the student id) as its
    folder or name prefix — ``s001/corr2d.py``, ``s001_corr2d.py`` — so that nobody hands in a classmate's
    program. Returns (source, None) or (None, feedback message)."""
    from solver.files import FileRefused, read_beneath
    from solver.i18n import Msg, Plain
    if isinstance(raw, dict) and "file" in raw:
        raw = raw["file"]
    if not isinstance(raw, str):
        return None, Msg("code.contain.empty")
    text = raw.strip()
    if "\n" not in text and text.endswith(".py"):
        shown = Plain(text.replace("\0", "\\0"))
        if base_dir is None:
            return None, Msg("code.contain.not_found", file=shown)
        if owners and _shared_folder(base_dir, owners) and not _owned(text, owners):
            return None, Msg("code.contain.not_own", file=shown, owner=Plain(owners[0]))
        try:
            return read_beneath(base_dir, text, MAX_SOURCE_BYTES).decode("utf-8-sig", "replace"), None
        except FileRefused as refused:
            if refused.reason == "too_large":
                return None, Msg("code.contain.too_long", kb=MAX_SOURCE_BYTES // 1024)
            key = {"nul": "bad_name", "outside": "outside", "symlink": "symlink",
                   "not_regular": "not_regular"}.get(refused.reason, "not_found")
            return None, Msg(f"code.contain.{key}", file=shown)
    return code_of(raw), None


def _words_line(line: str) -> bool:
    """Words around a program, not code: a line of Chinese words with no Latin letter or digit (and not a
    comment), or one bare word (``Done``, ``完成``) — as a statement only a name that Python looks up and, undefined,
    fails on; dropped, it changes nothing else."""
    import keyword
    from solver.i18n import is_cjk
    t = line.strip()
    if t.startswith("#"):
        return False
    word = t.rstrip(".!。！")
    if word.isidentifier() and not keyword.iskeyword(word):
        return True
    return any(is_cjk(c) for c in t) and not any(c.isascii() and c.isalnum() for c in t)


def code_of(text: str, tries: int = 10) -> str:
    """The program in an inline answer that has words around it (``我的实现如下：`` before the code, ``以上`` after
    it — the Markdown reader drops the fences): the text itself when it parses as Python, else the longest run of
    its lines that does, found by dropping at most ``tries`` lines at the start and at the end. Parsed only
    (``compile``), never run.

    >>> code_of("我的实现如下：\\ndef f(x):\\n    return x\\n以上。")
    'def f(x):\\n    return x'
    >>> code_of("x = (")
    'x = ('

    A first or last line of words alone (``完成``, ``代码如下``, ``Done.``) is words even though Python would read it as
    a name (and fail on it when run):

    >>> code_of("代码如下\\ndef f(x):\\n    return x\\n完成")
    'def f(x):\\n    return x'
    """
    lines = text.splitlines()
    while lines and (not lines[0].strip() or _words_line(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _words_line(lines[-1])):
        lines.pop()
    if lines and len(text) <= MAX_SOURCE_BYTES and "\n".join(lines) != text.strip("\n"):
        text = "\n".join(lines)

    def parses(source: str) -> bool:
        try:
            compile(source, "<answer>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):    # parsed only: never run
            return False
        return True

    if len(text) > MAX_SOURCE_BYTES or parses(text):      # too long: refused as such by the sandbox
        return text
    lines = text.splitlines()
    for start in range(min(tries, len(lines))):
        for end in range(len(lines), max(start, len(lines) - tries), -1):
            candidate = "\n".join(lines[start:end]).strip("\n")
            if candidate.strip() and any(c.isalpha() for c in candidate) and parses(candidate):
                return candidate
    return text


def _owned(name: str, owners: tuple[str, ...]) -> bool:
    """Whether a relative program name starts with an owner's folder or name prefix.

    >>> _owned("s001/corr2d.py", ("s001",)), _owned("s001_corr2d.py", ("s001",)), _owned("s0011.py", ("s001",))
    (True, True, False)
    """
    first = name.replace("\\", "/").lstrip("./").split("/", 1)[0]
    return any(o and (first == o or (first.startswith(o) and first[len(o):len(o) + 1] in ("_", "-", ".")))
               for o in owners)


def _shared_folder(base_dir: Any, owners: tuple[str, ...]) -> bool:
    """Whether the answer file's folder holds answer files of others too (a flat class folder): a folder
    named after the student is the student's own; otherwise any second answer-like file (not a README or
    notes) makes it shared."""
    from .answers import SUFFIXES as answer_suffixes
    if os.path.basename(os.path.normpath(str(base_dir))) in owners:
        return False
    try:
        with os.scandir(base_dir) as entries:
            stems = {os.path.splitext(e.name)[0] for e in entries
                     if e.name.lower().endswith(answer_suffixes) and e.is_file(follow_symlinks=False)}
    except OSError:
        return True
    return any(s not in owners and s.lower() not in ("readme", "notes", "说明") for s in stems)


def grade_program(raw: Any, exercise: Any, base_dir: Any = None, *, partial: float | None = None,
                  spec: Any = None, owners: tuple[str, ...] = ()) -> Any:
    """:func:`grade_code` for an answer-file value (inline code or a file name, see :func:`program_source`)."""
    from .compare import Verdict
    from solver.i18n import Msg, Plain
    source, problem = program_source(raw, base_dir, owners)
    if source is None:
        return Verdict("unparsable", 0.0, [problem])
    try:
        return grade_code(source, exercise, partial=partial, spec=spec)
    except Exception as exc:                              # the grader's own failure: this part, not the class
        return Verdict("needs_review", 0.0, [Msg("code.contain.internal", why=Plain(f"{type(exc).__name__}: {exc}"[:200]))],
                       mistake="program_internal")
