"""``solve serve [--port 8000] [--host 127.0.0.1]``: practise in a local web page (Starlette + uvicorn).

Pages, all rendered on the server (no script at all, no CDN, nothing fetched from elsewhere):

- ``/`` — the bank by source and chapter, in English or Chinese (``?lang=zh``);
- ``/ex/ID/solution`` — its worked solution alone (read-only);
- ``/ex/ID`` — an exercise: one answer box per part with instant feedback (the grader's verdict and named
  mistake), hints one rung at a time, the worked solution, a new variant (``?seed=N``), a language switch.
  A form posts to the same address; the page comes back with the feedback.

Mathematics is converted to MathML on the server (``latex2mathml``; Chromium and Firefox render MathML
natively); a formula that cannot be converted is shown as Unicode text. Every string from a student (and from an
exercise) is HTML-escaped; a Content-Security-Policy forbids scripts and any other origin.

Each browser gets a session (a random ``sid`` cookie, HttpOnly, SameSite=Strict) holding its exercise runs;
at most :data:`MAX_SESSIONS` sessions (least recently used dropped) and :data:`MAX_RUNS` runs each. A request
body is at most :data:`MAX_BODY` bytes and an answer at most :data:`MAX_ANSWER_FIELD` characters. Grading runs in
the thread pool, one request at a time per session. The server binds to 127.0.0.1 unless ``--host`` says
otherwise (a teacher serving a class on a LAN: ``--host 0.0.0.0``).
On 127.0.0.1 (one student, their own machine) the parts finished are recorded in the same progress file as
``solve practice`` (:mod:`practice.store`); served to a LAN, nothing is recorded on the server.
"""
from __future__ import annotations

import html
import secrets
import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs, quote

import click

from solver.i18n import Msg

