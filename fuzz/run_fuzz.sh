#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang++ and runs each for a bounded time
# (docs/fuzzing.md).
#
#   fuzz/run_fuzz.sh [SECONDS]     SECONDS of fuzzing per target (default 60)
#
# First every file under fuzz/regressions/ is replayed once through every target, then each target
# fuzzes a temporary copy of its seed corpus fuzz/corpus/<name>/ (the committed corpus never grows).
# One line per target. Exit status: 0 no crash; 1 a crash, a leak, a hang, an out-of-memory or a
# build failure (the message names the saved input or the log); 2 bad usage; 77 skipped: clang++ or
# libFuzzer (Debian: clang, libclang-rt-14-dev) is missing.
#
# Environment: CXX_FUZZ (default clang++), FUZZ_BUILD_DIR (default <repo>/build-fuzz).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [SECONDS]   (seconds of fuzzing per target, a positive integer; default 60)" >&2
  exit 2
fi
cxx=${CXX_FUZZ:-clang++}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=(numbers params arch claims expr npz study)

# Per-input limits: anything slower or bigger is a bug of the reader, not a slow machine.
# A single allocation above 32 MB is a "huge allocation": the biggest legal value, an index range
# of 10^6 numbers, needs 8 MB. libFuzzer's own exit code for a crash (77) is made 1, so that it
# can never be mistaken for "skipped".
limits=(-timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=32 -error_exitcode=1 -timeout_exitcode=1)

skip() { echo "fuzz: SKIPPED: $*"; exit 77; }

# One-time allocations inside CLN and GiNaC (Debian's uninstrumented libraries) are not our leaks.
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# --- is there a clang++ with libFuzzer? ---------------------------------------------------------
command -v "$cxx" >/dev/null 2>&1 || skip "$cxx not found (Debian: apt-get install clang libclang-rt-14-dev)"
command -v cmake >/dev/null 2>&1 || skip "cmake not found"
work=$(mktemp -d "${TMPDIR:-/tmp}/iclfuzz.XXXXXX") || { echo "fuzz: cannot create a temporary directory"; exit 1; }
trap 'rm -rf "$work"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$work/probe.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$work/probe.cpp" -o "$work/probe" >"$work/probe.log" 2>&1; then
  skip "$cxx cannot link -fsanitize=fuzzer,address,undefined (Debian: apt-get install libclang-rt-14-dev): $(head -c 300 "$work/probe.log" | tr '\n' ' ')"
fi

# --- build ------------------------------------------------------------------------------------------
mkdir -p "$build/logs" "$build/artifacts"
if ! { cmake -S "$here" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"; } >"$build/logs/build.log" 2>&1; then
  echo "fuzz: FAILED to build the fuzz targets (log: $build/logs/build.log):"
  tail -n 20 "$build/logs/build.log"
  exit 1
fi

# --- the dictionaries: tokens of the grammars (written here, not committed) -----------------
cat >"$work/numbers.dict" <<'EOF'
"/"
"."
":"
","
"e"
"E"
"e+"
"e-"
"+"
"-"
" "
"nan"
"inf"
"10000"
"10001"
"999999"
"1000000"
"1000000000"
"1000000001"
"9223372036854775807"
"9223372036854775808"
"-9223372036854775808"
EOF
cat >"$work/params.dict" <<'EOF'
"{"
"}"
"["
"]"
":"
","
"\"V\""
"\"Q\""
"\"Qsep\""
"\"K\""
"null"
"true"
"false"
"\"3/7\""
"\"1/0\""
"1e-3"
"-0"
"1e400"
"18446744073709551616"
"\"1e10000\""
"\"\\u0000\""
EOF
cat >"$work/arch.dict" <<'EOF'
"{\"layers\": [{\"heads\": ["
"{\"allparam\": ["
"\"V\""
"\"Q\""
"\"K\""
"\x93NUMPY\x01\x00"
"\x93NUMPY\x02\x00"
"'descr': '<f8'"
"'descr': '>f4'"
"'fortran_order': False"
"'shape': (1, 1, 3, 3, 3)"
"PK\x03\x04"
"PK\x01\x02"
"PK\x05\x06"
"allparam.npy"
"\xff\xff\xff\xff"
"\x00\x00\xf8\x7f"
EOF

cat >"$work/claims.dict" <<'EOF'
"[setting]"
"[symbols]"
"[family.F]"
"[[statement]]"
"name = "
"identity = "
"limit = "
"equals = "
"sets = "
"stationary = "
"in = "
"at = "
"where = { "
"\"V.yy\" = "
"\"Q.xx\" = "
"\"K.xy\" = "
"risk(F, -theta0, n)"
"theta0"
"^"
"/"
"0 < gamma < 2"
"!="
EOF

cat >"$work/expr.dict" <<'EOF'
"("
")"
"^"
"^64"
"^-64"
"/"
"*"
"risk(F, theta0, n)"
"risk(P, -theta0, N)"
"gamma"
"c"
"n"
"N"
"d"
"s2"
"1/10"
"99999999999999999999"
EOF
cp "$work/arch.dict" "$work/npz.dict"

cat >"$work/study.dict" <<'EOF'
"command = "
"\"train\""
"\"protocol\""
"\"risk\""
"[fixed]"
"[axes]"
"seed = "
"steps = "
"lr = "
"quiet = true"
"quiet = false"
"format = "
"optimizer = [\"sgd\", \"adam\"]"
"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"
"1e400"
"nan"
EOF

status=0
report() { echo "$*"; }

# Summary of a libFuzzer log: runs, runs/s, coverage, corpus, peak memory.
summary() {
  local log=$1 runs rate cov ft corp rss
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  local last
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[A-Za-z]*\).*/\1/p' <<<"$last")
  echo "${runs:-?} runs (${rate:-?}/s), cov ${cov:-?} edges, ft ${ft:-?}, corpus ${corp:-?}, peak rss ${rss:-?} MB"
}

