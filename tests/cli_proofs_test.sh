#!/usr/bin/env bash
# End-to-end tests of `iclverify compare`, `curve --symbolic` and `prove`: hand-checkable
# comparisons, output shapes, and bad input (one line on stderr, exit 2, nothing on stdout).
source "$(dirname "$0")/cli_lib.sh" "$1"

P="--d 5 --sigma2 1/10"

# compare: a model against itself is equal for every n.
expect_json 'j["equal"] == [[0, None]] and j["worse"] == [] and j["better"] == []' \
  compare pretrained:gamma=10/13 pretrained:gamma=10/13 --task target $P
# b defaults to 1/(d+4).
expect_json 'j["equal"] == [[0, None]]' compare v-only:w=2/3 v-only:w=2/3,b=1/9 --task opposite $P
# THEORY.md C2: F(1) is worse than P(10/13) on theta0 exactly from n0 = 2; gap polynomial n^2 coefficient
# gamma (2 - gamma) = 160/169, constant -1; limits 1 + s2 and (1 - gamma)^2 + s2.
expect_json 'j["worse"] == [[2, None]] and j["better"] == [[0, 1]] and j["equal"] == [] and
  j["difference"]["numerator"][0] == "-1" and j["difference"]["numerator"][2] == "160/169" and
  j["difference"]["denominator"] == ["1", "2", "1"] and j["limit_a"] == "11/10" and j["limit_b"] == "259/1690"' \
  compare zs-full:c=1 pretrained:gamma=10/13 --task target $P
# P(0) has risk 1 + s2 for every n; P(1/2) beats it iff n + 1 > d gamma (1+s2)/(2-gamma) = 11/6, i.e. n >= 1.
expect_json 'j["equal"] == [[0, 0]] and j["better"] == [[1, None]] and j["worse"] == []' \
  compare pretrained:gamma=1/2 pretrained:gamma=0 --task sphere $P
# pretrained:m=20 is gamma*(20) = 42/53; the same model as pretrained:gamma=42/53.
expect_json 'j["equal"] == [[0, None]] and j["a"] == "P(gamma*(20)=42/53)"' \
  compare pretrained:m=20 pretrained:gamma=42/53 --task target $P
# A parameter file gives d.
cat >"$tmp/p.json" <<'JSON'
{"V": [["0","0","0"],["0","0","0"],["0","0","1"]], "Q": [["0","0","0"],["0","1/2","0"],["0","0","0"]]}
JSON
expect_json 'j["equal"] == [[0, None]]' compare "$tmp/p.json" pretrained:gamma=1/2 --task target --sigma2 0
expect_table() {
  local needle="$1"; shift
  if "$bin" "$@" >"$tmp/out" 2>"$tmp/err" && grep -qF -- "$needle" "$tmp/out"; then ok; else bad "$* -> $(cat "$tmp/out" "$tmp/err") (want '$needle')"; fi
}
expect_table "A worse      n in [2, inf)" compare zs-full:c=1 pretrained:gamma=10/13 --task target $P

# curve --symbolic: R_pre(20/26; n) on theta0 at d = 5, s2 = 1/10: numerator 11/10 + ... , R(0) = 11/10.
expect_json 'j["numerator"][0] == "11/10" and j["denominator"] == ["1", "2", "1"] and j["limit"] == "259/1690"' \
  curve --family pretrained:gamma=20/26 --task target $P --symbolic
expect_json 'j["numerator"][0] == "1/10" and j["limit"] == "11/10"' \
  curve --family zs-full:c=3 --task target $P --symbolic
expect_json 'j["numerator"] == ["1", "3/2", "1/4"] and j["limit"] == "1/4"' \
  curve --params "$tmp/p.json" --theta 1 --sigma2 0 --symbolic
expect_table "limit        11/10" curve --family zs-full:c=3 --task opposite $P --symbolic

# prove: one fast statement, table and JSON.
expect_table "PROVED   C1.threshold" prove --only C1.threshold
expect_json 'j["statements"][0]["verdict"] == "PROVED" and j["statements"][0]["certificate"]["parts"][0]["grid"][0]["variable"] == "n"' \
  prove --only C1.threshold

# Bad input.
expect_reject "--only" prove --only nosuch
expect_reject "--symbolic" curve --family pretrained:gamma=1/2 --task target $P
expect_reject "exactly one of --params" curve --task target $P --symbolic
expect_reject "exactly one of --theta" curve --family pretrained:gamma=1/2 $P --symbolic
expect_reject "--d is required" compare pretrained:gamma=1/2 zs-full:c=1 --task target --sigma2 0
expect_reject "A: 'gamma' is not one of" compare pretrained:gamma pretrained:gamma=1/2 --task target $P
expect_reject "A (c): '0' is not allowed (F(c) needs c != 0)" compare zs-full:c=0 pretrained:gamma=1/2 --task target $P
expect_reject "B (w)" compare v-only:w=1 v-only:w=abc --task target $P
expect_reject "--sigma2" compare v-only:w=1 v-only:w=1 --task target --d 5 --sigma2 -1
expect_reject "--theta: has 2 entries" compare v-only:w=1 v-only:w=1 --task target $P --theta 1,0
expect_reject "--task" compare v-only:w=1 v-only:w=1 --task sideways $P
expect_reject "d = 1" compare "$tmp/p.json" pretrained:gamma=1/2 --task target $P
expect_reject "" compare "$tmp/nosuch.json" pretrained:gamma=1/2 --task target $P

finish