MAX_SESSIONS = 2000
MAX_RUNS = 20
MAX_BODY = 16 * 1024
MAX_ANSWER_FIELD = 4000
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store"}

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans",sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;
line-height:1.5;color:#222}
a{color:#0645ad}header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid #ccc}
.part{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.part h3{margin:.2rem 0;font-size:1rem}.ok{color:#1a7f37}.bad{color:#b42318}.meh{color:#9a6700}
.status{font-size:.85rem;color:#555}.hint{background:#fff8e1;border-left:3px solid #e0b000;padding:.3rem .6rem;margin:.4rem 0}
.feedback{margin:.4rem 0}input[type=text]{width:60%;font-size:1rem;padding:.2rem}
button{font-size:.95rem;margin-left:.3rem}math{font-size:1.1em}.math{margin:.2rem 0 .2rem 1.5rem;overflow-x:auto;overflow-y:hidden}
.solution{border-top:2px solid #888;margin-top:1.5rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.1rem .4rem}.group h2{font-size:1.1rem;margin-top:1.2rem}
.actions form{display:inline}.depth1{margin-left:1.5rem}.depth2{margin-left:3rem}.depth3,.depth4{margin-left:4.5rem}
"""


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def mathml(latex: str, lang: str = "en", display: bool = False) -> str:
    """LaTeX → MathML (server-side); Unicode text when the converter cannot read it.

    >>> mathml(r"\\frac{a}{b}").startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
    True
    >>> "<script" in mathml(r"\\text{<script>}")
    False
    """
    from solver.render.summary import localise_latex
    latex = localise_latex(latex, lang)
    try:
        from latex2mathml.converter import convert
        out = convert(latex, display="block" if display else "inline")
        if "<script" in out.lower():                  # never: the converter escapes text, but be sure
            raise ValueError(out)
        return out
    except Exception:                                 # noqa: BLE001 - a formula the converter cannot read
        from solver.render.unicode_math import to_unicode
        return f'<span class="mathtext">{esc(to_unicode(latex))}</span>'


class Student:
    """One browser's practice: its exercise runs, keyed by (id, seed)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs: OrderedDict[tuple[str, int | None], Any] = OrderedDict()
        self.feedback: dict[tuple[str, int | None, str], Any] = {}
        self.saved: set[tuple[str, int | None, str]] = set()      # parts recorded in the progress file

    def run(self, ex_id: str, seed: int | None) -> Any:
        from .engine import ExerciseRun
        key = (ex_id, seed)
        if key not in self.runs:
            self.runs[key] = ExerciseRun(ex_id, seed)
            while len(self.runs) > MAX_RUNS:
                old, _ = self.runs.popitem(last=False)
                self.feedback = {k: v for k, v in self.feedback.items() if (k[0], k[1]) != old}
        self.runs.move_to_end(key)
        return self.runs[key]


class Students:
    def __init__(self, limit: int = MAX_SESSIONS) -> None:
        self.limit = limit
        self.lock = threading.Lock()
        self.by_sid: OrderedDict[str, Student] = OrderedDict()

    def get(self, sid: str | None) -> tuple[str, Student]:
        with self.lock:
            if sid and sid in self.by_sid:
                self.by_sid.move_to_end(sid)
                return sid, self.by_sid[sid]
            sid = secrets.token_urlsafe(24)
            self.by_sid[sid] = Student()
            while len(self.by_sid) > self.limit:
                self.by_sid.popitem(last=False)
            return sid, self.by_sid[sid]


def _lang(value: Any) -> str:
    return "zh" if value == "zh" else "en"


def _page(title: str, body: str, lang: str, switch: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/style.css">'
            f'</head><body>'
            f'<header><a href="/?lang={lang}">{esc(Msg("pr.web.back").render(lang))}</a>'
            f'<a href="{esc(switch)}{"&" if "?" in switch else "?"}lang={other}" hreflang="{other}">'
            f'{esc(Msg("pr.web.other_lang").render(lang))}</a></header><main>{body}</main></body></html>')


def _bank() -> list:
    from solver.bank import load_bank

    from .engine import practicable
    return [ex for ex in load_bank() if practicable(ex)]


def index_html(lang: str) -> str:
    from solver.render.common import source_group
    groups: OrderedDict[str, list] = OrderedDict()
    for ex in _bank():
        name = source_group(ex.source, lang) if ex.source else "—"
        groups.setdefault(name, []).append(ex)
    body = [f"<h1>{esc(Msg('pr.web.title').render(lang))} · {esc(Msg('pr.web.bank').render(lang))}</h1>"]
    for name, exs in groups.items():
        body.append(f'<section class="group"><h2>{esc(name)}</h2><ul>')
        for ex in exs:
            body.append(f'<li><a href="/ex/{quote(ex.id)}?lang={lang}">{esc(ex.id)}</a> · {esc(ex.title.render(lang))}</li>')
        body.append("</ul></section>")
    return _page(Msg("pr.web.title").render(lang), "".join(body), lang, "/")


def _hint_html(rung: Any, lang: str) -> str:
    sep = "：" if lang == "zh" else ": "
    out = [f'<div class="hint"><b>{esc(rung.label(lang))}</b>{sep}{esc(" ".join(rung.texts(lang)))}']
    out += [f'<div class="math">{mathml(m, lang, True)}</div>' for m in rung.math]
    return "".join(out) + "</div>"


def _part_html(run: Any, part: Any, n: int, lang: str, feedback: Any, base: str) -> str:
    status = ""
    if part.solved and not part.revealed:
        status = f'<span class="ok">✓ {esc(Msg("pr.web.solved").render(lang))}</span>'
    elif part.revealed:
        status = f'<span class="meh">{esc(Msg("pr.web.shown").render(lang))}</span>'
    counts = Msg("pr.web.tries", n=part.tries, h=part.hints).render(lang)
    out = [f'<section class="part" id="part-{esc(part.part_id)}"><h3>{n}. {esc(part.label(lang))} {status}</h3>'
           f'<div class="status">{esc(counts)}</div>']
    if feedback is not None:
        cls = "ok" if feedback.correct else "bad" if feedback.verdict in ("incorrect", "unparsable") else "meh"
        out.append(f'<div class="feedback {cls}">' + "<br>".join(esc(m) for m in feedback.messages) + "</div>")
        if feedback.reference:
            out.append(f'<div class="feedback">{esc(Msg("pr.reference", text=feedback.reference).render(lang))}</div>')
        if feedback.offer_hint:
            out.append(f'<div class="status">{esc(Msg("pr.web.offer_hint").render(lang))}</div>')
    out += [_hint_html(r, lang) for r in part.ladder[:part.hints]]
    out.append(f'<form method="post" action="{esc(base)}#part-{esc(part.part_id)}">'
               f'<input type="hidden" name="part" value="{esc(part.part_id)}">'
               f'<input type="hidden" name="lang" value="{lang}">'
               f'<label>{esc(Msg("pr.web.answer").render(lang))} '
               f'<input type="text" name="answer" maxlength="{MAX_ANSWER_FIELD}" autocomplete="off"></label>'
               f'<button name="action" value="check">{esc(Msg("pr.web.check").render(lang))}</button>'
               f'<button name="action" value="hint">{esc(Msg("pr.web.hint").render(lang))}</button></form></section>')
    return "".join(out)


def _figure(solution: Any, lang: str) -> str:
    """The solution's figure as inline SVG (solver.render.figures: a convolution's window), or nothing."""
    try:
        from solver.render.figures import conv_window, svg
        fig = conv_window(solution)
        return f'<figure class="figure">{svg(fig, lang)}</figure>' if fig is not None else ""
    except Exception:                   # noqa: BLE001 - a figure is an extra: the solution shows without it
        return ""


def solution_html(solution: Any, lang: str) -> str:
    """The worked solution: plan, numbered steps with their formulas (MathML) and tables, the answers."""
    from solver.render.common import plan_items, walk
    from solver.render.summary import conclusion
    out = [f'<section class="solution"><h2>{esc(Msg("pr.web.solution").render(lang))}</h2>',
           f'<h3>{esc(Msg("pr.web.approach").render(lang))}</h3><ul>']
    out += [f"<li>{esc(item.render(lang))}</li>" for item in plan_items(solution)]
    out.append(f'</ul><h3>{esc(Msg("pr.web.steps").render(lang))}</h3>')
    out.append(_figure(solution, lang))
    for number, depth, step in walk(solution.steps):
        out.append(f'<div class="step depth{min(depth, 4)}">')
        out.append(f"<p><b>{esc(number)}. {esc(step.title.render(lang))}</b></p>")
        if step.text is not None:
            out.append(f"<p>{esc(step.text.render(lang))}</p>")
        out += [f'<div class="math">{mathml(m, lang, True)}</div>' for m in step.math]
        if step.table is not None:
            out.append("<table><tr>" + "".join(f"<th>{esc(c.render(lang) if hasattr(c, 'render') else c)}</th>"
                                               for c in step.table.columns) + "</tr>")
            for row in step.table.rows:
                out.append("<tr>" + "".join(f"<td>{esc(c.render(lang) if hasattr(c, 'render') else c)}</td>"
                                            for c in row) + "</tr>")
            out.append("</table>")
        out.append("</div>")
    out.append(f'<h3>{esc(Msg("pr.web.answers").render(lang))}</h3><ul>')
    for item in conclusion(solution, lang):
        value = mathml(item.latex, lang) if item.latex else esc(item.plain(lang))
        out.append(f"<li>{esc(item.label)}: {value}</li>")
    return "".join(out) + "</ul></section>"


def exercise_html(run: Any, student: Student, lang: str, show_solution: bool) -> str:
    seed_q = f"seed={run.seed}&" if run.seed is not None else ""
    base = f"/ex/{quote(run.id)}?{seed_q}lang={lang}"
    variant = f" · {esc(Msg('pr.web.variant', seed=run.seed).render(lang))}" if run.seed is not None else ""
    body = [f"<h1>{esc(run.id)} · {esc(run.title(lang))}{variant}</h1>",
            f'<p class="statement">{esc(run.statement(lang))}</p>']
    for n, part in enumerate(run.parts, start=1):
        body.append(_part_html(run, part, n, lang, student.feedback.get((run.id, run.seed, part.part_id)), base))
    body.append('<div class="actions">')
    body.append(f'<form method="post" action="{esc(base)}#solution"><input type="hidden" name="lang" value="{lang}">'
                f'<button name="action" value="solution">{esc(Msg("pr.web.solution").render(lang))}</button></form>')
    if run.randomised:
        body.append(f'<form method="post" action="{esc(base)}"><input type="hidden" name="lang" value="{lang}">'
                    f'<button name="action" value="another">{esc(Msg("pr.web.another").render(lang))}</button></form>')
    body.append("</div>")
    if show_solution or run.finished:
        body.append(f'<div id="solution">{solution_html(run.solution, lang)}</div>')
    switch = f"/ex/{quote(run.id)}" + (f"?seed={run.seed}" if run.seed is not None else "")
    return _page(f"{run.id} · {run.title(lang)}", "".join(body), lang, switch)


async def _form(request: Any) -> dict[str, str] | None:
    """The url-encoded form of a POST, read with a size cap (None when too large)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        return None
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            return None
    fields = parse_qs(data.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20)
    return {k: v[0] for k, v in fields.items()}


def _save(store: Any, student: Student, run: Any) -> None:
    """Record each part of ``run`` once it is over (solved, answer shown, skipped) in the progress file."""
    for p in run.parts:
        key = (run.id, run.seed, p.part_id)
        if p.finished and key not in student.saved:
            student.saved.add(key)
            store.record(run.id, run.seed, p.part_id, first_try=bool(p.first_try), tries=p.tries, hints=p.hints,
                         solved=p.solved and not p.revealed, mistakes=p.mistakes)


def create_app(max_sessions: int = MAX_SESSIONS, store: Any = None) -> Any:
    """The Starlette application (``uvicorn`` serves it; tests use ``starlette.testclient``). With ``store``
    (a :class:`practice.store.Store`: one student on their own machine) finished parts are recorded there, as in
    the terminal, so ``solve practice --review`` offers what went wrong in the browser too."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    from solver.bank import UnknownExercise
    from solver.errors import InputError
    students = Students(max_sessions)
    store_lock = threading.Lock()

    def respond(content: str, sid: str | None = None, status: int = 200) -> Response:
        r = HTMLResponse(content, status_code=status, headers=HEADERS)
        if sid:
            r.set_cookie("sid", sid, httponly=True, samesite="strict", max_age=7 * 24 * 3600)
        return r

    async def index(request: Any) -> Response:
        lang = _lang(request.query_params.get("lang"))
        return respond(await run_in_threadpool(index_html, lang))

    async def style(request: Any) -> Response:
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600",
                                                            "X-Content-Type-Options": "nosniff"})

    def _seed(value: Any) -> int | None:
        try:
            seed = int(value)
        except (TypeError, ValueError):
            return None
        return seed if 0 < seed < 10**9 else None

    def not_found(lang: str) -> Response:
        return respond(_page("404", f"<p>{esc(Msg('pr.web.not_found').render(lang))}</p>", lang, "/"), status=404)

    async def exercise(request: Any) -> Response:
        lang = _lang(request.query_params.get("lang"))
        ex_id = request.path_params["ex_id"]
        seed = _seed(request.query_params.get("seed"))
        form: dict[str, str] = {}
        if request.method == "POST":
            got = await _form(request)
            if got is None:
                return PlainTextResponse(Msg("pr.web.too_large").render(lang), status_code=413, headers=HEADERS)
            form = got
            lang = _lang(form.get("lang", lang))
        sid, student = students.get(request.cookies.get("sid"))

        def work() -> Response:
            with student.lock:
                try:
                    run = student.run(ex_id, seed)
                except (UnknownExercise, InputError, KeyError):
                    return not_found(lang)
                action = form.get("action")
                show_solution = False
                if action == "another" and run.randomised:
                    import random
                    new = (run.seed or 0) + 1 if run.seed is not None else random.randrange(1, 999_999)
                    return RedirectResponse(f"/ex/{quote(run.id)}?seed={new}&lang={lang}", status_code=303)
                if action == "solution":
                    run.reveal()
                    show_solution = True
                part_id = form.get("part")
                if action in ("check", "hint") and part_id in [p.part_id for p in run.parts]:
                    key = (run.id, run.seed, part_id)
                    if action == "check":
                        student.feedback[key] = run.answer(part_id, form.get("answer", ""), lang,
                                                           MAX_ANSWER_FIELD)
                    else:
                        run.hint(part_id)
                if store is not None:
                    with store_lock:
                        _save(store, student, run)
                return respond(exercise_html(run, student, lang, show_solution), sid)
        return await run_in_threadpool(work)

    async def solution_page(request: Any) -> Response:
        """The worked solution alone (read-only: the practice state is not touched)."""
        lang = _lang(request.query_params.get("lang"))
        seed = _seed(request.query_params.get("seed"))

        def work() -> Response:
            from .engine import ExerciseRun
            try:
                run = ExerciseRun(request.path_params["ex_id"], seed)
            except (UnknownExercise, InputError, KeyError):
                return not_found(lang)
            back = f"/ex/{quote(run.id)}" + (f"?seed={run.seed}" if run.seed is not None else "")
            body = (f'<h1><a href="{esc(back)}{"&" if "?" in back else "?"}lang={lang}">{esc(run.id)}</a> · '
                    f'{esc(run.title(lang))}</h1><p class="statement">{esc(run.statement(lang))}</p>'
                    + solution_html(run.solution, lang))
            return respond(_page(f"{run.id} · {run.title(lang)}", body, lang, back + "/solution"
                                 if run.seed is None else f"/ex/{quote(run.id)}/solution?seed={run.seed}"))
        return await run_in_threadpool(work)

    async def health(request: Any) -> Response:
        return PlainTextResponse("ok")

    routes = [Route("/", index), Route("/style.css", style), Route("/healthz", health),
              Route("/ex/{ex_id}", exercise, methods=["GET", "POST"]),
              Route("/ex/{ex_id}/solution", solution_page)]
    return Starlette(routes=routes)


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 serves a class on the local network.")
def serve_cmd(port: int, host: str) -> None:
    """Practise in a local web page: the bank, answers with instant feedback, hints, worked solutions."""
    import uvicorn
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"note: listening on {host}: every machine that can reach it can practise here", err=True)
    click.echo(f"serving on http://{'[' + host + ']' if ':' in host else host}:{port}/  (Ctrl-C stops)", err=True)
    store = None
    if host in ("127.0.0.1", "localhost", "::1"):        # one student on their own machine: keep their progress
        from .store import Store
        try:
            store = Store()
            click.echo(f"progress: {store.path}", err=True)
        except Exception as exc:         # noqa: BLE001 - practice works without it
            click.echo(f"warning: progress not saved: {exc}", err=True)
    uvicorn.run(create_app(store=store), host=host, port=port, log_level="warning")
