#!/usr/bin/env bash
# End-to-end tests of LoRA in iclverify train (docs/beyond.md#lora-adapters): the learned file holds
# the merged W = W0 + (alpha/r) B A exactly and the factors, every reader takes it, the same seed gives
# the same run, and bad LoRA flags are one line, exit 2, nothing written.
source "$(dirname "$0")/cli_lib.sh" "$1"

# Rank-one value LoRA from P(42/53), d = 5, exact gradient flow: C4's b = 1/(d+4), w moved off gamma.
"$bin" train --trainer flow --loss zs --lora-targets v --lora-rank 1 --tol 1e-8 --quiet --format json \
  --save-params "$tmp/v1.json" >"$tmp/v1.out" 2>"$tmp/err" || bad "lora flow run: $(cat "$tmp/err")"
python3 - "$tmp/v1.out" "$tmp/v1.json" <<'PY' && ok || bad "lora v rank 1: end point or file"
import json, sys
from fractions import Fraction as F
out, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert out["converged"] and out["update"] == "all" and out["lora"]["rank"] == 1, out.keys()
assert abs(float(out["scale_free"]["b = mean(Q_xx) (v_x.theta0)"]) - 1 / 9) < 1e-8
assert abs(float(out["final_loss"]) - (2 / 9 + 0.1)) < 1e-12
lo = f["lora"]
assert lo["targets"] == "v" and lo["rank"] == 1 and lo["alpha"] == "2"
s = F(lo["alpha"]) / lo["rank"]
A = [[F(x) for x in r] for r in lo["A"]["V"]]
B = [[F(x) for x in r] for r in lo["B"]["V"]]
V = [[F(x) for x in r] for r in f["V"]]
D = 7
W0 = [[F(int(i == j == D - 1)) for j in range(D)] for i in range(D)]
for i in range(D):
    for j in range(D):
        assert V[i][j] == W0[i][j] + s * sum(B[i][k] * A[k][j] for k in range(1)), (i, j)
# A's label entry never moved; w = gamma (1 + s beta a_y) != gamma
assert V[D - 1][D - 1] != 1
assert all(F(x) == F(y) for x, y in zip(f["Q"][1], ["0", "42/53", "0", "0", "0", "0", "0"]))
PY

# Every reader takes the file: risk, diagnose (verdict line), train --init FILE.
"$bin" risk --params "$tmp/v1.json" --sigma2 1/10 --theta 1,0,0,0,0 --shots 0 >"$tmp/risk" 2>"$tmp/err" && grep -q . "$tmp/risk" && ok ||
  bad "risk --params of a LoRA file: $(cat "$tmp/err")"
printf '{"V": [[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,1]],
 "Q": [[0,0,0,0,0,0,0],[0,"42/53",0,0,0,0,0],[0,0,"42/53",0,0,0,0],[0,0,0,"42/53",0,0,0],[0,0,0,0,"42/53",0,0],[0,0,0,0,0,"42/53",0],[0,0,0,0,0,0,0]]}\n' >"$tmp/pre.json"
"$bin" diagnose --pre "$tmp/pre.json" --post "$tmp/v1.json" >"$tmp/dx" 2>"$tmp/err" && grep -q '^verdict *preserved' "$tmp/dx" && ok ||
  bad "diagnose of rank-one value LoRA: $(head -3 "$tmp/dx") $(cat "$tmp/err")"

# PEFT's {q, v} at d = 2: exact GD moves Q and V; the same seed gives the same bytes, another seed not.
for s in 3 3 4; do
  "$bin" train --trainer exact-gd --loss zs --d 2 --lora-targets q,v --lora-rank 2 --lora-alpha 4 --lr 0.01 --steps 50 \
    --seed $s --quiet --format json | grep -v '"seconds"' >"$tmp/qv$s.$RANDOM.json"
done
[ "$(cat "$tmp"/qv3.*.json | md5sum)" != "" ] && [ "$(ls "$tmp"/qv3.*.json | wc -l)" -eq 2 ] &&
  cmp -s $(ls "$tmp"/qv3.*.json) && ok || bad "lora exact-gd is not reproducible for one seed"
cmp -s "$(ls "$tmp"/qv3.*.json | head -1)" "$(ls "$tmp"/qv4.*.json)" && bad "lora seeds 3 and 4 gave the same run" || ok
expect_json 'j["lora"]["scale"] == "2" and set(j["lora"]["A"]) == {"V", "Q"} and float(j["final_loss"]) < 1.1' \
  train --trainer exact-gd --loss zs --d 2 --lora-targets qv --lora-rank 2 --lora-alpha 4 --lr 0.01 --steps 50 --quiet
