"""``kind: explain``: every explanation exercise solves and verifies; the rubric matcher marks key points in
English and Chinese (paraphrases accepted, off-topic text rejected); the experiments are reproducible.

Run: ``pytest tests/test_explain.py``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from grader.rubric import grade_explain_part, grade_prose
from solver.bank import bank_dir, exercise_files, load_exercise, load_file
from solver.errors import InputError
from solver.explain.rubric import MAX_CHARS, compile_phrasing, detect_language, match_points, normalise, stem
from solver.pipeline import solve_exercise

EXPLAIN_FILES = [p for p in exercise_files(bank_dir()) if "kind: explain" in p.read_text(encoding="utf-8")]
EXPECTED_IDS = {
    "24.10", "24.7",
    "d2l-6.1-ex2", "d2l-6.1-ex3", "d2l-6.1-ex4", "d2l-6.1-ex5", "d2l-6.3-ex3", "d2l-6.3-ex4-explain",
    "d2l-6.4-ex2", "d2l-6.4-ex3-explain", "d2l-6.4-ex4-explain", "d2l-6.4-ex5", "d2l-6.4-ex6",
    "d2l-6.5-ex1-explain", "d2l-6.5-ex2-explain", "d2l-6.5-ex3", "d2l-6.5-ex4", "d2l-6.5-ex6",
    "d2l-6.6-ex2", "d2l-6.6-ex3", "d2l-6.6-ex4",
    "hw-q1", "hw-q7", "hw-q8", "hw-q9",
    "notes-weight-sharing", "notes-local-connectivity", "notes-1x1-conv", "notes-conv-types", "notes-reduce-params",
}

_SOLVED: dict = {}


def solved(ex_id: str, verify: bool = False):
    """Each exercise solved once per test session (verified once, when a test asks for it)."""
    key = (ex_id, verify)
    if key not in _SOLVED:
        _SOLVED[key] = solve_exercise(load_exercise(ex_id), verify=verify)
    return _SOLVED[key]


def points(ex_id: str, part: str = "answer") -> list[dict]:
    return solved(ex_id).context["points"][part]


# ---------------------------------------------------------------- the bank's explanation exercises


def test_the_explanation_exercises_are_in_the_bank():
    ids = {load_file(p, bank=True).id for p in EXPLAIN_FILES}
    assert EXPECTED_IDS <= ids


@pytest.mark.parametrize("path", EXPLAIN_FILES, ids=lambda p: p.stem)
def test_explain_exercise_solves_and_verifies(path):
    ex = load_file(path, bank=True)
    sol = solved(ex.id, verify=True)
    failed = [(c.by, c.part, c.detail.render("en")) for c in sol.checks if not c.ok]
    assert not failed
    assert set(sol.answers) == {p.id for p in ex.ask}
    for part in ex.ask:
        assert part.quantity == "explanation"
        answer = sol.answers[part.id]
        assert isinstance(answer, str) and len(answer) > 40, "the answer is the English reference text"
        assert any(c.by == "rubric" and c.part == part.id for c in sol.checks), "the rubric recognises the reference"
        for point in sol.context["points"][part.id]:
            assert point["en"]["text"] and point["zh"]["text"], "every key point has both languages"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in point["zh"]["text"])
            assert point["en"]["phrasings"] and point["zh"]["phrasings"]
            assert point["en"]["text"] in answer
    if ex.given.get("experiment"):
        assert any(c.by == "torch" for c in sol.checks), "an experiment is re-checked with torch"


@pytest.mark.parametrize("path", EXPLAIN_FILES, ids=lambda p: p.stem)
def test_each_language_is_recognised_with_its_own_phrasings(path):
    """Stricter than verify: the English reference with English phrasings only, the Chinese with Chinese only."""
    from solver.explain.solve import reference_text
    ex = load_file(path, bank=True)
    for part, pts in solved(ex.id).context["points"].items():
        for lang in ("en", "zh"):
            found = match_points(reference_text(pts, lang), pts, langs=(lang,))
            assert found.missing == [], (part, lang, found.missing)


def test_reference_answer_renders_in_both_languages_and_every_format():
    from rich.console import Console
    import io
    from solver.render.json import to_dict
    from solver.render.markdown import render as markdown
    from solver.render.text import render as text
    sol = solved("24.10", verify=True)
    zh = markdown(sol, "zh")
    assert "恒等映射" in zh and "普通网络 ‖∂L/∂W₁‖" in zh and "评分细则" in zh
    en = markdown(sol, "en")
    assert "identity mapping" in en and "| depth |" in en
    data = json.loads(json.dumps(to_dict(sol, "zh"), ensure_ascii=False))
    tables = [s for step in data["steps"] for s in [step] + step.get("steps", []) if "table" in s]
    assert tables, "the experiment's table is in the JSON result"
    buffer = io.StringIO()
    text(sol, "zh", Console(file=buffer, width=100, color_system=None), True)
    assert "残差网络" in buffer.getvalue()


def test_multi_part_exercise_has_one_step_group_per_part():
    sol = solved("d2l-6.4-ex2")
    assert [s.rule for s in sol.steps] == ["explain.part"] * 4
    assert set(sol.context["points"]) == {"forward_cost", "memory", "backward_memory", "backward_cost"}


# ---------------------------------------------------------------- rubric matching: tables in both languages

OFF_EN = "To bake bread, mix flour, water, salt and yeast, let the dough rise for two hours and bake it at 220 degrees."
OFF_ZH = "红烧肉的做法：五花肉切块，焯水后加冰糖炒糖色，再加酱油和水炖一个小时。"
ROWS = [
 # ---------------- 24.10
 ("24.10", "answer", "good en",
  "In a plain deep net the backward pass multiplies one Jacobian per layer, so the gradient at the first layers "
  "shrinks or grows exponentially with depth. A residual block computes x + F(x) through a skip connection. Its "
  "derivative is the identity matrix plus dF/dx, so the gradient flows directly back through the shortcut and "
  "cannot vanish. With batch normalization the branches stay small, so the gradients stay stable and do not "
  "explode either. Unrolled, a ResNet behaves like an ensemble of many shorter paths.",
  {"plain_product", "shortcut", "identity_gradient", "no_explosion", "ensemble"}),
 ("24.10", "answer", "good zh",
  "普通深层网络中梯度要经过逐层相乘，前面层的梯度会指数级地消失或爆炸。残差单元通过捷径连接实现恒等映射，输出为 x + F(x)。"
  "求导后多出一个单位矩阵，所以梯度可以直接传到前面的层，不会消失。配合批归一化，残差分支较小，梯度稳定，不会爆炸。"
  "残差网络也可以看成许多路径的集成。",
  {"plain_product", "shortcut", "identity_gradient", "no_explosion", "ensemble"}),
 ("24.10", "answer", "paraphrase en",
  "Skip paths let the error signal travel straight back to early layers without attenuation, because each block "
  "adds its input unchanged to its output; deep plain stacks instead suffer from repeated multiplication of small "
  "derivatives.",
  {"plain_product", "shortcut", "identity_gradient"}),
 ("24.10", "answer", "partial zh",
  "残差网络使用了跳跃连接。", {"shortcut"}),
 ("24.10", "answer", "off-topic en", OFF_EN, set()),
 ("24.10", "answer", "empty", "", set()),
 # ---------------- 24.7
 ("24.7", "answer", "good en",
  "Map every word to a word embedding so a sentence is a matrix. Slide 1D convolutions of widths 3, 4 and 5 over "
  "the words: each filter detects an n-gram. Apply max-over-time pooling to get a fixed-length vector, concatenate "
  "the features, use dropout and a softmax layer. Filters are shared, so a phrase is found wherever it appears.",
  {"embedding", "conv1d_ngrams", "max_over_time", "classifier", "why_cnn"}),
 ("24.7", "answer", "good zh",
  "先用词向量把句子表示成矩阵；再用 3、4、5 等不同大小的卷积核做一维卷积，每个卷积核相当于一个 n-gram 检测器；"
  "然后做时间维最大池化得到固定长度的向量，拼接后经过 dropout 和全连接层输出类别。卷积核参数共享，短语出现在任意位置都能识别。",
  {"embedding", "conv1d_ngrams", "max_over_time", "classifier", "why_cnn"}),
 ("24.7", "answer", "paraphrase en",
  "Stack the word vectors into a matrix, run temporal convolutions that look at trigrams, keep the maximum "
  "activation of each filter over the whole sentence so the length does not matter, and finish with a fully "
  "connected classifier.",
  {"embedding", "conv1d_ngrams", "max_over_time", "classifier"}),
 ("24.7", "answer", "partial en", "Use word embeddings and a softmax.", {"embedding", "classifier"}),
 ("24.7", "answer", "off-topic zh", OFF_ZH, set()),
 ("24.7", "answer", "empty", "   ", set()),
 # ---------------- hw-q1
 ("hw-q1", "answer", "good en",
  "Setting every weight to zero makes all neurons of a layer produce the same output and get the same gradient, "
  "so the symmetry is never broken. Large random weights make activations explode or saturate the sigmoid. A good "
  "scheme keeps the variance of activations and gradients the same across layers. Xavier uses 2/(fan_in + fan_out) "
  "and suits tanh. ReLU zeroes half of its inputs, so He (Kaiming) initialization doubles the variance to 2/fan_in.",
  {"zero_symmetry", "large_random", "variance_goal", "xavier", "he_relu"}),
 ("hw-q1", "answer", "good zh",
  "全部初始化为 0 时同一层神经元输出相同、梯度相同，无法打破对称性；权重过大则激活值和梯度会爆炸，sigmoid 会饱和。"
  "好的初始化要让各层激活值和梯度的方差保持不变。Xavier 初始化的方差是 2/(n_in+n_out)，适合 tanh；"
  "ReLU 把负半轴置零，方差减半，所以 He 初始化取 2/n_in。",
  {"zero_symmetry", "large_random", "variance_goal", "xavier", "he_relu"}),
 ("hw-q1", "answer", "paraphrase en",
  "With identical initial weights every hidden unit learns the identical update, so they never differentiate. "
  "Kaiming's scheme compensates for the half of the inputs that ReLU discards.",
  {"zero_symmetry", "he_relu"}),
 ("hw-q1", "answer", "partial zh", "可以用 Xavier 初始化。", {"xavier"}),
 ("hw-q1", "answer", "off-topic en",
  "The French Revolution began in 1789 and led to the end of the monarchy and the rise of Napoleon.", set()),
 ("hw-q1", "answer", "empty", "", set()),
 # ---------------- hw-q7
 ("hw-q7", "answer", "good en",
  "Convolution layers extract local features such as edges and textures. Pooling layers downsample the feature "
  "maps and add robustness to small shifts. Fully connected layers combine the features into class scores. A conv "
  "unit is connected to a small local region, a dense unit to every input. The same kernel is shared at every "
  "position, which means far fewer parameters, independent of the image size, and less overfitting.",
  {"conv_role", "pool_role", "fc_role", "local_vs_global", "sharing", "complexity", "overfitting"}),
 ("hw-q7", "answer", "paraphrase en",
  "A dense neuron is wired to all inputs, while a convolutional neuron only sees a small window; because one "
  "filter is reused everywhere, the model has fewer parameters and generalizes better.",
  {"local_vs_global", "sharing", "complexity", "overfitting"}),
 ("hw-q7", "answer", "partial zh", "卷积层提取局部特征，池化层下采样。", {"conv_role", "pool_role"}),
 ("hw-q7", "answer", "off-topic zh", "今天天气很好，我们去公园散步，看到了很多花，还在湖边吃了午饭。", set()),
 # ---------------- hw-q8
 ("hw-q8", "alexnet", "good en",
  "AlexNet replaced sigmoid by ReLU, used dropout in the fully connected layers, augmented the data with random "
  "crops and flips, trained on two GPUs, was much deeper than LeNet and trained on ImageNet, and used local "
  "response normalization with overlapping pooling.",
  {"relu", "dropout", "augmentation", "gpu", "scale", "lrn_overlap"}),
 ("hw-q8", "alexnet", "good zh",
  "AlexNet 的创新点：使用 ReLU 激活函数；在全连接层使用 Dropout；数据增强；用两块 GPU 训练；在 ImageNet 大规模数据上训练；"
  "使用 LRN 和重叠池化。",
  {"relu", "dropout", "augmentation", "gpu", "scale", "lrn_overlap"}),
 ("hw-q8", "alexnet", "partial en", "It used ReLU and GPUs.", {"relu", "gpu"}),
 ("hw-q8", "vgg", "good en",
  "VGG stacks only 3x3 convolutions: two of them have the receptive field of a 5x5 with fewer parameters. "
  "The design is uniform, repeated blocks of convolutions and pooling, and deeper networks (16 and 19 layers) "
  "performed better.",
  {"small_kernels", "uniform_blocks", "depth"}),
 ("hw-q8", "vgg", "good zh",
  "VGG 全部使用 3×3 小卷积核，两个 3×3 卷积串联的感受野等于一个 5×5；网络由重复的卷积块组成，结构简单；加深网络到 16~19 层提高了性能。",
  {"small_kernels", "uniform_blocks", "depth"}),
 ("hw-q8", "vgg", "off-topic en",
  "Our football team won the match three to one after a great second half; the coach was very happy.", set()),
 # ---------------- hw-q9
 ("hw-q9", "answer", "good en",
  "A residual connection is a shortcut that adds the input to the output: y = F(x) + x, so the layers learn the "
  "residual. In ResNet-18 a basic block is 3x3 conv, batch norm and ReLU, then 3x3 conv and batch norm, with a 1x1 "
  "projection shortcut when the shape changes. The derivative is dF/dx plus the identity, so the gradient reaches "
  "shallow layers directly. This also fixes the degradation problem, so networks with hundreds of layers train.",
  {"definition", "basic_block", "gradient", "degradation"}),
 ("hw-q9", "answer", "good zh (seed)",
  "残差连接(Residual Connection)是在卷积层的输入与输出之间引入一条恒等映射(Shortcut), 使网络学习残差函数而非直接映射。"
  "其形式为: y = F(x) + x。反向传播时: ∂y / ∂x = ∂F(x) / ∂x + 1 由于存在恒等映射项(+1)，梯度可以直接传播到浅层, "
  "即使 F(x) 学习效果不佳，梯度也不会消失，从而缓解深层网络的梯度消失和网络退化问题，使得训练数百层甚至上千层网络成为可能。",
  {"definition", "gradient", "degradation"}),
 ("hw-q9", "answer", "off-topic en",
  "Photosynthesis converts light energy into chemical energy stored in glucose, releasing oxygen as a by-product.", set()),
 # ---------------- d2l-6.4-ex2 (several parts)
 ("d2l-6.4-ex2", "forward_cost", "good en",
  "The output size is floor((h + 2p_h - k_h)/s_h) + 1 by floor((w + 2p_w - k_w)/s_w) + 1, and each output needs "
  "c_i k_h k_w multiplications, so c_i c_o k_h k_w h_o w_o multiplications and about as many additions.",
  {"output_size", "forward_macs"}),
 ("d2l-6.4-ex2", "forward_cost", "good zh",
  "输出尺寸为 ⌊(h+2p_h−k_h)/s_h⌋+1 乘 ⌊(w+2p_w−k_w)/s_w⌋+1；前向共需 c_i·c_o·k_h·k_w·h_o·w_o 次乘法和差不多同样多的加法。",
  {"output_size", "forward_macs"}),
 ("d2l-6.4-ex2", "backward_cost", "paraphrase en",
  "Backprop needs the gradient with respect to the input and with respect to the weights, each as expensive as the "
  "forward pass, so roughly twice the forward cost.",
  {"backward_cost"}),
 ("d2l-6.4-ex2", "backward_memory", "good zh",
  "反向传播要保存前向的输入激活，并存放与输入、输出和权重同样大小的梯度，内存大约翻倍。", {"backward_memory"}),
 ("d2l-6.4-ex2", "memory", "off-topic en",
  "The stock market rose by three percent this week as investors welcomed the new interest rate decision.", set()),
 # ---------------- d2l-6.5-ex4
 ("d2l-6.5-ex4", "answer", "good en",
  "Max pooling keeps only the strongest activation in each window and sends the gradient to that single maximal "
  "entry, while average pooling uses all values, smooths the map and spreads the gradient evenly. Hence max pooling "
  "is more robust to small shifts and noise, and average pooling keeps background information.",
  {"max_selects", "avg_smooths", "consequences"}),
 ("d2l-6.5-ex4", "answer", "good zh",
  "最大汇聚只保留窗口中最强的激活，梯度只传给最大的元素；平均汇聚考虑所有元素，起平滑作用，梯度平均分给每个元素。"
  "所以最大汇聚对噪声更鲁棒，平均汇聚保留背景信息。",
  {"max_selects", "avg_smooths", "consequences"}),
 ("d2l-6.5-ex4", "answer", "partial en", "Average pooling blurs the image.", {"avg_smooths"}),
 ("d2l-6.5-ex4", "answer", "empty", "", set()),
 # ---------------- notes-conv-types
 ("notes-conv-types", "answer", "good en",
  "A depthwise convolution filters each channel separately with its own kernel. A pointwise convolution is a 1x1 "
  "convolution that mixes channels. Depthwise separable convolution is depthwise followed by pointwise, as in "
  "MobileNet. Grouped convolution splits the channels into G groups, dividing parameters by G.",
  {"depthwise", "pointwise", "separable", "grouped"}),
 ("notes-conv-types", "answer", "good zh",
  "深度卷积：每个通道单独卷积；点卷积：1×1 卷积融合通道；深度可分离卷积 = 深度卷积 + 点卷积；分组卷积把通道分成 G 组分别卷积。",
  {"depthwise", "pointwise", "separable", "grouped"}),
 ("notes-conv-types", "answer", "off-topic zh", OFF_ZH, set()),
 # ---------------- d2l-6.1-ex2 (seed answer)
 ("d2l-6.1-ex2", "answer", "seed zh",
  "平移不变性可能会降低模型的准确性和泛化能力。对于某些任务，平移不变性并不是必须的特性。例如，对于图像分类任务，"
  "我们通常希望模型能够识别物体的位置和姿态，并根据这些信息对其进行分类。",
  {"position_matters"}),
 ("d2l-6.1-ex5", "answer", "paraphrase en",
  "Yes, a 1D convolution over the word vectors picks up local phrases, but a single filter cannot relate words "
  "that are far apart, so long-range dependencies need an RNN or attention.",
  {"ngrams", "long_range"}),
]


def test_the_rubric_table_is_large_and_covers_every_kind_of_answer():
    assert len(ROWS) >= 40
    labels = {label.split(" ")[0] for _, _, label, _, _ in ROWS}
    assert {"good", "paraphrase", "partial", "off-topic", "empty"} <= labels
    assert any("zh" in label for *_, label, _, _ in [(r[0], r[1], r[2], r[3], r[4]) for r in ROWS])


@pytest.mark.parametrize("ex_id, part, label, text, want", ROWS, ids=[f"{r[0]}:{r[1]}:{r[2]}" for r in ROWS])
def test_rubric_marks_the_expected_points(ex_id, part, label, text, want):
    pts = points(ex_id, part)
    verdict = grade_prose(text, pts)
    assert set(verdict.matched) == want
    assert verdict.verdict == ("missing" if not text.strip() else "needs_review"), "never claims certainty"
    total = sum(p["weight"] for p in pts)
    assert verdict.fraction == pytest.approx(sum(p["weight"] for p in pts if p["id"] in want) / total, abs=1e-4)
    assert set(verdict.matched) | set(verdict.missing) == {p["id"] for p in pts} or not text.strip()


OFF_TOPIC = [
    OFF_EN, OFF_ZH,
    "The weather in Beijing will be sunny tomorrow with a high of 25 degrees and light winds from the north.",
    "今天天气很好，我们去公园散步，看到了很多花，还在湖边吃了午饭。",
    "Our football team won the match three to one after a great second half; the coach was very happy.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
    "I don't know.", "不知道。", "asdf qwer zxcv 1234 !!! ???",
]


@pytest.mark.parametrize("path", EXPLAIN_FILES, ids=lambda p: p.stem)
def test_off_topic_text_matches_no_point_of_any_exercise(path):
    ex = load_file(path, bank=True)
    for part, pts in solved(ex.id).context["points"].items():
        for text in OFF_TOPIC:
            verdict = grade_prose(text, pts)
            assert verdict.matched == [] and verdict.fraction == 0, (part, text, verdict.evidence)


def test_feedback_lists_matched_and_missing_points_in_both_languages():
    verdict = grade_prose("ResNet adds a skip connection.", points("24.10"))
    assert verdict.verdict == "needs_review" and verdict.matched == ["shortcut"]
    en = " ".join(m.render("en") for m in verdict.feedback)
    zh = " ".join(m.render("zh") for m in verdict.feedback)
    assert "1 of 5" in en and "shortcut" in en and "Not found" in en and "identity_gradient" in en
    assert "teacher" in en and "correct" not in en.lower().replace("connection", "")
    assert "已覆盖" in zh and "未找到" in zh and "教师" in zh and "identity_gradient" in zh
    assert verdict.evidence == {"shortcut": "skip connection"}


def test_off_topic_feedback_says_nothing_was_found():
    verdict = grade_prose(OFF_EN, points("hw-q7"))
    assert verdict.fraction == 0 and verdict.verdict == "needs_review"
    assert any(m.key == "rubric.none" for m in verdict.feedback)


def test_weights_count_in_the_score():
    pts = [{"id": "a", "weight": 3, "en": {"text": "A.", "phrasings": ["alpha"]}, "zh": {"text": "甲。", "phrasings": ["甲"]}},
           {"id": "b", "weight": 1, "en": {"text": "B.", "phrasings": ["beta"]}, "zh": {"text": "乙。", "phrasings": ["乙"]}}]
    assert grade_prose("alpha", pts).fraction == 0.75
    assert grade_prose("只有乙", pts).fraction == 0.25
    assert grade_prose("alpha 和 乙", pts).fraction == 1.0


# ---------------------------------------------------------------- the matcher itself


def test_normalise_handles_full_width_case_times_and_punctuation():
    assert normalise("ＲｅＬＵ, 3 × 3 and 1x1!") == "relu 3x3 and 1x1"
    assert normalise("Max-Over-Time") == "max over time"
    assert normalise("３×３卷积") == "3x3卷积"


@pytest.mark.parametrize("a, b", [("gradients", "gradient"), ("vanishing", "vanishes"), ("shared", "sharing"),
                                  ("normalisation", "normalization"), ("initialised", "initialized"),
                                  ("padding", "padded"), ("embeddings", "embedding"), ("connections", "connected"),
                                  ("identities", "identity"), ("biases", "bias"), ("exploding", "explodes")])
def test_stemming_makes_inflections_equal(a, b):
    assert stem(a) == stem(b)


def test_phrasing_syntax():
    assert compile_phrasing("the + of") == ()                      # only common words: nothing left to match
    assert len(compile_phrasing("a | b + c")) == 2                 # "a" is dropped, "b" remains
    parts = compile_phrasing("skip connection|shortcut + gradient")
    assert len(parts) == 2 and len(parts[0]) == 2
    assert compile_phrasing("恒等映射")[0][0] == ("zh", "恒等映射", "恒等映射")
    pts = [{"id": "p", "en": {"text": "t", "phrasings": ["identity + gradient"]}, "zh": {"text": "t", "phrasings": ["恒等 + 梯度"]}}]
    assert match_points("The identity path carries the gradient.", pts).matched == ["p"]
    assert match_points("The identity path. The gradient is large.", pts).matched == [], "both in one sentence"
    assert match_points("恒等映射使梯度直接回传。", pts).matched == ["p"]
    assert match_points("恒等映射。梯度很大。", pts).matched == []


def test_english_phrases_match_in_any_order_within_a_window_but_not_far_apart():
    pts = [{"id": "p", "en": {"text": "t", "phrasings": ["vanishing gradient"]}, "zh": {"text": "t", "phrasings": ["梯度消失"]}}]
    assert match_points("the gradients vanish", pts).matched == ["p"]
    assert match_points("the gradient of the deepest network layers quickly and completely vanishes", pts).matched == []
    rep = [{"id": "r", "en": {"text": "t", "phrasings": ["one by one"]}, "zh": {"text": "t", "phrasings": ["逐个"]}}]
    assert match_points("three to one", rep).matched == [], "a repeated word must occur twice"
    assert match_points("layers are run one by one", rep).matched == ["r"]


def test_english_phrasings_match_words_not_letters():
    pts = [{"id": "p", "en": {"text": "t", "phrasings": ["pool"]}, "zh": {"text": "t", "phrasings": ["池化"]}}]
    assert match_points("a swimming pool", pts).matched == ["p"]
    assert match_points("spool of thread", pts).matched == []


def test_mixed_language_answer_uses_both_phrasing_lists():
    verdict = grade_prose("残差块使用 skip connection，梯度可以直接传到前面的层。", points("24.10"))
    assert set(verdict.matched) == {"shortcut", "identity_gradient"}


def test_language_detection_is_recorded():
    assert detect_language("这是中文的回答，包含 ReLU。") == "zh"
    assert detect_language("An English answer with 一 character.") == "en"
    assert grade_prose("梯度", points("24.10")).lang == "zh"
    assert grade_prose("gradient", points("24.10"), lang_hint="zh").lang == "zh"


@pytest.mark.parametrize("text", [
    "gradient shortcut skip connection identity " * 300_000,
    "参数共享局部连接" * 200_000,
    "\x00\u202e\ufeff" * 200_000,
    "a\u0301" * 300_000,
    ". " * 400_000,
])
def test_huge_or_hostile_input_is_bounded(text):
    start = time.perf_counter()
    verdict = grade_prose(text, points("hw-q7"))
    assert time.perf_counter() - start < 2.0
    assert verdict.verdict == "needs_review"
    if len(text) > MAX_CHARS:
        assert any(m.key == "rubric.truncated" for m in verdict.feedback)


@pytest.mark.parametrize("value", [None, 12345, 3.5, ["weight sharing", "overfitting"], {"a": "local connection"}])
def test_non_text_answers_are_read_as_text(value):
    from grader.gold import gold_for
    verdict = grade_explain_part(gold_for("hw-q7"), "answer", value)
    assert verdict.verdict in ("needs_review", "missing")


def test_grading_an_explanation_part_through_the_gold_answer():
    from grader.gold import gold_for
    gold = gold_for("hw-q8")
    assert gold.parts["alexnet"].expected == "prose"
    verdict = grade_explain_part(gold, "vgg", "VGG stacks 3x3 convolutions in uniform blocks.")
    assert verdict.verdict == "needs_review" and set(verdict.matched) == {"small_kernels", "uniform_blocks"}
    assert 0 < verdict.fraction < 1


# ---------------------------------------------------------------- experiments: reproducible and honest


def _xp(name: str, **params):
    from solver.explain import experiments as xp
    p = xp.read(name, params)
    return p, xp.run(name, p)


def test_resnet_experiment_is_reproducible_with_a_seed():
    _, a = _xp("resnet_gradients", seed=3)
    _, b = _xp("resnet_gradients", seed=3)
    _, c = _xp("resnet_gradients", seed=4)
    assert a == b
    assert a["plain"] != c["plain"]


def test_resnet_experiment_shows_vanishing_in_the_plain_network_only():
    _, d = _xp("resnet_gradients", depths=[4, 16, 64])
    assert d["plain"][-1] < 1e-6 * d["plain"][0]
    assert min(d["residual"]) > 0.1 * d["residual"][0]
    assert max(d["scaled"]) / min(d["scaled"]) < 10


def test_textcnn_experiment_is_reproducible_fast_and_beats_chance():
    start = time.perf_counter()
    p, a = _xp("textcnn", seed=1)
    elapsed = time.perf_counter() - start
    _, b = _xp("textcnn", seed=1)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert elapsed < 10, "a few seconds on a CPU"
    assert a["loss_end"] < 0.5 * a["loss_start"]
    assert a["test_acc"] >= a["chance"] + 0.2
    assert a["bow_acc"] < a["chance"] + 0.15, "word order is what the classes depend on"


def test_textcnn_shapes_and_parameters_come_from_the_network_solver():
    from solver.explain.experiments import build_textcnn
    p, d = _xp("textcnn", baseline=False, steps=1)
    model, branches, head = build_textcnn(p)
    assert [list(a.output_shape()) for a in branches] == [[8], [8], [8]]
    assert [la.layer.type.name for la in branches[0].layers] == ["Conv1d", "ReLU", "MaxPool1d", "Flatten"]
    assert branches[0].layers[0].params == 8 * (16 * 3 + 1)
    assert d["params"] == sum(q.numel() for q in model.parameters()) == 30 * 16 + 392 + 520 + 648 + 50


def test_keyword_dataset_is_balanced_and_order_dependent():
    import torch
    from solver.explain.experiments import keyword_sentences
    x, y = keyword_sentences(200, 30, 16, torch.Generator().manual_seed(0))
    assert int(y.sum()) == 100
    assert ((x == 1).sum(1) == 1).all() and ((x == 2).sum(1) == 1).all(), "each keyword exactly once"
    bigram = ((x[:, :-1] == 1) & (x[:, 1:] == 2)).any(1)
    assert (bigram == (y == 1)).all()


@pytest.mark.parametrize("name", ["conv_cost", "pool_as_conv", "pool_linearity", "pool_cost", "pool_gradients",
                                  "softmax_pool", "matmul_1x1", "im2col", "border_coverage", "shift_equivariance",
                                  "init_compare", "weight_sharing"])
def test_every_experiment_is_reproducible_and_its_checks_pass(name):
    from solver.explain import experiments as xp
    p, a = _xp(name)
    _, b = _xp(name)
    assert repr(a) == repr(b)
    checks = xp.checks(name, p, a, "answer")
    assert checks and all(c.ok for c in checks), [c.detail.render("en") for c in checks if not c.ok]


def test_experiments_leave_the_global_random_state_and_threads_alone():
    import torch
    state, threads = torch.random.get_rng_state(), torch.get_num_threads()
    _xp("resnet_gradients", depths=[4, 8])
    assert torch.equal(state, torch.random.get_rng_state()) and torch.get_num_threads() == threads


def test_conv_cost_formula_agrees_with_flop_counter_and_doubling_channels_is_4x():
    from solver.explain import experiments as xp
    p, d = _xp("conv_cost", configs=[{"c_i": 16, "c_o": 32, "h": 32, "w": 32, "k": 3, "p": 1},
                                     {"c_i": 32, "c_o": 64, "h": 32, "w": 32, "k": 3, "p": 1},
                                     {"c_i": 16, "c_o": 32, "h": 32, "w": 32, "k": 3, "p": 2}],
                show=["macs", "backward"])
    rows = d["rows"]
    assert all(r["macs"] == r["macs_counter"] == r["macs_solver"] for r in rows)
    assert rows[1]["macs"] == 4 * rows[0]["macs"]
    assert rows[2]["macs"] / rows[0]["macs"] == pytest.approx((34 * 34) / (32 * 32))
    assert all(r["macs_backward"] == 2 * r["macs"] for r in rows)
    assert all(c.ok for c in xp.checks("conv_cost", p, d, "answer"))


def test_average_pooling_equals_the_depthwise_convolution_even_with_padding_and_overlap():
    _, d = _xp("pool_as_conv", channels=4, size=7, window=3, stride=2, padding=1)
    assert d["allclose"] and d["out_shape"] == d["conv_shape"] == [4, 4, 4]


# ---------------------------------------------------------------- bad exercise files: one clear error


BASE = """
id: user-explain
kind: explain
given:
  points:
    - id: p1
      en: {text: "The shortcut carries the gradient.", phrasings: ["shortcut"]}
      zh: {text: "捷径传递梯度。", phrasings: ["捷径"]}
