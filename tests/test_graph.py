"""Networks with branches (solver/network/graph*.py): the figures of the classic ResNets against reference models
written here by hand from ``torch.nn`` (torchvision's layout; torchvision itself is not installed), the layers of
``layers_extra`` against torch, located errors, and random graphs with branches against torch (hypothesis).
"""
from __future__ import annotations

import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from solver.bank import load_exercise
from solver.errors import InputError
from solver.model import exercise_from_document
from solver.network.graph_solve import solve
from solver.network.graph_verify import verify
from solver.yamlio import parse_yaml


# ====================================================================== reference ResNets (torch only)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, block, layers, width: int = 64, pool: type = nn.MaxPool2d) -> None:
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.maxpool = pool(3, 2, 1)
        self.stages = nn.ModuleList()
        for i, n in enumerate(layers):
            planes = width * 2 ** i
            blocks = []
            for j in range(n):
                blocks.append(block(self.inplanes, planes, 2 if i and not j else 1))
                self.inplanes = planes * block.expansion
            self.stages.append(nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.inplanes, 1000)

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs

    def forward(self, x):
        return self.fc(torch.flatten(self.avgpool(self.features(x)[-1]), 1))


RESNETS = {  # bank exercise: (block, blocks per stage, parameters, MACs, receptive field) as the issue gives them
    "hw-q9-resnet18": (BasicBlock, [2, 2, 2, 2], 11_689_512, 1_814_073_344, 435),
    "hw-q9-resnet34": (BasicBlock, [3, 4, 6, 3], 21_797_672, 3_663_761_408, 899),
    "resnet-50": (Bottleneck, [3, 4, 6, 3], 25_557_032, 4_089_184_256, 427),
}


def _reference_counts(block, layers):
    with torch.device("meta"):
        model = ResNet(block, layers).eval()
        x = torch.zeros(2, 3, 224, 224)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    with torch.no_grad():
        shapes = [list(t.shape[1:]) for t in model.features(x)]
        with FlopCounterMode(display=False) as fc:
            model(x)
    return params, fc.get_total_flops() // 4, shapes      # FLOPs of a batch of two, halved: MACs per image


def _reference_rf(block, layers, side: int) -> int:
    """Receptive field of one unit of the last stage, measured on the reference model itself: positive weights,
    batch-norm at its initial statistics, max pooling replaced by average pooling of the same geometry (so the
    gradient reaches the whole window), a few channels (the receptive field does not depend on them)."""
    torch.manual_seed(0)
    model = ResNet(block, layers, width=2, pool=nn.AvgPool2d).double().eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.abs() + 0.01)
    x = torch.ones(1, 3, side, side, dtype=torch.float64, requires_grad=True)
    y = model.features(x)[-1]
    c = y.shape[-1] // 2
    (g,) = torch.autograd.grad(y[0, :, c, c].sum(), x)
    rows = torch.nonzero(g[0].abs().sum(dim=(0, 2)) > 0).flatten()
    assert 0 < int(rows[0]) and int(rows[-1]) < side - 1, "the probe input is too small"
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("ex_id", sorted(RESNETS))
def test_resnet_parameters_macs_and_stage_shapes_equal_the_reference_model(ex_id):
    block, layers, params, macs, _ = RESNETS[ex_id]
    ref_params, ref_macs, ref_shapes = _reference_counts(block, layers)
    assert (ref_params, ref_macs) == (params, macs)           # the reference is torchvision's layout
    sol = solve(load_exercise(ex_id))
    assert sol.answers["params"] == ref_params
    assert sol.answers["macs"] == ref_macs
    g = sol.context["graphs"]["main"]
    assert [list(g.nodes[g.names[f"layer{i}"]].out_shape) for i in range(1, 5)] == ref_shapes


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", sorted(RESNETS))
def test_resnet_receptive_field_equals_the_reference_model(ex_id):
    block, layers, _, _, rf = RESNETS[ex_id]
    sol = solve(load_exercise(ex_id))
    assert sol.answers["rf"] == [rf, rf]
    assert _reference_rf(block, layers, 1024 if rf > 500 else 512) == rf


def test_resnet18_receptive_field_equals_the_reference_model():
    assert _reference_rf(BasicBlock, [2, 2, 2, 2], 512) == 435 == solve(load_exercise("hw-q9-resnet18")).answers["rf"][0]


