"""The grader's verdicts against what a teacher expects, the mistake catalogue and partial credit.

The table below is written by hand: each row is a student answer as a student would write it and the verdict
a teacher would give (with the catalogued mistake where there is one). Nothing here recomputes the gold
answers; the grader has to agree with the table. Rows use the book's numbers (no ``seed``).

``verdict`` is one of the grader's verdicts, or ``"mistake"``: a recognised mistake, which is ``incorrect``
with no points unless the part declares ``partial`` (then ``partial`` with the declared share or the
catalogue's credit) — see :func:`mistake_outcome`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from _deadline import deadline
from grader.cli import main as grade_main
from grader.compare import numbers_match
from grader.gold import gold_for, set_extra_banks
from grader.grade import grade_part
from grader.mistakes import CATALOGUE
from solver.i18n import Msg

VERDICTS = {"correct", "incorrect", "partial", "unparsable", "needs_review", "missing"}


class Row(NamedTuple):
    ex: str
    part: str
    answer: Any
    verdict: str
    mistake: str | None = None
    note: str | None = None          # a phrase the English feedback must contain
    gap: str | None = None           # a known gap (reported): the row is an expected failure until it is fixed


def R(ex: str, part: str, answer: Any, verdict: str, mistake: str | None = None, note: str | None = None) -> Row:
    return Row(ex, part, answer, verdict, mistake, note)


def M(ex: str, part: str, answer: Any, mistake: str) -> Row:
    return Row(ex, part, answer, "mistake", mistake)


def GAP(row: Row, why: str) -> Row:
    return row._replace(gap=why)


PERCENT_SIG = "grader/parse gives a whole percentage (853%, 13%) no significant figures, so it is compared exactly"


HWC = "H×W×C"
ROUNDED = "significant figures given"
FEW = "at least 3 significant figures"

TABLE: list[Row] = [
    # ------------------------------------------------------------ integers: parameters, MACs, FLOPs (hw-q3)
    R("hw-q3", "params", "4640", "correct"),
    R("hw-q3", "params", 4640, "correct"),
    R("hw-q3", "params", "4,640", "correct"),
    R("hw-q3", "params", "4 640", "correct"),
    R("hw-q3", "params", "4.64K", "correct"),
    R("hw-q3", "params", "4.64k", "correct"),
    R("hw-q3", "params", "4.64e3", "correct"),
    R("hw-q3", "params", "4.64×10^3", "correct"),
    R("hw-q3", "params", "0.464万", "correct"),
    R("hw-q3", "params", "(3*3*16+1)*32", "correct"),
    R("hw-q3", "params", "3×3×16×32 + 32", "correct"),
    R("hw-q3", "params", "4640 parameters", "correct"),
    R("hw-q3", "params", "params = 4640", "correct"),
    R("hw-q3", "params", "答：4640", "correct"),
    R("hw-q3", "params", "4641", "incorrect"),
    R("hw-q3", "params", "4,641", "incorrect"),
    R("hw-q3", "params", "4,639", "incorrect"),
    R("hw-q3", "params", "4.65K", "incorrect"),
    R("hw-q3", "params", "46400", "incorrect"),
    R("hw-q3", "params", "4.64M", "incorrect"),
    R("hw-q3", "params", "4.6K", "partial", note=FEW),
    R("hw-q3", "params", "4,64", "unparsable"),
    R("hw-q3", "params", "4.64kk", "unparsable"),
    R("hw-q3", "params", "about four thousand", "unparsable"),
    R("hw-q3", "params", "", "missing"),
    R("hw-q3", "params", None, "missing"),
    M("hw-q3", "params", "4608", "bias_forgotten"),
    M("hw-q3", "params", "4,608", "bias_forgotten"),
    M("hw-q3", "params", "3*3*16*32", "bias_forgotten"),
    M("hw-q3", "params", "320", "channels_ignored"),
    R("hw-q3", "macs", "3,612,672", "correct"),
    R("hw-q3", "macs", "3612672", "correct"),
    R("hw-q3", "macs", "3.61M", "correct", note=ROUNDED),
    R("hw-q3", "macs", "3.613M", "correct"),
    R("hw-q3", "macs", "3.6127M", "correct"),
    R("hw-q3", "macs", "3.61e6", "correct"),
    R("hw-q3", "macs", "3.61×10^6", "correct"),
    R("hw-q3", "macs", "361.27万", "correct"),
    R("hw-q3", "macs", "361万", "correct"),
    R("hw-q3", "macs", "≈ 3.61M", "correct"),
    R("hw-q3", "macs", "28*28*32*3*3*16", "correct"),
    R("hw-q3", "macs", "3.62M", "incorrect"),
    R("hw-q3", "macs", "3.60M", "incorrect"),
    R("hw-q3", "macs", "3,612,673", "incorrect"),
    R("hw-q3", "macs", "3.6M", "partial", note=FEW),
    R("hw-q3", "macs", "4M", "partial", note=FEW),
    M("hw-q3", "macs", "7,225,344", "flops_for_macs"),
    M("hw-q3", "macs", "7.23M", "flops_for_macs"),
    M("hw-q3", "macs", "3637760", "bias_ops"),
    M("hw-q3", "macs", "225,792", "channels_ignored"),
    R("hw-q3", "flops", "7,225,344", "correct"),
    R("hw-q3", "flops", "7.23M", "correct", note=ROUNDED),
    R("hw-q3", "flops", "7.23 M", "correct"),
    R("hw-q3", "flops", "7.225M", "correct"),
    R("hw-q3", "flops", "722.5万", "correct"),
    R("hw-q3", "flops", "7,225,344 FLOPs", "correct"),
    R("hw-q3", "flops", "2*3612672", "correct"),
    R("hw-q3", "flops", "7.22M", "incorrect"),
    R("hw-q3", "flops", "7.24M", "incorrect"),
    R("hw-q3", "flops", "7,225,345", "incorrect"),
    R("hw-q3", "flops", "7.2M", "partial", note=FEW),
    M("hw-q3", "flops", "3,612,672", "macs_for_flops"),
    M("hw-q3", "flops", "3.61M", "macs_for_flops"),
    M("hw-q3", "flops", "7250432", "bias_ops"),
    M("hw-q3", "flops", "451584", "channels_ignored"),
    R("hw-q3", "params_1x1", "544", "correct"),
    R("hw-q3", "params_1x1", "16*32+32", "correct"),
    R("hw-q3", "params_1x1", "0.544K", "correct"),
    R("hw-q3", "params_1x1", "545", "incorrect"),
    M("hw-q3", "params_1x1", "512", "bias_forgotten"),
    M("hw-q3", "params_1x1", "64", "channels_ignored"),
    R("hw-q3", "macs_1x1", "401,408", "correct"),
    R("hw-q3", "macs_1x1", "401.4K", "correct"),
    R("hw-q3", "macs_1x1", "40.14万", "correct"),
    R("hw-q3", "macs_1x1", "401409", "incorrect"),
    M("hw-q3", "macs_1x1", "802816", "flops_for_macs"),
    M("hw-q3", "macs_1x1", "426496", "bias_ops"),
    M("hw-q3", "macs_1x1", "25088", "channels_ignored"),
    R("hw-q3", "flops_1x1", "802,816", "correct"),
    R("hw-q3", "flops_1x1", "0.803M", "correct"),
    R("hw-q3", "flops_1x1", "802.8K", "correct"),
    M("hw-q3", "flops_1x1", "401408", "macs_for_flops"),
    M("hw-q3", "flops_1x1", "827904", "bias_ops"),
    M("hw-q3", "flops_1x1", "50176", "channels_ignored"),
    # ------------------------------------------------------------ reals and ratios
    R("hw-q3", "params_ratio", "4640/544", "correct"),
    R("hw-q3", "params_ratio", "145/17", "correct"),
    R("hw-q3", "params_ratio", "8.53", "correct", note=ROUNDED),
    R("hw-q3", "params_ratio", "8.529", "correct"),
    GAP(R("hw-q3", "params_ratio", "853%", "correct"), PERCENT_SIG),
    R("hw-q3", "params_ratio", "8.5", "partial", note=FEW),
    M("hw-q3", "params_ratio", "9", "bias_forgotten"),     # issue 11: 4608/512 = 9 exactly, not a rounding of 8.53
    R("hw-q3", "params_ratio", "8.52", "incorrect"),
    R("hw-q3", "params_ratio", "8.54", "incorrect"),
    R("hw-q3", "params_ratio", "8", "incorrect"),
    R("hw-q3", "params_ratio", "544/4640", "incorrect"),
    R("hw-q3", "macs_ratio", "9", "correct"),
    R("hw-q3", "macs_ratio", "9.0", "correct"),
    R("hw-q3", "macs_ratio", "9.00", "correct"),
    R("hw-q3", "macs_ratio", "900%", "correct"),
    R("hw-q3", "macs_ratio", "3612672/401408", "correct"),
    R("hw-q3", "macs_ratio", "1/9", "incorrect"),
    R("hw-q3", "macs_ratio", "8.9", "incorrect"),
    R("hw-q3", "macs_ratio", "9.01", "incorrect"),
    R("hw-q6", "params_ratio", "12.7%", "correct", note=ROUNDED),
    R("hw-q6", "params_ratio", "0.127", "correct"),
    R("hw-q6", "params_ratio", "2336/18432", "correct"),
    R("hw-q6", "params_ratio", "73/576", "correct"),
    R("hw-q6", "params_ratio", "0.1267", "correct"),
    R("hw-q6", "params_ratio", "12.67%", "correct"),
    R("hw-q6", "params_ratio", "0.13", "partial", note=FEW),
    GAP(R("hw-q6", "params_ratio", "13%", "partial", note=FEW), PERCENT_SIG),
    R("hw-q6", "params_ratio", "0.126", "incorrect"),
    R("hw-q6", "params_ratio", "0.128", "incorrect"),
    R("hw-q6", "params_ratio", "12.6%", "incorrect"),
    R("hw-q6", "params_ratio", "0.12", "incorrect"),
    R("hw-q6", "params_ratio", "7.89", "incorrect"),
    R("hw-q6", "params_ratio", "zero point one two seven", "unparsable"),
    R("hw-q6", "macs_ratio", "0.1267", "correct"),
    R("hw-q6", "macs_ratio", "7325696/57802752", "correct"),
    R("hw-q6", "params_standard", "18,432", "correct"),
    R("hw-q6", "params_standard", "18.4K", "correct"),
    R("hw-q6", "params_standard", "3*3*32*64", "correct"),
    M("hw-q6", "params_standard", "18496", "bias_added"),
    M("hw-q6", "params_standard", "576", "channels_ignored"),
    R("hw-q6", "params_depthwise", "288", "correct"),
    R("hw-q6", "params_depthwise", "289", "incorrect"),
    M("hw-q6", "params_depthwise", "320", "bias_added"),
    M("hw-q6", "params_depthwise", "9216", "groups_ignored"),
    R("hw-q6", "params_pointwise", "2048", "correct"),
    R("hw-q6", "params_pointwise", "2^11", "correct"),
    M("hw-q6", "params_pointwise", "2112", "bias_added"),
    M("hw-q6", "params_pointwise", "64", "channels_ignored"),
    R("hw-q6", "params_separable", "288+2048", "correct"),
    R("hw-q6", "params_separable", "2,336", "correct"),
    M("hw-q6", "params_separable", "2432", "bias_added"),
    M("hw-q6", "params_separable", "11264", "groups_ignored"),
    M("hw-q6", "params_separable", "352", "channels_ignored"),
    R("hw-q6", "macs_standard", "57.8M", "correct"),
    R("hw-q6", "macs_standard", "5780.28万", "correct"),
    M("hw-q6", "macs_standard", "115605504", "flops_for_macs"),
    M("hw-q6", "macs_standard", "1806336", "channels_ignored"),
    R("hw-q6", "macs_separable", "7.33M", "correct"),
    R("hw-q6", "macs_separable", "7.34M", "incorrect"),
    M("hw-q6", "macs_separable", "35323904", "groups_ignored"),
    M("hw-q6", "macs_separable", "14651392", "flops_for_macs"),
    R("vgg-3x3-vs-5x5", "params_ratio", "0.72", "correct"),
    R("vgg-3x3-vs-5x5", "params_ratio", "72%", "correct"),
    R("vgg-3x3-vs-5x5", "params_ratio", "18/25", "correct"),
    R("vgg-3x3-vs-5x5", "params_ratio", "0.720", "correct"),
    R("vgg-3x3-vs-5x5", "params_ratio", "73728/102400", "correct"),
    R("vgg-3x3-vs-5x5", "params_ratio", "0.7", "partial", note=FEW),
    R("vgg-3x3-vs-5x5", "params_ratio", "0.73", "incorrect"),
    R("vgg-3x3-vs-5x5", "params_ratio", "1.39", "incorrect"),
    R("vgg-3x3-vs-5x5", "params_3x3", "73,728", "correct"),
    M("vgg-3x3-vs-5x5", "params_3x3", "73856", "bias_added"),
    M("vgg-3x3-vs-5x5", "params_3x3", "1152", "channels_ignored"),
    R("vgg-3x3-vs-5x5", "params_5x5", "102,400", "correct"),
    R("vgg-3x3-vs-5x5", "params_5x5", "102.4K", "correct"),
    M("vgg-3x3-vs-5x5", "params_5x5", "102464", "bias_added"),
    R("vgg-3x3-vs-5x5", "rf_3x3", "5×5", "correct"),
    R("vgg-3x3-vs-5x5", "rf_3x3", [5, 5], "correct"),
    R("vgg-3x3-vs-5x5", "rf_3x3", "3×3", "incorrect"),
    R("vgg-3x3-vs-5x5", "rf_5x5", "(5, 5)", "correct"),
    R("notes-grouped-conv", "params_grouped", "18432", "correct"),
    M("notes-grouped-conv", "params_grouped", "73728", "groups_ignored"),
    M("notes-grouped-conv", "params_grouped", "18560", "bias_added"),
    R("notes-grouped-conv", "params_ratio", "4", "correct"),
    R("notes-grouped-conv", "params_ratio", "4.0", "correct"),
    R("notes-grouped-conv", "params_ratio", "400%", "correct"),
    R("notes-grouped-conv", "params_ratio", "0.25", "incorrect"),
    R("notes-grouped-conv", "params_ratio", "1/4", "incorrect"),
    R("notes-grouped-conv", "macs_grouped", "18.9M", "correct"),
    M("notes-grouped-conv", "macs_grouped", "75497472", "groups_ignored"),
    R("notes-separable-cost", "params_ratio", "0.119", "correct"),
    R("notes-separable-cost", "params_ratio", "11.9%", "correct"),
    R("notes-separable-cost", "params_ratio", "0.12", "partial", note=FEW),
    R("notes-separable-cost", "params_ratio", "0.118", "incorrect"),
    R("notes-separable-cost", "params_depthwise", "576", "correct"),
    M("notes-separable-cost", "params_depthwise", "36864", "groups_ignored"),
    M("notes-separable-cost", "macs_depthwise", "28901376", "groups_ignored"),
    R("notes-conv-output-size", "params", "34,944", "correct"),
    R("notes-conv-output-size", "params", "34.9K", "correct"),
    M("notes-conv-output-size", "params", "34848", "bias_forgotten"),
    M("notes-conv-output-size", "params", "11712", "channels_ignored"),
    R("conv-vs-dense", "params_dense", "50,331,648", "correct"),
    R("conv-vs-dense", "params_dense", "5.03e7", "correct"),
    R("conv-vs-dense", "params_dense", "50.3M", "correct"),
    R("conv-vs-dense", "params_dense", "3*32*32*16*32*32", "correct"),
    M("conv-vs-dense", "params_dense", "50348032", "bias_added"),
    R("conv-vs-dense", "params_conv", "432", "correct"),
    M("conv-vs-dense", "params_conv", "448", "bias_added"),
    R("conv-vs-dense", "params_ratio", "116508.44", "correct"),
    R("conv-vs-dense", "params_ratio", "116508", "correct"),
    R("conv-vs-dense", "params_ratio", "1.165e5", "correct"),
    R("conv-vs-dense", "params_ratio", "116509", "incorrect"),
    R("d2l-6.1-wx", "params_dense", "10^9", "correct"),
    R("d2l-6.1-wx", "params_dense", "1e9", "correct"),
    R("d2l-6.1-wx", "params_dense", "1,000,000,000", "correct"),
    R("d2l-6.1-wx", "params_dense", "10亿", "correct"),
    M("d2l-6.1-wx", "params_dense", "1000001000", "bias_added"),
    R("d2l-6.1-wx", "params_conv", "121", "correct"),
    R("d2l-6.1-wx", "params_conv", "11*11", "correct"),
    M("d2l-6.1-wx", "params_conv", "122", "bias_added"),
    R("d2l-6.1-wx", "params_ratio", "8264463", "correct"),
    R("d2l-6.1-wx", "params_ratio", "8.26e6", "correct"),
    R("mnist-cnn", "params_total", "421,642", "correct"),
    R("mnist-cnn", "params_total", "421.6K", "correct"),
    R("mnist-cnn", "params_total", "42.16万", "correct"),
    R("mnist-cnn", "params_total", "0.42M", "partial", note=FEW),
    M("mnist-cnn", "params_total", "421408", "bias_forgotten"),
    M("mnist-cnn", "params_total", "403786", "channels_ignored"),
    R("mnist-cnn", "params_conv2", "18,496", "correct"),
    M("mnist-cnn", "params_conv2", "18432", "bias_forgotten"),
    M("mnist-cnn", "params_conv2", "640", "channels_ignored"),
    R("mnist-cnn", "macs_total", "4.24M", "correct"),
    M("mnist-cnn", "macs_total", "8482304", "flops_for_macs"),
    M("mnist-cnn", "macs_total", "4278922", "bias_ops"),
    R("mnist-mlp", "params_fc1", "100,480", "correct"),
    R("mnist-mlp", "params_fc1", "784*128+128", "correct"),
    R("mnist-mlp", "params_fc1", "10.05万", "correct"),
    M("mnist-mlp", "params_fc1", "100352", "bias_forgotten"),
    R("mnist-mlp", "params_total", "101,770", "correct"),
    M("mnist-mlp", "macs_total", "101770", "bias_ops"),
    R("lenet", "params_fc1", "48,120", "correct"),
    R("lenet", "params_fc1", "400*120+120", "correct"),
    M("lenet", "params_fc1", "48000", "bias_forgotten"),
    R("lenet", "params_total", "61,706", "correct"),
    R("lenet", "params_total", "61.7K", "correct"),
    M("lenet", "params_total", "61470", "bias_forgotten"),
    M("lenet", "params_total", "59706", "channels_ignored"),
    R("d2l-6.6-ex1", "params_ratio", "1", "correct"),
    R("d2l-6.6-ex1", "params_ratio", "1.0", "correct"),
    R("d2l-6.6-ex1", "params_ratio", "1.00", "correct"),
    R("d2l-6.6-ex1", "params_ratio", "100%", "correct"),
    R("d2l-6.6-ex1", "params_ratio", "2", "incorrect"),
    R("d2l-6.3-ex4", "macs_ratio", "4", "correct"),
    R("d2l-6.3-ex4", "macs_s1", "576", "correct"),
    M("d2l-6.3-ex4", "macs_s1", "1152", "flops_for_macs"),
    M("d2l-6.3-ex4", "macs_s1", "640", "bias_ops"),
    R("d2l-6.4-ex3", "ratio_padding", "1.13", "correct"),
    R("d2l-6.4-ex3", "ratio_padding", "1.129", "correct"),
    R("d2l-6.4-ex3", "ratio_padding", "289/256", "correct"),
    R("d2l-6.4-ex3", "ratio_padding", "112.9%", "correct"),
    R("d2l-6.4-ex3", "ratio_padding", "1.1", "partial", note=FEW),
    R("d2l-6.4-ex3", "ratio_padding", "1.12", "incorrect"),
    R("d2l-6.4-ex3", "macs_padding", "5.33M", "correct"),
    R("d2l-6.4-ex4", "params", "2,080", "correct"),
    M("d2l-6.4-ex4", "params", "2048", "bias_forgotten"),
    M("d2l-6.4-ex4", "params", "64", "channels_ignored"),
    R("d2l-6.4-ex4", "flops", "3.21M", "correct"),
    M("d2l-6.4-ex4", "flops", "1605632", "macs_for_flops"),
    # ------------------------------------------------------------ shapes (C×H×W; H×W×C accepted with a note)
    R("hw-q3", "shape", "32×28×28", "correct"),
    R("hw-q3", "shape", "(32, 28, 28)", "correct"),
    R("hw-q3", "shape", "[32, 28, 28]", "correct"),
    R("hw-q3", "shape", [32, 28, 28], "correct"),
    R("hw-q3", "shape", "32@28x28", "correct"),
    R("hw-q3", "shape", "32x28x28", "correct"),
    R("hw-q3", "shape", "32*28*28", "correct"),
    R("hw-q3", "shape", "torch.Size([32, 28, 28])", "correct"),
    R("hw-q3", "shape", "28×28×32", "correct", note=HWC),
    R("hw-q3", "shape", "28x28x32", "correct", note=HWC),
    R("hw-q3", "shape", "(28, 28, 32)", "correct", note=HWC),
    R("hw-q3", "shape", "28×32×28", "incorrect", note="wrong order"),
    R("hw-q3", "shape", "16×28×28", "incorrect"),
    R("hw-q3", "shape", "32×28", "incorrect"),
    R("hw-q3", "shape", "1×32×28×28", "correct", note="batch dimension"),     # issue 11: a batch of 1 is accepted
    R("hw-q3", "shape", "32×28×28.5", "incorrect"),
    R("hw-q3", "shape", "thirty-two by twenty-eight", "unparsable"),
    M("hw-q3", "shape", "32×26×26", "padding_ignored"),
    M("hw-q3", "shape", "26×26×32", "padding_ignored"),
    M("hw-q3", "shape", "32×27×27", "off_by_one"),
    M("hw-q3", "shape", "32×29×29", "off_by_one"),
    R("notes-conv-output-size", "shape", "96×55×55", "correct"),
    R("notes-conv-output-size", "shape", "55×55×96", "correct", note=HWC),
    R("notes-conv-output-size", "shape", "55×96×55", "incorrect"),
    M("notes-conv-output-size", "shape", "96×54×54", "off_by_one"),
    M("notes-conv-output-size", "shape", "96×56×56", "off_by_one"),
    R("hw-q2", "shape", "1×7×7", "correct"),
    R("hw-q2", "shape", "7×7×1", "correct"),
    M("hw-q2", "shape", "1×8×8", "floor_ceil"),
    M("hw-q2", "shape", "1×6×6", "off_by_one"),
    R("hw-q2", "rf", "7×7", "correct"),
    R("hw-q2", "rf", [7, 7], "correct"),
    R("hw-q2", "rf", "8×8", "incorrect"),
    M("hw-q2", "rf", "6×6", "rf_no_stride"),
    R("hw-q2", "rf_1", "3×3", "correct"),
    R("hw-q2", "rf_2", "5×5", "correct"),
    R("hw-q2", "jump", "4×4", "correct"),
    R("hw-q2", "jump", "[4, 4]", "correct"),
    R("hw-q2", "jump_1", "1×1", "correct"),
    R("hw-q2", "jump_2", "2x2", "correct"),
    R("hw-q2", "jump_2", "4×4", "incorrect"),
    R("24.6", "shape", "64×16×16", "correct"),
    R("24.6", "shape", "16×16×64", "correct", note=HWC),
    R("24.6", "shape", "16×64×16", "incorrect"),
    M("24.6", "shape", "64×11×11", "padding_ignored"),
    M("24.6", "shape", "64×15×15", "off_by_one"),
    R("24.6", "rf", "21×21", "correct"),
    R("24.6", "rf", "(21, 21)", "correct"),
    M("24.6", "rf", "11×11", "rf_no_stride"),
    R("24.6", "rf_2", "5×5", "correct"),
    R("24.6", "jump_3", "4×4", "correct"),
    R("24.6", "jump", "4×4", "correct"),
    R("24.6", "jump", "8×8", "incorrect"),
    R("24.6", "proof", "By induction on l: R(l) = R(l-1) + (F(l) - 1) I(l), and I(l) = I(l-1) S(l-1).",
      "needs_review"),
    R("24.6", "proof", "true", "needs_review"),
    R("d2l-6.3-ex1", "shape", "1×2×2", "correct"),
    R("d2l-6.3-ex1", "shape", "2×2×1", "correct"),
    M("d2l-6.3-ex1", "shape", "1×2×1", "padding_ignored"),
    M("d2l-6.3-ex1", "shape", "1×3×3", "off_by_one"),
    R("d2l-6.3-ex2", "shape_a", "1×4×3", "correct"),
    R("d2l-6.3-ex2", "shape_a", "4×3×1", "correct", note=HWC),
    R("d2l-6.3-ex2", "shape_a", "1×3×4", "incorrect", note="wrong order"),
    R("d2l-6.3-ex2", "shape_a", "3×4×1", "incorrect"),
    M("d2l-6.3-ex2", "shape_a", "1×3×2", "padding_ignored"),
    M("d2l-6.3-ex2", "shape_a", "1×5×4", "off_by_one"),
    R("d2l-6.3-ex2", "shape_b", "1×10×5", "correct"),
    R("d2l-6.3-ex2", "shape_b", "1×5×10", "incorrect"),
    M("d2l-6.3-ex2", "shape_b", "1×6×2", "padding_ignored"),
    M("d2l-6.3-ex2", "shape_b", "1×11×6", "off_by_one"),
    R("d2l-6.3-ex4", "shape_s2", "1×4×4", "correct"),
    R("d2l-6.3-wx1", "shape", "1×200×200", "correct"),
    M("d2l-6.3-wx1", "shape", "1×199×199", "off_by_one"),
    R("d2l-6.3-wx4", "shape", "1×8×8", "correct"),
    M("d2l-6.3-wx4", "shape", "1×4×6", "padding_ignored"),
    R("d2l-6.4-ex3", "shape_padding", "32×34×34", "correct"),
    M("d2l-6.4-ex3", "shape_padding", "32×30×30", "padding_ignored"),
    M("d2l-6.4-ex3", "shape_padding", "32×35×35", "off_by_one"),
    R("d2l-6.1-wx", "shape_conv", "1×1000×1000", "correct"),
    R("d2l-6.1-wx", "shape_conv", "1000×1000×1", "correct"),
    M("d2l-6.1-wx", "shape_conv", "1×990×990", "padding_ignored"),
    R("d2l-6.1-wx", "shape_dense", "1000", "correct"),
    R("d2l-6.1-wx", "shape_dense", "[1000]", "correct"),
    M("d2l-6.1-wx", "shape_dense", "999", "off_by_one"),
    R("mnist-cnn", "shape_flatten", "3136", "correct"),
    R("mnist-cnn", "shape_flatten", "[3136]", "correct"),
    R("mnist-cnn", "shape_flatten", "64×7×7", "incorrect"),
    M("mnist-cnn", "shape_flatten", "3137", "off_by_one"),
    R("mnist-cnn", "shape_pool2", "64×7×7", "correct"),
    R("mnist-cnn", "shape_pool2", "7×7×64", "correct"),
    R("lenet", "shape_conv2", "16@10x10", "correct"),
    R("lenet", "shape_conv2", "10x10x16", "correct"),
    M("lenet", "shape_conv2", "16×9×9", "off_by_one"),
    # ------------------------------------------------------------ vectors
    R("24.4", "output", "[7, -6, 8, -2, 5]", "correct"),
    R("24.4", "output", [7, -6, 8, -2, 5], "correct"),
    R("24.4", "output", "7 -6 8 -2 5", "correct"),
    R("24.4", "output", "(7, -6, 8, -2, 5)", "correct"),
    R("24.4", "output", "7, −6, 8, −2, 5", "correct"),
    R("24.4", "output", "[7; -6; 8; -2; 5]", "correct"),
    R("24.4", "output", "[7 -6 8 -2 5]^T", "correct"),
    R("24.4", "output", r"\begin{bmatrix} 7 & -6 & 8 & -2 & 5 \end{bmatrix}", "correct"),
    R("24.4", "output", "y = (7, -6, 8, -2, 5)", "correct"),
    R("24.4", "output", "[5, -2, 8, -6, 7]", "incorrect", note="wrong order"),
    R("24.4", "output", "[7, -6, 8, -2]", "incorrect", note="5 expected"),
    R("24.4", "output", "[7, -6, 8, -2, 6]", "incorrect", note="position(s) 5"),
    R("24.4", "output", "[7, 6, 8, 2, 5]", "incorrect"),
    R("24.4", "output", "[7, -6, 8, -2, 5, 0]", "incorrect"),
    R("24.4", "output", "7 - 6 8 - 2 5", "incorrect"),
    R("24.4", "output", "[7, -6, 8, -2, 5", "unparsable"),
    M("24.4", "output", "[8, -4, 8, -5, 5]", "kernel_flipped"),
    M("24.4", "output", "8 -4 8 -5 5", "kernel_flipped"),
    R("d2l-6.2-ex4", "first_derivative", "3 3 3 3 3", "correct"),
    R("d2l-6.2-ex4", "first_derivative", "[3, 3, 3, 3]", "incorrect"),
    M("d2l-6.2-ex4", "first_derivative", "[-3, -3, -3, -3, -3]", "kernel_flipped"),
    M("d2l-6.2-ex4", "first_derivative", "[3, 3, 3, 3, 3, -17]", "wrong_mode"),
    R("d2l-6.2-ex4", "second_derivative", "[2, 2, 2, 2, 2]", "correct"),
    R("d2l-6.2-ex4", "third_derivative", "6 6 6 6", "correct"),
    M("d2l-6.2-ex4", "third_derivative", "-6 -6 -6 -6", "kernel_flipped"),
    R("d2l-6.2-ex4", "integral", "[1, 3, 6, 10, 15, 14, 12, 9, 5]", "correct"),
    M("d2l-6.2-ex4", "integral", "[6, 10, 15, 14, 12]", "wrong_mode"),
    # ------------------------------------------------------------ matrices
    R("d2l-6.2-wx1", "Y", "[[19, 25], [37, 43]]", "correct"),
    R("d2l-6.2-wx1", "Y", [[19, 25], [37, 43]], "correct"),
    R("d2l-6.2-wx1", "Y", "19 25; 37 43", "correct"),
    R("d2l-6.2-wx1", "Y", "[19 25; 37 43]", "correct"),
    R("d2l-6.2-wx1", "Y", "19 25\n37 43", "correct"),
    R("d2l-6.2-wx1", "Y", r"\begin{bmatrix} 19 & 25 \\ 37 & 43 \end{bmatrix}", "correct"),
    R("d2l-6.2-wx1", "Y", r"\begin{pmatrix} 19 & 25 \\ 37 & 43 \end{pmatrix}", "correct"),
    R("d2l-6.2-wx1", "Y", r"19 & 25 \\ 37 & 43", "correct"),
    R("d2l-6.2-wx1", "Y", "[[19.0, 25.0], [37.0, 43.0]]", "correct"),
    R("d2l-6.2-wx1", "Y", "np.array([[19, 25], [37, 43]])", "correct"),
    M("d2l-6.2-wx1", "Y", "[[19, 37], [25, 43]]", "transposed"),
    M("d2l-6.2-wx1", "Y", "19 37; 25 43", "transposed"),
    M("d2l-6.2-wx1", "Y", "[[19, 25], [37, 43]]^T", "transposed"),
    R("d2l-6.2-wx1", "Y", "[[19, 25], [37, 44]]", "incorrect", note="1 of 4 entries"),
    R("d2l-6.2-wx1", "Y", "[[18, 25], [37, 43]]", "incorrect", note="(1, 1)"),
    R("d2l-6.2-wx1", "Y", "[19, 25, 37, 43]", "incorrect"),
    R("d2l-6.2-wx1", "Y", "[[19, 25]]", "incorrect"),
    R("d2l-6.2-wx1", "Y", "[[19, 25], [37]]", "unparsable"),
    M("d2l-6.2-wx1", "Y", "[[5, 11], [23, 29]]", "kernel_flipped"),
    M("d2l-6.2-wx1", "Y", "[[19, 25, 10], [37, 43, 16], [7, 8, 0]]", "wrong_mode"),
    R("d2l-6.5-wx1", "max", "4 5; 7 8", "correct"),
    R("d2l-6.5-wx1", "max", [[4, 5], [7, 8]], "correct"),
    R("d2l-6.5-wx1", "max", "[[4, 5], [7, 9]]", "incorrect"),
    M("d2l-6.5-wx1", "max", "[[4]]", "stride_ignored"),
    M("d2l-6.5-wx1", "max", "[[4, 7], [5, 8]]", "transposed"),
    R("d2l-6.5-wx1", "avg", r"\begin{bmatrix} 2 & 3 \\ 5 & 6 \end{bmatrix}", "correct"),
    M("d2l-6.5-wx1", "avg", "[[2]]", "stride_ignored"),
    M("d2l-6.5-wx1", "avg", "[[2, 5], [3, 6]]", "transposed"),
    R("24.2", "AB", "6 7 8 6 1 2; 0 4 13 15 4 7; 4 2 10 16 6 14; 4 8 15 15 6 17; 0 0 10 9 3 12; 0 0 4 6 2 4",
      "correct"),
    R("24.2", "AB", "6 7 8 6 1 2; 0 4 13 15 4 7; 4 2 10 16 6 14; 4 8 15 15 6 17; 0 0 10 9 3 12; 0 0 4 6 2 5",
      "incorrect", note="(6, 6)"),
    M("24.2", "AB", "[[10, 16, 6], [15, 15, 6], [10, 9, 3]]", "wrong_mode"),
    M("24.2", "AB", "4 4 11 9 8 4; 6 3 12 7 11 10; 4 4 22 6 10 10; 2 1 18 11 13 10; 0 0 7 2 10 9; 0 0 2 0 4 6",
      "kernel_not_flipped"),
    R("24.2", "BA", [[6, 7, 8, 6, 1, 2], [0, 4, 13, 15, 4, 7], [4, 2, 10, 16, 6, 14], [4, 8, 15, 15, 6, 17],
                     [0, 0, 10, 9, 3, 12], [0, 0, 4, 6, 2, 4]], "correct"),
    M("24.2", "BA", "[[10, 16], [15, 15]]", "wrong_mode"),
    R("24.5", "original", "[[11, 18], [6, 22]]", "correct"),
    M("24.5", "original", "[[11, 6], [18, 22]]", "transposed"),
    M("24.5", "original", "[[10, 16], [15, 15]]", "kernel_flipped"),
    R("24.5", "clockwise", "14 16; 17 8", "correct"),
    M("24.5", "clockwise", "[[10, 20], [5, 17]]", "rotation_direction"),
    R("24.5", "counterclockwise", "[[10, 20], [5, 17]]", "correct"),
    M("24.5", "counterclockwise", "14 16; 17 8", "rotation_direction"),
    R("d2l-6.3-wx5", "Y", "[[0, 8], [6, 8]]", "correct"),
    M("d2l-6.3-wx5", "Y", "[[0, 1], [12, 37]]", "kernel_flipped"),
    M("d2l-6.3-wx5", "Y", "[[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]", "stride_ignored"),
    R("d2l-6.3-wx2", "Y", "0 3 8 4; 9 19 25 10; 21 37 43 16; 6 7 8 0", "correct"),
    M("d2l-6.3-wx2", "Y", "0 0 1 2; 0 5 11 11; 6 23 29 23; 12 32 37 24", "kernel_flipped"),
    R("d2l-6.4-wx1", "Y", "[[56, 72], [104, 120]]", "correct"),
    M("d2l-6.4-wx1", "Y", "[[28, 44], [76, 92]]", "kernel_flipped"),
    R("d2l-6.5-ex1", "convolved", "[[4, 1.75], [1.5, 7]]", "correct"),
    R("d2l-6.5-ex1", "convolved", "[[4, 7/4], [3/2, 7]]", "correct"),
    R("d2l-6.5-ex1", "convolved", "4 1.75; 1.5 7", "correct"),
    R("d2l-6.5-ex1", "convolved", r"\begin{bmatrix} 4 & \frac{7}{4} \\ \frac{3}{2} & 7 \end{bmatrix}", "correct"),
    R("d2l-6.5-ex1", "convolved", "[[4, 1.8], [1.5, 7]]", "incorrect"),
    M("d2l-6.5-ex1", "convolved", "[[4, 1.5], [1.75, 7]]", "transposed"),
    M("d2l-6.5-ex1", "convolved", "[[4, 3.25, 1.75], [3.5, 3.5, 4.75], [1.5, 3, 7]]", "stride_ignored"),
    R("d2l-6.5-ex1", "pooled", "[[4, 1.75], [1.5, 7]]", "correct"),
    R("d2l-6.5-ex5", "min_pool", "[[3, 1], [0, 2]]", "correct"),
    M("d2l-6.5-ex5", "min_pool", "[[3, 0], [1, 2]]", "transposed"),
    R("d2l-6.5-wx3", "Y", "10", "correct"),
    R("d2l-6.5-wx3", "Y", "[[10]]", "correct"),
    R("d2l-6.5-wx3", "Y", "11", "incorrect"),
    R("d2l-6.5-wx4", "Y", "5 7; 13 15", "correct"),
    R("d2l-6.2-wx2", "Y", "; ".join(["0 1 0 0 0 -1 0"] * 6), "correct"),
    M("d2l-6.2-wx2", "Y", "; ".join(["0 -1 0 0 0 1 0"] * 6), "kernel_flipped"),
    R("d2l-6.2-wx3", "Y", [[0] * 5] * 8, "correct"),
    # ------------------------------------------------------------ booleans, both languages
    R("24.1", "holds", "true", "correct"),
    R("24.1", "holds", True, "correct"),
    R("24.1", "holds", "True", "correct"),
    R("24.1", "holds", "yes", "correct"),
    R("24.1", "holds", "holds", "correct"),
    R("24.1", "holds", "成立", "correct"),
    R("24.1", "holds", "是", "correct"),
    R("24.1", "holds", "对", "correct"),
    R("24.1", "holds", "正确", "correct"),
    R("24.1", "holds", "✓", "correct"),
    R("24.1", "holds", "True, because the convolution is linear in each argument.", "correct"),
    R("24.1", "holds", "成立，因为卷积对每个参数都是线性的。", "correct"),
    R("24.1", "holds", "false", "incorrect", note="wrong way round"),
    R("24.1", "holds", False, "incorrect"),
    R("24.1", "holds", "不成立", "incorrect"),
    R("24.1", "holds", "否", "incorrect"),
    R("24.1", "holds", "错", "incorrect"),
    R("24.1", "holds", "maybe", "unparsable"),
    R("24.1", "holds", "", "missing"),
    R("24.3", "valid", "不成立", "correct"),
    R("24.3", "valid", "否", "correct"),
    R("24.3", "valid", "false", "correct"),
    R("24.3", "valid", "不对", "correct"),
    R("24.3", "valid", "No: the sizes differ.", "correct"),
    R("24.3", "valid", "成立", "incorrect"),
    R("24.3", "valid", "是", "incorrect"),
    R("24.3", "valid", "true", "incorrect"),
    R("24.3", "full", "不成立", "correct"),
    R("24.3", "full", "成立", "incorrect"),
    R("24.3", "full_rotated", "成立", "correct"),
    R("24.3", "full_rotated", "是", "correct"),
    R("24.3", "full_rotated", "不成立", "incorrect"),
    R("24.9", "holds", "true", "correct"),
    R("24.9", "holds", "否", "incorrect"),
    R("24.9", "full", "yes", "correct"),
    R("24.9", "full", "成立", "correct"),
    R("24.9", "full", "no", "incorrect"),
    R("24.2", "commutative", "是", "correct"),
    R("24.2-general", "holds", "成立", "correct"),
    R("24.5", "cw_same", "不成立", "correct"),
    R("24.5", "cw_same", "成立", "incorrect"),
    R("24.5", "ccw_rotated", "false", "correct"),
    R("d2l-6.5-ex2", "max_additive", "否", "correct"),
    R("d2l-6.5-ex2", "max_additive", "是", "incorrect"),
    R("d2l-6.5-ex2", "avg_additive", "是", "correct"),
    R("d2l-6.5-ex1", "same", "true", "correct"),
    R("d2l-6.2-ex1", "X_transposed", "yes", "correct"),
    R("d2l-6.4-ex1", "holds", "成立", "correct"),
    # ------------------------------------------------------------ symbolic (24.8)
    R("24.8", "dy_dw", "x_{k+m-1, l+n-1}", "correct"),
    R("24.8", "dy_dw", "x_{k+m-1,l+n-1}", "correct"),
    R("24.8", "dy_dw", "x[k+m-1][l+n-1]", "correct"),
    R("24.8", "dy_dw", "x[k+m-1, l+n-1]", "correct"),
    R("24.8", "dy_dw", "x_{m+k-1, n+l-1}", "correct"),
    R("24.8", "dy_dw", r"\frac{\partial y_{kl}}{\partial w_{mn}} = x_{k+m-1,l+n-1}", "correct"),
    R("24.8", "dy_dw", "x_{k+m, l+n}", "incorrect"),
    R("24.8", "dy_dw", "x_{k-m+1, l-n+1}", "incorrect"),
    R("24.8", "dy_dw", "w_{k+m-1, l+n-1}", "incorrect"),
    R("24.8", "dy_dw", "1", "incorrect"),
    R("24.8", "dy_dw", "x_{k+m-1, l+n-1", "unparsable"),
    R("24.8", "dy_dx", "w_{i-k+1, j-l+1} if 1 <= i-k+1 <= M and 1 <= j-l+1 <= N else 0", "correct"),
    R("24.8", "dy_dx", "w_{i-k+1, j-l+1} if 1 <= i-k+1 <= 3 and 1 <= j-l+1 <= 3 else 0", "correct"),
    R("24.8", "dy_dx", "w_{i-k+1, j-l+1} if k <= i <= k+2 and l <= j <= l+2 else 0", "correct"),
    R("24.8", "dy_dx", r"\begin{cases} w_{i-k+1,j-l+1} & 1 \le i-k+1 \le M,\ 1 \le j-l+1 \le N \\ 0 & "
                       r"\text{otherwise} \end{cases}", "correct"),
    R("24.8", "dy_dx", r"\begin{cases} w_{i-k+1,j-l+1} & 1 \le i-k+1 \le 3,\ 1 \le j-l+1 \le 3 \\ 0 & "
                       r"\text{otherwise} \end{cases}", "correct"),
    R("24.8", "dy_dx", "当 1 ≤ i-k+1 ≤ M 且 1 ≤ j-l+1 ≤ N 时 w_{i-k+1,j-l+1}；否则 0", "correct"),
    R("24.8", "dy_dx", "Piecewise((w[i - k + 1, j - l + 1], (i >= k) & (j >= l) & (M - i + k >= 1) & "
                       "(N - j + l >= 1)), (0, True))", "correct"),
    R("24.8", "dy_dx", "w_{i-k+1, j-l+1}", "incorrect"),
    R("24.8", "dy_dx", "w_{i-k, j-l} if 0 <= i-k <= 2 and 0 <= j-l <= 2 else 0", "incorrect"),
    R("24.8", "dy_dx", "w_{k-i+1, l-j+1} if 1 <= k-i+1 <= 3 and 1 <= l-j+1 <= 3 else 0", "incorrect"),
    R("24.8", "dy_dx", "w_{i-k+2, j-l+1} if 1 <= i-k+1 <= M and 1 <= j-l+1 <= N else 0", "incorrect"),
    R("24.8", "dy_dx", "w_{i-k+1, j-l+1} if 1 <= i-k+1 < 3 and 1 <= j-l+1 <= 3 else 0", "incorrect"),
    R("24.8", "dL_dW", "X * δ", "correct"),
    R("24.8", "dL_dW", "corr(delta, X)", "correct"),
    R("24.8", "dL_dW", "corr(δ, X)", "correct"),
    R("24.8", "dL_dW", "∂L/∂W = X * δ", "correct"),
    R("24.8", "dL_dW", "corr(X, delta)", "incorrect"),
    R("24.8", "dL_dW", "conv(delta, X)", "incorrect"),
    R("24.8", "dL_dW", "corr(delta, X", "unparsable"),
    R("24.8", "dL_dX", "conv(W, δ, mode=full)", "correct"),
    R("24.8", "dL_dX", "corr(rot180(W), delta, mode=full)", "correct"),
    R("24.8", "dL_dX", "conv(delta, W, mode=full)", "correct"),
    R("24.8", "dL_dX", "corr(W, delta, mode=full)", "incorrect"),
    R("24.8", "dL_dX", "conv(W, delta)", "incorrect"),
    R("24.8", "dL_dX", "corr(rot180(W), delta)", "incorrect"),
    R("24.8", "dY_dW", "[[x11, x12, x13], [x21, x22, x23]]", "incorrect"),   # issue 11: compared entry by entry
    R("24.8", "dY_dX", "see the attached sheet", "needs_review"),
]

# several channels (a 3-D answer): the parser reads one matrix at a time, so a right answer is not read yet
MULTI_CHANNEL: list[Row] = [
    R("d2l-6.4-wx2", "Y", [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]], "correct"),
    R("d2l-6.4-wx2", "Y", "[[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]", "correct"),
    R("d2l-6.5-wx6", "Y", [[[5, 7], [13, 15]], [[6, 8], [14, 16]]], "correct"),
    R("d2l-6.5-wx6", "Y", [[[5, 7], [13, 15]], [[6, 8], [14, 15]]], "incorrect"),
    R("d2l-6.5-wx6", "Y", [[[5, 7], [13, 15]]], "incorrect"),
    R("d2l-6.5-wx6", "Y", "[[[5, 7], [13, 15]], [[6, 8], [14, 16]]", "unparsable"),
]


# ------------------------------------------------------------------ helpers



def mistake_outcome(part: Any, mistake: str) -> tuple[str, float]:
    """What the exercise allows for a recognised mistake: (verdict, share of the points)."""
    allowed = part.grading.get("partial")
    credits = {m.id: m.credit for m in CATALOGUE}
    if mistake == "transposed" or allowed is None or allowed is False:
        share = 0.0
    elif allowed is True:
        share = credits.get(mistake, 0.0)
    else:
        share = float(allowed)
    return ("partial" if share > 0 else "incorrect"), share


def mistake_text(mistake: str, lang: str) -> str:
    return Msg("g.transposed" if mistake == "transposed" else f"m.{mistake}").render(lang)


def feedback(result: Any, lang: str) -> str:
    return " ".join(f.render(lang) for f in result.feedback)


# English that may appear in Chinese feedback: notation, mode names, units, and the student's own answer
ZH_ALLOWED = re.compile(r"FLOPs|MACs|ceil_mode|valid|full|same|true|false|corr|delta|rot180|C_in|[A-Za-z]_\w+"
                        # layer signatures and argument names in hints: code identifiers, the same in both languages
                        r"|\b[A-Z][A-Za-z]*\d?d?\([^()]*\)|[A-Z][A-Za-z]+\d?d\b|groups|dilation|bias=False|Flatten"
                        r"|Linear|ReLU|LeNet|AlexNet|VGG|ResNet|“[A-Za-z0-9_.\-]+”")      # part ids are quoted as written


def english_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", ZH_ALLOWED.sub("", text))


def row_id(row: Row) -> str:
    return f"{row.ex}/{row.part}={str(row.answer)[:40]!r}"


# ------------------------------------------------------------------ the table

def test_the_table_is_large_and_covers_every_answer_type():
    assert len(TABLE) >= 300
    types = {gold_for(r.ex).parts[r.part].expected for r in TABLE}
    assert types >= {"int", "real", "shape", "vector", "matrix", "bool", "expr", "convexpr", "expr_matrix", "prose"}
    bank_types = {gp.expected for ex in {r.ex for r in TABLE} for gp in gold_for(ex).parts.values()}
    assert types == bank_types
    verdicts = {r.verdict for r in TABLE}
    assert verdicts >= {"correct", "incorrect", "partial", "unparsable", "needs_review", "missing", "mistake"}


@pytest.mark.parametrize("row", [pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=r.gap)) if r.gap else r
                                 for r in TABLE], ids=row_id)
def test_teacher_table(row: Row):
    gold = gold_for(row.ex)
    with deadline(10):
        result = grade_part(gold, row.part, row.answer)
    en, zh = feedback(result, "en"), feedback(result, "zh")
    assert result.verdict in VERDICTS
    if row.verdict == "mistake":
        verdict, share = mistake_outcome(gold.parts[row.part].part, row.mistake)
        assert (result.verdict, result.mistake) == (verdict, row.mistake), en
        assert result.score == pytest.approx(share * result.max_score)
        assert mistake_text(row.mistake, "en") in en
        assert mistake_text(row.mistake, "zh") in zh
    else:
        assert result.verdict == row.verdict, en
        if row.verdict == "correct":
            assert result.score == result.max_score and result.mistake is None
        elif row.verdict == "partial":
            assert 0 < result.score < result.max_score
        else:
            assert result.score == 0
        if row.verdict in ("unparsable", "missing", "needs_review"):
            assert en.strip(), "an unread answer says why"
    if row.note:
        assert row.note in en, en
    # both languages: the Chinese feedback has no English sentence in it, the English none in Chinese
    own = str(row.answer)
    assert not english_words(zh.replace(own, "")), zh
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("不成立|成立|是|否", "", en.replace(own, ""))), en


@pytest.mark.parametrize("row", MULTI_CHANNEL, ids=row_id)
def test_multi_channel_answers(row: Row):
    assert grade_part(gold_for(row.ex), row.part, row.answer).verdict == row.verdict


def test_every_part_of_the_bank_accepts_its_own_answer():
    """The gold answer, handed back as YAML would give it, is correct for every numeric and symbolic part, and a
    prose answer goes to review. Only the programs of ``code`` exercises are not handed back here: they are graded
    by running them (tests/test_sandbox.py)."""
    from solver.bank import load_bank
    checked, programs = 0, []
    for ex in load_bank():
        gold = gold_for(ex.id)
        for pid, gp in gold.parts.items():
            if isinstance(gp.value, dict) and "function" in gp.value:
                programs.append((ex.kind, ex.id, pid))
                continue
            result = grade_part(gold, pid, gp.value)
            want = "needs_review" if gp.expected == "prose" else "correct"
            assert result.verdict == want, (ex.id, pid, gp.expected, gp.value, feedback(result, "en"))
            checked += 1
    assert checked >= 300, checked
    assert programs and all(kind == "code" for kind, _, _ in programs), programs


def test_feedback_in_chinese_for_every_kind_of_verdict():
    cases = {("hw-q3", "params", "4,608"): "忘记计入偏置",
             ("hw-q3", "shape", "28×28×32"): "H×W×C",
             ("hw-q3", "macs", "3.61M"): "有效数字",
             ("hw-q6", "params_ratio", "0.13"): "至少给出 3 位有效数字",
             ("hw-q3", "params", "4.64kk"): "无法读取这个答案：应为一个数",
             ("24.1", "holds", "maybe"): "成立",
             ("24.8", "dL_dW", "__import__('os')"): "无法读取",
             ("24.8", "dy_dw", "x_{k+m, l+n}"): "不等价",
             ("d2l-6.2-wx1", "Y", "[[19, 37], [25, 43]]"): "转置",
             ("d2l-6.2-wx1", "Y", "[[19, 25], [37, 44]]"): "个元素中有 1 个错误",
             ("24.4", "output", "[7, -6, 8, -2]"): "应为 5 个",
             ("24.6", "proof", "By induction."): "教师批阅",
             ("hw-q3", "params", ""): "未作答"}
    for (ex, part, answer), phrase in cases.items():
        zh = feedback(grade_part(gold_for(ex), part, answer), "zh")
        assert phrase in zh, (ex, part, zh)
        assert not english_words(zh.replace(answer, "")), zh


def test_parse_notes_stay_out_of_feedback():
    """The parser's notes are English only; the feedback is bilingual."""
    result = grade_part(gold_for("hw-q3"), "macs", "≈ 3.61M")
    assert result.verdict == "correct"
    assert "read" not in feedback(result, "en")


