"""Retention and verdicts of the softmax comparison (examples/sweep/softmax_comparison.toml), read from
the export of its sweep store (docs/beyond.md#softmax-attention):

    iclverify sweep export --store softmax_comparison.sqlite --format json > softmax_comparison.json
    /usr/bin/python3 examples/sweep/softmax_summary.py softmax_comparison.json

For each group (attention, optimizer) and method: the retention of THEORY.md section 8,
rho_t = (1 + s2 - R_post(40)) / (1 + s2 - R_pre(40)) on t = theta0 and -theta0, with R(40) standing in
for lim R (s2 = 1/10, so 1 + s2 = 1.1), as the mean over seeds +- its standard error [min, max], and the
verdict per seed by diagnose's thresholds restricted to these two tasks (docs/diagnose.md#verdict):
collapsed (rho < 1/4 on both), preserved (rho >= 9/10 on -theta0), specialized (rho >= 9/10 on theta0
only), else degraded. Also the zero-shot risk R(0) on theta0.
"""
import collections
import math
import statistics
import sys

import json

METHODS = ["zs", "both", "zs_q", "both_q", "zs_k", "both_k", "zs_v", "both_v"]
LEVEL = 1.1  # 1 + s2: the zero predictor's risk
N = 40


def verdict(rt, ro):
    if rt < 0.25 and ro < 0.25:
        return "collapsed"
    if ro >= 0.9:
        return "preserved"
    if rt >= 0.9:
        return "specialized"
    return "degraded"


def stats(xs):
    m = statistics.mean(xs)
    se = statistics.stdev(xs) / math.sqrt(len(xs)) if len(xs) > 1 else float("nan")
    return f"{m:.3f} ± {se:.3f} [{min(xs):.2f}, {max(xs):.2f}]"


def main(path):
    groups = collections.defaultdict(list)
    for point in json.load(open(path)):
        if "result" in point:
            o = point["options"]
            groups[(o.get("attention", "linear"), o.get("optimizer", "sgd"))].append((o["seed"], point["result"]))
    for (attention, optimizer), group in sorted(groups.items()):
        seeds = sorted(int(s) for s, _ in group)
        rows = collections.defaultdict(lambda: collections.defaultdict(list))
        for _, result in group:
            r = {m["name"]: m for m in result["methods"]}
            pre = r["pretrained"]
            gain = {t: LEVEL - pre["risk_" + t][N]["mean"] for t in ("target", "opposite")}
            rows["pretrained"]["R0"].append(pre["risk_target"][0]["mean"])
            rows["pretrained"]["R40"].append(pre["risk_target"][N]["mean"])
            for m in METHODS:
                rho = {t: (LEVEL - r[m]["risk_" + t][N]["mean"]) / gain[t] for t in gain}
                rows[m]["rho_t"].append(rho["target"])
                rows[m]["rho_o"].append(rho["opposite"])
                rows[m]["R0"].append(r[m]["risk_target"][0]["mean"])
                rows[m]["verdict"].append(verdict(rho["target"], rho["opposite"]))
        p = rows["pretrained"]
        print(f"\n### {attention} attention, {optimizer} (seeds {', '.join(map(str, seeds))}); pretrained: "
              f"R(0) = {stats(p['R0'])}, R(40) on theta0 = {stats(p['R40'])}\n")
        print("| method | rho on theta0 | rho on -theta0 | R(0) on theta0 | verdicts over seeds |")
        print("|---|---|---|---|---|")
        for m in METHODS:
            v = collections.Counter(rows[m]["verdict"])
            print(f"| {m} | {stats(rows[m]['rho_t'])} | {stats(rows[m]['rho_o'])} | {stats(rows[m]['R0'])} | "
                  + ", ".join(f"{k} {n}" for k, n in v.most_common()) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
