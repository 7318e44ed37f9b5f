"""Wording of the recurrent, optimiser, initialisation and MLP solvers (English, Chinese)."""
from ..i18n import register

register({
    # ---------------------------------------------------------------- recurrent: counts
    "rnn.plan.count": ("Count the weights of every layer and direction with G·(h·(x + h) + biases): G = 1 (RNN), "
                       "3 (GRU), 4 (LSTM) blocks of weights, each acting on the input x and the previous hidden state h.",
                       "用 G·(h·(x + h) + 偏置) 逐层、逐方向计数：RNN、GRU、LSTM 分别有 G = 1、3、4 组权重，"
                       "每组同时作用于输入 x 和上一时刻的隐状态 h。"),
    "rnn.plan.two_biases": ("Count once in the textbook form (one bias per gate) and once as PyTorch stores it (two "
                            "biases b_ih and b_hh per gate), and name the difference.",
                            "分别按教材写法（每个门一个偏置）和 PyTorch 的存储方式（每个门两个偏置 b_ih 和 b_hh）计数，并说明两者之差。"),
    "rnn.plan.verify_count": ("Check with PyTorch: numel of the parameters of nn.RNN/nn.LSTM/nn.GRU (and the head).",
                              "用 PyTorch 验证：统计 nn.RNN/nn.LSTM/nn.GRU（及输出层）各参数的 numel。"),
    "rnn.count.conv.title": ("Conventions", "约定"),
    "rnn.count.conv.LSTM": ("An LSTM layer has G = {G} weight blocks (forget, input, candidate, output), each "
                            "W ∈ ℝ^(h×(h+x)) acting on [h_(t−1), x_t]. The textbook writes one bias per gate "
                            "(f_t = σ(W_f[h_(t−1), x_t] + b_f)); PyTorch computes W_ih x_t + b_ih + W_hh h_(t−1) + b_hh, "
                            "two bias vectors per gate whose sum plays the role of the textbook's one.",
                            "LSTM 层有 G = {G} 组权重（遗忘门、输入门、候选记忆、输出门），每组 W ∈ ℝ^(h×(h+x)) 作用于 "
                            "[h_(t−1), x_t]。教材每个门只写一个偏置（f_t = σ(W_f[h_(t−1), x_t] + b_f)）；PyTorch 计算 "
                            "W_ih x_t + b_ih + W_hh h_(t−1) + b_hh，每个门有两个偏置向量，二者之和相当于教材中的一个偏置。"),
    "rnn.count.conv.GRU": ("A GRU layer has G = {G} weight blocks (reset, update, candidate), each acting on "
                           "[h_(t−1), x_t]. The textbook writes one bias per block; PyTorch stores b_ih and b_hh for each.",
                           "GRU 层有 G = {G} 组权重（重置门、更新门、候选隐状态），每组作用于 [h_(t−1), x_t]。"
                           "教材每组写一个偏置；PyTorch 每组存两个偏置 b_ih 和 b_hh。"),
    "rnn.count.conv.RNN": ("A plain RNN layer has G = {G} weight block: h_t = tanh(W_xh x_t + W_hh h_(t−1) + b_h). The "
                           "textbook writes one bias b_h; PyTorch stores b_ih and b_hh.",
                           "普通 RNN 层只有 G = {G} 组权重：h_t = tanh(W_xh x_t + W_hh h_(t−1) + b_h)。教材写一个偏置 b_h；"
                           "PyTorch 存两个偏置 b_ih 和 b_hh。"),
    "rnn.count.layer.title": ("Layer {l} (input size {x})", "第 {l} 层（输入维度 {x}）"),
    "rnn.count.layer.text1": ("B = 1 bias per gate (textbook), B = 2 (PyTorch); a layer above the first reads the hidden "
                              "states of the layer below.",
                              "B = 1 表示每个门一个偏置（教材），B = 2 表示两个（PyTorch）；第一层以上的各层以下一层的隐状态为输入。"),
    "rnn.count.layer.text2": ("B = 1 bias per gate (textbook), B = 2 (PyTorch); each of the two directions has its own "
                              "weights, and a layer above the first reads the hidden states of both directions of the layer "
                              "below.",
                              "B = 1 表示每个门一个偏置（教材），B = 2 表示两个（PyTorch）；两个方向各有自己的权重，第一层以上的各层以下一层"
                              "两个方向拼接后的隐状态为输入。"),
    "rnn.count.head.title": ("Output layer Linear(→ {q})", "输出层 Linear(→ {q})"),
    "rnn.count.head.text": ("The classifier reads the last hidden state: weights plus one bias per output.",
                            "分类层读取最后一个时间步的隐状态：权重加上每个输出一个偏置。"),
    "rnn.count.total.title": ("Totals and the difference", "总数与差值"),
    "rnn.count.total.text": ("PyTorch counts one extra bias vector of length h for each of the G blocks of each of the "
                             "{n} layer-direction(s): {n} × {G} × {h} more parameters. Both forms compute the same "
                             "function (b_ih + b_hh acts as one bias); only the count differs.",
                             "PyTorch 对 {n} 个“层×方向”中每个的 G 组权重各多存一个长度为 h 的偏置向量：多出 {n} × {G} × {h} 个参数。"
                             "两种写法计算的是同一个函数（b_ih + b_hh 相当于一个偏置），只是参数个数不同。"),
    "rnn.total": ("total", "合计"),
    "rnn.col.layer": ("layer", "层"),
    "rnn.col.book": ("textbook (1 bias)", "教材（1 个偏置）"),
    "rnn.col.torch": ("PyTorch (2 biases)", "PyTorch（2 个偏置）"),
    "rnn.check.count": ("PyTorch: nn.{cell} numel gives {torch_count}; without the bias_hh vectors {book}",
                        "PyTorch：nn.{cell} 的 numel 为 {torch_count}；去掉 bias_hh 向量后为 {book}"),
    "rnn.check.count_bad": ("PyTorch counts {torch_count} (textbook form {book}), the solver {ours}",
                            "PyTorch 计数为 {torch_count}（教材写法 {book}），求解器为 {ours}"),
    # ---------------------------------------------------------------- recurrent: one step
    "rnn.plan.lstm": ("Compute the gates one by one from the concatenation [h_(t−1), x_t]: forget f, input i, candidate "
                      "C̃, cell C, output o, hidden h.",
                      "由拼接向量 [h_(t−1), x_t] 逐个计算：遗忘门 f、输入门 i、候选记忆 C̃、记忆单元 C、输出门 o、隐状态 h。"),
    "rnn.plan.verify_lstm": ("Check with PyTorch: nn.LSTMCell loaded with the same weights (W_ih, W_hh split from W, "
                             "gate order i, f, g, o; b_hh = 0) gives the same h and C; the gates are recomputed with torch.",
                             "用 PyTorch 验证：把同样的权重装入 nn.LSTMCell（从 W 拆出 W_ih、W_hh，门的顺序为 i、f、g、o；b_hh = 0），"
                             "得到相同的 h 和 C；各门用 torch 重新计算。"),
    "rnn.step.input.title": ("The concatenated input", "拼接输入"),
    "rnn.step.input.LSTM": ("Every gate reads the previous hidden state and the input together, [h_(t−1), x_t] (hidden "
                            "state first, as the gate matrices are written).",
                            "每个门都同时读取上一时刻的隐状态和当前输入，即 [h_(t−1), x_t]（与门矩阵的写法一致，隐状态在前）。"),
    "rnn.step.input.GRU": ("The reset and update gates read [h_(t−1), x_t] (hidden state first); the candidate's matrix "
                           "is split into W_hh (its first columns, acting on the hidden state) and W_hx (acting on x_t).",
                           "重置门和更新门读取 [h_(t−1), x_t]（隐状态在前）；候选隐状态的矩阵拆成 W_hh（前几列，作用于隐状态）"
                           "和 W_hx（作用于 x_t）。"),
    "rnn.lstm.f.title": ("Forget gate f_t", "遗忘门 f_t"),
    "rnn.lstm.f.text": ("How much of each entry of the old cell C_(t−1) is kept (0: forget, 1: keep).",
                        "决定旧记忆 C_(t−1) 的每个分量保留多少（0：遗忘，1：保留）。"),
    "rnn.lstm.i.title": ("Input gate i_t", "输入门 i_t"),
    "rnn.lstm.i.text": ("How much of the candidate is written into the cell.", "决定候选记忆写入记忆单元的比例。"),
    "rnn.lstm.c_tilde.title": ("Candidate memory C̃_t", "候选记忆 C̃_t"),
    "rnn.lstm.c_tilde.text": ("What could be written: tanh keeps it in (−1, 1).", "可以写入的新内容：tanh 使其位于 (−1, 1)。"),
    "rnn.lstm.o.title": ("Output gate o_t", "输出门 o_t"),
    "rnn.lstm.o.text": ("How much of the (squashed) cell is shown as the hidden state.", "决定（经 tanh 压缩的）记忆单元有多少作为隐状态输出。"),
    "rnn.lstm.c.title": ("Cell state C_t", "记忆单元 C_t"),
    "rnn.lstm.c.text": ("Keep part of the old cell and add part of the candidate, entry by entry (· is the element-wise "
                        "product ⊙).",
                        "逐元素保留部分旧记忆并加入部分候选记忆（· 表示逐元素乘积 ⊙）。"),
    "rnn.lstm.h.title": ("Hidden state h_t", "隐状态 h_t"),
    "rnn.lstm.h.text": ("The output gate times tanh of the new cell, entry by entry.", "输出门与新记忆单元的 tanh 逐元素相乘。"),
    "rnn.plan.gru": ("Compute the reset gate R and the update gate Z from [h_(t−1), x_t], then the candidate and the new "
                     "hidden state.", "由 [h_(t−1), x_t] 计算重置门 R 与更新门 Z，再计算候选隐状态和新的隐状态。"),
    "rnn.plan.gru_forms": ("Write the candidate twice: as D2L and the notes do (reset applied to h_(t−1) before W_hh) and "
                           "as torch.nn.GRU computes it (reset applied to W_hh h_(t−1) + b_hn), and compare.",
                           "候选隐状态写两遍：按 D2L 与笔记的写法（先用重置门乘 h_(t−1) 再乘 W_hh），以及按 torch.nn.GRU 的算法"
                           "（重置门乘 W_hh h_(t−1) + b_hn），并比较两者。"),
    "rnn.plan.verify_gru": ("Check with PyTorch: nn.GRUCell with the same weights (gate order r, z, n; b_hh = 0) gives "
                            "the PyTorch form; the D2L form is recomputed with torch tensors.",
                            "用 PyTorch 验证：装入同样权重的 nn.GRUCell（门的顺序 r、z、n；b_hh = 0）给出 PyTorch 形式；"
                            "D2L 形式用 torch 张量重新计算。"),
    "rnn.gru.r.title": ("Reset gate R_t", "重置门 R_t"),
    "rnn.gru.r.text": ("How much of the previous hidden state enters the candidate (short-term dependencies).",
                       "决定上一时刻隐状态有多少进入候选隐状态（有助于捕捉短期依赖）。"),
    "rnn.gru.z.title": ("Update gate Z_t", "更新门 Z_t"),
    "rnn.gru.z.text": ("How much of the previous hidden state is carried over unchanged (long-term dependencies).",
                       "决定上一时刻隐状态有多少原样保留（有助于捕捉长期依赖）。"),
    "rnn.gru.d2l.title": ("Candidate H̃_t, as D2L and the notes write it", "候选隐状态 H̃_t（D2L 与笔记的写法）"),
    "rnn.gru.d2l.text": ("The reset gate multiplies h_(t−1) first; W_hh is applied to R_t ⊙ h_(t−1).",
                         "先用重置门乘 h_(t−1)，再对 R_t ⊙ h_(t−1) 乘以 W_hh。"),
    "rnn.gru.torch.title": ("Candidate n_t, as torch.nn.GRU computes it", "候选隐状态 n_t（torch.nn.GRU 的算法）"),
    "rnn.gru.torch.text": ("PyTorch applies the reset gate after the matrix: R_t ⊙ (W_hh h_(t−1) + b_hn). The two "
                           "agree only when W_hh is diagonal (or R_t = 1): in general R ⊙ (W h) ≠ W (R ⊙ h).",
                           "PyTorch 在乘矩阵之后才用重置门：R_t ⊙ (W_hh h_(t−1) + b_hn)。只有当 W_hh 为对角矩阵（或 R_t = 1）时两者才相同："
                           "一般地 R ⊙ (W h) ≠ W (R ⊙ h)。"),
    "rnn.gru.h.title": ("New hidden state h_t", "新的隐状态 h_t"),
    "rnn.gru.h.text": ("Z_t keeps part of the old state, 1 − Z_t takes the candidate (same in both forms).",
                       "Z_t 保留部分旧状态，1 − Z_t 取候选隐状态（两种写法相同）。"),
    "rnn.gru.diff.title": ("The two forms compared", "两种写法的比较"),
    "rnn.gru.diff.text": ("The hidden states differ: a GRU trained in PyTorch is not the GRU of the D2L formula, "
                          "although both are called GRU. D2L writes the form of Cho et al. (2014); PyTorch applies the reset "
                          "gate after the matrix product, as cuDNN does (Keras calls this reset_after=True).",
                          "两个隐状态不同：用 PyTorch 训练的 GRU 与 D2L 公式中的 GRU 并不是同一个函数，尽管都叫 GRU。"
                          "D2L 写的是 Cho 等人（2014）的形式；PyTorch 与 cuDNN 一样在矩阵乘法之后才使用重置门"
                          "（Keras 称之为 reset_after=True）。"),
    "rnn.gru.diff.same": ("Here the two hidden states agree (W_hh diagonal or R_t = 1); in general they differ.",
                          "这里两个隐状态相同（W_hh 为对角矩阵或 R_t = 1）；一般情况下两者不同。"),
    "rnn.check.lstm": ("nn.LSTMCell with these weights gives h = {h}, C = {c}; the gates recomputed with torch agree",
                       "装入这些权重的 nn.LSTMCell 给出 h = {h}，C = {c}；用 torch 重新计算的各门一致"),
    "rnn.check.gru": ("nn.GRUCell with these weights gives h = {h} (PyTorch form); the D2L form recomputed with torch agrees",
                      "装入这些权重的 nn.GRUCell 给出 h = {h}（PyTorch 形式）；用 torch 重新计算的 D2L 形式一致"),
    "rnn.check.cell_bad": ("PyTorch gives {torch_value}, the solver {ours}", "PyTorch 给出 {torch_value}，求解器为 {ours}"),
    # ---------------------------------------------------------------- recurrent: gradients through time
    "rnn.plan.bptt": ("Run the recurrence forward, then multiply the derivatives ∂h_t/∂h_(t−1) = w·φ′(a_t) of every "
                      "time step (back-propagation through time).",
                      "先正向运行递推，再把每个时间步的导数 ∂h_t/∂h_(t−1) = w·φ′(a_t) 连乘（通过时间反向传播）。"),
    "rnn.plan.bptt_bound": ("Bound the product with the largest derivative of the activation: sigmoid′ ≤ 1/4, tanh′ ≤ 1.",
                            "用激活函数导数的最大值给出上界：sigmoid′ ≤ 1/4，tanh′ ≤ 1。"),
    "rnn.plan.verify_bptt": ("Check with torch autograd: ∂h_T/∂h_0 of the same recurrence.",
                             "用 torch 自动求导验证：同一递推的 ∂h_T/∂h_0。"),
    "rnn.bptt.forward.title": ("Forward through time", "沿时间正向计算"),
    "rnn.bptt.forward.text": ("One hidden unit, so every quantity is a number.", "只有一个隐单元，所以每个量都是一个数。"),
    "rnn.bptt.chain.title": ("Chain rule through time", "沿时间的链式法则"),
    "rnn.bptt.chain.text": ("h_T depends on h_0 only through h_1, …, h_(T−1): the derivative is the product of the T "
                            "one-step derivatives.",
                            "h_T 只通过 h_1, …, h_(T−1) 依赖于 h_0：导数是 T 个单步导数之积。"),
    "rnn.bptt.bound.title": ("Why the gradient vanishes", "梯度为什么会消失"),
    "rnn.bptt.bound.sigmoid": ("σ′(a) = σ(a)(1 − σ(a)) ≤ 1/4 (equality at a = 0): every factor is at most |w|/4, so unless "
                               "|w| > 4 the product shrinks geometrically with T.",
                               "σ′(a) = σ(a)(1 − σ(a)) ≤ 1/4（a = 0 时取等号）：每个因子至多为 |w|/4，所以除非 |w| > 4，"
                               "乘积随 T 按几何级数缩小。"),
    "rnn.bptt.bound.tanh": ("tanh′(a) = 1 − tanh²(a) ≤ 1 (equality only at a = 0): with |w| ≤ 1 the product cannot grow "
                            "and shrinks as soon as the units leave 0 — tanh vanishes more slowly than sigmoid, but it does.",
                            "tanh′(a) = 1 − tanh²(a) ≤ 1（仅在 a = 0 时取等号）：|w| ≤ 1 时乘积不会增大，且一旦单元偏离 0 就会缩小——"
                            "tanh 比 sigmoid 消失得慢，但仍会消失。"),
    "rnn.check.bptt": ("torch autograd gives ∂h_T/∂h_0 = {g}", "torch 自动求导给出 ∂h_T/∂h_0 = {g}"),
    "rnn.check.bptt_bad": ("torch autograd gives {g}, the solver {ours}", "torch 自动求导给出 {g}，求解器为 {ours}"),
    "rnn.check.bound": ("the torch gradient {g} is within the bound {b}", "torch 计算的梯度 {g} 不超过上界 {b}"),
})

