# Shared harness of the command-line tests (sourced by cli_*test.sh with the binary as $1):
# counters, a temporary directory, and the assertions every script uses.
set -u
bin="$1"
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }

# expect_exit <code> "<substring of the one-line error>" args...: exit code, one line on stderr
# naming the problem, nothing on stdout.
expect_exit() {
  local code="$1" needle="$2"; shift 2
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$code" ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$needle" "$tmp/err"; then
    ok
  else
    bad "$* -> rc=$rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err")"
  fi
}

# expect_reject "<substring of the error>" args...: bad input, exit 2.
expect_reject() { expect_exit 2 "$@"; }

# expect_value "<expected stdout>" args...
expect_value() {
  local want="$1"; shift
  local got
  got=$("$bin" "$@" 2>"$tmp/err")
  local rc=$?
  if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok; else bad "$* -> rc=$rc stdout='$got' (want '$want')"; fi
}

# expect_json "<python expression over j>" args...: the JSON output satisfies the expression.
expect_json() {
  local expr="$1"; shift
  if "$bin" "$@" --format json >"$tmp/out" 2>"$tmp/err" &&
     python3 -c "import json,sys; j=json.load(open('$tmp/out')); sys.exit(0 if ($expr) else 1)"; then
    ok
  else
    bad "$* -> $(head -c 600 "$tmp/out") $(cat "$tmp/err") (want $expr)"
  fi
}

# Print the tally and fail if anything failed (the last line of every script).
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
