"""Wording of the grader's feedback: diagnoses (grader/diagnose.py), named mistakes (grader/mistakes.py),
explanations' key points (grader/rubric.py) and follow-through (grader/follow.py)."""
from __future__ import annotations

from solver.i18n import register

# from grader/diagnose.py
register({
    "d.other_part": ("This is the answer to part “{part}”, not to this one.", "这是小问“{part}”的答案，不是本小问的答案。"),
    "d.wrong_layer": ("This is the {what} after layer {got} ({layer}), not after layer {want}.",
                      "这是第 {got} 层（{layer}）之后的{what}，而本小问问的是第 {want} 层之后的。"),
    "d.wrong_layer_input": ("This is the {what} of the input, before layer 1.", "这是输入（第 1 层之前）的{what}。"),
    "d.what.output_shape": ("shape", "形状"),
    "d.what.receptive_field": ("receptive field", "感受野"),
    "d.what.jump": ("jump (product of the strides)", "跳步（步幅之积）"),
    "d.one_channel": ("This is the result for input channel {c} alone: the results of all input channels are summed.",
                      "这只是第 {c} 个输入通道的结果：应把所有输入通道的结果相加。"),
    "d.layer_missing": ("This total leaves out layer {i} ({layer}).", "这个总数漏掉了第 {i} 层（{layer}）。"),
    "d.layer_change": ("This is what you get if {what} in layer {i} ({layer}).", "这个结果说明你可能在第 {i} 层（{layer}）{what}。"),
    "d.lc.padding": ("the padding is ignored", "忽略了填充"),
    "d.lc.stride": ("the stride is ignored", "忽略了步幅"),
    "d.lc.dilation": ("the dilation is ignored", "忽略了空洞（dilation）"),
    "d.lc.ceil": ("the rounding is the other way (⌈·⌉ for ⌊·⌋ or the reverse; see ceil_mode)",
                  "把取整方式弄反了（向上取整与向下取整；参见 ceil_mode）"),
    "d.scaled": ("Every entry is off by the same factor: re-check the normalisation (an average divides by the "
                 "window size; a scale factor applies once).",
                 "每个元素都差了同一个倍数：检查归一化（平均要除以窗口大小；比例系数只乘一次）。"),
    "d.too_coarse": ("Rounded too coarsely: give the value to at least {want} significant figures.",
                     "取整过粗：请至少给出 {want} 位有效数字。"),
    "d.rounding": ("Close, but the last figure given is wrong: re-check the rounding.",
                   "很接近，但最后一位有效数字不对：请检查四舍五入。"),
    "d.near": ("Close to the answer but not equal: re-check the arithmetic of the last step.",
               "与正确答案很接近但不相等：请检查最后一步的计算。"),
    "h.shape_count": ("The shape after layer {at} has {want} numbers: {what}; {got} given.",
                      "第 {at} 层之后的形状有 {want} 个数：{what}；你给出了 {got} 个。"),
    "h.shape_count_out": ("The output shape has {want} numbers: {what}; {got} given.",
                          "输出形状有 {want} 个数：{what}；你给出了 {got} 个。"),
    "h.shape_count1": ("The shape after layer {at} is one number: {what}; {got} given.",
                       "第 {at} 层之后的形状只有 1 个数：{what}；你给出了 {got} 个。"),
    "h.shape_count1_out": ("The output shape is one number: {what}; {got} given.",
                           "输出形状只有 1 个数：{what}；你给出了 {got} 个。"),
    "h.dims.chw": ("channels × height × width (C×H×W), without the batch", "通道 × 高 × 宽（C×H×W），不含批量维"),
    "h.dims.cl": ("channels × length (C×L), without the batch", "通道 × 长度（C×L），不含批量维"),
    "h.dims.f": ("the number of features, without the batch", "特征数，不含批量维"),
    "h.dims.hw": ("height × width", "高 × 宽"),
    "h.dims.n": ("one number per spatial dimension", "每个空间维一个数"),
    "h.size_step": ("Re-check the output-size step of layer {layers}: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1.",
                    "检查第 {layers} 层输出尺寸的计算：⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1。"),
    "h.size_steps": ("Re-check the output-size steps of layers {layers}: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 at each.",
                     "逐层检查第 {layers} 层输出尺寸的计算：每层都是 ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1。"),
    "h.channels": ("The spatial size is right; re-check the number of channels: it is set by layer {i} ({layer}).",
                   "空间尺寸正确；请检查通道数：它由第 {i} 层（{layer}）决定。"),
    "h.features": ("Re-check the number of features: it is set by layer {i} ({layer}).",
                   "检查特征数：它由第 {i} 层（{layer}）决定。"),
    "h.params_layer": ("Re-check the parameter count of layer {i} ({layer}): {formula}.",
                       "检查第 {i} 层（{layer}）参数量的计算：{formula}。"),
    "h.params_total": ("Re-check the parameter count layer by layer ({layers}) and their sum.",
                       "逐层检查参数量（{layers}），再检查求和。"),
    "h.macs_layer": ("Re-check the MACs of layer {i} ({layer}): {formula}.", "检查第 {i} 层（{layer}）乘加次数（MACs）的计算：{formula}。"),
    "h.macs_total": ("Re-check the MACs layer by layer ({layers}) and their sum.", "逐层检查乘加次数（{layers}），再检查求和。"),
    "h.flops": ("FLOPs are 2 × MACs: re-check the MACs first.", "FLOPs 等于 2 × MACs：请先检查 MACs。"),
    "h.f.conv_params": ("k×k×(C_in/groups) weights per output channel, plus one bias per output channel if the "
                        "layer has a bias", "每个输出通道有 k×k×(C_in/groups) 个权重，若该层有偏置，每个输出通道再加 1 个偏置"),
    "h.f.linear_params": ("in_features × out_features weights, plus out_features biases if the layer has a bias",
                          "in_features × out_features 个权重，若该层有偏置再加 out_features 个偏置"),
    "h.f.conv_macs": ("one multiply–accumulate per weight and output position: (output H × W × C_out) × "
                      "k×k×(C_in/groups); the output size first", "每个权重在每个输出位置做一次乘加：（输出 H × W × C_out）"
                      "× k×k×(C_in/groups)；先算输出尺寸"),
    "h.f.linear_macs": ("in_features × out_features", "in_features × out_features"),
    "h.f.other": ("count what this layer computes", "按该层实际的计算来数"),
    "h.ratio": ("The ratio is the {of} of “{num}” divided by the {of} of “{den}”: re-check both counts and the "
                "division.", "比值是“{num}”的{of}除以“{den}”的{of}：请检查这两个数以及除法。"),
    "h.of.params": ("parameter count", "参数量"),
    "h.of.macs": ("MACs", "乘加次数（MACs）"),
    "h.of.flops": ("FLOPs", "FLOPs"),
    "h.rf": ("Re-check the recurrence at layer(s) {layers}: R_l = R_(l−1) + (k_l − 1)·d_l·J_(l−1), J_l = J_(l−1)·s_l.",
             "检查第 {layers} 层的递推：R_l = R_(l−1) + (k_l − 1)·d_l·J_(l−1)，J_l = J_(l−1)·s_l。"),
    "h.jump": ("Re-check the jump: J_l = J_(l−1)·s_l, the product of the strides of layers {layers}.",
               "检查跳步：J_l = J_(l−1)·s_l，即第 {layers} 层步幅之积。"),
    "h.result_size": ("Re-check the size of the result of {expr}: it follows from the sizes of the operands, the "
                      "mode (valid / full / same), the padding and the stride.",
                      "检查 {expr} 结果的尺寸：它由两个操作数的尺寸、模式（valid / full / same）、填充和步幅决定。"),
    "h.entries": ("Re-check the computation of these entries: each one comes from the window of the input at "
                  "that position.", "检查这些元素的计算：每个元素都由输入在该位置的窗口算出。"),
    "h.operation": ("Every entry is wrong: re-check the operation {expr} itself — which operand slides over which, "
                    "the mode, the padding and the stride.",
                    "每个元素都不对：请检查运算 {expr} 本身——哪个操作数在另一个上滑动，以及模式、填充和步幅。"),
    "h.jacobian": ("Re-check the index formula Y_kl = Σ_m Σ_n W_mn·X_(k+m−1, l+n−1): row (k, l) of the Jacobian "
                   "lists what Y_kl depends on.",
                   "检查下标公式 Y_kl = Σ_m Σ_n W_mn·X_(k+m−1, l+n−1)：雅可比矩阵的第 (k, l) 行列出 Y_kl 依赖的量。"),
    "h.index": ("Re-check the index formula Y_kl = Σ_m Σ_n W_mn·X_(k+m−1, l+n−1) and differentiate it term by term.",
                "检查下标公式 Y_kl = Σ_m Σ_n W_mn·X_(k+m−1, l+n−1)，再逐项求导。"),
    "h.backprop": ("Re-check the chain rule ∂L/∂{wrt} = Σ_k Σ_l δ_kl·∂Y_kl/∂{wrt}: which operand slides over which, "
                   "and whether the result is valid or full.",
                   "检查链式法则 ∂L/∂{wrt} = Σ_k Σ_l δ_kl·∂Y_kl/∂{wrt}：哪个操作数在另一个上滑动，结果是 valid 还是 full。"),
    "h.counterexample": ("It does not hold: with {values} the two sides differ.", "不成立：取 {values} 时，两边不相等。"),
    "h.undefined": ("It does not hold. {why}", "不成立。{why}"),
    "h.sizes_differ": ("It does not hold: the two sides have different sizes ({a} and {b}).",
                       "不成立：两边的尺寸不同（{a} 与 {b}）。"),
    "h.entry_differs": ("It does not hold: expanded, entry ({i}, {j}) of the two sides differs.",
                        "不成立：展开后两边的第 ({i}, {j}) 个元素不同。"),
    "h.holds": ("It holds: expand both sides entry by entry (or re-index the sums); every entry agrees.",
                "成立：把两边逐个元素展开（或对求和下标换元），每个元素都相同。"),
    "h.compare_parts": ("Compare your own answers to parts “{a}” and “{b}”: the two sides are {how}.",
                        "比较你在小问“{a}”和“{b}”中的答案：两边{how}。"),
    "h.sides_equal": ("equal", "相等"),
    "h.sides_differ": ("not equal", "不相等"),
    "h.compute_sides": ("Compute both sides with the exercise's matrices and compare them entry by entry: they are "
                        "{how}.", "用题目给出的矩阵分别算出两边，再逐个元素比较：两边{how}。"),
    "h.expr_part": ("Re-check this expression step by step.", "请逐步检查这个表达式。"),
    "h.recheck": ("Re-check this part step by step.", "请逐步检查这一小问的计算。"),
})

