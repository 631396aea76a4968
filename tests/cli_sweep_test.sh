#!/usr/bin/env bash
# iclverify sweep end to end with a real SQLite store (docs/sweep.md): local jobs give the same export
# for 1 or 2 jobs, a sweep killed with SIGKILL and restarted exports what an uninterrupted one does and
# never re-runs a finished point, a second sweep on a store is refused (lock), shards merge to the same
# export, and every bad input is one line (a bad study: one line per refused point), exit 2, the store
# untouched.
source "$(dirname "$0")/cli_lib.sh" "$1"
source "$(dirname "$0")/sweep_lib.sh"
cd "$tmp"

# Twelve tiny points (about 0.2 s each): SGD on the few-shot loss, two optimizers, six seeds.
write_study study.toml 121 "1, 2, 3, 4, 5, 6"
echo 'not a database, just text' >text.sqlite; cp text.sqlite text0
export_of() { "$bin" sweep export --store "$1" --format json; }
rows() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }

# Two jobs, then one: the same export (a point's result depends on the point only).
"$bin" sweep study.toml --store two.sqlite --jobs 2 --quiet 2>err || bad "sweep --jobs 2: $(cat err)"
export_of two.sqlite >two.json
"$bin" sweep study.toml --store one.sqlite --jobs 1 --quiet 2>err || bad "sweep --jobs 1: $(cat err)"
export_of one.sqlite >one.json
cmp -s one.json two.json && ok || bad "export depends on --jobs"
python3 - two.json <<'PY' && ok || bad "export shape"
import json, sys
e = json.load(open(sys.argv[1]))
assert len(e) == 12 and [x["options"] for x in e] == sorted([x["options"] for x in e], key=json.dumps)
assert all(set(x) == {"options", "result"} and "seconds" not in x["result"] and "final_loss" in x["result"] for x in e)
assert len({x["result"]["final_loss"] for x in e}) == 12  # twelve different runs
PY
# The comparison can fail: another seed gives another export (the mutant of the equality checks).
sed 's/seed = \[1, 2, 3, 4, 5, 6\]/seed = [1, 2, 3, 4, 5, 7]/' study.toml >other.toml
"$bin" sweep other.toml --store other.sqlite --jobs 2 --quiet 2>/dev/null
cmp -s two.json <(export_of other.sqlite) && bad "a different study exported the same bytes" || ok
# The store keeps the command's full JSON, its version, host, start, end and wall time.
[ "$(rows two.sqlite "select count(*) from points where status='ok' and json_valid(result) and json_extract(result,'\$.seconds') > 0 and host != '' and start < end and wall > 0 and version != ''")" = 12 ] && ok || bad "rows lack provenance"
# ... and the point's own CPU seconds (user + system, from wait4): positive, and for these one-thread
# points at most their wall time (plus the clock's granularity).
[ "$(rows two.sqlite "select count(*) from points where cpu > 0 and cpu <= wall + 0.02")" = 12 ] && ok ||
  bad "cpu seconds: $(rows two.sqlite "select group_concat(cpu || '/' || wall) from points")"
# A store from before the CPU seconds were kept (no column cpu) is read as it is and gains the column
# (0 for its old rows) when a sweep writes to it.
cp two.sqlite old.sqlite
python3 -c "import sqlite3; c=sqlite3.connect('old.sqlite'); c.execute('alter table points drop column cpu'); c.commit()"
cmp -s two.json <(export_of old.sqlite) && ok || bad "a store without the column cpu does not export"
"$bin" sweep study.toml --store old.sqlite --quiet 2>err &&
  [ "$(rows old.sqlite "select count(*) from points where cpu = 0")" = 12 ] && ok || bad "old store: $(cat err)"
# The version recorded is the program's own, as `iclverify --version` prints it (git describe at build time).
version=$("$bin" --version) && [ "${version#iclverify }" != "$version" ] &&
  [ "$(rows two.sqlite "select count(*) from points where version = '${version#iclverify }'")" = 12 ] && ok ||
  bad "the store's version is not --version's ($version)"
# A second sweep of the same study runs nothing and keeps every row as it was.
before=$(rows two.sqlite "select group_concat(start) from points")
"$bin" sweep study.toml --store two.sqlite 2>err && grep -q "12 already in the store (0 failed), 0 ran" err && ok || bad "rerun: $(cat err)"
[ "$(rows two.sqlite "select group_concat(start) from points")" = "$before" ] && ok || bad "a finished point ran again"

