"""Wording of the gradient solver."""
from ..i18n import register

register({
    "grad.plan.define": ("Write Y = W * X entry by entry from the definition of the ML convolution.",
                         "按机器学习卷积的定义逐元素写出 Y = W * X。"),
    "grad.plan.jacobian": ("Differentiate every y_kl with respect to every weight and every input: the Jacobians.",
                           "把每个 y_kl 对每个权重、每个输入求导，得到雅可比矩阵。"),
    "grad.plan.general": ("Derive the general partial derivatives with their index conditions (sympy).",
                          "推导一般的偏导数及其下标条件（sympy）。"),
    "grad.plan.backprop": ("With δ = ∂L/∂Y, write ∂L/∂W and ∂L/∂X as convolutions and check them symbolically.",
                           "记 δ = ∂L/∂Y，把 ∂L/∂W 与 ∂L/∂X 写成卷积形式并符号验证。"),
    "grad.plan.verify": ("Check everything with torch autograd on random values.", "用 torch 自动求导在随机数值上验证全部结果。"),
    "grad.def.title": ("The convolution entry by entry", "逐元素写出卷积"),
    "grad.def.text": ("Y has {K}×{L} entries, each a sum of products of weights and inputs.",
                      "Y 共有 {K}×{L} 个元素，每个都是权重与输入乘积之和。"),
    "grad.jac.title": ("Jacobian ∂Y/∂{wrt}", "雅可比矩阵 ∂Y/∂{wrt}"),
    "grad.jac.text": ("Rows follow y11, y12, … (row by row), columns the entries of {wrt} in the same order; "
                      "{r}×{c} entries, {nz} of them non-zero.",
                      "行按 y11, y12, …（逐行）排列，列按 {wrt} 的元素同样顺序排列；共 {r}×{c} 个元素，其中 {nz} 个非零。"),
    "grad.partial.W.title": ("The general ∂y_kl/∂w_mn", "一般的 ∂y_kl/∂w_mn"),
    "grad.partial.W.text": ("Only the term with weight w_mn depends on it, so the derivative is the input it multiplies.",
                            "只有含 w_mn 的那一项与它有关，所以导数就是与它相乘的输入元素。"),
    "grad.partial.X.title": ("The general ∂y_kl/∂x_ij", "一般的 ∂y_kl/∂x_ij"),
    "grad.partial.X.text": ("x_ij appears in y_kl only when the window of y_kl covers it, i.e. when i−k+1 and j−l+1 "
                            "are valid kernel indices; then it multiplies w_(i−k+1, j−l+1), otherwise the derivative is 0.",
                            "只有当 y_kl 的窗口覆盖 x_ij，即 i−k+1 与 j−l+1 是合法的核下标时，x_ij 才出现在 y_kl 中；"
                            "此时它乘以 w_(i−k+1, j−l+1)，否则导数为 0。"),
    "grad.backprop.W.title": ("Backpropagation: ∂L/∂W", "反向传播：∂L/∂W"),
    "grad.backprop.W.text": ("By the chain rule ∂L/∂w_mn = Σ δ_kl x_(k+m−1, l+n−1): δ slides over X like a kernel, "
                             "written δ * X with the kernel first. Symbolic check that every entry matches: {ok}.",
                             "由链式法则 ∂L/∂w_mn = Σ δ_kl x_(k+m−1, l+n−1)：δ 像卷积核一样在 X 上滑动，按核在前的记号即 δ * X。逐元素符号验证：{ok}。"),
    "grad.backprop.X.title": ("Backpropagation: ∂L/∂X", "反向传播：∂L/∂X"),
    "grad.backprop.X.text": ("∂L/∂x_ij = Σ δ_kl w_(i−k+1, j−l+1): the full mathematical convolution of δ with W, "
                             "i.e. the full ML convolution of δ with rot180(W). Symbolic check that every entry matches: {ok}.",
                             "∂L/∂x_ij = Σ δ_kl w_(i−k+1, j−l+1)：即 δ 与 W 的 full 数学卷积，也就是 rot180(W) 与 δ 的 full "
                             "机器学习卷积。逐元素符号验证：{ok}。"),
    "grad.yes": ("yes", "全部一致"),
    "grad.no": ("no", "有不一致"),
    "grad.check.jac": ("torch.autograd.functional.jacobian at random values agrees", "在随机数值上 torch.autograd.functional.jacobian 一致"),
    "grad.check.jac_bad": ("torch's Jacobian differs", "torch 的雅可比矩阵不一致"),
    "grad.check.partial": ("every entry of torch's Jacobian matches the general formula", "torch 雅可比矩阵的每个元素都符合一般公式"),
    "grad.check.backprop": ("autograd's gradient equals {form} at random values", "在随机数值上 autograd 的梯度等于 {form}"),
})
