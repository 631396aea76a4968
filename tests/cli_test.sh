#!/usr/bin/env bash
# End-to-end tests of the iclverify command line: exact sanity values of THEORY.md section 3,
# output formats, and bad input (one line on stderr, exit 2, nothing on stdout).
source "$(dirname "$0")/cli_lib.sh" "$1"

csv() { "$bin" "$@" --format csv | tail -n +2 | cut -d, -f2 | paste -sd' '; }

# THEORY.md section 3 sanity values, exactly.
[ "$(csv risk --family pretrained --gamma 20/26 --d 5 --sigma2 1/10 --shots 0 --exact)" = "11/10" ] && ok || bad "R_pre(20/26; 0) != 11/10"
[ "$(csv risk --family v-only --w 1/2 --d 5 --sigma2 0.1 --shots 0 --exact)" = "29/90" ] && ok || bad "R_v(theta0/9, w; 0) != 29/90"
[ "$(csv risk --family v-only --w 7 --b 1/9 --d 5 --sigma2 0.1 --shots 0 --exact)" = "29/90" ] && ok || bad "R_v(theta0/9, 7; 0) != 29/90"
[ "$(csv risk --family zs-full --c 1 --d 5 --sigma2 1/10 --shots 0 --exact)" = "1/10" ] && ok || bad "R_zs(1; 0) != 1/10"
[ "$(csv risk --family zs-full --c -3 --d 5 --sigma2 1/10 --shots 0 --exact)" = "1/10" ] && ok || bad "R_zs(-3; 0) != 1/10"
# gamma*(20) via --m: 42/53; its 20-shot risk in exact and in 30 digits agree.
exact=$(csv risk --family pretrained --m 20 --d 5 --sigma2 1/10 --shots 20 --exact)
digits=$(csv risk --family pretrained --m 20 --d 5 --sigma2 1/10 --shots 20 --digits 30)
python3 - "$exact" "$digits" <<'PY' && ok || bad "exact $exact vs 30 digits $digits"
import sys
from fractions import Fraction
e = Fraction(sys.argv[1]); d = Fraction(sys.argv[2])
assert abs(e - d) / e < Fraction(1, 10**28), (e, d)
PY
# Classical convention: divide by n.
[ "$(csv risk --family pretrained --gamma 1/2 --d 1 --sigma2 0 --shots 1 --exact --convention classical)" = "3/4" ] && ok || bad "classical R_pre(1/2; 1, d=1)"
# Ranges and the JSON shape.
json=$("$bin" risk --family zs-full --c 3 --d 5 --sigma2 1/10 --shots 0:4 --task opposite --exact --mc 2000 --seed 3 --format json)
python3 - "$json" <<'PY' && ok || bad "json shape: $json"
import json, sys
j = json.loads(sys.argv[1])
rows = j["rows"]
assert [r["n"] for r in rows] == [0, 1, 2, 3, 4]
assert all(isinstance(r["risk"], str) and "/" in r["risk"] for r in rows)
assert all(isinstance(r["mc_mean"], float) and r["mc_se"] > 0 for r in rows)
assert j["task"] == "opposite" and j["precision"] == "exact"
PY
# Monte Carlo: same seed, same output for 1 and 2 threads.
a=$("$bin" risk --family v-only --w 0.7 --d 3 --sigma2 0.1 --shots 0,5 --mc 5000 --seed 9 --threads 1)
b=$("$bin" risk --family v-only --w 0.7 --d 3 --sigma2 0.1 --shots 0,5 --mc 5000 --seed 9 --threads 2)
[ "$a" = "$b" ] && ok || bad "thread count changed the Monte Carlo output"
# check: --only, exit 0, verdict lines only.
out=$("$bin" check --only C1.icl_threshold,C5 2>/dev/null)
rc=$?
[ "$rc" -eq 0 ] && ! echo "$out" | grep -qvE '^(PASS|NOTE) ' && ok || bad "check --only: rc=$rc out=$out"
"$bin" list --format json | python3 -c 'import json,sys; c=[x["id"] for x in json.load(sys.stdin)["claims"]]; assert c[:8]==["E","C1","C2","C3","C4","C5","C6","C7"] and "P" in c and len(set(c))==len(c)' && ok || bad "list json"
"$bin" risk --help | grep -q -- "--family" && ok || bad "risk --help"

