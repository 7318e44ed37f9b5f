"""Convolution by hand: ``kind: convolution`` (numeric values, entry by entry) and
``kind: identity`` (identities over convolution expressions, decided symbolically).

Modules: :mod:`.ops` (the primitives on nested lists of any ring elements), :mod:`.expr`
(the safe expression language ``corr(K, X, mode=full)``), :mod:`.evaluate` (expressions →
values with a trace of every entry), :mod:`.solve` / :mod:`.verify` (numeric kind),
:mod:`.identity` (symbolic kind).
"""