# from grader/mistakes.py
register({
    "m.bias_forgotten": ("the bias is forgotten", "忘记计入偏置"),
    "m.bias_added": ("a bias is counted where the layer has none", "在没有偏置的层计入了偏置"),
    "m.flops_for_macs": ("FLOPs (2 per multiply–accumulate) are given instead of MACs", "把 FLOPs（每次乘加计 2 次）当成了 MACs"),
    "m.macs_for_flops": ("MACs are given instead of FLOPs (= 2 × MACs)", "把 MACs 当成了 FLOPs（FLOPs = 2 × MACs）"),
    "m.bias_ops": ("the bias additions are counted too", "把偏置加法也计入了"),
    "m.concat_added": ("the concatenated branches are treated as added: their channels are stacked, so the "
                       "channel counts add up",
                       "把拼接的各分支当成了相加：拼接是把通道堆叠起来，通道数应为各分支通道数之和"),
    "m.norm_forgotten": ("the parameters of the normalisation layers (BatchNorm's γ and β, 2 per channel) are "
                         "left out",
                         "漏掉了归一化层的参数（BatchNorm 每个通道有 γ 和 β 两个参数）"),
    "m.shortcut_forgotten": ("the projection shortcuts (1×1 convolution and BatchNorm) are left out",
                             "漏掉了投影捷径（1×1 卷积及其 BatchNorm）"),
    "m.channels_ignored": ("the input channels are ignored (each filter is k×k, not k×k×C_in)",
                           "忽略了输入通道（每个滤波器是 k×k×C_in 而不是 k×k）"),
    "m.groups_ignored": ("the groups are ignored (a grouped/depthwise convolution counted as a standard one)",
                         "忽略了分组（把分组/深度卷积当作普通卷积计算）"),
    "m.padding_ignored": ("the padding is ignored", "忽略了填充"),
    "m.floor_ceil": ("the rounding is wrong (⌈·⌉ instead of ⌊·⌋ or the reverse; see ceil_mode)",
                     "把取整方式弄反了（向上取整与向下取整；参见 ceil_mode）"),
    "m.off_by_one": ("the “+ 1” of the output-size formula is missing or doubled", "漏掉或多加了输出尺寸公式中的“+ 1”"),
    "m.rf_no_stride": ("the receptive field is grown by k−1 per layer without multiplying by the product of the "
                       "earlier strides (the jump)", "每层只给感受野加了 k−1，没有乘以前面各层步幅之积（跳步）"),
    "m.kernel_not_flipped": ("the kernel is not flipped (cross-correlation computed instead of the mathematical "
                             "convolution)", "没有翻转卷积核（算成了互相关而不是数学卷积）"),
    "m.kernel_flipped": ("the kernel is flipped although the ML convolution does not flip it",
                         "把卷积核翻转了，而机器学习中的卷积并不翻转卷积核"),
    "m.wrong_mode": ("the wrong padding mode is used (valid / full / same)", "使用了错误的填充方式（valid / full / same）"),
    "m.rotation_direction": ("the rotation goes the other way (clockwise ↔ counter-clockwise)", "把旋转方向弄反了（顺时针 ↔ 逆时针）"),
    "m.stride_ignored": ("the stride is ignored", "忽略了步幅"),
    "m.ratio_inverted": ("the ratio is taken the other way round (denominator over numerator)",
                         "把比值取反了（分子和分母颠倒）"),
    "m.percent_missing": ("a percentage is given without its % sign", "给出了百分数却漏写了 % 号"),
    "m.two_biases_textbook": ("two bias vectors per gate are counted, as PyTorch stores them (bias_ih and bias_hh); "
                              "the textbook form has one bias per gate",
                              "按 PyTorch 的存储方式给每个门算了两个偏置向量（输入一侧和隐状态一侧各一个）；教材的写法每个门只有一个偏置"),
    "m.one_bias_pytorch": ("one bias per gate is counted, as the textbook writes it; torch.nn.RNN/LSTM/GRU store two "
                           "bias vectors per gate (bias_ih and bias_hh)",
                           "按教材的写法每个门只算了一个偏置；PyTorch 的 RNN、LSTM、GRU 层每个门存有两个偏置向量（输入一侧和隐状态一侧各一个）"),
    "m.adam_no_bias_correction": ("Adam's bias correction is forgotten: m_t and v_t are used without dividing by "
                                  "1 − β₁ᵗ and 1 − β₂ᵗ", "忘记了 Adam 的偏差修正：直接用了 m_t 和 v_t，没有除以 1 − β₁ᵗ 和 1 − β₂ᵗ"),
    "m.xavier_for_he": ("Xavier's variance 2/(fan_in + fan_out) is used where He's 2/fan_in is asked",
                        "把 Xavier 初始化的方差 2/(fan_in + fan_out) 用在了要求 He 初始化（2/fan_in）的地方"),
    "m.he_for_xavier": ("He's variance 2/fan_in is used where Xavier's 2/(fan_in + fan_out) is asked",
                        "把 He 初始化的方差 2/fan_in 用在了要求 Xavier 初始化（2/(fan_in + fan_out)）的地方"),
    "m.dropout_unscaled": ("dropout's 1/(1 − p) scaling is forgotten: nn.Dropout divides the kept units by 1 − p, "
                           "so the expectation stays h", "忘记了 Dropout 的 1/(1 − p) 缩放：PyTorch 的 Dropout 层把保留的单元除以 1 − p，所以期望仍为 h"),
    "m.weight_decay_forgotten": ("the weight decay is forgotten: the gradient of the penalty λ/2·‖w‖², λw, is left out "
                                 "(plain SGD/Adam steps; ∂J/∂W without λW)",
                                 "忘记了权重衰减：漏掉了惩罚项 λ/2·‖w‖² 的梯度 λw（算成了普通的 SGD/Adam 更新；∂J/∂W 中缺少 λW）"),
    "m.dropout_scaled": ("the kept units are divided by 1 − p, but plain dropout (without the scaling) is asked: "
                         "the expectation is (1 − p)h", "把保留的单元除以了 1 − p，但题目问的是不缩放的 Dropout：期望为 (1 − p)h"),
})