register({
    "opt.plan.sgd": ("Apply the SGD rule w ← w − ηg once per gradient, value by value.",
                     "对每个梯度按 SGD 规则 w ← w − ηg 更新一次，逐个数值计算。"),
    "opt.plan.momentum": ("Accumulate the gradients in the momentum buffer b_t = μb_(t−1) + g_t and step along it.",
                          "把梯度累积到动量 b_t = μb_(t−1) + g_t 中，并沿动量方向更新。"),
    "opt.plan.adam": ("Update the first and second moments m_t, v_t, correct their bias (m̂_t, v̂_t), then take the step "
                      "η m̂_t/(√v̂_t + ε); look at the first step, which is ≈ η·sign(g) whatever the scale of g.",
                      "更新一阶矩 m_t 和二阶矩 v_t，做偏差修正得到 m̂_t、v̂_t，再按 η m̂_t/(√v̂_t + ε) 更新；并观察第一步："
                      "无论梯度大小如何，它都约为 η·sign(g)。"),
    "opt.plan.wd": ("Weight decay adds λw to the gradient (the L2 penalty λ/2·‖w‖²), so SGD becomes w ← (1 − ηλ)w − ηg.",
                    "权重衰减在梯度上加 λw（即 L2 惩罚项 λ/2·‖w‖² 的梯度），于是 SGD 变为 w ← (1 − ηλ)w − ηg。"),
    "opt.plan.verify": ("Check with PyTorch: torch.optim with the same hyper-parameters, fed the same gradients (or "
                        "autograd's gradient of the same function), step by step.",
                        "用 PyTorch 验证：用同样超参数的 torch.optim，逐步输入同样的梯度（或由自动求导对同一函数求得的梯度）。"),
    "opt.rule.sgd.title": ("The update rule: SGD", "更新规则：SGD"),
    "opt.rule.sgd.text": ("Each step moves against the gradient by the learning rate η.", "每一步沿负梯度方向移动，步长由学习率 η 决定。"),
    "opt.rule.momentum.title": ("The update rule: SGD with momentum", "更新规则：带动量的 SGD"),
    "opt.rule.momentum.text": ("As torch.optim.SGD computes it (dampening 0): the buffer starts at the first gradient. "
                               "Written as v_t = μv_(t−1) − ηg_t, w_t = w_(t−1) + v_t it is the same rule with a constant η.",
                               "按 torch.optim.SGD 的算法（dampening 为 0）：动量从第一个梯度开始。写成 v_t = μv_(t−1) − ηg_t、"
                               "w_t = w_(t−1) + v_t 时，在学习率不变的情况下是同一个规则。"),
    "opt.rule.adam.title": ("The update rule: Adam", "更新规则：Adam"),
    "opt.rule.adam.text": ("With m_0 = v_0 = 0 the moving averages start biased towards 0; dividing by 1 − β^t removes "
                           "the bias. The notes (D2L) call the two moments v_t and s_t and take ε = 10⁻⁶; torch.optim.Adam's default ε is "
                           "10⁻⁸.",
                           "由于 m_0 = v_0 = 0，滑动平均一开始偏向 0；除以 1 − β^t 消除这一偏差。笔记（D2L）把两个矩记作 v_t 和 s_t，"
                           "取 ε = 10⁻⁶；torch.optim.Adam 默认 ε = 10⁻⁸。"),
    "opt.function.title": ("The gradient of the function", "函数的梯度"),
    "opt.function.text": ("Each step takes the gradient at the current point.", "每一步都在当前点处求梯度。"),
    "opt.step.title": ("Step {t}", "第 {t} 次更新"),
    "opt.adam.first.title": ("Adam's first step ≈ η·sign(g)", "Adam 的第一步 ≈ η·sign(g)"),
    "opt.adam.first.text": ("After one step the bias-corrected moments are exactly g and g², so every coordinate moves by "
                            "about η whatever its gradient's scale; SGD's step is proportional to the gradient.",
                            "第一步后偏差修正的矩恰好是 g 和 g²，所以无论梯度大小，每个坐标都移动约 η；而 SGD 的步长与梯度成正比。"),
    "opt.summary.title": ("All steps", "各步汇总"),
    "opt.check": ("torch.optim.{opt} gives {value}", "torch.optim.{opt} 给出 {value}"),
    "opt.check_bad": ("torch.optim.{opt} gives {value}, the solver {ours}", "torch.optim.{opt} 给出 {value}，求解器为 {ours}"),
})

