"""Wording of the renderers: PDF pages, figures, the closing summary and the words inside formulas."""
from __future__ import annotations

from ..i18n import register

# from solver/render/typst.py
register({
    "pdf.booklet": ("Worked solutions", "习题详解"),
    "pdf.contents": ("Contents", "目录"),
    "pdf.generated": ("Every answer computed from the givens and checked independently.",
                      "每个答案都由已知条件计算得出，并经独立验证。"),
    "pdf.no_cjk": ("Chinese PDFs (and English ones with Chinese text) need a CJK font: install one (Debian: apt-get install fonts-noto-cjk) or pass "
                   "--font-path DIR", "中文 PDF（以及含中文的英文 PDF）需要中日韩字体：请安装（Debian：apt-get install fonts-noto-cjk），或用 "
                   "--font-path 指定字体目录"),
    "pdf.other": ("Other exercises", "其他习题"),
    "pdf.conventions": ("Conventions used throughout", "全书约定"),
    "pdf.conventions.text": ("The network solutions below follow these conventions; they are not repeated in each "
                             "solution.", "下面各网络题的解答都遵循这些约定，各题不再重复。"),
    "pdf.sheet": ("Exercise sheet — {student}", "练习题 —— {student}"),
    "pdf.key": ("Answer key — {student}", "参考答案 —— {student}"),
    "pdf.sheet.how": ("Your variant is {seed}. Write your answers in a file with “student: {student}” and “seed: {seed}”, "
                      "one section per exercise, e.g.", "你的变式编号为 {seed}。答案文件中请写上“student: {student}”与"
                      "“seed: {seed}”，每道题一节，例如："),
})

# from solver/render/figures.py
register({
    "fig.window": ("The kernel {k} over the input {x}: the shaded window gives the output entry {y} = {sum} = {v}.",
                   "卷积核 {k} 覆盖输入 {x} 的阴影窗口，得到输出元素 {y} = {sum} = {v}。"),
    "fig.input": ("input {x}", "输入 {x}"),
    "fig.kernel": ("kernel {k}", "卷积核 {k}"),
    "fig.output": ("output", "输出"),
})

# from solver/render/figures.py
register({
    "fig.rf": ("The receptive field of one unit, layer by layer, on the input ({side}×{side} pixels shown): {sizes}.",
               "一个单元在输入上的感受野逐层扩大（图中为输入的 {side}×{side} 个像素）：{sizes}。"),
    "fig.rf.size": ("R{n} = {r}", "R{n} = {r}"),
})

# from solver/render/figures.py
register({
    "fig.rot.rot90cw": ("{x} rotated by 90° clockwise", "{x} 顺时针旋转 90°"),
    "fig.rot.rot90": ("{x} rotated by 90° counter-clockwise", "{x} 逆时针旋转 90°"),
    "fig.rot.rot180": ("{x} rotated by 180°", "{x} 旋转 180°"),
})