def test_symbolic_comparison_is_bounded_and_runs_in_a_worker():
    from grader.timeout import run_limited
    import time
    t0 = time.perf_counter()
    ok, value = run_limited(time.sleep, (30,), seconds=0.5)
    assert (ok, value) == (False, None) and time.perf_counter() - t0 < 5
    assert run_limited(pow, (2, 10), seconds=5) == (True, 1024)       # a fresh worker after the kill


@pytest.mark.slow
def test_hostile_symbolic_answers_are_stopped(monkeypatch):
    """Exponent towers and huge sums are cut off by the worker's time limit (shortened here to keep the test
    fast): a verdict with a reason, never a hang."""
    import time
    import grader.compare
    monkeypatch.setattr(grader.compare, "SYMBOLIC_SECONDS", 0.5)
    gold = gold_for("24.8")
    with deadline(30):
        for answer in ("k^k^k^k", "x**x**x**x**x", r"\sum_{a=1}^{10^9} x_{a}", "2^(2^(2^(2^k)))"):
            t0 = time.perf_counter()
            result = grade_part(gold, "dy_dx", answer)
            assert time.perf_counter() - t0 < 3, answer
            assert result.verdict in ("unparsable", "incorrect"), answer
            assert feedback(result, "en")
            if result.verdict == "unparsable":
                assert "longer than 0.5 s" in feedback(result, "en")


