"""cnn-exercises: solve CNN textbook exercises step by step and check every answer independently.

Data flows one way: YAML → :mod:`solver.model` → a kind's solver (:mod:`solver.registry`) → a tree of
:mod:`solver.steps` → :mod:`solver.render` (terminal, Markdown, JSON).
"""
__version__ = "0.1.0"
