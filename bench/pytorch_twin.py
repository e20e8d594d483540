#!/usr/bin/python3
"""PyTorch twin of `lrsweep bench train`: time training steps of the study's models, print the same figures.

Run with Debian's Python, which has python3-torch:  /usr/bin/python3 bench/pytorch_twin.py --model si-convnet
"""
import argparse
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

RHO = {"si-convnet": 12.0, "si-resnet18": 28.0}
DEFAULT_WIDTH = {"si-convnet": 32, "si-resnet18": 32, "resnet18": 64}
HEAD_NORM = 10.0
EXPECTED_SI_PARAMS = {("si-convnet", 32): 387_936, ("si-resnet18", 32): 2_790_240}


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


def fixed_head(features, classes):
    """Last layer of an SI model: no bias, not trained, Frobenius norm HEAD_NORM."""
    head = nn.Linear(features, classes, bias=False)
    with torch.no_grad():
        head.weight.mul_(HEAD_NORM / head.weight.norm())
    head.weight.requires_grad_(False)
    return head


class SiConvNet(nn.Module):
    """conv-BN-ReLU ×4 (maxpool2 after the last three), maxpool4, fixed linear head; BN without affine."""

    def __init__(self, c, classes):
        super().__init__()
        widths = [3, c, 2 * c, 4 * c, 8 * c]
        layers = []
        for i in range(4):
            layers += [conv3x3(widths[i], widths[i + 1]), nn.BatchNorm2d(widths[i + 1], affine=False), nn.ReLU()]
            if i > 0:
                layers.append(nn.MaxPool2d(2))
        layers += [nn.MaxPool2d(4), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.head = fixed_head(8 * c, classes)

    def forward(self, x):
        return self.head(self.features(x))


class PreActBlock(nn.Module):
    """BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3; shortcut BN then conv1x1(stride) on the input when the shape changes."""

    def __init__(self, cin, cout, stride, affine):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, affine=affine)
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn2 = nn.BatchNorm2d(cout, affine=affine)
        self.conv2 = conv3x3(cout, cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.BatchNorm2d(cin, affine=affine),
                                          nn.Conv2d(cin, cout, 1, stride=stride, bias=False))

    def forward(self, x):
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        return out + (x if self.shortcut is None else self.shortcut(x))


class PreActResNet18(nn.Module):
    """Pre-activation ResNet-18 for 32×32 inputs: stem, stages c/2c/4c/8c of two blocks, head BN-ReLU-avgpool4-linear."""

    def __init__(self, c, classes, scale_invariant):
        super().__init__()
        affine = not scale_invariant
        self.stem = conv3x3(3, c)
        blocks, cin = [], c
        for width, stride in [(c, 1), (2 * c, 2), (4 * c, 2), (8 * c, 2)]:
            blocks += [PreActBlock(cin, width, stride, affine), PreActBlock(width, width, 1, affine)]
            cin = width
        self.blocks = nn.Sequential(*blocks)
        self.bn = nn.BatchNorm2d(8 * c, affine=affine)
        self.head = fixed_head(8 * c, classes) if scale_invariant else nn.Linear(8 * c, classes)

    def forward(self, x):
        out = F.relu(self.bn(self.blocks(self.stem(x))))
        return self.head(torch.flatten(F.avg_pool2d(out, 4), 1))


def build(model, width, classes):
    if model == "si-convnet":
        return SiConvNet(width, classes)
    if model == "si-resnet18":
        return PreActResNet18(width, classes, scale_invariant=True)
    if model == "resnet18":
        return PreActResNet18(width, classes, scale_invariant=False)
    raise ValueError(model)


def si_params(net, model):
    """The SI parameters: every conv weight (shortcut convs included); none for the practical resnet18."""
    if model not in RHO:
        return []
    return [m.weight for m in net.modules() if isinstance(m, nn.Conv2d)]


@torch.no_grad()
def project(params, rho):
    """Rescale the SI parameters jointly onto the sphere of radius rho."""
    norm = torch.sqrt(sum((p * p).sum() for p in params))
    for p in params:
        p.mul_(rho / norm)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["si-convnet", "si-resnet18", "resnet18"], default="si-convnet")
    p.add_argument("--width", type=int, help="base width c (default: 32 for SI models, 64 for resnet18)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=20, help="timed steps, after the warm-up")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--elr", type=float, default=1e-3, help="effective LR of SI models; lr = elr * rho^2")
    p.add_argument("--lr", type=float, default=0.1, help="LR of resnet18's ordinary SGD")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv):
    args = parse(argv)
    # Before any parallel work, or torch refuses the inter-op setting.
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    width = args.width or DEFAULT_WIDTH[args.model]
    device = torch.device("cpu")
    if args.device == "gpu":
        if torch.cuda.is_available():
            device = torch.device("cuda")
        else:
            print("no CUDA device: running on the CPU", file=sys.stderr)
    device_name = "gpu" if device.type == "cuda" else "cpu"

    net = build(args.model, width, args.classes).to(device).train()
    si = si_params(net, args.model)
    si_count = sum(p.numel() for p in si)
    expected = EXPECTED_SI_PARAMS.get((args.model, width))
    assert expected is None or si_count == expected, f"{args.model} c={width}: {si_count} SI params, not {expected}"

    if args.model in RHO:
        rho = RHO[args.model]
        lr = args.elr * rho * rho
        project(si, rho)
        optimizer = None
    else:
        optimizer = torch.optim.SGD([p for p in net.parameters() if p.requires_grad],
                                    lr=args.lr, momentum=0.9, weight_decay=5e-4)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    data = torch.Generator().manual_seed(args.seed + 1)
    times = []
    for step in range(args.warmup + args.steps):
        # The batch is drawn before the clock starts: only the training step is timed.
        x = torch.randn(args.batch, 3, 32, 32, generator=data).to(device)
        y = torch.randint(0, args.classes, (args.batch,), generator=data).to(device)
        sync()
        start = time.perf_counter()
        if optimizer is None:
            for p in si:
                p.grad = None
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            with torch.no_grad():
                for p in si:
                    p.sub_(lr * p.grad)
            project(si, rho)
        else:
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            optimizer.step()
        sync()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)

    median = statistics.median(times)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model={args.model} width={width} batch={args.batch} steps={args.steps} device={device_name} "
          f"threads={args.threads} params_si={si_count}")
    print(f"median_ms_per_step={median * 1000:.1f} images_per_second={args.batch / median:.1f} "
          f"peak_rss_mb={peak_rss_mb:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