# Bad input: one line, exit 2, nothing on stdout.
base=(--d 5 --sigma2 1/10 --shots 0:3)
expect_reject "--family" risk --family nope "${base[@]}" --gamma 1
expect_reject "--d" risk --family pretrained --gamma 1 --d 0 --sigma2 0.1 --shots 0
expect_reject "--d" risk --family pretrained --gamma 1 --d 2.5 --sigma2 0.1 --shots 0
expect_reject "--sigma2" risk --family pretrained --gamma 1 --d 5 --sigma2 -1 --shots 0
expect_reject "--sigma2" risk --family pretrained --gamma 1 --d 5 --sigma2 nan --shots 0
expect_reject "--gamma" risk --family pretrained --gamma inf "${base[@]}"
expect_reject "--gamma" risk --family pretrained --gamma 1/0 "${base[@]}"
expect_reject "exactly one of" risk --family pretrained "${base[@]}"
expect_reject "exactly one of" risk --family pretrained --gamma 1 --m 20 "${base[@]}"
expect_reject "--c" risk --family zs-full --c 0 "${base[@]}"
expect_reject "needs --c" risk --family zs-full "${base[@]}"
expect_reject "does not apply" risk --family zs-full --c 1 --w 2 "${base[@]}"
expect_reject "needs --w" risk --family v-only "${base[@]}"
expect_reject "--shots" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots 5:1
expect_reject "--shots" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots -1
expect_reject "--shots" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots ""
expect_reject "--digits" risk --family pretrained --gamma 1 "${base[@]}" --digits 51
expect_reject "exclude" risk --family pretrained --gamma 1 "${base[@]}" --digits 5 --exact
expect_reject "--mc" risk --family pretrained --gamma 1 "${base[@]}" --mc 1
expect_reject "only with --mc" risk --family pretrained --gamma 1 "${base[@]}" --seed 3
expect_reject "--threads" risk --family pretrained --gamma 1 "${base[@]}" --mc 100 --threads 0
expect_reject "--format" risk --family pretrained --gamma 1 "${base[@]}" --format xml
expect_reject "classical" risk --family pretrained --gamma 1 "${base[@]}" --convention classical
expect_reject "--task" risk --family pretrained --gamma 1 "${base[@]}" --task sideways
expect_reject "bogus" risk --family pretrained --gamma 1 "${base[@]}" --bogus
expect_reject "--only" check --only C9
expect_reject "--mc-samples" check --mc-samples 5
expect_reject "subcommand" frobnicate
# Determinism: the same seed gives the same bytes for 1 and for 2 threads.
one=$("$bin" risk --family zs-full --c 1/2 --d 3 --sigma2 1/2 --shots 0,5,40 --mc 10000 --seed 9 --threads 1 --format json)
two=$("$bin" risk --family zs-full --c 1/2 --d 3 --sigma2 1/2 --shots 0,5,40 --mc 10000 --seed 9 --threads 2 --format json)
[ -n "$one" ] && [ "$one" = "$two" ] && ok || bad "risk --mc differs between 1 and 2 threads"
one=$("$bin" check --only E.monte_carlo,C6.monte_carlo --mc-samples 4000 --threads 1 2>/dev/null)
two=$("$bin" check --only E.monte_carlo,C6.monte_carlo --mc-samples 4000 --threads 2 2>/dev/null)
[ -n "$one" ] && [ "$one" = "$two" ] && ok || bad "check output differs between 1 and 2 threads"
three=$("$bin" check --only E.monte_carlo,C6.monte_carlo --mc-samples 4000 --threads 2 --seed 5 2>/dev/null)
[ "$three" != "$two" ] && ok || bad "check output does not depend on --seed"