def test_resnet18_solution_shows_each_distinct_block_once_and_a_table_by_stage():
    sol = solve(load_exercise("hw-q9-resnet18"))
    rules = []

    def walk(steps):
        for s in steps:
            rules.append(s.rule)
            walk(s.children)
    walk(sol.steps)
    assert rules.count("network.block") == 7            # every block but layer1.1, which repeats layer1.0 exactly
    assert rules.count("network.block.same") == 1
    table = next(s.table for s in sol.steps if s.rule == "network.table")
    assert [r[0] for r in table.rows][1:6] == ["conv1", "bn1", "relu", "maxpool", "layer1"]


class DenseNet121(nn.Module):
    def __init__(self, growth: int = 32, blocks=(6, 12, 24, 16)) -> None:
        super().__init__()
        layers, c = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)], 64
        for i, n in enumerate(blocks):
            for _ in range(n):
                layers.append(DenseLayer(c, growth))
                c += growth
            if i < len(blocks) - 1:
                layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2)]
                c //= 2
        self.features = nn.Sequential(*layers, nn.BatchNorm2d(c), nn.ReLU())
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1000))

    def forward(self, x):
        return self.head(self.features(x))


class DenseLayer(nn.Module):
    def __init__(self, c: int, growth: int) -> None:
        super().__init__()
        self.f = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, 4 * growth, 1, bias=False),
                               nn.BatchNorm2d(4 * growth), nn.ReLU(), nn.Conv2d(4 * growth, growth, 3, 1, 1, bias=False))

    def forward(self, x):
        return torch.cat([x, self.f(x)], 1)


class InvertedResidual(nn.Module):
    def __init__(self, inp: int, oup: int, stride: int, t: int) -> None:
        super().__init__()
        hidden = inp * t
        layers = [] if t == 1 else [nn.Conv2d(inp, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden),
                   nn.ReLU6(), nn.Conv2d(hidden, oup, 1, bias=False), nn.BatchNorm2d(oup)]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and inp == oup

    def forward(self, x):
        return x + self.conv(x) if self.residual else self.conv(x)


def mobilenet_v2() -> nn.Module:
    layers, c = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()], 32
    for t, out, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                         (6, 320, 1, 1)]:
        for i in range(n):
            layers.append(InvertedResidual(c, out, s if i == 0 else 1, t))
            c = out
    layers += [nn.Conv2d(c, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU6(), nn.AdaptiveAvgPool2d(1),
               nn.Flatten(), nn.Dropout(0.2), nn.Linear(1280, 1000)]
    return nn.Sequential(*layers)


def _basic(cin: int, cout: int, k: int = 1, s: int = 1, p: int = 0) -> nn.Module:
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout, eps=0.001), nn.ReLU())


class Inception(nn.Module):
    def __init__(self, cin: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool: int) -> None:
        super().__init__()
        self.b1 = _basic(cin, c1)
        self.b2 = nn.Sequential(_basic(cin, c3r), _basic(c3r, c3, 3, 1, 1))
        self.b3 = nn.Sequential(_basic(cin, c5r), _basic(c5r, c5, 3, 1, 1))     # torchvision's 3×3 here
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), _basic(cin, pool))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


def googlenet() -> nn.Module:
    pool = lambda k: nn.MaxPool2d(k, 2, ceil_mode=True)  # noqa: E731
    return nn.Sequential(
        _basic(3, 64, 7, 2, 3), pool(3), _basic(64, 64), _basic(64, 192, 3, 1, 1), pool(3),
        Inception(192, 64, 96, 128, 16, 32, 32), Inception(256, 128, 128, 192, 32, 96, 64), pool(3),
        Inception(480, 192, 96, 208, 16, 48, 64), Inception(512, 160, 112, 224, 24, 64, 64),
        Inception(512, 128, 128, 256, 24, 64, 64), Inception(512, 112, 144, 288, 32, 64, 64),
        Inception(528, 256, 160, 320, 32, 128, 128), pool(2),
        Inception(832, 256, 160, 320, 32, 128, 128), Inception(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1024, 1000))


@pytest.mark.parametrize("ex_id, make, params", [("densenet-121", DenseNet121, 7_978_856),
                                                  ("mobilenet-v2", mobilenet_v2, 3_504_872),
                                                  ("googlenet", googlenet, 6_624_904)])
