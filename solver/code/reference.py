"""Reference implementations of the D2L chapter 6 programming exercises, and what the checker needs to
know about each: its parameters, how to draw random inputs, and an independent way to compute the
truth (``torch.nn.functional``, or float64 arithmetic) that :func:`solver.code.solve.verify` compares
the reference with.

The reference functions are written the way *Dive into Deep Learning* writes them (§6.2, §6.4, §6.5):
they take and return ``torch`` tensors, build outputs with ``torch.zeros`` (so ``float32``), and loop
in Python. Their source is what the worked solution shows.

Example:
    >>> import torch
    >>> corr2d(torch.arange(9.).reshape(3, 3), torch.arange(4.).reshape(2, 2))
    tensor([[19., 25.],
            [37., 43.]])
"""
from __future__ import annotations

import functools
import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Callable

from ..lazy import lazy

np = lazy("numpy")           # imported on first use: reading a code exercise under --no-verify imports neither
torch = lazy("torch")
nn = lazy("torch.nn")
F = lazy("torch.nn.functional")


# ------------------------------------------------------------------ the reference implementations
# (kept close to the book; the source of each function is shown in the worked solution)

def corr2d(X, K):
    """Compute the 2-D cross-correlation of X with the kernel K."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def learn_kernel(X, Y, K0, lr=3e-2, steps=10):
    """Learn the kernel mapping X to Y by gradient descent on the summed squared error,
    starting from K0 (D2L 6.2.4: a bias-free Conv2d, lr 3e-2, 10 steps)."""
    conv2d = nn.Conv2d(1, 1, kernel_size=tuple(K0.shape), bias=False)
    conv2d.weight.data[:] = K0.reshape(conv2d.weight.shape)
    X = X.reshape((1, 1) + tuple(X.shape))
    Y = Y.reshape((1, 1) + tuple(Y.shape))
    for i in range(steps):
        Y_hat = conv2d(X)
        l = (Y_hat - Y) ** 2
        conv2d.zero_grad()
        l.sum().backward()
        conv2d.weight.data[:] -= lr * conv2d.weight.grad
    return conv2d.weight.data.reshape(K0.shape).clone()


def kernel_matrix(K, h, w):
    """The (oh*ow) x (h*w) matrix W such that corr2d(X, K).reshape(-1) == W @ X.reshape(-1)
    for every h x w input X: convolution as a matrix multiplication."""
    kh, kw = K.shape
    oh, ow = h - kh + 1, w - kw + 1
    W = torch.zeros((oh * ow, h * w))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    W[i * ow + j, (i + a) * w + (j + b)] = K[a, b]
    return W


def derivative_kernel(d):
    """The 1 x (d+1) kernel whose cross-correlation with samples f(0), f(1), ... gives the
    d-th forward difference (the discrete d-th derivative)."""
    K = torch.zeros((1, d + 1))
    for m in range(d + 1):
        K[0, m] = (-1) ** (d - m) * math.comb(d, m)
    return K


def corr2d_multi_in(X, K):
    """Iterate over the input channels of X and K, cross-correlate, and add up."""
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X, K):
    """One multi-input cross-correlation per output channel of K, stacked on dimension 0."""
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X, K):
    """A 1x1 convolution as a matrix multiplication: (c_o x c_i) @ (c_i x hw)."""
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))


def pool2d(X, pool_size, mode='max'):
    """Maximum or average pooling of a 2-D tensor, stride 1, no padding."""
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


# ------------------------------------------------------------------ parameters and inputs


@dataclass(frozen=True)
class Param:
    """One parameter: ``kind`` is tensor (of ``rank``), int, float, pair (of ints) or choice."""

    name: str
    kind: str
    rank: int = 0
    choices: tuple = ()
    default: Any = None
    optional: bool = False
    dtype: str = "float32"          # a tensor's dtype: float32, or uint8 (images as read from files)


def _tensor(values: Any) -> torch.Tensor:
    return torch.tensor(np.asarray(values, dtype=np.float32))


def _small_ints(rng: np.random.Generator, shape: tuple[int, ...], low: int = -4, high: int = 4) -> torch.Tensor:
    """Small integers as float32: every sum of products is exact, so results compare without rounding noise."""
    return _tensor(rng.integers(low, high + 1, size=shape))


def _hw(rng: np.random.Generator, lo: int, hi: int) -> tuple[int, int]:
    """A height and width, different more often than not (a transposed result then has the wrong shape)."""
    h, w = int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))
    return h, w


def _kernel_hw(rng: np.random.Generator, h: int, w: int, most: int = 3) -> tuple[int, int]:
    return int(rng.integers(1, min(h, most) + 1)), int(rng.integers(1, min(w, most) + 1))


def _random_corr2d(rng: np.random.Generator, opts: dict) -> dict:
    h, w = _hw(rng, 2, opts.get("max_size", 7))
    kh, kw = _kernel_hw(rng, h, w)
    return {"X": _small_ints(rng, (h, w)), "K": _small_ints(rng, (kh, kw))}


def _random_multi_in(rng: np.random.Generator, opts: dict) -> dict:
    c = int(rng.integers(1, opts.get("max_channels", 3) + 1))
    h, w = _hw(rng, 2, opts.get("max_size", 6))
    kh, kw = _kernel_hw(rng, h, w)
    return {"X": _small_ints(rng, (c, h, w)), "K": _small_ints(rng, (c, kh, kw))}


def _random_multi_in_out(rng: np.random.Generator, opts: dict) -> dict:
    ci, co = (int(rng.integers(1, opts.get("max_channels", 3) + 1)) for _ in range(2))
    h, w = _hw(rng, 2, opts.get("max_size", 6))
    kh, kw = _kernel_hw(rng, h, w)
    return {"X": _small_ints(rng, (ci, h, w)), "K": _small_ints(rng, (co, ci, kh, kw))}


def _random_1x1(rng: np.random.Generator, opts: dict) -> dict:
    ci, co = (int(rng.integers(1, opts.get("max_channels", 4) + 1)) for _ in range(2))
    h, w = _hw(rng, 1, opts.get("max_size", 6))
    return {"X": _small_ints(rng, (ci, h, w)), "K": _small_ints(rng, (co, ci, 1, 1))}


def _random_pool(rng: np.random.Generator, opts: dict) -> dict:
    h, w = _hw(rng, 2, opts.get("max_size", 7))
    ph, pw = _kernel_hw(rng, h, w)
    mode = ("max", "avg")[int(rng.integers(0, 2))]
    return {"X": _small_ints(rng, (h, w), -9, 9), "pool_size": (ph, pw), "mode": mode}


def _random_kernel_matrix(rng: np.random.Generator, opts: dict) -> dict:
    h, w = _hw(rng, 2, opts.get("max_size", 5))
    kh, kw = _kernel_hw(rng, h, w)
    return {"K": _small_ints(rng, (kh, kw)), "h": h, "w": w}


def _random_derivative(rng: np.random.Generator, opts: dict) -> dict:
    return {"d": int(rng.integers(0, opts.get("max_order", 6) + 1))}


def _hessian_max(X: np.ndarray, kh: int, kw: int) -> float:
    """Largest eigenvalue of the Hessian of the summed squared error in the kernel entries."""
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    windows = np.stack([X[i:i + kh, j:j + kw].reshape(-1) for i in range(oh) for j in range(ow)])
    return float(np.linalg.eigvalsh(2 * windows.T @ windows).max())


def _random_learn(rng: np.random.Generator, opts: dict) -> dict:
    """A black-and-white image with vertical edges (as in D2L), its edges under [1, -1], a random start;
    step size and step count drawn so that gradient descent converges (lr times the largest Hessian
    eigenvalue below 1.8), so that rounding differences do not blow up."""
    while True:
        h, w = int(rng.integers(3, 7)), int(rng.integers(5, 9))
        columns = rng.integers(0, 2, size=w)
        X = np.tile(columns, (h, 1)).astype(np.float32)
        lr = float((3e-2, 2e-2, 1e-2)[int(rng.integers(0, 3))])
        steps = int((5, 10, 15)[int(rng.integers(0, 3))])
        if X.sum() and lr * _hessian_max(X, 1, 2) < 1.8:
            break
    Xt = _tensor(X)
    K0 = _tensor(np.round(rng.uniform(-1, 1, size=(1, 2)), 2))
    return {"X": Xt, "Y": corr2d(Xt, _tensor([[1, -1]])), "K0": K0, "lr": lr, "steps": steps}


def _random_images(rng: np.random.Generator, opts: dict) -> dict:
    """A few "photos" (N x H x W x 3, uint8, the size of neither the output nor each other's side), a label each,
    an output size, a batch size and a batch index (the last batch, often smaller, about half the time)."""
    n = int(rng.integers(3, 11))
    h, w = _hw(rng, 3, opts.get("max_size", 12))
    images = torch.tensor(rng.integers(0, 256, size=(n, h, w, 3)), dtype=torch.uint8)
    batch = int(rng.integers(2, 6))
    batches = -(-n // batch)
    index = batches - 1 if rng.random() < 0.5 else int(rng.integers(0, batches))
    return {"images": images, "labels": _tensor(rng.integers(0, 2, size=n)), "size": int(rng.integers(2, 9)),
            "batch_size": batch, "index": index}


def _random_grid(rng: np.random.Generator, opts: dict) -> dict:
    """A normalised batch (values beyond the range that de-normalises into [0, 1], so the clamp matters),
    a per-channel mean and std, a row length and a padding."""
    b, c = int(rng.integers(1, 8)), int(rng.choice([1, 3]))
    h, w = _hw(rng, 2, opts.get("max_size", 5))
    X = _tensor(np.round(rng.normal(0, 1.5, size=(b, c, h, w)), 2))
    mean = _tensor(np.round(rng.uniform(0.3, 0.6, size=c), 4))
    std = _tensor(np.round(rng.uniform(0.15, 0.35, size=c), 4))
    return {"X": X, "mean": mean, "std": std, "nrow": int(rng.integers(1, 5)), "padding": int(rng.integers(0, 3))}


def _random_conv_grad(rng: np.random.Generator, opts: dict) -> dict:
    h, w = _hw(rng, 2, opts.get("max_size", 7))
    kh, kw = _kernel_hw(rng, h, w)
    return {"X": _small_ints(rng, (1, 1, h, w)), "Y": _small_ints(rng, (1, 1, h - kh + 1, w - kw + 1)),
            "K": _small_ints(rng, (kh, kw), -2, 2)}


# ------------------------------------------------------------------ independent truth


def _truth_corr2d(a: dict) -> torch.Tensor:
    return F.conv2d(a["X"][None, None], a["K"][None, None])[0, 0]


def _truth_multi_in(a: dict) -> torch.Tensor:
    return F.conv2d(a["X"][None], a["K"][None])[0, 0]


def _truth_multi_in_out(a: dict) -> torch.Tensor:
    return F.conv2d(a["X"][None], a["K"])[0]


def _truth_pool(a: dict) -> torch.Tensor:
    pool = F.max_pool2d if a.get("mode", "max") == "max" else F.avg_pool2d
    return pool(a["X"][None, None], tuple(a["pool_size"]), stride=1)[0, 0]


def _truth_kernel_matrix(a: dict) -> torch.Tensor:
    """Column p of W is the response to the p-th unit image (a one at pixel p): conv2d of each basis image."""
    h, w = a["h"], a["w"]
    basis = torch.eye(h * w).reshape(h * w, 1, h, w)
    responses = F.conv2d(basis, a["K"][None, None])           # (h*w, 1, oh, ow)
    return responses.reshape(h * w, -1).T.contiguous()


def _truth_derivative(a: dict) -> torch.Tensor:
    """The unique kernel of length d+1 that maps every polynomial of degree < d to 0 and n^d to d!:
    solve the (d+1)×(d+1) Vandermonde system in float64 (the moments Σ_m k_m m^j = d!·[j = d])."""
    d = a["d"]
    V = np.array([[float(m) ** j for m in range(d + 1)] for j in range(d + 1)])
    rhs = np.zeros(d + 1)
    rhs[d] = math.factorial(d)
    return torch.tensor(np.linalg.solve(V, rhs)[None, :], dtype=torch.float64)


def _truth_learn(a: dict) -> torch.Tensor:
    """The same gradient descent with the gradient written out (no autograd, no Conv2d), in float64:
    dL/dK[a, b] = 2 Σ_ij (Ŷ − Y)[i, j] · X[i + a, j + b]."""
    X, Y = a["X"].double().numpy(), a["Y"].double().numpy()
    K = a["K0"].double().numpy().copy()
    kh, kw = K.shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    for _ in range(a.get("steps", 10)):
        Yh = np.array([[np.sum(X[i:i + kh, j:j + kw] * K) for j in range(ow)] for i in range(oh)])
        E = Yh - Y
        grad = np.array([[2 * np.sum(E * X[p:p + oh, q:q + ow]) for q in range(kw)] for p in range(kh)])
        K = K - a.get("lr", 3e-2) * grad
    return torch.tensor(K)


def _bilinear(img: np.ndarray, size: int) -> np.ndarray:
    """Resize a C x H x W array to C x size x size by bilinear interpolation with half-pixel centres (source
    coordinate (i + 0.5)·H/size − 0.5, clamped at 0; the two neighbours clamped at the border), in float64."""
    def axis(n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = np.maximum((np.arange(size) + 0.5) * n_in / size - 0.5, 0.0)
        lo = np.minimum(np.floor(src).astype(int), n_in - 1)
        return lo, np.minimum(lo + 1, n_in - 1), src - lo
    (r0, r1, fr), (c0, c1, fc) = axis(img.shape[1]), axis(img.shape[2])
    top = img[:, r0][:, :, c0] * (1 - fc) + img[:, r0][:, :, c1] * fc
    bottom = img[:, r1][:, :, c0] * (1 - fc) + img[:, r1][:, :, c1] * fc
    return top * (1 - fr)[None, :, None] + bottom * fr[None, :, None]


def _truth_images(a: dict) -> torch.Tensor:
    """Batch ``index`` by slicing (no Dataset, no DataLoader, no interpolate): images index·B … index·B + B − 1,
    each H x W x 3 → 3 x H x W divided by 255, resized by :func:`_bilinear`."""
    imgs = a["images"].numpy().astype(np.float64)
    start = a["index"] * a["batch_size"]
    chosen = imgs[start:start + a["batch_size"]]
    return torch.tensor(np.stack([_bilinear(im.transpose(2, 0, 1) / 255.0, a["size"]) for im in chosen]))


def _truth_grid(a: dict) -> torch.Tensor:
    """The seed's fourth way (numpy stitching): pad each de-normalised image on the top and left, fill the last
    row with blank images, arrange the blocks with one reshape and transpose, pad the bottom and right."""
    X = a["X"].double().numpy()
    mean, std = a["mean"].double().numpy(), a["std"].double().numpy()
    p, nrow = a.get("padding", 2), a["nrow"]
    imgs = np.clip(X * std[None, :, None, None] + mean[None, :, None, None], 0, 1).transpose(0, 2, 3, 1)
    b, h, w, c = imgs.shape
    ncol = min(nrow, b)
    rows = -(-b // ncol)
    blocks = np.zeros((rows * ncol, h + p, w + p, c))
    blocks[:b, p:, p:] = imgs
    picture = blocks.reshape(rows, ncol, h + p, w + p, c).transpose(0, 2, 1, 3, 4).reshape(rows * (h + p),
                                                                                        ncol * (w + p), c)
    return torch.tensor(np.pad(picture, ((0, p), (0, p), (0, 0))))


def _truth_conv_grad(a: dict) -> torch.Tensor:
    """Central differences of L(K) = Σ (X ⋆ K − Y)² in float64, entry by entry (exact up to rounding: L is
    quadratic in K)."""
    X, Y, K = a["X"].double().numpy()[0, 0], a["Y"].double().numpy()[0, 0], a["K"].double().numpy()
    kh, kw = K.shape

    def loss(k: np.ndarray) -> float:
        out = np.array([[np.sum(X[i:i + kh, j:j + kw] * k) for j in range(Y.shape[1])] for i in range(Y.shape[0])])
        return float(np.sum((out - Y) ** 2))
    grad = np.zeros_like(K)
    step = 1e-3
    for p in range(kh):
        for q in range(kw):
            e = np.zeros_like(K)
            e[p, q] = step
            grad[p, q] = (loss(K + e) - loss(K - e)) / (2 * step)
    return torch.tensor(grad)


# ------------------------------------------------------------------ consistency of fixed inputs


def _need(cond: bool, message: str) -> str | None:
    return None if cond else message


def _check_corr2d(a: dict) -> str | None:
    X, K = a["X"], a["K"]
    return _need(K.shape[0] <= X.shape[0] and K.shape[1] <= X.shape[1], "the kernel K is larger than X")


def _check_multi_in(a: dict) -> str | None:
    X, K = a["X"], a["K"]
    if X.shape[0] != K.shape[0]:
        return f"X has {X.shape[0]} channels but K has {K.shape[0]}"
    return _need(K.shape[1] <= X.shape[1] and K.shape[2] <= X.shape[2], "the kernel K is larger than X")


def _check_multi_in_out(a: dict) -> str | None:
    X, K = a["X"], a["K"]
    if X.shape[0] != K.shape[1]:
        return f"X has {X.shape[0]} channels but K expects {K.shape[1]} (K is c_o × c_i × k_h × k_w)"
    return _need(K.shape[2] <= X.shape[1] and K.shape[3] <= X.shape[2], "the kernel K is larger than X")


def _check_1x1(a: dict) -> str | None:
    X, K = a["X"], a["K"]
    if tuple(K.shape[2:]) != (1, 1):
        return "K must be c_o × c_i × 1 × 1"
    return _need(X.shape[0] == K.shape[1], f"X has {X.shape[0]} channels but K expects {K.shape[1]}")


def _check_pool(a: dict) -> str | None:
    X, (ph, pw) = a["X"], a["pool_size"]
    if ph < 1 or pw < 1:
        return "pool_size must be positive"
    return _need(ph <= X.shape[0] and pw <= X.shape[1], "the pooling window is larger than X")


def _check_kernel_matrix(a: dict) -> str | None:
    K = a["K"]
    return _need(1 <= K.shape[0] <= a["h"] and 1 <= K.shape[1] <= a["w"], "the kernel K is larger than h × w")


def _check_derivative(a: dict) -> str | None:
    return _need(0 <= a["d"] <= 12, "d must be between 0 and 12")


def _check_learn(a: dict) -> str | None:
    X, Y, K0 = a["X"], a["Y"], a["K0"]
    want = (X.shape[0] - K0.shape[0] + 1, X.shape[1] - K0.shape[1] + 1)
    if tuple(Y.shape) != want:
        return f"Y must be {want[0]} × {want[1]} (the output size of X under a {K0.shape[0]} × {K0.shape[1]} kernel)"
    return _need(a["steps"] >= 0 and a["lr"] > 0, "steps must be ≥ 0 and lr positive")


def _check_images(a: dict) -> str | None:
    images, labels = a["images"], a["labels"]
    if images.shape[-1] != 3:
        return "images is N × H × W × 3 (RGB, as read from files)"
    if labels.shape[0] != images.shape[0]:
        return f"there are {images.shape[0]} images but {labels.shape[0]} labels"
    if a["size"] < 1 or a["batch_size"] < 1:
        return "size and batch_size must be at least 1"
    return _need(a["index"] * a["batch_size"] < images.shape[0],
                 f"there is no batch {a['index']}: {images.shape[0]} images in batches of {a['batch_size']}")


def _check_grid(a: dict) -> str | None:
    X, mean, std = a["X"], a["mean"], a["std"]
    if not (X.shape[1] == mean.shape[0] == std.shape[0]):
        return f"X has {X.shape[1]} channels: mean and std need one value each"
    values = std.tolist() if hasattr(std, "tolist") else std.data      # a tensor, or nested lists (--no-verify)
    if min(values) <= 0:
        return "std must be positive"
    return _need(a["nrow"] >= 1, "nrow must be at least 1")


def _check_conv_grad(a: dict) -> str | None:
    X, Y, K = a["X"], a["Y"], a["K"]
    if tuple(X.shape[:2]) != (1, 1) or tuple(Y.shape[:2]) != (1, 1):
        return "X and Y are 1 × 1 × h × w (a batch of one single-channel image, as in D2L 6.2.4)"
    want = (X.shape[2] - K.shape[0] + 1, X.shape[3] - K.shape[1] + 1)
    if min(want) < 1:
        return "the kernel K is larger than X"
    return _need(tuple(Y.shape[2:]) == want, f"Y must be 1 × 1 × {want[0]} × {want[1]} (the output size of X under K)")


# ------------------------------------------------------------------ the catalogue


@dataclass(frozen=True)
class Reference:
    """A reference function and what the checker needs to know about it."""

    name: str
    fn: Callable
    params: tuple[Param, ...]
    random: Callable[[np.random.Generator, dict], dict]
    truth: Callable[[dict], torch.Tensor]
    check: Callable[[dict], str | None]
    formula: tuple[str, ...]
    uses: tuple[str, ...] = ()
    tolerance: dict = field(default_factory=lambda: {"rtol": 1e-5, "atol": 1e-5})
    program: tuple[str, ...] = ()   # definitions in solver/code/programs.py shown as the source (classes too)
    book: str | None = None         # a function of programs.py running the book's faulty version: its error text

    def call(self, args: dict) -> torch.Tensor:
        return self.fn(**args)

    def source(self) -> str:
        """The source of the helpers it uses, then its own (what a student's file would contain)."""
        if self.program:
            return program_source(self.program)
        parts = [inspect.getsource(REFERENCES[u].fn) for u in self.uses] + [inspect.getsource(self.fn)]
        return _with_imports("\n\n\n".join(p.rstrip() for p in parts) + "\n")


_T2 = (Param("X", "tensor", 2), Param("K", "tensor", 2))

REFERENCES: dict[str, Reference] = {}


def _add(ref: Reference) -> None:
    REFERENCES[ref.name] = ref


_add(Reference("corr2d", corr2d, _T2, _random_corr2d, _truth_corr2d, _check_corr2d,
               (r"Y_{ij} = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} X_{i+a,\,j+b} \, K_{ab}",
                r"\text{shape}(Y) = (h-k_h+1) \times (w-k_w+1)")))
_add(Reference("learn_kernel", learn_kernel,
               (Param("X", "tensor", 2), Param("Y", "tensor", 2), Param("K0", "tensor", 2),
                Param("lr", "float", default=3e-2, optional=True), Param("steps", "int", default=10, optional=True)),
               _random_learn, _truth_learn, _check_learn,
               (r"L(K) = \sum_{i,j} \left( (X \ast K)_{ij} - Y_{ij} \right)^2",
                r"\frac{\partial L}{\partial K_{ab}} = 2 \sum_{i,j} \left( (X \ast K)_{ij} - Y_{ij} \right) "
                r"X_{i+a,\,j+b}",
                r"K_{\text{new}} = K - \text{lr} \cdot \frac{\partial L}{\partial K}"),
               tolerance={"rtol": 1e-4, "atol": 1e-5}))
_add(Reference("kernel_matrix", kernel_matrix, (Param("K", "tensor", 2), Param("h", "int"), Param("w", "int")),
               _random_kernel_matrix, _truth_kernel_matrix, _check_kernel_matrix,
               (r"\operatorname{vec}(X \ast K) = W \operatorname{vec}(X), \qquad "
                r"W_{i o_w + j,\ (i+a) w + (j+b)} = K_{ab}",
                r"\text{shape}(W) = (o_h o_w) \times (h w)")))
_add(Reference("derivative_kernel", derivative_kernel, (Param("d", "int"),), _random_derivative,
               _truth_derivative, _check_derivative,
               (r"K_{0m} = (-1)^{d-m} \frac{d!}{m! \, (d-m)!}, \quad m = 0, \dots, d",
                r"\sum_{m=0}^{d} K_{0m} f(n+m) = \Delta^d f(n)")))
_add(Reference("corr2d_multi_in", corr2d_multi_in, (Param("X", "tensor", 3), Param("K", "tensor", 3)),
               _random_multi_in, _truth_multi_in, _check_multi_in,
               (r"Y_{ij} = \sum_{c} \sum_{a,b} X_{c,\,i+a,\,j+b} \, K_{c,ab}",),
               uses=("corr2d",)))
_add(Reference("corr2d_multi_in_out", corr2d_multi_in_out, (Param("X", "tensor", 3), Param("K", "tensor", 4)),
               _random_multi_in_out, _truth_multi_in_out, _check_multi_in_out,
               (r"Y_{o,ij} = \sum_{c} \sum_{a,b} X_{c,\,i+a,\,j+b} \, K_{o,c,ab}",
                r"\text{shape}(Y) = c_o \times (h-k_h+1) \times (w-k_w+1)"),
               uses=("corr2d", "corr2d_multi_in")))
_add(Reference("corr2d_multi_in_out_1x1", corr2d_multi_in_out_1x1, (Param("X", "tensor", 3), Param("K", "tensor", 4)),
               _random_1x1, _truth_multi_in_out, _check_1x1,
               (r"Y_{o,ij} = \sum_{c} K_{o,c} \, X_{c,ij}, \qquad "
                r"Y_{c_o \times hw} = K_{c_o \times c_i} \, X_{c_i \times hw}",)))
_add(Reference("pool2d", pool2d,
               (Param("X", "tensor", 2), Param("pool_size", "pair"),
                Param("mode", "choice", choices=("max", "avg"), default="max", optional=True)),
               _random_pool, _truth_pool, _check_pool,
               (r"Y_{ij} = \max_{0 \le a < p_h,\ 0 \le b < p_w} X_{i+a,\,j+b} \quad \text{or} \quad "
                r"\frac{1}{p_h p_w} \sum_{a,b} X_{i+a,\,j+b}",)))


def _with_imports(body: str) -> str:
    """A reference program as a student's file: the import lines its body uses, then the body."""
    imports = [line for line, used in (("import math", "math." in body), ("import torch", True),
                                       ("from torch import nn", "nn." in body),
                                       ("from torch.nn import functional as F", "F." in body),
                                       ("from torch.utils.data import DataLoader, Dataset", "DataLoader" in body))
               if used]
    return "\n".join(imports) + "\n\n\n" + body


def program_source(names: tuple[str, ...]) -> str:
    """The import lines and the named top-level definitions of ``programs.py`` (or of this module, for the
    helpers both share, such as ``corr2d``), read with :mod:`ast` (programs.py imports torch; reading its text
    does not)."""
    found = _definitions()
    return _with_imports("\n\n\n".join(found[n] for n in names) + "\n")


@functools.lru_cache(maxsize=1)
def _definitions() -> dict[str, str]:
    """Every top-level function and class of ``reference.py`` then ``programs.py`` (the latter's win), as text.
    Each file is split into lines once (``ast.get_source_segment`` re-splits the whole file per definition)."""
    import ast
    import pathlib
    found: dict[str, str] = {}
    for name in ("reference.py", "programs.py"):
        text = (pathlib.Path(__file__).parent / name).read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.end_lineno is not None:
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                found[node.name] = "\n".join(lines[first - 1:node.end_lineno])
    return found


class _Program:
    """The reference ``name`` of programs.py, imported when it first runs (a class, not a closure: a solution
    holding it is pickled when solved in a worker process)."""

    def __init__(self, name: str) -> None:
        self.name = self.__name__ = name

    def __call__(self, **args: Any) -> Any:
        import importlib
        return getattr(importlib.import_module("solver.code.programs"), self.name)(**args)


_add(Reference("load_batch", _Program("load_batch"),
               (Param("images", "tensor", 4, dtype="uint8"), Param("labels", "tensor", 1), Param("size", "int"),
                Param("batch_size", "int"), Param("index", "int")),
               _random_images, _truth_images, _check_images,
               (r"x = \frac{\text{image}}{255} \in [0, 1]^{3 \times H \times W},\quad "
                r"\text{bilinear}: [0, 1]^{3 \times H \times W} \to [0, 1]^{3 \times s \times s}",
                r"\text{batch } k = (x_{kB}, \dots, x_{\min(kB + B,\, N) - 1}), \qquad "
                r"\text{number of batches} = \lceil N / B \rceil"),
               tolerance={"rtol": 1e-5, "atol": 1e-6}, program=("ImageDataset", "load_batch")))
_add(Reference("batch_grid", _Program("batch_grid"),
               (Param("X", "tensor", 4), Param("mean", "tensor", 1), Param("std", "tensor", 1), Param("nrow", "int"),
                Param("padding", "int", default=2, optional=True)),
               _random_grid, _truth_grid, _check_grid,
               (r"\tilde x_{b,c} = \operatorname{clamp}(x_{b,c} \cdot \sigma_c + \mu_c,\ 0,\ 1)",
                r"n_{col} = \min(\text{nrow}, B),\quad n_{row} = \lceil B / n_{col} \rceil,\quad "
                r"\text{picture} = (n_{row}(H + p) + p) \times (n_{col}(W + p) + p) \times C",
                r"\text{image } k \text{ at row } (k \,//\, n_{col})(H + p) + p,\ \text{column } "
                r"(k \bmod n_{col})(W + p) + p"),
               program=("batch_grid",)))
_add(Reference("conv2d_kernel_grad", _Program("conv2d_kernel_grad"),
               (Param("X", "tensor", 4), Param("Y", "tensor", 4), Param("K", "tensor", 2)),
               _random_conv_grad, _truth_conv_grad, _check_conv_grad,
               (r"l(K) = \sum_{i,j} \left( (X \ast K)_{ij} - Y_{ij} \right)^2",
                r"\frac{\partial l}{\partial K_{ab}} = 2 \sum_{i,j} \left( (X \ast K)_{ij} - Y_{ij} \right) "
                r"X_{i+a,\,j+b}"),
               program=("corr2d", "Conv2D", "conv2d_kernel_grad"), book="book_conv2d_error"))


def random_cases(ref: Reference, count: int, seed: int, opts: dict | None = None) -> list[dict]:
    """``count`` random argument sets for ``ref`` (numpy PCG64: the same on every machine)."""
    rng = np.random.default_rng(seed)
    return [ref.random(rng, dict(opts or {})) for _ in range(count)]
