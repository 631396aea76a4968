#!/usr/bin/env python3
"""Exact limits, retention and sets of n of a two-layer fine-tuning (docs/architectures.md section 6.3).

usage: retention.py ICLVERIFY PRE.json POST.json [--sigma2 1/10]

For theta0 = e_1, -theta0 and the sphere it asks `iclverify curve --symbolic --format json` for the
exact risk R(n) = numerator(n) / (n + 1)^8 of PRE and POST, and prints
  lim R (n -> infinity) of both, exactly as decimals;
  rho = (1 + s2 - lim R_post) / (1 + s2 - lim R_pre) (docs/diagnose.md section 2);
  the exact set of integers n >= 0 where POST is worse (R_post(n) > R_pre(n)), from `iclverify compare`
  (the difference of the numerators, degree <= 8, its real roots isolated exactly with FLINT).
`iclverify diagnose --pre PRE --post POST --theta0 1` gives the same numbers with what moved and a verdict.
"""
import json
import subprocess
import sys
from fractions import Fraction


def curve(binary, params, task, s2):
    out = subprocess.run([binary, "curve", "--symbolic", "--params", params, "--task", task, "--sigma2", s2,
                          "--format", "json"], check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    assert int(j["denominator_power"]) == 8, j["denominator_power"]
    return [Fraction(c) for c in j["numerator"]], Fraction(j["limit"])


def worse_set(binary, post, pre, task, s2):
    """The exact set of n >= 0 where POST is worse: `iclverify compare` (FLINT's real-root isolation of
    the difference of the numerators, every n >= 0)."""
    out = subprocess.run([binary, "compare", post, pre, "--task", task, "--sigma2", s2, "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    runs = json.loads(out)["worse"]
    text = [f"[{a}, inf)" if b is None else (f"{{{a}}}" if a == b else f"[{a}, {b}]") for a, b in runs]
    return ", ".join(text) if text else "none"


def main():
    args = sys.argv[1:]
    s2 = "1/10"
    if "--sigma2" in args:
        i = args.index("--sigma2")
        s2 = args[i + 1]
        del args[i:i + 2]
    binary, pre, post = args
    noise = Fraction(s2)
    print(f"pre {pre} -> post {post}, s2 = {s2}")
    for task, name in (("target", "theta0"), ("opposite", "-theta0"), ("sphere", "sphere")):
        num_pre, lim_pre = curve(binary, pre, task, s2)
        num_post, lim_post = curve(binary, post, task, s2)
        gain = 1 + noise - lim_pre
        rho = (1 + noise - lim_post) / gain if gain > 0 else None
        rho_text = f"{float(rho):.6g}" if rho is not None else "null (no ICL to lose)"
        print(f"  {name:8} R(0) {float(num_pre[0]):.6g} -> {float(num_post[0]):.6g}; "
              f"lim {float(lim_pre):.6g} -> {float(lim_post):.6g}; rho {rho_text}; "
              f"post worse for n in {worse_set(binary, post, pre, task, s2)}")


if __name__ == "__main__":
    main()
