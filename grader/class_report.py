"""The class report (``grade … --report report.html``): one self-contained HTML page — inline SVG plots, inline
CSS, no script, nothing fetched — in English or Chinese.

It shows the score histogram; per part the share correct / partial / incorrect / missing (difficulty) and the
discrimination (mean share of the part's points in the upper third of the class by total, minus that in the
lower third; shown from 3 graded students on); the most common wrong answers per part with their named
mistakes and counts; the parts waiting for review (explanations, proofs) with each student's answer; the
unreadable files, the roster students without a file and the files of students not on the roster.

Every text that comes from a sheet, a file name or the roster goes through ``html.escape``.

Example:
    >>> discrimination([1.0, 1.0, 0.0], [3.0, 2.0, 1.0])
    1.0
    >>> histogram_bins([0, 5, 10, 9.99], 10, 4)
    [1, 0, 1, 2]
"""
from __future__ import annotations

import math
from collections import Counter
from html import escape
from .gradebook import ClassBook, fmt_score

WORDS = {
    "title": ("Class report", "班级报告"),
    "students": ("Students", "学生"),
    "graded": ("graded", "已批改"),
    "missing_n": ("without a file", "未提交"),
    "unreadable_n": ("unreadable files", "无法读取的文件"),
    "mean": ("Mean", "平均分"), "median": ("Median", "中位数"), "max": ("Maximum", "满分"),
    "histogram": ("Score distribution", "成绩分布"),
    "share": ("share of the maximum (%)", "得分率（%）"),
    "count": ("students", "人数"),
    "parts": ("Parts: difficulty and discrimination", "各小问：难度与区分度"),
    "part": ("Part", "小问"),
    "discrimination": ("Discrimination", "区分度"),
    "disc_note": ("Discrimination: mean share of the part's points in the upper third of the class (by total) "
                  "minus that in the lower third.",
                  "区分度：总分前三分之一学生在该小问的平均得分率，减去后三分之一学生的平均得分率。"),
    "wrong": ("Most common wrong answers", "最常见的错误答案"),
    "answer": ("Answer", "答案"), "times": ("Count", "次数"), "mistake": ("Named mistake", "典型错误"),
    "review": ("Waiting for review", "待教师批阅"),
    "student": ("Student", "学生"), "name": ("Name", "姓名"),
    "unreadable": ("Unreadable files", "无法读取的文件"),
    "file": ("File", "文件"), "error": ("Reason", "原因"),
    "missing": ("On the roster, no answer file", "名单中未提交答卷的学生"),
    "unrostered": ("Answer files of students not on the roster", "不在名单中的学生的答卷"),
    "none": ("None.", "无。"),
    "correct": ("correct", "正确"), "partial": ("partial", "部分正确"), "incorrect": ("incorrect", "错误"),
    "missing_v": ("missing", "未作答"), "other": ("unreadable / review", "无法解析／待批阅"),
}
COLOURS = {"correct": "#2a7a4b", "partial": "#d89a00", "incorrect": "#b00020", "missing_v": "#9a9a9a",
           "other": "#00708a"}
CATEGORY = {"correct": "correct", "partial": "partial", "incorrect": "incorrect", "missing": "missing_v",
            "unparsable": "other", "needs_review": "other"}
FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"


def _w(key: str, lang: str) -> str:
    en, zh = WORDS[key]
    return zh if lang == "zh" else en


def discrimination(shares: list[float], totals: list[float]) -> float | None:
    """Upper-third mean of ``shares`` minus lower-third mean, the class ordered by ``totals`` (None below 3)."""
    n = len(shares)
    if n < 3:
        return None
    k = math.ceil(n / 3)
    order = sorted(range(n), key=lambda i: totals[i], reverse=True)
    upper = [shares[i] for i in order[:k]]
    lower = [shares[i] for i in order[-k:]]
    return round(sum(upper) / k - sum(lower) / k, 4)


def histogram_bins(scores: list[float], maximum: float, bins: int = 10) -> list[int]:
    """Counts of ``scores`` in ``bins`` equal bins of [0, maximum] (the maximum itself in the last bin)."""
    counts = [0] * bins
    for s in scores:
        share = s / maximum if maximum else 0.0
        counts[min(max(int(share * bins), 0), bins - 1)] += 1
    return counts


