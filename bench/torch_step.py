#!/usr/bin/python3
"""Time one training step of the PyTorch linear transformer of THEORY.md section 7 on the CPU.

The model as the authors define it (L layers, H heads, separate V, Q, K per head, entries N(0, 0.05^2)):
    Z <- Z + (1/H) sum_h A_h (Z V_h^T) / N,   A_h[r, s] = (Q_h z_r) . (K_h z_s),
every row attending to every row, the prediction Z[N-1, D-1]; the loss is the mean squared error of
the query's label. One step = fresh prompts (x ~ N(0, I), theta uniform on the sphere, noise_std
sqrt(0.1)), forward, backward, clipping to global norm 1, optimizer step, in float32 like their code.
This is a re-implementation for timing only; bench/bench_train.cpp (BM_ArchSgdStep, BM_ArchAdamStep)
times the same step in iclverify.

With --attention softmax the scores go through softmax(dim=-1) instead of the division by N
(THEORY.md section 9: no 1/N, no scaling, no mask); bench_train's BM_ArchSoftmax* time the same step.

Usage: /usr/bin/python3 bench/torch_step.py [--threads 1] [--steps 20] [--optimizer sgd|adam]
                                            [--attention linear|softmax]
"""
import argparse
import math
import time

import torch


class LinearTransformer(torch.nn.Module):
    def __init__(self, layers, heads, d, std=0.05, softmax=False):
        super().__init__()
        self.softmax = softmax
        D = d + 2
        self.v = torch.nn.Parameter(torch.randn(layers, heads, D, D) * std)
        self.q = torch.nn.Parameter(torch.randn(layers, heads, D, D) * std)
        self.k = torch.nn.Parameter(torch.randn(layers, heads, D, D) * std)

    def forward(self, z):
        layers, heads = self.v.shape[0], self.v.shape[1]
        n_rows = z.shape[1]
        for l in range(layers):
            update = 0
            for h in range(heads):
                queries = z @ self.q[l, h].T
                keys = z @ self.k[l, h].T
                values = z @ self.v[l, h].T
                scores = queries @ keys.transpose(1, 2)  # (B, N, N)
                if self.softmax:
                    update = update + torch.softmax(scores, dim=-1) @ values
                else:
                    update = update + scores @ values / n_rows
            z = z + update / heads
        return z


def prompts(batch, shots, d, noise_std):
    theta = torch.randn(batch, d)
    theta = theta / theta.norm(dim=1, keepdim=True)
    x = torch.randn(batch, shots + 1, d)
    y = torch.einsum("bd,bnd->bn", theta, x) + noise_std * torch.randn(batch, shots + 1)
    z = torch.cat([torch.ones(batch, shots + 1, 1), x, y.unsqueeze(2)], dim=2)
    target = z[:, -1, -1].clone()
    z[:, -1, -1] = 0
    return z, target


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--shots", type=int, default=20)
    ap.add_argument("--d", type=int, default=5)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--attention", choices=["linear", "softmax"], default="linear")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = LinearTransformer(args.layers, args.heads, args.d, softmax=args.attention == "softmax")
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.9))

    def step():
        z, target = prompts(args.batch, args.shots, args.d, math.sqrt(0.1))
        loss = torch.nn.functional.mse_loss(model(z)[:, -1, -1], target)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(3):  # warm-up
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(args.steps):
        step()
    per_step = (time.perf_counter() - t0) / args.steps
    cpu_per_step = (time.process_time() - c0) / args.steps  # all threads' CPU time: fairer on a loaded machine
    print(f"torch {torch.__version__} {args.attention} {args.optimizer} threads={args.threads} B={args.batch} n={args.shots} "
          f"d={args.d} H={args.heads} L={args.layers}: {1000 * per_step:.2f} ms per step "
          f"({1000 * cpu_per_step:.2f} ms CPU)")


if __name__ == "__main__":
    main()
