#!/usr/bin/env bash
# End-to-end tests of the iclverify command line: exact sanity values of THEORY.md section 3,
# output formats, and bad input (one line on stderr, exit 2, nothing on stdout).
set -u
bin="$1"
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }

# expect_value "<expected stdout>" args...
expect_value() {
  local want="$1"; shift
  local got
  got=$("$bin" "$@" 2>"$tmp/err")
  local rc=$?
  if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok; else bad "$* -> rc=$rc stdout='$got' (want '$want')"; fi
}

# expect_reject "<substring of the error>" args...
expect_reject() {
  local needle="$1"; shift
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$lines" -eq 1 ] && grep -q -- "$needle" "$tmp/err"; then
    ok
  else
    bad "$* -> rc=$rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err")"
  fi
}

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
"$bin" list --format json | python3 -c 'import json,sys; c=json.load(sys.stdin)["claims"]; assert [x["id"] for x in c]==["C1","C2","C3","C4","C5"]' && ok || bad "list json"
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
