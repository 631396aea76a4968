#!/usr/bin/env bash
# Hostile input to the surfaces added since the first round (issue 30): claim files (nesting, powers
# of powers, hidden zero denominators), archives and files that lie about their size or never end,
# entries too large for double, messages that must name their file, directories given as files, and
# output directories left behind. Every run is bounded in memory (4 GiB) and time (60 s): a crash, a
# hang or a balloon fails the test instead of the machine. Each claim-file refusal runs twice and must
# give the same exit status and the same message.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
real_bin="$1"
source "$here/cli_lib.sh"
bin="$tmp/bounded"
cat >"$bin" <<SH
#!/usr/bin/env bash
ulimit -v 4194304
exec timeout 60 "$real_bin" "\$@"
SH
chmod +x "$bin"

# expect_reject_twice "<substring>" args...: exit 2 with one line naming the problem, twice the same.
expect_reject_twice() {
  local needle="$1"; shift
  expect_reject "$needle" "$@"
  cp "$tmp/err" "$tmp/err1"
  "$bin" "$@" >/dev/null 2>"$tmp/err2"
  local rc=$?
  if [ "$rc" -eq 2 ] && cmp -s "$tmp/err1" "$tmp/err2"; then ok; else bad "second run of $*: rc=$rc $(cat "$tmp/err2")"; fi
}

# claim FILE "<identity>" [extra TOML]: a claim file with one identity statement about gamma and c.
claim() {
  local file="$1" identity="$2" extra="${3:-}"
  printf '[symbols]\ngamma = "0 < gamma < 2"\nc = "c != 0"\n[family.P]\n"V.yy" = "1"\n"Q.xx" = "gamma*I"\n%s\n[[statement]]\nname = "s"\nidentity = "%s"\n' \
    "$extra" "$identity" >"$file"
}

# --- 1. claim files: nesting, degree, number size, hidden zero denominators ----------------------
deep=$(python3 -c 'print("(" * 50000 + "gamma" + ")" * 50000)')
claim "$tmp/deep.toml" "$deep = gamma"
expect_reject_twice "deep.toml: statement 's'.identity (left side): column 201: nested more than 200 levels" verify "$tmp/deep.toml"
claim "$tmp/unary.toml" "$(python3 -c 'print("-" * 5000 + "gamma")') = gamma"
expect_reject_twice "nested more than 200 levels" verify "$tmp/unary.toml"
claim "$tmp/atoms.toml" "$(python3 -c 'print("risk(P, theta0, " * 300 + "n" + ")" * 300)') = 1"
expect_reject_twice "nested more than 200 levels" verify "$tmp/atoms.toml"
for power in "(gamma^64)^64" "(((gamma+c)^64)^64)^64" "(gamma^16)^16*gamma" \
             "$(python3 -c 'print("*".join(["gamma"] * 300))')" "1/(gamma^64*c^64*(gamma+c)^64*(gamma-c)^64*gamma)"; do
  claim "$tmp/power.toml" "$power = gamma"
  expect_reject_twice "degree" verify "$tmp/power.toml"
