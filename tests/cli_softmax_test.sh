#!/usr/bin/env bash
# End-to-end tests of softmax attention (issue 28; docs/beyond.md#softmax-attention): parameter files
# with "attention": "softmax" written by train and protocol and read by risk --mc, train --init,
# diagnose; the same output for any --threads; every exact command refuses a softmax file (one line,
# exit 2, nothing on stdout), and "attention" with another value is named.
source "$(dirname "$0")/cli_lib.sh" "$1"

field() { python3 -c "import json,sys; j=json.load(open('$1')); json.dump(j$2, open('$3', 'w'))"; }

# A small softmax model (d = 2, L = 1, H = 2) pretrained for a few steps, then zero-shot fine-tuned.
"$bin" train --trainer sgd --loss pretrain --attention softmax --heads 2 --d 2 --steps 30 --batch 300 --seed 3 \
  --format json --quiet >"$tmp/pre_run.json" 2>"$tmp/err" && ok || bad "train --attention softmax: $(cat "$tmp/err")"
field "$tmp/pre_run.json" '["parameters"]' "$tmp/pre.json"
expect_json 'j["attention"] == "softmax" and j["heads"] == 2' \
  train --trainer sgd --loss pretrain --attention softmax --heads 2 --d 2 --steps 3 --batch 50 --quiet
python3 -c "import json; j=json.load(open('$tmp/pre.json')); assert j['attention'] == 'softmax' and len(j['layers'][0]['heads']) == 2" \
  && ok || bad "the parameters say attention softmax"

# train --init FILE continues the softmax model (the file says softmax: no flag needed); threads do not matter.
for t in 1 2; do
  "$bin" train --trainer sgd --loss zs+fs --nft 4 --init "$tmp/pre.json" --steps 6 --batch 600 --seed 5 --threads $t \
    --format json --quiet >"$tmp/post_run$t.json" 2>"$tmp/err" || bad "train --init softmax file: $(cat "$tmp/err")"
done
python3 - "$tmp" <<'PY' && ok || bad "train --init: same parameters for --threads 1 and 2, attention softmax, d from the file"
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/post_run{t}.json")) for t in (1, 2))
assert a["parameters"] == b["parameters"] and a["final_loss"] == b["final_loss"]
assert a["attention"] == "softmax" and a["d"] == 2 and a["init"].endswith("pre.json")
PY
field "$tmp/post_run1.json" '["parameters"]' "$tmp/post.json"

# risk --mc: a Monte Carlo estimate with its standard error, no exact column; the same for any --threads.
expect_json 'j["attention"] == "softmax" and j["precision"].startswith("none") and all("risk" not in r and r["mc_se"] > 0 for r in j["rows"]) and [r["n"] for r in j["rows"]] == [0, 5]' \
  risk --params "$tmp/pre.json" --theta 1,0 --sigma2 1/10 --shots 0,5 --mc 4000
one=$("$bin" risk --params "$tmp/pre.json" --task sphere --sigma2 1/10 --shots 0,3 --mc 5000 --threads 1)
two=$("$bin" risk --params "$tmp/pre.json" --task sphere --sigma2 1/10 --shots 0,3 --mc 5000 --threads 2)
[ -n "$one" ] && [ "$one" = "$two" ] && ok || bad "risk --mc differs with --threads: $one / $two"
grep -q "softmax attention" <<<"$one" && ok || bad "risk's header names softmax attention: $one"

# Exact commands and options refuse a softmax file.
expect_reject "give --mc SAMPLES" risk --params "$tmp/pre.json" --theta 1,0 --sigma2 1/10 --shots 0
expect_reject '"attention": "softmax": --exact' risk --params "$tmp/pre.json" --theta 1,0 --sigma2 1/10 --shots 0 --mc 100 --exact
expect_reject '"attention": "softmax": --digits' risk --params "$tmp/pre.json" --theta 1,0 --sigma2 1/10 --shots 0 --mc 100 --digits 30
expect_reject "softmax attention has no exact engine" curve --params "$tmp/pre.json" --theta 1,0 --sigma2 1/10 --symbolic
expect_reject "softmax attention has no exact engine" grad --params "$tmp/pre.json" --sigma2 1/10 --loss zs
expect_reject "softmax attention has no exact engine" compare "$tmp/pre.json" "$tmp/post.json" --sigma2 1/10 --task target
expect_reject "--trainer sgd only" train --trainer flow --loss zs --init "$tmp/pre.json"
expect_reject "--attention: linear does not match" train --trainer sgd --loss zs --attention linear --init "$tmp/pre.json" --steps 1