# SIGKILL mid-run: the points written stay, the others run on restart, the export is the same.
"$bin" sweep study.toml --store killed.sqlite --jobs 1 2>progress &
pid=$!
for _ in $(seq 200); do [ "$(grep -c ' ok ' progress)" -ge 3 ] && break; sleep 0.05; done
kill -9 $pid; wait $pid 2>/dev/null
n=$(rows killed.sqlite "select count(*) from points")
[ "$n" -ge 3 ] && [ "$n" -lt 12 ] && ok || bad "killed after $n of 12 points (want 3..11)"
# sweep status: how far the killed study got, in all and per axis value.
"$bin" sweep status study.toml --store killed.sqlite --format json >status.json 2>err || bad "status: $(cat err)"
python3 - status.json "$n" <<'PY' && ok || bad "status of the killed study: $(cat status.json)"
import json, sys
s, n = json.load(open(sys.argv[1])), int(sys.argv[2])
assert (s["points"], s["finished"], s["ok"], s["failed"], s["to_run"]) == (12, n, n, 0, 12 - n), s
assert sum(v["finished"] for v in s["axes"]["optimizer"]) == n and [v["points"] for v in s["axes"]["seed"]] == [2] * 6
assert s["cpu_seconds_finished"] > 0 and s["model_scale"] > 0 and s["cpu_seconds_to_run"] > 0 and s["unmeasured"] == 0
PY
# (steps = 121 is this script's own: other tests' points may run at the same time under ctest -j)
[ -z "$(pgrep -f -- "--steps 121 --trainer sgd")" ] && ok || bad "points outlived their sweep"
kept=$(rows killed.sqlite "select group_concat(options || start) from points")
"$bin" sweep study.toml --store killed.sqlite --jobs 2 2>err && grep -q "$n already in the store (0 failed), $((12 - n)) ran" err && ok || bad "restart: $(cat err)"
cmp -s two.json <(export_of killed.sqlite) && ok || bad "killed and restarted export differs"
[ "$(rows killed.sqlite "select group_concat(options || start) from points where options || start in (select options || start from points)")" != "" ] &&
  python3 -c "import sys; k=set(sys.argv[1].split(',{')); a=set(sys.argv[2].split(',{')); sys.exit(0 if k <= a else 1)" "$kept" "$(rows killed.sqlite "select group_concat(options || start) from points")" && ok || bad "a point finished before the kill ran again"

# status of a finished study; of another study's store; of no store.
"$bin" sweep status study.toml --store two.sqlite 2>err | grep -q "12 points: 12 finished (12 ok, 0 failed), 0 to run" && ok ||
  bad "status of a finished study: $(cat err)"
expect_reject "two.sqlite: the store belongs to another study than other.toml" sweep status other.toml --store two.sqlite
expect_reject "gone.sqlite: no such store" sweep status study.toml --store gone.sqlite
expect_reject "--format" sweep status study.toml --store two.sqlite --format yaml

# A writer killed in the middle of a point's transaction leaves a hot journal: the next reader rolls it
# back (it opens the store for writing when it may) and reads the last committed state.
cp two.sqlite hot.sqlite
python3 - <<'PY' 2>/dev/null
import os, sqlite3
c = sqlite3.connect("hot.sqlite", isolation_level=None)
c.execute("PRAGMA cache_size = 1")  # spill the changed pages into the file before the kill
c.execute("BEGIN IMMEDIATE")
for i in range(2000):
    c.execute("INSERT INTO points(options, status, exit_code, result, error, version, host, start, end, wall) "
              "VALUES (?, 'ok', 0, '{}', '', 'v', 'h', 's', 'e', 1)", (f"half-written {i}" + "x" * 500,))
os.kill(os.getpid(), 9)
PY
cp hot.sqlite hot0.sqlite && cp hot.sqlite-journal hot0.sqlite-journal  # for the read-only case below
[ -s hot.sqlite-journal ] && cmp -s two.json <(export_of hot.sqlite) && [ ! -s hot.sqlite-journal ] && ok ||
  bad "a store with a hot journal: $(export_of hot.sqlite 2>&1 | tail -1)"