def test_numbers_match_tolerances():
    assert numbers_match(4640, 4640, None)
    assert not numbers_match(4641, 4640, None)
    assert numbers_match(4641, 4640, None, {"abs": 1})
    assert numbers_match(4641, 4640, None, {"rel": 0.001})
    assert numbers_match(4641, 4640, None, {"sig": 3})          # 4640 to 3 figures: 4635 … 4645
    assert not numbers_match(4646, 4640, None, {"sig": 3})
    assert not numbers_match(2 ** 1100, 4640, None)              # no float overflow
    assert numbers_match(2 ** 1100, 2 ** 1100, None)


# ------------------------------------------------------------------ the mistake catalogue

CATALOGUE_EXAMPLES = {
    "bias_forgotten": ("hw-q3", "params", "4608"),
    "bias_added": ("hw-q6", "params_standard", "18496"),
    "flops_for_macs": ("hw-q3", "macs", "7,225,344"),
    "macs_for_flops": ("hw-q3", "flops", "3,612,672"),
    "bias_ops": ("hw-q3", "macs", "3637760"),
    "channels_ignored": ("hw-q3", "params", "320"),
    "groups_ignored": ("hw-q6", "params_depthwise", "9216"),
    "padding_ignored": ("hw-q3", "shape", "32×26×26"),
    "floor_ceil": ("hw-q2", "shape", "1×8×8"),
    "off_by_one": ("hw-q3", "shape", "32×27×27"),
    "rf_no_stride": ("24.6", "rf", "11×11"),
    "kernel_not_flipped": ("24.2", "AB", "4 4 11 9 8 4; 6 3 12 7 11 10; 4 4 22 6 10 10; 2 1 18 11 13 10; "
                                         "0 0 7 2 10 9; 0 0 2 0 4 6"),
    "kernel_flipped": ("24.4", "output", "[8, -4, 8, -5, 5]"),
    "wrong_mode": ("d2l-6.2-wx1", "Y", "[[19, 25, 10], [37, 43, 16], [7, 8, 0]]"),
    "rotation_direction": ("24.5", "clockwise", "[[10, 20], [5, 17]]"),
    "stride_ignored": ("d2l-6.5-wx1", "max", "[[4]]"),
    "transposed": ("d2l-6.2-wx1", "Y", "[[19, 37], [25, 43]]"),
    "ratio_inverted": ("hw-q6", "params_ratio", "7.89"),
    "percent_missing": ("hw-q6", "params_ratio", "12.7"),
    "shortcut_forgotten": ("hw-q9-resnet18", "params", "11,515,688"),
    # BatchNorm γ, β: 2 × (64 + 4·64 + 5·128 + 5·256 + 5·512) = 9,600 fewer than 11,689,512
    "norm_forgotten": ("hw-q9-resnet18", "params", "11,679,912"),
    # Inception block: 64 + 128 + 32 + 32 = 256 channels stacked; "added" keeps the largest branch's 128
    "concat_added": ("inception-block", "shape", "128×28×28"),
    # LSTM(28 → 128): textbook 4·(128·156 + 128) = 80,384; PyTorch 4·(128·156 + 2·128) = 80,896
    "two_biases_textbook": ("rnn-lstm-params", "textbook", "80,896"),
    "one_bias_pytorch": ("rnn-lstm-params", "pytorch", "80384"),
    # g = 0.2, −0.1, 0.4 with m, v unscaled: steps 0.0031618, 0.0011317, 0.0032577 from x_0 = 1 → 0.992449
    "adam_no_bias_correction": ("optim-adam-seed", "final", "0.992449"),
    # w_0 = [1, −2], η = 0.1, g = [0.5, −1], [0.3, −0.4], [0.1, 0.2] without λw: w_3 = [1 − 0.09, −2 + 0.12]
    "weight_decay_forgotten": ("optim-sgd-weight-decay", "final", "[0.91, -1.88]"),
    # Linear(784 → 128): Xavier 2/912 = 0.0021930, He 2/784 = 0.0025510
    "xavier_for_he": ("init-xavier-he-linear", "he_var", "0.002193"),
    "he_for_xavier": ("init-xavier-he-linear", "xavier_var", "0.002551"),
    # h = [2, 4, 6], p = 0.5: (1 − p)h = [1, 2, 3]; scaled by 1/(1 − p): h
    "dropout_unscaled": ("dropout-expectation", "scaled", "[1, 2, 3]"),
    "dropout_scaled": ("dropout-expectation", "unscaled", "[2, 4, 6]"),
}


