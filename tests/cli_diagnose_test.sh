#!/usr/bin/env bash
# End-to-end tests of iclverify diagnose: verdicts and JSON fields on closed-form points, two layers
# exact (d <= 3), the Monte Carlo path of three layers, the protocol's learned models (protocol --save-params), and bad input
# (one line on stderr, exit 2, nothing on stdout).
source "$(dirname "$0")/cli_lib.sh" "$1"

# d = 2, s2 = 1/10: P(gamma*(20)) = P(105/116) and F(1) along e_1 (THEORY.md section 3).
cat >"$tmp/pre.json" <<'EOF'
{"V": [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,1]],
 "Q": [[0,0,0,0],[0,"105/116",0,0],[0,0,"105/116",0],[0,0,0,0]]}
EOF
cat >"$tmp/full.json" <<'EOF'
{"V": [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,1,0,1]],
 "Q": [[1,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]]}
EOF
# V(theta0/(d+4), gamma) along e_2: value-only zero-shot fine-tuning (C4).
cat >"$tmp/value.json" <<'EOF'
{"V": [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,"1/6","105/116"]],
 "Q": [[0,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,0]]}
EOF
cat >"$tmp/d3.json" <<'EOF'
{"V": [[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,1]],
 "Q": [[0,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,0]]}
EOF
printf '{"V": [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,NaN]], "Q": [[0,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,0]]}\n' >"$tmp/nan.json"
# Two layers: P(105/116), then a layer with V = 0 (the identity); three layers: two such layers.
python3 - "$tmp" <<'PY'
import json, sys
z = [[0] * 4 for _ in range(4)]
eye = [[int(i == j) for j in range(4)] for i in range(4)]
pre = json.load(open(sys.argv[1] + "/pre.json"))
full = json.load(open(sys.argv[1] + "/full.json"))
for name, first in (("pre2", pre), ("full2", full)):
    json.dump({"layers": [{"heads": [first]}, {"heads": [{"V": z, "Q": eye}]}]}, open(f"{sys.argv[1]}/{name}.json", "w"))
    json.dump({"layers": [{"heads": [first]}] + [{"heads": [{"V": z, "Q": eye}]}] * 2},
              open(f"{sys.argv[1]}/{name[:-1]}3.json", "w"))
PY

# F(1): collapsed, rho = 0 exactly on every task, worse on theta0 from n0, zero-shot change -1, F(c) with c = 1.
expect_json 'j["verdict"] == "collapsed" and all(j["retention"][t]["rho"]["exact"] == "0" for t in ("theta0", "-theta0", "sphere")) and j["zero_shot_change"]["exact"] == "-1" and j["nearest"]["family"] == "F(c)" and j["families"][0]["parameters"]["c"]["exact"] == "1" and j["theta0"]["source"] == "inferred" and j["theta0"]["exact"] == ["1", "0"] and j["tasks"]["theta0"]["sets_exact"] and j["tasks"]["-theta0"]["worse"][0][0] == 0 and j["engine"] == "exact" and j["pre"].endswith("pre.json")' \
  diagnose --pre "$tmp/pre.json" --post "$tmp/full.json"
