"""Tables and verdicts of the two-layer study (examples/sweep/two_layers.toml) and its one-layer
control, read from their sweep stores with iclverify.study (docs/architectures.md section 6):

    ./run python examples/sweep/two_layers_summary.py two_layers.sqlite one_layer_control.sqlite

For each group (layers, heads, optimizer): the risk of every method at n = 0, 20, 40 on theta0 and
-theta0 as the mean over seeds +- its standard error, then each claim's verdict per seed, from the
seed's Monte Carlo means (s2 = 1/10, so the no-prompt level is 1 + s2 = 1.1):
  C2     full zero-shot fine-tuning (zs) is worse than pretrained at n = 40, on theta0 and on -theta0;
  C4     value-only zero-shot fine-tuning (zs_v) keeps ICL on -theta0: at n = 40 it is closer to the
         pretrained risk than to the collapse level 1.1 (the retention rho printed per seed is above 1/2);
  C5     the auxiliary few-shot loss (both_v against zs_v) is lower on theta0 at n = 20 and higher on
         -theta0 at n = 40;
  C6     few-shot key-query fine-tuning (both_q, both_k) is lower than pretrained on theta0 and higher
         on -theta0 at n = 40.
"""
import math
import statistics
import sys

import iclverify

METHODS = ["pretrained", "zs", "both", "zs_q", "both_q", "zs_k", "both_k", "zs_v", "both_v"]
COLLAPSE = 1.1


def curves(result):
    """{method: {(task, n): mean risk}} of one protocol run."""
    out = {}
    for m in result["methods"]:
        out[m["name"]] = {(task, r["n"]): r["mean"] for task in ("target", "opposite")
                          for r in m["risk_" + task]}
    return out


def verdicts(c):
    r = lambda method, task, n: c[method][(task, n)]
    return {
        "C2 theta0": r("zs", "target", 40) > r("pretrained", "target", 40),
        "C2 -theta0": r("zs", "opposite", 40) > r("pretrained", "opposite", 40),
        "C4": r("zs_v", "opposite", 40) - r("pretrained", "opposite", 40) < COLLAPSE - r("zs_v", "opposite", 40),
        "C5": r("both_v", "target", 20) < r("zs_v", "target", 20) and
              r("both_v", "opposite", 40) > r("zs_v", "opposite", 40),
        "C6 q": r("both_q", "target", 40) < r("pretrained", "target", 40) and
                r("both_q", "opposite", 40) > r("pretrained", "opposite", 40),
        "C6 k": r("both_k", "target", 40) < r("pretrained", "target", 40) and
                r("both_k", "opposite", 40) > r("pretrained", "opposite", 40),
    }


def mean_se(xs):
    """The mean over seeds ± its standard error; one seed has no standard error (the mean alone)."""
    m = statistics.mean(xs)
    if len(xs) == 1:
        return f"{m:.4g}"
    return f"{m:.4g} ± {statistics.stdev(xs) / math.sqrt(len(xs)):.2g}"


def main(paths):
    for path in paths:
        frame = iclverify.study(path)
        frame = frame[frame["error"].isna()]
        for (layers, heads, optimizer), group in frame.groupby(["layers", "heads", "optimizer"], sort=True):
            runs = [curves(r) for r in group["result"]]
            seeds = sorted(int(s) for s in group["seed"])
            print(f"\n### L = {layers}, H = {heads}, {optimizer} (seeds {', '.join(map(str, seeds))})\n")
            print("| method | theta0, n = 0 | n = 20 | n = 40 | -theta0, n = 0 | n = 20 | n = 40 |")
            print("|---|---|---|---|---|---|---|")
            for m in METHODS:
                cells = [mean_se([c[m][(task, n)] for c in runs])
                         for task in ("target", "opposite") for n in (0, 20, 40)]
                print(f"| {m} | " + " | ".join(cells) + " |")
            counts = {}
            for c in runs:
                for k, v in verdicts(c).items():
                    counts[k] = counts.get(k, 0) + int(v)
            print("\n" + "; ".join(f"{k} holds in {v} of {len(runs)} seeds" for k, v in counts.items()))
            # Per seed: C4's numbers (zs_v against pretrained on -theta0 at n = 40) with the retention
            # rho = (1.1 - zs_v) / (1.1 - pretrained), the share of the prompt's gain that value-only
            # fine-tuning keeps (C4 holds when rho > 1/2), and which claims hold.
            names = list(verdicts(runs[0]))
            print("\n| seed | pretrained, -theta0, n = 40 | zs_v, -theta0, n = 40 | rho | " + " | ".join(names) + " |")
            print("|---|---|---|---|" + "---|" * len(names))
            order = sorted(range(len(runs)), key=lambda i: int(group["seed"].iloc[i]))
            for i in order:
                c, v = runs[i], verdicts(runs[i])
                pre, zs_v = c["pretrained"][("opposite", 40)], c["zs_v"][("opposite", 40)]
                cells = [f"{pre:.4g}", f"{zs_v:.4g}", f"{(COLLAPSE - zs_v) / (COLLAPSE - pre):.2f}"]
                cells += ["holds" if v[k] else "fails" for k in names]
                print(f"| {int(group['seed'].iloc[i])} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
