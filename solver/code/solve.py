"""``kind: code``: programming exercises — the student writes a function, the grader runs it in a sandbox.

Exercise format::

    kind: code
    given:
      function: corr2d                   # the name the student's file must define
      signature: "corr2d(X, K)"          # shown to the student
      reference: corr2d                  # which reference of solver.code.reference (default: function)
      inputs:                            # fixed inputs, by parameter name; nested lists are float32 tensors
        - {X: [[0, 1, 2], [3, 4, 5], [6, 7, 8]], K: [[0, 1], [2, 3]]}
      random: {cases: 20, seed: 0}       # random inputs drawn by the reference's generator (max_size…)
      tolerance: {rtol: 1.0e-5, atol: 1.0e-5}   # optional; atol is scaled by max(1, |expected|max)
      dtype: float32                     # float32 (default: the result must be float32, as in D2L) or any
      limits: {seconds: 5, memory_mb: 512}      # optional sandbox limits
      source_error: "The size of tensor a (0) …"  # optional: the error the source prints for the book's faulty
                                                 # version (a reference with ``book``); run and compared by verify
    ask:
      - {id: program, quantity: program}

The solution shows the contract, the reference implementation (D2L style) and its results on the fixed
inputs; the answer of a ``program`` part is ``{"function", "signature", "cases"}`` (the program itself is
not an answer: :func:`grader.program.grade_code` runs the student's file). :func:`verify` checks the
reference against ``torch.nn.functional`` (or float64 arithmetic) on every input. References with classes
(a ``Dataset``, an ``nn.Module``) live in :mod:`solver.code.programs`, shown from its text without importing it.

Example:
    >>> from solver.bank import load_exercise
    >>> solve(load_exercise("d2l-6.2-code-corr2d")).answers["program"]["function"]
    'corr2d'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .. import latex as tex, values
from ..i18n import Msg, Plain
from ..model import COMMON_OPTIONS, Exercise, check_keys
from ..steps import Check, Solution, Step
from .messages import Code

QUANTITIES = ("program",)
GIVEN_KEYS = ("function", "signature", "reference", "inputs", "random", "tolerance", "dtype", "limits", "source_error")
RANDOM_KEYS = ("cases", "seed", "max_size", "max_channels", "max_order")
MAX_RANDOM = 200
DTYPES = ("float32", "any")


@dataclass
class Case:
    """One input set: ``label`` (bilingual), ``args`` by parameter name (tensors are torch tensors)."""

    label: Any
    args: dict[str, Any]
    fixed: bool


@dataclass
class CodeSpec:
    """The validated ``given`` of a code exercise."""

    function: str
    signature: str
    reference: Any                  # solver.code.reference.Reference
    cases: list[Case]
    n_fixed: int
    n_random: int
    seed: int
    rtol: float
    atol: float
    dtype: str
    seconds: float
    memory_mb: int
    source_error: str | None = None     # the error message the source printed for the book's version (a claim)


# ------------------------------------------------------------------ reading the exercise


def _number(ex: Exercise, value: Any, path: tuple, *, integer: bool = False, low: float | None = None,
            high: float | None = None) -> Any:
    ok = not isinstance(value, bool) and (isinstance(value, int) if integer else isinstance(value, (int, float)))
    if not ok or (low is not None and value < low) or (high is not None and value > high):
        what = "a whole number" if integer else "a number"
        bounds = "" if low is None else f" ≥ {low}" if high is None else f" between {low} and {high}"
        raise ex.error(f"must be {what}{bounds}", path)
    return value


def _rectangular(data: Any, rank: int) -> tuple[int, ...] | None:
    """The shape of nested lists of numbers of exactly ``rank`` levels, or None."""
    if rank == 0:
        return () if isinstance(data, (int, float)) and not isinstance(data, bool) and math.isfinite(data) else None
    if not isinstance(data, list) or not data:
        return None
    shapes = {_rectangular(d, rank - 1) for d in data}
    if len(shapes) != 1 or None in shapes:
        return None
    return (len(data),) + shapes.pop()


def _flat(data: Any) -> list:
    return [x for d in data for x in _flat(d)] if isinstance(data, list) else [data]


class Listed:
    """A tensor argument read without PyTorch (``--no-verify``): the nested lists and their shape."""

    def __init__(self, data: Any, shape: tuple[int, ...]) -> None:
        self.data, self.shape = data, shape

    def tolist(self) -> Any:
        """The nested lists, as a tensor's ``tolist()`` (:func:`solver.values.to_json` reads both)."""
        return self.data


