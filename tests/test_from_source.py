"""``solve model``: models read from PyTorch source with ``ast`` (never imported), against the figures the bank's
YAML exercises give (themselves checked against torch in tests/test_graph.py) and against torch itself."""
from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from solver.cli import main
from solver.errors import InputError
from solver.network.from_source import read_model
from solver.network.model_cmd import model_solution, model_yaml

RESNET = textwrap.dedent('''
    import torch
    import torch.nn as nn

    open("SENTINEL", "w").write("the file was run")      # never executed: the file is only parsed


    class BasicBlock(nn.Module):
        expansion = 1

        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            out += identity
            return self.relu(out)


    class Bottleneck(nn.Module):
        expansion = 4

        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super(Bottleneck, self).__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(planes * self.expansion)
            self.relu = nn.ReLU(inplace=True)
            self.downsample = downsample

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            out = self.bn3(self.conv3(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            return self.relu(out + identity)


    class ResNet(nn.Module):
        def __init__(self, block, layers, num_classes=1000):
            super().__init__()
            self.inplanes = 64
            self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(self.inplanes)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, 64, layers[0])
            self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
            self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
            self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512 * block.expansion, num_classes)

        def _make_layer(self, block, planes, blocks, stride=1):
            downsample = None
            if stride != 1 or self.inplanes != planes * block.expansion:
                downsample = nn.Sequential(
                    nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                    nn.BatchNorm2d(planes * block.expansion))
            layers = [block(self.inplanes, planes, stride, downsample)]
            self.inplanes = planes * block.expansion
            for _ in range(1, blocks):
                layers.append(block(self.inplanes, planes))
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            x = torch.flatten(self.avgpool(x), 1)
            return self.fc(x)


    def resnet18():
        return ResNet(BasicBlock, [2, 2, 2, 2])


    def resnet34():
        return ResNet(BasicBlock, [3, 4, 6, 3])


    def resnet50():
        return ResNet(Bottleneck, [3, 4, 6, 3])
''')

FIGURES = {"resnet18": (11_689_512, 1_814_073_344, 435), "resnet34": (21_797_672, 3_663_761_408, 899),
           "resnet50": (25_557_032, 4_089_184_256, 427)}


