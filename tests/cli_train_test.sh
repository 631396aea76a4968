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

finish
