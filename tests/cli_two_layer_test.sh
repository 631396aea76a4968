#!/usr/bin/env bash
# End-to-end tests of `compare` and `diagnose` on parameter files of two layers (issue 27), and of one
# layer of several heads (compare, curve --symbolic): exact for
# every n >= 0 through the two-layer engine, R(n) = numerator(n) / (n + 1)^8, each result confirmed by
# an independent route (the one-layer engine, or exact values from `risk --exact` and `curve --symbolic`
# combined in Python's Fractions); bad input (one line on stderr, exit 2, nothing on stdout).
source "$(dirname "$0")/cli_lib.sh" "$1"

S="--sigma2 1/10"
# d = 1 (D = 3: constant, x, y). h1 is dense; layer 2 of m2zero has V = 0 (the identity, whatever its Q);
# base2's layer 2 reads layer 1's output; changed2 is base2 with one entry (layer 2's V_yy) changed.
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
h1 = {"V": [[0, 0, 0], [0, "1/5", 0], ["1/10", "1/20", 1]], "Q": [["1/4", 0, 0], [0, "9/10", "1/6"], [0, "-1/5", "1/8"]]}
h2 = {"V": [[0, 0, 0], [0, 0, 0], [0, "1/10", "1/5"]], "Q": [[0, 0, 0], [0, "1/2", 0], [0, 0, "1/3"]]}
zero = {"V": [[0] * 3 for _ in range(3)], "Q": [[1, 2, 0], [0, 1, 3], [1, 0, 1]]}
def two(a, b, **extra): return dict(extra, layers=[{"heads": [a]}, {"heads": [b]}])
def dump(name, x): json.dump(x, open(f"{t}/{name}.json", "w"))
dump("m1", h1)
dump("m2zero", two(h1, zero))
dump("base2", two(h1, h2))
h2c = json.loads(json.dumps(h2)); h2c["V"][2][2] = "0"
dump("changed2", two(h1, h2c))
dump("l3", {"layers": [{"heads": [h1]}, {"heads": [h2]}, {"heads": [zero]}]})
dump("soft2", two(h1, h2, attention="softmax"))
z4 = [[0] * 4 for _ in range(4)]
dump("d2", {"V": z4, "Q": [[int(i == j) for j in range(4)] for i in range(4)]})
dump("two_d2", two({"V": z4, "Q": z4}, {"V": z4, "Q": z4}))
z6 = [[0] * 6 for _ in range(6)]
dump("two_d4", two({"V": z6, "Q": z6}, {"V": z6, "Q": z6}))
# One layer of two heads: two copies of h1 (their average is h1), and h1 with h2 (a different model).
dump("h1h1", {"layers": [{"heads": [h1, h1]}]})
dump("h1h2", {"layers": [{"heads": [h1, h2]}]})
PY

# --- compare ---------------------------------------------------------------------------------------
# A second layer with V = 0 is the identity: equal to the one-layer file for every n, on every task,
# the difference taken over (n + 1)^8 (the one-layer numerator times (n + 1)^6).
for task in target opposite sphere; do
  expect_json 'j["equal"] == [[0, None]] and j["worse"] == [] and j["better"] == [] and
    j["difference"]["denominator_power"] == 8 and j["difference"]["denominator"] == ["1", "8", "28", "56", "70", "56", "28", "8", "1"] and
    all(c == "0" for c in j["difference"]["numerator"]) and j["limit_a"] == j["limit_b"] and j["a"].endswith("(L = 2, H = 1)")' \
    compare "$tmp/m2zero.json" "$tmp/m1.json" --task "$task" $S
done
expect_table() {
  local needle="$1"; shift
  if "$bin" "$@" >"$tmp/out" 2>"$tmp/err" && grep -qF -- "$needle" "$tmp/out"; then ok; else bad "$* -> $(cat "$tmp/out" "$tmp/err") (want '$needle')"; fi
}
expect_table "R_A - R_B    (0) / (n + 1)^8" compare "$tmp/m2zero.json" "$tmp/m1.json" --task target $S
expect_table "equal        n in [0, inf)" compare "$tmp/m2zero.json" "$tmp/m1.json" --task sphere $S

# exact_values FILE TASK: R(n) at n = 0..24 in rationals from `risk --exact` (the engine evaluated at each n,
# no polynomial in n, no sign analysis).
exact_values() {
  local file="$1" task="$2" how
  case "$task" in target) how="--theta 1" ;; opposite) how="--theta -1" ;; sphere) how="--task sphere" ;; esac
  # shellcheck disable=SC2086
  "$bin" risk --params "$file" $how $S --shots 0:24 --exact --format json
}