# The lock: a second sweep (or a merge into it) on a store in use is refused, one line; a reader reads
# the points finished so far while it runs (each as the finished study has it); the running one is unharmed.
"$bin" sweep study.toml --store locked.sqlite --jobs 1 2>locked.progress &
pid=$!
for _ in $(seq 200); do [ "$(grep -c ' ok ' locked.progress)" -ge 2 ] && break; sleep 0.05; done
# Stopped between two points (a line is printed after its point is written), so that it cannot finish
# before the checks below; it keeps its lock while stopped.
kill -STOP $pid
export_of locked.sqlite >running.json 2>err || bad "export of a running study: $(cat err)"
"$bin" table --store locked.sqlite --by optimizer --value final_loss >/dev/null 2>err || bad "table of a running study: $(cat err)"
"$bin" sweep status study.toml --store locked.sqlite >status.txt 2>err && grep -q "12 points: [0-9]* finished" status.txt &&
  ! grep -q "12 finished" status.txt && ok || bad "status of a running study: $(cat status.txt err)"
expect_reject "locked.sqlite: .*another sweep (or merge) is writing it" sweep study.toml --store locked.sqlite
expect_reject "locked.sqlite: .*another sweep (or merge) is writing it" sweep merge --store locked.sqlite two.sqlite
python3 - running.json two.json <<'PY' && ok || bad "export of a running study: not a part of the finished one"
import json, sys
part, whole = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert 2 <= len(part) < len(whole), len(part)
assert all(p in whole for p in part)
PY
kill -CONT $pid
wait $pid && cmp -s two.json <(export_of locked.sqlite) && ok || bad "the locked sweep did not finish whole"

# Shards (what Slurm array tasks run) merge to the same export.
for i in 0 1 2; do "$bin" sweep study.toml --shard $i/3 --store shard-$i.sqlite --quiet 2>/dev/null || bad "shard $i"; done
[ "$(( $(rows shard-0.sqlite "select count(*) from points") + $(rows shard-1.sqlite "select count(*) from points") + $(rows shard-2.sqlite "select count(*) from points") ))" = 12 ] && ok || bad "shards overlap or miss points"
"$bin" sweep merge --store merged.sqlite shard-*.sqlite 2>err && grep -q "12 points copied" err && ok || bad "merge: $(cat err)"
cmp -s two.json <(export_of merged.sqlite) && ok || bad "merged shards export differs"
# merge refuses shards of two studies, a missing shard and a non-SQLite shard; the target is untouched.
cp merged.sqlite merged0.sqlite
expect_reject "other.sqlite: belongs to another study than shard-0.sqlite" sweep merge --store merged.sqlite shard-0.sqlite other.sqlite
expect_reject "gone.sqlite: no such store" sweep merge --store merged.sqlite shard-0.sqlite gone.sqlite
expect_reject "text.sqlite: .*not an SQLite database" sweep merge --store merged.sqlite text.sqlite
expect_reject "merged.sqlite: the store belongs to another study" sweep merge --store merged.sqlite other.sqlite
cmp -s merged.sqlite merged0.sqlite && ok || bad "a refused merge changed the target"
"$bin" sweep study.toml --emit slurm --shards 3 --limit 2 >job.sbatch && grep -q '^#SBATCH --array=0-2%2$' job.sbatch &&
  grep -q -- '--shard "$SLURM_ARRAY_TASK_ID/3"' job.sbatch && ok || bad "slurm script: $(cat job.sbatch)"

# table --store: mean, se, min, max, count per group, as computed here from the export.
"$bin" table --store two.sqlite --by optimizer --value final_loss --format json >table.json 2>err || bad "table --store: $(cat err)"
python3 - table.json two.json <<'PY' && ok || bad "table --store statistics"
import json, math, statistics, sys
t = json.load(open(sys.argv[1]))["rows"]
e = json.load(open(sys.argv[2]))
assert [r["optimizer"] for r in t] == ["adam", "sgd"], t
for r in t:
    xs = [float(p["result"]["final_loss"]) for p in e if p["options"]["optimizer"] == r["optimizer"]]
    assert r["count"] == len(xs) == 6
    assert math.isclose(r["mean"], statistics.mean(xs), rel_tol=1e-12)
    assert math.isclose(r["se"], statistics.stdev(xs) / math.sqrt(len(xs)), rel_tol=1e-12)
    assert r["min"] == min(xs) and r["max"] == max(xs)
# The grouping matters: a group's mean is not the mean over all points (what a table ignoring --by gives).
assert not math.isclose(t[0]["mean"], statistics.mean(float(p["result"]["final_loss"]) for p in e), rel_tol=1e-9)
PY
for f in table csv latex md; do "$bin" table --store two.sqlite --by optimizer,seed --value final_loss --format $f >/dev/null || bad "table --format $f"; done
expect_reject "--by: 'colour' is an option of no finished point in two.sqlite" table --store two.sqlite --by colour --value final_loss
expect_reject "--value: 'nope' is not a finite number in the output of point" table --store two.sqlite --value nope
expect_reject "text.sqlite: .*not an SQLite database" table --store text.sqlite --value final_loss

