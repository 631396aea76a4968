#!/usr/bin/env bash
# End-to-end tests of iclverify train and protocol: results, reproducibility across --threads,
# divergence (exit 3, one line naming the step, nothing on stdout), bad input (exit 2).
source "$(dirname "$0")/cli_lib.sh" "$1"

# Gradient flow from P(10/13) on the zero-shot loss ends at c* = 0.553435489618...
"$bin" train --trainer flow --loss zs --gamma 10/13 --format json >"$tmp/flow.json" 2>"$tmp/err" || bad "flow run: $(cat "$tmp/err")"
python3 - "$tmp/flow.json" <<'PY' && ok || bad "flow c != c*"
import json, sys, math
j = json.load(open(sys.argv[1]))
c = float(j["scale_free"]["c = (v_x.theta0)/v_y"])
g = 10 / 13
cs = math.sqrt((math.sqrt(25 * g**4 + 4) - 5 * g**2) / 2)
assert j["converged"] and abs(c - cs) < 1e-8, (c, cs)
h = [float(e["conserved"]) for e in j["history"]]
assert max(h) - min(h) < 1e-8, h
assert set(j) >= {"V", "Q", "theta0", "final_loss", "seconds", "history"}
PY

# Exact GD on the pretraining risk from a random start reaches gamma*(20) = 42/53.
g=$("$bin" train --trainer exact-gd --loss pretrain --lr 0.2 --steps 5000 --format json | python3 -c \
  'import json,sys; print(round(float(json.load(sys.stdin)["scale_free"]["gamma = v_y mean(Q_xx)"]), 6))')
[ "$g" = "0.792453" ] && ok || bad "pretrain GD gamma $g"

# SGD: same seed, 1 or 2 threads -> the same bytes (apart from the timing).
for t in 1 2; do
  "$bin" train --trainer sgd --loss zs+fs --update v --steps 30 --batch 600 --seed 4 --threads $t --format json |
    grep -v '"seconds"' >"$tmp/sgd$t.json"
done
cmp -s "$tmp/sgd1.json" "$tmp/sgd2.json" && ok || bad "sgd output depends on --threads"
"$bin" train --trainer sgd --loss pretrain --param separate --steps 5 --batch 300 --seed 4 --optimizer adam --quiet >/dev/null && ok || bad "sgd adam separate"

# Divergence: exit 3, one line naming the step, nothing on stdout.
expect_exit 3 "diverged at step" train --trainer exact-gd --loss pretrain --lr 100 --steps 100
expect_exit 3 "diverged at step" train --trainer sgd --loss pretrain --lr 1e6 --clip 0 --momentum 0 --steps 50 --batch 100

# Bad input: exit 2, one line naming the flag.
expect_exit 2 "--lr" train --trainer exact-gd --loss zs --lr -1
expect_exit 2 "--batch" train --trainer exact-gd --loss zs --batch 10
expect_exit 2 "--update q" train --trainer exact-gd --loss zs --update q
expect_exit 2 "--trainer flow" train --trainer flow --loss zs+fs
expect_exit 2 "--nft" train --trainer exact-gd --loss zs --nft 3
expect_exit 2 "--steps-pretrain" protocol --steps-pretrain 0
expect_exit 2 "--trainer" train --loss zs

# The protocol end to end at small sizes: 12 learned models, each with its curves.
"$bin" protocol --steps-pretrain 30 --steps-finetune 20 --batch 300 --format json >"$tmp/p.json" 2>"$tmp/err" || bad "protocol: $(cat "$tmp/err")"
python3 - "$tmp/p.json" <<'PY' && ok || bad "protocol json shape"
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["methods"]) == 12, len(j["methods"])
for m in j["methods"]:
    assert len(m["risk_target"]) == 41 and len(m["risk_opposite"]) == 41
PY

