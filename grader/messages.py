"""Wording of the grader (feedback and reports), in English and Chinese."""
from solver.i18n import register

register({
    "g.unparsable": ("Could not read this answer: {why}", "无法读取这个答案：{why}"),
    "g.review": ("Kept for review by a teacher.", "留待教师批阅。"),
    "g.want_bool": ("Expected true or false (成立/不成立).", "应回答“成立”或“不成立”（true/false）。"),
    "g.bool_wrong": ("The verdict is the wrong way round.", "结论相反。"),
    "g.want_number": ("Expected a number, got “{got}”.", "应为一个数，实际为“{got}”。"),
    "g.rounded": ("Accepted to the {sig} significant figures given.", "按所给的 {sig} 位有效数字判为正确。"),
    "g.too_few_figures": ("Right, but give at least {want} significant figures (you gave {sig}).",
                          "结果正确，但应至少给出 {want} 位有效数字（你给了 {sig} 位）。"),
    "g.want_vector": ("Expected a list of {n} numbers.", "应为 {n} 个数组成的列表。"),
    "g.layout_hwc": ("Right numbers in H×W×C order; the solutions write shapes channels first (C×H×W).",
                     "数值正确，但按 H×W×C 顺序书写；本题解按通道在前（C×H×W）书写形状。"),
    "g.layout_other": ("The right numbers in the wrong order.", "数值正确但顺序不对。"),
    "g.length": ("{got} numbers given, {want} expected.", "给出了 {got} 个数，应为 {want} 个。"),
    "g.entries_wrong_vec": ("Wrong at position(s) {which} (counting from 1).", "第 {which} 个数（从 1 数起）有误。"),
    "g.want_matrix": ("Expected a {r}×{c} matrix.", "应为 {r}×{c} 矩阵。"),
    "g.transposed": ("This is the transpose of the answer: rows and columns are swapped.", "这是正确答案的转置：行与列互换了。"),
    "g.shape": ("The matrix is {got}; it should be {want}.", "矩阵为 {got}，应为 {want}。"),
    "g.entries_wrong": ("{n} of {total} entries are wrong: {which} (row, column from 1).",
                        "{total} 个元素中有 {n} 个错误：{which}（行、列从 1 开始）。"),
    "g.want_expr": ("Expected an expression.", "应为一个表达式。"),
    "g.timeout": ("The comparison took longer than {s} s and was stopped.", "比较超过 {s} 秒，已停止。"),
    "g.expr_wrong": ("The expression is not equivalent to the answer.", "该表达式与答案不等价。"),
    "g.missing": ("No answer given.", "未作答。"),
    "g.unknown_exercise": ("Unknown exercise id “{id}”: not graded.", "未知的题号“{id}”：未评分。"),
    "g.bad_exercise": ("Exercise {id} could not be solved, so it was not graded: {error}",
                       "习题 {id} 无法求解，因此未评分：{error}"),
    "g.no_part_named": ("The text under {ex} names none of its parts, so it was not graded; write each answer as "
                       "part: value (parts: {parts}).",
                       "习题 {ex} 下的文字没有指明是哪一小问，因此未评分；请按“小问：答案”的格式逐行作答（小问：{parts}）。"),
    "g.unknown_part": ("Exercise {ex} has no part “{part}”: not graded.", "习题 {ex} 没有小问“{part}”：未评分。"),
    "g.mistake": ("This is what you get if {what}.", "这个结果说明你可能{what}。"),
    "g.book_variant": ("This is the answer for the book's numbers, not for your variant.",
                       "这是按教材原题数值得到的答案，不是你所拿到的变式的答案。"),
    "g.other_variant": ("This is the answer of variant {n}, not of yours.", "这是变式 {n} 的答案，不是你的变式的答案。"),
    "g.want_channels": ("Expected {c} channels, each a matrix: [[[…], …], …].", "应为 {c} 个通道，每个通道一个矩阵：[[[…], …], …]。"),
    "g.channels_count": ("{got} channels given, {want} expected.", "给出了 {got} 个通道，应为 {want} 个。"),
    "g.channel": ("Channel {c}:", "第 {c} 个通道："),
    "g.square": ("Read as {n}×{n}: a square size written as one number.", "按 {n}×{n} 读取：正方形的尺寸可以只写一个数。"),
    "g.one_channel": ("Read as 1×H×W: one channel, written as H×W.", "按 1×H×W 读取：只有一个通道时可以写成 H×W。"),
    "g.batch": ("Accepted without the leading batch dimension of 1; the solutions write shapes without it.",
                "去掉开头的批量维 1 后判为正确；本题解的形状不含批量维。"),
    "g.channels_missing": ("These are the height and width; the shape also has the {c} channels (C×H×W).",
                           "这是高和宽；形状还应包含 {c} 个通道（C×H×W）。"),
    "g.batch_not_one": ("The first number ({b}) looks like a batch dimension; give the shape of one example.",
                        "第一个数（{b}）像是批量维；请给出单个样本的形状。"),
    "g.factor": ("Read as a factor stated in words.", "按文字所述的倍数读取。"),
    "g.unattributed": ("Text not attributed to any part: “{text}”.", "未归属任何小问的文字：“{text}”。"),
    "g.near_part": ("Read “{got}” as part “{part}”.", "把“{got}”当作小问“{part}”来读。"),
    "g.near_part_line": ("Line {n}: read “{got}” as part “{part}”.", "第 {n} 行：把“{got}”当作小问“{part}”来读。"),
    "g.unattributed_line": ("Line {n}: text not attributed to any part: “{text}”.",
                            "第 {n} 行的文字没有归属任何小问：“{text}”。"),
    "v.correct": ("correct", "正确"),
    "v.incorrect": ("incorrect", "错误"),
    "v.partial": ("partial", "部分正确"),
    "v.unparsable": ("unparsable", "无法解析"),
    "v.needs_review": ("needs review", "待批阅"),
    "v.missing": ("missing", "未作答"),
    "r.student": ("student", "学生"),
    "r.exercise": ("exercise", "习题"),
    "r.part": ("part", "小问"),
    "r.answer": ("answer", "答案"),
    "r.verdict": ("verdict", "判定"),
    "r.score": ("score", "得分"),
    "r.feedback": ("feedback", "反馈"),
    "r.total": ("total", "总分"),
})