def test_every_catalogued_mistake_has_an_example():
    assert {m.id for m in CATALOGUE} | {"transposed"} == set(CATALOGUE_EXAMPLES)


@pytest.mark.parametrize("mistake", sorted(CATALOGUE_EXAMPLES))
def test_catalogued_mistake_is_recognised(mistake: str):
    ex, part, answer = CATALOGUE_EXAMPLES[mistake]
    gold = gold_for(ex)
    result = grade_part(gold, part, answer)
    assert result.mistake == mistake
    verdict, share = mistake_outcome(gold.parts[part].part, mistake)
    assert result.verdict == verdict and result.score == pytest.approx(share * result.max_score)
    for lang in ("en", "zh"):
        assert mistake_text(mistake, lang) in feedback(result, lang)


def test_no_partial_credit_unless_the_exercise_allows_it():
    """A bank part without ``partial`` gives a recognised mistake no points."""
    for mistake, (ex, part, answer) in CATALOGUE_EXAMPLES.items():
        gold = gold_for(ex)
        result = grade_part(gold, part, answer)
        if not gold.parts[part].part.grading.get("partial"):
            assert (result.verdict, result.score) == ("incorrect", 0.0), mistake


PARTIAL_EXERCISE = """\
id: tmp-partial
title: {en: "Partial credit", zh: "部分得分"}
statement: {en: "A convolution and a pooling layer.", zh: "一个卷积层和一个池化层。"}
kind: network
given:
  input_shape: [3, 32, 32]
  layers:
    - {type: Conv2d, out_channels: 16, kernel_size: 3, padding: 1}
    - {type: MaxPool2d, kernel_size: 3, stride: 2}
ask:
  - {id: shape, quantity: output_shape, partial: true, points: 2}
  - {id: shape_plain, quantity: output_shape}
  - {id: params, quantity: params, partial: true, points: 2}
  - {id: params_half, quantity: params, partial: 0.5}
  - {id: params_plain, quantity: params}
  - {id: macs, quantity: macs, partial: true}
  - {id: macs_plain, quantity: macs}
  - id: params_declared
    quantity: params
    partial: true
    mistakes:
      - {value: 999, message: {en: "the kernel is counted as 9×9", zh: "把卷积核算成了 9×9"}, credit: 0.3}
  - id: params_declared_plain
    quantity: params
    mistakes:
      - {value: 999, message: {en: "the kernel is counted as 9×9", zh: "把卷积核算成了 9×9"}, credit: 0.3}
"""