# The mutation self-test end to end (C3 only, to stay fast): every mutant killed, exit 0.
out=$("$bin" selftest --mutants --only C3 2>/dev/null)
rc=$?
[ "$rc" -eq 0 ] && echo "$out" | tail -1 | grep -qx "killed 3/3" && ok || bad "selftest --only C3: rc=$rc out=$out"
# --coverage: every C3 check guarded or exempt with its reason; JSON lists the killers.
out=$("$bin" selftest --coverage --only C3 2>/dev/null)
rc=$?
[ "$rc" -eq 0 ] && echo "$out" | grep -q '^C3.precision  *guarded  *C3#3$' &&
  echo "$out" | grep -q '^C3.authors_fit  *exempt  *none can: ' &&
  echo "$out" | tail -1 | grep -qx "coverage 5/5 checks: 4 guarded, 1 exempt, 0 UNGUARDED" && ok ||
  bad "selftest --coverage --only C3: rc=$rc out=$out"
out=$("$bin" selftest --coverage --only C3 --format json 2>/dev/null)
echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); c={e["check"]: e for e in j["coverage"]}
assert [k["id"] for k in c["C3.c_star_solves_balance"]["killed_by"]] == ["C3#1", "C3#2"]
assert c["C3.authors_fit"]["guard"] == "exempt" and c["C3.authors_fit"]["killed_by"] == []
assert j["unguarded"] == 0 and j["killed"] == j["total"] == 3' && ok || bad "selftest --coverage --format json: $out"
expect_reject "give --mutants or --coverage" selftest
expect_reject "--only: 'C9'" selftest --mutants --only C9

# --- the exact engine: parameter files, grad, optimum ---
# P(10/13) at d = 5 as a file: strings "10/13" and a decimal entry read exactly.
cat >"$tmp/p.json" <<'JSON'
{"V": [[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,1.0]],
 "Q": [[0,0,0,0,0,0,0],[0,"10/13",0,0,0,0,0],[0,0,"10/13",0,0,0,0],[0,0,0,"10/13",0,0,0],[0,0,0,0,"10/13",0,0],[0,0,0,0,0,"10/13",0],[0,0,0,0,0,0,0]]}
