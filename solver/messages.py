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
    "by.torch": ("PyTorch", "PyTorch"),
    "by.source": ("source", "原书答案"),
    "by.source.book": ("source", "书中答案"),
    "by.source.task": ("source", "原题答案"),
    "by.closed_form": ("closed form", "闭式公式"),
    "by.sympy": ("sympy", "sympy"),
})