done
# Within the degree limit, but not within the terms limit: a product of two powers of sums, and the
# fuzzer's nested fractions (each level cubes the last; GiNaC's normal form asked for 322 MB at once).
nested=$(python3 -c 'e = "gamma"
for _ in range(5): e = "1/((c-" + e + ")^3+c^2-gamma)"
print(e)')
for big in "(c+gamma+1)^30*(c-gamma+2)^30" "$nested"; do
  claim "$tmp/terms.toml" "$big = gamma"
  expect_reject_twice "can expand to more than 10000 terms (the limit of an expression)" verify "$tmp/terms.toml"
done
claim "$tmp/block.toml" "risk(Q, theta0, n) = 1" $'[family.Q]\n"V.yy" = "(c^64)^64"\n"Q.xx" = "I"'
expect_reject_twice "block.toml: family.Q.V.yy: column 1: the expression can reach degree 4096" verify "$tmp/block.toml"
claim "$tmp/where.toml" "gamma = gamma"
printf 'where = { c = "((2^64)^64)^64" }\n' >>"$tmp/where.toml"
expect_reject_twice "where.toml: statement 's'.where.c: column 1: the power is a number of more than 65536 bits" verify "$tmp/where.toml"
for zero in "1/((c+1)^2-c^2-2*c-1)" "gamma/(c/(c^2+c) - 1/(c+1))" "((c+1)^2-c^2-2*c-1)^(-3)"; do
  claim "$tmp/zero.toml" "$zero = gamma"
  expect_reject_twice "zero.toml: statement 's'.identity (left side): column .*: division by zero" verify "$tmp/zero.toml"
done
claim "$tmp/zeroblock.toml" "risk(Q, theta0, n) = 1" $'[family.Q]\n"V.yy" = "1/((c+1)^2-c^2-2*c-1)"\n"Q.xx" = "I"'
expect_reject_twice "zeroblock.toml: family.Q.V.yy: column 3: division by zero" verify "$tmp/zeroblock.toml"
claim "$tmp/zerowhere.toml" "gamma = gamma"
printf 'where = { c = "1/((2+1)^2-9)" }\n' >>"$tmp/zerowhere.toml"
expect_reject_twice "zerowhere.toml: statement 's'.where.c: column 3: division by zero" verify "$tmp/zerowhere.toml"
# a denominator that cancels to zero only at the values of where
claim "$tmp/zeroat.toml" "1/((c+1)^2 - c^2 - 2*c*gamma - 1) = 1"
printf 'where = { gamma = "1" }\n' >>"$tmp/zeroat.toml"
expect_reject_twice "zeroat.toml: the expression is undefined at the values of where" verify "$tmp/zeroat.toml"
# a legal degree (192) whose evidence polynomial is too large to factor: printed expanded, in time
printf '[symbols]\ngamma = "0 < gamma < 2"\nc = "c != 0"\n[family.P]\n"V.yy" = "1"\n"Q.xx" = "gamma*I"\n[[statement]]\nname = "s"\nstationary = "risk(P, theta0, n)"\nin = "gamma"\nat = "(c^64)^3"\n' >"$tmp/at.toml"
"$bin" verify "$tmp/at.toml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "REFUTED" "$tmp/out" && ok || bad "stationary at c^192: rc=$rc $(head -c 300 "$tmp/out") $(cat "$tmp/err")"
# the limits leave legal powers alone: degree 256 exactly reads
claim "$tmp/legal.toml" "(gamma^16)^16 = ((gamma^16)^8)^2"
if "$bin" verify "$tmp/legal.toml" 2>"$tmp/err" | grep -q '^PROVED'; then ok; else bad "degree 256: $(cat "$tmp/err")"; fi

# --- 2. archives and files that lie about their size, or never end ------------------------------
/usr/bin/python3 - "$tmp" <<'PY'
import io, struct, sys, zipfile, zlib
import numpy as np
tmp = sys.argv[1]
def npy_header(shape):
    b = io.BytesIO(); np.lib.format.write_array_header_1_0(b, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return b.getvalue()
# a valid entry of 40 MB (zeros deflate 1000:1): past the 32 MiB archive-entry limit
with zipfile.ZipFile(f"{tmp}/big_entry.npz", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("allparam.npy", npy_header((1, 1, 3, 3, 3)) + bytes(40 * 2**20))
# an entry whose zip64 extra field declares 5 GiB
data = npy_header((1, 1, 3, 3, 3)) + bytes(216)
c = zlib.compressobj(9, zlib.DEFLATED, -15); comp = c.compress(bytes(40 * 2**20)) + c.flush()
name = b"allparam.npy"; extra = struct.pack("<HHQQ", 1, 16, 5 * 2**30, len(comp))
local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra)) + name + extra + comp
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0) + name + extra
open(f"{tmp}/zip64.npz", "wb").write(local + central + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(central), len(local), 0))
# a legal header with D = 3000 and a few bytes of data
open(f"{tmp}/huge_d.npy", "wb").write(npy_header((1, 1, 3, 3000, 3000)) + bytes(64))
# many layers of a small D: past the entry limit
open(f"{tmp}/many.npy", "wb").write(npy_header((100000, 4, 3, 5, 5)) + bytes(64))
# JSON: one head with 300 rows (D = 300)
open(f"{tmp}/huge_d.json", "w").write('{"V": [' + ",".join(["[]"] * 300) + '], "Q": [[]]}')
PY
expect_reject "big_entry.npz: allparam.npy: declares 41943168 bytes, more than 33554432, the limit of one archive entry" risk --params "$tmp/big_entry.npz" --task sphere --sigma2 1/10 --shots 0
expect_reject "zip64.npz: allparam.npy: declares 5368709120 bytes, more than 33554432" risk --params "$tmp/zip64.npz" --task sphere --sigma2 1/10 --shots 0
expect_reject "huge_d.npy: D = 3000 is larger than 258, the largest token size" risk --params "$tmp/huge_d.npy" --task sphere --sigma2 1/10 --shots 0
expect_reject "many.npy: 100000 x 4 x 3 x 5 x 5 matrix entries are more than 1048576" risk --params "$tmp/many.npy" --task sphere --sigma2 1/10 --shots 0
expect_reject "huge_d.json: V: D = 300 rows is larger than 258" risk --params "$tmp/huge_d.json" --task sphere --sigma2 1/10 --shots 0
expect_reject "--params: '/dev/zero' is larger than 33554432 bytes, the limit of one input file" risk --params /dev/zero --task sphere --sigma2 1/10 --shots 0
expect_reject "claim file: '/dev/zero' is larger than 33554432 bytes" verify /dev/zero
expect_reject "--params: '$tmp' is a directory, not a file" risk --params "$tmp" --task sphere --sigma2 1/10 --shots 0
expect_reject "claim file: '$tmp' is a directory, not a file" verify "$tmp"
expect_reject "--pre: \|--params: \|is a directory" diagnose --pre "$tmp" --post "$tmp"
expect_reject "is a directory" table --claims "$tmp" --family P --where gamma=1

