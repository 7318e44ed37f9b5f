"""``solve serve`` in a real headless browser (Debian's chromium): a Chinese and an English page load with their
mathematics as MathML, a screenshot is taken, and the browser logs no console message (the pages have no script;
a CSP violation would be logged as one). Skips without chromium."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

SOLVE = [sys.executable, "-c", "import sys; from solver.cli import main; sys.argv[0] = 'solve'; main()"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"), pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path_factory.mktemp("data")))
    proc = subprocess.Popen([*SOLVE, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + proc.stderr.read().decode(errors="replace"))
    yield base
    proc.terminate()
    proc.wait(timeout=30)
    proc.stdout.close()      # else a ResourceWarning (an error under the suite's filterwarnings) at teardown
    proc.stderr.close()


def chromium(url: str, tmp_path, name: str) -> tuple[str, str, bytes]:
    """(DOM after load, browser log, screenshot PNG)."""
    home = tmp_path / f"profile-{name}"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
             f"--user-data-dir={home}", "--window-size=1000,1400", "--no-first-run"]
    dom = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    shot = tmp_path / f"{name}.png"
    pic = subprocess.run(flags + [f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120)
    return dom.stdout, dom.stderr + pic.stderr, shot.read_bytes() if shot.exists() else b""


def test_console_messages_are_seen(tmp_path):
    """The check below can fail: a page that logs is caught."""
    _, log, _ = chromium('data:text/html,<p>x</p><script>console.error("boom")</script>', tmp_path, "probe")
    assert ":CONSOLE" in log


@pytest.mark.parametrize("path, lang, words", [
    ("/ex/24.4/solution?lang=zh", "zh", ["完整解答", "解答步骤"]),
    ("/ex/hw-q2/solution?lang=en", "en", ["Worked solution", "Layer-by-layer summary"]),
    ("/ex/hw-q3?lang=zh", "zh", ["检查", "提示", "参数量"]),
])
def test_pages_render_without_console_errors(server, tmp_path, path, lang, words):
    dom, log, png = chromium(server + path, tmp_path, lang + str(abs(hash(path)) % 1000))
    assert f'lang="{lang}"' in dom and all(w in dom for w in words)
    if "/solution" in path:
        assert "<math" in dom and ("<mfrac" in dom or "<mtable" in dom)
    assert ":CONSOLE" not in log, log
    assert png.startswith(b"\x89PNG") and len(png) > 20_000      # a page with text and formulas, not blank


@pytest.mark.parametrize("lang, mistake, rung, solved, heading", [
    ("en", "This is what you get if the bias is forgotten.", "Convention", "✓ solved", "Worked solution"),
    ("zh", "这个结果说明你可能忘记计入偏置。", "约定", "✓ 已答对", "完整解答"),
])
def test_a_student_in_the_browser(server, tmp_path, lang, mistake, rung, solved, heading):
    """Playwright driving Debian's chromium: a wrong answer shows its named mistake, a hint, the right answer, the
    worked solution with its formulas laid out as MathML; no console message at any point."""
    sync_api = pytest.importorskip("playwright.sync_api")
    logged: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.on("console", lambda m: logged.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: logged.append(f"error: {e}"))
            page.goto(f"{server}/ex/hw-q3?lang={lang}")
            box = page.locator("#part-params")
            box.locator("input[name=answer]").fill("4608")
            box.locator("button[value=check]").click()
            assert mistake in page.locator("#part-params .feedback").first.inner_text()
            page.locator("#part-params button[value=hint]").click()
            assert rung in page.locator("#part-params .hint").first.inner_text()
            page.locator("#part-params input[name=answer]").fill("4,640")
            page.locator("#part-params button[value=check]").click()
            assert solved in page.locator("#part-params h3").inner_text()
            page.locator("button[value=solution]").click()
            assert heading in page.locator(".solution h2").inner_text()
            page.screenshot(path=str(tmp_path / f"{lang}.png"), full_page=True)
            maths = page.locator(".solution .math math")
            assert maths.count() >= 10
            frac = page.locator(".solution mfrac").first                     # laid out as a real fraction:
            top = frac.locator(":scope > *").nth(0).bounding_box()          # the numerator stacked above
            bottom = frac.locator(":scope > *").nth(1).bounding_box()       # the denominator
            assert top and bottom and top["y"] + top["height"] <= bottom["y"] + 1
            assert (tmp_path / f"{lang}.png").read_bytes().startswith(b"\x89PNG")
        finally:
            browser.close()
    assert logged == []