# The comparison protocol of L layers x H heads: nine models, per-head summaries, both layouts, curves
# with standard errors, the same bytes for 1 or 2 threads.
for t in 1 2; do
  "$bin" protocol --heads 2 --layers 2 --optimizer adam --steps-pretrain 10 --steps-finetune 10 --batch 300 \
    --eval-batch 50 --test-seeds 2 --max-shots 3 --threads $t --format json --quiet | grep -v '"seconds"' >"$tmp/a$t.json"
done
cmp -s "$tmp/a1.json" "$tmp/a2.json" && ok || bad "arch protocol output depends on --threads"
python3 - "$tmp/a1.json" <<'PY' && ok || bad "arch protocol json shape"
import json, sys
j = json.load(open(sys.argv[1]))
names = [m["name"] for m in j["methods"]]
assert names == ["pretrained", "zs", "both", "zs_q", "both_q", "zs_k", "both_k", "zs_v", "both_v"], names
pre = j["methods"][0]["parameters"]["layers"]
for m in j["methods"]:
    assert len(m["risk_target"]) == 4 and all(p["se"] > 0 for p in m["risk_opposite"])
    assert len(m["allparam"]) == 2 and len(m["allparam"][0]) == 2 and len(m["allparam"][0][0]) == 3
    assert len(m["scale_free"]) == 2 and len(m["scale_free"][1]) == 2
    for l, layer in enumerate(m["parameters"]["layers"]):
        for h, head in enumerate(layer["heads"]):
            for b in "VQK":
                if m["trains"] not in ("all", b.lower()):
                    assert head[b] == pre[l]["heads"][h][b], (m["name"], b)
PY
"$bin" train --trainer sgd --loss zs --update q --heads 2 --layers 2 --steps 5 --batch 200 --quiet >/dev/null && ok || bad "train --heads"
expect_exit 2 "--heads" protocol --heads 0
expect_exit 2 "--beta1" protocol --beta1 0.5
expect_exit 2 "--x-std" protocol --heads 2 --x-std 0
expect_exit 2 "--init" train --trainer sgd --loss zs --heads 2 --init pretrained

# --trainer exact-bfgs (issue 27): a two-layer file learned by SGD (--save-params), then value-only
# zero-shot fine-tuning on the exact risk to a certified stationary point. Q and K stay bit for bit, the
# saved end point's exact R(0) (risk --exact, the independent rational engine) is the printed final loss.
"$bin" train --trainer sgd --loss pretrain --layers 2 --heads 1 --d 1 --steps 30 --batch 200 --seed 3 --threads 1 \
  --quiet --save-params "$tmp/l2.json" >/dev/null && [ -s "$tmp/l2.json" ] && ok || bad "sgd --layers 2 --save-params"
"$bin" train --trainer exact-bfgs --loss zs --update v --init "$tmp/l2.json" --save-params "$tmp/v.json" \
  --format json >"$tmp/v_run.json" 2>"$tmp/err" || bad "exact-bfgs v: $(cat "$tmp/err")"
"$bin" risk --params "$tmp/v.json" --theta 1 --sigma2 1/10 --shots 0 --exact --format json >"$tmp/v_risk.json" 2>"$tmp/err" ||
  bad "risk --exact of the fine-tuned file: $(cat "$tmp/err")"
python3 - "$tmp/l2.json" "$tmp/v.json" "$tmp/v_run.json" "$tmp/v_risk.json" <<'PY' && ok || bad "exact-bfgs v: certificate, frozen Q and K, end loss"
import json, sys
from fractions import Fraction
pre, post, run, risk = (json.load(open(f)) for f in sys.argv[1:])
assert run["certified"] and run["gradient_norm_50"] < 1e-10, run
assert run["hessian_min"] > -1e-6 * run["hessian_max"], run
assert run["final_loss"] < run["start_loss"], run
assert run["moved"][0]["Q"] == 0 and run["moved"][1]["K"] == 0 and run["moved"][0]["V"] > 0, run["moved"]
for l in range(2):
    h0, h1 = pre["layers"][l]["heads"][0], post["layers"][l]["heads"][0]
    for b in "QK":
        assert [[Fraction(x) for x in r] for r in h0[b]] == [[Fraction(x) for x in r] for r in h1[b]], (l, b)
