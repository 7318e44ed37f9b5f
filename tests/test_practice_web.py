"""``solve serve``: the web flows through Starlette's TestClient (httpx)."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from practice.web import MAX_BODY, create_app, mathml, serve_cmd  # noqa: E402


@pytest.fixture()
def client():
    return TestClient(create_app())


def part(html: str, part_id: str) -> str:
    start = html.index(f'id="part-{part_id}"')
    return html[start:html.index("</section>", start)]


def test_bank_by_source_in_both_languages(client):
    en = client.get("/?lang=en").text
    zh = client.get("/?lang=zh").text
    assert "Dive into Deep Learning — chapter 6" in en and '<html lang="en">' in en
    assert "《动手学深度学习》第 6 章" in zh and '<html lang="zh">' in zh
    assert 'href="/ex/hw-q3?lang=zh"' in zh
    assert "d2l-6.2-code-corr2d" not in en                 # programs are practised with `grade`


def test_answer_hint_right_answer_solution(client):
    page = client.get("/ex/hw-q3?lang=en")
    assert page.status_code == 200 and "sid=" in page.headers["set-cookie"]
    assert "HttpOnly" in page.headers["set-cookie"] and "samesite=strict" in page.headers["set-cookie"].lower()
    wrong = client.post("/ex/hw-q3?lang=en", data={"part": "params", "answer": "4608", "action": "check", "lang": "en"})
    box = part(wrong.text, "params")
    assert "Almost." in box and "This is what you get if the bias is forgotten." in box and "1 tries, 0 hints" in box
    hint = part(client.post("/ex/hw-q3", data={"part": "params", "action": "hint", "lang": "en"}).text, "params")
    assert "<b>Convention</b>" in hint and "1 tries, 1 hints" in hint
    right = part(client.post("/ex/hw-q3", data={"part": "params", "answer": "4,640", "action": "check",
                                                "lang": "en"}).text, "params")
    assert "Right." in right and "✓ solved" in right
    sol = client.post("/ex/hw-q3", data={"action": "solution", "lang": "en"}).text
    assert 'class="solution"' in sol and "<math" in sol and "Layer-by-layer summary" in sol
    assert "answer shown" in part(sol, "macs") and "✓ solved" in part(sol, "params")


def test_chinese_feedback_and_language_switch(client):
    r = client.post("/ex/hw-q3?lang=zh", data={"part": "params", "answer": "4608", "action": "check", "lang": "zh"})
    assert "差一点。" in part(r.text, "params") and "忘记计入偏置" in part(r.text, "params")
    assert 'href="/ex/hw-q3?lang=en"' in r.text and ">English<" in r.text


def test_formulas_are_mathml_without_scripts_or_other_origins(client):
    r = client.get("/ex/24.4/solution?lang=zh")
    assert r.status_code == 200 and r.text.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') >= 3
    namespaces = r.text.replace('xmlns="http://www.w3.org/1998/Math/MathML"', "").replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in r.text and "http://" not in namespaces and "src=" not in r.text
    assert "https://" not in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    import importlib.util
    if importlib.util.find_spec("solver.render.figures"):
        assert "<svg" in r.text                            # the convolution's window figure, inline
    assert mathml(r"\frac{1}{2}").startswith("<math") and "<script" not in mathml(r"\text{<script>x}")


def test_student_text_is_escaped(client):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
    r = client.post("/ex/hw-q3", data={"part": "params", "answer": evil, "action": "check", "lang": "en"})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    r = client.post("/ex/hw-q3", data={"part": "shape", "answer": evil, "action": "check", "lang": "en"})
    assert "<img src=x" not in r.text and "&lt;" in part(r.text, "shape") or "read" in part(r.text, "shape")


def test_sizes_are_limited(client):
    big = client.post("/ex/hw-q3", content=b"answer=" + b"1" * (MAX_BODY + 10),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    long = client.post("/ex/hw-q3", data={"part": "params", "answer": "1" * 9000, "action": "check", "lang": "en"})
    assert long.status_code == 200 and "too long" in part(long.text, "params")


def test_new_variant_and_unknown_ids(client):
    r = client.post("/ex/hw-q3?seed=4&lang=en", data={"action": "another", "lang": "en"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ex/hw-q3?seed=5&lang=en"
    page = client.get("/ex/hw-q3?seed=5&lang=en").text
    assert "variant 5" in page and 'value="another"' in page
    assert 'value="another"' not in client.get("/ex/vgg-3x3-vs-5x5").text
    assert client.get("/ex/no-such-id").status_code == 404
    assert client.get("/ex/..%2f..%2fetc%2fpasswd").status_code == 404


def test_each_browser_has_its_own_session():
    app = create_app()
    a, b = TestClient(app), TestClient(app)
    a.post("/ex/hw-q3", data={"part": "params", "answer": "4,640", "action": "check", "lang": "en"})
    assert "✓ solved" in part(a.get("/ex/hw-q3").text, "params")
    assert "✓ solved" not in part(b.get("/ex/hw-q3").text, "params")


def test_sessions_are_bounded():
    app = create_app(max_sessions=3)
    clients = [TestClient(app) for _ in range(5)]
    for c in clients:
        c.get("/ex/hw-q3")
    first = clients[0]
    first.post("/ex/hw-q3", data={"part": "params", "answer": "4,640", "action": "check", "lang": "en"})
    assert first.get("/healthz").text == "ok"


def test_serve_binds_to_loopback_by_default():
    opts = {p.name: p.default for p in serve_cmd.params}
    assert opts["host"] == "127.0.0.1" and opts["port"] == 8000
    from solver.cli import main
    assert main.get_command(None, "serve") is serve_cmd       # found through the entry point
    from click.testing import CliRunner
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert "practice" in help_text and "serve" in help_text


def test_progress_of_the_local_student_is_recorded(tmp_path):
    from practice.store import Store
    store = Store(tmp_path / "p.sqlite")
    client = TestClient(create_app(store=store))
    client.post("/ex/hw-q3", data={"part": "params", "answer": "4608", "action": "check", "lang": "en"})
    assert store.review() == []                                # not over yet: nothing recorded
    client.post("/ex/hw-q3", data={"part": "params", "answer": "4,640", "action": "check", "lang": "en"})
    client.post("/ex/hw-q3", data={"part": "shape", "answer": "32x28x28", "action": "check", "lang": "en"})
    client.post("/ex/hw-q3", data={"part": "shape", "answer": "32x28x28", "action": "check", "lang": "en"})
    assert store.review() == [("hw-q3", "params")] and store.mistakes() == {"bias_forgotten": 1}
    rows = store._db.execute("SELECT part, first_try, tries FROM attempts ORDER BY id").fetchall()
    assert rows == [("params", 0, 2), ("shape", 1, 1)]         # each part once, when it is over
