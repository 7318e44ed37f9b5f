"""Wording of the closed-form receptive-field proof (solver/network/proof.py)."""
from __future__ import annotations

from ..i18n import register

# from solver/network/proof.py
register({
    "proof.plan": ("Prove (24.19) by induction on l from the recurrence; sympy checks the base case and the "
                   "induction step; random stacks confirm it numerically.",
                   "由递推式对 l 用数学归纳法证明 (24.19)；sympy 验证基础情形与归纳步骤；再用随机网络数值验证。"),
    "proof.claim.title": ("The claim and the recurrence", "待证关系与递推式"),
    "proof.claim.text": ("F(j) is the kernel size of layer j, S(i) its stride (S(0) = 1); I(l) is the distance on "
                         "the input between neighbouring units of layer l−1 (the jump). Each layer widens the "
                         "receptive field by F(l)−1 steps of size I(l).",
                         "F(j) 为第 j 层卷积核的大小，S(i) 为第 i 层的步幅（约定 S(0) = 1）；I(l) 为第 l−1 层相邻单元在输入上的距离"
                         "（跳步）。第 l 层的卷积核比单个单元多覆盖 F(l)−1 个位置，相邻位置在输入上相距 I(l)，"
                         "所以感受野增加 (F(l)−1)·I(l)。"),
    "proof.jump.title": ("The jump in closed form", "跳步的闭式表达式"),
    "proof.jump.text": ("By induction I(l) = S(0)·S(1)···S(l−1): true for l = 1 (I(1) = S(0) = 1), and if it holds for "
                        "l−1, I(l) = I(l−1)·S(l−1) appends the factor S(l−1) to the product. sympy: the difference "
                        "is {res}.",
                        "对 l 用归纳法可得 I(l) = S(0)·S(1)·…·S(l−1)：l = 1 时 I(1) = S(0) = 1；若对 l−1 成立，"
                        "则 I(l) = I(l−1)·S(l−1) 正好在乘积末尾添上因子 S(l−1)。sympy 验证两者之差为 {res}。"),
    "proof.base.title": ("Base case l = 1", "基础情形 l = 1"),
    "proof.base.text": ("A single layer sees exactly its kernel: R(1) = F(1). The formula gives the same (sympy: "
                        "difference {res}).",
                        "只有一层时，感受野恰好是卷积核的大小：R(1) = F(1)。由 (24.19) 得到同样的结果"
                        "（sympy 验证两者之差为 {res}）。"),
    "proof.step.title": ("Induction step", "归纳步骤"),
    "proof.step.text": ("Assume (24.19) for l−1. Substitute it into the recurrence and split the last term off the "
                        "sum in (24.19) for l: the two sides agree (sympy: difference {res}). Hence (24.19) holds "
                        "for every l.",
                        "假设 (24.19) 对 l−1 成立，把它代入递推式；再把 l 时 (24.19) 右端求和的最后一项单独写出，"
                        "两边完全相同（sympy 验证差为 {res}）。由数学归纳法，(24.19) 对所有 l ≥ 1 成立。"),
    "proof.numeric.title": ("Numeric confirmation on {n} random stacks", "在 {n} 个随机网络上的数值验证"),
    "proof.numeric.text": ("Random all-convolution stacks (1–8 layers, kernel sizes 1–7, strides 1–3): the recurrence "
                           "and the closed form {ok}. A few of them:",
                           "随机生成全卷积网络（1–8 层，卷积核大小 1–7，步幅 1–3）：递推式与关系式 (24.19) 的结果{ok}。"
                           "部分示例如下："),
    "proof.stack": ("kernel sizes / strides", "卷积核大小 / 步幅"),
    "proof.closed": ("R (24.19)", "R（24.19）"),
    "proof.recurrence": ("R (recurrence)", "R（递推）"),
    "proof.yes": ("agree on every one of them", "在全部网络上都相同"),
    "proof.no": ("disagree on some of them", "在部分网络上不同"),
    # the numeric part in the book's notation (F, S, I, R of relation (24.19)) rather than PyTorch's k, s, J
    "proof.plan.rf": ("Follow the receptive field R(l) and the jump I(l) layer by layer with the recurrence, then "
                      "confirm R(l) with relation (24.19).",
                      "用递推式逐层求感受野 R(l) 与跳步 I(l)，再用关系式 (24.19) 验证 R(l)。"),
    "proof.cv.rf": ("R and I are in input pixels, from R(0) = I(1) = 1; the jump after layer l is I(l+1)",
                    "R 与 I 以输入像素计，R(0) = I(1) = 1；第 l 层之后的跳步为 I(l+1)"),
    "proof.cv.pad": ("the padding P is per side, so the size formula adds 2P", "填充 P 指每一侧的填充，尺寸公式中加 2P"),
    "proof.cv.union": ("through a sum or a concatenation, R is the union of the branches' windows and I their "
                       "common jump", "经过相加或拼接时，R 取各分支窗口的并集，I 为各分支共同的跳步"),
    "proof.layer.conv": ("Each output size follows the convolution formula with kernel size F, stride S and padding P "
                         "on each side.",
                         "各维输出尺寸由卷积公式给出：卷积核大小 F，步幅 S，每侧填充 P。"),
    "proof.layer.conv_d": ("Each output size follows the convolution formula with kernel size F, stride S, padding P "
                           "on each side and dilation d.",
                           "各维输出尺寸由卷积公式给出：卷积核大小 F，步幅 S，每侧填充 P，膨胀 d。"),
    "proof.layer.pool": ("Pooling uses the convolution formula with the pool's own window F, stride S and padding P "
                         "on each side; it has no parameters and keeps the channels.",
                         "池化使用同一个卷积尺寸公式，代入池化自己的窗口 F、步幅 S 与每侧填充 P；池化没有参数，"
                         "通道数不变。"),
    "proof.table.rf": ("R(l)", "感受野 R(l)"),
    "proof.table.jump": ("I(l+1)", "跳步 I(l+1)"),
    "proof.total.rf": ("Receptive field by relation (24.19)", "用关系式 (24.19) 求感受野"),
    "proof.total.rf_at": ("Receptive field R({n}) of layer {n}{name} by relation (24.19)",
                          "用关系式 (24.19) 求第 {n} 层{name}的感受野 R({n})"),
    "proof.total.rf.same": ("By relation (24.19): add up each layer's growth F(j) − 1 times the jump "
                            "I(j) = S(0)·S(1)···S(j−1) into it. The recurrence above gives the same value.",
                            "由关系式 (24.19)，把每层的增量 F(j) − 1 乘以进入该层时的跳步 I(j) = S(0)·S(1)·…·S(j−1)，"
                            "再求和。结果与上面逐层递推所得相同。"),
    "proof.total.rf.differs": ("By relation (24.19): add up each layer's growth F(j) − 1 times the jump "
                               "I(j) = S(0)·S(1)···S(j−1) into it. The recurrence above gives a different value.",
                               "由关系式 (24.19)，把每层的增量 F(j) − 1 乘以进入该层时的跳步 I(j) = S(0)·S(1)·…·S(j−1)，"
                               "再求和。结果与上面逐层递推所得不同。"),
    "proof.total.jump.text": ("The jump after layer l is I(l+1) = S(0)·S(1)···S(l), the product of the strides of "
                              "layers 1 to l (S(0) = 1): neighbouring units of layer l are this far apart on the input.",
                              "第 l 层之后的跳步为 I(l+1) = S(0)·S(1)·…·S(l)，即第 1 层到第 l 层的步幅之积"
                              "（S(0) = 1），也就是第 l 层相邻两个单元在输入上的间距。"),
    "proof.check.symbolic": ("base case and induction step reduce to 0", "基础情形与归纳步骤均化简为 0"),
    "proof.check.torch": ("back-propagation on {n} random stacks measures the closed-form receptive field",
                          "在 {n} 个随机网络上反向传播测得的感受野与关系式 (24.19) 一致"),
})