def _argument(ex: Exercise, param: Any, value: Any, path: tuple, run: bool = True) -> Any:
    if param.kind == "tensor":
        shape = _rectangular(value, param.rank)
        if shape is None:
            dims = {1: "a list of numbers", 2: "a matrix (list of rows)", 3: "a list of matrices (c × h × w)",
                    4: "a list of lists of matrices (c_o × c_i × h × w)"}[param.rank]
            raise ex.error(f"{param.name} must be {dims}, rectangular, of finite numbers", path)
        if math.prod(shape) > 10_000:
            raise ex.error(f"{param.name} has more than 10,000 entries", path)
        if param.dtype == "uint8" and not all(isinstance(v, int) and 0 <= v <= 255 for v in _flat(value)):
            raise ex.error(f"{param.name} holds whole numbers 0 … 255 (uint8 pixels)", path)
        if not run:
            return Listed(value, shape)
        import torch
        return torch.tensor(value, dtype=getattr(torch, param.dtype))
    if param.kind == "int":
        return _number(ex, value, path, integer=True, low=0, high=64)
    if param.kind == "float":
        return float(_number(ex, value, path, low=0))
    if param.kind == "pair":
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value, value]
        if not isinstance(value, list) or len(value) != 2:
            raise ex.error(f"{param.name} must be a pair [p_h, p_w]", path)
        return tuple(_number(ex, v, path, integer=True, low=1, high=64) for v in value)
    if param.kind == "choice":
        if value not in param.choices:
            raise ex.error(f"{param.name} must be one of {', '.join(map(repr, param.choices))}", path)
        return value
    raise AssertionError(param.kind)  # pragma: no cover


def _fixed_case(ex: Exercise, ref: Any, raw: Any, i: int, run: bool = True) -> Case:
    path = ("given", "inputs", i)
    if not isinstance(raw, dict):
        raise ex.error("each input is a mapping from parameter name to value, e.g. {X: [[1, 2]], K: [[1]]}", path)
    names = [p.name for p in ref.params]
    for key in raw:
        if key not in names:
            raise ex.error(f"unknown parameter '{key}'; {ref.name} takes {', '.join(names)}", path + (key,))
    args = {}
    for p in ref.params:
        if p.name not in raw:
            if p.optional:
                args[p.name] = p.default
                continue
            raise ex.error(f"parameter '{p.name}' is missing", path)
        args[p.name] = _argument(ex, p, raw[p.name], path + (p.name,), run)
    problem = ref.check(args)
    if problem:
        raise ex.error(problem, path)
    return Case(Msg("code.case.fixed", n=i + 1), args, True)


def read_spec(ex: Exercise, run: bool = True) -> CodeSpec:
    """Validate ``given`` and the parts, and build every input (fixed, then random); with ``run=False`` the fixed
    inputs stay nested lists (:class:`Listed`) and the random ones are not drawn (PyTorch is not imported)."""
    from .reference import REFERENCES, random_cases
    g = ex.given
    check_keys(ex, g, GIVEN_KEYS, ("given",), has=f"given has {', '.join(GIVEN_KEYS)}")
    for part in ex.ask:
        if part.quantity not in QUANTITIES:
            raise ex.error(f"unknown quantity '{part.quantity}' for kind code; known: program",
                           ("ask", part.index, "quantity"))
        for key in part.options:
            if key not in COMMON_OPTIONS:          # a label (the part in the question's words) is every kind's
                raise ex.error(f"unknown option '{key}'; a program part has none (but a label)",
                               ("ask", part.index, key))
    function = g.get("function")
    if not isinstance(function, str) or not function.isidentifier():
        raise ex.error("function is required: the name of the function to write, e.g. corr2d", ("given", "function"))
    ref_name = g.get("reference", function)
    if ref_name not in REFERENCES:
        raise ex.error(f"unknown reference '{ref_name}'; known: {', '.join(REFERENCES)}",
                       ("given", "reference" if "reference" in g else "function"))
    ref = REFERENCES[ref_name]
    signature = g.get("signature", f"{function}({', '.join(p.name for p in ref.params)})")
    if not isinstance(signature, str):
        raise ex.error("signature must be text, e.g. \"corr2d(X, K)\"", ("given", "signature"))
    raw_inputs = g.get("inputs", [])
    if not isinstance(raw_inputs, list):
        raise ex.error("inputs must be a list of mappings", ("given", "inputs"))
    cases = [_fixed_case(ex, ref, raw, i, run) for i, raw in enumerate(raw_inputs)]
    rnd = g.get("random", {"cases": 20, "seed": 0})
    if not isinstance(rnd, dict):
        raise ex.error("random is {cases: 20, seed: 0}", ("given", "random"))
    check_keys(ex, rnd, RANDOM_KEYS, ("given", "random"), has=f"random has {', '.join(RANDOM_KEYS)}")
    n_random = _number(ex, rnd.get("cases", 20), ("given", "random", "cases"), integer=True, low=0, high=MAX_RANDOM)
    seed = _number(ex, rnd.get("seed", 0), ("given", "random", "seed"), integer=True, low=0)
    opts = {k: _number(ex, v, ("given", "random", k), integer=True, low=1, high=12)
            for k, v in rnd.items() if k.startswith("max_")}
    if not cases and not n_random:
        raise ex.error("give fixed inputs or random cases (or both)", ("given",))
    for j, args in enumerate(random_cases(ref, n_random, seed, opts) if run else ()):
        cases.append(Case(Msg("code.case.random", n=j + 1, seed=seed), args, False))
    tol = g.get("tolerance", {})
    if not isinstance(tol, dict) or not set(tol) <= {"rtol", "atol"}:
        raise ex.error("tolerance is {rtol: 1.0e-5, atol: 1.0e-5}", ("given", "tolerance"))
    rtol = float(_number(ex, tol.get("rtol", ref.tolerance["rtol"]), ("given", "tolerance", "rtol"), low=0))
    atol = float(_number(ex, tol.get("atol", ref.tolerance["atol"]), ("given", "tolerance", "atol"), low=0))
    dtype = g.get("dtype", "float32")
    if dtype not in DTYPES:
        raise ex.error("dtype is float32 (the result must be float32, as in D2L) or any", ("given", "dtype"))
    limits = g.get("limits", {})
    if not isinstance(limits, dict) or not set(limits) <= {"seconds", "memory_mb"}:
        raise ex.error("limits is {seconds: 5, memory_mb: 512}", ("given", "limits"))
    seconds = float(_number(ex, limits.get("seconds", 5), ("given", "limits", "seconds"), low=0.1, high=120))
    memory = _number(ex, limits.get("memory_mb", 512), ("given", "limits", "memory_mb"), integer=True, low=64,
                     high=16384)
    source_error = g.get("source_error")
    if source_error is not None and (not isinstance(source_error, str) or ref.book is None or not raw_inputs):
        raise ex.error("source_error is the error message the source printed for the book's version of "
                       f"{ref.name} (on fixed input 1); this reference has no book version to run"
                       if isinstance(source_error, str) else "source_error is the printed message (text)",
                       ("given", "source_error"))
    return CodeSpec(function, signature, ref, cases, len(raw_inputs), n_random, seed, rtol, atol, dtype,
                    seconds, memory, source_error)