register({
    "init.plan.fans": ("Find the fans of the layer as PyTorch defines them.", "按 PyTorch 的定义求出该层的 fan_in 和 fan_out。"),
    "init.plan.formulas": ("Put them into each scheme's variance, then the normal form's standard deviation √Var and the "
                           "uniform form's bound √(3·Var).",
                           "代入各初始化方法的方差公式，再求正态形式的标准差 √Var 和均匀分布形式的边界 √(3·Var)。"),
    "init.plan.verify": ("Check with PyTorch: torch.nn.init on large seeded tensors of the layer's shape (sample variance, "
                         "standard deviation, largest |w|), and the fans from torch.",
                         "用 PyTorch 验证：对该层形状的大量随机张量（固定随机种子）调用 torch.nn.init，比较样本方差、标准差和最大的 |w|，"
                         "并由 torch 计算扇入 fan_in 与扇出 fan_out。"),
    "init.fans.title": ("Fans of the layer", "该层的 fan_in 与 fan_out"),
    "init.fans.linear": ("A fully connected layer: each output sums fan_in = {fi} inputs, each input feeds fan_out = {fo} "
                         "outputs.", "全连接层：每个输出是 fan_in = {fi} 个输入的加权和，每个输入连到 fan_out = {fo} 个输出。"),
    "init.fans.conv": ("A convolution Conv2d({ci}→{co}, {k}): fan_in = C_in·k_h·k_w = {fi}, fan_out = C_out·k_h·k_w = {fo}.",
                       "卷积层 Conv2d({ci}→{co}, {k})：fan_in = C_in·k_h·k_w = {fi}，fan_out = C_out·k_h·k_w = {fo}。"),
    "init.xavier.title": ("Xavier (Glorot) initialisation", "Xavier（Glorot）初始化"),
    "init.xavier.text": ("Keeps the variance of the activations (forward, n_in·Var = 1) and of the gradients (backward, "
                         "n_out·Var = 1) both near constant by taking the harmonic compromise; derived for activations "
                         "that are linear near 0, such as tanh.",
                         "为使前向激活值（n_in·Var = 1）与反向梯度（n_out·Var = 1）的方差都大致不变，取两者的折中；"
                         "推导时假设激活函数在 0 附近近似线性（如 tanh）。"),
    "init.he.title": ("He (Kaiming) initialisation for ReLU", "针对 ReLU 的 He（Kaiming）初始化"),
    "init.he.text": ("ReLU zeroes half of its inputs, so E[relu(z)²] = Var(z)/2; doubling the weights' variance "
                     "(n_in·Var = 2) compensates. torch.nn.init.kaiming_normal_ with nonlinearity='relu' (mode fan_in).",
                     "ReLU 把一半输入置零，所以 E[relu(z)²] = Var(z)/2；把权重方差加倍（n_in·Var = 2）来补偿。"
                     "对应 torch.nn.init.kaiming_normal_（nonlinearity='relu'，mode 为 fan_in）。"),
    "init.pytorch_default.title": ("PyTorch's own default for Linear and Conv", "PyTorch 对 Linear 和 Conv 的默认初始化"),
    "init.pytorch_default.text": ("nn.Linear and nn.Conv2d call kaiming_uniform_ with a = √5, i.e. U(−1/√n_in, 1/√n_in): "
                                  "neither Xavier nor He: Var(W) = 1/(3·n_in), a sixth of He's.",
                                  "nn.Linear 和 nn.Conv2d 调用 a = √5 的 kaiming_uniform_，即 U(−1/√n_in, 1/√n_in)："
                                  "既不是 Xavier 也不是 He（方差为 He 的 1/6）。"),
    "init.compare.title": ("He against Xavier", "He 与 Xavier 的比较"),
    "init.compare.text": ("He's variance is larger by the factor (n_in + n_out)/n_in (2 when n_in = n_out): the factor "
                          "that makes up for ReLU's halving.",
                          "He 的方差大 (n_in + n_out)/n_in 倍（n_in = n_out 时为 2 倍）：正好补偿 ReLU 使方差减半的影响。"),
    "init.plan.depth": ("Follow the variance q_l of the pre-activations layer by layer: q_l = n·Var(W)·E[φ(z_(l−1))²].",
                        "逐层跟踪预激活值的方差 q_l：q_l = n·Var(W)·E[φ(z_(l−1))²]。"),
    "init.plan.depth_relu": ("For ReLU E[φ(z)²] = q/2, so each layer multiplies q by n·Var(W)/2: 1/2 with Xavier, 1 with He.",
                             "对 ReLU，E[φ(z)²] = q/2，所以每层把 q 乘以 n·Var(W)/2：Xavier 为 1/2，He 为 1。"),
    "init.plan.depth_tanh": ("For tanh the expectation E[tanh²(z)] is computed numerically (a Gaussian integral).",
                             "对 tanh，期望 E[tanh²(z)] 用数值积分（高斯积分）计算。"),
    "init.plan.verify_depth": ("Check with PyTorch: a seeded stack of nn.Linear layers of that width, initialised with "
                               "torch.nn.init, on a batch of random inputs; the sample variance of the last layer's "
                               "pre-activations must agree with the computed one.",
                               "用 PyTorch 验证：固定随机种子，用 torch.nn.init 初始化同样宽度的多层 nn.Linear，对一批随机输入前向计算；"
                               "最后一层预激活值的样本方差应与计算值一致。"),
    "init.depth.model.title": ("The variance recursion", "方差递推"),
    "init.depth.model.relu": ("{L} layers Linear({n} → {n}) without bias, each followed by ReLU; inputs with unit "
                              "variance; weights independent with mean 0.",
                              "{L} 层无偏置的 Linear({n} → {n})，每层后接 ReLU；输入方差为 1，权重相互独立、均值为 0。"),
    "init.depth.model.tanh": ("{L} layers Linear({n} → {n}) without bias, each followed by tanh; inputs with unit "
                              "variance; weights independent with mean 0.",
                              "{L} 层无偏置的 Linear({n} → {n})，每层后接 tanh；输入方差为 1，权重相互独立、均值为 0。"),
    "init.depth.xavier.title": ("Xavier: Var(W) = 1/n", "Xavier：Var(W) = 1/n"),
    "init.depth.he.title": ("He: Var(W) = 2/n", "He：Var(W) = 2/n"),
    "init.depth.xavier.relu": ("Each ReLU layer halves the variance: the signal shrinks geometrically with depth (and so "
                               "do the gradients).", "每经过一层 ReLU，方差减半：信号随深度按几何级数缩小（梯度也一样）。"),
    "init.depth.he.relu": ("The factor 2 cancels ReLU's halving: the variance stays the same in every layer.",
                           "因子 2 抵消了 ReLU 的减半：每层的方差保持不变。"),
    "init.depth.xavier.tanh": ("tanh is nearly linear near 0 and compresses large values: with Xavier the variance "
                               "decreases only like 1/(2l), not geometrically — the case Xavier was derived for.",
                               "tanh 在 0 附近近似线性，对大值有压缩作用：用 Xavier 时方差只按约 1/(2l) 缓慢减小，而不是按几何级数减小——这正是 Xavier 推导时针对的情形。"),
    "init.depth.he.tanh": ("With He's gain n·Var(W) = 2 the variance does not decay: it settles at the fixed point "
                           "q* = 2·E[tanh²(z)], z ∼ N(0, q*). The factor 2 undoes ReLU's halving, which tanh does not do, so "
                           "for tanh it is larger than needed: units sit further from the linear region than with Xavier.",
                           "使用 He 的增益 n·Var(W) = 2 时方差不再衰减，而是收敛到不动点 q* = 2·E[tanh²(z)]（z ∼ N(0, q*)）。"
                           "因子 2 是为抵消 ReLU 的减半而设的，tanh 并不减半，所以对 tanh 来说这个增益偏大："
                           "单元比用 Xavier 时更远离线性区。"),
    "init.depth.table.title": ("Variance of the pre-activations, layer by layer", "逐层的预激活值方差"),
    "init.depth.table.text": ("q_l = Var(z_l) for each scheme.", "各初始化方法下的 q_l = Var(z_l)。"),
    "init.check.stat": ("torch.nn.init on {n} seeded samples of shape {shape}: {stat} = {value}",
                        "对形状为 {shape} 的张量用 torch.nn.init 抽样 {n} 个（固定随机种子）：{stat} = {value}"),
    "init.check.stat_bad": ("torch.nn.init gives {stat} = {value}, the solver {ours}", "torch.nn.init 给出 {stat} = {value}，求解器为 {ours}"),
    "init.check.fans": ("torch's fans: {fi}, {fo}", "torch 计算的 fan：{fi}，{fo}"),
    "init.check.depth": ("a seeded PyTorch stack (batch {b}) gives Var(z_{at}) = {value} (computed {ours})",
                         "固定随机种子的 PyTorch 网络（批大小 {b}）给出 Var(z_{at}) = {value}（计算值 {ours}）"),
})

