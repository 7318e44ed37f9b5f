"""Wording shared by every kind: headings, source comparisons, verification lines."""
from .i18n import register

register({
    "head.plan": ("Approach", "解答思路"),
    "head.steps": ("Steps", "解答步骤"),
    "head.answers": ("Answers", "答案"),
    "head.checks": ("Checks", "验证"),
    "head.statement": ("Problem", "题目"),
    "head.source": ("Source", "出处"),
    "head.result": ("Result", "结果"),
    "head.rule": ("rule", "规则"),
    "head.part": ("part", "小问"),
    "head.variant": (" (variant {seed})", "（变式 {seed}）"),
    "plan.cites": ("This follows {book}: {cites}.", "依据{book}：{cites}。"),
    "plan.cites.nobook": ("This follows {cites}.", "依据：{cites}。"),
    "check.skipped": ("independent verification skipped (--no-verify)", "已跳过独立验证（--no-verify）"),
    "src.agree": ("agrees with the printed answer {printed}", "与给出的答案 {printed} 一致"),
    "src.agree_approx": ("agrees with the printed answer {printed} to the {sig} significant figures printed",
                         "与给出的答案 {printed} 在其 {sig} 位有效数字内一致"),
    "src.agree_layout": ("agrees with the printed answer {printed}, which is written in {layout} order",
                         "与给出的答案 {printed} 一致（原答案按 {layout} 顺序书写）"),
    "src.wrong": ("the source printed {printed}, but the correct value is {value}: the source is wrong",
                  "原答案为 {printed}，但正确值为 {value}：原答案有误"),
    "src.wrong_entry": ("the source is wrong: {n} entry(ies) differ; entry ({i}, {j}) is printed as {printed} but is "
                        "{value}",
                        "原答案有误：有 {n} 个元素不同；第 ({i}, {j}) 个元素原答案为 {printed}，正确值为 {value}"),
    "src.erratum.title": ("What the source gets wrong", "原书（笔记）中的错误"),
    "src.erratum.intro": ("Read against the computation above, the source has these errors.",
                          "对照上面的计算，原书（笔记）有以下错误。"),
    "src.erratum.item": ("Erratum {n}", "错误 {n}"),
    "src.erratum.item.where": ("Erratum {n} ({where})", "错误 {n}（{where}）"),
    "src.erratum.text": ("The source says: {printed} In fact: {fact}", "原书写道：{printed}实际上：{fact}"),
    "src.erratum.col.what": ("evidence, computed now", "证据（现场计算）"),
    "src.erratum.col.printed": ("by the source", "按原书"),
    "src.erratum.col.fact": ("in fact", "实际"),
    "by.torch": ("PyTorch", "PyTorch"),
    "by.source": ("source", "原书答案"),
    "by.source.book": ("source", "书中答案"),
    "by.source.task": ("source", "原题答案"),
    "by.closed_form": ("closed form", "闭式公式"),
    "by.sympy": ("sympy", "sympy"),
})

# from solver/class_sheets.py
register({                  # the titles and the hand-in text are the PDF catalogue's (pdf.sheet, pdf.key, pdf.sheet.how)
    "cls.who": ("Student {student} · variant (seed) {seed}", "学号 {student} · 变式编号（种子）{seed}"),
    "cls.parts": ("Parts to answer:", "需要作答的小问："),
})
