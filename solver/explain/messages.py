"""English and Chinese wording of the explanation solver and its experiments."""
from ..i18n import register

register({
    # ------------------------------------------------------------ the solution
    "explain.plan.points": ("State the key points of the answer one by one; each is a sentence the answer should "
                            "contain, and the rubric lists the phrasings that show it is covered.",
                            "逐条写出答案的要点；每条要点都是答案应包含的一句话，评分细则列出表明已覆盖该要点的说法。"),
    "explain.plan.experiment": ("Back the points that can be computed with a small, seeded PyTorch experiment: {names}.",
                                "能用计算支撑的要点，用一个小型、固定随机种子的 PyTorch 实验来支撑：{names}。"),
    "explain.plan.rubric": ("Grading: an answer is marked by which key points it covers (weighted); a teacher "
                            "confirms the mark.",
                            "评分：按答案覆盖了哪些要点（加权）给分，最终由教师确认。"),
    "explain.part.title": ("{part}", "{part}"),
    "explain.part.number": ("Part ({n})", "第 ({n}) 问"),
    "explain.points.title": ("Key points of the answer", "答案要点"),
    "explain.points.text": ("The reference answer, point by point:", "参考答案，逐条列出："),
    "explain.point.title": ("Point {n}", "要点 {n}"),
    "explain.point.title_w": ("Point {n} (weight {w})", "要点 {n}（权重 {w}）"),
    "explain.experiment.title": ("Experiment: {name}", "实验：{name}"),
    "explain.experiment.not_run": ("Not run: the experiment runs in PyTorch with the checks (without --no-verify).",
                                   "未运行：该实验用 PyTorch 完成，随验证一起运行（不加 --no-verify 时）。"),
    "explain.rubric.title": ("Rubric", "评分细则"),
    "explain.rubric.text": ("A point counts as covered when the answer contains one of its phrasings (English "
                            "words are matched with their inflections; “a + b” needs both in one sentence). The "
                            "score is the covered share of the weights; the verdict stays “needs review”.",
                            "答案中出现某要点的任一说法即视为覆盖该要点（英文按词形变化匹配；“a + b”表示两者须出现在同一句中）。"
                            "得分为已覆盖要点的权重占比；判定始终为“待批阅”。"),
    "explain.rubric.col.point": ("point", "要点"),
    "explain.rubric.col.weight": ("weight", "权重"),
    "explain.rubric.col.phrasings": ("phrasings", "说法"),
    "explain.check.rubric": ("the rubric recognises every key point in the reference answer, in English ({en}/{n}) "
                             "and in Chinese ({zh}/{n})",
                             "评分细则在参考答案中识别出全部要点：英文 {en}/{n}，中文 {zh}/{n}"),
    "explain.check.rubric_missing": ("the rubric misses point(s) {missing} of the reference answer",
                                     "评分细则未能在参考答案中识别出要点 {missing}"),
    "by.rubric": ("rubric", "评分细则"),
    "explain.name.resnet_gradients": ("gradient norms in plain and residual networks", "普通网络与残差网络的梯度范数"),
    "explain.name.textcnn": ("a TextCNN trained on generated sentences", "在生成的句子上训练 TextCNN"),
    "explain.name.conv_cost": ("the cost of a convolution layer", "卷积层的计算代价"),
    "explain.name.pool_as_conv": ("average pooling as a convolution", "平均汇聚即卷积"),
    "explain.name.pool_linearity": ("pooling and linearity", "汇聚与线性"),
    "explain.name.pool_cost": ("the cost of pooling", "汇聚的计算代价"),
    "explain.name.pool_gradients": ("gradients through max and average pooling", "最大汇聚与平均汇聚的梯度"),
    "explain.name.softmax_pool": ("softmax pooling between mean and max", "介于平均与最大之间的 softmax 汇聚"),
    "explain.name.matmul_1x1": ("a 1×1 convolution as a matrix product", "把 1×1 卷积写成矩阵乘法"),
    "explain.name.im2col": ("convolution as a matrix product (im2col)", "用矩阵乘法实现卷积（im2col）"),
    "explain.name.border_coverage": ("how often each pixel is seen", "每个像素被覆盖的次数"),
    "explain.name.shift_equivariance": ("shifting the input", "平移输入"),
    "explain.name.init_compare": ("initialisations of a deep ReLU network", "深层 ReLU 网络的初始化"),
    "explain.name.weight_sharing": ("weight sharing and local connectivity", "权值共享与局部连接"),
    "explain.name.networks": ("shapes and parameters from the network solver", "由网络求解器给出的形状与参数量"),

    # ------------------------------------------------------------ shared words
    "xp.col.depth": ("depth", "深度"),
    "xp.col.layer": ("layer", "层"),
    "xp.col.layers": ("layers", "各层"),
    "xp.col.output": ("output", "输出"),
    "xp.col.params": ("params", "参数量"),
    "xp.col.macs": ("MACs", "MACs"),
    "xp.col.rf": ("receptive field", "感受野"),
    "xp.col.total": ("total", "合计"),
    "xp.col.quantity": ("quantity", "量"),
    "xp.col.value": ("value", "值"),
    "xp.col.config": ("configuration", "配置"),
    "xp.col.shape": ("shape", "形状"),
    "xp.col.ratio": ("ratio", "比值"),
    "xp.col.maxdiff": ("max |difference|", "最大绝对差"),
    "xp.col.pooling": ("pooling", "汇聚"),
    "xp.col.dtype": ("dtype", "数据类型"),
    "xp.col.padding": ("padding", "填充"),
    "xp.col.init": ("initialisation", "初始化"),
    "xp.col.network": ("network", "网络"),
    "xp.yes": ("yes", "是"),
    "xp.no": ("no", "否"),
    "xp.pool.max": ("max pooling", "最大汇聚"),
    "xp.pool.avg": ("average pooling", "平均汇聚"),
    "xp.check.reproducible": ("re-run with seed {seed}: identical numbers", "以种子 {seed} 重新运行：数值完全相同"),

    # ------------------------------------------------------------ resnet_gradients
    "xp.resnet.setup.title": ("Set-up: plain and residual networks of the same depth",
                              "实验设置：深度相同的普通网络与残差网络"),
    "xp.resnet.setup.text": ("Both are stacks of D fully connected layers of width {width} with activation {act} and "
                             "PyTorch's default initialisation, followed by a linear output and a squared loss on one "
                             "random batch of {batch} (seed {seed}). The residual network groups the layers in "
                             "blocks of two and adds each block's input to its output — once as is (α = 1), once "
                             "with the branches scaled down by α = 1/√(D/2), as careful initialisation or batch "
                             "normalisation would keep them small. We measure ‖∂L/∂W₁‖, the gradient reaching the "
                             "first layer.",
                             "两者都是 D 个宽度为 {width} 的全连接层堆叠，激活函数为 {act}，使用 PyTorch 默认初始化，"
                             "之后接线性输出层，在一批 {batch} 个随机样本上计算平方损失（种子 {seed}）。残差网络把每两层组成一个残差块，"
                             "并把块的输入加到块的输出上——一次保持原样（α = 1），一次把残差分支缩小为 α = 1/√(D/2) 倍，"
                             "相当于合理的初始化或批归一化让分支保持较小。测量到达第一层的梯度范数 ‖∂L/∂W₁‖。"),
    "xp.resnet.chain.title": ("Why: the chain rule through the stack", "原因：沿网络的链式法则"),
    "xp.resnet.chain.text": ("In the plain network the gradient is multiplied by one Jacobian per layer, and the "
                             "product of many factors shrinks (or grows) exponentially with depth. In the residual "
                             "network each factor is I + ∂F/∂x: expanding the product gives I plus other terms, so the "
                             "gradient always has a direct path back through the identity shortcuts.",
                             "普通网络中，梯度每经过一层就乘一个雅可比矩阵，许多因子的连乘随深度指数级地缩小（或增大）。"
                             "残差网络中每个因子是 I + ∂F/∂x：展开连乘后含有单位矩阵 I 这一项，"
                             "因此梯度总能沿恒等捷径直接传回前面的层。"),
    "xp.resnet.table.title": ("Measured: gradient norm at the first layer", "测量结果：第一层的梯度范数"),
    "xp.resnet.table.text": ("Plain: from {first} at depth {dmin} to {last} at depth {dmax} — the gradient vanishes. "
                             "Residual: between {lo} and {hi}; it never vanishes, and with small branches "
                             "(scaled) it stays between {slo} and {shi} — neither vanishing nor exploding.",
                             "普通网络：从深度 {dmin} 的 {first} 降到深度 {dmax} 的 {last}——梯度消失。"
                             "残差网络：在 {lo} 与 {hi} 之间，从不消失；分支较小时（缩放后）保持在 {slo} 与 {shi} 之间——既不消失也不爆炸。"),
    "xp.resnet.underflow": ("(0 means the gradient underflowed: it is below the smallest float32.)",
                            "（0 表示梯度已下溢：小于 float32 能表示的最小数。）"),
    "xp.resnet.col.plain": ("plain ‖∂L/∂W₁‖", "普通网络 ‖∂L/∂W₁‖"),
    "xp.resnet.col.residual": ("residual ‖∂L/∂W₁‖", "残差网络 ‖∂L/∂W₁‖"),
    "xp.resnet.col.scaled": ("residual, α = 1/√(D/2)", "残差网络，α = 1/√(D/2)"),
    "xp.resnet.check.plain": ("plain network: the first-layer gradient falls from {first} to {last} as depth grows",
                              "普通网络：随深度增加，第一层梯度从 {first} 降到 {last}"),
    "xp.resnet.check.residual": ("residual network: the first-layer gradient never falls below a tenth of its value at "
                                 "the smallest depth (lowest {low}, first {first})",
                                 "残差网络：第一层梯度从未低于最小深度时的十分之一（最低 {low}，起始 {first}）"),
    "xp.resnet.check.scaled": ("residual network with small branches: the first-layer gradient stays within one order "
                               "of magnitude ({lo} to {hi})",
                               "分支较小的残差网络：第一层梯度保持在一个数量级之内（{lo} 至 {hi}）"),

    # ------------------------------------------------------------ textcnn
    "xp.textcnn.arch.title": ("The model, with shapes and parameters from the network solver",
                              "模型结构（形状与参数量由网络求解器给出）"),
    "xp.textcnn.arch.text": ("A sentence of L = {L} words becomes a {dim}×{L} matrix (embedding dimensions as "
                             "channels, words along the time axis). One branch per kernel size ({ks}): a Conv1d with "
                             "{f} filters slides over word windows (n-gram detectors), ReLU, then max-over-time "
                             "pooling keeps each filter's strongest response wherever it occurs; the branches are "
                             "concatenated, dropout (p = {drop}) regularises, and a linear layer gives the class "
                             "scores.",
                             "长度为 L = {L} 的句子变成 {dim}×{L} 的矩阵（词向量维度作通道，词沿时间轴排列）。每个卷积核大小（{ks}）"
                             "对应一个分支：有 {f} 个滤波器的 Conv1d 在词窗口上滑动（相当于 n-gram 检测器），经 ReLU 后做"
                             "时间维最大汇聚（max-over-time），保留每个滤波器在任意位置的最强响应；各分支拼接后经 dropout"
                             "（p = {drop}）正则化，再由线性层输出类别分数。"),
    "xp.textcnn.concat": ("concatenate the branches", "拼接各分支"),
    "xp.textcnn.data.title": ("A small dataset generated here (no download)", "在本地生成的小数据集（无需下载）"),
    "xp.textcnn.data.text": ("{train} training and {test} test sentences of {L} token ids from a vocabulary of "
                             "{vocab}. Tokens 1 and 2 are keywords and appear exactly once in every sentence; the "
                             "label is 1 when they form the bigram “1 2” and 0 when they appear as “2 1” or apart. "
                             "The words alone therefore say nothing about the class: only their order does. "
                             "First training sentence: {example} (label {label}).",
                             "生成 {train} 个训练句子和 {test} 个测试句子，每句 {L} 个词（词表大小 {vocab}）。词 1 和词 2 是关键词，"
                             "在每个句子中各出现一次；当它们组成二元组“1 2”时标签为 1，以“2 1”或分开出现时标签为 0。"
                             "因此仅凭出现了哪些词无法判断类别，只有词序才能。第一个训练句子：{example}（标签 {label}）。"),
    "xp.textcnn.train.title": ("Training run", "训练过程"),
    "xp.textcnn.train.text": ("Adam, learning rate {lr}, {steps} steps of {batch} sentences, seed {seed}. The loss "
                              "falls and the test accuracy {acc} beats chance ({chance}); a bag-of-words model of "
                              "the same size, which ignores word order, stays near chance.",
                              "Adam 优化器，学习率 {lr}，训练 {steps} 步，每步 {batch} 个句子，种子 {seed}。损失下降，"
                              "测试准确率 {acc} 超过随机水平（{chance}）；规模相同但忽略词序的词袋模型则停留在随机水平附近。"),
    "xp.textcnn.train.text_nobow": ("Adam, learning rate {lr}, {steps} steps of {batch} sentences, seed {seed}. The "
                                    "loss falls and the test accuracy {acc} beats chance ({chance}).",
                                    "Adam 优化器，学习率 {lr}，训练 {steps} 步，每步 {batch} 个句子，种子 {seed}。损失下降，"
                                    "测试准确率 {acc} 超过随机水平（{chance}）。"),
    "xp.textcnn.check.bow": ("the bag-of-words baseline stays near chance ({acc} against {chance}): the classes "
                             "depend on word order, which the convolution sees",
                             "词袋基线停留在随机水平附近（{acc}，随机水平 {chance}）：类别取决于词序，而卷积能看到词序"),
    "xp.textcnn.loss_start": ("training loss before training", "训练前的训练集损失"),
    "xp.textcnn.loss_end": ("training loss after training", "训练后的训练集损失"),
    "xp.textcnn.train_acc": ("training accuracy", "训练集准确率"),
    "xp.textcnn.test_acc": ("test accuracy", "测试集准确率"),
    "xp.textcnn.chance": ("chance (majority class)", "随机水平（多数类比例）"),
    "xp.textcnn.bow_acc": ("bag-of-words baseline, test accuracy", "词袋基线模型的测试准确率"),
    "xp.textcnn.check.params": ("PyTorch counts {got} parameters, as the network solver", "PyTorch 统计参数量为 {got}，与网络求解器一致"),
    "xp.textcnn.check.shapes": ("a forward pass gives the network solver's shapes for every branch and the output",
                                "前向传播得到的各分支与输出形状与网络求解器一致"),
    "xp.textcnn.check.loss": ("the training loss falls from {start} to {end}", "训练损失从 {start} 降到 {end}"),
    "xp.textcnn.check.acc": ("test accuracy {acc} ≥ chance {chance} + margin {margin}",
                             "测试准确率 {acc} ≥ 随机水平 {chance} + 余量 {margin}"),

    # ------------------------------------------------------------ conv_cost
    "xp.cost.formula.title": ("The cost formula", "计算量公式"),
    "xp.cost.formula.text": ("Every output entry (c_o·h_o·w_o of them) is a sum over c_i·k_h·k_w products, one "
                             "multiply–accumulate (MAC) each; padding changes h_o and w_o, the stride divides them.",
                             "每个输出元素（共 c_o·h_o·w_o 个）是 c_i·k_h·k_w 个乘积之和，每个乘积一次乘加（MAC）；"
                             "填充改变 h_o 和 w_o，步幅使它们按比例缩小。"),
    "xp.cost.table.title": ("Each configuration: formula, network solver and torch.utils.flop_counter",
                            "各配置：公式、网络求解器与 torch.utils.flop_counter"),
    "xp.cost.table.text": ("The formula is evaluated for each configuration and compared with the MACs that "
                           "torch.utils.flop_counter's per-operation formulas (those FlopCounterMode applies) give for "
                           "the convolution PyTorch runs (its FLOPs halved); the ratio is to the first configuration.",
                           "对每个配置代入公式，并与 torch.utils.flop_counter 的逐算子公式（即 FlopCounterMode 所用的公式）对 PyTorch "
                           "实际执行的卷积给出的乘加次数（其 FLOPs 的一半）比较；比值相对于第一个配置。"),
    "xp.cost.col.formula": ("MACs (formula)", "MACs（公式）"),
    "xp.cost.col.counter": ("MACs (flop_counter)", "MACs（flop_counter）"),
    "xp.cost.memory.title": ("Memory footprint of the forward pass", "前向传播的内存占用"),
    "xp.cost.memory.text": ("Input, output and parameters (weights and biases), in float32 (4 bytes each). The "
                            "backward pass also keeps the input (for ∂L/∂W) and needs gradients of the same sizes.",
                            "输入、输出和参数（权重与偏置），按 float32（每个 4 字节）计。反向传播还要保存输入（用于计算 ∂L/∂W），"
                            "并需要同样大小的梯度。"),
    "xp.cost.col.input": ("input", "输入"),
    "xp.cost.col.output": ("output", "输出"),
    "xp.cost.col.bytes": ("float32 memory", "float32 内存"),
    "xp.cost.backward.title": ("Backward pass: twice the forward work", "反向传播：约为前向计算量的两倍"),
    "xp.cost.backward.text": ("The backward pass computes ∂L/∂X (a transposed convolution) and ∂L/∂W (a correlation "
                              "of the input with ∂L/∂Y); each costs as many MACs as the forward pass.",
                              "反向传播要计算 ∂L/∂X（一次转置卷积）和 ∂L/∂W（输入与 ∂L/∂Y 的互相关），各自的乘加次数都与前向相同。"),
    "xp.cost.col.forward": ("forward MACs", "前向 MACs"),
    "xp.cost.col.backward": ("backward MACs", "反向 MACs"),
    "xp.cost.check.macs": ("{label}: torch.utils.flop_counter's formulas count {got} MACs, as the formula, the "
                           "network solver and the table show",
                           "{label}：torch.utils.flop_counter 的公式统计 {got} 次乘加，与公式、网络求解器及表中数值一致"),
    "xp.cost.check.backward": ("{label}: ∂L/∂X computed as F.conv_transpose2d of ∂L/∂Y ({dx} MACs) and ∂L/∂W by "
                               "torch.nn.grad.conv2d_weight ({dw} MACs), each counted by torch.utils.flop_counter's "
                               "formula for that operation: {got} MACs, the backward MACs shown, twice the forward "
                               "pass",
                               "{label}：∂L/∂X 作为 ∂L/∂Y 的 F.conv_transpose2d 计算（{dx} 次乘加），∂L/∂W 由 "
                               "torch.nn.grad.conv2d_weight 计算（{dw} 次乘加），各按 torch.utils.flop_counter 对该运算的"
                               "公式统计，共 {got} 次乘加，与表中的反向乘加次数一致，是前向的两倍"),

    # ------------------------------------------------------------ pooling experiments
    "xp.poolconv.title": ("Average pooling computed as a convolution", "把平均汇聚作为卷积来计算"),
    "xp.poolconv.text": ("A random input with {c} channels of {n}×{n} (seed {seed}). Average pooling with a {k}×{k} "
                         "window, stride {s} and padding {pad} is compared with a convolution whose kernel holds "
                         "1/{k}² everywhere, with the same stride and padding, applied to every channel separately "
                         "(groups = channels, a depthwise convolution, no bias).",
                         "随机输入有 {c} 个 {n}×{n} 的通道（种子 {seed}）。把窗口 {k}×{k}、步幅 {s}、填充 {pad} 的平均汇聚，"
                         "与卷积核元素全为 1/{k}²、步幅与填充相同、对每个通道分别作用（groups = 通道数，即逐通道卷积，无偏置）的卷积相比较。"),
    "xp.poolconv.avg_shape": ("output shape, average pooling", "平均汇聚的输出形状"),
    "xp.poolconv.conv_shape": ("output shape, depthwise convolution", "逐通道卷积的输出形状"),
    "xp.poolconv.check": ("nn.AvgPool2d and a depthwise nn.Conv2d with weights 1/k² on the same input: both give "
                          "{shape} and they differ by at most {diff}; the shapes and the difference shown ({shown}) "
                          "agree",
                          "在同一输入上，nn.AvgPool2d 与权重为 1/k² 的逐通道 nn.Conv2d 都得到 {shape}，最大绝对差 {diff}；"
                          "与所示的形状和差值（{shown}）一致"),
    "xp.poollin.title": ("Additivity tested on random inputs", "在随机输入上检验可加性"),
    "xp.poollin.text": ("{trials} random pairs of {n}×{n} integer matrices, {k}×{k} windows: how often does "
                        "pool(X + Y) differ from pool(X) + pool(Y)? Every convolution satisfies it always.",
                        "取 {trials} 对随机的 {n}×{n} 整数矩阵、{k}×{k} 窗口：pool(X + Y) 与 pool(X) + pool(Y) 有多少次不相等？"
                        "任何卷积都始终满足这一等式。"),
    "xp.poollin.col.failures": ("additivity fails", "可加性不成立的次数"),
    "xp.poollin.check": ("the same trials pooled over windows cut with Tensor.unfold: max pooling breaks additivity "
                         "in {max} of {trials}, average pooling in {avg}, as shown; the example shown recomputed from "
                         "its X and Y",
                         "用 Tensor.unfold 切出窗口重新汇聚同样的试验：最大汇聚在 {trials} 次中有 {max} 次不满足可加性，"
                         "平均汇聚有 {avg} 次，与所示一致；所示例子由其 X、Y 重新计算，结果一致"),
    "xp.poolcost.formula.title": ("Operations of pooling", "汇聚的运算次数"),
    "xp.poolcost.formula.text": ("Pooling works on each channel separately and has no weights: each output needs "
                                 "k_h·k_w − 1 comparisons (max) or additions (average, plus one division). A "
                                 "convolution with the same window mixes all c channels into each output: c times "
                                 "more work per output.",
                                 "汇聚对每个通道单独进行且没有权重：每个输出需要 k_h·k_w − 1 次比较（最大汇聚）或加法"
                                 "（平均汇聚，另加一次除法）。窗口相同的卷积要把全部 c 个通道混合进每个输出：每个输出的工作量是汇聚的 c 倍。"),
    "xp.poolcost.table.title": ("Counts for each configuration", "各配置的运算次数"),
    "xp.poolcost.table.text": ("FlopCounterMode's formulas (torch.utils.flop_counter) give {counter} FLOPs for the "
                               "pooling calls: they cover only matrix products, convolutions and attention, so pooling "
                               "cost has to be counted by hand.",
                               "FlopCounterMode 的公式（torch.utils.flop_counter）对汇聚运算给出 {counter} 次浮点运算：它们只涵盖矩阵乘法、"
                               "卷积和注意力，所以汇聚的代价需要手工计算。"),
    "xp.poolcost.col.max": ("max: comparisons", "最大汇聚：比较次数"),
    "xp.poolcost.col.avg": ("average: additions + divisions", "平均汇聚：加法 + 除法"),
    "xp.poolcost.col.conv": ("conv c→c: MACs", "卷积 c→c：MACs"),
    "xp.poolcost.col.ratio": ("conv ÷ max", "卷积 ÷ 最大汇聚"),
    "xp.poolcost.check": ("{label}: torch's unfold gives {windows} windows of {window} entries, so {cmp} comparisons "
                          "(max) and as many additions plus {windows} divisions (average), as shown",
                          "{label}：unfold 得到 {windows} 个窗口，每个 {window} 个元素，因此最大汇聚 {cmp} 次比较，"
                          "平均汇聚同样多次加法加 {windows} 次除法，与表中一致"),
    "xp.poolcost.check.conv": ("{label}: nn.Conv2d with the same window (its weight as torch.nn shapes it, one output "
                               "per window) in torch.utils.flop_counter's convolution formula: {macs} MACs, as shown",
                               "{label}：窗口相同的 nn.Conv2d（权重形状由 torch.nn 给出，每个窗口一个输出）代入 "
                               "torch.utils.flop_counter 的卷积公式，得 {macs} 次乘加，与表中一致"),
    "xp.poolgrad.title": ("Where the gradient goes", "梯度流向哪里"),
    "xp.poolgrad.text": ("A {n}×{n} input with distinct values, {k}×{k} windows, stride {k}: the gradient of the "
                         "summed output with respect to the input, and what happens when the smallest entry of every "
                         "window is raised by 0.5.",
                         "取元素互不相同的 {n}×{n} 输入，{k}×{k} 窗口、步幅 {k}：计算输出之和对输入的梯度，并观察把每个窗口中最小的元素加 0.5 后输出如何变化。"),
    "xp.poolgrad.col.nonzero": ("inputs receiving gradient", "收到梯度的输入个数"),
    "xp.poolgrad.col.changed": ("outputs changed by the nudge", "受扰动而改变的输出个数"),
    "xp.poolgrad.check": ("max pooling passes the gradient to exactly one entry in each of the {windows} "
                          "windows and ignores the nudge; average pooling spreads 1/(k·k) to every entry",
                          "最大汇聚只把梯度传给 {windows} 个窗口中各自的一个元素，且不受扰动影响；平均汇聚把 1/(k·k) 分给每个元素"),
    "xp.softpool.title": ("Softmax pooling of one window", "对一个窗口做 softmax 汇聚"),
    "xp.softpool.text": ("Window values {values} (mean {mean}, max {max}); the weights are softmax(β·x).",
                         "窗口取值 {values}（平均 {mean}，最大 {max}）；权重为 softmax(β·x)。"),
    "xp.softpool.col.weights": ("weights", "权重"),
    "xp.softpool.col.pooled": ("pooled value", "汇聚结果"),
    "xp.softpool.check": ("β = 0 gives the mean, a large β the max, and the value grows with β",
                          "β = 0 时为平均值，β 很大时为最大值，且结果随 β 单调增大"),

    # ------------------------------------------------------------ matmul, im2col
    "xp.mm1x1.title": ("A 1×1 convolution and the matrix product, in float32 and float64",
                       "1×1 卷积与矩阵乘法：float32 与 float64"),
    "xp.mm1x1.text": ("Random X of {ci}×{h}×{w} and a 1×1 kernel from {ci} to {co} channels (seed {seed}); the "
                      "convolution (F.conv2d) and the product W·X of the reshaped tensors are compared entry by "
                      "entry, once as the library computes it and once with the channels summed in reverse order. "
                      "Mathematically all are equal; in floating point the order of the c_i additions matters, so "
                      "the last bits can differ.",
                      "随机输入 X 为 {ci}×{h}×{w}，1×1 卷积核把 {ci} 个通道映射到 {co} 个通道（种子 {seed}）；逐元素比较卷积（F.conv2d）"
                      "与变形后张量的矩阵乘积 W·X：一次按库的默认方式计算，一次按相反的通道顺序求和。数学上它们全都相等；"
                      "在浮点运算中 c_i 次加法的顺序会影响结果，所以最后几位可能不同。"),
    "xp.mm1x1.col.equal": ("bit-identical entries", "逐位相同的元素"),
    "xp.mm1x1.col.order": ("matrix product", "矩阵乘法"),
    "xp.mm1x1.order.forward": ("W·X", "W·X"),
    "xp.mm1x1.order.reversed": ("W·X, channels summed in reverse order", "W·X，按相反的通道顺序求和"),
    "xp.mm1x1.check": ("allclose in float32 (max |difference| {d32}); float64 differs by at most {d64}",
                       "float32 下 allclose 成立（最大绝对差 {d32}）；float64 下最大差为 {d64}"),
    "xp.im2col.title": ("Convolution as one matrix product", "把卷积写成一次矩阵乘法"),
    "xp.im2col.text": ("X of {ci}×{h}×{w}, {co} kernels of {ci}×{k}×{k}, stride {s}, padding {pad}: unfold (im2col) "
                       "puts every window of X in a column; the kernels, flattened, are the rows of W; one product "
                       "gives every output.",
                       "X 为 {ci}×{h}×{w}，{co} 个 {ci}×{k}×{k} 的卷积核，步幅 {s}，填充 {pad}：unfold（im2col）把 X 的每个窗口"
                       "放进一列；把卷积核展平作为 W 的各行；一次矩阵乘法得到全部输出。"),
    "xp.im2col.weights": ("kernel matrix W", "卷积核矩阵 W"),
    "xp.im2col.cols": ("im2col(X)", "im2col(X)"),
    "xp.im2col.product": ("W · im2col(X), reshaped", "W · im2col(X)，再变形"),
    "xp.im2col.blowup": ("entries of im2col(X) / entries of X", "im2col(X) 元素数 / X 元素数"),
    "xp.im2col.check": ("the windows cut with Tensor.unfold ({cols}) times the weights equal nn.Conv2d ({out}, max "
                        "|difference| {diff}); the shapes, the blow-up and the difference shown ({shown}) agree",
                        "用 Tensor.unfold 切出的窗口（{cols}）乘以权重，与 nn.Conv2d（{out}）相等（最大绝对差 {diff}）；"
                        "与所示的形状、放大倍数和差值（{shown}）一致"),

    # ------------------------------------------------------------ borders, shifts
    "xp.border.title": ("How many windows see each pixel", "每个像素被多少个窗口覆盖"),
    "xp.border.text": ("A {n}×{n} input and a {k}×{k} kernel with stride 1: each matrix counts, for every input "
                       "pixel, the output windows that contain it (a transposed convolution of ones).",
                       "{n}×{n} 输入、{k}×{k} 卷积核、步幅 1：下面每个矩阵给出每个输入像素被多少个输出窗口覆盖（用全 1 的转置卷积计数）。"),
    "xp.border.col.corner": ("corner pixel", "角上像素"),
    "xp.border.col.centre": ("central pixel", "中心像素"),
    "xp.border.check": ("torch's count agrees with counting the windows one by one",
                        "torch 的计数与逐个窗口计数一致"),
    "xp.shift.title": ("Shift the input", "平移输入"),
    "xp.shift.text": ("A random {n}×{n} image and a {k}×{k} kernel (circular padding, so that a shift by ({dy}, {dx}) "
                      "loses nothing at the borders).",
                      "随机的 {n}×{n} 图像和 {k}×{k} 卷积核（循环填充，使平移 ({dy}, {dx}) 时边界不丢失信息）。"),
    "xp.shift.equi": ("max |conv(shifted X) − shifted conv(X)|", "max |conv(平移后的 X) − 平移后的 conv(X)|"),
    "xp.shift.argmax": ("position of the strongest response", "最强响应的位置"),
    "xp.shift.pooled": ("global max pooling, original / shifted", "全局最大汇聚：原图 / 平移后"),
    "xp.shift.check": ("the circular correlation written with torch.roll: the feature map moves with the input (max "
                       "|difference| {diff}; shown {shown}), its maximum moves from {a} to {b} and keeps its value, "
                       "as shown",
                       "用 torch.roll 写出的循环互相关：特征图随输入一起平移（最大绝对差 {diff}；所示 {shown}），"
                       "最大值从 {a} 移到 {b} 且数值不变，与所示一致"),

    # ------------------------------------------------------------ initialisation
    "xp.init.title": ("Initialisations of a deep ReLU network", "深层 ReLU 网络的不同初始化"),
    "xp.init.text": ("{depth} fully connected ReLU layers of width {width}, zero biases, one random batch of "
                     "{batch} (seed {seed}): the spread of the last hidden layer, the gradient reaching the first "
                     "layer, and how many different rows that gradient has (1 means every unit of the layer gets "
                     "the same update: the symmetry is never broken).",
                     "{depth} 个宽度为 {width} 的全连接 ReLU 层，偏置为 0，在一批 {batch} 个随机样本上（种子 {seed}）测量："
                     "最后一个隐藏层输出的标准差、到达第一层的梯度范数，以及该梯度有多少个不同的行（为 1 表示该层每个单元得到相同的更新，"
                     "对称性始终无法打破）。"),
    "xp.init.zeros": ("all zeros", "全部为 0"),
    "xp.init.constant": ("constant 0.05", "常数 0.05"),
    "xp.init.normal": ("N(0, 1) (too large)", "N(0, 1)（过大）"),
    "xp.init.xavier": ("Xavier (Glorot) normal", "Xavier（Glorot）正态"),
    "xp.init.he": ("He (Kaiming) normal", "He（Kaiming）正态"),
    "xp.init.col.std": ("std of last layer", "最后一层标准差"),
    "xp.init.col.grad": ("‖∂L/∂W₁‖", "‖∂L/∂W₁‖"),
    "xp.init.col.distinct": ("distinct gradient rows", "梯度中不同行数"),
    "xp.init.check": ("zeros give no gradient, a constant keeps the units identical, N(0, 1) explodes, "
                      "Xavier shrinks the signal under ReLU and He keeps it at scale",
                      "全 0 初始化没有梯度，常数初始化使各单元保持相同，N(0, 1) 导致爆炸，"
                      "Xavier 在 ReLU 下使信号逐层缩小，He 使信号保持原有尺度"),

    # ------------------------------------------------------------ weight sharing, networks
    "xp.share.title": ("Parameters with and without weight sharing", "有无权值共享时的参数量"),
    "xp.share.text": ("A {ci}×{h}×{w} input mapped to {co} output channels ({out}) by a {k}×{k} convolution "
                      "(local and shared), a locally connected layer (local, one kernel per position) and a fully "
                      "connected layer (neither). A locally connected layer whose kernels are all copies of the "
                      "convolution's kernel gives the convolution's output (max |difference| {diff}).",
                      "把 {ci}×{h}×{w} 的输入映射到 {co} 个输出通道（{out}）：{k}×{k} 卷积（局部连接且权值共享）、"
                      "局部连接层（局部连接，但每个位置有自己的卷积核）、全连接层（两者都没有）。"
                      "若局部连接层的所有卷积核都复制同一个卷积核，其输出就等于卷积的输出（最大绝对差 {diff}）。"),
    "xp.share.conv": ("convolution (shared kernel)", "卷积（共享卷积核）"),
    "xp.share.local": ("locally connected (no sharing)", "局部连接（不共享）"),
    "xp.share.dense": ("fully connected", "全连接"),
    "xp.share.check": ("numel of PyTorch tensors: nn.Conv2d {conv}, a locally connected layer (a kernel and biases "
                       "for each window F.unfold forms) {local}, nn.Linear {dense} parameters, as shown; the tied "
                       "locally connected layer (a copy of the kernel at each window) reproduces nn.Conv2d (max "
                       "|difference| {diff}; shown {shown})",
                       "按 PyTorch 张量的 numel 计数：nn.Conv2d {conv}、局部连接层（F.unfold 得到的每个窗口各有一个卷积核和偏置）"
                       "{local}、nn.Linear {dense} 个参数，与所示一致；每个窗口复制同一卷积核的局部连接层复现了 nn.Conv2d"
                       "（最大绝对差 {diff}；所示 {shown}）"),
    "xp.nets.title": ("The networks compared", "所比较的网络"),
    "xp.nets.text": ("Shapes, parameters (biases included), MACs and receptive fields from the network solver.",
                     "形状、参数量（含偏置）、乘加次数与感受野，由网络求解器给出。"),
    "xp.nets.check": ("{name}: PyTorch gives output {shape}, {params} parameters and the same MACs",
                      "{name}：PyTorch 得到输出 {shape}、参数量 {params}，乘加次数一致"),
    "xp.nets.check.rf": ("{name}: the gradient of one output unit with respect to the input (back-propagated through "
                         "a one-channel probe with the same windows) is non-zero over {rf} inputs: the receptive field "
                         "shown",
                         "{name}：一个输出单元对输入的梯度（经由窗口相同的单通道探针网络反向传播）在 {rf} 个输入上非零，"
                         "与所示感受野一致"),
    "xp.nets.check.rf_none": ("{name}: no layer has a receptive field ({rf}), as shown",
                              "{name}：没有层具有感受野（{rf}），与所示一致"),
    "xp.nets.check.rf_large": ("{name}: the receptive field cannot be measured by back-propagation (the probe would be "
                               "too large)",
                               "{name}：无法用反向传播测量感受野（探针网络过大）"),
    "xp.nets.check.rf_small": ("{name}: the receptive field cannot be measured by back-propagation (no probe input "
                               "is large enough)",
                               "{name}：无法用反向传播测量感受野（探针输入不够大）"),
})
