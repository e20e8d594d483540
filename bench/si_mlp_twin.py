#!/usr/bin/python3
"""PyTorch twin of `lrsweep bench train --model si-mlp`: the synthetic study's SGD step written as the authors do.

An nn.Module (linear 32→32 - LayerNorm(no affine, eps 1e-7) - ReLU, twice, then a frozen linear 32→1 of norm 10),
BCE-with-logits, torch.optim.SGD, then both matrices rescaled jointly to norm 1 after every step; batch 16 from a
per-epoch permutation of 512 ticks-shaped samples held as one tensor. Only the training loop is timed.

Run with Debian's Python, which has python3-torch:  /usr/bin/python3 bench/si_mlp_twin.py --steps 20000
"""
import argparse
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SiMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 32, bias=False)
        self.ln1 = nn.LayerNorm(32, eps=1e-7, elementwise_affine=False)
        self.fc2 = nn.Linear(32, 32, bias=False)
        self.ln2 = nn.LayerNorm(32, eps=1e-7, elementwise_affine=False)
        self.head = nn.Linear(32, 1, bias=False)
        with torch.no_grad():
            self.head.weight.mul_(10.0 / self.head.weight.norm())
        self.head.weight.requires_grad_(False)

    def forward(self, x):
        x = F.relu(self.ln1(self.fc1(x)))
        x = F.relu(self.ln2(self.fc2(x)))
        return self.head(x).squeeze(-1)


@torch.no_grad()
def project(params, rho=1.0):
    norm = torch.sqrt(sum((p * p).sum() for p in params))
    for p in params:
        p.mul_(rho / norm)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=20000, help="timed SGD steps, after the warm-up")
    p.add_argument("--warmup", type=int, default=2000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--elr", type=float, default=1e-2)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (the Java step uses one)")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                   help="float32 as the authors train; float64 is what lrsweep computes in")
    args = p.parse_args()
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dtype = getattr(torch, args.dtype)
    net = SiMlp().to(dtype)
    si = [net.fc1.weight, net.fc2.weight]
    project(si)
    optimizer = torch.optim.SGD(si, lr=args.elr)
    x = torch.randn(512, 32, dtype=dtype)
    y = torch.randint(0, 2, (512,)).to(dtype)
    per_epoch = 512 // args.batch

    def run(steps, first):
        order = None
        for it in range(first, first + steps):
            if order is None or it % per_epoch == 0:
                order = torch.randperm(512)
            idx = order[(it % per_epoch) * args.batch:(it % per_epoch + 1) * args.batch]
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(net(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            project(si)

    run(args.warmup, 0)
    start = time.perf_counter()
    cpu = time.process_time()
    run(args.steps, args.warmup)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model=si-mlp batch={args.batch} steps={args.steps} threads={args.threads} engine=pytorch-{torch.__version__}"
          f" dtype={args.dtype}")
    print(f"us_per_step={seconds / args.steps * 1e6:.2f} steps_per_second={args.steps / seconds:.0f}"
          f" cpu_us_per_step={cpu / args.steps * 1e6:.2f} peak_rss_mb={peak_rss_mb:.1f}")


if __name__ == "__main__":
    main()