JSON
# The engine on the file equals the closed form, on a fixed task and on the sphere.
want=$(csv risk --family pretrained --gamma 10/13 --d 5 --sigma2 1/10 --shots 0:5,20 --exact)
[ "$(csv risk --params "$tmp/p.json" --theta 0.6,0.8,0,0,0 --sigma2 1/10 --shots 0:5,20 --exact)" = "$want" ] && ok || bad "engine on a file != R_pre"
[ "$(csv risk --params "$tmp/p.json" --task sphere --sigma2 1/10 --shots 0:5,20 --exact)" = "$want" ] && ok || bad "engine sphere != R_pre"
# The pretraining gradient vanishes exactly at gamma*(m) and not at the authors' m/(m+1+d).
"$bin" grad --m 20 --d 5 --sigma2 1/10 --loss pretrain --exact --format json >"$tmp/g.json" && grep -q '"gradient_norm2": "0"' "$tmp/g.json" && ok || bad "grad at gamma*(20) not exactly 0"
"$bin" grad --gamma 10/13 --m 20 --d 5 --sigma2 1/10 --loss pretrain --exact --format json >"$tmp/g.json" && ! grep -q '"gradient_norm2": "0"' "$tmp/g.json" && ok || bad "grad at 10/13 should not vanish"
# Q-only few-shot optimum memorizes theta0: Q[x1, y] = c* = 105/121 (d = 5, s2 = 1/10, n_ft = 20).
"$bin" optimum --update kq --loss zs+fs --annealed --nft 20 --gamma 10/13 --d 5 --sigma2 1/10 --format json >"$tmp/o.json" && grep -q '"105/121"' "$tmp/o.json" && ok || bad "kq optimum c* != 105/121"
# Value-only annealed optimum: w*(20) = 104/159 in the V(b, w) scale (Q x-block gamma = 1).
"$bin" optimum --update v --loss zs+fs --annealed --nft 20 --gamma 1 --d 5 --sigma2 1/10 --format json >"$tmp/o.json" && grep -q '"104/159"' "$tmp/o.json" && grep -q '"1/9"' "$tmp/o.json" && ok || bad "v optimum != (theta0/9, 104/159)"
# Bad engine input.
echo '{"V": [[1,2],[3,4]], "Q": [[1,2],[3,4]]}' >"$tmp/small.json"
echo '{"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,1,0]]}' >"$tmp/short.json"
echo '{"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,"1/0",0],[0,0,0]]}' >"$tmp/zero.json"
echo '{"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,true,0],[0,0,0]]}' >"$tmp/bool.json"
echo '{"V": [[0,0,0],[0,0,0],[0,0,1]], "W": [[0,0,0],[0,1,0],[0,0,0]]}' >"$tmp/key.json"
echo '{"V": [[0,0,0],[0,0,0],[0,0,1]], "Q": [[0,0,0],[0,1,0],[0,0,0]' >"$tmp/trunc.json"
expect_reject "cannot read" risk --params "$tmp/missing.json" --task sphere --sigma2 0 --shots 0
expect_reject "D = 2" risk --params "$tmp/small.json" --task sphere --sigma2 0 --shots 0
expect_reject "Q: has 2 rows" risk --params "$tmp/short.json" --task sphere --sigma2 0 --shots 0
expect_reject "Q\[1\]\[1\]" risk --params "$tmp/zero.json" --task sphere --sigma2 0 --shots 0
expect_reject "Q\[1\]\[1\]: must be a number" risk --params "$tmp/bool.json" --task sphere --sigma2 0 --shots 0
expect_reject "needs exactly the keys" risk --params "$tmp/key.json" --task sphere --sigma2 0 --shots 0
expect_reject "invalid JSON" risk --params "$tmp/trunc.json" --task sphere --sigma2 0 --shots 0
expect_reject "exactly one of --family" risk --params "$tmp/p.json" --family pretrained --gamma 1 --d 5 --sigma2 0 --shots 0
expect_reject "exactly one task" risk --params "$tmp/p.json" --sigma2 0 --shots 0
expect_reject "--theta: has 2 entries" risk --params "$tmp/p.json" --theta 1,0 --sigma2 0 --shots 0
expect_reject "--d: 4 does not match" risk --params "$tmp/p.json" --d 4 --task sphere --sigma2 0 --shots 0
expect_reject "--gamma applies to --family" risk --params "$tmp/p.json" --gamma 1 --task sphere --sigma2 0 --shots 0
expect_reject "--task sphere applies to --params" risk --family pretrained --gamma 1 --d 5 --task sphere --sigma2 0 --shots 0
expect_reject "needs --nft" grad --gamma 1 --d 2 --sigma2 0 --loss fs
expect_reject "--nft applies" grad --gamma 1 --d 2 --sigma2 0 --loss zs --nft 3
expect_reject "--theta is not used" grad --m 3 --d 2 --sigma2 0 --loss pretrain --theta 0,1
expect_reject "needs --m" grad --gamma 1 --d 2 --sigma2 0 --loss pretrain
expect_reject "give the point" grad --d 2 --sigma2 0 --loss zs
expect_reject "--d is required" grad --gamma 1 --sigma2 0 --loss zs
expect_reject "--update q" grad --gamma 1 --d 2 --sigma2 0 --loss zs --update q
expect_reject "--weight" optimum --update v --gamma 1 --d 2 --sigma2 0 --loss zs+fs --nft 3 --weight 0
expect_reject "--annealed applies" optimum --update v --gamma 1 --d 2 --sigma2 0 --loss zs --annealed
expect_reject "not a quadratic" optimum --update kq --param separate --gamma 1 --d 2 --sigma2 0 --loss zs
expect_reject "--update" optimum --update all --gamma 1 --d 2 --sigma2 0 --loss zs
expect_reject "--param applies" optimum --update v --params "$tmp/p.json" --param separate --sigma2 0 --loss zs