# from grader/assignment.py
register({
    "a.not_answered": ("Exercise {id} is not answered: 0/{points}.", "未作答习题 {id}：{points} 分得 0 分。"),
    "a.outside": ("Exercise {id} is not part of the assignment: not counted.", "习题 {id} 不在本次作业中：不计分。"),
    "a.missing_file": ("No answer file: 0 points.", "未提交答卷：0 分。"),
    "a.unreadable": ("The answer file could not be read: {error}", "答卷无法读取：{error}"),
})

# from grader/pdf.py
register({
    "gpdf.title": ("Feedback", "批改反馈"),
    "gpdf.worked": ("Worked solutions of the parts to review", "需要复习的小问的详细解答"),
})

# lines on stderr during a class's grading (grader/teacher.py, grader/cli.py): in the run's language
register({
    "gw.missing": ("{student}: on the roster but no answer file was found (a row with 0)",
                   "{student}：在名单上，但没有找到答题文件（成绩记为 0）"),
    "gw.unrostered": ("{file}: student id {student} is not on the roster", "{file}：学号 {student} 不在名单上"),
    "gw.not_answer_md": ("not an answer file (no heading with a known exercise id such as “# hw-q3”, no student: "
                         "line): skipped", "不是答题文件（没有以习题编号为标题的行，如“# hw-q3”，也没有 student: 行）：已跳过"),
    "gw.not_answer_yaml": ("not an answer file (a mapping without answers:, student: or seed:): skipped",
                           "不是答题文件（没有 answers:、student: 或 seed: 字段）：已跳过"),
    "gw.weak_allowed": ("no strong sandbox here (bubblewrap is not usable and the grader is not root): student "
                        "programs run with rlimits and an audit hook only, and could read this user's files and use "
                        "the network (--allow-weak-sandbox)",
                        "这里没有可靠的沙箱（bubblewrap 不可用，批改程序也不是 root）：学生程序只受资源上限和审计钩子约束，"
                        "可能读取当前用户的文件、访问网络（--allow-weak-sandbox）"),
    "gw.weak_refused": ("no strong sandbox here (bubblewrap is not usable and the grader is not root): program parts "
                        "are not run and are left for review; install bubblewrap, or pass --allow-weak-sandbox to run "
                        "them anyway",
                        "这里没有可靠的沙箱（bubblewrap 不可用，批改程序也不是 root）：程序题不运行，留待人工复核；"
                        "请安装 bubblewrap，或加上 --allow-weak-sandbox 照常运行"),
    "gw.merged": ("{graded} graded, {failed} not graded, from {shards} shards",
                  "已批改 {graded} 份，{failed} 份未能批改，共 {shards} 个分片"),
    "gw.merged_one": ("{graded} graded, {failed} not graded, from {shards} shard",
                      "已批改 {graded} 份，{failed} 份未能批改，共 {shards} 个分片"),
    "gw.wrote_autograder": ("wrote {path}: upload it as the assignment's autograder on Gradescope",
                            "已写入 {path}：在 Gradescope 上把它上传为这次作业的自动评分程序"),
    # an answer file that cannot be read (grader/answers.py)
    "ga.unknown_field": ("unknown field '{name}'{hint}; an answer file has student, seed, answers",
                         "未知字段 '{name}'{hint}；答题文件只有 student、seed、answers 三个字段"),
    "ga.unknown_top": ("unknown field at the top level: an answer file is a mapping with student, seed, answers",
                       "顶层有未知字段：答题文件是含有 student、seed、answers 的映射"),
    "ga.not_mapping": ("an answer file is a mapping with 'answers' (and optionally 'student', 'seed')",
                       "答题文件必须是含有 'answers' 的映射（可以再写 'student'、'seed'）"),
    "ga.answers_kind": ("'answers' must map exercise ids to {{part: value}}", "'answers' 必须是“习题编号: {{小问: 答案}}”的映射"),
    "ga.parts_kind": ("answers of {id} must map part ids to values", "{id} 的答案必须是“小问编号: 答案”的映射"),
    "ga.seed": ("seed must be a whole number of at most {n} digits", "seed 必须是不超过 {n} 位的整数"),
    "ga.no_exercise": ("no exercise recognised: expected a heading with an exercise id (# hw-q3) and part: value lines",
                       "没有认出任何习题：应当有以习题编号为标题的行（# hw-q3）和“小问: 答案”行"),
    "ga.aliases": ("YAML aliases (*name) are not allowed in an answer file", "答题文件中不能使用 YAML 别名（*名字）"),
    "gw.no_answer_files": ("{where}: no answer files found ({n} other files skipped)",
                           "{where}：没有找到答题文件（跳过了 {n} 个其他文件）"),
    "gw.no_answer_files_one": ("{where}: no answer files found (1 other file skipped)",
                               "{where}：没有找到答题文件（跳过了 1 个其他文件）"),
    "gw.grading": ("grading", "批改中"),
    "gw.died_grading": ("{file}: the process grading this file died (killed, or out of memory)",
                        "{file}：批改这个文件的进程中途退出了（被终止或内存不足）"),
    "gw.died_reading": ("{file}: the process reading this file died (killed, or out of memory)",
                        "{file}：读取这个文件的进程中途退出了（被终止或内存不足）"),
})
