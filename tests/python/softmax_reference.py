#!/usr/bin/python3
"""PyTorch reference for softmax attention (THEORY.md section 9; docs/beyond.md#softmax-attention).

Reads a JSON case {"layers": [{"heads": [{"V", "Q", "K"}]}], "prompts": [{"Z": N x D, "y": y}]} and
prints, per prompt, the output Z after every layer, the prediction Z[N-1, D-1], the loss
(yhat - y)^2 and its gradient {V, Q, K} per layer and head by torch.autograd, in float64. The model is
written from the definition, independently of iclverify:
    Z <- Z + (1/H) sum_h softmax(Z Q_h^T (Z K_h^T)^T, dim=-1) (Z V_h^T)
(no 1/N, no scaling, no mask). tests/test_softmax.cpp runs it and compares.

Usage: /usr/bin/python3 tests/python/softmax_reference.py CASE.json
"""
import json
import sys

import torch


def forward(z, params):
    for layer in params:
        update = 0
        for v, q, k in layer:
            scores = (z @ q.T) @ (z @ k.T).T
            update = update + torch.softmax(scores, dim=-1) @ (z @ v.T)
        z = z + update / len(layer)
    return z


def main():
    case = json.load(open(sys.argv[1]))
    out = []
    for prompt in case["prompts"]:
        params = [[tuple(torch.tensor(h[m], dtype=torch.float64, requires_grad=True) for m in "VQK")
                   for h in layer["heads"]] for layer in case["layers"]]
        z = torch.tensor(prompt["Z"], dtype=torch.float64)
        zout = forward(z, params)
        yhat = zout[-1, -1]
        loss = (yhat - prompt["y"]) ** 2
        loss.backward()
        out.append({
            "Z": zout.detach().tolist(),
            "yhat": yhat.item(),
            "loss": loss.item(),
            "grad": [[{m: t.grad.tolist() for m, t in zip("VQK", head)} for head in layer] for layer in params],
        })
    json.dump({"torch": torch.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
