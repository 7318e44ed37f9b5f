"""Worked-solution PDFs: text extracted with pypdf, Chinese typesetting, hostile input, reference images."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from solver.bank import load_exercise
from solver.cli import main
from solver.pipeline import solve_exercise
from solver.render.typst import compile_pdf, document, find_cjk_fonts

REFERENCE = Path(__file__).parent / "reference"
HAS_CJK = bool(find_cjk_fonts())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_one_exercise_pdf_has_title_steps_answers_and_checks():
    sol = solve_exercise(load_exercise("hw-q3"), verify=True)
    text = pdf_text(compile_pdf(document([sol], "en"), "en"))
    for needle in ("hw-q3", "Parameters and FLOPs", "Approach", "Steps", "Answers", "4,640", "3,612,672", "PyTorch"):
        assert needle in text, needle


def test_booklet_has_contents_and_groups_by_source(tmp_path):
    out = tmp_path / "book.pdf"
    result = CliRunner().invoke(main, ["pdf", "24.4", "hw-q2", "d2l-6.2-wx1", "--no-verify", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Contents" in text and "Worked solutions" in text
    for needle in ("Li Hang", "Course homework", "Dive into Deep Learning", "[7, -6, 8, -2, 5]", "[[19, 25], [37, 43]]"):
        assert needle in text, needle


@pytest.mark.skipif(not HAS_CJK, reason="no CJK font on this machine (Debian: fonts-noto-cjk)")
def test_chinese_pdf():
    sol = solve_exercise(load_exercise("24.4"), verify=False)
    text = pdf_text(compile_pdf(document([sol], "zh"), "zh"))
    for needle in ("一维卷积", "解答思路", "解答步骤", "答案"):
        assert needle in text, needle


def test_chinese_without_a_cjk_font_is_a_clear_error(monkeypatch, tmp_path):
    import solver.render.typst as typst_renderer
    monkeypatch.setattr(typst_renderer, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.setattr(typst_renderer, "PACKAGED_FONTS", ())         # nor the [zh] extra's font package
    result = CliRunner().invoke(main, ["exercise", "24.4", "--no-verify", "--lang", "zh", "--pdf", str(tmp_path / "z.pdf")])
    assert result.exit_code == 2
    assert "fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr


HOSTILE = [
    '#read("/etc/passwd")', '#import "x.typ": *', "] #pagebreak() [", "$ x $ \\", '"quoted" \\" #let a = 1',
    "#set page(width: 1pt)", "<label> @ref * _ ` ~", "#{ while true {} }",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_statement_is_printed_verbatim(tmp_path, text):
    path = tmp_path / "evil.yaml"
    import json
    path.write_text(f"id: evil\nkind: network\ntitle: {json.dumps(text)}\nstatement: {json.dumps(text)}\n"
                    "given: {input_shape: [1, 8, 8], layers: [{type: Conv2d, out_channels: 2, kernel_size: 3}]}\n"
                    "ask: [{id: s, quantity: output_shape}]\n", encoding="utf-8")
    from solver.bank import load_file
    sol = solve_exercise(load_file(path), verify=False)
    data = compile_pdf(document([sol], "en"), "en")
    extracted = pdf_text(data).replace("\n", "")
    assert "root:" not in extracted                          # nothing was read from the file system
    squeezed = extracted.replace(" ", "")
    assert text.replace(" ", "") in squeezed                 # shown literally, not interpreted
    assert len(PdfReader(io.BytesIO(data)).pages) <= 3       # layout intact (no runaway pages)


def _png_pages(sol_ids: list[str], lang: str) -> bytes:
    import typst
    sols = [solve_exercise(load_exercise(i), verify=False) for i in sol_ids]
    pages = typst.compile(document(sols, lang).encode(), format="png", ppi=40)
    return pages[0] if isinstance(pages, list) else pages


def _diff_ratio(a: bytes, b: bytes) -> float:
    """Share of differing bytes between two PNG renderings (decoded by torch-free pure Python: zlib)."""
    import struct
    import zlib

    def pixels(png: bytes) -> bytes:
        pos, data = 8, b""
        while pos < len(png):
            length, kind = struct.unpack(">I4s", png[pos:pos + 8])
            if kind == b"IDAT":
                data += png[pos + 8:pos + 8 + length]
            pos += 12 + length
        return zlib.decompress(data)
    pa, pb = pixels(a), pixels(b)
    if len(pa) != len(pb):
        return 1.0
    return sum(x != y for x, y in zip(pa, pb)) / len(pa)


@pytest.mark.parametrize("name,ids", [("network", ["hw-q2"]), ("convolution", ["24.4"]), ("identity", ["24.1"])])
def test_reference_images(name, ids):
    """One reference image per layout; regenerate with UPDATE_REFERENCE=1 after an intended change."""
    png = _png_pages(ids, "en")
    ref = REFERENCE / f"{name}.png"
    if os.environ.get("UPDATE_REFERENCE") or not ref.exists():
        REFERENCE.mkdir(exist_ok=True)
        ref.write_bytes(png)
    assert _diff_ratio(png, ref.read_bytes()) < 0.02


@pytest.mark.slow
def test_whole_bank_booklet_compiles():
    """Every bank exercise typesets (names such as K3, matrices, sums, cases) — the booklet of SPEC's `solve pdf --all`."""
    from solver.bank import load_bank
    sols = [solve_exercise(ex, verify=False) for ex in load_bank()]
    data = compile_pdf(document(sols, "en", booklet=True), "en")
    assert len(PdfReader(io.BytesIO(data)).pages) > len(sols) // 2
    if HAS_CJK:
        assert compile_pdf(document(sols[:10], "zh", booklet=True), "zh").startswith(b"%PDF")
