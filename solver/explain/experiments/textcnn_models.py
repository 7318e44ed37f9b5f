"""The TextCNN experiment's two models (they subclass ``nn.Module``, so importing this module imports torch:
:mod:`.textcnn` imports it only when the experiment runs)."""
from __future__ import annotations

import torch
from torch import nn


class TextCNN(nn.Module):
    """Embedding → one branch per kernel size (Conv1d → ReLU → max over time → flatten) → concat → dropout → linear."""

    def __init__(self, vocab: int, dim: int, branches: list[nn.Module], head: nn.Module) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.branches = nn.ModuleList(branches)
        self.head = head

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        e = self.embedding(tokens).transpose(1, 2)          # [N, L, d] → [N, d, L]: channels = embedding dims
        return self.head(torch.cat([b(e) for b in self.branches], dim=1))


class BagOfWords(nn.Module):
    """The baseline: the mean of the word vectors → linear (no word order)."""

    def __init__(self, vocab: int, dim: int) -> None:
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.fc = nn.Linear(dim, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.fc(self.embedding(tokens))