# ------------------------------------------------------------------ showing values


def _is_tensor(value: Any) -> bool:
    """A torch tensor (without importing torch: a tensor exists only once torch is imported)."""
    import sys
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def shape_text(shape: Any) -> str:
    return values.shape_text(shape) if len(shape) else "scalar"


def value_math(name: str, value: Any) -> str:
    """``name = matrix (shape)`` in LaTeX; tensors of rank 3 and 4 as their matrices side by side."""
    if isinstance(value, Listed) or _is_tensor(value):
        data = values.to_json(value, digits=7)       # whole numbers as ints, others to 7 digits
        if len(value.shape) == 0:
            return f"{name} = {tex.entry(data)}"
        if len(value.shape) == 4:
            blocks = r",\ ".join(r"\left(" + tex.matrix(m) + r"\right)" for m in data)
            return rf"{name} = {blocks} \quad ({shape_text(value.shape)})"
        return rf"{name} = {tex.matrix(data)} \quad ({shape_text(value.shape)})"
    if isinstance(value, str):
        return rf"{name} = {tex.text(repr(value))}"
    if isinstance(value, tuple):
        return rf"{name} = ({', '.join(tex.entry(v) for v in value)})"
    return f"{name} = {tex.entry(value)}"


def _call_text(function: str, args: dict) -> str:
    return f"{function}({', '.join(args)})"


# ------------------------------------------------------------------ solve and verify