assert post["layers"][0]["heads"][0]["V"] != pre["layers"][0]["heads"][0]["V"]
r0 = float(Fraction(risk["rows"][0]["risk"]))
assert abs(r0 - float(run["final_loss_50"])) <= 1e-12 * r0, (r0, run["final_loss_50"])
PY
# Full fine-tuning on zs + fs (fixed weights 1, 1) from the same file: every block moves, certified.
expect_json 'j["certified"] and all(j["moved"][l][b] > 0 for l in range(2) for b in "VQK") and j["loss_terms"] == "R(0) + R(20) on theta0"' \
  train --trainer exact-bfgs --loss zs+fs --update all --init "$tmp/l2.json"
# The BFGS cap is honoured: one iteration (then at most 3 Newton steps) does not reach a certified point.
expect_json 'j["iterations"] == 1 and not j["certified"]' train --trainer exact-bfgs --loss zs --update all --steps 1 --init "$tmp/l2.json"

# Bad input for exact-bfgs: one line, exit 2, nothing written.
"$bin" train --trainer sgd --loss pretrain --layers 3 --heads 1 --d 1 --steps 2 --batch 50 --quiet --save-params "$tmp/l3.json" >/dev/null
"$bin" train --trainer sgd --loss pretrain --layers 2 --heads 1 --d 4 --steps 2 --batch 50 --quiet --save-params "$tmp/d4.json" >/dev/null
"$bin" train --trainer sgd --loss pretrain --layers 1 --heads 1 --d 1 --attention softmax --steps 2 --batch 50 --quiet \
  --save-params "$tmp/soft.json" >/dev/null
"$bin" train --trainer exact-gd --loss zs --d 1 --steps 2 --quiet --save-params "$tmp/merged.json" >/dev/null
for args in "L = 3|--init $tmp/l3.json" "d = 4|--init $tmp/d4.json" "softmax|--init $tmp/soft.json" \
  "merged heads|--init $tmp/merged.json --update q" "needs --init FILE|" "--lr|--init $tmp/l2.json --lr 0.1" \
  "--seed|--init $tmp/l2.json --seed 2" "--nft|--init $tmp/l2.json --nft 5" "--steps|--init $tmp/l2.json --steps -1" \
  "--init: cannot read '$tmp/missing.json'|--init $tmp/missing.json"; do
  needle=${args%%|*}
  # shellcheck disable=SC2086
  expect_exit 2 "$needle" train --trainer exact-bfgs --loss zs --save-params "$tmp/never.json" ${args#*|}
  [ ! -e "$tmp/never.json" ] && ok || bad "exact-bfgs bad input ($needle) wrote its --save-params file"
done
expect_exit 2 "--save-params" train --trainer exact-bfgs --loss zs --init "$tmp/l2.json" --save-params "$tmp/no/dir.json"

# An --init file of L x H heads needs no --layers/--heads: --trainer sgd trains it by the L x H trainer
# (its header names the file's L and H); the one-head trainers refuse it, naming the trainers that take it.
"$bin" train --trainer sgd --loss zs --update v --init "$tmp/l2.json" --steps 3 --batch 50 --quiet >"$tmp/out" 2>"$tmp/err" &&
  grep -q "layers=2 heads=1" "$tmp/out" && ok || bad "sgd --init L x H file without --layers: $(cat "$tmp/err")"
expect_reject "--init files of softmax attention or L x H heads) train with --trainer sgd only" \
  train --trainer exact-gd --loss zs --init "$tmp/l2.json" --steps 3
expect_reject "--init: cannot read '$tmp/missing.json'" train --trainer sgd --loss zs --init "$tmp/missing.json" --steps 3

finish