# confirm A B TASK: compare's sets agree with the sign of R_A(n) - R_B(n) at n = 0..24, its difference
# numerator over (n + 1)^power equals R_A(n) - R_B(n) exactly, and its limits are curve --symbolic's.
confirm() {
  local a="$1" b="$2" task="$3"
  "$bin" compare "$a" "$b" --task "$task" $S --format json >"$tmp/cmp.json" &&
    exact_values "$a" "$task" >"$tmp/ra.json" && exact_values "$b" "$task" >"$tmp/rb.json" &&
    "$bin" curve --symbolic --params "$a" --task "$task" $S --format json >"$tmp/ca.json" &&
    python3 - "$tmp" "$4" <<'PY' && ok || bad "compare $a $b --task $task: not confirmed by exact values ($(cat "$tmp/err" 2>/dev/null))"
import json, sys
from fractions import Fraction as F
t, want = sys.argv[1], sys.argv[2]
c = json.load(open(f"{t}/cmp.json"))
ra = [F(r["risk"]) for r in json.load(open(f"{t}/ra.json"))["rows"]]
rb = [F(r["risk"]) for r in json.load(open(f"{t}/rb.json"))["rows"]]
p = c["difference"]["denominator_power"]
num = [F(x) for x in c["difference"]["numerator"]]
def sign_at(n):
    for s, key in ((1, "worse"), (0, "equal"), (-1, "better")):
        for lo, hi in c[key]:
            if lo <= n and (hi is None or n <= hi): return s
    raise AssertionError(f"n = {n} in no run")
signs = []
for n in range(25):
    diff = ra[n] - rb[n]
    assert sum(x * n**k for k, x in enumerate(num)) / F(n + 1)**p == diff, (n, diff)
    s = (diff > 0) - (diff < 0)
    assert sign_at(n) == s, (n, s, c)
    signs.append(s)
assert F(c["limit_a"]) == F(json.load(open(f"{t}/ca.json"))["limit"]), c["limit_a"]
# "mixed": both signs occur among n = 0..24 (a non-trivial set, not a constant sign)
assert want != "mixed" or (1 in signs and -1 in signs), signs
PY
}
# One entry changed (layer 2's V_yy 1/5 -> 0): a non-trivial sign set on the task, confirmed.
for task in target opposite sphere; do confirm "$tmp/changed2.json" "$tmp/base2.json" "$task" any; done
confirm "$tmp/changed2.json" "$tmp/base2.json" opposite mixed
# Two layers against one layer (different models): the (n + 1)^6 factor, confirmed at every n <= 24.
for task in target sphere; do confirm "$tmp/base2.json" "$tmp/m1.json" "$task" any; done
confirm "$tmp/m1.json" "$tmp/base2.json" target any

# One layer of H heads (the multi-head engine, (n + 1)^2 R(n) interpolated and confirmed): two copies of
# one head equal that head for every n; two different heads confirmed against exact values, against one
# head and against two layers (denominators (n + 1)^2 and (n + 1)^8).
for task in target opposite sphere; do
  expect_json 'j["equal"] == [[0, None]] and j["difference"]["denominator_power"] == 2 and
    all(c == "0" for c in j["difference"]["numerator"]) and j["a"].endswith("(L = 1, H = 2)")' \
    compare "$tmp/h1h1.json" "$tmp/m1.json" --task "$task" $S
done
for task in target sphere; do confirm "$tmp/h1h2.json" "$tmp/m1.json" "$task" any; done
confirm "$tmp/h1h2.json" "$tmp/base2.json" opposite any
expect_json 'j["model"].endswith("(L = 1, H = 2)") and j["denominator_power"] == 2 and j["confirmed_at"] == [3, 4, 5]' \
  curve --symbolic --params "$tmp/h1h2.json" --task sphere $S

# --- diagnose --------------------------------------------------------------------------------------
# Exact: limits equal curve --symbolic's, rho = (1 + s2 - lim post) / (1 + s2 - lim pre) as fractions, the
# sets equal compare's (post against pre) on each task, curves over (n + 1)^8.
"$bin" diagnose --pre "$tmp/base2.json" --post "$tmp/changed2.json" --theta0 1 --format json >"$tmp/dg.json" 2>"$tmp/err" ||
  bad "diagnose two layers: $(cat "$tmp/err")"