# hessian: certificates hold (exit 0) with the predicted count, a broken point fails (exit 1).
hj() { "$bin" hessian "$@" --format json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["zero_count"], j["predicted_zero_count"], j["exact_zero_count"], j["holds"], len(j["eigenvalues"]))'; }
[ "$(hj --point pretrained --d 3 --k 4)" = "26 26 26 True 4" ] && ok || bad "hessian pretrained d=3: $(hj --point pretrained --d 3 --k 4)"
[ "$(hj --point zs-full --d 2 --c 3 --param separate)" = "40 40 40 True 10" ] && ok || bad "hessian zs-full separate d=2"
[ "$(hj --point kq-fewshot --d 2 --sigma2 0)" = "7 7 7 True 10" ] && ok || bad "hessian kq-fewshot s2=0 d=2: $(hj --point kq-fewshot --d 2 --sigma2 0)"
"$bin" hessian --point pretrained --d 3 --flip-sign >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "FAILS" "$tmp/out" && ok || bad "hessian --flip-sign must fail with exit 1"
expect_reject "--point" hessian --point nowhere
expect_reject "--d" hessian --point pretrained --d 0
expect_reject "--c applies to --point zs-full only" hessian --point pretrained --c 2
expect_reject "--c: '0' is not allowed (F(c) needs c != 0)" hessian --point zs-full --c 0
expect_reject "--nft applies to --point v-fewshot and kq-fewshot only" hessian --point v-only --nft 3
[ "$(hj --point v-fewshot --d 3 --method spectra)" = "20 20 20 True 1" ] && ok || bad "hessian v-fewshot --method spectra"
# issue 17: F(1) at d = 62 (Lanczos, a 2018-fold zero) holds, with any --k, and flat_checks is a JSON list.
[ "$(hj --point zs-full --d 62 --k 3)" = "6114 6114 None True 3" ] && ok || bad "hessian zs-full d=62: $(hj --point zs-full --d 62 --k 3)"
[ "$("$bin" hessian --point zs-full --d 62 --k 1 --format json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["method"], j["holds"], [f["flat"] for f in j["flat_checks"]])')" = "spectra True [True, True, True, True, True]" ] && ok || bad "hessian zs-full d=62 --k 1 json"
expect_reject "--sigma2" hessian --point pretrained --sigma2 -1/10
expect_reject "--k" hessian --point pretrained --k 0
expect_reject "--m" hessian --point pretrained --m 0

