"""The non-convolution half of the course: recurrent cells, optimisers, initialisation, MLP back-propagation.

One module per family, each with one primitive and its derived cases (formulas in the docstrings, doctests):

- :mod:`.recurrent` (``kind: recurrent``): parameter counts of RNN/LSTM/GRU layers (textbook: one bias per gate;
  PyTorch: two), one time step of an LSTM or GRU cell gate by gate (GRU in the D2L form and in PyTorch's),
  the gradient through time of a scalar RNN;
- :mod:`.optim` (``kind: optimizer``): SGD, momentum, weight decay and Adam, step by step;
- :mod:`.weight_init` (``kind: init``): Xavier and He variances, standard deviations and uniform bounds, and the
  variance of the activations through a deep ReLU or tanh stack;
- :mod:`.mlp` (``kind: mlp``): forward and backward pass of a one-hidden-layer MLP with softmax, cross-entropy
  and weight decay; dropout's expectation.

The solvers are pure Python (``math``, ``sympy`` for a function to minimise); :mod:`.verify` checks every answer
with PyTorch (``nn.LSTMCell``, ``nn.GRUCell``, ``torch.optim``, ``torch.nn.init``, autograd), importing torch
only there.
"""
