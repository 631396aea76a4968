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

finish