register({
    "mlp.plan.forward": ("Forward: compute z, h, o, the softmax probabilities p, the loss L, the penalty s and J = L + s, "
                         "storing each intermediate value.",
                         "前向传播：依次计算 z、h、o、softmax 概率 p、损失 L、惩罚项 s 以及 J = L + s，并保存每个中间结果。"),
    "mlp.plan.backward": ("Backward: apply the chain rule in the reverse order, from ∂J/∂o to ∂J/∂W¹, adding the "
                          "weight-decay term λW to each weight's gradient.",
                          "反向传播：按相反的顺序应用链式法则，从 ∂J/∂o 算到 ∂J/∂W¹，并在每个权重的梯度上加上权重衰减项 λW。"),
    "mlp.plan.verify": ("Check with PyTorch: the same network in float64, F.cross_entropy, J.backward(); every value and "
                        "gradient must agree.",
                        "用 PyTorch 验证：用 float64 搭建同样的网络，用 F.cross_entropy 和 J.backward() 计算；每个数值和梯度都应一致。"),
    "mlp.fwd.z.title": ("Hidden pre-activation z", "隐藏层的预激活 z"),
    "mlp.fwd.z.text": ("The first linear layer.", "第一个线性层。"),
    "mlp.fwd.h.title": ("Hidden activation h", "隐藏层的激活 h"),
    "mlp.fwd.h.relu": ("ReLU keeps the positive entries and sets the others to 0.", "ReLU 保留正的分量，其余置 0。"),
    "mlp.fwd.h.sigmoid": ("The sigmoid σ(z) = 1/(1 + e^(−z)) of each entry.", "对每个分量取 sigmoid：σ(z) = 1/(1 + e^(−z))。"),
    "mlp.fwd.h.tanh": ("tanh of each entry.", "对每个分量取 tanh。"),
    "mlp.fwd.o.title": ("Output o", "输出 o"),
    "mlp.fwd.p.title": ("Softmax", "softmax"),
    "mlp.fwd.p.text": ("The probabilities are positive and sum to 1.", "各概率为正且和为 1。"),
    "mlp.loss.title": ("Cross-entropy, penalty and objective", "交叉熵、惩罚项与目标函数"),
    "mlp.loss.text": ("The label is class {y} (counting from 0); cross-entropy keeps only the log-probability of the true "
                      "class. The penalty is the squared Frobenius norms of both weight matrices (biases not included).",
                      "标签为第 {y} 类（从 0 开始计数）；交叉熵只取真实类别的对数概率。惩罚项是两个权重矩阵的 Frobenius 范数的平方"
                      "（不含偏置）。"),
    "mlp.bwd.o.title": ("∂J/∂o: softmax with cross-entropy", "∂J/∂o：softmax 与交叉熵"),
    "mlp.bwd.o.text": ("For L = −log softmax(o)_y the gradient is p minus the one-hot vector of the label.",
                       "对 L = −log softmax(o)_y，梯度等于 p 减去标签的独热向量。"),
    "mlp.bwd.W2.title": ("Output layer weights", "输出层的权重"),
    "mlp.bwd.W2.text": ("o = W²h + b², so ∂L/∂W² is the outer product of ∂J/∂o and h; the penalty adds λW².",
                        "o = W²h + b²，所以 ∂L/∂W² 是 ∂J/∂o 与 h 的外积；惩罚项再加上 λW²。"),
    "mlp.bwd.h.title": ("Back through the hidden layer", "反向通过隐藏层"),
    "mlp.bwd.h.text": ("∂J/∂h = W²ᵀ ∂J/∂o, then multiplied entry by entry by φ′(z).",
                       "∂J/∂h = W²ᵀ ∂J/∂o，再逐元素乘以 φ′(z)。"),
    "mlp.bwd.W1.title": ("First layer weights: ∂J/∂W¹ = (∂J/∂z)xᵀ + λW¹", "第一层权重：∂J/∂W¹ = (∂J/∂z)xᵀ + λW¹"),
    "mlp.bwd.W1.text": ("The formula of the notes: the outer product of ∂J/∂z and x plus the weight-decay term.",
                        "即笔记中的公式：∂J/∂z 与 x 的外积，再加上权重衰减项。"),
    "mlp.check": ("PyTorch (float64, autograd) gives {value}", "PyTorch（float64，自动求导）给出 {value}"),
    "mlp.check_bad": ("PyTorch gives {value}, the solver {ours}", "PyTorch 给出 {value}，求解器为 {ours}"),
    "mlp.plan.dropout": ("Write dropout as a random mask ξ_i (1 with probability 1 − p) and take the expectation, with and "
                         "without the 1/(1 − p) scaling.",
                         "把 dropout 写成随机掩码 ξ_i（以概率 1 − p 取 1），分别在有和没有 1/(1 − p) 缩放时求期望。"),
    "mlp.plan.verify_dropout": ("Check with PyTorch: the mean of F.dropout over many seeded samples.",
                                "用 PyTorch 验证：对大量样本（固定随机种子）求 F.dropout 输出的均值。"),
    "mlp.drop.def.title": ("Dropout as a random mask", "把 dropout 看作随机掩码"),
    "mlp.drop.def.text": ("Each unit is kept (ξ_i = 1) with probability 1 − p and set to 0 otherwise, independently; the "
                          "kept units are left as they are (left) or divided by 1 − p (right, inverted dropout).",
                          "每个单元以概率 1 − p 保留（ξ_i = 1），否则置 0，相互独立；保留的单元或保持不变（左式），"
                          "或除以 1 − p（右式，倒置 dropout）。"),
    "mlp.drop.unscaled.title": ("Without scaling", "不缩放"),
    "mlp.drop.unscaled.text": ("The expectation shrinks by 1 − p: at test time, when nothing is dropped, the next layer would "
                               "see larger inputs than in training — the weights would have to be multiplied by 1 − p.",
                               "期望缩小为原来的 1 − p：测试时不丢弃任何单元，下一层看到的输入会比训练时大——需要把权重乘以 1 − p。"),
    "mlp.drop.scaled.title": ("With the 1/(1 − p) scaling (nn.Dropout)", "按 1/(1 − p) 缩放（nn.Dropout）"),
    "mlp.drop.scaled.text": ("Inverted dropout divides the kept units by 1 − p, so the expectation is unchanged and the "
                             "network is used as it is at test time.",
                             "倒置 dropout 把保留的单元除以 1 − p，期望不变，测试时网络可以原样使用。"),
    "mlp.check.dropout": ("F.dropout over {n} seeded samples: mean {value}; every output is 0 or h_i/(1 − p)",
                          "对 {n} 个样本（固定随机种子）求 F.dropout 的均值：{value}；每个输出都是 0 或 h_i/(1 − p)"),
})


