"""English and Chinese wording of the programming exercises (``kind: code``) and of their grading.

The keys start with ``code.``; the solver uses ``code.plan.*``, ``code.step.*``, ``code.contract.*`` and
``code.verify.*``; the sandboxed grader (:mod:`grader.sandbox`) uses ``code.case.*``, ``code.fail.*`` and
``code.contain.*``.
"""
from __future__ import annotations

from ..i18n import register


class Code:
    """Program text (language-neutral, like :class:`solver.i18n.Plain`) that must be shown verbatim:
    line breaks and indentation matter. ``verbatim`` lets a renderer print it as a code block."""

    verbatim = True
    language = "python"

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, lang: str) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Code) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("Code", self.text))

    def __repr__(self) -> str:
        return f"Code({self.text!r})"


register({
    # ---------------------------------------------------------------- solution
    "code.plan.contract": ("Read the contract: the function's name, its arguments and what it must return.",
                           "明确函数约定：函数名、参数以及应返回的结果。"),
    "code.plan.reference": ("Write the reference implementation in the style of D2L (torch tensors, float32).",
                            "按 D2L 的写法给出参考实现（torch 张量，float32）。"),
    "code.plan.cases": ("Run it on the fixed inputs and show the results; the grader also uses {random} random "
                        "inputs (seed {seed}).",
                        "在固定输入上运行并给出结果；评分时另用 {random} 组随机输入（种子 {seed}）。"),
    "code.plan.verify": ("Check the reference independently with PyTorch on every input (torch.nn.functional or "
                         "float64 arithmetic).",
                         "在每组输入上用 PyTorch（torch.nn.functional 或 float64 运算）独立验证参考实现。"),
    "code.step.contract.title": ("The function to write: {signature}", "要编写的函数：{signature}"),
    "code.step.contract.text": ("{contract} Return a torch tensor of dtype {dtype}. The grader calls the function "
                                "on fixed and random inputs and compares shape, dtype and values (relative "
                                "tolerance {rtol}, absolute {atol}).",
                                "{contract}返回 dtype 为 {dtype} 的 torch 张量。评分程序在固定输入和随机输入上调用该"
                                "函数，比较形状、dtype 和数值（相对误差 {rtol}，绝对误差 {atol}）。"),
    "code.step.reference.title": ("Reference implementation", "参考实现"),
    "code.step.reference.uses": ("Reference implementation (it uses {uses}, which the file must define too)",
                                 "参考实现（其中用到 {uses}，提交的文件也须定义）"),
    "code.step.cases.title": ("Results on the fixed inputs", "固定输入上的结果"),
    "code.step.cases.inputs": ("The fixed inputs", "固定输入"),
    "code.step.cases.text": ("The grader runs the fixed inputs below first, then {random} random ones.",
                             "评分时先运行下面的固定输入，再运行 {random} 组随机输入。"),
    "code.step.cases.none": ("The exercise gives no fixed inputs; the grader uses {random} random ones.",
                             "本题没有固定输入；评分时使用 {random} 组随机输入。"),
    "code.step.case.title": ("Input {n}", "输入 {n}"),
    "code.step.case.not_run": ("The reference runs on this input with the checks (without --no-verify).",
                               "参考实现在验证时（不加 --no-verify）在此输入上运行。"),
    "code.step.case.text": ("{call} returns a {shape} tensor.", "{call} 返回形状为 {shape} 的张量。"),

    # contracts, one per reference function
    "code.contract.corr2d": (
        "X is a 2-D tensor (h × w) and K a 2-D kernel (k_h × k_w); return the (h − k_h + 1) × (w − k_w + 1) "
        "cross-correlation Y with Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b].",
        "X 为二维张量（h × w），K 为二维卷积核（k_h × k_w）；返回 (h − k_h + 1) × (w − k_w + 1) 的互相关结果 Y，"
        "其中 Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b]。"),
    "code.contract.learn_kernel": (
        "Given an input X, a target Y and a starting kernel K0, start from K = K0 and repeat steps times "
        "K ← K − lr · ∂L/∂K, where L = Σ ((X ⋆ K) − Y)² is the summed squared error (no bias); return the learned "
        "kernel (same shape as K0).",
        "给定输入 X、目标 Y 和初始卷积核 K0，从 K = K0 出发，重复 steps 次 K ← K − lr · ∂L/∂K，其中 "
        "L = Σ ((X ⋆ K) − Y)² 为平方误差之和（无偏置）；返回学到的卷积核（形状与 K0 相同）。"),
    "code.contract.kernel_matrix": (
        "Given a kernel K (k_h × k_w) and an input size h × w, return the (o_h·o_w) × (h·w) matrix W with "
        "corr2d(X, K).reshape(-1) == W @ X.reshape(-1) for every h × w input X (row-major flattening; "
        "o_h = h − k_h + 1, o_w = w − k_w + 1).",
        "给定卷积核 K（k_h × k_w）和输入大小 h × w，返回 (o_h·o_w) × (h·w) 的矩阵 W，使得对任意 h × w 的输入 X 都有 "
        "corr2d(X, K).reshape(-1) == W @ X.reshape(-1)（按行展平；o_h = h − k_h + 1，o_w = w − k_w + 1）。"),
    "code.contract.derivative_kernel": (
        "Given d ≥ 0, return the 1 × (d + 1) kernel K whose cross-correlation with samples f(0), f(1), … "
        "gives the d-th forward difference Δ^d f (d = 1: [[−1, 1]]; d = 2: [[1, −2, 1]]).",
        "给定 d ≥ 0，返回 1 × (d + 1) 的卷积核 K，使它与采样值 f(0), f(1), … 的互相关给出 d 阶前向差分 Δ^d f"
        "（d = 1 时为 [[−1, 1]]；d = 2 时为 [[1, −2, 1]]）。"),
    "code.contract.corr2d_multi_in": (
        "X is c × h × w and K is c × k_h × k_w; cross-correlate each input channel with its kernel and add the "
        "results: a (h − k_h + 1) × (w − k_w + 1) tensor.",
        "X 为 c × h × w，K 为 c × k_h × k_w；每个输入通道与对应的核做互相关并把结果相加，得到 "
        "(h − k_h + 1) × (w − k_w + 1) 的张量。"),
    "code.contract.corr2d_multi_in_out": (
        "X is c_i × h × w and K is c_o × c_i × k_h × k_w; return the c_o × (h − k_h + 1) × (w − k_w + 1) tensor "
        "whose channel o is the multi-input cross-correlation of X with K[o].",
        "X 为 c_i × h × w，K 为 c_o × c_i × k_h × k_w；返回 c_o × (h − k_h + 1) × (w − k_w + 1) 的张量，其第 o 个通道"
        "是 X 与 K[o] 的多输入通道互相关。"),
    "code.contract.corr2d_multi_in_out_1x1": (
        "X is c_i × h × w and K is c_o × c_i × 1 × 1; compute the 1 × 1 convolution as one matrix "
        "multiplication (c_o × c_i) @ (c_i × hw) and return it as a c_o × h × w tensor.",
        "X 为 c_i × h × w，K 为 c_o × c_i × 1 × 1；用一次矩阵乘法 (c_o × c_i) @ (c_i × hw) 计算 1 × 1 卷积，"
        "并以 c_o × h × w 的张量返回。"),
    "code.contract.pool2d": (
        "X is a 2-D tensor, pool_size = (p_h, p_w) and mode is 'max' or 'avg'; return the "
        "(h − p_h + 1) × (w − p_w + 1) tensor of window maxima or means (stride 1, no padding).",
        "X 为二维张量，pool_size = (p_h, p_w)，mode 为 'max' 或 'avg'；返回 (h − p_h + 1) × (w − p_w + 1) 的张量，"
        "元素为各窗口的最大值或平均值（步幅 1，无填充）。"),
    "code.contract.load_batch": (
        "images is N × H × W × 3 (uint8, as a photo is read from a file), labels holds one label per image. Write a "
        "Dataset class whose item i is (image i as a float32 tensor 3 × size × size with values in [0, 1], label i): "
        "divide by 255, put the channels first, resize with F.interpolate(…, size=(size, size), mode='bilinear', "
        "align_corners=False); __len__ is the number of images. load_batch reads it in batches of batch_size, in order "
        "(as DataLoader(…, batch_size, shuffle=False) does), and returns the images of batch number index (counting "
        "from 0; the last batch may be smaller): a float32 tensor B × 3 × size × size.",
        "images 为 N × H × W × 3（uint8，即从文件读入的图片），labels 为每张图片的标签。编写一个 Dataset 类，其第 i 项为"
        "（第 i 张图片，转换为取值在 [0, 1] 的 float32 张量 3 × size × size；第 i 个标签）：除以 255，把通道放到最前，"
        "用 F.interpolate(…, size=(size, size), mode='bilinear', align_corners=False) 统一尺寸；__len__ 返回图片数。"
        "load_batch 按顺序以 batch_size 为一批读取（与 DataLoader(…, batch_size, shuffle=False) 相同），返回第 index 个批次"
        "（从 0 开始计数，最后一批可能较小）的图片：float32 张量 B × 3 × size × size。"),
    "code.contract.batch_grid": (
        "X is a normalised batch B × C × H × W, mean and std hold one value per channel. Undo the normalisation "
        "(x · std + mean, clamped to [0, 1]), lay the images out row by row, nrow per row (fewer columns when B < "
        "nrow), with padding pixels of 0 between and around them (as torchvision.utils.make_grid), and return the "
        "picture as rows × columns × C, the layout plt.imshow expects.",
        "X 为标准化后的一个批次 B × C × H × W，mean 和 std 为每个通道的均值和标准差。先反标准化（x · std + mean，并截断到 "
        "[0, 1]），再把图片逐行排列，每行 nrow 张（B < nrow 时列数为 B），图片之间和四周留 padding 个值为 0 的像素"
        "（与 torchvision.utils.make_grid 相同），最后以 行 × 列 × C 的形式返回整幅图（plt.imshow 需要的布局）。"),
    "code.contract.conv2d_kernel_grad": (
        "Fix the Conv2D class of D2L 6.2.3 so that it accepts the 1 × 1 × h × w input of the training loop of "
        "6.2.4. Then, with its weight set to K and its bias 0, compute l = Σ (conv2d(X) − Y)², call backward and "
        "return the gradient of l with respect to the weight (a tensor of the shape of K).",
        "修正 D2L 6.2.3 节的 Conv2D 类，使它能接受 6.2.4 节训练循环中 1 × 1 × h × w 的输入。然后把它的权重设为 K、"
        "偏置设为 0，计算 l = Σ (conv2d(X) − Y)²，调用 backward，返回 l 对权重的梯度（与 K 形状相同的张量）。"),

    "code.verify.ok": ("the reference {function} agrees with {truth} on all {n} inputs ({fixed} fixed, {random} "
                       "random)",
                       "参考实现 {function} 在全部 {n} 组输入（{fixed} 组固定，{random} 组随机）上与 {truth} 一致"),
    "code.verify.fail": ("the reference {function} disagrees with {truth} on {case}: largest difference {diff}",
                         "参考实现 {function} 在{case}上与 {truth} 不一致：最大差 {diff}"),
    "code.verify.shape": ("the reference {function} returns shape {got} on {case}, {truth} gives {want}",
                          "参考实现 {function} 在{case}上返回形状 {got}，{truth} 给出 {want}"),
    "code.truth.conv2d": ("torch.nn.functional.conv2d", "torch.nn.functional.conv2d"),
    "code.truth.pool": ("torch.nn.functional.max_pool2d / avg_pool2d", "torch.nn.functional.max_pool2d / avg_pool2d"),
    "code.truth.basis": ("conv2d of the unit images (column p of W is the response to a one at pixel p)",
                         "单位图像的 conv2d（W 的第 p 列是像素 p 处为 1 的图像的响应）"),
    "code.truth.moments": ("the moment conditions solved in float64 (degree < d → 0, n^d → d!)",
                           "float64 求解的矩条件（次数 < d 的多项式 → 0，n^d → d!）"),
    "code.truth.gradient": ("gradient descent with the gradient written out, in float64",
                            "显式写出梯度的 float64 梯度下降"),
    "code.step.book.title": ("The book's version on fixed input 1", "书中的版本在固定输入 1 上的表现"),
    "code.step.book.text": ("Run as the book writes it, it stops with: “{error}” (the source prints “{printed}”).",
                            "按书中的写法运行，它报错：“{error}”（原文给出的是“{printed}”）。"),
    "code.step.book.not_run": ("The source prints the error “{printed}”; the checks run the book's version to "
                               "compare (without --no-verify).",
                               "原文给出的错误消息为“{printed}”；验证时（不加 --no-verify）运行书中的版本加以比较。"),
    "code.verify.book_ok": ("the book's version raises the error the source prints: “{error}”",
                            "书中的版本确实给出原文所印的错误：“{error}”"),
    "code.verify.book_fail": ("the source prints “{printed}”; in fact the book's version raises “{error}”",
                              "原文印的是“{printed}”；实际上书中的版本给出的是“{error}”"),
    "code.truth.images": ("slicing the images and a bilinear resize written out in numpy (float64), without Dataset, "
                          "DataLoader or interpolate",
                          "直接切片取图片并用 numpy 写出的双线性插值（float64），不用 Dataset、DataLoader 或 interpolate"),
    "code.truth.grid": ("the picture stitched in numpy (pad, reshape, transpose) in float64",
                        "用 numpy 拼接（填充、reshape、转置）得到的整幅图（float64）"),
    "code.truth.differences": ("central differences of the loss in float64, entry by entry",
                               "逐个元素对损失做中心差分（float64）"),

    # ---------------------------------------------------------------- grading
    "code.case.fixed": ("fixed input {n}", "固定输入 {n}"),
    "code.case.random": ("random input {n} (seed {seed})", "随机输入 {n}（种子 {seed}）"),
    "code.pass": ("All {n} inputs pass ({fixed} fixed, {random} random): shapes, dtypes and values match the "
                  "reference.",
                  "全部 {n} 组输入（{fixed} 组固定，{random} 组随机）通过：形状、dtype 和数值都与参考实现一致。"),
    "code.passed": ("{k} of {n} inputs pass.", "{n} 组输入中通过 {k} 组。"),
    "code.fail.first": ("First failing input: {case}.", "第一个未通过的输入：{case}。"),
    "code.fail.inputs": ("Input: {inputs}", "输入：{inputs}"),
    "code.fail.shape": ("Wrong shape: got {got}, expected {want}.", "形状错误：得到 {got}，应为 {want}。"),
    "code.fail.off_by_one": ("Wrong shape: got {got}, expected {want} — off by one (the output size is "
                             "h − k_h + 1).",
                             "形状错误：得到 {got}，应为 {want}——相差 1（输出大小为 h − k_h + 1）。"),
    "code.fail.transposed": ("The result is the transpose of the expected one (rows and columns swapped).",
                             "结果是正确结果的转置（行与列对调了）。"),
    "code.fail.flipped": ("The result is what the kernel rotated by 180° gives: this is the mathematical "
                          "convolution, not the cross-correlation.",
                          "结果相当于把卷积核旋转 180° 后的结果：这是数学卷积，而不是互相关。"),
    "code.fail.values": ("Wrong values: {n} of {total} entries differ; first at index {index}: got {got}, "
                         "expected {want}.",
                         "数值错误：{total} 个元素中有 {n} 个不同；第一个在下标 {index}：得到 {got}，应为 {want}。"),
    "code.fail.expected": ("Expected: {value}", "应为：{value}"),
    "code.fail.got": ("Got: {value}", "得到：{value}"),
    "code.fail.dtype": ("Wrong dtype: got {got}, expected {want} (the values are right; D2L builds tensors with "
                        "torch.zeros, which is float32).",
                        "dtype 错误：得到 {got}，应为 {want}（数值正确；D2L 用 torch.zeros 创建张量，默认为 float32）。"),
    "code.fail.type": ("Returned {got}; expected a torch tensor.", "返回了 {got}；应返回 torch 张量。"),
    "code.fail.exception": ("The function raised {error}.", "函数抛出了异常 {error}。"),
    "code.fail.not_finite": ("The result contains NaN or infinity.", "结果中含有 NaN 或无穷大。"),
    "code.fail.too_big": ("The result is too large to compare ({n} entries).", "结果过大，无法比较（{n} 个元素）。"),
    "code.contain.empty": ("The submission is empty.", "提交的程序为空。"),
    "code.contain.too_long": ("The submission is larger than {kb} KB.", "提交的程序超过 {kb} KB。"),
    "code.contain.not_found": ("The program file {file} was not found next to the answer file.",
                               "在答案文件所在的文件夹中找不到程序文件 {file}。"),
    "code.contain.outside": ("The program file {file} is outside the answer file's folder.",
                             "程序文件 {file} 不在答案文件所在的文件夹内。"),
    "code.contain.syntax": ("The file does not compile: {error} (line {line}).", "文件无法编译：{error}（第 {line} 行）。"),
    "code.contain.missing": ("The file defines no function {function}.", "文件中没有定义函数 {function}。"),
    "code.contain.not_callable": ("{function} is not a function.", "{function} 不是函数。"),
    "code.contain.load_error": ("Loading the file raised {error}.", "加载文件时抛出了异常 {error}。"),
    "code.contain.timeout": ("Stopped after {s} s: the program ran too long (an endless loop?).",
                             "运行 {s} 秒后被终止：程序运行时间过长（是否有死循环？）。"),
    "code.contain.memory": ("Stopped: the program needed more than {mb} MB of memory.",
                            "已终止：程序所需内存超过 {mb} MB。"),
    "code.contain.output": ("Stopped: the program printed more than {kb} KB.", "已终止：程序输出超过 {kb} KB。"),
    "code.contain.blocked": ("The program tried something the grader does not allow: {what}.",
                             "程序尝试了评分程序不允许的操作：{what}。"),
    "code.contain.crashed": ("The program stopped abnormally ({how}).", "程序异常终止（{how}）。"),
    "code.contain.no_result": ("The program ended before returning its results (exit code {code}).",
                               "程序在返回结果之前就结束了（退出码 {code}）。"),
    "code.contain.supervisor": ("The program stopped the process that supervised it; the run was discarded.",
                                "程序终止了监控它的进程；本次运行作废。"),
    "code.contain.not_own": ("The program file {file} is not clearly this student's own: in a folder shared by "
                             "several answer files, put it in a folder or under a name that starts with {owner} "
                             "({owner}/corr2d.py, {owner}_corr2d.py).",
                             "无法确认程序文件 {file} 属于该学生：多份答案文件放在同一个文件夹中时，程序文件应放在以 "
                             "{owner} 命名的文件夹中，或以 {owner} 开头命名（如 {owner}/corr2d.py、{owner}_corr2d.py）。"),
    "code.contain.weak": ("Not run: this machine offers no strong sandbox for student programs (bubblewrap, or "
                          "a grader running as root); the teacher can allow the weak sandbox with "
                          "--allow-weak-sandbox.",
                          "未运行：本机没有可靠的沙箱来运行学生程序（需要 bubblewrap，或以 root 身份运行评分程序）；"
                          "教师可以用 --allow-weak-sandbox 允许在较弱的沙箱中运行。"),
    "code.contain.hidden": ("Stopped: the program tried to hide a forbidden operation from the grader.",
                            "已终止：程序试图向评分程序隐瞒被禁止的操作。"),
    "code.fail.malformed": ("The function's result could not be read as a tensor or an array (it may only pose as "
                            "one).",
                            "无法把函数的返回值读作张量或数组（它可能只是伪装成张量或数组）。"),
    "code.contain.bad_name": ("The program file name {file} contains a NUL character.",
                              "程序文件名 {file} 含有 NUL 字符。"),
    "code.contain.symlink": ("The program file {file} is reached through a symbolic link: links are not followed.",
                             "程序文件 {file} 要经过符号链接才能访问：符号链接不会被跟随。"),
    "code.contain.not_regular": ("The program file {file} is not a regular file (a FIFO, a device or a socket).",
                                 "程序文件 {file} 不是普通文件（而是命名管道、设备或套接字）。"),
    "code.contain.internal": ("The sandbox could not run the program: {why}.", "沙箱无法运行该程序：{why}。"),
    "code.review": ("The tests pass, but the program tried forbidden operations: a teacher should look at it.",
                    "测试通过，但程序尝试了被禁止的操作：需要教师审阅。"),
})

# Words inside the reference formulas (\\text{…}), looked up by their English by the renderers.
register({
    "math.code_image": ("image", "图像"), "math.code_bilinear": ("bilinear", "双线性插值"),
    "math.code_batch": ("batch", "批次"), "math.code_batches": ("number of batches", "批次数"),
    "math.code_picture": ("picture", "整幅图"), "math.code_image_at": ("image", "图像"),
    "math.code_at_row": ("at row", "的起始行"), "math.code_column": ("column", "起始列"),
    "math.code_shape": ("shape", "形状"), "math.code_new": ("new", "新"), "math.code_lr": ("lr", "学习率"),
})