for pair in target:theta0 opposite:-theta0 sphere:sphere; do
  task=${pair%%:*} key=${pair#*:}
  "$bin" curve --symbolic --params "$tmp/base2.json" --task "$task" $S --format json >"$tmp/c_pre.json" &&
    "$bin" curve --symbolic --params "$tmp/changed2.json" --task "$task" $S --format json >"$tmp/c_post.json" &&
    "$bin" compare "$tmp/changed2.json" "$tmp/base2.json" --task "$task" $S --format json >"$tmp/cmp.json" &&
    python3 - "$tmp" "$key" <<'PY' && ok || bad "diagnose on $task differs from curve --symbolic / compare"
import json, sys
from fractions import Fraction as F
t, key = sys.argv[1], sys.argv[2]
dg = json.load(open(f"{t}/dg.json"))
x, r = dg["tasks"][key], dg["retention"][key]
pre, post, c = (json.load(open(f"{t}/{n}.json")) for n in ("c_pre", "c_post", "cmp"))
assert dg["engine"] == "exact" and dg["monte_carlo"] is None and x["sets_exact"], dg["engine"]
assert x["pre"]["limit"]["exact"] == pre["limit"] and x["post"]["limit"]["exact"] == post["limit"], (x, pre, post)
assert x["pre"]["numerator"] == pre["numerator"] and x["post"]["numerator"] == post["numerator"]
assert x["pre"]["denominator_power"] == 8 and x["pre"]["limit"]["se"] is None
assert (x["worse"], x["equal"], x["better"]) == (c["worse"], c["equal"], c["better"]), (x, c)
s2 = F(1, 10)
assert r["rho"] is not None and F(r["rho"]["exact"]) == (1 + s2 - F(post["limit"])) / (1 + s2 - F(pre["limit"])), r
PY
done
# The same file before and after: preserved, rho = 1 exactly, equal for every n.
expect_json 'j["engine"] == "exact" and j["verdict"] == "preserved" and all(j["retention"][t]["rho"]["exact"] == "1" and j["tasks"][t]["equal"] == [[0, None]] for t in ("theta0", "-theta0", "sphere"))' \
  diagnose --pre "$tmp/base2.json" --post "$tmp/base2.json" --theta0 1
out=$("$bin" diagnose --pre "$tmp/base2.json" --post "$tmp/changed2.json" --theta0 1 2>"$tmp/err")
echo "$out" | grep -q '^# diagnose: .* L=2 H=1 d=1 sigma2=1/10, engine exact$' && echo "$out" | grep -q '^  theta0   n in ' &&
  ! echo "$out" | grep -q 'Monte Carlo' && ok || bad "diagnose two-layer table: $out $(cat "$tmp/err")"

# --- bad input: one line, exit 2, nothing on stdout -----------------------------------------------
expect_reject "has L = 3, d = 1; the exact engine covers L <= 2" compare "$tmp/l3.json" "$tmp/m1.json" --task target $S
expect_reject "B: .*l3.json has L = 3" compare "$tmp/base2.json" "$tmp/l3.json" --task sphere $S
expect_reject "the parameter file has d = 2, but d = 1" compare "$tmp/base2.json" "$tmp/d2.json" --task target $S
expect_reject "B: the parameter file has d = 2, but d = 1" compare "$tmp/m1.json" "$tmp/two_d2.json" --task target $S
expect_reject "d = 1" compare "$tmp/base2.json" "$tmp/m1.json" --task target --d 3 $S
expect_reject "has L = 2, d = 4; the exact engine covers L <= 2 (two layers with d <= 3)" compare "$tmp/two_d4.json" pretrained:gamma=1/2 --task target $S
expect_reject "softmax attention has no exact engine" compare "$tmp/soft2.json" "$tmp/base2.json" --task target $S
expect_reject "differ in shape" diagnose --pre "$tmp/base2.json" --post "$tmp/two_d2.json"
expect_reject "differ in shape" diagnose --pre "$tmp/base2.json" --post "$tmp/l3.json"
expect_reject "--mc applies to the Monte Carlo path" diagnose --pre "$tmp/base2.json" --post "$tmp/changed2.json" --mc 100
expect_reject "--seed applies to the Monte Carlo path" diagnose --pre "$tmp/base2.json" --post "$tmp/base2.json" --seed 3

# diagnose is split into request and job: a sweep prepares every point before it runs any, so a post file
# of another shape is refused with diagnose's own message and nothing runs.
printf 'command = "diagnose"\n[fixed]\npre = "%s"\ntheta0 = "1"\n[axes]\npost = ["%s", "%s"]\n' \
  "$tmp/base2.json" "$tmp/changed2.json" "$tmp/l3.json" >"$tmp/study.toml"
"$bin" sweep "$tmp/study.toml" --store "$tmp/study.sqlite" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "study.toml: 1 of 2 points refused by 'diagnose', nothing ran:" "$tmp/err" &&
  grep -q "l3.json.*--pre and --post differ in shape" "$tmp/err" && [ ! -e "$tmp/study.sqlite" ] && ok || bad "sweep of diagnose: rc=$rc $(cat "$tmp/err")"

finish