# One input layer (issue 16): the same mistake gets the same one-line message on every command.
msg="--sigma2: '-1' is negative (the noise variance must be >= 0)"
expect_reject "$msg" risk --family pretrained --gamma 1 --d 5 --sigma2 -1 --shots 0
expect_reject "$msg" risk --params "$tmp/p.json" --task sphere --sigma2 -1 --shots 0
expect_reject "$msg" grad --gamma 1 --d 5 --sigma2 -1 --loss zs
expect_reject "$msg" optimum --update v --gamma 1 --d 5 --sigma2 -1 --loss zs
expect_reject "$msg" hessian --point pretrained --sigma2 -1
expect_reject "$msg" train --trainer exact-gd --loss zs --sigma2 -1
expect_reject "$msg" table --which risk-families --sigma2 -1 --out "$tmp/bad.csv"
[ ! -e "$tmp/bad.csv" ] && ok || bad "table --out wrote a file on bad input"
expect_reject "$msg" curve --family pretrained:gamma=1/2 --task target --d 5 --sigma2 -1 --symbolic
expect_reject "$msg" compare v-only:w=1 v-only:w=1 --task target --d 5 --sigma2 -1
# A zero task direction is refused wherever --theta is the task (the families are placed along it).
msg="--theta: '0,0,0,0,0' is the zero vector (a task direction must be nonzero)"
expect_reject "$msg" risk --params "$tmp/p.json" --theta 0,0,0,0,0 --sigma2 0 --shots 0
expect_reject "$msg" grad --gamma 1 --d 5 --sigma2 0 --loss zs --theta 0,0,0,0,0
expect_reject "$msg" optimum --update v --gamma 1 --d 5 --sigma2 0 --loss zs --theta 0,0,0,0,0
expect_reject "$msg" curve --family pretrained:gamma=1/2 --theta 0,0,0,0,0 --d 5 --sigma2 0 --symbolic
expect_reject "$msg" compare v-only:w=1 v-only:w=1 --task target --d 5 --sigma2 0 --theta 0,0,0,0,0
expect_reject "--theta: has 4 entries, expected d = 5" grad --gamma 1 --d 5 --sigma2 0 --loss zs --theta 1,0,0,0
msg="--d: '0' is not an integer >= 1"
expect_reject "$msg" risk --family pretrained --gamma 1 --d 0 --sigma2 0 --shots 0
expect_reject "$msg" grad --gamma 1 --d 0 --sigma2 0 --loss zs
expect_reject "$msg" hessian --point pretrained --d 0
expect_reject "$msg" train --trainer exact-gd --loss zs --d 0
expect_reject "$msg" table --which risk-families --d 0
expect_reject "$msg" compare v-only:w=1 v-only:w=1 --task target --d 0 --sigma2 0
expect_reject "--d: '201' is larger than 200, the largest d this command takes" hessian --point pretrained --d 201
msg="'0' is not allowed (F(c) needs c != 0)"
expect_reject "--c: $msg" risk --family zs-full --c 0 --d 5 --sigma2 0 --shots 0
expect_reject "--c: $msg" hessian --point zs-full --c 0
expect_reject "A (c): $msg" compare zs-full:c=0 pretrained:gamma=1/2 --task target --d 5 --sigma2 0
msg="--threads: '0' is outside \[1, 1024\]"
expect_reject "$msg" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots 0 --mc 100 --threads 0
expect_reject "$msg" check --threads 0
expect_reject "$msg" selftest --mutants --threads 0
expect_reject "$msg" train --trainer sgd --loss zs --threads 0
expect_reject "$msg" protocol --threads 0
expect_reject "$msg" table --which optima --threads 0
msg="--seed: '-3' is outside"
expect_reject "$msg" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots 0 --mc 100 --seed -3
expect_reject "$msg" check --seed -3
expect_reject "$msg" train --trainer exact-gd --loss pretrain --seed -3
expect_reject "$msg" figure pretrained --out "$tmp/x.tex" --seed -3
msg="--update q: needs the separate parameterization (--param separate or a parameter file with V, Qsep, K)"
expect_reject "$msg" grad --gamma 1 --d 5 --sigma2 0 --loss zs --update q
expect_reject "$msg" train --trainer exact-gd --loss zs --update q
msg="--param applies to the pretrained point only (a parameter file sets its own)"
expect_reject "$msg" grad --params "$tmp/p.json" --param separate --sigma2 0 --loss zs
expect_reject "$msg" train --trainer exact-gd --loss zs --init "$tmp/p.json" --param separate
msg="--exact and --digits exclude each other"
expect_reject "$msg" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots 0 --exact --digits 5
expect_reject "$msg" grad --gamma 1 --d 5 --sigma2 0 --loss zs --exact --digits 5