# "attention" with another value, or outside the layers layout, is named.
python3 - "$tmp" <<'PY'
import json, sys
j = json.load(open(f"{sys.argv[1]}/pre.json"))
j["attention"] = "cosine"
json.dump(j, open(f"{sys.argv[1]}/cosine.json", "w"))
j["attention"] = 1
json.dump(j, open(f"{sys.argv[1]}/number.json", "w"))
z = [[0] * 4 for _ in range(4)]
json.dump({"attention": "softmax", "V": z, "Q": z}, open(f"{sys.argv[1]}/onehead.json", "w"))
PY
expect_reject 'attention: "cosine" is not "linear" or "softmax"' risk --params "$tmp/cosine.json" --theta 1,0 --sigma2 0 --shots 0 --mc 10
expect_reject 'attention: "1" is not' diagnose --pre "$tmp/number.json" --post "$tmp/post.json"
expect_reject "attention: belongs at the top of the layers layout" risk --params "$tmp/onehead.json" --theta 1,0 --sigma2 0 --shots 0 --mc 10
expect_reject "--attention" protocol --attention cosine --heads 2

# diagnose: Monte Carlo (flagged) for softmax, no family fit; a linear pre against a softmax post is refused.
expect_json 'j["engine"] == "monte carlo" and j["attention"] == "softmax" and j["nearest"]["family"] == "none" and j["retention"]["theta0"]["gain_pre"]["se"] > 0' \
  diagnose --pre "$tmp/pre.json" --post "$tmp/post.json" --theta0 1,0 --mc 2000 --limit-shots 30 --shots 0,5
python3 -c "import json; j=json.load(open('$tmp/pre.json')); del j['attention']; json.dump(j, open('$tmp/linear.json', 'w'))"
expect_reject "differ in attention" diagnose --pre "$tmp/linear.json" --post "$tmp/post.json"

# protocol --attention softmax: Monte Carlo curves; with one layer the zero-shot loss never moves Q or K
# (the query attends to itself alone: softmax = 1), so zs_q and zs_k end where pretraining did.
"$bin" protocol --attention softmax --steps-pretrain 20 --steps-finetune 5 --batch 200 --eval-batch 200 --test-seeds 1 \
  --max-shots 2 --seed 2 --format json --quiet --save-params "$tmp/saved" >"$tmp/proto.json" 2>"$tmp/err" \
  && ok || bad "protocol --attention softmax: $(cat "$tmp/err")"
python3 - "$tmp" <<'PY' && ok || bad "protocol --attention softmax: fields, zs_q = zs_k = pretrained, saved files say softmax"
import json, sys, os
j = json.load(open(f"{sys.argv[1]}/proto.json"))
assert j["attention"] == "softmax" and j["risk_engine"] == "monte carlo" and len(j["methods"]) == 9
m = {x["name"]: x for x in j["methods"]}
for name in ("zs_q", "zs_k"):
    assert m[name]["parameters"] == m["pretrained"]["parameters"], name
assert m["zs_v"]["parameters"] != m["pretrained"]["parameters"]
assert all(p["se"] > 0 for p in m["zs"]["risk_target"])
saved = json.load(open(f"{sys.argv[1]}/saved/zs-v.json"))
assert saved["attention"] == "softmax"
PY
expect_json 'j["engine"] == "monte carlo" and j["attention"] == "softmax"' \
  diagnose --pre "$tmp/saved/pretrained.json" --post "$tmp/saved/zs-v.json" --theta0 1,0,0,0,0 --mc 500 --limit-shots 20 --shots 0

finish