# part, answer → verdict, score, mistake (the exercise: 3×32×32 → Conv 16 3×3 pad 1 → MaxPool 3 stride 2)
PARTIAL_TABLE = [
    ("shape", "16×15×15", "correct", 2.0, None),
    ("shape", "16×16×16", "partial", 1.0, "floor_ceil"),        # catalogue credit 0.5 × 2 points
    ("shape", "16×14×14", "partial", 0.5, "padding_ignored"),   # 0.25 × 2
    ("shape_plain", "16×16×16", "incorrect", 0.0, "floor_ceil"),
    ("params", "448", "correct", 2.0, None),
    ("params", "432", "partial", 1.0, "bias_forgotten"),
    ("params", "160", "incorrect", 0.0, "channels_ignored"),    # catalogue credit 0: recognised, no points
    ("params", "447", "incorrect", 0.0, None),
    ("params_half", "432", "partial", 0.5, "bias_forgotten"),
    ("params_half", "160", "partial", 0.5, "channels_ignored"), # a share given by the exercise applies to all
    ("params_plain", "432", "incorrect", 0.0, "bias_forgotten"),
    ("macs", "884,736", "partial", 0.5, "flops_for_macs"),
    ("macs", "458752", "partial", 0.75, "bias_ops"),
    ("macs_plain", "884736", "incorrect", 0.0, "flops_for_macs"),
    ("params_declared", "999", "partial", 0.3, "declared_1"),
    ("params_declared", "432", "partial", 0.5, "bias_forgotten"),
    ("params_declared_plain", "999", "incorrect", 0.0, "declared_1"),
]