# from solver/render/summary.py
register({
    "sum.lead": ("In summary:", "综上："),
    "sum.true": ("holds", "成立"),
    "sum.false": ("does not hold", "不成立"),
    "sum.true.value": ("holds", "成立"),
    "sum.false.value": ("does not hold", "不成立"),
    "sum.matrix": ("[{r}×{c} matrix]", "[{r}×{c} 矩阵]"),
    "sum.output_shape": ("output shape", "输出形状"),
    "sum.params": ("number of parameters", "参数量"),
    "sum.macs": ("multiply–accumulates (MACs)", "乘加次数（MACs）"),
    "sum.flops": ("floating-point operations (FLOPs)", "浮点运算次数（FLOPs）"),
    "sum.receptive_field": ("receptive field", "感受野"),
    "sum.jump": ("jump (effective stride)", "跳步（等效步幅）"),
    "sum.at": ("{what} after layer {n}", "第 {n} 层之后的{what}"),
    "sum.at_layer": ("{what} of layer {n}", "第 {n} 层的{what}"),
    "sum.at_named": ("{what} of layer {n}", "{n} 层的{what}"),
    "sum.after_named": ("{what} after layer {n}", "{n} 层之后的{what}"),
    "sum.of_net": ("{what} of “{net}”", "网络“{net}”的{what}"),
    "sum.ratio": ("ratio of the {what}, “{num}” / “{den}”", "“{num}”与“{den}”的{what}之比"),
    "sum.unit.params": ("{v}", "{v} 个"),
    "sum.unit.macs": ("{v}", "{v} 次"),
    "sum.unit.flops": ("{v}", "{v} 次"),
    "sum.unit.rf": ("{v} input pixels", "{v} 个输入像素"),
    "sum.unit.jump": ("{v} input pixels", "{v} 个输入像素"),
    "sum.proof": ("relation (24.19)", "关系式 (24.19)"),
    "sum.proof.value": ("proved by induction", "已用数学归纳法证明"),
    "sum.program": ("the program", "程序"),
    "sum.program.value": ("see the program above ({cases} test cases pass)", "见上文程序（{cases} 个测试用例通过）"),
    "sum.composable": ("{expr} as a composition of two kernels of size {factor}",
                       "{expr} 能否写成两个 {factor} 卷积核的复合"),
    "sum.composable.true": ("possible", "可以"),
    "sum.composable.false": ("not possible", "不可以"),
    "sum.explanation": ("answer", "答案"),
    "sum.equal.label": ("{expr}", "{expr}"),
    "sum.jacobian": ("Jacobian ∂Y/∂{wrt}", "雅可比矩阵 ∂Y/∂{wrt}"),
    "sum.partial.W": ("∂y_kl/∂w_mn", "∂y_kl/∂w_mn"),
    "sum.partial.X": ("∂y_kl/∂x_ij", "∂y_kl/∂x_ij"),
    "sum.backprop": ("gradient ∂L/∂{wrt}", "梯度 ∂L/∂{wrt}"),
    "sum.what.params": ("parameters", "参数量"),
    "sum.what.macs": ("MACs", "乘加次数"),
    "sum.what.flops": ("FLOPs", "浮点运算次数"),
    "sum.part": ("part {n}", "第 {n} 问"),
    # the quantities of solver/nn_basics, in the words of their questions
    "sum.scheme.xavier": ("Xavier initialisation", "Xavier 初始化"),
    "sum.scheme.he": ("He initialisation", "He 初始化"),
    "sum.scheme.pytorch_default": ("PyTorch's default initialisation", "PyTorch 默认初始化"),
    "sum.q.init_variance": ("variance of the weights, {scheme}", "{scheme}下权重的方差"),
    "sum.q.init_std": ("standard deviation of the weights, {scheme}", "{scheme}下权重的标准差"),
    "sum.q.init_bound": ("bound a of the uniform distribution U(−a, a), {scheme}", "{scheme}下均匀分布 U(−a, a) 的界 a"),
    "sum.q.activation_variance": ("variance of the last layer's pre-activations, {scheme}",
                                  "{scheme}下最后一层预激活值的方差"),
    "sum.q.activation_variance.at": ("variance of the pre-activations of layer {at}, {scheme}",
                                     "{scheme}下第 {at} 层预激活值的方差"),
    "sum.q.params.textbook": ("number of parameters, counted as the textbook writes it (one bias per gate)",
                              "按教材写法（每个门一个偏置）计算的参数量"),
    "sum.q.params.pytorch": ("number of parameters as PyTorch stores them", "按 PyTorch 实际存储计算的参数量"),
    "sum.q.params_difference": ("difference between the two counts", "两种计法之差"),
    "sum.gate.f": ("forget gate f_t", "遗忘门 f_t"),
    "sum.gate.i": ("input gate i_t", "输入门 i_t"),
    "sum.gate.c_tilde": ("candidate memory C̃_t", "候选记忆 C̃_t"),
    "sum.gate.c": ("cell state C_t", "记忆单元 C_t"),
    "sum.gate.o": ("output gate o_t", "输出门 o_t"),
    "sum.gate.h": ("hidden state h_t", "隐状态 h_t"),
    "sum.gate.r": ("reset gate R_t", "重置门 R_t"),
    "sum.gate.z": ("update gate Z_t", "更新门 Z_t"),
    "sum.gate.h_tilde": ("candidate hidden state H̃_t", "候选隐状态 H̃_t"),
    "sum.form.d2l": ("{gate}, as D2L writes it", "{gate}（D2L 的写法）"),
    "sum.form.pytorch": ("{gate}, as torch.nn.GRU computes it", "{gate}（torch.nn.GRU 的算法）"),
    "sum.form.difference": ("{gate}: difference between the two forms", "两种写法所得{gate}之差"),
    "sum.q.bptt_factors": ("factor of each time step", "每个时间步的因子"),
    "sum.q.bptt_gradient": ("gradient through all the steps (the product of the factors)",
                            "跨越全部时间步的梯度（各因子之积）"),
    "sum.q.bptt_bound": ("upper bound of that gradient", "该梯度的上界"),
    "sum.q.iterates": ("parameters after each step", "每一步之后的参数"),
    "sum.q.final": ("parameters after the last step", "最后一步之后的参数"),
    "sum.state.m": ("first moment after step {step}", "第 {step} 步后的一阶矩"),
    "sum.state.v": ("second moment after step {step}", "第 {step} 步后的二阶矩"),
    "sum.state.m_hat": ("bias-corrected first moment after step {step}", "第 {step} 步后偏差修正的一阶矩"),
    "sum.state.v_hat": ("bias-corrected second moment after step {step}", "第 {step} 步后偏差修正的二阶矩"),
    "sum.state.velocity": ("momentum after step {step}", "第 {step} 步后的动量"),
    "sum.state.m.last": ("first moment after the last step", "最后一步后的一阶矩"),
    "sum.state.v.last": ("second moment after the last step", "最后一步后的二阶矩"),
    "sum.state.m_hat.last": ("bias-corrected first moment after the last step", "最后一步后偏差修正的一阶矩"),
    "sum.state.v_hat.last": ("bias-corrected second moment after the last step", "最后一步后偏差修正的二阶矩"),
    "sum.state.velocity.last": ("momentum after the last step", "最后一步后的动量"),
    "sum.q.update": ("update of step {step}", "第 {step} 步的更新量"),
    "sum.fwd.z": ("hidden pre-activation z", "隐藏层的预激活 z"),
    "sum.fwd.h": ("hidden activation h", "隐藏层的激活 h"),
    "sum.fwd.o": ("output o", "输出 o"),
    "sum.fwd.p": ("softmax probabilities p", "softmax 概率 p"),
    "sum.loss.L": ("cross-entropy loss L", "交叉熵损失 L"),
    "sum.loss.s": ("penalty s", "惩罚项 s"),
    "sum.loss.J": ("objective J (loss with the penalty)", "目标函数 J（损失加惩罚项）"),
    "sum.q.grad": ("gradient ∂J/∂{name}", "梯度 ∂J/∂{name}"),
    "sum.dropout.unscaled": ("expectation after dropout, the kept units unchanged",
                             "保留的单元保持不变时 dropout 输出的期望"),
    "sum.dropout.scaled": ("expectation after dropout, the kept units divided by 1 − p",
                           "保留的单元除以 1 − p 时 dropout 输出的期望"),
})