# Progress: on a terminal one live line (carriage returns, done/total, ETA); otherwise a line per point.
printf 'command = "risk"\n[fixed]\nfamily = "pretrained"\nshots = "0,5"\nm = 20\nsigma2 = "1/10"\n[axes]\nd = [1, 2, 3]\n' >tiny.toml
script -qec "'$bin' sweep tiny.toml --store tty.sqlite" /dev/null >tty.out </dev/null
grep -q $'\rsweep: 3/3 done, 0 failed, ETA 0s' tty.out && [ "$(grep -c 'ok ' tty.out)" -eq 0 ] && ok || bad "live progress: $(cat -A tty.out | head -c 400)"
"$bin" sweep tiny.toml --store notty.sqlite 2>notty.err && [ "$(grep -c '^sweep: [1-3]/3 ok ' notty.err)" -eq 3 ] && ! grep -q $'\r' notty.err && ok || bad "plain progress: $(cat notty.err)"

# A point that fails only when it runs (gradient descent with lr = 100 diverges, exit 3): the point is
# recorded as failed with the command's one line, exit 1, and it stays failed (not re-run).
printf 'command = "train"\n[fixed]\ntrainer = "exact-gd"\nloss = "pretrain"\nsteps = 100\n[axes]\nlr = ["100", "1/100"]\n' >d.toml
"$bin" sweep d.toml --store d.sqlite --quiet 2>/dev/null; [ $? -eq 1 ] && ok || bad "a failed point is not exit 1"
export_of d.sqlite | python3 -c "
import json, sys
e = {x['options']['lr']: x for x in json.load(sys.stdin)}
assert e['100']['error'].startswith('iclverify: error: train diverged at step ') and 'result' not in e['100'], e
assert 'result' in e['1/100'] and 'error' not in e['1/100'], e" && ok || bad "failed point in export"
"$bin" sweep d.toml --store d.sqlite --quiet 2>/dev/null; [ $? -eq 1 ] && ok || bad "a failed point in the store is not exit 1"

# Bad input: one line naming the file and the problem, exit 2, the store untouched.
cp two.sqlite keep.sqlite
sum0=$(md5sum <keep.sqlite)
untouched() { [ "$(md5sum <keep.sqlite)" = "$sum0" ] && [ ! -e keep.sqlite-journal ] && ok || bad "store touched by: $*"; }
study() { printf '%s\n' "$@" >bad.toml; }
study 'command = "nope"'
expect_reject "bad.toml: command: unknown command 'nope'" sweep bad.toml --store keep.sqlite; untouched unknown command
study 'command = "train"' '[fixed]' 'trainer = "sgd"' 'loss = "zs"' 'colour = 3'
expect_reject "bad.toml: \[fixed\] colour: 'colour' is not an option of train" sweep bad.toml --store keep.sqlite; untouched unknown option
study 'command = "train"' '[fixed]' 'trainer = "sgd"' 'loss = "zs"' '[axes]' 'seed = []'
expect_reject "bad.toml: \[axes\] seed: the axis is empty" sweep bad.toml --store keep.sqlite; untouched empty axis
study 'command = "train"' '[fixed]' 'trainer = "sgd"' 'quiet = 1'
expect_reject "bad.toml: \[fixed\] quiet: 'quiet' is a flag of train, written quiet = true" sweep bad.toml --store keep.sqlite; untouched flag
study 'command = "train"' '[fixed]' 'format = "json"'
expect_reject "bad.toml: \[fixed\] format: 'format' is set by the sweep" sweep bad.toml --store keep.sqlite; untouched format
study 'command = "train"' '[fixed' 
expect_reject "bad.toml:2:" sweep bad.toml --store keep.sqlite; untouched TOML syntax
# Values the command line refuses: every refused point listed, one line each after the first, nothing ran.
study 'command = "train"' '[fixed]' 'trainer = "sgd"' 'loss = "zs"' '[axes]' 'optimizer = ["sgd", "sgdx", "nadam"]'
"$bin" sweep bad.toml --store keep.sqlite >out 2>err; rc=$?
[ $rc -eq 2 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq 3 ] && grep -q "bad.toml: 2 of 3 points refused by 'train', nothing ran:" err &&
  grep -q '"optimizer":"sgdx","trainer":"sgd"}: --optimizer: sgdx not in {sgd,adam}' err && grep -q '"optimizer":"nadam",' err && ok || bad "refused points: rc=$rc $(cat err)"