# --- parameter files of L layers x H heads (JSON layers/allparam, .npy, .npz) ---
# Python's struct and zipfile (zlib) write the NumPy files: a writer independent of the reader.
# Two heads of P(10/13) average to P(10/13); a second layer with V = 0 is the identity. So each file
# below is P(10/13), and Monte Carlo must agree with the closed form R_pre.
python3 - "$tmp" <<'PY' || bad "writing the L x H parameter files"
import json, struct, sys, zipfile
tmp, D = sys.argv[1], 7
V = [[1.0 if (r, c) == (D - 1, D - 1) else 0.0 for c in range(D)] for r in range(D)]
Z = [[0.0] * D for _ in range(D)]
I = [[1.0 if r == c else 0.0 for c in range(D)] for r in range(D)]
M = [[10 / 13 if 1 <= r == c <= D - 2 else 0.0 for c in range(D)] for r in range(D)]
Ms = [["10/13" if 1 <= r == c <= D - 2 else 0 for c in range(D)] for r in range(D)]
head = {"V": V, "Q": Ms}
json.dump({"layers": [{"heads": [head, head]}]}, open(f"{tmp}/h2.json", "w"))
json.dump({"layers": [{"heads": [head]}, {"heads": [{"V": Z, "Q": Ms}]}]}, open(f"{tmp}/l2.json", "w"))
def npy(shape, values, descr="<f8"):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, ", ".join(map(str, shape)))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    data = struct.pack("<%d%s" % (len(values), "d" if descr == "<f8" else "q"), *values)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data
flat = lambda ms: [x for m in ms for row in m for x in row]
allparam = flat([V, I, M, V, I, M])  # L = 1, H = 2: [V, Q, K] per head, M = Q^T K
open(f"{tmp}/h2.npy", "wb").write(npy((1, 2, 3, D, D), allparam))
with zipfile.ZipFile(f"{tmp}/h2.npz", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("allparam.npy", npy((1, 2, 3, D, D), allparam))
open(f"{tmp}/rank4.npy", "wb").write(npy((2, 3, D, D), allparam))
open(f"{tmp}/int.npy", "wb").write(npy((1, 1, 3, D, D), [0] * (3 * D * D), "<i8"))
PY
# L = H = 1 in the layers layout keeps the one-head exact path: the same exact risks as p.json.
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); json.dump({"layers": [{"heads": [j]}]}, open(sys.argv[2], "w"))' "$tmp/p.json" "$tmp/l1.json"
[ "$(csv risk --params "$tmp/l1.json" --heads 1 --layers 1 --task sphere --sigma2 1/10 --shots 0:3 --exact)" = "$(csv risk --params "$tmp/p.json" --task sphere --sigma2 1/10 --shots 0:3 --exact)" ] && ok || bad "layers file with L = H = 1 != one-head file"
mc_json() { "$bin" risk "$@" --theta 1,0,0,0,0 --sigma2 1/10 --shots 0,3,20 --mc 20000 --seed 5 --format json; }
want=$(csv risk --family pretrained --gamma 10/13 --d 5 --sigma2 1/10 --shots 0,3,20)
for f in h2.json l2.json h2.npz; do
  mc_json --params "$tmp/$f" | python3 -c '
import json, sys
j, want = json.load(sys.stdin), [float(x) for x in sys.argv[1].split()]
assert [r["n"] for r in j["rows"]] == [0, 3, 20], j
assert all(abs(r["mc_mean"] - w) < 4 * r["mc_se"] for r, w in zip(j["rows"], want)), (j, want)' "$want" && ok || bad "Monte Carlo of $f != R_pre(10/13)"
done
# The same parameters as JSON, .npy and .npz: the same doubles, so the same Monte Carlo rows.
rows() { mc_json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])'; }
[ "$(rows --params "$tmp/h2.npy")" = "$(rows --params "$tmp/h2.npz")" ] && ok || bad ".npy and .npz differ"
[ "$(rows --params "$tmp/h2.npy")" = "$(rows --params "$tmp/h2.json" --heads 2 --layers 1)" ] && ok || bad "JSON and .npy differ"
expect_json 'j["layers"] == 2 and j["heads"] == 1 and j["precision"].startswith("none")' risk --params "$tmp/l2.json" --task sphere --sigma2 0 --shots 1 --mc 100 --layers 2
expect_reject "rank 4, expected rank 5" risk --params "$tmp/rank4.npy" --task sphere --sigma2 0 --shots 0 --mc 100
expect_reject "int.npy: dtype '<i8' is not float32 or float64" risk --params "$tmp/int.npy" --task sphere --sigma2 0 --shots 0 --mc 100
expect_reject "--heads: 3 does not match the parameter file (H = 2)" risk --params "$tmp/h2.npz" --heads 3 --task sphere --sigma2 0 --shots 0 --mc 100
expect_reject "--layers: 1 does not match the parameter file (L = 2)" risk --params "$tmp/l2.json" --layers 1 --task sphere --sigma2 0 --shots 0 --mc 100
expect_reject "--exact: the exact two-layer engine covers d <= 3 (.*l2.json has d = 5)" risk --params "$tmp/l2.json" --task sphere --sigma2 0 --shots 0 --mc 100 --exact
expect_reject "--digits: the exact two-layer engine covers d <= 3" risk --params "$tmp/l2.json" --task sphere --sigma2 0 --shots 0 --digits 20
expect_reject "the exact two-layer engine covers d <= 3.*--mc SAMPLES" risk --params "$tmp/l2.json" --task sphere --sigma2 0 --shots 0
# H = 2, L = 1: the exact engine. Two heads of P(10/13) average to P(10/13): its closed form, exactly
# (h2.json; h2.npy holds the float64 nearest to 10/13, so its exact risk is another rational).
[ "$(csv risk --params "$tmp/h2.json" --theta 1,0,0,0,0 --sigma2 1/10 --shots 0,3,20 --exact)" = "$(csv risk --family pretrained --gamma 10/13 --d 5 --sigma2 1/10 --shots 0,3,20 --exact)" ] && ok || bad "two heads of P(10/13) != R_pre(10/13) exactly"
expect_reject "--heads applies to --params only" risk --family pretrained --gamma 1 --d 5 --sigma2 0 --shots 0 --heads 1

