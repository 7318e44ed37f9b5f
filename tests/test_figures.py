"""Figures: the kernel window over the input for one output entry, drawn from the solution's own data in the
PDF (Typst) and in Markdown (inline SVG); a rendering compared with a reference image."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from solver.bank import load_exercise
from solver.pipeline import solve_exercise
from solver.render.figures import caption, conv_window, svg, typst

REFERENCE = Path(__file__).parent / "reference"


def _fig(ex_id):
    return conv_window(solve_exercise(load_exercise(ex_id), verify=False))


def test_the_window_figure_holds_the_first_output_entry_and_its_products():
    fig = _fig("24.4")                                  # Li Hang's figure 24.22: x = (3, 0, 2, −2, 2, 1, 2), w = (1, −1, 2)
    assert fig.x == [[3, 0, 2, -2, 2, 1, 2]] and fig.k == [[1, -1, 2]] and fig.y == [[7, -6, 8, -2, 5]]
    assert fig.window == [(1, 1), (1, 2), (1, 3)] and fig.value == 7
    assert caption(fig, "en").endswith("y₁ = 1×3 + (−1)×0 + 2×2 = 7.")
    fig2 = _fig("d2l-6.2-wx1")                          # D2L 6.2: corr(K, X) with K = [[0, 1], [2, 3]] → 19 first
    assert fig2.window == [(1, 1), (1, 2), (2, 1), (2, 2)] and fig2.value == 19
    assert "y₁₁ = 0×0 + 1×1 + 2×3 + 3×4 = 19" in caption(fig2, "zh")
    assert _fig("hw-q3") is None and _fig("24.1") is None     # no convolution of two given arrays: no figure


def test_the_svg_is_well_formed_with_the_window_shaded():
    fig = _fig("d2l-6.2-wx1")
    root = ET.fromstring(svg(fig, "zh"))
    ns = "{http://www.w3.org/2000/svg}"
    rects = root.findall(f"{ns}rect")
    assert len(rects) == 9 + 4 + 4                     # input, kernel, output cells
    shaded = [r for r in rects if r.get("fill") != "#ffffff"]
    assert len(shaded) == 4 + 4 + 1                    # the window, the whole kernel, the one output entry
    texts = [t.text for t in root.findall(f"{ns}text")]
    assert "输入 X" in texts and "卷积核 K" in texts and "19" in texts


def test_figures_reach_markdown_and_typst_in_both_languages():
    from solver.render.markdown import render
    from solver.render.typst import document
    sol = solve_exercise(load_exercise("24.4"), verify=False)
    for lang in ("en", "zh"):
        md = render(sol, lang, verified=False)
        assert md.count("<figure><svg") == 1
        src = document([sol], lang)
        assert src.count('#figure(kind: "window"') == 1 and "table.cell(fill: rgb(" in src
    network = render(solve_exercise(load_exercise("hw-q3"), verify=False), "en")
    assert "shaded window" not in network and network.count("<svg") == 2     # the two networks, as blocks


def test_the_figure_compiles_and_matches_its_reference_image():
    import typst as typst_compiler

    from test_pdf import _diff_ratio
    source = '#set page(width: 12cm, height: auto, margin: 0.5cm)\n#set text(font: "Libertinus Serif")\n' \
        + typst(_fig("d2l-6.2-wx1"), "en") + "\n"
    png = typst_compiler.compile(source.encode(), format="png", ppi=60)
    png = png[0] if isinstance(png, list) else png
    ref = REFERENCE / "figure-window.png"
    if os.environ.get("UPDATE_REFERENCE") or not ref.exists():
        ref.write_bytes(png)
    assert _diff_ratio(png, ref.read_bytes()) < 0.02
    other = typst_compiler.compile(source.replace('"19"', '"91"').encode(), format="png", ppi=60)
    assert _diff_ratio(other[0] if isinstance(other, list) else other, ref.read_bytes()) > 0   # it can fail


def test_the_receptive_field_figure_grows_layer_by_layer():
    from solver.render.figures import rf_caption, rf_layers, rf_svg, rf_typst
    fig = rf_layers(solve_exercise(load_exercise("hw-q2"), verify=False))
    assert fig.sizes == [(1, 3), (2, 5), (3, 7)] and fig.side == 9        # the homework's printed 3, 5, 7
    root = ET.fromstring(rf_svg(fig, "en"))
    fills = [r.get("fill") for r in root.findall("{http://www.w3.org/2000/svg}rect")]
    assert len(fills) == 81 and fills.count("#ffffff") == 81 - 49
    assert fills.count("#d9822b") == 1                                    # the unit's centre pixel
    assert [fills.count(c) for c in ("#2a6fb0", "#5b93c9", "#8db6de")] == [8, 25 - 9, 49 - 25]
    assert "R₃ = 7×7" in rf_caption(fig, "zh") and rf_typst(fig, "en").count("table.cell(") == 81
    assert rf_layers(solve_exercise(load_exercise("hw-q3"), verify=False)) is None     # no receptive field asked
    from solver.render.typst import compile_pdf, document
    assert compile_pdf(document([solve_exercise(load_exercise("hw-q2"), verify=False)], "en"), "en")[:4] == b"%PDF"


def test_a_network_is_drawn_as_blocks_with_shapes_on_the_edges():
    from solver.render.figures import diagram_svg, diagram_typst
    from solver.render.typst import compile_pdf, document
    sol = solve_exercise(load_exercise("hw-q2"), verify=False)
    table = next(s.table for s in sol.steps if s.rule == "network.table")
    root = ET.fromstring(diagram_svg(table, "zh"))
    texts = [t.text for t in root.findall("{http://www.w3.org/2000/svg}text")]
    assert texts == ["输入", "1×32×32", "Conv2d(1→1, k=3×3, p=1)", "1×32×32", "Conv2d(1→1, k=3×3, s=2)", "1×15×15",
                     "MaxPool2d(k=2×2, s=2)", "1×7×7"]
    assert len(root.findall("{http://www.w3.org/2000/svg}line")) == 3
    assert diagram_typst(table, "en").count("#sym.arrow.r") == 3
    assert compile_pdf(document([sol], "en"), "en")[:4] == b"%PDF"
    big = solve_exercise(load_exercise("resnet-50"), verify=False)          # too long to draw: the table says it
    assert all(diagram_svg(s.table, "en") is None for s in big.steps if s.table is not None)


def test_a_hostile_layer_name_stays_text_in_the_drawing(tmp_path):
    import json

    from click.testing import CliRunner

    from solver.cli import main
    from test_hostile_outputs import assert_inert
    path = tmp_path / "n.yaml"
    evil = "<img src=x onerror=alert(1)>"
    path.write_text(json.dumps({"id": "n", "kind": "network", "given": {"input_shape": [1, 8, 8], "layers": [
        {"type": "Conv2d", "out_channels": 2, "kernel_size": 3, "name": evil}]},
        "ask": [{"id": "s", "quantity": "output_shape"}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["file", str(path), "--format", "markdown", "--no-verify"])
    if result.exit_code == 2:                     # the name was refused on input: nothing to draw
        return
    assert "<svg" in result.stdout
    html = assert_inert(result.stdout)
    assert "img" not in html.tags


def test_the_rotations_of_24_5_are_drawn():
    from solver.render.figures import rotation_svg, rotation_typst, rotations
    sol = solve_exercise(load_exercise("24.5"), verify=False)
    rots = {r.func: r for r in rotations(sol)}
    assert set(rots) == {"rot90cw", "rot90"}
    assert rots["rot90cw"].after[0] == [2, 2, 0, 3]          # first column read bottom-up becomes the first row
    assert rots["rot90"].after[0] == [1, 2, 3, 2]            # last column becomes the first row
    root = ET.fromstring(rotation_svg(rots["rot90cw"], "zh"))
    assert "X 顺时针旋转 90°" in [t.text for t in root.findall("{http://www.w3.org/2000/svg}text")]
    assert 'kind: "rotation"' in rotation_typst(rots["rot90"], "en")
    from solver.render.typst import compile_pdf, document
    src = document([sol], "en")
    assert src.count('kind: "rotation"') == 2 and compile_pdf(src, "en")[:4] == b"%PDF"
