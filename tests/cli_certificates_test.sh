#!/usr/bin/env bash
# Proof certificates (issue 29, docs/proof-certificates.md): `prove --export` writes one certificate
# per claim-file statement, the independent checker (checker/check_certificate.py) ACCEPTS every one;
# a certificate tampered in one place is REJECTED at the step that checks that place; malformed
# files are REJECTED with a reason (exit 1, no traceback); --export into a directory that cannot be
# made is one line, exit 2, nothing written.
source "$(dirname "$0")/cli_lib.sh" "$1"
checker="$(cd "$(dirname "$0")/.." && pwd)/checker/check_certificate.py"
theorems="$(cd "$(dirname "$0")/.." && pwd)/theorems"

# --- every statement of the paper's claim files: exported, all ACCEPTED ---
if "$bin" prove --only C1,C2,C4,C5,C6 --export "$tmp/certs" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "prove --export: $(cat "$tmp/err")"; fi
count=$(ls "$tmp/certs" | wc -l)
want=$(grep -c '^\[\[statement' "$theorems"/*.toml | awk -F: '{s += $2} END {print s}')
if [ "$count" -eq "$want" ]; then ok; else bad "prove --export wrote $count certificates, the claim files have $want statements"; fi
if grep -q "no certificate (written in C++" "$tmp/err" && grep -q "C1.threshold" "$tmp/err"; then ok; else bad "the C++ statements without certificates are not named: $(cat "$tmp/err")"; fi
if python3 "$checker" "$tmp"/certs/*.json >"$tmp/check" 2>"$tmp/err"; then ok; else bad "checker: $(grep -v ACCEPTED "$tmp/check") $(cat "$tmp/err")"; fi
if [ "$(grep -c '^ACCEPTED' "$tmp/check")" -eq "$want" ] && [ ! -s "$tmp/err" ]; then ok; else bad "not all ACCEPTED: $(head -c 600 "$tmp/check")"; fi

# --- verify FILE --export: the same certificates from a claim file on disk ---
if "$bin" verify "$theorems/c2_full_finetuning.toml" --only "R_zs on theta0" --export "$tmp/v" >/dev/null 2>&1 &&
   [ -f "$tmp/v/c2_full_finetuning.R_zs_on_theta0.json" ] &&
   python3 "$checker" --brief "$tmp/v/c2_full_finetuning.R_zs_on_theta0.json" | grep -q '^ACCEPTED  c2_full_finetuning.R_zs_on_theta0$' &&
   python3 "$checker" "$tmp/v/c2_full_finetuning.R_zs_on_theta0.json" | grep -q '(trusted: degree in d: + 2 .*degree in s2: + 2'; then ok
else bad "verify --export: $(ls "$tmp/v" 2>&1)"; fi

# a file with d and s2 given as numbers, a DECIDED limit, and a REFUTED identity (nothing to check)
cat >"$tmp/mine.toml" <<'TOML'
[setting]
d = 3
sigma2 = "0"
[symbols]
gamma = "0 < gamma < 2"
[family.P]
"V.yy" = "1"
"Q.xx" = "gamma*I"
[[statement]]
name = "R_pre"
identity = "risk(P, sphere, n) = 1 - 2*gamma*n/N + gamma^2*n*(n + 3 + 1)/N^2"
[[statement]]
name = "wrong"
identity = "risk(P, theta0, n) = 1 - 2*gamma*n/N + gamma^2*n*(n + 3 + 2)/N^2"
[[statement]]
name = "lim"
limit = "risk(P, -theta0, n)"
TOML
"$bin" verify "$tmp/mine.toml" --export "$tmp/mine" >/dev/null 2>&1
python3 "$checker" --brief "$tmp"/mine/*.json >"$tmp/check" 2>"$tmp/err"
if [ $? -eq 1 ] && grep -q '^ACCEPTED  mine.R_pre$' "$tmp/check" && grep -q '^ACCEPTED  mine.lim$' "$tmp/check" &&
   grep -q '^REJECTED .*mine.wrong.json  verdict: REFUTED: no proof to check' "$tmp/check"; then ok
else bad "numbers in the setting: $(cat "$tmp/check" "$tmp/err")"; fi

# tamper <certificate> <python statement over c> <expected step>: the changed certificate is
# REJECTED (exit 1) with "<step>:" in its line; the untouched one is ACCEPTED (so the change is what
# the checker caught).
tamper() {
  local file="$tmp/certs/$1" code="$2" step="$3"
  python3 - "$file" "$tmp/tampered.json" <<PY
import json, sys
from fractions import Fraction as Q
c = json.load(open(sys.argv[1]))
$code
json.dump(c, open(sys.argv[2], "w"))
PY
  python3 "$checker" "$file" >/dev/null 2>&1 || { bad "$1 is not ACCEPTED untouched"; return; }
  python3 "$checker" "$tmp/tampered.json" >"$tmp/check" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq 1 ] && grep -q "^REJECTED .* $step:" "$tmp/check" && [ ! -s "$tmp/err" ]; then ok
  else bad "tampered $1 ($code): rc=$rc, $(cat "$tmp/check" "$tmp/err") (want step '$step')"; fi
}
atom='c["parts"][0]["atoms"]["P|theta0"]'
# one coefficient of the fitted numerator
tamper C1.R_pre_on_theta0.json "t = $atom['numerator'][3]; t[-1] = str(Q(t[-1]) + 1)" "interpolation"
# one node value: the engine's exact value at one node (the numerator then misses it too; the model catches it first)
tamper C1.R_pre_on_theta0.json "v = $atom['values']; v[7] = str(Q(v[7]) + Q(1, 10**6))" "node values"
# one degree bound: the shots axis claimed of degree 1
tamper C1.R_pre_on_theta0.json "$atom['variables'][-1]['degree'] = 1" "degree bounds"
# a symbol's bound below 2 h_v + 2 h_M
tamper C1.R_pre_on_theta0.json "[x for x in $atom['variables'] if x['name'] == 'gamma'][0]['degree'] = 1" "degree bounds"
# one task sign: the atom's task flipped (R_zs differs on theta0 and -theta0)
tamper C2.R_zs_on_theta0.json 'c["parts"][0]["atoms"]["F|theta0"]["task"] = "-theta0"' "node values"
# one end of an isolating interval moved past its root
tamper 'C2.worse_set_on_theta0_at_gamma___10_13.json' 'r = c["parts"][0]["sign_polynomial"]["real_roots"][-1]; r["hi"] = r["lo"]' "isolating intervals"
# a sign run that claims one more n
tamper 'C2.worse_set_on_theta0_at_gamma___10_13.json' 'r = c["parts"][0]["runs"]; r[0]["hi"] += 1; r[1]["lo"] += 1; r[1]["sample"] += 1' "sign runs"
# the statement's expected sets changed
tamper 'C2.worse_set_on_theta0_at_gamma___10_13.json' 'c["statement"]["expect"]["positive"] = [[3, None]]' "sets"
# the sets as printed (a DECIDED statement's answer) changed
tamper 'C2.worse_set_on_theta0_at_gamma___10_13.json' 'c["sets"]["positive"] = [[3, None]]' "sets"
# the limit as printed changed
tamper C2.collapse_on_theta0.json 'c["limit"]["value"] = "s2+2"' "limit"
# a family block changed (the values then belong to another family)
tamper C1.R_pre_on_theta0.json 'c["families"]["P"]["blocks"]["Q.xx"] = "2*gamma*I"' "family"
# identity: the right side changed
tamper C1.R_pre_on_theta0.json 'c["statement"]["right"] = c["statement"]["right"].replace("1 + s2", "1 + 2*s2", 1)' "identity"
# limit: the limit changed
tamper C2.collapse_on_theta0.json 'c["parts"][0]["limit"] = "1+2*s2"' "limit"
# stationary: the point moved
tamper C5.w__n__is_stationary.json 'p = c["parts"][0]; p["at"] = "(" + p["at"] + ")+1"' "stationary"

# --- malformed certificates: REJECTED with the reason, exit 1, never a traceback ---
good="$tmp/certs/C1.R_pre_on_theta0.json"
head -c 2000 "$good" >"$tmp/truncated.json"
: >"$tmp/empty.json"
python3 -c "import json; c = json.load(open('$good')); c['format_version'] = 99; json.dump(c, open('$tmp/version.json', 'w'))"
python3 -c "import json; c = json.load(open('$good')); del c['parts'][0]['atoms']['P|theta0']['values']; json.dump(c, open('$tmp/missing.json', 'w'))"
python3 -c "import json; c = json.load(open('$good')); c['parts'][0]['atoms']['P|theta0']['values'][0] = 'x/0'; json.dump(c, open('$tmp/badvalue.json', 'w'))"
echo '[1, 2]' >"$tmp/list.json"
for f in truncated empty version missing badvalue list nonexistent; do
  python3 "$checker" "$tmp/$f.json" >"$tmp/check" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -eq 1 ] && grep -q "^REJECTED" "$tmp/check" && [ "$(wc -l <"$tmp/check")" -eq 1 ] && [ ! -s "$tmp/err" ]; then ok
  else bad "malformed $f: rc=$rc $(cat "$tmp/check" "$tmp/err")"; fi
done
if grep -q "unknown format version 99" <(python3 "$checker" "$tmp/version.json"); then ok; else bad "version reason"; fi
# one bad certificate among good ones: exit 1, the good ones still ACCEPTED
python3 "$checker" "$good" "$tmp/version.json" >"$tmp/check" 2>&1
if [ $? -eq 1 ] && [ "$(grep -c '^ACCEPTED' "$tmp/check")" -eq 1 ]; then ok; else bad "mixed: $(cat "$tmp/check")"; fi

# 120 seeded random corruptions (a field deleted, a value of another type, a truncation) of three
# certificates: each is one line, ACCEPTED only if the change did not matter, never a traceback or a hang
if timeout 600 python3 - "$checker" "$tmp/certs" <<'PY' >"$tmp/fuzz" 2>&1; then ok; else bad "corruptions: $(tail -5 "$tmp/fuzz")"; fi
import copy, json, random, subprocess, sys
checker, d = sys.argv[1], sys.argv[2]
base = [json.load(open(f"{d}/{n}.json")) for n in ("C1.threshold_sets", "C1.R_pre_on_theta0", "C2.collapse_on_theta0")]
def paths(o, p=()):
    yield p
    for k, v in (o.items() if isinstance(o, dict) else enumerate(o) if isinstance(o, list) else ()):
        yield from paths(v, p + (k,))
junk = [None, 0, -1, "x", [], {}, 1e300, "1/0", 10**30, "((((", "n^100000", "2^(-70)", True]
rng = random.Random(29)
for i in range(120):
    c = copy.deepcopy(rng.choice(base))
    p = rng.choice(list(paths(c))[1:])
    parent = c
    for k in p[:-1]:
        parent = parent[k]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[p[-1]]
    else:
        parent[p[-1]] = rng.choice(junk)
    text = json.dumps(c)
    open(f"{d}/../fuzz.json", "w").write(text[: rng.randrange(len(text))] if rng.random() < 0.1 else text)
    r = subprocess.run([sys.executable, checker, f"{d}/../fuzz.json"], capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1) or r.stderr or len(r.stdout.splitlines()) != 1:
        sys.exit(f"corruption {i} at {p}: rc {r.returncode}, {r.stdout} {r.stderr}")
PY

# --- --export into a directory that cannot be made: one line, exit 2, nothing written ---
: >"$tmp/a_file"
expect_reject "--export: cannot create directory" prove --only C1.R_pre_on_theta0 --export "$tmp/a_file/sub"
expect_reject "--export: cannot create directory" verify "$theorems/c1_pretraining.toml" --export "$tmp/a_file/sub"
if [ ! -e "$tmp/a_file/sub" ]; then ok; else bad "something was written under a file"; fi
finish
