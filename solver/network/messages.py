"""English and Chinese wording of the network solver's steps."""
from ..i18n import register

register({
    # plan
    "net.plan.walk": ("Walk through the network layer by layer from the input shape {shape}, applying each layer's "
                      "output-size formula.",
                      "从输入形状 {shape} 出发，依次用各层的输出尺寸公式求出每一层的输出形状。"),
    "net.plan.params": ("Count each layer's trainable parameters (weights, plus the bias where the layer has one) "
                        "and add them up.",
                        "逐层计算可训练参数（权重，以及有偏置时的偏置），再求和。"),
    "net.plan.macs": ("Count the multiply–accumulates (MACs) of every convolution and linear layer; "
                      "FLOPs = 2 × MACs.",
                      "逐层计算卷积层与全连接层的乘加次数（MACs）；FLOPs = 2 × MACs。"),
    "net.plan.rf": ("Follow the receptive field R and the jump J (effective stride) with the recurrence, then "
                    "confirm R with the closed form (Li Hang, formula (24.19)).",
                    "用递推式逐层求感受野 R 与跳步 J（等效步幅），再用闭式公式（李航《机器学习方法》式 (24.19)）验证。"),
    "net.plan.ratio": ("Compare the networks by the ratio of the asked counts.",
                       "用所求数量之比比较这几个网络。"),
    "net.plan.verify": ("Check every answer independently with PyTorch: {methods}.",
                        "用 PyTorch 独立验证每个答案：{methods}。"),
    "net.verify.shape": ("a forward pass for the shapes", "用一次前向传播得到形状"),
    "net.verify.params": ("numel of the trainable tensors for the parameters", "对可训练张量的 numel 求和得到参数量"),
    "net.verify.macs": ("torch.utils.flop_counter's per-operation formulas on that pass for MACs and FLOPs",
                        "在同一次前向传播中用 torch.utils.flop_counter 的逐算子公式统计乘加次数与 FLOPs"),
    "net.verify.rf": ("back-propagation from one output unit for the receptive field and jump",
                      "从一个输出单元反向传播，测出感受野与跳步"),
    # the conventions (plain stacks and networks with branches): one sentence naming only those the asked
    # quantities depend on
    "net.cv.title": ("Conventions", "约定"),
    "net.cv.sentence": ("Throughout, {items}.", "本解答中，{items}。"),
    "net.cv.at": ("layers are numbered from 1", "层从 1 开始编号"),
    "net.cv.shape": ("shapes leave out the batch dimension, channels first", "形状不含批量维、通道在前"),
    "net.cv.floor": ("sizes are rounded down (⌊·⌋)", "尺寸向下取整 ⌊·⌋"),
    "net.cv.ceil": ("sizes are rounded down (⌊·⌋), up (⌈·⌉) in pooling with ceil_mode",
                    "尺寸向下取整 ⌊·⌋，ceil_mode 的池化层向上取整 ⌈·⌉"),
    "net.cv.bias": ("parameters include the biases", "参数含偏置"),
    "net.cv.bn": ("parameters include BatchNorm's γ and β, not its running statistics",
                  "参数含 BatchNorm 的 γ、β，不含滑动统计量"),
    "net.cv.bias_bn": ("parameters include the biases and BatchNorm's γ and β, not its running statistics",
                       "参数含偏置及 BatchNorm 的 γ、β，不含滑动统计量"),
    "net.cv.macs": ("a MAC is one multiply–accumulate of a convolution or linear layer",
                    "MAC 指卷积层或全连接层的一次乘加"),
    "net.cv.macs_bias": ("a MAC is one multiply–accumulate of a convolution or linear layer, bias additions "
                         "not counted", "MAC 指卷积层或全连接层的一次乘加，不计偏置加法"),
    "net.cv.flops": ("FLOPs = 2 × MACs", "FLOPs = 2 × MACs"),
    "net.cv.pad": ("the padding p is per side, so the size formula adds 2p", "填充 p 指每一侧的填充，尺寸公式中加 2p"),
    "net.cv.rf": ("R and J are in input pixels, from R_0 = J_0 = 1", "R 与 J 以输入像素计，R_0 = J_0 = 1"),
    "net.total.asked": ("Asked for: {part}", "所求：{part}"),      # a part the exercise names in words (label)
    "net.cv.names": ("nodes are named as print(model) names the modules", "节点名与 print(model) 中的模块名一致"),
    "net.cv.norm": ("LayerNorm and GroupNorm count their γ and β", "LayerNorm 与 GroupNorm 计其 γ、β"),
    "net.cv.embedding": ("an embedding counts num_embeddings × embedding_dim parameters",
                         "嵌入层的参数为 num_embeddings × embedding_dim"),
    "net.cv.union": ("through a sum or a concatenation, R is the union of the branches' windows and J their common "
                     "jump", "经过相加或拼接时，R 取各分支窗口的并集，J 为各分支共同的跳步"),
    # layers
    "net.network.title": ("Network “{name}”", "网络“{name}”"),
    "net.input.title": ("Input shape", "输入形状"),
    "net.layer.title": ("Layer {n}{name} — {label}", "第 {n} 层{name} {label}"),
    "net.layer.name": (" ({name})", "（{name}）"),
    "net.layer.conv": ("Each output size follows the convolution formula with kernel k, stride s, padding p on each "
                       "side and dilation d.",
                       "各维输出尺寸由卷积公式给出：卷积核大小 k，步幅 s，每侧填充 p，膨胀 d。"),
    "net.layer.same": ("padding='same' pads p_total = d(k−1) in all, the extra one on the right when it is odd, so "
                       "that the size is kept (stride 1).",
                       "padding='same' 两侧共填充 p_total = d(k−1)（为奇数时右侧多填一个），使尺寸保持不变（步幅为 1）。"),
    "net.layer.transposed": ("A transposed convolution inverts the convolution's size formula: p is its padding on "
                             "each side, p_out its output_padding.",
                             "转置卷积的尺寸公式是卷积尺寸公式的逆：p 为每侧填充，p_out 为 output_padding。"),
    "net.layer.pool": ("Pooling uses the convolution formula with the pool's own window k, stride s and padding p "
                       "on each side; it has no parameters and keeps the channels.",
                       "池化使用同一个卷积尺寸公式，代入池化自己的窗口 k、步幅 s 与每侧填充 p；池化没有参数，"
                       "通道数不变。"),
    "net.layer.ceil_dropped": ("ceil mode: the last window would start in the right padding, so PyTorch drops it "
                               "(one output less).",
                               "ceil 模式：最后一个窗口的起点会落在右侧填充中，PyTorch 将其舍弃（输出少一个）。"),
    "net.layer.adaptive": ("Adaptive pooling produces the requested output size whatever the input size.",
                           "自适应池化直接输出指定的尺寸，与输入尺寸无关。"),
    "net.layer.elementwise": ("Applied element by element: the shape is unchanged and there are no parameters.",
                              "逐元素作用：形状不变，没有参数。"),
    "net.layer.batch_norm": ("Normalises each of the {c} channels: the shape is unchanged; γ and β are learned "
                             "per channel.",
                             "对 {c} 个通道分别归一化：形状不变；每个通道学习 γ 与 β。"),
    "net.layer.flatten": ("Flattens the dimensions into one vector.", "把各维展平为一个向量。"),
    "net.layer.linear": ("A fully connected layer maps {fin} inputs to {fout} outputs (at each of {rows} "
                         "positions).",
                         "全连接层把 {fin} 个输入映射到 {fout} 个输出（在 {rows} 个位置上各作用一次）。"),
    "net.layer.linear1": ("A fully connected layer maps {fin} inputs to {fout} outputs.",
                          "全连接层把 {fin} 个输入映射到 {fout} 个输出。"),
    "net.layer.dropout": ("Dropout zeroes activations at random during training only: shape unchanged, "
                          "no parameters.",
                          "Dropout 只在训练时随机置零：形状不变，没有参数。"),
    # table
    "net.table.title": ("Layer-by-layer summary", "逐层汇总"),
    "net.table.layer": ("layer", "层"),
    "net.table.shape": ("output shape", "输出形状"),
    "net.table.params": ("params", "参数"),
    "net.table.macs": ("MACs", "乘加 MACs"),
    "net.table.rf": ("R", "感受野 R"),
    "net.table.jump": ("J", "跳步 J"),
    "net.table.input": ("input", "输入"),
    "net.table.total": ("total", "合计"),
    # totals
    "net.total.output_shape": ("Output shape", "输出形状"),
    "net.total.output_shape_at": ("Output shape after layer {n}{name}", "第 {n} 层{name}的输出形状"),
    "net.total.output_shape.text": ("The shape after the last asked layer, without the batch dimension.",
                                    "所求层输出的形状（不含批量维）。"),
    "net.total.params": ("Total parameters", "参数总量"),
    "net.total.params_at": ("Parameters of layer {n}{name}", "第 {n} 层{name}的参数量"),
    "net.total.params.text": ("Add the parameters of the layers.", "把各层参数相加。"),
    "net.total.macs": ("Total MACs", "乘加总次数 MACs"),
    "net.total.macs_at": ("MACs of layer {n}{name}", "第 {n} 层{name}的乘加次数"),
    "net.total.params.one": ("The parameters of this layer alone, from its step above.",
                             "只计这一层的参数，数值见上面该层的步骤。"),
    "net.total.macs.one": ("The multiply–accumulates of this layer alone, from its step above.",
                           "只计这一层的乘加次数，数值见上面该层的步骤。"),
    "net.total.macs.text": ("Add the multiply–accumulates of the convolution and linear layers.",
                            "把卷积层与全连接层的乘加次数相加。"),
    "net.total.flops": ("FLOPs", "浮点运算次数 FLOPs"),
    "net.total.flops_at": ("FLOPs of layer {n}{name}", "第 {n} 层{name}的 FLOPs"),
    "net.total.flops.text": ("Each multiply–accumulate is one multiplication and one addition: FLOPs = 2 × MACs.",
                             "每次乘加包含一次乘法和一次加法：FLOPs = 2 × MACs。"),
    "net.total.rf": ("Receptive field by the closed form", "用闭式公式求感受野"),
    "net.total.rf.text": ("The closed form (Li Hang, formula (24.19), with dilation d) sums each layer's growth k−1, "
                          "scaled by its dilation and the product of the strides before it; the recurrence gives "
                          "{agree}.",
                          "闭式公式（李航《机器学习方法》式 (24.19)，此处计入膨胀 d）：把每层的增量 k−1 乘以该层的膨胀 d "
                          "及其前面各层步幅之积，再对各层求和；结果与逐层递推所得{agree}。"),
    "net.total.jump": ("Jump (effective stride)", "跳步（等效步幅）"),
    "net.total.jump_at": ("Jump (effective stride) after layer {n}{name}", "第 {n} 层{name}的跳步（等效步幅）"),
    "net.total.rf_at": ("Receptive field after layer {n}{name} by the closed form", "用闭式公式求第 {n} 层{name}的感受野"),
    "net.total.jump.text": ("The jump is the product of the strides: neighbouring units of the layer are this "
                            "far apart on the input.",
                            "跳步等于到该层为止各层步幅之积，也就是该层相邻两个单元在输入上的间距。"),
    "net.total.ratio": ("Ratio of {what}: {num} / {den}", "{what}之比：{num} / {den}"),
    "net.total.ratio.text": ("Divide the {what} of “{num}” by that of “{den}”.",
                             "用“{num}”的{what}除以“{den}”的{what}。"),
    "net.what.params": ("parameters", "参数量"),
    "net.what.macs": ("MACs", "乘加次数"),
    "net.what.flops": ("FLOPs", "FLOPs"),
    "net.yes": ("the same value", "相同"),
    "net.no": ("a different value", "不同"),
    # undefined receptive fields
    "net.rf.undefined.linear": ("a Linear layer connects every unit to its whole input",
                                "全连接层的每个单元都连接整个输入"),
    "net.rf.undefined.flatten": ("Flatten merges the spatial dimensions, so later units have no spatial "
                                 "receptive field",
                                 "Flatten 合并了空间维，之后的单元没有空间感受野"),
    "net.rf.undefined.transposed": ("a transposed convolution has a fractional stride, so the receptive field "
                                    "is not a fixed window",
                                    "转置卷积相当于分数步幅，感受野不是固定大小的窗口"),
    "net.rf.undefined.adaptive": ("adaptive pooling with an output size that does not divide the input uses "
                                  "windows of varying size",
                                  "自适应池化的输出尺寸不能整除输入时，各窗口大小不一"),
    "net.rf.undefined.flat_input": ("the input has no spatial dimension", "输入没有空间维"),
    # checks
    "net.check.shape": ("PyTorch forward pass gives {got}", "PyTorch 前向传播得到 {got}"),
    "net.check.params": ("sum of numel over trainable parameters = {got}", "可训练参数 numel 之和 = {got}"),
    "net.check.macs": ("torch.utils.flop_counter counts {flops} FLOPs = 2 × {got} MACs",
                       "torch.utils.flop_counter 统计 {flops} FLOPs = 2 × {got} MACs"),
    "net.check.flops": ("torch.utils.flop_counter counts {got} FLOPs", "torch.utils.flop_counter 统计 {got} FLOPs"),
    "net.check.rf": ("back-propagating from one output unit reaches an input window of {got}",
                     "从一个输出单元反向传播，梯度非零的区域是输入上 {got} 的窗口"),
    "net.check.jump": ("the windows of two neighbouring output units are {got} apart",
                       "相邻两个输出单元的窗口相距 {got}"),
    "net.check.ratio": ("ratio of the PyTorch counts = {got}", "PyTorch 计数之比 = {got}"),
    "net.check.closed_form": ("closed form (24.19) gives {got}, the recurrence {want}",
                              "由闭式公式 (24.19) 得 {got}，由递推得 {want}"),
    "net.check.probe_small": ("the probe input was too small to measure the window", "探测输入太小，无法测量窗口"),
})