# Two layers (issue 27): the exact engine. A zero second layer (V = 0) is its first layer exactly; the
# curve --symbolic numerator over (n + 1)^8 equals risk --exact; three layers are refused.
python3 - "$tmp" <<'PYEOF'
import json, sys
tmp = sys.argv[1]
h1 = {"V": [["0", "1/4", "0"], ["0", "0", "0"], ["1/2", "-1/4", "3/4"]], "Q": [["1/4", "0", "1/2"], ["0", "3/4", "-1/4"], ["1/2", "0", "1/4"]]}
h2 = {"V": [["0", "0", "0"], ["0", "0", "0"], ["-1/4", "1/2", "1"]], "Q": [["0", "1/4", "0"], ["1/2", "1", "0"], ["0", "0", "-1/2"]]}
zero = {"V": [["0"] * 3] * 3, "Q": h2["Q"]}
json.dump({"layers": [{"heads": [h1]}]}, open(f"{tmp}/tl1.json", "w"))
json.dump({"layers": [{"heads": [h1]}, {"heads": [zero]}]}, open(f"{tmp}/tl2zero.json", "w"))
json.dump({"layers": [{"heads": [h1]}, {"heads": [h2]}]}, open(f"{tmp}/tl2.json", "w"))
json.dump({"layers": [{"heads": [h1]}, {"heads": [h2]}, {"heads": [h2]}]}, open(f"{tmp}/tl3.json", "w"))
PYEOF
for task in "--theta 1" "--task sphere"; do
  [ "$(csv risk --params "$tmp/tl2zero.json" $task --sigma2 1/10 --shots 0,1,5,40 --exact)" = "$(csv risk --params "$tmp/tl1.json" $task --sigma2 1/10 --shots 0,1,5,40 --exact)" ] && ok || bad "two layers with a zero second layer != the first layer ($task)"
done
want=$(csv risk --params "$tmp/tl2.json" --theta 1 --sigma2 1/10 --shots 5 --exact)
"$bin" curve --symbolic --params "$tmp/tl2.json" --theta 1 --sigma2 1/10 --format json | python3 -c '
import json, sys
from fractions import Fraction as F
j = json.load(sys.stdin)
r = sum(F(c) * 5 ** k for k, c in enumerate(j["numerator"])) / F(6) ** j["denominator_power"]
assert j["denominator_power"] == 8 and str(r) == sys.argv[1], (r, sys.argv[1])' "$want" && ok || bad "curve --symbolic of two layers != risk --exact at n = 5"
expect_reject "--exact: no exact engine exists for L >= 3 layers" risk --params "$tmp/tl3.json" --theta 1 --sigma2 1/10 --shots 0 --exact
expect_reject "the exact engine covers L <= 2" curve --symbolic --params "$tmp/tl3.json" --theta 1 --sigma2 1/10

finish
