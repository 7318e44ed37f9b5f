"""English and Chinese wording of the steps of networks with branches (and of the layers of ``layers_extra``)."""
from ..i18n import register

register({
    "graph.plan.walk": ("Walk through the network node by node from the input shape {shape}: each layer by its "
                        "output-size formula, each block once with its formulas, repeated identical blocks by "
                        "reference; a sum needs equal shapes, a concatenation adds up the channels.",
                        "从输入形状 {shape} 出发逐个节点计算：每层用其输出尺寸公式；每种块只详细计算一次，"
                        "完全相同的重复块直接引用；相加要求形状相同，拼接则把通道数相加。"),
    "graph.plan.sums": ("Add the counts up per block, per stage and in total.", "按块、按阶段求和，再求总和。"),
    "graph.conv.graph": ("Nodes are named as print(model) names the modules (layer2.0.conv1); uses of a block with "
                         "repeat are numbered from 0, unnamed items from 1. Through a sum or a concatenation the "
                         "receptive field is the union of the windows of the branches (the largest when they are "
                         "nested), and the jump is the branches' common jump.",
                         "节点按 print(model) 的模块名称命名（如 layer2.0.conv1）；用 repeat 重复的块从 0 编号，"
                         "未命名的项从 1 编号。经过相加或拼接时，感受野是各分支窗口的并集（窗口嵌套时即最大者），"
                         "跳步是各分支共同的跳步。"),
    "graph.conv.extra": ("Embedding counts num_embeddings × embedding_dim parameters, LayerNorm γ and β over "
                         "normalized_shape, GroupNorm γ and β per channel; look-ups, normalisation, softmax, "
                         "upsampling and padding count no MACs.",
                         "Embedding 的参数为 num_embeddings × embedding_dim，LayerNorm 在 normalized_shape 上学习 "
                         "γ 与 β，GroupNorm 每个通道学习 γ 与 β；查表、归一化、softmax、上采样和填充都不计乘加。"),
    "graph.block.title": ("Block {name}: {block}({args})", "块 {name}：{block}（{args}）"),
    "graph.block.text": ("Input {shape}. The block's layers one by one, then its sums.",
                         "输入 {shape}。逐层计算块内各层，再对块求和。"),
    "graph.block.same": ("Block {name}: {block}({args}) — as {like}", "块 {name}：{block}（{args}）——同 {like}"),
    "graph.block.same.text": ("Same block, same arguments and same input shape as {like}: the same shapes and "
                              "counts, not repeated here.",
                              "与 {like} 的块类型、参数和输入形状都相同，形状与计数也相同，此处不再重复。"),
    "graph.stage.title": ("Stage {name}: {block} × {n}", "阶段 {name}：{block} × {n}"),
    "graph.stage.text": ("{n} uses of {block}; the first takes the stage's arguments, the others those of its then field.",
                         "{block} 使用 {n} 次：第一次用本阶段给出的参数，其余各次用本阶段为后续各块另行给出的参数。"),
    "graph.group.title": ("{kind} {name}", "{kind} {name}"),
    "graph.kind.residual": ("Residual", "残差结构"),
    "graph.kind.concat": ("Concatenation", "拼接结构"),
    "graph.kind.stage": ("Stage", "阶段"),
    "graph.table.nodes": ("{n} nodes", "{n} 个节点"),
    "graph.node.title": ("{name}: {label}", "{name}：{label}"),
    "graph.add.title": ("{name}: sum {inputs}", "{name}：相加 {inputs}"),
    "graph.cat.title": ("{name}: concatenation {inputs}", "{name}：拼接 {inputs}"),
    "graph.add.text": ("An element-wise sum: the shapes must be equal, and there are no parameters or MACs.",
                       "逐元素相加：各输入形状必须相同；没有参数，不计乘加。"),
    "graph.add.identity": ("The shortcut is the identity: the block's input is added unchanged.",
                           "捷径是恒等映射：块的输入原样加到输出上。"),
    "graph.cat.text": ("Stacks its inputs along dimension {dim}: that size is the sum of the inputs' sizes, the others "
                       "must agree; no parameters or MACs.",
                       "沿第 {dim} 维把各输入叠在一起：该维大小为各输入之和，其余维必须一致；没有参数，不计乘加。"),
    "graph.rf.via": ("The largest window comes through {via}.", "最大的窗口来自 {via} 这条路径。"),
    "graph.rf.jumps_differ": ("The branches have different jumps ({jumps}): the window is not the same for every "
                              "unit; the largest is given.",
                              "各分支的跳步不同（{jumps}）：各单元的窗口并不相同，这里给出最大者。"),
    "graph.sum.title": ("Sums of {name}", "{name} 的合计"),
    "graph.table.title": ("Summary by stage", "按阶段汇总"),
    "graph.table.stage": ("stage", "阶段"),
    "graph.table.what": ("what", "结构"),
    "graph.total.text": ("Add the items of the network (each block's and stage's sum from its step).",
                         "把网络各项相加（每个块和阶段的合计见其步骤）。"),
    "graph.total.at.text": ("The sum over the nodes of {name}.", "对 {name} 中的各节点求和。"),
    "graph.total.params_at": ("Parameters of {name}", "{name} 的参数量"),
    "graph.total.macs_at": ("MACs of {name}", "{name} 的乘加次数"),
    "graph.total.flops_at": ("FLOPs of {name}", "{name} 的 FLOPs"),
    "graph.total.output_shape_at": ("Output shape of {name}", "{name} 的输出形状"),
    "graph.total.rf_at": ("Receptive field of {name}", "{name} 的感受野"),
    "graph.total.jump_at": ("Jump of {name}", "{name} 的跳步"),
    "graph.total.rf.text": ("From the node-by-node recurrence; through the merges the union of the branches' windows. "
                            "The largest path: {path}.",
                            "由逐节点递推得到；经过合并节点时取各分支窗口的并集。最大感受野所经路径：{path}。"),
    "graph.total.jump.text": ("The product of the strides along any path to the node.",
                              "沿任一条到达该节点的路径，各层步幅之积。"),
    # layers of layers_extra
    "graph.layer.embedding": ("Looks each of the tokens up in a table of {n} vectors of {d} entries: a vector per "
                              "position, no MACs.",
                              "在 {n} 个 {d} 维向量组成的表中查出每个词元的向量：每个位置得到一个向量，不计乘加。"),
    "graph.layer.layer_norm": ("Normalises over the last dimensions {shape}; γ and β are learned per entry of "
                               "{shape}.",
                               "在最后的维度 {shape} 上归一化；对 {shape} 的每个元素学习 γ 与 β。"),
    "graph.layer.group_norm": ("Normalises the {c} channels in {g} groups; γ and β are learned per channel.",
                               "把 {c} 个通道分成 {g} 组分别归一化；每个通道学习 γ 与 β。"),
    "graph.layer.softmax": ("Turns the values along dimension {dim} into probabilities: shape unchanged, no "
                            "parameters.",
                            "沿第 {dim} 维把数值变为概率：形状不变，没有参数。"),
    "graph.layer.upsample": ("Enlarges the spatial sizes ({mode} interpolation): no parameters.",
                             "放大空间尺寸（{mode} 插值）：没有参数。"),
    "graph.layer.zero_pad": ("Adds zeros around the borders: each size grows by its padding.",
                             "在边界外补零：各维尺寸增加相应的填充数。"),
    "graph.layer.unflatten": ("Splits one dimension into several: same entries, new shape.",
                              "把一个维度拆成几个：元素不变，形状改变。"),
    "net.rf.undefined.embedding": ("an Embedding maps token indices, which have no spatial extent",
                                   "Embedding 处理的是词元下标，没有空间范围"),
    "net.rf.undefined.norm": ("the normalisation statistics are taken over all positions",
                              "归一化的统计量取自所有位置"),
    "net.rf.undefined.softmax": ("a softmax over a spatial dimension mixes all positions",
                                 "沿空间维的 softmax 混合了所有位置"),
    "net.rf.undefined.upsample": ("upsampling has a fractional stride, so the receptive field is not a fixed window",
                                  "上采样的步幅为分数，感受野不是固定窗口"),
    "net.rf.undefined.reshape": ("reshaping changes which dimensions are spatial", "改变形状后空间维的含义变了"),
    "graph.check.params_at": ("sum of numel over the trainable parameters of {name} = {got}",
                              "{name} 的可训练参数 numel 之和 = {got}"),
})
