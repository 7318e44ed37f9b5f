"""Reference programs that need PyTorch classes (a ``Dataset``, an ``nn.Module``): course homework Q4 and Q5 and
D2L 6.2 exercise 2. Unlike :mod:`solver.code.reference` this module imports torch at its top, so it is imported
only when a reference runs; the worked solution shows its source read from this file without importing it
(:func:`solver.code.reference.program_source`), so that ``--no-verify`` never imports torch.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset

from .reference import corr2d     # D2L's corr2d: one definition (program_source shows it from reference.py)


# ------------------------------------------------------------------ homework Q4: a dataset class, read in batches

class ImageDataset(Dataset):
    """Images as read from files (N x H x W x 3, uint8) with their labels; item i is the image as a float32
    tensor 3 x size x size with values in [0, 1] (ToTensor, then a bilinear resize), and its label."""

    def __init__(self, images, labels, size):
        self.images = images
        self.labels = labels
        self.size = size

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = self.images[i].permute(2, 0, 1).float() / 255          # H x W x 3 uint8 -> 3 x H x W in [0, 1]
        x = F.interpolate(x[None], size=(self.size, self.size), mode='bilinear', align_corners=False)[0]
        return x, self.labels[i]


def load_batch(images, labels, size, batch_size, index):
    """Read the dataset in batches of batch_size (in order) and return the images of batch number index."""
    loader = DataLoader(ImageDataset(images, labels, size), batch_size=batch_size, shuffle=False)
    for k, (X, y) in enumerate(loader):
        if k == index:
            return X


# ------------------------------------------------------------------ homework Q5: one batch as one picture

def batch_grid(X, mean, std, nrow, padding=2):
    """Undo the normalisation of a batch X (B x C x H x W), lay the images out in rows of nrow with padding
    pixels of black between and around them (as torchvision.utils.make_grid), and return the picture as
    rows x columns x C (the layout plt.imshow expects)."""
    X = X * std.reshape(1, -1, 1, 1) + mean.reshape(1, -1, 1, 1)   # de-normalise: x * std + mean
    X = X.clamp(0, 1)
    B, C, H, W = X.shape
    ncol = min(nrow, B)
    nrows = (B + ncol - 1) // ncol
    grid = torch.zeros((C, nrows * (H + padding) + padding, ncol * (W + padding) + padding))
    for k in range(B):
        r, c = k // ncol, k % ncol
        top, left = r * (H + padding) + padding, c * (W + padding) + padding
        grid[:, top:top + H, left:left + W] = X[k]
    return grid.permute(1, 2, 0)


# ------------------------------------------------------------------ D2L 6.2 exercise 2: the Conv2D class, fixed

class Conv2D(nn.Module):
    """The Conv2D of D2L 6.2.3, fixed for the 1 x 1 x h x w input of the training loop in 6.2.4."""

    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        # The book's forward is corr2d(x, self.weight) + self.bias. On x of shape (1, 1, 6, 8) corr2d reads
        # x.shape[0] = 1 and x.shape[1] = 1 as the height and width: the output is 1 x (1 - 2 + 1) = 1 x 0, and
        # the loss (Y_hat - Y) ** 2 with Y of shape (1, 1, 6, 7) fails to broadcast ("The size of tensor a (0)
        # must match the size of tensor b (7) at non-singleton dimension 3") before any gradient is taken.
        # The fix: cross-correlate the image x[0, 0] and give the result the batch and channel axes back.
        return corr2d(x[0, 0], self.weight)[None, None] + self.bias


def conv2d_kernel_grad(X, Y, K):
    """The gradient of l = sum((conv2d(X) - Y) ** 2) with respect to the kernel, for the fixed Conv2D with
    weight K and bias 0 (X is 1 x 1 x h x w, Y is 1 x 1 x (h - k_h + 1) x (w - k_w + 1))."""
    conv2d = Conv2D(kernel_size=tuple(K.shape))
    conv2d.weight.data[:] = K
    Y_hat = conv2d(X)
    l = (Y_hat - Y) ** 2
    conv2d.zero_grad()
    l.sum().backward()
    return conv2d.weight.grad


def book_conv2d_error(X, Y, K):
    """What the book's Conv2D (forward = corr2d(x, weight) + bias) raises on the 4-D input: the error text."""
    weight = nn.Parameter(K.clone())
    try:
        Y_hat = corr2d(X, weight) + torch.zeros(1)
        ((Y_hat - Y) ** 2).sum().backward()
    except RuntimeError as exc:
        return str(exc)
    return ""