ask:
  - {id: answer, quantity: explanation}
"""


def _user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ex.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_with_points_only_solves(tmp_path):
    sol = solve_exercise(load_file(_user_file(tmp_path, BASE)), verify=True)
    assert sol.answers == {"answer": "The shortcut carries the gradient."} and sol.ok


@pytest.mark.parametrize("change, field", [
    (("quantity: explanation", "quantity: essay"), "ask[1].quantity"),
    (("phrasings: [\"shortcut\"]", "phrasings: [\"the\"]"), "given.points[1].en.phrasings[1]"),
    (("phrasings: [\"shortcut\"]", "phrasings: []"), "given.points[1].en.phrasings"),
    (("- id: p1", "- id: \"p 1\""), "given.points[1].id"),
    (("      en: {text:", "      weight: -1\n      en: {text:"), "given.points[1].weight"),
    (("ask:", "  experiment: {name: resnet_gradient}\nask:"), "given.experiment.name"),
    (("ask:", "  experiment: {name: resnet_gradients, depths: [3, 8]}\nask:"), "given.experiment.depths"),
    (("ask:", "  experiment: {name: textcnn, steps: 100000}\nask:"), "given.experiment.steps"),
    (("ask:", "  experiment: {name: textcnn, steps: 2000, batch: 1024, seq_len: 128}\nask:"), "given.experiment.steps"),
    (("ask:", "  experiment: {name: im2col, c_i: 64, h: 128, w: 128, k: 16}\nask:"), "given.experiment.h"),
    (("ask:", "  experiment: {name: pool_as_conv, window: 4, padding: 3}\nask:"), "given.experiment.padding"),
    (("ask:", "  experiment: {name: conv_cost, configs: [{c_i: 3, h: 2, w: 2, k: 5}]}\nask:"), "given.experiment.configs"),
    (("ask:", "  experiment: {name: networks, networks: {a: {input_shape: [3, 8, 8], layers: [{type: Conv2d, "
              "out_channels: 4, kernel_size: 9}]}}}\nask:"), "given.experiment.networks.a.layers[1].kernel_size"),
    (("ask:\n  - {id: answer, quantity: explanation}", "ask:\n  - {id: answer, quantity: explanation}\n"
      "  - {id: more, quantity: explanation}"), "given.points[1]"),
])
def test_bad_explain_files_give_one_located_error(tmp_path, change, field):
    text = BASE.replace(*change)
    assert text != BASE
    with pytest.raises(InputError) as info:
        solve_exercise(load_file(_user_file(tmp_path, text)), verify=False)
    assert info.value.field == field, str(info.value)
    assert info.value.line is not None


def test_solve_cli_renders_an_explanation_in_chinese_and_markdown():
    from click.testing import CliRunner
    from solver.cli import main
    result = CliRunner().invoke(main, ["exercise", "24.10", "--lang", "zh"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "残差网络" in result.output and "评分细则" in result.output
    result = CliRunner().invoke(main, ["exercise", "d2l-6.4-ex5", "--format", "markdown"])
    assert result.exit_code == 0 and "| float32 |" in result.output
    result = CliRunner().invoke(main, ["exercise", "d2l-6.4-ex5", "--format", "markdown", "--no-verify"])
    assert result.exit_code == 0 and "| float32 |" not in result.output and "--no-verify" in result.output
