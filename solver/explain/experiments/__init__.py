"""Small, seeded PyTorch experiments that back the key points of explanation exercises.

One module per experiment (this package's ``EXPERIMENTS`` collects them); :mod:`.common` holds what they
share. Each experiment reads its parameters (with defaults and bounds, so a user file cannot ask for an
hour of training), ``run``\\ s into a plain data dict (numbers only: the same seed gives the same
dict), turns that data into bilingual steps, and checks that data as ``by: torch`` checks: the numbers the steps
show are compared with PyTorch — computed another way than the run computed them wherever the experiment shows a
count, a shape or an identity (modules instead of functionals, ``Tensor.unfold`` instead of ``F.unfold``,
``torch.roll`` sums instead of circular padding, ``numel`` or FlopCounterMode's formulas instead of the network
solver's, the gradient's support instead of the receptive-field recurrence), otherwise re-run from the seed
(reproducibility) — never a re-run whose result is not compared with the data shown
(``tests/test_experiments_independent.py`` changes shown numbers and expects a failed check).

=====================  ==========================================================================
name                   what it shows
=====================  ==========================================================================
resnet_gradients       ‖∂L/∂W₁‖ of a plain vs a residual MLP across depths (24.10, hw-q9)
textcnn                TextCNN (shapes/params from the network solver) trained on generated
                       sentences: loss falls, accuracy beats chance and a bag-of-words (24.7)
conv_cost              MACs of a conv layer by formula, network solver and FlopCounterMode;
                       ratios between configurations; backward = 2 × forward (D2L 6.3/6.4)
pool_as_conv           average pooling = depthwise conv with weights 1/(p_h·p_w) (6.5 ex 1)
pool_linearity         max pooling is not additive, average pooling is (6.5 ex 2)
pool_cost              comparisons/additions of pooling vs a convolution (6.5 ex 3)
pool_gradients         where max and average pooling send the gradient (6.5 ex 4)
softmax_pool           softmax pooling moves from mean (β = 0) to max (β → ∞) (6.5 ex 6)
matmul_1x1             a 1×1 conv as a matrix product: allclose, not always bit-identical (6.4 ex 5)
im2col                 any conv as one matrix product of unfolded windows (6.4 ex 6)
border_coverage        how many windows cover each pixel, with and without padding (6.1 ex 3)
shift_equivariance     conv(shift X) = shift(conv X); global pooling forgets the position (6.1 ex 2)
init_compare           zeros / constant / N(0,1) / Xavier / He in a deep ReLU MLP (hw-q1)
weight_sharing         conv vs locally connected vs dense parameters; tied LC layer = conv (hw-q7)
networks               shapes, parameters, MACs, receptive fields of named networks (network solver)
=====================  ==========================================================================

To add an experiment: write a module ``name.py`` here with ``_name_run(params) → data``, ``_name_steps(params,
data) → [Step]``, ``_name_checks(params, data, part) → [Check]`` (and optionally a validator), ending with
``EXPERIMENT = Experiment("name", {parameter: Param(...)}, run, steps, checks, validate)``; import it below and add
it to ``_MODULES``; put its wording in ``solver/explain/messages.py`` and a line in the table above.

Example:
    >>> data = run("pool_as_conv", read("pool_as_conv", {"channels": 2, "size": 4}))
    >>> data["allclose"], data["out_shape"]
    (True, [2, 2, 2])
"""
from __future__ import annotations

from typing import Any

from ...steps import Check, Step
from . import (border_coverage, conv_cost, im2col, init_compare, matmul_1x1, networks, pool_as_conv, pool_cost,
               pool_gradients, pool_linearity, resnet_gradients, shift_equivariance, softmax_pool, textcnn,
               weight_sharing)
from .common import (BUDGET_ELEMENTS, BUDGET_TRAIN, Experiment, ExperimentError, Param, fmt, one_thread, ratio,  # noqa: F401
                     read_params, seeded)
from .init_compare import INITS  # noqa: F401
from .textcnn import Adam, build_textcnn, keyword_sentences, textcnn_layers  # noqa: F401

_MODULES = (resnet_gradients, textcnn, conv_cost, pool_as_conv, pool_linearity, pool_cost, pool_gradients, softmax_pool,
            matmul_1x1, im2col, border_coverage, shift_equivariance, init_compare, weight_sharing, networks)

EXPERIMENTS: dict[str, Experiment] = {m.EXPERIMENT.name: m.EXPERIMENT for m in _MODULES}


def read(name: str, raw: dict[str, Any], ex: Any = None, path: tuple = ()) -> dict[str, Any]:
    """Validated parameters of experiment ``name`` (``raw`` without the ``name`` and ``part`` keys)."""
    exp = EXPERIMENTS[name]
    if exp.read is not None:
        return exp.read(ex, raw, path)
    params = read_params(exp.params, raw)
    if exp.validate is not None:
        exp.validate(params)
    return params


def run(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run experiment ``name``: a dict of plain numbers (the same parameters and seed give the same dict)."""
    import warnings
    with warnings.catch_warnings(), one_thread():
        warnings.simplefilter("ignore")
        return EXPERIMENTS[name].run(params)


def steps(name: str, params: dict[str, Any], data: dict[str, Any]) -> list[Step]:
    return EXPERIMENTS[name].steps(params, data)


def checks(name: str, params: dict[str, Any], data: dict[str, Any], part: str) -> list[Check]:
    import warnings
    with warnings.catch_warnings(), one_thread():
        warnings.simplefilter("ignore")
        return EXPERIMENTS[name].checks(params, data, part)