untouched refused values
# A rule the command checks while preparing its request (not its parser) refuses the point before anything runs,
# with the command line's own message.
study 'command = "optimum"' '[fixed]' 'param = "separate"' 'loss = "zs"' 'd = 2' 'sigma2 = "1/10"' 'gamma = "1/2"' '[axes]' 'update = ["q", "kq"]'
"$bin" sweep bad.toml --store keep.sqlite >out 2>err; rc=$?
want=$("$bin" optimum --param separate --loss zs --d 2 --sigma2 1/10 --gamma 1/2 --update kq 2>&1 | sed 's/^iclverify: error: //')
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 2 ] && grep -q "bad.toml: 1 of 2 points refused by 'optimum', nothing ran:" err &&
  grep -qF '"update":"kq"}: '"$want" err && ok || bad "a request rule in a study: rc=$rc $(cat err) (want $want)"
untouched request rule
# risk, train and protocol prepare their requests too: a study with a point that breaks a rule tying two of
# the command's options together (each used to pass validation and fail only when its point ran) is refused
# before anything runs, one line per refused point, with the command line's own message.
# refused STUDY COMMAND BAD TOTAL KEY ARGS...: BAD of TOTAL points refused, the point with KEY carries what
# `iclverify ARGS` says (itself refused with exit 2), no store created (a new one: were the good points run,
# it would exist).
refused() {
  local f=$1 cmd=$2 nbad=$3 total=$4 key=$5 want; shift 5
  want=$("$bin" "$@" 2>&1 >/dev/null | sed 's/^iclverify: error: //')
  "$bin" "$@" >/dev/null 2>&1; [ $? -eq 2 ] && [ -n "$want" ] || bad "iclverify $* is not refused: $want"
  "$bin" sweep "$f" --store "new-$cmd.sqlite" >out 2>err; local rc=$?
  [ $rc -eq 2 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq $((nbad + 1)) ] &&
    grep -q "$f: $nbad of $total points refused by '$cmd', nothing ran:" err && grep -F -- "$want" err | grep -qF -- "$key" &&
    ok || bad "$cmd rule in a study: rc=$rc $(cat err) (want $key: $want)"
  [ ! -e "new-$cmd.sqlite" ] && ok || bad "$cmd: a refused study created its store"
}
printf 'command = "risk"\n[fixed]\nfamily = "pretrained"\ngamma = "1/2"\nd = 2\nsigma2 = "1/10"\nshots = "0,5"\n[axes]\nconvention = ["query", "classical"]\n' >risk.toml
refused risk.toml risk 1 2 '"convention":"classical"' risk --family pretrained --gamma 1/2 --d 2 --sigma2 1/10 --shots 0,5 --convention classical
printf 'command = "train"\n[fixed]\nloss = "zs+fs"\n[axes]\ntrainer = ["exact-gd", "flow"]\n' >train.toml
refused train.toml train 1 2 '"trainer":"flow"' train --loss zs+fs --trainer flow
printf 'command = "protocol"\n[fixed]\nlora-rank = 2\nsteps-pretrain = 1\nsteps-finetune = 1\nbatch = 10\n[axes]\nheads = [1, 2]\nlayers = [1, 2]\n' >protocol.toml
refused protocol.toml protocol 3 4 '"heads":2,"layers":2' protocol --lora-rank 2 --heads 2 --layers 2
expect_reject "--shard: '3/2' names shard 3 of 2" sweep study.toml --shard 3/2 --store keep.sqlite; untouched shard
expect_reject "--shard: '1' is not I/K" sweep study.toml --shard 1 --store keep.sqlite
expect_reject "keep.sqlite: the store belongs to another study" sweep other.toml --store keep.sqlite; untouched another study
# Another program version: refused unless --allow-version-change, then both versions are recorded.
cp two.sqlite version.sqlite
python3 -c "import sqlite3; c=sqlite3.connect('version.sqlite'); c.execute(\"update versions set version='v0-old Release'\"); c.commit()"
expect_reject "version.sqlite: the store was written by iclverify v0-old Release and this is" sweep study.toml --store version.sqlite
"$bin" sweep study.toml --store version.sqlite --allow-version-change --quiet 2>/dev/null &&
  [ "$(rows version.sqlite "select count(*) from versions")" = 2 ] && ok || bad "--allow-version-change"