@pytest.fixture()
def resnet_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "resnet.py"
    path.write_text(RESNET, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_resnet_source_gives_the_torchvision_figures_without_running_the_file(resnet_file, name):
    sol = model_solution(f"{resnet_file}:{name}", "3x224x224", "params,macs,rf", False, False)
    assert [sol.answers[k] for k in ("params", "macs")] + sol.answers["rf"][:1] == list(FIGURES[name])
    assert not (resnet_file.parent / "SENTINEL").exists()
    names = {n.name for n in sol.context["graphs"]["main"].nodes}
    assert {"layer1.0.conv1", "layer2.0.downsample.0", "layer4.1.bn2", "fc"} <= names   # as print(model) names them


@pytest.mark.slow
def test_resnet18_source_verifies_with_torch(resnet_file):
    sol = model_solution(f"{resnet_file}:resnet18", "3x224x224", "params,macs,shape,rf", False, True)
    assert sol.checks and all(c.ok for c in sol.checks)


def test_emitted_yaml_solves_to_the_same_answers(resnet_file, tmp_path):
    text = model_yaml(RESNET, "resnet.py", "resnet18", [3, 224, 224], ["params", "shape"])
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["file", str(tmp_path / "r.yaml"), "--no-verify", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json
    assert json.loads(result.output.splitlines()[0])["answers"]["params"] == 11_689_512


def test_cli_model_command(resnet_file):
    result = CliRunner().invoke(main, ["model", f"{resnet_file}:resnet34", "--input", "3x224x224", "--ask",
                                       "params", "--no-verify"])
    assert result.exit_code == 0, result.output
    assert "21,797,672" in result.output


D2L = textwrap.dedent('''
    import torch
    from torch import nn
    from torch.nn import functional as F

    def vgg_block(num_convs, in_channels, out_channels):
        layers = []
        for _ in range(num_convs):
            layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
            layers.append(nn.ReLU())
            in_channels = out_channels
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        return nn.Sequential(*layers)

    def vgg11():
        conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
        blocks, in_channels = [], 1
        for (num_convs, out_channels) in conv_arch:
            blocks.append(vgg_block(num_convs, in_channels, out_channels))
            in_channels = out_channels
        return nn.Sequential(*blocks, nn.Flatten(), nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(),
                             nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))

    class Inception(nn.Module):
        def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
            super(Inception, self).__init__(**kwargs)
            self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
            self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
            self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
            self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
            self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
            self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
            self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

        def forward(self, x):
            p1 = F.relu(self.p1_1(x))
            p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
            p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
            p4 = F.relu(self.p4_2(self.p4_1(x)))
            return torch.cat((p1, p2, p3, p4), dim=1)

    def inception3a():
        return Inception(192, 64, (96, 128), (16, 32), 32)

    class Wrong(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            if x > 0:
                x = self.fc(x)
            return x

    def loop(n=4):
        return nn.Sequential(*[nn.Linear(4, 4) for _ in range(n.size)])
''')


def test_d2l_style_sources_equal_torch():
    """VGG-11 of D2L (functions and loops building nn.Sequential) and the Inception block (torch.cat in forward)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from torch import nn
    sol = _solve(D2L, "vgg11", "1x224x224")
    with torch.device("meta"):
        layers, c = [], 1
        for n, out in ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)):
            for _ in range(n):
                layers += [nn.Conv2d(c, out, 3, padding=1), nn.ReLU()]
                c = out
            layers.append(nn.MaxPool2d(2, 2))
        ref = nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * 49, 4096), nn.ReLU(), nn.Linear(4096, 4096),
                            nn.ReLU(), nn.Linear(4096, 10))
        with FlopCounterMode(display=False) as fc:
            ref(torch.zeros(1, 1, 224, 224))
    assert sol.answers["params"] == sum(p.numel() for p in ref.parameters())
    assert sol.answers["macs"] == fc.get_total_flops() // 2
    sol = _solve(D2L, "inception3a", "192x28x28")
    assert (sol.answers["params"], sol.answers["shape"]) == (163_696, [256, 28, 28])   # = inception-block.yaml


def _solve(source, name, shape, ask="params,macs,shape"):
    import tempfile
    from pathlib import Path
    path = Path(tempfile.mkdtemp()) / "m.py"
    path.write_text(source, encoding="utf-8")
    return model_solution(f"{path}:{name}", shape, ask, False, False)


@pytest.mark.parametrize("name, message", [
    ("Wrong", "a condition on a tensor's values"),
    ("missing", "no class or function named 'missing'"),
    ("loop", "cannot read the attribute size statically"),
])
def test_what_cannot_be_read_statically_is_one_located_error(name, message):
    with pytest.raises(InputError) as info:
        read_model(D2L, "d2l.py", name)
    assert message in str(info.value)
    assert str(info.value).startswith("d2l.py")


def test_error_names_the_line():
    with pytest.raises(InputError) as info:
        read_model("import torch.nn as nn\ndef f():\n    return nn.Linear(4, undefined_width)\n", "m.py", "f")
    assert str(info.value) == "m.py:3: 'undefined_width' is not defined before this line (or is computed at run time)"


@pytest.mark.parametrize("body, message", [
    ("    x = [0] * 10**9\n", "a list of more than 100,000 items"),
    ("    return [i for i in range(10**7)]\n", "a range or list of more than 100,000 items"),
    ("    return 2 ** 10 ** 10\n", "exponent too large"),
    ("    while True:\n        pass\n", "cannot read a While statement statically"),
    ("    return f()\n", "recursion too deep"),
])
def test_hostile_sources_stop_with_one_located_error(body, message):
    with pytest.raises(InputError) as info:
        read_model("def f():\n" + body, "m.py", "f")
    assert str(info.value) == f"m.py:2: {message}"
