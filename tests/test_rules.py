"""Unit tests of the network-arithmetic rules, one rule at a time, against values worked out by hand.

Every expected number below was computed on paper from the formula named in the test (the working is
in the comment next to it), not copied from the solver's output.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.network.analysis import analyse
from solver.network.counts import (batch_norm_params, conv_macs, conv_params, conv_transpose_macs,
                                   linear_macs, linear_params)
from solver.network.layers import parse_layer
from solver.network.receptive import Window, closed_form, jump, recurrence
from solver.network.sizes import (conv_output_size, conv_size, pool_output_size, pool_size, same_padding,
                                  transposed_output_size)


def net(input_shape, *layers):
    return analyse(tuple(input_shape), [parse_layer(raw, i) for i, raw in enumerate(layers)])


# ------------------------------------------------------------------ convolution output size
# n_out = floor((n + p_total - d(k-1) - 1) / s) + 1


@pytest.mark.parametrize("n, k, s, p, d, expected", [
    (32, 5, 1, 0, 1, 28),      # (32 - 5)/1 + 1
    (28, 3, 1, 2, 1, 28),      # padding 1 each side: (28 + 2 - 3) + 1
    (7, 3, 2, 2, 1, 4),        # floor((7 + 2 - 3)/2) + 1 = 3 + 1
    (8, 3, 2, 2, 1, 4),        # D2L 6.3 wx6: floor(7/2) + 1
    (8, 3, 3, 0, 1, 2),        # D2L 6.3 wx7 (height): floor(5/3) + 1
    (8, 5, 4, 2, 1, 2),        # D2L 6.3 wx7 (width): floor(5/4) + 1
    (10, 3, 1, 0, 2, 6),       # dilated kernel spans 5: 10 - 5 + 1
    (10, 3, 3, 2, 2, 3),       # floor((10 + 2 - 4 - 1)/3) + 1 = 2 + 1
    (5, 3, 1, 0, 3, -1),       # span 7 > 5: the formula goes non-positive (analysis refuses it)
    (1, 1, 5, 0, 1, 1),        # a 1x1 kernel on one element
    (240, 5, 1, 0, 1, 236),    # one of D2L's ten 5x5 convolutions
])
def test_conv_output_size(n, k, s, p, d, expected):
    assert conv_output_size(n, k, s, p, d) == expected


def test_ten_5x5_convolutions_240_to_200():
    n = 240
    for _ in range(10):
        n = conv_output_size(n, 5)
    assert n == 200


@pytest.mark.parametrize("k, d, expected", [
    (3, 1, (1, 1)), (4, 1, (1, 2)), (1, 1, (0, 0)), (3, 2, (2, 2)), (2, 3, (1, 2)), (5, 1, (2, 2)),
])
def test_same_padding_puts_the_odd_one_on_the_right(k, d, expected):
    assert same_padding(k, d) == expected


@pytest.mark.parametrize("n, k, d", [(10, 3, 1), (10, 4, 1), (7, 2, 3), (1, 5, 2)])
def test_same_keeps_the_size(n, k, d):
    calc = conv_size(n, k, 1, "same", d)
    assert (calc.rule, calc.n_out, calc.p) == ("same", n, d * (k - 1))


def test_valid_is_no_padding():
    calc = conv_size(10, 3, 2, "valid", 1)
    assert (calc.n_out, calc.p) == (4, 0)      # floor(7/2) + 1


def test_conv_size_doubles_the_per_side_padding():
    calc = conv_size(28, 3, 1, 1, 1)
    assert (calc.n_out, calc.p) == (28, 2)


# ------------------------------------------------------------------ pooling and ceil_mode


@pytest.mark.parametrize("n, k, s, pad, d, ceil, expected", [
    (28, 2, 2, 0, 1, False, 14),
    (5, 2, 2, 0, 1, False, 2),     # floor(3/2) + 1
    (5, 2, 2, 0, 1, True, 3),      # ceil(3/2) + 1; last window starts at 4 < 5: kept
    (6, 3, 2, 1, 1, False, 3),     # floor(5/2) + 1
    (6, 3, 2, 1, 1, True, 4),      # ceil(5/2) + 1; last start 6 < 6 + 1: kept
    (4, 4, 3, 0, 1, True, 1),      # ceil(0/3) + 1
    (4, 3, 3, 0, 1, False, 1),     # D2L 6.5 wx3: MaxPool2d(3) on 4x4
    (4, 3, 2, 1, 1, False, 2),     # D2L 6.5 wx4: floor(3/2) + 1
    (9, 3, 1, 1, 2, False, 7),     # dilated max pool: floor((9 + 2 - 4 - 1)/1) + 1
])
def test_pool_output_size(n, k, s, pad, d, ceil, expected):
    assert pool_output_size(n, k, s, pad, d, ceil) == expected


@pytest.mark.parametrize("n, k, s, pad, plain_ceil, kept", [
    # ceil((5 + 2 - 1 - 1)/2) + 1 = 4, but window 4 would start at 3*2 - 1 = 5: in the right padding
    (5, 2, 2, 1, 4, 3),
    # ceil((4 + 2 - 1 - 1)/3) + 1 = 3, window 3 starts at 2*3 - 1 = 5 >= 4: dropped
    (4, 2, 3, 1, 3, 2),
    # ceil((1 + 2 - 1 - 1)/2) + 1 = 2, window 2 starts at 2 - 1 = 1 >= 1: dropped
    (1, 2, 2, 1, 2, 1),
])
def test_ceil_mode_drops_a_window_starting_in_the_right_padding(n, k, s, pad, plain_ceil, kept):
    assert conv_output_size(n, k, s, 2 * pad, 1, ceil=True) == plain_ceil
    assert pool_output_size(n, k, s, pad, 1, ceil=True) == kept
    calc = pool_size(n, k, s, pad, 1, True)
    assert calc.n_out == kept and calc.ceil_dropped


def test_ceil_mode_keeps_a_window_starting_in_the_input():
    calc = pool_size(5, 2, 2, 0, 1, True)
    assert calc.n_out == 3 and not calc.ceil_dropped
    assert not pool_size(5, 2, 2, 0, 1, False).ceil_dropped


# ------------------------------------------------------------------ transposed convolution
# n_out = (n - 1)s - 2p + d(k - 1) + output_padding + 1


@pytest.mark.parametrize("n, k, s, p, d, op, expected", [
    (3, 3, 2, 1, 1, 1, 6),      # 4 - 2 + 2 + 1 + 1: the usual 2x upsampling
    (4, 4, 2, 1, 1, 0, 8),      # 6 - 2 + 3 + 0 + 1
    (5, 3, 1, 0, 2, 1, 10),     # 4 - 0 + 4 + 1 + 1
    (1, 1, 1, 0, 1, 0, 1),
    (2, 2, 3, 0, 1, 2, 7),      # 3 - 0 + 1 + 2 + 1
    (1, 3, 1, 1, 1, 0, 1),      # 0 - 2 + 2 + 0 + 1
    (1, 3, 1, 2, 1, 0, -1),     # padding too large (analysis refuses it)
])
def test_transposed_output_size(n, k, s, p, d, op, expected):
    assert transposed_output_size(n, k, s, p, d, op) == expected


def test_transposed_inverts_the_convolution():
    # conv 8 -> 4 with k=4, s=2, p=1; the transposed conv with the same geometry goes 4 -> 8
    assert conv_output_size(8, 4, 2, 2) == 4
    assert transposed_output_size(4, 4, 2, 1) == 8


# ------------------------------------------------------------------ parameters and MACs


@pytest.mark.parametrize("c_in, c_out, kernel, groups, bias, expected", [
    (16, 32, (3, 3), 1, True, 4640),     # (16*9 + 1) * 32
    (16, 32, (1, 1), 1, True, 544),      # (16 + 1) * 32
    (16, 32, (3, 3), 4, False, 1152),    # 32 * (16/4) * 9
    (32, 32, (3, 3), 32, True, 320),     # depthwise: 32 * 1 * 9 + 32
    (32, 64, (1, 1), 1, False, 2048),    # pointwise
    (1, 6, (5, 5), 1, True, 156),        # LeNet conv 1
    (6, 16, (5, 5), 1, True, 2416),      # LeNet conv 2
    (4, 6, (2, 3), 2, True, 78),         # 6 * (4/2) * 6 + 6 = 72 + 6, non-square kernel
    (3, 5, (7,), 1, True, 110),          # Conv1d: 5 * 3 * 7 + 5
])
def test_conv_params(c_in, c_out, kernel, groups, bias, expected):
    assert conv_params(c_in, c_out, kernel, groups, bias) == expected


def test_transposed_conv_params_match_the_weight_layout():
    # ConvTranspose2d(16 -> 8, k=4x4, groups=2): weight (C_in, C_out/g, 4, 4) = 16 * 4 * 16 = 1024, + 8 bias
    assert conv_params(16, 8, (4, 4), 2, True) == 1032


def test_depthwise_separable_against_homework_q6():
    # K=3, C_in=32, C_out=64, no bias: standard 18,432; depthwise + pointwise 288 + 2,048 = 2,336
    standard = conv_params(32, 64, (3, 3), 1, False)
    separable = conv_params(32, 32, (3, 3), 32, False) + conv_params(32, 64, (1, 1), 1, False)
    assert (standard, separable) == (18432, 2336)
    assert round(100 * separable / standard, 1) == 12.7


@pytest.mark.parametrize("out, c_in, c_out, kernel, groups, expected", [
    ((28, 28), 16, 32, (3, 3), 1, 3612672),   # 784 * 32 * 16 * 9
    ((28, 28), 16, 32, (1, 1), 1, 401408),    # 784 * 32 * 16
    ((14, 14), 32, 32, (3, 3), 32, 56448),    # depthwise: 196 * 32 * 1 * 9
    ((10, 10), 6, 16, (5, 5), 1, 240000),     # LeNet conv 2: 100 * 16 * 6 * 25
    ((5,), 4, 6, (3,), 2, 180),               # 5 * 6 * 2 * 3
])
def test_conv_macs(out, c_in, c_out, kernel, groups, expected):
    assert conv_macs(out, c_in, c_out, kernel, groups) == expected


def test_conv_transpose_macs_count_input_positions():
    # every one of 7*7 inputs x 16 channels meets a whole (8/2) x 4 x 4 kernel slice: 49 * 16 * 4 * 16
    assert conv_transpose_macs((7, 7), 16, 8, (4, 4), 2) == 50176


@pytest.mark.parametrize("f_in, f_out, bias, params", [
    (400, 120, True, 48120), (120, 84, True, 10164), (84, 10, True, 850), (784, 128, False, 100352),
])
def test_linear_params(f_in, f_out, bias, params):
    assert linear_params(f_in, f_out, bias) == params


def test_linear_macs_multiply_by_the_rows():
    assert linear_macs(1, 400, 120) == 48000
    assert linear_macs(6, 5, 3) == 90        # a Linear on [2, 3, 5]: 6 rows of 5 -> 3


def test_batch_norm_params():
    assert batch_norm_params(64, True) == 128
    assert batch_norm_params(64, False) == 0


def test_lenet_parameter_total():
    # D2L 6.6: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706
    a = net([1, 28, 28],
            {"type": "Conv2d", "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "Sigmoid"},
            {"type": "AvgPool2d", "kernel_size": 2, "stride": 2},
            {"type": "Conv2d", "out_channels": 16, "kernel_size": 5}, {"type": "Sigmoid"},
            {"type": "AvgPool2d", "kernel_size": 2, "stride": 2},
            {"type": "Flatten"}, {"type": "Linear", "out_features": 120}, {"type": "Sigmoid"},
            {"type": "Linear", "out_features": 84}, {"type": "Sigmoid"}, {"type": "Linear", "out_features": 10})
    shapes = [la.out_shape for la in a.layers]
    assert shapes[0] == (6, 28, 28) and shapes[2] == (6, 14, 14) and shapes[5] == (16, 5, 5)
    assert shapes[6] == (400,) and shapes[-1] == (10,)
    assert [la.params for la in a.layers if la.params] == [156, 2416, 48120, 10164, 850]
    assert sum(la.params for la in a.layers) == 61706


def test_analysis_counts_of_one_conv_layer():
    la = net([16, 28, 28], {"type": "Conv2d", "out_channels": 32, "kernel_size": 3, "padding": 1}).layers[0]
    assert (la.out_shape, la.params, la.macs) == ((32, 28, 28), 4640, 3612672)


def test_analysis_counts_transposed_and_batchnorm():
    a = net([16, 7, 7], {"type": "ConvTranspose2d", "out_channels": 8, "kernel_size": 4, "stride": 2,
                         "padding": 1, "groups": 2},
            {"type": "BatchNorm2d"})
    conv, bn = a.layers
    assert conv.out_shape == (8, 14, 14)          # 6*2 - 2 + 3 + 1 = 14
    assert (conv.params, conv.macs) == (1032, 50176)
    assert (bn.out_shape, bn.params, bn.macs) == ((8, 14, 14), 16, 0)


# ------------------------------------------------------------------ receptive field


def test_li_hang_homework_q2_rf_7_jump_4():
    # 32x32 -> conv3 s1 p1 -> conv3 s2 p0 -> pool2 s2:
    #   R: 1 -> 1 + 2*1 = 3 -> 3 + 2*1 = 5 -> 5 + 1*2 = 7;  J: 1 -> 1 -> 2 -> 4
    stack = [Window(3, 1), Window(3, 2), Window(2, 2)]
    assert recurrence(stack) == [(3, 1), (5, 2), (7, 4)]
    assert closed_form(stack) == 7 and jump(stack) == 4
    a = net([3, 32, 32],
            {"type": "Conv2d", "out_channels": 8, "kernel_size": 3, "stride": 1, "padding": 1},
            {"type": "Conv2d", "out_channels": 8, "kernel_size": 3, "stride": 2, "padding": 0},
            {"type": "MaxPool2d", "kernel_size": 2, "stride": 2})
    assert [la.rf for la in a.layers] == [(3, 3), (5, 5), (7, 7)]
    assert [la.jump for la in a.layers] == [(1, 1), (2, 2), (4, 4)]
    assert a.layers[-1].out_shape == (8, 7, 7)     # 32 -> 32 -> 15 -> 7


def test_two_3x3_have_the_field_of_one_5x5():
    assert closed_form([Window(3, 1), Window(3, 1)]) == closed_form([Window(5, 1)]) == 5


@pytest.mark.parametrize("stack, rf, j", [
    ([Window(1, 1)], 1, 1),
    ([Window(3, 2, 2)], 5, 2),                                  # 1 + 2*2
    ([Window(3, 1, 2), Window(3, 1, 4)], 13, 1),                # 1 + 2*2 + 2*4
    ([Window(2, 2), Window(2, 2), Window(2, 2)], 8, 8),         # 1 + 1 + 2 + 4
    ([Window(7, 2), Window(3, 2), Window(3, 1), Window(3, 2)], 27, 8),   # 1 + 6 + 2*2 + 2*4 + 2*4
    ([Window(1, 3), Window(3, 1)], 7, 3),                       # 1 + 0 + 2*3: a 1x1 stride 3 spreads the taps
])
def test_recurrence_equals_closed_form(stack, rf, j):
    assert closed_form(stack) == rf
    assert recurrence(stack)[-1] == (rf, j)
    assert jump(stack) == j


def test_empty_stack_is_one_pixel():
    assert closed_form([]) == 1 and jump([]) == 1 and recurrence([]) == []


def test_resnet_stem_receptive_field():
    # conv7 s2, maxpool3 s2: R = 1 + 6 + 2*2 = 11, J = 4
    stack = [Window(7, 2), Window(3, 2)]
    assert recurrence(stack) == [(7, 2), (11, 4)]
    assert closed_form(stack) == 11


def test_receptive_field_of_dilated_and_non_square_layers():
    a = net([1, 40, 40],
            {"type": "Conv2d", "out_channels": 2, "kernel_size": [3, 5], "dilation": [2, 1], "stride": [1, 2]},
            {"type": "MaxPool2d", "kernel_size": [2, 3], "stride": [2, 1]})
    # H: R = 1 + 2*2 = 5, J = 1; then 5 + 1*1 = 6, J = 2.  W: R = 1 + 4 = 5, J = 2; then 5 + 2*2 = 9, J = 2
    assert a.layers[-1].rf == (6, 9)
    assert a.layers[-1].jump == (2, 2)


def test_receptive_field_through_adaptive_pool_that_divides():
    # 1-D: conv3 p1 keeps 80; AdaptiveAvgPool1d(20) is a window 4 stride 4; conv3 after it
    a = net([1, 80],
            {"type": "Conv1d", "out_channels": 1, "kernel_size": 3, "padding": 1},
            {"type": "AdaptiveAvgPool1d", "output_size": 20},
            {"type": "Conv1d", "out_channels": 1, "kernel_size": 3})
    assert [la.rf for la in a.layers] == [(3,), (6,), (14,)]      # 3; 3 + 3*1; 6 + 2*4
    assert [la.jump for la in a.layers] == [(1,), (4,), (4,)]


@pytest.mark.parametrize("layer, key", [
    ({"type": "Flatten"}, "net.rf.undefined.flatten"),
    ({"type": "ConvTranspose1d", "out_channels": 1, "kernel_size": 2}, "net.rf.undefined.transposed"),
    ({"type": "AdaptiveMaxPool1d", "output_size": 3}, "net.rf.undefined.adaptive"),    # 10 is not a multiple of 3
])
def test_receptive_field_undefined(layer, key):
    a = net([2, 10], layer, {"type": "ReLU"})
    assert a.layers[0].rf is None and a.layers[0].rf_undefined == key
    assert a.layers[1].rf is None and a.layers[1].rf_undefined == key


def test_receptive_field_undefined_after_linear():
    a = net([2, 10], {"type": "Linear", "out_features": 4})
    assert a.layers[0].out_shape == (2, 4) and a.layers[0].rf is None
    assert a.layers[0].rf_undefined == "net.rf.undefined.linear"



windows = st.builds(Window, st.integers(1, 7), st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=200, deadline=None)
@given(st.lists(windows, min_size=1, max_size=8))
def test_recurrence_and_closed_form_agree_on_any_stack(stack):
    (r, j) = recurrence(stack)[-1]
    assert r == closed_form(stack) and j == jump(stack)
    # adding a layer grows the field by (k - 1)·d times the jump before it
    extra = Window(3, 2, 2)
    assert closed_form(stack + [extra]) == r + 2 * 2 * j
    # a 1x1 stride-1 layer changes nothing
    assert recurrence(stack + [Window(1, 1)])[-1] == (r, j)
