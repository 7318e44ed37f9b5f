"""Renderers: walk a :class:`~solver.steps.Solution` and write it for a reader.

One module per output: :mod:`.text` (rich terminal), :mod:`.markdown`, :mod:`.json`.
:mod:`.unicode_math` turns the steps' LaTeX into readable terminal text.
"""