# from solver/render/summary.py
# Words the rules write inside formulas (\\text{…}), in both languages, by key (rules write them with
# solver.i18n.math_word(key), or in English; the renderers look them up by their English). Symbols (x_out, shape(Y),
# bias=False) stay. An English text with spaces around it is matched as it is: " params" is a word, \\text{params}
# (a name) is not.
register({
    "math.or": ("or", "或"), "math.if": ("if", "若"), "math.otherwise": ("otherwise", "否则"),
    "math.per_layer": ("per layer", "每层"), "math.factor": ("factor", "因子"), "math.plain": ("plain", "普通网络"),
    "math.plain_colon": ("plain:", "普通网络："), "math.plain_paren": ("(plain)", "（普通网络）"),
    "math.residual_colon": ("residual:", "残差网络："), "math.residual_paren": ("(residual)", "（残差网络）"),
    "math.additions": ("additions", "次加法"), "math.multiplications": ("multiplications", "次乘法"),
    "math.comparisons": ("comparisons", "次比较"), "math.divisions": ("divisions", "次除法"),
    "math.uniform": ("uniform", "均匀分布"), "math.normal": ("normal", "正态分布"),
    "math.locally_connected": ("locally connected:", "局部连接："), "math.dense": ("dense:", "全连接："),
    "math.average": ("average:", "平均："), "math.same_window": ("with the same window:", "窗口相同："),
    "math.bytes": ("bytes", "字节"), "math.transposed_conv": ("transposed conv", "转置卷积"),
    "math.factors_q": ("factors over ℚ", "在 ℚ 上可分解"),
    "math.relu_half": ("(ReLU keeps half of the signal)", "（ReLU 保留一半的信号）"),
    "math.every_pixel": ("for every pixel, i.e.", "对每个像素，即"),
    "math.scaled": ("(scaled)", "（缩放）"), "math.unscaled": ("(unscaled)", "（不缩放）"),
    "math.output_sp": ("output ", "输出 "), "math.params_sp": (" params", " 个参数"),
    "math.n_params": ("#params", "参数量"), "math.rows": ("rows", "行数"), "math.output_size": ("output\\_size", "输出尺寸"),
    "math.and": ("and", "且"),
})