# Separate parameterization: k is a target there.
expect_json 'set(j["lora"]["A"]) == {"V", "Qsep", "K"}' \
  train --trainer exact-gd --loss zs --d 2 --param separate --lora-targets qkv --lr 0.01 --steps 5 --quiet

# The authors' SGD protocol through adapters: the same bytes for 1 and 2 threads; the base is frozen.
for t in 1 2; do
  "$bin" train --trainer sgd --loss zs+fs --lora-targets qv --lora-rank 2 --steps 40 --batch 600 --seed 5 \
    --threads $t --quiet --format json | grep -v '"seconds"' >"$tmp/sgd$t.json"
done
cmp -s "$tmp/sgd1.json" "$tmp/sgd2.json" && ok || bad "sgd lora output depends on --threads"
python3 - "$tmp/sgd1.json" <<'PY' && ok || bad "sgd lora: factors or merged matrices"
import json, sys
j = json.load(open(sys.argv[1]))
lo = j["lora"]
assert set(lo["A"]) == {"V", "Q"} and len(lo["A"]["Q"]) == 2 and len(lo["B"]["V"][0]) == 2
assert any(float(x) != 0 for r in lo["B"]["Q"] for x in r)  # B left 0: the adapters moved
# merged V = W0 + scale B A on the value row, to double rounding
s = float(lo["scale"])
A, B = [[float(x) for x in r] for r in lo["A"]["V"]], [[float(x) for x in r] for r in lo["B"]["V"]]
row = [float(x) for x in j["V"][-1]]
for c in range(7):
    w0 = 1.0 if c == 6 else 0.0
    assert abs(row[c] - (w0 + s * sum(B[6][k] * A[k][c] for k in range(2)))) < 1e-12, c
PY

# The protocol's LoRA methods (--lora-rank): six more runs, the first twelve unchanged.
expect_json '[m["name"] for m in j["methods"]][-6:] == ["zs lora_v", "zs lora_qv", "zs lora_qkv (separate)", "zs+fs lora_v", "zs+fs lora_qv", "zs+fs lora_qkv (separate)"] and len(j["methods"]) == 18' \
  protocol --steps-pretrain 60 --steps-finetune 20 --batch 300 --lora-rank 2 --quiet
"$bin" protocol --steps-pretrain 60 --steps-finetune 20 --batch 300 --quiet --format json | grep -v '"seconds"' >"$tmp/p12.json"
"$bin" protocol --steps-pretrain 60 --steps-finetune 20 --batch 300 --lora-rank 2 --quiet --format json | grep -v '"seconds"' >"$tmp/p18.json"
python3 - "$tmp/p12.json" "$tmp/p18.json" <<'PY' && ok || bad "protocol --lora-rank changed the other methods"
import json, sys
a, b = json.load(open(sys.argv[1]))["methods"], json.load(open(sys.argv[2]))["methods"]
assert a == b[:12]
PY
expect_reject "--lora-rank" protocol --lora-rank 0
expect_reject "--lora-rank" protocol --lora-rank 8
expect_reject "--lora-alpha" protocol --lora-rank 1 --lora-alpha 0
expect_reject "--lora-alpha applies" protocol --lora-alpha 2
expect_reject "--lora-rank/--lora-alpha" protocol --heads 2 --lora-rank 1

# Bad input: one line naming the option, exit 2, nothing written.
save=(--save-params "$tmp/never.json")
expect_reject "--lora-rank" train --trainer flow --loss zs --lora-targets v --lora-rank 0 "${save[@]}"
expect_reject "--lora-rank" train --trainer flow --loss zs --lora-targets v --lora-rank 8 "${save[@]}"
expect_reject "--lora-targets: 'x'" train --trainer flow --loss zs --lora-targets qx "${save[@]}"
expect_reject "--lora-targets: k: a merged point" train --trainer flow --loss zs --lora-targets k "${save[@]}"
expect_reject "--lora-alpha" train --trainer flow --loss zs --lora-targets v --lora-alpha 0 "${save[@]}"
expect_reject "--lora-alpha" train --trainer flow --loss zs --lora-targets v --lora-alpha -1/2 "${save[@]}"
expect_reject "--lora-rank applies to --lora-targets" train --trainer flow --loss zs --lora-rank 2 "${save[@]}"
expect_reject "--update with --lora-targets" train --trainer flow --loss zs --lora-targets v --update v "${save[@]}"
expect_reject "--lora-targets" train --trainer sgd --loss zs --heads 2 --lora-targets v
expect_reject "--save-params: the directory" train --trainer flow --loss zs --lora-targets v --save-params "$tmp/no/such/dir/x.json"
[ ! -e "$tmp/never.json" ] && ok || bad "a rejected run wrote its --save-params file"

finish
