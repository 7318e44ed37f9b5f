"""PyTorch checks of the recurrent, optimiser, initialisation and MLP answers (torch is imported here only).

Each verifier rebuilds the problem with torch — ``nn.LSTM``/``nn.GRU`` parameter counts, ``nn.LSTMCell``/``nn.GRUCell``
loaded with the given weights, ``torch.optim`` fed the given gradients, ``torch.nn.init`` statistics on large seeded
tensors, autograd on the MLP — and compares with the solver's answers, part by part.
"""
from __future__ import annotations

import math
from typing import Any

from ..i18n import Msg, Plain
from ..model import Exercise
from ..values import shape_text, show_value
from ..steps import Check, Solution


def _close(a: Any, b: Any, rel: float = 1e-9, abs_tol: float = 1e-12) -> bool:
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_close(x, y, rel, abs_tol) for x, y in zip(a, b))
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_tol)


def _show(v: Any) -> Plain:
    if isinstance(v, list) and v and isinstance(v[0], float):
        return Plain("[" + ", ".join(f"{x:.6g}" for x in v) + "]")
    return Plain(show_value(v))


# ------------------------------------------------------------------ recurrent


def verify_recurrent(ex: Exercise, solution: Solution) -> list[Check]:
    import torch
    torch.manual_seed(0)
    ctx = solution.context
    family = ctx["family"]
    checks: list[Check] = []
    if family == "counts":
        cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[ctx["cell"]]
        with torch.device("meta"):
            rnn = cls(ctx["x"], ctx["h"], ctx["layers"], bidirectional=ctx["bidirectional"])
            head = torch.nn.Linear(ctx["h"] * (2 if ctx["bidirectional"] else 1), ctx["head"]) if ctx["head"] else None
        head_n = sum(p.numel() for p in head.parameters()) if head is not None else 0
        pytorch = sum(p.numel() for p in rnn.parameters()) + head_n
        book = sum(p.numel() for n, p in rnn.named_parameters() if not n.startswith("bias_hh")) + head_n
        for part in ex.ask:
            ours = solution.answers[part.id]
            want = (pytorch - book if part.quantity == "params_difference" else
                    book if part.options.get("convention", "pytorch") == "textbook" else pytorch)
            ok = ours == want
            checks.append(Check("torch", part.id, ok,
                                Msg("rnn.check.count", cell=ctx["cell"], torch_count=pytorch, book=book) if ok else
                                Msg("rnn.check.count_bad", torch_count=pytorch, book=book, ours=ours)))
        return checks
    if family == "cell_path":
        c0 = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        c, factors = c0, []
        for x in ctx["x"]:
            prev = c
            f = torch.sigmoid(torch.tensor(ctx["w"] * x + ctx["b"], dtype=torch.float64))
            i, g = torch.sigmoid(torch.tensor(x, dtype=torch.float64)), torch.tanh(torch.tensor(x, dtype=torch.float64))
            c = f * prev + i * g
            factors.append(float(torch.autograd.grad(c, prev, retain_graph=True)[0]))
        grad = float(torch.autograd.grad(c, c0)[0])
        for part in ex.ask:
            want = grad if part.quantity == "bptt_gradient" else factors
            ours = solution.answers[part.id]
            ok = _close(ours, want, 1e-9, 1e-15)
            checks.append(Check("torch", part.id, ok, Msg("rnn.check.path", g=_show(want)) if ok else
                                Msg("rnn.check.bptt_bad", g=_show(want), ours=_show(ours))))
        return checks
    if family == "bptt":
        act = torch.sigmoid if ctx["activation"] == "sigmoid" else torch.tanh
        h0 = torch.tensor(float(ctx["h0"]), dtype=torch.float64, requires_grad=True)
        h = h0
        factors = []
        for x in ctx["x"]:
            prev = h
            h = act(ctx["w"] * prev + ctx["u"] * x + ctx["b"])
            factors.append(float(torch.autograd.grad(h, prev, retain_graph=True)[0]))
        grad = float(torch.autograd.grad(h, h0)[0])
        bound = ctx["values"]["bound"]
        for part in ex.ask:
            ours = solution.answers[part.id]
            if part.quantity == "bptt_gradient":
                ok = _close(ours, grad, 1e-9, 1e-15)
                checks.append(Check("torch", part.id, ok, Msg("rnn.check.bptt", g=_show(grad)) if ok else
                                    Msg("rnn.check.bptt_bad", g=_show(grad), ours=_show(ours))))
            elif part.quantity == "bptt_factors":
                ok = _close(ours, factors, 1e-9, 1e-15)
                checks.append(Check("torch", part.id, ok, Msg("rnn.check.bptt", g=_show(factors)) if ok else
                                    Msg("rnn.check.bptt_bad", g=_show(factors), ours=_show(ours))))
            else:
                ok = abs(grad) <= bound * (1 + 1e-12) and _close(ours, bound)
                checks.append(Check("torch", part.id, ok, Msg("rnn.check.bound", g=_show(grad), b=_show(bound))))
        return checks
    x = torch.tensor([ctx["x"]], dtype=torch.float64)
    h = torch.tensor([ctx["h"]], dtype=torch.float64)
    n = h.shape[1]
    gates = {g: (torch.tensor(W, dtype=torch.float64), torch.tensor(b, dtype=torch.float64))
             for g, (W, b) in ctx["gates"].items()}
    order = ("i", "f", "c", "o") if family == "lstm" else ("r", "z", "h")
    cell = (torch.nn.LSTMCell if family == "lstm" else torch.nn.GRUCell)(x.shape[1], n).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.cat([gates[g][0][:, n:] for g in order]))
        cell.weight_hh.copy_(torch.cat([gates[g][0][:, :n] for g in order]))
        cell.bias_ih.copy_(torch.cat([gates[g][1] for g in order]))
        cell.bias_hh.zero_()
    hx = torch.cat([h, x], dim=1)
    with torch.no_grad():
        pre = {g: hx @ W.T + b for g, (W, b) in gates.items()}
        if family == "lstm":
            c = torch.tensor([ctx["c"]], dtype=torch.float64)
            h1, c1 = cell(x, (h, c))
            values = {"f": torch.sigmoid(pre["f"]), "i": torch.sigmoid(pre["i"]), "c_tilde": torch.tanh(pre["c"]),
                      "o": torch.sigmoid(pre["o"]), "c": c1, "h": h1}
            values = {k: v[0].tolist() for k, v in values.items()}
            # the gates must also rebuild LSTMCell's state
            v64 = {k: torch.tensor(values[k], dtype=torch.float64) for k in ("f", "i", "c_tilde")}
            consistent = bool(torch.allclose(v64["f"] * c[0] + v64["i"] * v64["c_tilde"], c1[0]))
            for part in ex.ask:
                ours, want = solution.answers[part.id], values[part.options["name"]]
                ok = consistent and _close(ours, want, 1e-9, 1e-12)
                checks.append(Check("torch", part.id, ok, Msg("rnn.check.lstm", h=_show(values["h"]), c=_show(values["c"]))
                                    if ok else Msg("rnn.check.cell_bad", torch_value=_show(want), ours=_show(ours))))
        else:
            h_torch = cell(x, h)
            r, z = torch.sigmoid(pre["r"]), torch.sigmoid(pre["z"])
            Wh, bh = gates["h"]
            cand_d2l = torch.tanh(x @ Wh[:, n:].T + (r * h) @ Wh[:, :n].T + bh)
            h_d2l = z * h + (1 - z) * cand_d2l
            cand_torch = (h_torch - z * h) / (1 - z)          # n_t recovered from GRUCell's output
            values = {"r": r[0].tolist(), "z": z[0].tolist(),
                      "h_tilde": {"d2l": cand_d2l[0].tolist(), "pytorch": cand_torch[0].tolist()},
                      "h": {"d2l": h_d2l[0].tolist(), "pytorch": h_torch[0].tolist()}}
            for part in ex.ask:
                name, form = part.options["name"], part.options.get("form", "d2l")
                if name in ("r", "z"):
                    want = values[name]
                elif form == "difference":
                    want = [a - b for a, b in zip(values[name]["pytorch"], values[name]["d2l"])]
                else:
                    want = values[name][form]
                ours = solution.answers[part.id]
                ok = _close(ours, want, 1e-7, 1e-9)
                checks.append(Check("torch", part.id, ok, Msg("rnn.check.gru", h=_show(values["h"]["pytorch"]))
                                    if ok else Msg("rnn.check.cell_bad", torch_value=_show(want), ours=_show(ours))))
    return checks