@pytest.fixture(scope="module")
def partial_bank(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bank")
    (folder / "tmp-partial.yaml").write_text(PARTIAL_EXERCISE, encoding="utf-8")
    yield folder
    set_extra_banks([])


def test_partial_credit_through_the_grade_command(partial_bank, tmp_path):
    import json
    rows = {}
    for i, (part, answer, verdict, score, mistake) in enumerate(PARTIAL_TABLE):
        # one answer file per row (a part appears once in a file)
        sheet = tmp_path / f"s{i:02d}.json"
        sheet.write_text(json.dumps({"student": f"s{i:02d}", "answers": {"tmp-partial": {part: answer}}}),
                         encoding="utf-8")
        rows[f"s{i:02d}"] = (part, verdict, score, mistake)
    result = CliRunner().invoke(grade_main, [str(tmp_path), "--bank", str(partial_bank), "--format", "json"])
    assert result.exit_code == 0, result.output + result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(PARTIAL_TABLE)
    for record in records:
        part, verdict, score, mistake = rows[record["student"]]
        got = next(r for r in record["results"] if r["part"] == part)
        assert (got["verdict"], got["score"], got["mistake"]) == (verdict, score, mistake), (record["student"], got)
        if mistake == "declared_1":
            assert "the kernel is counted as 9×9" in got["feedback"]


def test_declared_mistake_feedback_in_chinese(partial_bank, tmp_path):
    import json
    sheet = tmp_path / "zh.yaml"
    sheet.write_text("answers:\n  tmp-partial: {params_declared: 999}\n", encoding="utf-8")
    result = CliRunner().invoke(grade_main, [str(sheet), "--bank", str(partial_bank), "--format", "json",
                                             "--lang", "zh"])
    assert result.exit_code == 0, result.stderr
    got = next(r for r in json.loads(result.stdout)["results"] if r["part"] == "params_declared")
    assert got["feedback"] == "这个结果说明你可能把卷积核算成了 9×9。"
    missing = next(r for r in json.loads(result.stdout)["results"] if r["part"] == "shape")
    assert missing["verdict"] == "missing" and missing["feedback"] == "未作答。"


def test_bank_folder_changes_clear_the_caches(tmp_path):
    """Two runs in one process with different --bank folders holding the same id: no stale gold or mistakes."""
    import json
    for n, out in ((16, 448), (8, 224)):
        folder = tmp_path / f"bank{n}"
        folder.mkdir()
        (folder / "tmp-partial.yaml").write_text(PARTIAL_EXERCISE.replace("out_channels: 16", f"out_channels: {n}"),
                                                 encoding="utf-8")
        sheet = tmp_path / f"s{n}.yaml"
        sheet.write_text(f"answers:\n  tmp-partial: {{params: {out}, params_plain: {out - n}}}\n", encoding="utf-8")
        result = CliRunner().invoke(grade_main, [str(sheet), "--bank", str(folder), "--format", "json"])
        parts = {r["part"]: r for r in json.loads(result.stdout)["results"]}
        assert parts["params"]["verdict"] == "correct"
        assert parts["params_plain"]["mistake"] == "bias_forgotten"
    set_extra_banks([])