# Why a run failed, in one line: the target's own message if it printed one (a broken property),
# else the sanitizer's or libFuzzer's.
reason() {
  local why
  why=$(grep -m 1 -E '^fuzz_(numbers|params|arch|claims|expr|npz): ' "$1")
  [ -n "$why" ] || why=$(grep -m 1 -oE 'runtime error: .*|terminate called .*' "$1")
  [ -n "$why" ] || why=$(grep -m 1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): .*' "$1")
  echo "${why:-abnormal exit}"
}

# The reason and the input libFuzzer saved.
crash_message() {
  local file
  file=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -n 1)
  echo "$(reason "$1"); input: ${file:-see log}; log: $1"
}

# --- 1. replay the regression inputs through every target -------------------------------------------
mapfile -t regressions < <(find "$here/regressions" -type f ! -name '*.md' ! -name '.*' 2>/dev/null | sort)
for t in "${targets[@]}"; do
  bin=$build/fuzz_$t
  log=$build/logs/replay_$t.log
  if [ ${#regressions[@]} -eq 0 ]; then
    report "fuzz_$t: regressions: none"
    continue
  fi
  failed=0
  : >"$log"
  # One process per input, so that one crash does not hide the next one.
  for f in "${regressions[@]}"; do
    if ! "$bin" "${limits[@]}" "$f" >"$work/one.log" 2>&1; then
      report "fuzz_$t: regression CRASH: ${f#"$root"/}: $(reason "$work/one.log")"
      failed=$((failed + 1))
    fi
    cat "$work/one.log" >>"$log"
  done
  if [ $failed -eq 0 ]; then
    report "fuzz_$t: regressions: ${#regressions[@]}/${#regressions[@]} ok"
  else
    report "fuzz_$t: regressions: $failed of ${#regressions[@]} crash (log: $log)"
    status=1
  fi
done

# --- 2. fuzz each target for a bounded time -------------------------------------------------------------
for t in "${targets[@]}"; do
  bin=$build/fuzz_$t
  log=$build/logs/fuzz_$t.log
  corpus=$work/corpus_$t
  mkdir -p "$corpus"
  cp "$here/corpus/$t"/* "$corpus/"
  seeds=$(find "$corpus" -type f | wc -l)
  max_len=4096
  [ "$t" = params ] && max_len=8192
  [ "$t" = arch ] && max_len=8192
  [ "$t" = npz ] && max_len=8192
  "$bin" "$corpus" "${limits[@]}" -max_total_time="$seconds" -max_len=$max_len -use_value_profile=1 \
    -dict="$work/$t.dict" -artifact_prefix="$build/artifacts/fuzz_$t-" -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    report "fuzz_$t: ok, ${seconds} s: $(summary "$log"), from $seeds seeds"
  else
    report "fuzz_$t: CRASH (exit $rc): $(crash_message "$log")"
    status=1
  fi
done
exit $status
