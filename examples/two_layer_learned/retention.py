#!/usr/bin/env python3
"""Exact limits, retention and sets of n of a two-layer fine-tuning (docs/architectures.md section 6.3).

usage: retention.py ICLVERIFY PRE.json POST.json [--sigma2 1/10]

For theta0 = e_1, -theta0 and the sphere it asks `iclverify curve --symbolic --format json` for the
exact risk R(n) = numerator(n) / (n + 1)^8 of PRE and POST, and prints
  lim R (n -> infinity) of both, exactly as decimals;
  rho = (1 + s2 - lim R_post) / (1 + s2 - lim R_pre) (docs/diagnose.md section 2);
  the exact set of integers n >= 0 where POST is worse (R_post(n) > R_pre(n)): the difference of the
  numerators is a polynomial of degree <= 8 with rational coefficients, its real roots isolated
  exactly (sympy); between two roots the sign is constant, integers near a root are evaluated exactly.
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


def worse_set(num_post, num_pre):
    k = max(len(num_post), len(num_pre))
    diff = [(num_post[i] if i < len(num_post) else 0) - (num_pre[i] if i < len(num_pre) else 0) for i in range(k)]
    while diff and diff[-1] == 0:
        diff.pop()
    if not diff:
        return "none (equal curves)"
    value = lambda n: sum(a * Fraction(n) ** i for i, a in enumerate(diff))
    # Isolate the real roots exactly (sympy, rational interval endpoints); between two consecutive
    # roots the sign is constant, integers inside an isolating interval are evaluated one by one.
    import math
    import sympy
    x = sympy.Symbol("x")
    poly = sympy.Poly(sum(sympy.Rational(a.numerator, a.denominator) * x**i for i, a in enumerate(diff)), x)
    cuts = []  # integer ranges [lo, hi] evaluated exactly
    for (a, b), _ in poly.intervals(eps=sympy.Rational(1, 100)):
        lo, hi = math.floor(Fraction(str(a))), math.ceil(Fraction(str(b)))
        if hi >= 0:
            cuts.append((max(lo, 0), hi))
    cuts.sort()
    segments = []  # (first n, last n or None = infinity, worse?)
    n = 0
    for lo, hi in cuts:
        if lo > n:
            segments.append((n, lo - 1, value(Fraction(n + lo - 1, 2)) > 0))
        for m in range(max(lo, n), hi + 1):
            segments.append((m, m, value(m) > 0))
        n = max(n, hi + 1)
    segments.append((n, None, diff[-1] > 0))
    ranges = []
    for a, b, worse in segments:
        if not worse:
            continue
        if ranges and ranges[-1][1] is not None and ranges[-1][1] + 1 == a:
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
    text = [f"[{a}, inf)" if b is None else (f"{{{a}}}" if a == b else f"[{a}, {b}]") for a, b in ranges]
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
              f"post worse for n in {worse_set(num_post, num_pre)}")


if __name__ == "__main__":
    main()