expect_reject "text.sqlite: .*not an SQLite database" sweep study.toml --store text.sqlite
cmp -s text.sqlite text0 && [ ! -e text.sqlite-journal ] && ok || bad "non-SQLite file touched"
expect_reject "text.sqlite: .*not an SQLite database" sweep export --store text.sqlite
# Another program's SQLite database is not a store: refused, not written into.
python3 -c "import sqlite3; c=sqlite3.connect('foreign.sqlite'); c.execute('create table t(x)'); c.commit()"
foreign=$(md5sum <foreign.sqlite)
expect_reject "foreign.sqlite: an SQLite database but not a sweep store" sweep study.toml --store foreign.sqlite
expect_reject "foreign.sqlite: an SQLite database but not a sweep store" sweep export --store foreign.sqlite
[ "$(md5sum <foreign.sqlite)" = "$foreign" ] && ok || bad "another program's database was changed"
# A damaged store (a row edited by hand, the study deleted, a column missing): every reader and a sweep
# refuse it in one line naming the damage, and leave it as it was.
damage() {  # damage NAME SQL: a copy of two.sqlite with SQL applied
  cp two.sqlite "$1.sqlite"
  python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" "$1.sqlite" "$2"
}
damage result "update points set result = '[1, 2]' where rowid = 1"
damage options "update points set options = 'not json' where rowid = 2"
damage status "update points set status = 'done' where rowid = 3"
damage nostudy "delete from meta"
damage nocolumn "alter table points drop column host"
for case in "result:a result that is not a JSON object" "options:options that are not a JSON object" \
    "status:the status 'done'" "nostudy:holds points but no study" "nocolumn:table 'points' has no column 'host'"; do
  name=${case%%:*} why=${case#*:}
  sum=$(md5sum <"$name.sqlite")
  expect_reject "$name.sqlite: .*$why" sweep export --store "$name.sqlite"
  expect_reject "$name.sqlite: .*$why" table --store "$name.sqlite" --by optimizer --value final_loss
  expect_reject "$name.sqlite: .*$why" sweep status study.toml --store "$name.sqlite"
  expect_reject "$name.sqlite: .*$why" sweep study.toml --store "$name.sqlite"
  [ "$(md5sum <"$name.sqlite")" = "$sum" ] && ok || bad "a damaged store ($name) was changed"
done
expect_reject "missing/s.sqlite: cannot create the store: .*missing is not a directory" sweep study.toml --store missing/s.sqlite
[ ! -e missing ] && ok || bad "created a directory"
expect_reject "study.toml/s.sqlite: cannot create the store" sweep study.toml --store study.toml/s.sqlite
expect_reject "nothing.sqlite: no such store" sweep export --store nothing.sqlite
expect_reject "nope.toml: cannot read the study file (no such file)" sweep nope.toml --store keep.sqlite; untouched missing study
# A read-only directory (as an unprivileged user: root writes anywhere).
mkdir ro && cp two.sqlite ro/s.sqlite && chmod 666 ro/s.sqlite && chmod 555 ro && chmod 755 "$tmp"
as_user() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }
ro_sum=$(md5sum <ro/s.sqlite)
as_user "$bin" sweep "$tmp/other.toml" --store "$tmp/ro/s.sqlite" >out 2>err; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "ro/s.sqlite: the directory .*ro is not writable" err && ok || bad "read-only dir: rc=$rc $(cat err)"
as_user "$bin" sweep "$tmp/study.toml" --store "$tmp/ro/new.sqlite" >out 2>err; rc=$?
[ $rc -eq 2 ] && grep -q "ro/new.sqlite: cannot create the store: Permission denied" err && [ ! -e ro/new.sqlite ] && ok || bad "read-only dir new: rc=$rc $(cat err)"
[ "$(md5sum <ro/s.sqlite)" = "$ro_sum" ] && ok || bad "read-only store touched"
# A hot journal (a writer killed mid-transaction) that a reader may not roll back: one line saying so.
chmod 755 ro && cp hot0.sqlite ro/hot.sqlite && cp hot0.sqlite-journal ro/hot.sqlite-journal && chmod 555 ro
as_user "$bin" sweep export --store "$tmp/ro/hot.sqlite" >out 2>err; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "hot.sqlite: .*a sweep was killed while writing it, and rolling that write back needs write access" err &&
  [ ! -s out ] && ok || bad "hot journal, read-only: rc=$rc $(cat err)"
chmod 755 ro

finish
