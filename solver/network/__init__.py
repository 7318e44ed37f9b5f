"""``kind: network``: arithmetic on a stack of ``torch.nn`` layers.

Modules, one concept each: :mod:`.layers` (the layer table and argument parsing),
:mod:`.sizes` (output sizes), :mod:`.counts` (parameters and MACs), :mod:`.receptive`
(receptive field and jump), :mod:`.analysis` (a network walked layer by layer),
:mod:`.solve` (the steps), :mod:`.verify` (the PyTorch check).

Networks with branches (reusable blocks, residual sums, concatenations, named nodes): :mod:`.graph` (the
format and the nodes), :mod:`.graph_build` (the walk that makes them), :mod:`.graph_rf` (receptive field
through merges), :mod:`.graph_answers` and :mod:`.graph_solve` (answers and steps), :mod:`.graph_verify` (the
PyTorch check), :mod:`.graph_mistakes` (for the grader); :mod:`.layers_extra` (Embedding, LayerNorm, GroupNorm,
ReLU6, Softmax, Upsample, ZeroPad, Unflatten). Models read from PyTorch source: :mod:`.pysource` (the static
evaluator), :mod:`.from_source` (the ``forward`` tracer), :mod:`.model_cmd` (``solve model``).
"""