# The sets are compare's (the one-head engine, an independent derivation) on every task.
for pair in target:theta0 opposite:-theta0 sphere:sphere; do
  task=${pair%%:*} key=${pair#*:}
  "$bin" compare "$tmp/full.json" pretrained:m=20 --task "$task" --sigma2 1/10 --format json >"$tmp/cmp.json" &&
    "$bin" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --theta0 1,0 --format json >"$tmp/dg.json" &&
    python3 - "$tmp" "$key" <<'PY' && ok || bad "diagnose sets differ from compare on $task"
import json, sys
c = json.load(open(sys.argv[1] + "/cmp.json")); t = json.load(open(sys.argv[1] + "/dg.json"))["tasks"][sys.argv[2]]
assert (c["worse"], c["equal"], c["better"]) == (t["worse"], t["equal"], t["better"]), (c, t)
PY
done
# post = pre: preserved, rho = 1, never worse; theta0 given.
expect_json 'j["verdict"] == "preserved" and all(j["retention"][t]["rho"]["exact"] == "1" for t in ("theta0", "-theta0", "sphere")) and j["tasks"]["sphere"]["worse"] == [] and j["tasks"]["sphere"]["equal"] == [[0, None]] and j["theta0"]["source"] == "given"' \
  diagnose --pre "$tmp/pre.json" --post "$tmp/pre.json" --theta0 3/5,4/5
# Value-only along e_2, theta0 inferred as e_2; a non-unit --theta0 is normalized exactly (3,4 -> 3/5,4/5).
expect_json 'j["verdict"] == "preserved" and j["theta0"]["exact"] == ["0", "1"] and j["nearest"]["family"] == "V(b,w)"' \
  diagnose --pre "$tmp/pre.json" --post "$tmp/value.json"
expect_json 'j["theta0"]["exact"] == ["3/5", "4/5"] and j["theta0"]["unit_exact"]' \
  diagnose --pre "$tmp/pre.json" --post "$tmp/value.json" --theta0 3,4
expect_json 'j["theta0"]["unit_exact"] == False and abs(j["theta0"]["decimal"][0] - 2**-0.5) < 1e-15' \
  diagnose --pre "$tmp/pre.json" --post "$tmp/value.json" --theta0 1,1
# The table: verdict line and the exact sets.
out=$("$bin" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" 2>"$tmp/err")
rc=$?
[ "$rc" -eq 0 ] && echo "$out" | grep -q '^verdict         collapsed: ' && echo "$out" | grep -q 'theta0   n in \[1, inf)' && ok ||
  bad "diagnose table: rc=$rc $out $(cat "$tmp/err")"
"$bin" diagnose --help | grep -q -- "--theta0" && ok || bad "diagnose --help"
# Two layers at d = 2: exact (the two-layer engine), and with an identity second layer the same rationals
# as the one-layer diagnosis (an independent engine): retention, limits and sets on every task.
"$bin" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --format json >"$tmp/one.json" &&
  "$bin" diagnose --pre "$tmp/pre2.json" --post "$tmp/full2.json" --format json >"$tmp/two.json" &&
  python3 - "$tmp" <<'PY' && ok || bad "two-layer diagnosis differs from the one-layer one"
import json, sys
one, two = (json.load(open(f"{sys.argv[1]}/{n}.json")) for n in ("one", "two"))
assert two["engine"] == "exact" and two["layers"] == 2 and two["verdict"] == one["verdict"] == "collapsed"
for t in ("theta0", "-theta0", "sphere"):
    a, b = one["tasks"][t], two["tasks"][t]
    assert b["sets_exact"] and (a["worse"], a["equal"], a["better"]) == (b["worse"], b["equal"], b["better"]), t
    assert b["pre"]["denominator_power"] == 8 and a["pre"]["denominator_power"] == 2
    for m in ("pre", "post"):
        assert a[m]["limit"]["exact"] == b[m]["limit"]["exact"] and a[m]["zero_shot"] == b[m]["zero_shot"], (t, m)
        assert [x["exact"] for x in a[m]["risk"]] == [x["exact"] for x in b[m]["risk"]], (t, m)
    assert one["retention"][t] == two["retention"][t], t
PY
# Three layers: Monte Carlo, flagged, seeded (same seed, same output for 1 and 2 threads).
expect_json 'j["engine"] == "monte carlo" and not j["tasks"]["theta0"]["sets_exact"] and j["tasks"]["theta0"]["worse"] is None and isinstance(j["tasks"]["theta0"]["worse_mc"], list) and j["retention"]["theta0"]["rho"]["se"] > 0 and j["verdict"] == "collapsed" and j["nearest"]["family"] == "none"' \
  diagnose --pre "$tmp/pre3.json" --post "$tmp/full3.json" --mc 3000 --limit-shots 100 --shots 0,5
a=$("$bin" diagnose --pre "$tmp/pre3.json" --post "$tmp/full3.json" --mc 2000 --shots 0 --limit-shots 50 --seed 4 --threads 1)
b=$("$bin" diagnose --pre "$tmp/pre3.json" --post "$tmp/full3.json" --mc 2000 --shots 0 --limit-shots 50 --seed 4 --threads 2)
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "diagnose Monte Carlo depends on --threads"

# Bad input: one line, exit 2, nothing on stdout.
expect_reject "differ in shape" diagnose --pre "$tmp/pre.json" --post "$tmp/d3.json"
expect_reject "differ in shape" diagnose --pre "$tmp/pre.json" --post "$tmp/pre2.json"
expect_reject "--theta0: has 1 entries" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --theta0 1
expect_reject "--theta0: '0,0' is the zero vector" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --theta0 0,0
expect_reject "--theta0" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --theta0 nan,1
expect_reject "nan.json" diagnose --pre "$tmp/pre.json" --post "$tmp/nan.json"
expect_reject "--pre: cannot read '$tmp/missing.json'" diagnose --pre "$tmp/missing.json" --post "$tmp/full.json"
expect_reject "--post: cannot read '$tmp/missing.json'" diagnose --pre "$tmp/full.json" --post "$tmp/missing.json"
expect_reject "--post" diagnose --pre "$tmp/pre.json"
expect_reject "--mc applies to the Monte Carlo path" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --mc 100
expect_reject "--sigma2" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --sigma2 -1
expect_reject "--format" diagnose --pre "$tmp/pre.json" --post "$tmp/full.json" --format csv
expect_reject "--save-params" protocol --steps-pretrain 1 --steps-finetune 1 --batch 10 --quiet --save-params /proc/none

# The protocol's learned models (small budget): every model saved, and diagnose gives each of the six
# paper methods a verdict, the same as at the paper's sizes (docs/diagnose.md, section 7): zero-shot
# all and kq collapse ICL (C2, C6), zero-shot v preserves it (C4), every zs+fs run specializes (C5).
"$bin" protocol --steps-pretrain 300 --steps-finetune 300 --batch 500 --seed 1 --quiet --save-params "$tmp/learned" \
  >/dev/null 2>"$tmp/err" || bad "protocol --save-params: $(cat "$tmp/err")"
[ "$(ls "$tmp/learned" | wc -l)" -eq 12 ] && ok || bad "protocol --save-params wrote $(ls "$tmp/learned")"
for m in zs-all zs-v zs-kq zs-fs-all zs-fs-v zs-fs-kq; do
  "$bin" diagnose --pre "$tmp/learned/pretrained-merged.json" --post "$tmp/learned/$m.json" --theta0 1,0,0,0,0 \
    --format json >"$tmp/$m.json" 2>"$tmp/err" || bad "diagnose $m: $(cat "$tmp/err")"
done
python3 - "$tmp" <<'PY' && ok || bad "protocol verdicts"
import json, sys
v = {m: json.load(open(f"{sys.argv[1]}/{m}.json"))["verdict"] for m in
     ("zs-all", "zs-v", "zs-kq", "zs-fs-all", "zs-fs-v", "zs-fs-kq")}
assert all(x in ("collapsed", "preserved", "specialized", "degraded") for x in v.values()), v
assert v == {"zs-all": "collapsed", "zs-v": "preserved", "zs-kq": "collapsed", "zs-fs-all": "specialized",
             "zs-fs-v": "specialized", "zs-fs-kq": "specialized"}, v
PY

finish