register({
    "rnn.plan.path": ("Follow the gradient along the LSTM's cell state: with gates that read only x_t, C_t depends on "
                      "C_(t−1) through f_t alone, so ∂C_T/∂C_0 is the product of the forget gates.",
                      "沿 LSTM 的记忆单元追踪梯度：当各门只读取 x_t 时，C_t 只通过 f_t 依赖于 C_(t−1)，所以 ∂C_T/∂C_0 等于各遗忘门之积。"),
    "rnn.plan.verify_path": ("Check with torch autograd: ∂C_T/∂C_0 of the same cell run over the sequence.",
                             "用 torch 自动求导验证：同一单元沿序列运行后的 ∂C_T/∂C_0。"),
    "rnn.path.cell.title": ("One step of the cell state", "记忆单元的一步"),
    "rnn.path.cell.text": ("The cell is updated additively: the old cell is only scaled by the forget gate, with no "
                           "squashing function and no weight matrix in between.",
                           "记忆单元按加法更新：旧记忆只被遗忘门缩放，中间既没有压缩函数，也没有权重矩阵。"),
    "rnn.path.product.title": ("The product through time", "沿时间的乘积"),
    "rnn.path.product.text": ("With forget gates near 1 (a forget bias of a few units, as is common) the product stays "
                              "of order 1 over many steps, where the sigmoid RNN's product of w·σ′ ≤ w/4 collapses: the "
                              "“nearly linear path” of homework Q10, in numbers.",
                              "遗忘门接近 1 时（常见做法是把遗忘门偏置设为几个单位），乘积在许多步之后仍为 1 的量级；而 sigmoid 循环网络中 "
                              "w·σ′ ≤ w/4 的连乘会迅速趋于 0：这就是作业第十题所说的“近似线性的传递路径”的数值体现。"),
    "rnn.check.path": ("torch autograd gives ∂C_T/∂C_0 = {g}", "torch 自动求导给出 ∂C_T/∂C_0 = {g}"),
})
