"""The packages are layered one way: solver ← grader ← practice, and they use each other's public names only.

- nothing in ``solver/`` imports ``grader`` or ``practice`` (the solver works, and is installable, alone);
- nothing in ``grader/`` imports ``practice``;
- no module imports a private name (``_x``) from another top-level package: what crosses a layer is public;
- inside ``solver/``, only the renderers format: no module outside ``solver/render/`` imports ``solver.render``
  (rules compute and name, verifiers give a message the value itself — ``i18n.Value`` — and the one display of an
  answer value is the neutral ``solver/values.py``), except the modules in :data:`RENDER_CALLERS`, which call a
  renderer to produce their output.

Every module is read with :mod:`ast` (imports inside functions count too), so nothing is imported to run the test.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("solver", "grader", "practice")
FORBIDDEN = {"solver": ("grader", "practice"), "grader": ("practice",), "practice": ()}
# the solver's modules outside solver/render/ that may import a renderer, and why: each one's job is output
RENDER_CALLERS = {
    "solver/cli.py": "the command line: renders the solution in the format asked (text, Markdown, JSON, PDF)",
    "solver/batch.py": "solve file's workers render each solution in the format asked, and send back the text",
    "solver/api.py": "SolveResult.text()/markdown()/to_dict()/pdf() render the solution",
    "solver/class_sheets.py": "writes a class's variant sheets and keys as Typst source, with the Typst renderer",
    "solver/errors.py": "report() prints the error line, made terminal-safe by render.safe_text",
}


def _modules(root: Path, package: str) -> list[Path]:
    return sorted(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(root: Path, path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module imported, names imported from it — empty for ``import x``) of every import."""
    name = _module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append((node.lineno, module, [alias.name for alias in node.names]))
    return sorted(out)        # ast.walk is breadth-first: back to the file's order


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def layer_violations(root: Path, package: str) -> list[str]:
    """Imports in ``package`` of a package above it."""
    return [f"{path.relative_to(root)}:{line}: imports {module}"
            for path in _modules(root, package) for line, module, _ in _imports(root, path)
            if _top(module) in FORBIDDEN[package]]


def render_violations(root: Path, allowed: dict[str, str] = RENDER_CALLERS) -> list[str]:
    """Imports of ``solver.render`` (or anything in it) by a solver module outside ``solver/render/``."""
    render = root / "solver" / "render"
    return [f"{path.relative_to(root)}:{line}: imports {module if module != 'solver' else 'solver.render'}"
            for path in _modules(root, "solver") if render not in path.parents
            and path.relative_to(root).as_posix() not in allowed
            for line, module, names in _imports(root, path)
            if module == "solver.render" or module.startswith("solver.render.")
            or (module == "solver" and "render" in names)]


def private_violations(root: Path) -> list[str]:
    """``from X import _name`` where X is another of the top-level packages."""
    bad = []
    for package in PACKAGES:
        for path in _modules(root, package):
            for line, module, names in _imports(root, path):
                private = [n for n in names if _is_private(n)]
                if private and _top(module) in PACKAGES and _top(module) != package:
                    bad.append(f"{path.relative_to(root)}:{line}: from {module} import {', '.join(private)}")
    return bad


def test_the_module_walk_sees_every_package():
    for package in PACKAGES:
        assert _modules(ROOT, package), f"no modules found under {package}/"
    # relative imports are resolved: solver/cli.py's ``from .errors import InputError`` is solver.errors
    assert any(m == "solver.errors" for _, m, _ in _imports(ROOT, ROOT / "solver" / "cli.py"))


@pytest.mark.parametrize("package", [p for p in PACKAGES if FORBIDDEN[p]])
def test_layers_are_one_way(package):
    bad = layer_violations(ROOT, package)
    assert not bad, f"{package} must not import {' or '.join(FORBIDDEN[package])}:\n" + "\n".join(bad)


def test_only_renderers_format():
    bad = render_violations(ROOT)
    assert not bad, ("a rule or verifier imports a renderer (give the message the value itself, i18n.Value; "
                     "shared formatting lives in solver/values.py):\n" + "\n".join(bad))
    gone = [m for m in RENDER_CALLERS if not (ROOT / m).exists()]
    assert not gone, f"RENDER_CALLERS names modules that no longer exist: {gone}"


def test_no_private_name_crosses_a_package():
    bad = private_violations(ROOT)
    assert not bad, "private names imported across packages (make them public):\n" + "\n".join(bad)


def test_the_checks_can_fail(tmp_path):
    """On a tree that breaks both rules, both checks report it (and not a private name within a package)."""
    for package in PACKAGES:
        (tmp_path / package / "sub").mkdir(parents=True)
    (tmp_path / "solver" / "sub" / "bad.py").write_text(
        "import os\n"
        "def f():\n    from grader.rubric import grade_prose\n"
        "from ...practice import engine\n"
        "from . import _fine\n"
        "from solver.model import _also_fine\n", encoding="utf-8")
    (tmp_path / "grader" / "bad.py").write_text("from solver.render.typst import _preamble, compile_pdf\n"
                                                "import practice.web\n", encoding="utf-8")
    assert layer_violations(tmp_path, "solver") == ["solver/sub/bad.py:3: imports grader.rubric",
                                                    "solver/sub/bad.py:4: imports practice"]
    assert layer_violations(tmp_path, "grader") == ["grader/bad.py:2: imports practice.web"]
    assert private_violations(tmp_path) == ["grader/bad.py:1: from solver.render.typst import _preamble"]


def test_the_render_check_can_fail(tmp_path):
    """A verifier importing a renderer (absolute, relative, ``from solver import render``-style) is reported; a
    renderer importing another, an allowed caller, and a module merely named like one are not."""
    (tmp_path / "solver" / "render").mkdir(parents=True)
    (tmp_path / "solver" / "conv").mkdir()
    (tmp_path / "solver" / "conv" / "verify.py").write_text(
        "from ..render.common import show_value\n"
        "def f():\n    import solver.render.text\n"
        "from ..values import show_value\n"
        "from ..rendering import x\n"
        "from .. import render, steps\n", encoding="utf-8")
    (tmp_path / "solver" / "render" / "text.py").write_text("from .common import walk\n", encoding="utf-8")
    (tmp_path / "solver" / "cli.py").write_text("from .render.text import render\n", encoding="utf-8")
    assert render_violations(tmp_path, {"solver/cli.py": "output"}) == [
        "solver/conv/verify.py:1: imports solver.render.common", "solver/conv/verify.py:3: imports solver.render.text",
        "solver/conv/verify.py:6: imports solver.render"]
    assert render_violations(tmp_path, {}) == ["solver/cli.py:1: imports solver.render.text",
                                               "solver/conv/verify.py:1: imports solver.render.common",
                                               "solver/conv/verify.py:3: imports solver.render.text",
                                               "solver/conv/verify.py:6: imports solver.render"]
