"""English and Chinese wording of the convolution solvers."""
from ..i18n import register

register({
    "conv.plan.read": ("Read the given matrices and their sizes.", "写出已知矩阵及其大小。"),
    "conv.plan.compute": ("Evaluate {expr} operation by operation; for each convolution slide the kernel over the "
                          "(padded) input and write every output entry as its sum of products.",
                          "按运算顺序计算 {expr}；每次卷积都让核在（填充后的）输入上滑动，把每个输出元素写成乘积之和。"),
    "conv.plan.compare": ("Compare the two sides entry by entry.", "逐元素比较两边。"),
    "conv.plan.verify": ("Check every value independently with PyTorch (torch.nn.functional; the flipped kernel "
                         "for the mathematical convolution).",
                         "用 PyTorch（torch.nn.functional；数学卷积使用翻转后的核）独立验证每个结果。"),
    "conv.given.title": ("Given", "已知"),
    "conv.given.text": ("Indices start at 1, as in the books.", "下标从 1 开始，与教材一致。"),
    "conv.corr.title": ("ML convolution (cross-correlation) {expr}", "机器学习卷积（互相关）{expr}"),
    "conv.conv.title": ("Mathematical convolution {expr}", "数学卷积 {expr}"),
    "conv.pool.title": ("{how} pooling {expr}", "{how}池化 {expr}"),
    "conv.how.max": ("Max", "最大"),
    "conv.how.avg": ("Average", "平均"),
    "conv.channel": (" — input channel {c}", "——输入通道 {c}"),
    "conv.channel_out": (" — output channel {o}, input channel {c}", "——输出通道 {o}，输入通道 {c}"),
    "conv.corr.text": ("The kernel slides over the input from left to right and top to bottom; each output entry "
                       "is the inner product of the kernel with the window it covers: {formula}{geometry}.",
                       "核在输入上从左到右、从上到下滑动；每个输出元素是核与其覆盖窗口的内积：{formula}{geometry}。"),
    "conv.corr.text_1d": ("The kernel slides along the input; each output entry is the inner product of the kernel "
                          "with the window it covers: {formula}{geometry}.",
                          "核沿输入滑动；每个输出元素是核与其覆盖窗口的内积：{formula}{geometry}。"),
    "conv.conv.text": ("The mathematical convolution flips the kernel: W ⊛ X = rot180(W) * X (Li Hang 24.1). "
                       "Rotate the kernel by 180°, then slide it as in the ML convolution: {formula}{geometry}.",
                       "数学卷积要翻转卷积核：W ⊛ X = rot180(W) * X（李航 习题 24.1）。先把核旋转 180°，"
                       "再按机器学习卷积滑动：{formula}{geometry}。"),
    "conv.conv.text_1d": ("The mathematical convolution flips the kernel: reverse it, then slide it as in the ML "
                          "convolution: {formula}{geometry}.",
                          "数学卷积要翻转卷积核：先把核反转，再按机器学习卷积滑动：{formula}{geometry}。"),
    "conv.pool.text": ("Each output entry is the {how} of its {k}×{k} window{geometry}.",
                       "每个输出元素取其 {k}×{k} 窗口的{how}{geometry}。"),
    "conv.how.max.word": ("maximum", "最大值"),
    "conv.how.avg.word": ("mean", "平均值"),
    "conv.geometry": (" (stride {stride}, padding {padding}{mode})", "（步幅 {stride}，填充 {padding}{mode}）"),
    "conv.mode": (", {mode} mode", "，{mode} 模式"),
    "conv.entries.all": ("Every entry, with the numbers in:", "逐个写出每个元素："),
    "conv.entries.some": ("The first row of entries with the numbers in ({shown} of {total}); the others follow "
                          "the same rule:",
                          "先写出第一行元素（共 {total} 个中的 {shown} 个），其余元素按同样规则计算："),
    "conv.sum.title": ("Add the channels", "各通道结果相加"),
    "conv.sum.text": ("With several input channels the per-channel results are added.",
                      "多输入通道时，把各通道的结果相加。"),
    "conv.op.title": ("{expr}", "{expr}"),
    "conv.op.rot180": ("Rotate by 180°: a'_ij = a_(I−i+1, J−j+1).", "旋转 180°：a'_ij = a_(I−i+1, J−j+1)。"),
    "conv.op.rot90": ("Rotate by 90° counter-clockwise: the last column becomes the first row.",
                      "逆时针旋转 90°：最后一列变成第一行。"),
    "conv.op.rot90cw": ("Rotate by 90° clockwise: the first column, read upwards, becomes the first row.",
                        "顺时针旋转 90°：第一列自下而上变成第一行。"),
    "conv.op.T": ("Transpose: rows become columns.", "转置：行变成列。"),
    "conv.op.mm": ("Matrix product.", "矩阵乘积。"),
    "conv.op.flat": ("Lay each channel out as one row (C × H·W); a bank of 1×1 kernels becomes its C_out × C_in "
                     "weight matrix.", "把每个通道排成一行（C × H·W）；一组 1×1 卷积核变成 C_out × C_in 的权重矩阵。"),
    "conv.op.vec": ("Stack the entries row by row into one column.", "按行把元素排成一列。"),
    "conv.op.toeplitz": ("The matrix C with vec(K * X) = C · vec(X): row (k, l) holds the kernel where its window "
                         "meets X.",
                         "矩阵 C 满足 vec(K * X) = C · vec(X)：第 (k, l) 行在窗口覆盖 X 的位置放置核元素。"),
    "conv.op.im2col": ("im2col: each column is one window of X, read row by row.", "im2col：每一列是 X 的一个窗口（按行读取）。"),
    "conv.compose.title": ("Is K one {m1}×{n1} kernel followed by one {m2}×{n2} kernel?",
                           "K 能否写成一个 {m1}×{n1} 核与一个 {m2}×{n2} 核的复合？"),
    "conv.compose.yes": ("Writing K as a polynomial, K = A·B gives {n} equations in the unknown entries; with the scale "
                         "fixed (t·A and B/t give the same K: B's first non-zero entry is taken as 1) sympy finds "
                         "{s} solution(s), at least one real: K is such a composition.",
                         "把 K 写成多项式，K = A·B 给出关于未知元素的 {n} 个方程；固定比例（t·A 与 B/t 给出同一个 K：取 B 的第一个"
                         "非零元素为 1）后，sympy 求得 {s} 组解，其中至少一组为实数：K 可以这样分解。"),
    "conv.compose.no": ("Writing K as a polynomial, K = A·B gives {n} equations in the unknown entries; with the scale "
                        "fixed (t·A and B/t give the same K: B's first non-zero entry is taken as 1) sympy finds "
                        "{s} solution(s), all complex: no real {m1}×{n1} and {m2}×{n2} kernels compose to K, so the "
                        "converse fails — K is a counterexample.",
                        "把 K 写成多项式，K = A·B 给出关于未知元素的 {n} 个方程；固定比例（t·A 与 B/t 给出同一个 K：取 B 的第一个"
                        "非零元素为 1）后，sympy 求得 {s} 组解，全部为复数：不存在实的 "
                        "{m1}×{n1} 与 {m2}×{n2} 核能复合成 K，因此逆命题不成立——K 就是反例。"),
    "conv.check.compose": ("fitting two kernels by Levenberg–Marquardt from up to 8 starts leaves a squared error of {err}",
                           "用 Levenberg–Marquardt 从至多 8 个起点拟合两个卷积核，最小平方误差为 {err}"),
    "conv.out_channel": (" — output channel {o}", "——输出通道 {o}"),
    "conv.result.title": ("The value of {part}", "{part} 的值"),
    "conv.result.title.label": ("Asked for: {part}", "所求：{part}"),      # a part the exercise names in words
    "conv.result.text": ("{expr}, as computed above, is the answer to this part.", "上面算出的 {expr} 就是本问所求。"),
    "conv.equal.title": ("Compare {expr}", "比较 {expr}"),
    "conv.equal.yes": ("The two sides are equal entry by entry.", "两边逐元素相等。"),
    "conv.equal.no": ("The two sides differ: {where}.", "两边不相等：{where}。"),
    "conv.equal.shape": ("the shapes differ ({a} vs {b})", "形状不同（{a} 与 {b}）"),
    "conv.equal.entries": ("{n} entries differ, e.g. at ({i}, {j}): {a} vs {b}",
                           "有 {n} 个元素不同，例如位置 ({i}, {j})：{a} 与 {b}"),
    "conv.check.value": ("torch.nn.functional gives {got}", "torch.nn.functional 得到 {got}"),
    "conv.check.mismatch": ("torch.nn.functional gives {got}, not {ours}", "torch.nn.functional 得到 {got}，而不是 {ours}"),
    "conv.check.equal": ("torch evaluates both sides: {verdict}", "torch 计算两边：{verdict}"),
    "conv.equal.word": ("equal", "相等"),
    "conv.differ.word": ("different", "不相等"),
})
