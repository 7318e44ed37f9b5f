"""``kind: network``: arithmetic on a stack of ``torch.nn`` layers.

Modules, one concept each: :mod:`.layers` (the layer table and argument parsing),
:mod:`.sizes` (output sizes), :mod:`.counts` (parameters and MACs), :mod:`.receptive`
(receptive field and jump), :mod:`.analysis` (a network walked layer by layer),
:mod:`.solve` (the steps), :mod:`.verify` (the PyTorch check).
"""