def _histogram_svg(scores: list[float], maximum: float, lang: str) -> str:
    counts = histogram_bins(scores, maximum)
    width, height, left, bottom, top = 520, 240, 40, 36, 12
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(counts) or 1
    bar_w = plot_w / len(counts)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot histogram" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_w("histogram", lang))}">',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>']
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        x = left + i * bar_w
        out.append(f'<rect class="bar" x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 4:.1f}" '
                   f'height="{h:.1f}" fill="#3b6ea8"><title>{i * 10}–{(i + 1) * 10}%: {c}</title></rect>')
        if c:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" '
                       f'font-size="11">{c}</text>')
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">{i * 10}</text>')
    out.append(f'<text x="{left + plot_w:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">100</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" font-size="11">'
               f'{escape(_w("share", lang))}</text>')
    out.append(f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="11" '
               f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{escape(_w("count", lang))}</text>')
    out.append("</svg>")
    return "".join(out)


def _stack_svg(counts: Counter, total: int, lang: str) -> str:
    width, height = 240, 16
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot stack" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">']
    x = 0.0
    for cat in ("correct", "partial", "incorrect", "other", "missing_v"):
        if not counts[cat] or not total:
            continue
        w = width * counts[cat] / total
        out.append(f'<rect class="share {cat}" x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
                   f'fill="{COLOURS[cat]}"><title>{escape(_w(cat, lang))}{"：" if lang == "zh" else ": "}{counts[cat]}'
                   f'</title></rect>')
        x += w
    out.append("</svg>")
    return "".join(out)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "—"


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table; cells are HTML already (callers escape)."""
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def class_report_html(book: ClassBook, lang: str = "en") -> str:
    """The report as one HTML document (see the module's description)."""
    e = escape
    d = book.decimals
    graded = [r for r in book.rows if r.status == "graded"]
    maximum = (book.assignment.max_score if book.assignment is not None
               else max((r.max_score for r in graded), default=0.0))
    title = _w("title", lang) + (f" — {book.assignment.title_in(lang)}" if book.assignment is not None else "")
    body: list[str] = [f"<h1>{e(title)}</h1>"]
    scores = [r.score for r in graded]
    shares = [r.score / r.max_score if r.max_score else 0.0 for r in graded]
    mean = sum(scores) / len(scores) if scores else 0.0
    median = sorted(scores)[len(scores) // 2] if len(scores) % 2 else (
        sum(sorted(scores)[len(scores) // 2 - 1:len(scores) // 2 + 1]) / 2 if scores else 0.0)
    colon, comma, stop = ("：", "，", "。") if lang == "zh" else (": ", ", ", ". ")
    body.append(f'<p class="summary">{e(_w("students", lang))}{colon}{len(graded)} {e(_w("graded", lang))}{comma}'
                f'{len(book.missing)} {e(_w("missing_n", lang))}{comma}{len(book.unreadable)} '
                f'{e(_w("unreadable_n", lang))}{stop}{e(_w("mean", lang))} {fmt_score(mean, d)}{comma}'
                f'{e(_w("median", lang))} {fmt_score(median, d)}{comma}{e(_w("max", lang))} '
                f'{fmt_score(maximum, d)}{stop.strip()}</p>')
    body.append(f"<h2>{e(_w('histogram', lang))}</h2>")
    body.append(_histogram_svg([s * 100 for s in shares], 100.0, lang))

    # per part: difficulty and discrimination
    columns = book.columns()
    body.append(f"<h2>{e(_w('parts', lang))}</h2>")
    legend = " ".join(f'<span class="key" style="background:{COLOURS[c]}"></span>{e(_w(c, lang))}'
                      for c in ("correct", "partial", "incorrect", "other", "missing_v"))
    body.append(f'<p class="legend">{legend}</p>')
    rows = []
    totals = [r.score for r in graded]
    index = {c: i for i, c in enumerate(columns)}
    counts_by = [Counter() for _ in columns]
    shares_by = [[0.0] * len(graded) for _ in columns]
    for n_row, r in enumerate(graded):                 # each row's parts read once (compact rows build them)
        seen = [False] * len(columns)
        for p in r.parts:
            i = index.get((p.exercise, p.part))
            if i is None or seen[i]:
                continue
            seen[i] = True
            counts_by[i][CATEGORY.get(p.verdict, "other")] += 1
            shares_by[i][n_row] = p.score / p.max_score if p.max_score else 0.0
        for i, was in enumerate(seen):
            if not was:
                counts_by[i]["missing_v"] += 1
    n = len(graded)
    for (ex, part), counts, part_shares in zip(columns, counts_by, shares_by):
        disc = discrimination(part_shares, totals)
        rows.append([f"{e(ex)} / {e(part)}", _stack_svg(counts, n, lang), _pct(counts["correct"], n),
                     _pct(counts["partial"], n), _pct(counts["incorrect"], n), _pct(counts["missing_v"], n),
                     "—" if disc is None else f"{disc:+.2f}"])
    body.append(_table([e(_w("part", lang)), "", e(_w("correct", lang)), e(_w("partial", lang)),
                        e(_w("incorrect", lang)), e(_w("missing_v", lang)), e(_w("discrimination", lang))],
                       rows, "parts"))
    body.append(f'<p class="note">{e(_w("disc_note", lang))}</p>')

    # most common wrong answers (tallied while streaming, or here from full rows)
    from .compact import ClassStats
    from .mistakes import mistake_text
    stats = getattr(book, "stats", None) or ClassStats.from_rows(graded)
    body.append(f"<h2>{e(_w('wrong', lang))}</h2>")
    any_wrong = False
    for ex, part in columns:
        wrong = stats.wrong.get((ex, part))
        named = stats.named.get((ex, part), {})
        if not wrong:
            continue
        any_wrong = True
        body.append(f"<h3>{e(ex)} / {e(part)}</h3>")
        body.append(_table([e(_w("answer", lang)), e(_w("times", lang)), e(_w("mistake", lang))],
                           [[f"<code>{e(a[:120])}</code>", str(c),
                             e(("；" if lang == "zh" else "; ").join(mistake_text(m, lang)
                                                                    for m in sorted(named.get(a, ()))))]
                            for a, c in wrong.most_common(5)], "wrong"))
    if not any_wrong:
        body.append(f"<p>{e(_w('none', lang))}</p>")

    # waiting for review
    body.append(f"<h2>{e(_w('review', lang))}</h2>")
    review = [[e(student), e(name), f"{e(ex)} / {e(part)}", f"<code>{e(answer)}</code>",
               e(" ".join(f.render(lang) for f in feedback))]
              for _, student, name, (ex, part), answer, feedback in stats.review]
    body.append(_table([e(_w("student", lang)), e(_w("name", lang)), e(_w("part", lang)), e(_w("answer", lang)),
                        ""], review, "review") if review else f"<p>{e(_w('none', lang))}</p>")
    if stats.review_more:
        more = (f"另有 {stats.review_more} 项待批阅（见 JSON 记录或 Excel 各小问表）" if lang == "zh" else
                f"… and {stats.review_more} more (see the JSON records or the Excel per-part sheet)")
        body.append(f'<p class="note">{e(more)}</p>')

    # unreadable, missing, not on the roster
    body.append(f"<h2>{e(_w('unreadable', lang))}</h2>")
    body.append(_table([e(_w("file", lang)), e(_w("error", lang))], [[e(f), e(m)] for f, m in book.unreadable],
                       "unreadable") if book.unreadable else f"<p>{e(_w('none', lang))}</p>")
    if book.roster is not None:
        names = {x.student: x.name for x in book.roster}
        body.append(f"<h2>{e(_w('missing', lang))}</h2>")
        body.append(_table([e(_w("student", lang)), e(_w("name", lang))],
                           [[e(s), e(names.get(s, ""))] for s in book.missing], "missing")
                    if book.missing else f"<p>{e(_w('none', lang))}</p>")
        body.append(f"<h2>{e(_w('unrostered', lang))}</h2>")
        body.append(_table([e(_w("student", lang)), e(_w("file", lang))],
                           [[e(r.student), e(r.file)] for r in book.unrostered], "unrostered")
                    if book.unrostered else f"<p>{e(_w('none', lang))}</p>")
    style = (f"body{{font-family:{FONT};margin:2em;color:#222;max-width:70em}}"
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:left;vertical-align:middle}th{background:#f2f2f2}code{white-space:pre-wrap}"
             ".key{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:middle}"
             f"svg text{{font-family:{FONT};fill:#222}}.note{{color:#555;font-size:90%}}")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'img-src data:">'
            f"<title>{e(title)}</title><style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


__all__ = ["class_report_html", "discrimination", "histogram_bins"]