# --- 3. entries too large for double: exact or 50 digits, or one line; never NaN ------------------
printf '{"V": [["0","0","0"],["0","0","0"],["0","1e300","1"]], "Q": [["0","0","0"],["0","1","0"],["0","0","0"]]}' >"$tmp/e300.json"
out=$("$bin" risk --params "$tmp/e300.json" --theta 1 --sigma2 1/10 --shots 0,1 --format json 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 0 ] && python3 -c "
import json, sys; from fractions import Fraction as F
j = json.loads(sys.argv[1]); rows = j['rows']
assert all('nan' not in r['risk'].lower() and 'inf' not in r['risk'].lower() for r in rows), rows
" "$out"; then ok; else bad "risk of a 1e300 entry in double: rc=$rc $out $(cat "$tmp/err")"; fi
exact=$("$bin" risk --params "$tmp/e300.json" --theta 1 --sigma2 1/10 --shots 0 --exact --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["risk"])')
double=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["risk"])')
python3 -c "
from fractions import Fraction as F; import sys
from decimal import Decimal
e, d = F(sys.argv[1]), Decimal(sys.argv[2])
assert abs(F(d) - e) <= abs(e) * F(1, 10**15), (e, d)" "$exact" "$double" && ok || bad "double shown for 1e300 ($double) is not the exact risk to 15 digits"
expect_reject "Monte Carlo at n = 0: the squared errors overflow double precision" risk --params "$tmp/e300.json" --theta 1 --sigma2 1/10 --shots 0 --mc 1000
for cmd in "curve --params $tmp/e300.json --theta 1 --sigma2 1/10 --shots 0:2" "grad --params $tmp/e300.json --loss zs --sigma2 1/10" \
           "compare $tmp/e300.json $tmp/e300.json --theta 1 --sigma2 1/10 --shots 0:2"; do
  # shellcheck disable=SC2086
  "$bin" $cmd >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; }; } &&
     ! grep -qiw -e nan -e '-nan' -e inf "$tmp/out"; then ok; else bad "$cmd: rc=$rc $(head -c 300 "$tmp/out") $(cat "$tmp/err")"; fi
done

# --- 4. messages name their file ---------------------------------------------------------------
printf '[setting]\nd = "100"\n[[statement]]\nname = "a"\nidentity = "1 = 1"\n' >"$tmp/d100.toml"
expect_reject_twice "d100.toml: setting.d: '100'" verify "$root/theorems/c1_pretraining.toml" "$tmp/d100.toml" 2>/dev/null
claim "$tmp/badexpr.toml" "gamma + * 2 = gamma"
expect_reject_twice "badexpr.toml: statement 's'.identity (left side): column" verify "$tmp/badexpr.toml"
claim "$tmp/nofamily.toml" "risk(G, theta0, n) = 1"
expect_reject_twice "nofamily.toml: statement 's'.identity (left side): column .*: unknown family 'G'" verify "$tmp/nofamily.toml"

# --- 6. nothing created before there is something to write ------------------------------------------
expect_exit 3 "diverged" protocol --steps-pretrain 20 --steps-finetune 2 --batch 10 --lr 1e9 --quiet \
  --save-params "$tmp/new/sub"
[ ! -e "$tmp/new" ] && ok || bad "a diverged protocol left $(find "$tmp/new")"
expect_reject "--save-params: cannot create directory" protocol --steps-pretrain 1 --steps-finetune 1 --batch 10 --quiet \
  --save-params /proc/none/sub
finish
