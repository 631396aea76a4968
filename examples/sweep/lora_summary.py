"""Retention and verdicts of the LoRA comparison (examples/sweep/lora_comparison.toml), read from the
export of its sweep store (docs/beyond.md#lora-adapters):

    iclverify sweep export --store lora_comparison.sqlite --format json > lora_comparison.json
    /usr/bin/python3 examples/sweep/lora_summary.py lora_comparison.json

The one-head protocol prints exact risk curves R(n), n = 0..40, on theta0 and -theta0. For each method:
R(0) on theta0 and the retention of THEORY.md section 8, rho_t = (1 + s2 - R_post(40)) / (1 + s2 -
R_pre(40)) against the pretrained model of the method's parameterization (R(40) standing for lim R), as
the mean over seeds +- its standard error, and the verdicts per seed by the thresholds of
examples/sweep/softmax_summary.py: collapsed (rho < 1/4 on both), preserved (rho >= 9/10 on -theta0),
specialized (rho >= 9/10 on theta0 only), else degraded.
"""
import collections
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from softmax_summary import verdict  # noqa: E402  (the same thresholds)


def stats(xs):  # mean +- standard error (the softmax table adds [min, max])
    se = statistics.stdev(xs) / math.sqrt(len(xs)) if len(xs) > 1 else float("nan")
    return f"{statistics.mean(xs):.3f} ± {se:.3f}"


def pretrained_of(methods, name):
    want = "pretrained (separate)" if name.endswith("(separate)") else "pretrained (merged)"
    return next(m for m in methods if m["name"] == want)


points = json.load(open(sys.argv[1]))
level = 1 + float(points[0]["result"]["sigma2"])
names = [m["name"] for m in points[0]["result"]["methods"]]
print(f"seeds: {', '.join(str(p['options']['seed']) for p in points)}")
print("| method | R(0) on theta0 | rho theta0 | rho -theta0 | verdicts |")
print("|---|---|---|---|---|")
for i, name in enumerate(names):
    r0, rt, ro, verdicts = [], [], [], collections.Counter()
    for p in points:
        methods = p["result"]["methods"]
        m, pre = methods[i], pretrained_of(methods, name)
        t = (level - m["risk_target"][-1]) / (level - pre["risk_target"][-1])
        o = (level - m["risk_opposite"][-1]) / (level - pre["risk_opposite"][-1])
        r0.append(m["risk_target"][0])
        rt.append(t)
        ro.append(o)
        verdicts[verdict(t, o)] += 1
    counts = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
    print(f"| {name} | {stats(r0)} | {stats(rt)} | {stats(ro)} | {counts} |")
