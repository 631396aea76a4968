#!/usr/bin/env bash
# iclverify verify: the paper's claim files, a wrong formula, --mutate, JSON, and bad files.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/cli_lib.sh"

# every restated statement of the paper is PROVED (exit 0)
if "$bin" verify "$root"/theorems/*.toml >"$tmp/out" 2>"$tmp/err" && ! grep -qv -e '^PROVED' -e '^theorems' -e '^/' -e '^$' "$tmp/out"; then ok; else bad "verify theorems/*.toml: $(tail -3 "$tmp/err") $(grep -v '^PROVED' "$tmp/out" | head -3)"; fi

# the issue's example: three PROVED, w*(n) with Q = gamma I REFUTED with an exact counterexample (exit 1)
"$bin" verify "$root/examples/claims/issue-example.toml" --format json >"$tmp/j" 2>/dev/null
rc=$?
if [ "$rc" -eq 1 ] && python3 - "$tmp/j" <<'PY'; then ok; else bad "issue example: rc=$rc $(head -c 400 "$tmp/j")"; fi
import json, sys
j = json.load(open(sys.argv[1]))
assert isinstance(j, list) and [d["verdict"] for d in j] == ["PROVED", "PROVED", "PROVED", "REFUTED"], j
assert j[2]["sets"]["positive"] == [[2, None]] and j[2]["sets"]["negative"] == [[0, 1]]
cx = j[3]["counterexample"]
assert cx["derivative"] != "0" and set(cx["values"]) >= {"n", "d", "gamma"}
PY

# a wrong formula (d + 2 for d + 1) is REFUTED; the counterexample's left side is the engine's risk
cat >"$tmp/wrong.toml" <<'TOML'
[symbols]
gamma = "0 < gamma < 2"
[family.P]
"V.yy" = "1"
"Q.xx" = "gamma*I"
[[statement]]
name = "R_pre wrong"
identity = "risk(P, theta0, n) = 1 + s2 - 2*gamma*n/N + gamma^2*n*(n+d+2+d*s2)/N^2"
TOML
"$bin" verify "$tmp/wrong.toml" --format json >"$tmp/j" 2>/dev/null
rc=$?
if [ "$rc" -eq 1 ] && python3 - "$tmp/j" <<'PY'; then ok; else bad "wrong formula: rc=$rc $(cat "$tmp/j")"; fi
import json, sys
from fractions import Fraction as F
d = json.load(open(sys.argv[1]))[0]
assert d["verdict"] == "REFUTED"
cx = d["counterexample"]; v = {k: F(x) for k, x in cx["values"].items()}
n, dim, s2, g = v["n"], v["d"], v["s2"], v["gamma"]
N = n + 1
right = 1 + s2 - 2*g*n/N + g*g*n*(n+dim+2+dim*s2)/N**2
true = 1 + s2 - 2*g*n/N + g*g*n*(n+dim+1+dim*s2)/N**2
assert F(cx["rhs"]) == right and F(cx["lhs"]) == true and F(cx["difference"]) == true - right
PY
# ... and the same counterexample from `risk --params` (the family at those values, as the
# counterexample gives it and as built here by hand: both must be P(gamma))
python3 - "$tmp/j" "$tmp/p.json" <<'PY'
import json, sys
from fractions import Fraction as F
cx = json.load(open(sys.argv[1]))[0]["counterexample"]; v = cx["values"]
d = int(v["d"]); D = d + 2
V = [["0"] * D for _ in range(D)]; Q = [["0"] * D for _ in range(D)]
V[D-1][D-1] = "1"
for i in range(1, d + 1): Q[i][i] = v["gamma"]
given = cx["params"]["P"]
assert [[F(x) for x in r] for r in given["V"]] == [[F(x) for x in r] for r in V]
assert [[F(x) for x in r] for r in given["Q"]] == [[F(x) for x in r] for r in Q]
json.dump(given, open(sys.argv[2], "w"))
open(sys.argv[2] + ".args", "w").write(" ".join([v["n"], v["s2"], ",".join(["1"] + ["0"] * (d - 1)), cx["lhs"]]))
PY
read -r shots s2 theta want <"$tmp/p.json.args"
got=$("$bin" risk --params "$tmp/p.json" --shots "$shots" --sigma2 "$s2" --theta "$theta" --exact --format json 2>/dev/null |
      python3 -c "import json,sys; j=json.load(sys.stdin); r=j['rows'] if 'rows' in j else j; print(json.dumps(r))")
if grep -q -- "$want" <<<"$got"; then ok; else bad "risk --params at the counterexample: $got (want $want)"; fi

# --mutate: every paper statement refutes some of its mutants
if "$bin" verify "$root/theorems/c2_full_finetuning.toml" --mutate >"$tmp/out" 2>"$tmp/err" && grep -q "mutants:" "$tmp/out" &&
   ! grep -q "CHECKS NOTHING" "$tmp/out"; then ok; else bad "--mutate: $(cat "$tmp/err")"; fi

# a statement that checks nothing is reported (exit 1)
cat >"$tmp/idle.toml" <<'TOML'
[family.Z]
"V.yy" = "0"
[[statement]]
name = "zero predictor"
identity = "risk(Z, theta0, n) = 1 + s2"
TOML
"$bin" verify "$tmp/idle.toml" --mutate >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] || grep -q "CHECKS NOTHING" "$tmp/out" || grep -q "mutants: [1-9]" "$tmp/out"; then ok; else bad "idle: rc=$rc $(cat "$tmp/out")"; fi

# bad files: one line naming the file, exit 2, nothing on stdout; a second run gives the same exit
# status and the same line (issue 30: a refusal must not depend on GiNaC's run-to-run term order)
bad_file() {  # bad_file "<needle>" "<toml text>"
  printf '%s\n' "$2" >"$tmp/bad.toml"
  expect_reject "$tmp/bad.toml: .*$1" verify "$tmp/bad.toml"
  cp "$tmp/err" "$tmp/err1"
  "$bin" verify "$tmp/bad.toml" >/dev/null 2>"$tmp/err2"
  local rc=$?
  if [ "$rc" -eq 2 ] && cmp -s "$tmp/err1" "$tmp/err2"; then ok; else bad "second run: rc=$rc $(cat "$tmp/err2")"; fi
}
head='[symbols]
gamma = "0 < gamma < 2"
[family.P]
"V.yy" = "1"
"Q.xx" = "gamma*I"'
bad_file "line 1, column" '[setting'
bad_file "unknown key" "$head
[[statement]]
name = \"x\"
identiti = \"1 = 1\""
bad_file "unknown symbol 'beta'" "$head
[[statement]]
name = \"x\"
identity = \"risk(P, theta0, n) = beta\""
bad_file "unknown family 'G'" "$head
[[statement]]
name = \"x\"
identity = \"risk(G, theta0, n) = 1\""
bad_file "a block is MATRIX.RC" '[family.P]
"V.yz" = "1"
[[statement]]
name = "x"
identity = "1 = 1"'
bad_file "is a combination" '[family.P]
"Q.xx" = "theta0"
[[statement]]
name = "x"
identity = "1 = 1"'
bad_file "divides by zero" '[symbols]
c = "real"
[family.F]
"Q.00" = "1/c"
[[statement]]
name = "x"
sets = "risk(F, theta0, n)"
where = { c = "0", d = "2", s2 = "0" }'
bad_file "column 26" "$head
[[statement]]
name = \"x\"
identity = \"risk(P, theta0, n) = (1 +\""
bad_file "violates the assumption" "$head
[[statement]]
name = \"x\"
sets = \"risk(P, theta0, n)\"
where = { gamma = \"3\", d = \"2\", s2 = \"0\" }"
bad_file "give d, s2 in where" "$head
[[statement]]
name = \"x\"
sets = \"risk(P, theta0, n)\"
where = { gamma = \"1\" }"
expect_reject "claim file: cannot read '$tmp/missing.toml' (No such file or directory)" verify "$tmp/missing.toml"
expect_reject "--only: no statement" verify "$root/theorems/c2_full_finetuning.toml" --only "nothing here"

# table --claims: a family's exact curves, R_zs(1; 1, theta0) = 11/8 by THEORY.md's closed form
expect_json "j['rows'][1] == {'n': '1', 'theta0': '11/8', '-theta0': '19/8', 'sphere': '15/8'}" \
  table --claims "$root/theorems/c2_full_finetuning.toml" --family F --where "c=1,d=5,s2=1/10" --shots 0,1
expect_reject "give d a value" table --claims "$root/theorems/c2_full_finetuning.toml" --family F --where "c=1"
expect_reject "no family 'G'" table --claims "$root/theorems/c2_full_finetuning.toml" --family G
expect_reject "violates" table --claims "$root/theorems/c2_full_finetuning.toml" --family F --where "c=0,d=5,s2=0"
expect_reject "give --which NAME, --claims FILE --family NAME or --store S.sqlite --value PATH" table

echo "cli_claims: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