def solve(ex: Exercise, *, run: bool = True) -> Solution:
    """Contract, reference implementation, and the reference's results on the fixed inputs (with ``run=False``,
    under ``--no-verify``, the fixed inputs without results: the reference runs in PyTorch)."""
    spec = read_spec(ex, run)
    ref = spec.reference
    contract = Step(Msg("code.step.contract.title", signature=Plain(spec.signature)),
                    text=Msg("code.step.contract.text", contract=Msg(f"code.contract.{ref.name}"),
                             dtype=Plain("float32" if spec.dtype == "float32" else "float32 / float64"),
                             rtol=Plain(f"{spec.rtol:g}"), atol=Plain(f"{spec.atol:g}")),
                    math=list(ref.formula), rule="code.contract")
    title = (Msg("code.step.reference.uses", uses=Plain(", ".join(ref.uses))) if ref.uses
             else Msg("code.step.reference.title"))
    source = ref.source()
    if spec.function != ref.name:
        source += f"\n\n{spec.function} = {ref.name}\n"
    reference = Step(title, text=Code(source), rule="code.reference")
    children = []
    for i, case in enumerate(c for c in spec.cases if c.fixed):
        math_lines = [value_math(tex.text(k), v) for k, v in case.args.items()]
        if not run:
            children.append(Step(Msg("code.step.case.title", n=i + 1), text=Msg("code.step.case.not_run"),
                                 math=math_lines, rule="code.case"))
            continue
        out = ref.call(case.args)
        math_lines.append(value_math(tex.text(_call_text(spec.function, case.args)), out))
        children.append(Step(Msg("code.step.case.title", n=i + 1),
                             text=Msg("code.step.case.text", call=Plain(_call_text(spec.function, case.args)),
                                      shape=Plain(shape_text(out.shape))),
                             math=math_lines, rule="code.case"))
    cases_text = (Msg("code.step.cases.text", random=spec.n_random) if spec.n_fixed
                  else Msg("code.step.cases.none", random=spec.n_random))
    worked = Step(Msg("code.step.cases.title" if run else "code.step.cases.inputs"), text=cases_text, rule="code.cases", children=children)
    book = []
    if spec.source_error is not None:
        if run:
            error = book_error(spec)
            book = [Step(Msg("code.step.book.title"), text=Msg("code.step.book.text", error=Plain(error or "—"),
                                                                printed=Plain(spec.source_error)), rule="code.book")]
        else:
            book = [Step(Msg("code.step.book.title"), text=Msg("code.step.book.not_run",
                                                                printed=Plain(spec.source_error)), rule="code.book")]
    answers = {p.id: {"function": spec.function, "signature": spec.signature, "cases": spec.n_fixed + spec.n_random}
               for p in ex.ask}
    plan = [Msg("code.plan.contract"), Msg("code.plan.reference"),
            Msg("code.plan.cases", random=spec.n_random, seed=spec.seed), Msg("code.plan.verify")]
    return Solution(ex, plan, [contract, reference, worked] + book, answers, context={"spec": spec} if run else {})


def book_error(spec: CodeSpec) -> str:
    """The error message the book's version raises on fixed input 1 (run, not stored)."""
    import importlib
    fn = getattr(importlib.import_module("solver.code.programs"), spec.reference.book)
    return fn(**spec.cases[0].args)


_TRUTH_NAMES = {"corr2d": "code.truth.conv2d", "corr2d_multi_in": "code.truth.conv2d",
                "corr2d_multi_in_out": "code.truth.conv2d", "corr2d_multi_in_out_1x1": "code.truth.conv2d",
                "pool2d": "code.truth.pool", "kernel_matrix": "code.truth.basis",
                "derivative_kernel": "code.truth.moments", "learn_kernel": "code.truth.gradient",
                "load_batch": "code.truth.images", "batch_grid": "code.truth.grid",
                "conv2d_kernel_grad": "code.truth.differences"}


def verify(ex: Exercise, solution: Solution) -> list[Check]:
    """Every input: the reference's result against the independent truth (shape exact, values to the
    exercise's tolerance)."""
    import torch
    spec: CodeSpec = solution.context.get("spec") or read_spec(ex)
    ref = spec.reference
    truth_name = Msg(_TRUTH_NAMES.get(ref.name, "code.truth.conv2d"))
    detail: Any = Msg("code.verify.ok", function=Plain(ref.name), truth=truth_name, n=len(spec.cases),
                      fixed=spec.n_fixed, random=spec.n_random)
    ok = True
    for case in spec.cases:
        got = ref.call(case.args).detach().double()
        want = ref.truth(case.args).detach().double()
        if tuple(got.shape) != tuple(want.shape):
            ok, detail = False, Msg("code.verify.shape", function=Plain(ref.name), truth=truth_name,
                                    case=case.label, got=Plain(shape_text(got.shape)),
                                    want=Plain(shape_text(want.shape)))
            break
        scale = max(1.0, float(want.abs().max())) if want.numel() else 1.0
        if not torch.allclose(got, want, rtol=spec.rtol, atol=spec.atol * scale):
            diff = float((got - want).abs().max())
            ok, detail = False, Msg("code.verify.fail", function=Plain(ref.name), truth=truth_name,
                                    case=case.label, diff=Plain(f"{diff:.3g}"))
            break
    checks = [Check(by="torch", part=p.id, ok=ok, detail=detail) for p in ex.ask]
    if spec.source_error is not None:
        error = book_error(spec)
        same = " ".join(error.split()) == " ".join(spec.source_error.split())
        checks += [Check(by="torch", part=p.id, ok=same,             # run in PyTorch; the printed text compared
                         detail=Msg("code.verify.book_ok" if same else "code.verify.book_fail",
                                    printed=Plain(spec.source_error), error=Plain(error or "—"))) for p in ex.ask]
    return checks
