"""cnn-exercises: solve CNN textbook exercises step by step and check every answer independently.

In Python and notebooks: ``from solver import solve; solve("24.8", lang="zh")`` (:mod:`solver.api`).

Data flows one way: YAML → :mod:`solver.model` → a kind's solver (:mod:`solver.registry`) → a tree of
:mod:`solver.steps` → :mod:`solver.render` (terminal, Markdown, JSON).
"""
__version__ = "0.1.0"

__all__ = ["solve", "solve_file", "__version__"]


def __getattr__(name: str):         # ``from solver import solve``: the API is imported on first use only
    if name in ("solve", "solve_file", "SolveResult"):
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'solver' has no attribute {name!r}")