def test_densenet121_mobilenet_v2_googlenet_equal_the_reference_model(ex_id, make, params):
    with torch.device("meta"):
        model = make().eval()
        with torch.no_grad(), FlopCounterMode(display=False) as fc:
            model(torch.zeros(2, 3, 224, 224))
    assert sum(p.numel() for p in model.parameters()) == params     # torchvision's published figure
    sol = solve(load_exercise(ex_id))
    assert (sol.answers["params"], sol.answers["macs"]) == (params, fc.get_total_flops() // 4)


# ====================================================================== the format: errors


def _ex(text: str):
    return exercise_from_document(parse_yaml(text, "t.yaml"))


BLOCK = """id: t
kind: network
given:
  input_shape: [8, 8, 8]
  blocks:
    B:
      args: {c: null, s: 1}
      layers:
        - type: Residual
          name: add
          body:
            - {type: Conv2d, name: conv, out_channels: "{c}", kernel_size: 3, stride: "{s}", padding: 1}
          shortcut: {when: "WHEN", layers: [{type: Conv2d, name: proj, out_channels: "{c}", kernel_size: 1, stride: "{s}"}]}
  layers:
    - {type: B, name: stage, c: 16, s: 2, repeat: 2, then: {s: 1}}
ask: [{id: p, quantity: params}, {id: r, quantity: receptive_field, at: stage.1}]
"""


def test_a_block_with_a_conditional_projection_counts_and_verifies():
    ex = _ex(BLOCK.replace("WHEN", "s != 1 or in_channels != c"))
    sol = solve(ex)
    # stage.0: conv 8·9·16+16, projection 8·16+16; stage.1: conv 16·9·16+16, identity shortcut
    assert sol.answers["p"] == (8 * 9 * 16 + 16) + (8 * 16 + 16) + (16 * 9 * 16 + 16)
    assert all(c.ok for c in verify(ex, sol))


def test_mismatched_shapes_in_a_sum_name_both_shapes_the_layers_and_the_line():
    with pytest.raises(InputError) as info:
        solve(_ex(BLOCK.replace("WHEN", "in_channels != c and s == 1")))
    text = str(info.value)
    assert text.startswith("t.yaml:9: given.blocks.B.layers[1]:")
    assert "stage.0.conv (Conv2d, line 12) gives 16×4×4" in text
    assert "the input gives 8×8×8" in text
    assert "in stage.0, a B used at line 15" in text


@pytest.mark.parametrize("change, expected", [
    ('c: 16, s: 2, repeat', "given.layers[1].cc: block B has no argument 'cc' (did you mean 'c'?)"),
    ('"{c}", kernel_size: 3', "given.blocks.B.layers[1].body[1].out_channels: cannot evaluate '{cc}'"),
    ("type: Residual", "given.blocks.B.layers[1].type: unknown layer or block type 'Residul' (did you mean Residual?)"),
])
def test_format_errors_name_the_field(change, expected):
    text = BLOCK.replace("WHEN", "s != 1")
    bad = {'c: 16, s: 2, repeat': text.replace("c: 16, s: 2, repeat", "cc: 16, s: 2, repeat"),
           '"{c}", kernel_size: 3': text.replace('"{c}", kernel_size: 3', '"{cc}", kernel_size: 3'),
           "type: Residual": text.replace("type: Residual", "type: Residul")}[change]
    with pytest.raises(InputError) as info:
        solve(_ex(bad))
    assert expected in str(info.value)


def test_concatenation_of_different_sizes_is_one_located_error():
    with pytest.raises(InputError) as info:
        solve(_ex("""id: t
kind: network
given:
  input_shape: [3, 8, 8]
  layers:
    - type: Concat
      branches: [[{type: Conv2d, out_channels: 2, kernel_size: 3}], [{type: Conv2d, out_channels: 2, kernel_size: 1}]]
ask: [{id: p, quantity: params}]
"""))
    assert "t.yaml:6: given.layers[1]: cannot concatenate along dimension 1" in str(info.value)
    assert "gives 2×6×6" in str(info.value) and "gives 2×8×8" in str(info.value)


def test_misaligned_branches_take_the_union_of_their_windows():
    """Body window [i−2, i], shortcut window [i, i+2]: the union spans 5, more than either branch (3)."""
    ex = _ex("""id: t
kind: network
given:
  input_shape: [1, 12, 12]
  layers:
    - type: Residual
      name: res
      body: [{type: ZeroPad2d, padding: [2, 0, 2, 0]}, {type: Conv2d, out_channels: 1, kernel_size: 3}]
      shortcut: [{type: ZeroPad2d, padding: [0, 2, 0, 2]}, {type: Conv2d, out_channels: 1, kernel_size: 3}]
ask: [{id: r, quantity: receptive_field}, {id: j, quantity: jump}]
""")
    sol = solve(ex)
    assert sol.answers == {"r": [5, 5], "j": [1, 1]}
    assert all(c.ok for c in verify(ex, sol))


def test_a_plain_stack_still_goes_to_the_stack_solver():
    sol = solve(load_exercise("hw-q2"))
    assert "networks" in sol.context and "graphs" not in sol.context


def test_the_schema_describes_every_bank_graph_item():
    """Keys of every Residual, Concat and block use written in the bank are among those the schema lists."""
    from solver.bank import bank_dir, exercise_files
    from solver.schema import exercise_schema
    from solver.yamlio import read_document
    variants = {v["title"]: v for v in exercise_schema()["$defs"]["item"]["oneOf"]}
    seen = set()

    def check(items, blocks):
        for item in items:
            kind = item["type"]
            v = variants["block use" if kind in blocks else kind]
            if v.get("additionalProperties") is False:
                assert set(item) <= set(v["properties"]), item
            seen.add(v["title"])
            for sub in [item.get("body") or []] + list(item.get("branches") or []):
                check(sub, blocks)
    for path in exercise_files(bank_dir()):
        data = read_document(path).data
        given_ = data.get("given") or {}
        if data.get("kind") != "network" or not isinstance(given_, dict):
            continue
        blocks = given_.get("blocks") or {}
        for spec in blocks.values():
            check(spec["layers"], blocks)
        for net in (given_.get("networks") or {"main": given_}).values():
            check(net.get("layers") or [], blocks)
    assert {"Residual", "Concat", "block use"} <= seen


# ====================================================================== layers_extra against torch


EXTRA_CASES = [
    ([7], {"type": "Embedding", "num_embeddings": 20, "embedding_dim": 5}, nn.Embedding(20, 5)),
    ([4, 6, 6], {"type": "LayerNorm", "normalized_shape": [4, 6, 6]}, nn.LayerNorm([4, 6, 6])),
    ([4, 6, 6], {"type": "LayerNorm", "normalized_shape": 6, "bias": False}, nn.LayerNorm(6, bias=False)),
    ([4, 6, 6], {"type": "GroupNorm", "num_groups": 2}, nn.GroupNorm(2, 4)),
    ([4, 6, 6], {"type": "ReLU6"}, nn.ReLU6()),
    ([4, 6, 6], {"type": "Softmax", "dim": 1}, nn.Softmax(1)),
    ([10], {"type": "LogSoftmax", "dim": -1}, nn.LogSoftmax(-1)),
    ([3, 5, 7], {"type": "Upsample", "scale_factor": 2, "mode": "bilinear"}, nn.Upsample(scale_factor=2, mode="bilinear")),
    ([3, 5, 7], {"type": "Upsample", "size": [4, 9]}, nn.Upsample(size=(4, 9))),
    ([3, 5], {"type": "Upsample", "scale_factor": 1.5, "mode": "linear"}, nn.Upsample(scale_factor=1.5, mode="linear")),
    ([3, 5, 7], {"type": "ZeroPad2d", "padding": [1, 2, 3, 4]}, nn.ZeroPad2d((1, 2, 3, 4))),
    ([3, 5], {"type": "ZeroPad1d", "padding": 2}, nn.ZeroPad1d(2)),
    ([12, 5], {"type": "Unflatten", "dim": 1, "unflattened_size": [3, -1]}, nn.Unflatten(1, (3, -1))),
]


@pytest.mark.parametrize("shape, raw, module", EXTRA_CASES, ids=lambda v: v["type"] if isinstance(v, dict) else "")
def test_extra_layer_shape_and_parameters_equal_torch(shape, raw, module):
    import yaml
    ex = _ex(yaml.safe_dump({"id": "t", "kind": "network", "given": {"input_shape": shape, "layers": [raw]},
                             "ask": [{"id": "s", "quantity": "output_shape"}, {"id": "p", "quantity": "params"},
                                     {"id": "m", "quantity": "macs"}]}))
    sol = solve(ex)
    dtype = torch.long if raw["type"] == "Embedding" else torch.float32
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        y = module(torch.zeros([2] + shape, dtype=dtype))
    assert sol.answers["s"] == list(y.shape[1:])
    assert sol.answers["p"] == sum(p.numel() for p in module.parameters())
    assert sol.answers["m"] == fc.get_total_flops() // 4 == 0
    assert all(c.ok for c in verify(ex, sol))


# ====================================================================== random graphs with branches (hypothesis)


@st.composite
def branch_nets(draw):
    """(input shape, items, torch builder): stride-1 'same' convolutions and pools in Residual and Concat items,
    strided convolutions between them; the builder makes the reference module from nn classes directly."""
    c, n = draw(st.integers(1, 4)), draw(st.integers(6, 14))
    items, shape = [], [c, n, n]

    def conv(cin, out, k, s=1):
        return ({"type": "Conv2d", "out_channels": out, "kernel_size": k, "stride": s, "padding": k // 2},
                lambda: nn.Conv2d(cin, out, k, s, k // 2))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["conv", "residual", "concat", "pool"]))
        cin = shape[0]
        if kind == "conv":
            s = draw(st.sampled_from([1, 2]))
            raw, make = conv(cin, draw(st.integers(1, 4)), draw(st.sampled_from([1, 3, 5])), s)
            items.append((raw, ("layer", make)))
            shape = [raw["out_channels"], (shape[1] - 1) // s + 1, (shape[2] - 1) // s + 1]
        elif kind == "pool":
            items.append(({"type": "AvgPool2d", "kernel_size": 3, "stride": 1, "padding": 1},
                          ("layer", lambda: nn.AvgPool2d(3, 1, 1))))
        elif kind == "residual":
            out = draw(st.integers(1, 4))
            body = [conv(cin, out, draw(st.sampled_from([1, 3, 5])))]
            body.append(({"type": "ReLU"}, nn.ReLU))
            body.append(conv(out, out, draw(st.sampled_from([1, 3]))))
            short = [] if out == cin else [conv(cin, out, 1)]
            raw = {"type": "Residual", "body": [b[0] for b in body]}
            if short:
                raw["shortcut"] = [short[0][0]]
            items.append((raw, ("residual", [b[1] for b in body], [s[1] for s in short])))
            shape = [out] + shape[1:]
        else:
            branches = []
            for _ in range(draw(st.integers(2, 3))):
                if draw(st.booleans()):
                    branches.append([])                                      # the identity (DenseNet)
                else:
                    k = draw(st.sampled_from([1, 3, 5]))
                    branches.append([conv(cin, draw(st.integers(1, 3)), k)])
            raw = {"type": "Concat", "branches": [[b[0] for b in br] for br in branches]}
            items.append((raw, ("concat", [[b[1] for b in br] for br in branches])))
            shape = [sum(br[0][0]["out_channels"] if br else cin for br in branches)] + shape[1:]
    return [c, n, n], items


class Reference(nn.Module):
    def __init__(self, items) -> None:
        super().__init__()
        self.items = items
        self.mods = nn.ModuleList()
        self.plan = []
        for _, (kind, *rest) in items:
            if kind == "layer":
                self.plan.append(("layer", self._add([rest[0]])))
            elif kind == "residual":
                self.plan.append(("residual", self._add(rest[0]), self._add(rest[1])))
            else:
                self.plan.append(("concat", [self._add(br) for br in rest[0]]))

    def _add(self, makers):
        seq = nn.Sequential(*(m() for m in makers))
        self.mods.append(seq)
        return seq

    def forward(self, x):
        for step in self.plan:
            if step[0] == "layer":
                x = step[1](x)
            elif step[0] == "residual":
                x = step[1](x) + step[2](x)
            else:
                x = torch.cat([seq(x) for seq in step[1]], dim=1)
        return x


@settings(max_examples=25, deadline=None)
@given(branch_nets())
def test_random_graphs_with_branches_agree_with_torch(net):
    import yaml
    shape, items = net
    ex = _ex(yaml.safe_dump({"id": "t", "kind": "network", "given": {"input_shape": shape,
                                                                      "layers": [i[0] for i in items]},
                             "ask": [{"id": "s", "quantity": "output_shape"}, {"id": "p", "quantity": "params"},
                                     {"id": "m", "quantity": "macs"}, {"id": "r", "quantity": "receptive_field"}]}))
    sol = solve(ex)
    ref = Reference(items).double().eval()
    with torch.no_grad():
        for p in ref.parameters():
            p.copy_(p.abs() + 0.01)
    side = 128
    with warnings.catch_warnings(), FlopCounterMode(display=False) as fc:
        warnings.simplefilter("ignore")
        y = ref(torch.zeros([2] + shape, dtype=torch.float64))
    assert sol.answers["s"] == list(y.shape[1:])
    assert sol.answers["p"] == sum(p.numel() for p in ref.parameters())
    assert sol.answers["m"] == fc.get_total_flops() // 4
    # receptive field of a centre unit, on a larger input of ones (positive weights: no cancellation)
    x = torch.ones(1, shape[0], side, side, dtype=torch.float64, requires_grad=True)
    out = ref(x)
    c = out.shape[-1] // 2
    (g,) = torch.autograd.grad(out[0, :, c, c].sum(), x)
    rows = torch.nonzero(g[0].abs().sum(dim=(0, 2)) > 0).flatten()
    assert 0 < int(rows[0]) and int(rows[-1]) < side - 1, "the probe input is too small"
    assert sol.answers["r"][0] == int(rows[-1] - rows[0] + 1)
    assert all(ch.ok for ch in verify(ex, sol))


@pytest.mark.slow
def test_nested_repeats_are_bounded_by_one_located_error():
    """1000 × 1000 × 1000 uses of a block that makes no node: stopped after a bounded amount of work."""
    import time
    text = """id: t
kind: network
given:
  input_shape: [1, 4, 4]
  blocks:
    A: {args: {}, layers: [{type: Identity, when: "in_channels == 0"}]}
    B: {args: {}, layers: [{type: A, repeat: 1000}]}
    C: {args: {}, layers: [{type: B, repeat: 1000}]}
  layers: [{type: C, repeat: 1000}]
ask: [{id: p, quantity: params}]
"""
    t0 = time.perf_counter()
    with pytest.raises(InputError) as info:
        solve(_ex(text))
    assert "items to expand" in str(info.value) and time.perf_counter() - t0 < 20


def test_named_nodes_from_add_and_cat_equal_a_hand_built_model():
    """A U-Net-like skip written with named nodes: from:, Add and Cat (inputs), Upsample and ZeroPad2d."""
    ex = _ex("""id: t
kind: network
given:
  input_shape: [3, 16, 16]
  layers:
    - {type: Conv2d, name: enc, out_channels: 8, kernel_size: 3, padding: 1}
    - {type: MaxPool2d, name: down, kernel_size: 2}
    - {type: Conv2d, name: mid, out_channels: 8, kernel_size: 3, padding: 1}
    - {type: Upsample, name: up, scale_factor: 2, mode: bilinear}
    - {type: Add, name: skip, inputs: [up, enc]}
    - {type: Conv2d, name: side, from: input, out_channels: 4, kernel_size: 1}
    - {type: Cat, name: cat, inputs: [skip, side]}
    - {type: ZeroPad2d, name: pad, padding: 1}
    - {type: Conv2d, name: head, out_channels: 2, kernel_size: 3}
ask:
  - {id: s, quantity: output_shape}
  - {id: p, quantity: params}
  - {id: m, quantity: macs}
  - {id: s_cat, quantity: output_shape, at: cat}
  - {id: p_mid, quantity: params, at: mid}
""")
    sol = solve(ex)
    enc, mid, side, head = nn.Conv2d(3, 8, 3, 1, 1), nn.Conv2d(8, 8, 3, 1, 1), nn.Conv2d(3, 4, 1), nn.Conv2d(12, 2, 3)
    x = torch.zeros(2, 3, 16, 16)
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        e = enc(x)
        skip = nn.Upsample(scale_factor=2, mode="bilinear")(mid(nn.MaxPool2d(2)(e))) + e
        cat = torch.cat([skip, side(x)], 1)
        y = head(nn.ZeroPad2d(1)(cat))
    params = sum(p.numel() for m in (enc, mid, side, head) for p in m.parameters())
    assert sol.answers == {"s": list(y.shape[1:]), "p": params, "m": fc.get_total_flops() // 4,
                           "s_cat": list(cat.shape[1:]), "p_mid": sum(p.numel() for p in mid.parameters())}
    assert all(c.ok for c in verify(ex, sol))


def test_branches_with_different_jumps_are_said_to_differ():
    sol = solve(_ex("""id: t
kind: network
given:
  input_shape: [1, 1, 1]
  layers:
    - {type: Concat, name: cat, branches: [[{type: Conv2d, out_channels: 1, kernel_size: 1, stride: 2}], []]}
ask: [{id: j, quantity: jump}]
"""))
    node = sol.context["graphs"]["main"].nodes[-1]
    assert node.jumps_differ and sol.answers["j"] == [2, 2]
    step = next(s for s in sol.steps if s.rule == "network.concat").children[-2]
    assert "different jumps (2×2, 1×1)" in step.text.render("en") and "跳步不同" in step.text.render("zh")