# from grader/rubric.py
register({
    "rubric.summary": ("Key points covered: {covered} of {total} (weighted score {pct}). Matched automatically "
                       "by keywords — a teacher confirms the mark.",
                       "已覆盖要点：{covered}/{total}（加权得分 {pct}）。按关键词自动匹配——最终分数由教师确认。"),
    "rubric.matched": ("Covered: {points}.", "已覆盖：{points}。"),
    "rubric.missing": ("Not found: {points}.", "未找到：{points}。"),
    "rubric.none": ("None of the key points was found; the answer may be off topic or phrased very differently.",
                    "没有找到任何要点；答案可能偏题，或表述方式与要点差别很大。"),
    "rubric.truncated": ("Only the first {n} characters were read.", "只读取了前 {n} 个字符。"),
    "rubric.point_found": ("{id} (“{phrase}”)", "{id}（“{phrase}”）"),
    "rubric.point_missing": ("{id} — {text}", "{id}——{text}"),
})

# from grader/follow.py
register({
    "f.right_from": ("Right from your {given}; {which} itself is wrong.", "按你的 {given} 计算是对的；但 {which} 本身有误。"),
    "f.right_from_many": ("Right from your {given}; {which} are themselves wrong.",
                          "按你的 {given} 计算是对的；但 {which} 本身有误。"),
})
