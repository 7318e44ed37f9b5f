"""Fonts are checked before any work, and no PDF shows Chinese as empty boxes."""
from __future__ import annotations

import time

from click.testing import CliRunner

from solver.cli import main


def _no_fonts(monkeypatch, tmp_path):
    import solver.render.typst as typst_renderer
    monkeypatch.setattr(typst_renderer, "FONT_DIRS", (str(tmp_path / "none"),))
    monkeypatch.setattr(typst_renderer, "PACKAGED_FONTS", ())


def test_a_chinese_booklet_without_a_cjk_font_is_refused_before_solving(monkeypatch, tmp_path):
    _no_fonts(monkeypatch, tmp_path)
    import solver.pipeline
    calls = []
    monkeypatch.setattr(solver.pipeline, "solve_exercise", lambda *a, **k: calls.append(a))
    start = time.monotonic()
    result = CliRunner().invoke(main, ["pdf", "--all", "--lang", "zh", "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 2 and "CJK font" in result.stderr and "Traceback" not in result.stderr
    assert calls == [] and time.monotonic() - start < 5
    assert not (tmp_path / "b.pdf").exists()


def test_an_english_pdf_with_chinese_text_needs_a_cjk_font_too(monkeypatch, tmp_path):
    _no_fonts(monkeypatch, tmp_path)
    path = tmp_path / "named.yaml"
    path.write_text("id: named\nkind: network\ntitle: {en: \"The network 卷积网络\"}\n"
                    "given: {input_shape: [1, 8, 8], layers: [{type: Conv2d, out_channels: 2, kernel_size: 3}]}\n"
                    "ask: [{id: s, quantity: output_shape}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["file", str(path), "--no-verify", "--lang", "en", "--pdf", str(tmp_path / "e.pdf")])
    assert result.exit_code == 2 and "CJK font" in result.stderr and not (tmp_path / "e.pdf").exists()
    plain = tmp_path / "plain.yaml"
    plain.write_text(path.read_text(encoding="utf-8").replace(" 卷积网络", ""), encoding="utf-8")
    result = CliRunner().invoke(main, ["file", str(plain), "--no-verify", "--lang", "en", "--pdf", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_the_zh_extra_font_package_is_enough_for_a_chinese_pdf(monkeypatch, tmp_path):
    """With no system font, the Noto Sans CJK of the ``zh`` extra (manimgx-fonts-cjk) typesets Chinese."""
    import pytest
    pytest.importorskip("manimgx_fonts_cjk")
    import solver.render.typst as typst_renderer
    monkeypatch.setattr(typst_renderer, "FONT_DIRS", (str(tmp_path / "none"),))
    fonts = typst_renderer.find_cjk_fonts()
    assert fonts and all("manimgx_fonts_cjk" in f for f in fonts)
    out = tmp_path / "z.pdf"
    result = CliRunner().invoke(main, ["exercise", "24.4", "--no-verify", "--lang", "zh", "--pdf", str(out)])
    assert result.exit_code == 0, result.stderr
    from pypdf import PdfReader
    text = PdfReader(str(out)).pages[0].extract_text()
    assert "一维卷积" in text and "解答步骤" in text
