"""``matmul_1x1``: a 1×1 convolution as a matrix product: allclose, not always bit-identical (D2L 6.4 ex 5)."""
from __future__ import annotations

from typing import Any

from ...lazy import lazy

torch = lazy("torch")
F = lazy("torch.nn.functional")

from ...i18n import Msg, Plain
from ...steps import Check, Step, Table
from .common import Experiment, Param, _SEED, _ok, _same, _small, fmt, seeded


def _matmul_1x1_run(p: dict[str, Any]) -> dict[str, Any]:
    ci, co, h, w = p["c_i"], p["c_o"], p["h"], p["w"]
    with seeded(p["seed"]):
        x = torch.randn(1, ci, h, w)
        k = torch.randn(co, ci, 1, 1)
    rows = []
    for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        xd, kd = x.to(dtype), k.to(dtype)
        conv = F.conv2d(xd, kd)
        w2, x2 = kd.reshape(co, ci), xd.reshape(ci, h * w)
        for order, mm in (("forward", w2 @ x2), ("reversed", w2.flip(1) @ x2.flip(0))):
            mm = mm.reshape(1, co, h, w)
            rows.append({"dtype": name, "order": order, "bitwise_equal": int((conv == mm).sum()), "total": conv.numel(),
                         "max_diff": float((conv - mm).abs().max()),
                         "allclose": bool(torch.allclose(conv, mm, rtol=1e-5, atol=1e-5))})
    return {"rows": rows}


def _matmul_1x1_steps(p: dict[str, Any], d: dict[str, Any]) -> list[Step]:
    rows = [[Plain(r["dtype"]), Msg(f"xp.mm1x1.order.{r['order']}"), f"{r['bitwise_equal']:,} / {r['total']:,}",
             fmt(r["max_diff"]), Msg("xp.yes" if r["allclose"] else "xp.no")] for r in d["rows"]]
    return [Step(Msg("xp.mm1x1.title"),
                 text=Msg("xp.mm1x1.text", ci=p["c_i"], co=p["c_o"], h=p["h"], w=p["w"], seed=p["seed"]),
                 math=[r"Y_{:, i, j} = W X_{:, i, j} \quad \text{for every pixel, i.e.} \quad Y = W_{c_o \times c_i} "
                       r"\cdot X_{c_i \times hw}"],
                 table=Table([Msg("xp.col.dtype"), Msg("xp.mm1x1.col.order"), Msg("xp.mm1x1.col.equal"),
                              Msg("xp.col.maxdiff"), Plain("allclose")], rows),
                 rule="explain.matmul_1x1")]


def _matmul_1x1_checks(p: dict[str, Any], d: dict[str, Any], part: str) -> list[Check]:
    again = _matmul_1x1_run(p)
    f32 = max(r["max_diff"] for r in again["rows"] if r["dtype"] == "float32")
    f64 = max(r["max_diff"] for r in again["rows"] if r["dtype"] == "float64")
    ok = all(r["allclose"] for r in again["rows"]) and f64 <= 1e-9 * max(1, p["c_i"]) and _same(again, d)
    return [_ok("torch", part, ok, "xp.mm1x1.check", d32=Plain(fmt(f32)), d64=Plain(fmt(f64)))]


# ================================================================ im2col


def _matmul_validate(p: dict[str, Any]) -> None:
    _small(max(p["c_i"], p["c_o"]) * p["h"] * p["w"], ("h",))


EXPERIMENT = Experiment("matmul_1x1",
           {"c_i": Param("int", 64, 1, 1024), "c_o": Param("int", 32, 1, 1024), "h": Param("int", 16, 1, 256),
            "w": Param("int", 16, 1, 256), "seed": _SEED},
           _matmul_1x1_run, _matmul_1x1_steps, _matmul_1x1_checks, _matmul_validate)
