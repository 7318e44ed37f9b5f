"""The message catalogue is filled explicitly (solver.i18n.CATALOGUES, loaded on the first lookup that needs it),
and every message key the code names exists in both languages."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("solver", "grader", "practice")
HELPERS = {"Msg", "msg", "_head", "math_word"}       # the calls whose first argument is a message key


def _modules() -> list[tuple[str, ast.Module]]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            out.append((".".join(path.relative_to(ROOT).with_suffix("").parts),
                        ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _keys_used(tree: ast.Module) -> set[str]:
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in HELPERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
            elif name in HELPERS and isinstance(first, ast.BoolOp):       # Msg(reason or "net.rf.undefined…")
                keys |= {v.value for v in first.values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return keys


def _registers(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
               and getattr(node.value.func, "id", "") == "register" for node in tree.body)


def test_every_message_key_used_in_the_code_exists_in_both_languages():
    from solver.i18n import catalogue
    modules = _modules()
    for module, tree in modules:             # modules that register their own wording beside the code using it
        if _registers(tree) and module != "solver.i18n":
            importlib.import_module(module)
    import grader, practice  # noqa: F401,E401 - their catalogue modules named
    table = catalogue()
    used = {(module, key) for module, tree in modules for key in _keys_used(tree)}
    assert len(used) > 500
    missing = sorted(f"{module}: {key}" for module, key in used if key not in table)
    assert not missing, missing
    for key, pair in table.items():
        assert len(pair) == 2 and all(isinstance(t, str) and t.strip() for t in pair), key


def test_a_catalogue_module_loads_on_the_first_lookup_without_a_side_effect_import():
    """In a fresh interpreter, no messages module imported: rendering a network message loads the catalogue."""
    code = ("import sys; from solver.i18n import Msg, CATALOGUES; "
            "assert 'solver.network.messages' not in sys.modules; "
            "print(Msg('net.table.title').render('zh')); "
            "assert 'solver.network.messages' in sys.modules and 'torch' not in sys.modules and 'sympy' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "逐层汇总"


def test_catalogue_modules_hold_only_wording():
    """Each module named in CATALOGUES imports nothing but the catalogue (loading it costs nothing)."""
    import grader, practice  # noqa: F401,E401
    from solver.i18n import CATALOGUES
    for module in CATALOGUES:
        tree = ast.parse(Path(importlib.import_module(module).__file__).read_text(encoding="utf-8"))
        imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert all(i in ("from __future__ import annotations", "from ..i18n import register", "from .i18n import register",
                         "from solver.i18n import register") for i in imports), (module, imports)


def test_no_module_imports_a_catalogue_for_its_side_effect():
    """The catalogue modules are loaded by solver.i18n.catalogue(); importing one only to register it is the
    hidden dependency this replaced. Every folder of every package is covered."""
    import re
    side_effect = re.compile(r"^\s*(from [\w.]+ import (\w+, )*(graph_)?messages(_\w+)?\b|import [\w.]+\.messages(_\w+)?\b)"
                             r".*noqa: F401", re.M)
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
                          for m in side_effect.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_only_catalogue_modules_register_wording():
    """Wording is registered only by the modules named in the catalogue lists (solver.i18n.CATALOGUES and what the
    grader and practice add): a ``register({...})`` anywhere else would exist only once its module is imported."""
    import grader, practice  # noqa: F401,E401
    from solver.i18n import CATALOGUES
    registering = sorted(module for module, tree in _modules() if _registers(tree) and module != "solver.i18n")
    assert registering and set(registering) <= set(CATALOGUES), sorted(set(registering) - set(CATALOGUES))
    assert set(CATALOGUES) <= set(registering), sorted(set(CATALOGUES) - set(registering))


def test_grading_in_a_fresh_process_finds_the_feedback_wording_without_importing_its_modules():
    """The wording of diagnoses, named mistakes and key points is there in a process that never imported
    grader.diagnose, grader.mistakes or grader.rubric (the parent of a parallel ``grade`` renders what its workers
    graded)."""
    code = ("import sys, grader; from solver.i18n import Msg; "
            "print(Msg('d.scaled').render('en')[:10], Msg('m.bias_forgotten').render('zh'), "
            "Msg('rubric.none').render('en')[:7]); "
            "assert not {'grader.diagnose', 'grader.mistakes', 'grader.rubric'} & set(sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "Every entr 忘记计入偏置 None of"


def test_a_variants_heading_comes_from_the_catalogue_and_keeps_its_seed_unformatted():
    """head.variant: 12345 stays 12345 (a Plain parameter), not 12,345."""
    from types import SimpleNamespace

    from solver.i18n import Text, lookup
    from solver.render.common import heading
    ex = SimpleNamespace(id="24.5", title=Text("Rotations", "旋转"), seed=12345)
    sol = SimpleNamespace(exercise=ex)
    assert heading(sol, "en") == "24.5 (variant 12345) · Rotations"
    assert heading(sol, "zh") == "24.5（变式 12345） · 旋转"
    assert lookup("head.variant") == (" (variant {seed})", "（变式 {seed}）")
    assert heading(SimpleNamespace(exercise=SimpleNamespace(id="24.5", title=Text(), seed=None)), "en") == "24.5"