# ------------------------------------------------------------------ optimisers


def _torch_function(text: str, n: int):
    import sympy
    import torch
    names = ["w"] if n == 1 else [f"w{i + 1}" for i in range(n)]
    syms = sympy.symbols(names)
    syms = list(syms) if isinstance(syms, (list, tuple)) else [syms]
    expr = sympy.sympify(text, locals=dict(zip(names, syms)), convert_xor=False)
    mapping = {"exp": torch.exp, "log": torch.log, "sin": torch.sin, "cos": torch.cos, "sqrt": torch.sqrt,
               "tanh": torch.tanh, "Abs": torch.abs}
    return sympy.lambdify(syms, expr, modules=[mapping])


def _optimizer_step(ctx: dict[str, Any]):
    """One step of torch's own optimiser code on a single parameter: ``torch.optim.adam.adam`` /
    ``torch.optim.sgd.sgd``, the functions ``Adam.step`` and ``SGD.step`` call, with the state those classes keep
    (``step``, ``exp_avg``, ``exp_avg_sq``; ``momentum_buffer``), single-tensor path (``foreach=False``). The
    classes themselves are not used: their constructors import ``torch._dynamo`` (``torch._disable_dynamo`` on
    ``add_param_group``), about 0.8 s of imports for nothing this check computes. Returns ``step(p) -> state``."""
    import torch
    opt = ctx["optimizer"]
    state: dict[str, Any] = {}
    if opt == "adam":
        from torch.optim.adam import adam
        b1, b2 = ctx["betas"]

        def step(p):
            if not state:
                state.update(step=torch.tensor(0.0), exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
            with torch.no_grad():
                adam([p], [p.grad], [state["exp_avg"]], [state["exp_avg_sq"]], [], [state["step"]], foreach=False,
                     capturable=False, differentiable=False, fused=None, grad_scale=None, found_inf=None,
                     has_complex=False, decoupled_weight_decay=False, amsgrad=False, beta1=b1, beta2=b2,
                     lr=ctx["lr"], weight_decay=ctx["weight_decay"], eps=ctx["eps"], maximize=False)
            return state
        return step
    from torch.optim.sgd import sgd
    momentum = ctx["momentum"] if opt == "momentum" else 0.0

    def sgd_step(p):
        bufs = [state.get("momentum_buffer")]
        with torch.no_grad():
            sgd([p], [p.grad], bufs, foreach=False, fused=None, grad_scale=None, found_inf=None,
                has_sparse_grad=False, weight_decay=ctx["weight_decay"], momentum=momentum, lr=ctx["lr"],
                dampening=0.0, nesterov=False, maximize=False)
        if momentum != 0:
            state["momentum_buffer"] = bufs[0]
        return state
    return sgd_step


def verify_optimizer(ex: Exercise, solution: Solution) -> list[Check]:
    import torch
    ctx = solution.context
    opt = ctx["optimizer"]
    p = torch.nn.Parameter(torch.tensor(ctx["w0"], dtype=torch.float64))
    step = _optimizer_step(ctx)
    fn = _torch_function(ctx["function"], len(ctx["w0"])) if ctx["function"] is not None else None
    ws, states = [], []
    for t in range(ctx["steps"]):
        p.grad = None
        if fn is None:
            p.grad = torch.tensor(ctx["gradients"][t], dtype=torch.float64)
        else:
            fn(*p).backward()
        before = p.detach().clone()
        st = step(p)
        ws.append(p.detach().clone())
        if opt == "adam":
            b1, b2 = ctx["betas"]
            states.append({"m": st["exp_avg"].tolist(), "v": st["exp_avg_sq"].tolist(),
                           "m_hat": (st["exp_avg"] / (1 - b1 ** (t + 1))).tolist(),
                           "v_hat": (st["exp_avg_sq"] / (1 - b2 ** (t + 1))).tolist(),
                           "update": (p.detach() - before).tolist()})
        else:
            states.append({"velocity": st["momentum_buffer"].tolist() if opt == "momentum" else None,
                           "update": (p.detach() - before).tolist()})
    scalar = ctx["scalar"]

    def val(x: Any) -> Any:
        x = x.tolist() if hasattr(x, "tolist") else x
        return x[0] if scalar else x
    checks = []
    name = {"sgd": "SGD", "momentum": "SGD", "adam": "Adam"}[opt]
    for part in ex.ask:
        q = part.quantity
        t = part.options.get("step", ctx["steps"])
        if q == "iterates":
            want = [val(w) for w in ws]
        elif q == "final":
            want = val(ws[-1])
        elif q == "state":
            want = val(states[t - 1][part.options["name"]])
        else:
            want = val(states[t - 1]["update"])
        ours = solution.answers[part.id]
        ok = _close(ours, want, 1e-8, 1e-12)
        checks.append(Check("torch", part.id, ok, Msg("opt.check", opt=name, value=_show(want)) if ok else
                            Msg("opt.check_bad", opt=name, value=_show(want), ours=_show(ours))))
    return checks


# ------------------------------------------------------------------ initialisation

SAMPLES = 1 << 18          # weights drawn per scheme (repeated draws of the layer's shape): the sampling error of
# std(w) (≈ 1/√(2N) = 0.14 %) and of Var(w) (≈ √(2/N) = 0.28 %) stays 3.5 standard errors inside the tolerances
# below, and a wrong scheme is off by tens of per cent


def verify_init(ex: Exercise, solution: Solution) -> list[Check]:
    import torch
    ctx = solution.context
    if ctx["family"] == "depth":
        return _verify_depth(ex, solution)
    shape = ctx["shape"]
    per = math.prod(shape)
    draws = max(1, min(4096, SAMPLES // per))
    fi, fo = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    fans_ok = (fi, fo) == (ctx["fan_in"], ctx["fan_out"])
    checks = []
    samples: dict[tuple, Any] = {}

    def sample(scheme: str, form: str):
        key = (scheme, form)
        if key not in samples:
            gen = torch.Generator().manual_seed(0)
            out = []
            for _ in range(draws):
                t = torch.empty(shape, dtype=torch.float64 if per <= SAMPLES else torch.float32)
                if scheme == "pytorch_default":
                    # what nn.Linear / nn.Conv2d.reset_parameters do
                    torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5), generator=gen)
                elif scheme == "xavier":
                    (torch.nn.init.xavier_normal_ if form == "normal" else torch.nn.init.xavier_uniform_)(t, generator=gen)
                else:
                    (torch.nn.init.kaiming_normal_ if form == "normal" else torch.nn.init.kaiming_uniform_)(
                        t, nonlinearity="relu", generator=gen)
                out.append(t.flatten())
            samples[key] = torch.cat(out)
        return samples[key]
    shown_shape = Plain(shape_text(shape))
    for part in ex.ask:
        scheme = part.options["scheme"]
        ours = solution.answers[part.id]
        if part.quantity == "init_bound":
            w = sample(scheme, "uniform")
            value = float(w.abs().max())
            ok = fans_ok and value <= ours * (1 + 1e-12) and value >= ours * 0.999
            stat = "max |w|"
        else:
            w = sample(scheme, "uniform" if scheme == "pytorch_default" else "normal")
            value = float(w.var()) if part.quantity == "init_variance" else float(w.std())
            tol = 0.01 if part.quantity == "init_variance" else 0.005
            ok = fans_ok and abs(value - ours) <= tol * ours
            stat = "Var(w)" if part.quantity == "init_variance" else "std(w)"
        detail = (Msg("init.check.stat", n=w.numel(), shape=shown_shape, stat=Plain(stat), value=_show(value)) if ok else
                  Msg("init.check.stat_bad", stat=Plain(stat), value=_show(value), ours=_show(ours)))
        checks.append(Check("torch", part.id, ok, detail))
    return checks


DEPTH_BATCH = 2000
DEPTH_FLOPS = 1 << 28          # 2·batch·width²·depth of the seeded forward pass: about 20 ms on one core. The
# sampling error of the measured second moment (≈ √(2/(batch·width)), 0.6 % at width 256) stays far inside the
# tolerance below, which the finite width's own fluctuation sets (tens of per cent at depth 10)


def _verify_depth(ex: Exercise, solution: Solution) -> list[Check]:
    import torch
    ctx = solution.context
    n, L = ctx["width"], ctx["depth"]
    batch = max(32, min(DEPTH_BATCH, DEPTH_FLOPS // (2 * n * n * L)))
    act = torch.relu if ctx["activation"] == "relu" else torch.tanh
    checks = []
    measured: dict[str, list[float]] = {}
    for scheme in ctx["variances"]:
        gen = torch.Generator().manual_seed(1)
        x = torch.randn(batch, n, generator=gen, dtype=torch.float64) * math.sqrt(ctx["q0"])
        qs = []
        h = x
        for l in range(L):
            W = torch.empty(n, n, dtype=torch.float64)
            if scheme == "xavier":
                torch.nn.init.xavier_normal_(W, generator=gen)
            else:
                torch.nn.init.kaiming_normal_(W, nonlinearity="relu", generator=gen)
            z = h @ W.T
            qs.append(float(z.pow(2).mean()))
            h = act(z)
        measured[scheme] = qs
    for part in ex.ask:
        scheme = part.options["scheme"]
        at = part.options.get("at", L)
        ours = solution.answers[part.id]
        value = measured[scheme][at - 1]
        # one finite network: the variance factor of each layer fluctuates by about √(2/n); allow 3 such deviations
        tol = 3 * math.sqrt(2.0 / n) * math.sqrt(at) + 0.02
        ok = abs(math.log(value / ours)) <= tol
        checks.append(Check("torch", part.id, ok, Msg("init.check.depth", b=batch, at=at, value=_show(value),
                                                      ours=_show(ours))))
    return checks


# ------------------------------------------------------------------ MLP


def verify_mlp(ex: Exercise, solution: Solution) -> list[Check]:
    import torch
    import torch.nn.functional as F
    ctx = solution.context
    if ctx["family"] == "dropout":
        h = torch.tensor(ctx["h"], dtype=torch.float64)
        p = ctx["p"]
        n = 200_000
        torch.manual_seed(0)
        out = F.dropout(h.expand(n, -1), p=p, training=True)
        kept_ok = bool(((out == 0) | torch.isclose(out, (h / (1 - p)).expand(n, -1))).all())
        mean_scaled = out.mean(0)
        checks = []
        for part in ex.ask:
            scaled = part.options.get("scaled", True)
            mean = mean_scaled if scaled else mean_scaled * (1 - p)
            ours = torch.tensor(solution.answers[part.id], dtype=torch.float64)
            se = h.abs() * math.sqrt(p / (1 - p) / n) * (1 if scaled else 1 - p)
            ok = kept_ok and bool(((mean - ours).abs() <= 5 * se + 1e-12).all())
            checks.append(Check("torch", part.id, ok, Msg("mlp.check.dropout", n=n, value=_show(mean.tolist()))))
        return checks
    T = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)  # noqa: E731
    W1, b1, W2, b2 = T(ctx["W1"]), T(ctx["b1"]), T(ctx["W2"]), T(ctx["b2"])
    x = torch.tensor(ctx["x"], dtype=torch.float64)
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[ctx["activation"]]
    z = W1 @ x + b1
    z.retain_grad()
    h = act(z)
    h.retain_grad()
    o = W2 @ h + b2
    o.retain_grad()
    L = F.cross_entropy(o[None], torch.tensor([ctx["y"]]))
    s = ctx["lambda"] / 2 * (W1.pow(2).sum() + W2.pow(2).sum())
    J = L + s
    J.backward()
    values = {("forward", "z"): z, ("forward", "h"): h, ("forward", "o"): o, ("forward", "p"): torch.softmax(o, 0),
              ("loss", "L"): L, ("loss", "s"): s, ("loss", "J"): J,
              ("grad", "o"): o.grad, ("grad", "h"): h.grad, ("grad", "z"): z.grad, ("grad", "W1"): W1.grad,
              ("grad", "b1"): b1.grad, ("grad", "W2"): W2.grad, ("grad", "b2"): b2.grad}
    checks = []
    for part in ex.ask:
        want = values[(part.quantity, part.options["name"])].detach().tolist()
        ours = solution.answers[part.id]
        ok = _close(ours, want, 1e-9, 1e-12)
        checks.append(Check("torch", part.id, ok, Msg("mlp.check", value=_show(want)) if ok else
                            Msg("mlp.check_bad", value=_show(want), ours=_show(ours))))
    return checks
