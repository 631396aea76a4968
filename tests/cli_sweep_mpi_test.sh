#!/usr/bin/env bash
# iclverify sweep under OpenMPI (mpirun -np 2): the export equals a local run's, two points run at a time
# (rank 0 and rank 1), a sweep whose ranks are killed with SIGKILL resumes, and a refused study stops
# every rank with one line, exit 2 (docs/sweep.md, "MPI").
source "$(dirname "$0")/cli_lib.sh" "$1"
source "$(dirname "$0")/sweep_lib.sh"
cd "$tmp"
command -v mpirun >/dev/null || { echo "cannot start MPI: mpirun not found (Debian openmpi-bin)"; exit 1; }
# As root OpenMPI needs both variables; --oversubscribe: this machine may have fewer free slots than ranks.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { timeout 120 mpirun -np 2 --oversubscribe "$bin" "$@"; }

write_study study.toml 120 "1, 2, 3, 4"
rows() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }
# Points that ran at the same time as another one.
overlaps() { rows "$1" "select count(*) from points a where exists (select 1 from points b where b.options != a.options and b.start < a.end and a.start < b.end)"; }

"$bin" sweep study.toml --store local.sqlite --quiet 2>err || bad "local sweep: $(cat err)"
mpi sweep study.toml --store mpi.sqlite --quiet >out 2>err; rc=$?
if [ $rc -ne 0 ]; then echo "cannot start MPI: mpirun exit $rc: $(tail -n 3 err)"; exit 1; fi
grep -q "8 points: 0 already in the store (0 failed), 8 ran (8 ok" err && ok || bad "mpi summary: $(cat err)"
"$bin" sweep export --store local.sqlite >local.json
"$bin" sweep export --store mpi.sqlite >mpi.json
cmp -s local.json mpi.json && ok || bad "MPI export differs from the local one"
# Two at a time under MPI, one at a time locally (the check of the overlap can fail: the local store).
[ "$(overlaps mpi.sqlite)" -ge 2 ] && ok || bad "MPI ran one point at a time ($(overlaps mpi.sqlite) overlapping)"
[ "$(overlaps local.sqlite)" -eq 0 ] && ok || bad "local --jobs 1 overlapped"
# Every point's CPU seconds reach rank 0's store, from rank 1 as from rank 0's own children.
[ "$(rows mpi.sqlite "select count(*) from points where cpu > 0")" = 8 ] && ok || bad "MPI rows lack their cpu seconds"
# Restarted under MPI: nothing runs again.
mpi sweep study.toml --store mpi.sqlite >out 2>err && grep -q "8 already in the store (0 failed), 0 ran" err && ok || bad "mpi rerun: $(cat err)"
# Rank 0 killed with SIGKILL mid-run (every rank and mpirun, by their ids): the restarted MPI sweep runs
# only the rest and exports the same bytes.
mpi sweep study.toml --store "$tmp/killed.sqlite" >out 2>progress &
launcher=$!
for _ in $(seq 300); do [ "$(grep -c ' ok ' progress)" -ge 2 ] && break; sleep 0.05; done
ranks=$(pgrep -f -- "--store $tmp/killed.sqlite" | grep -v "^$launcher\$")  # this test's processes only
for p in $ranks; do kill -9 "$p" 2>/dev/null; done
kill -9 "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null
sleep 0.5
n=$(python3 -c "import sqlite3; print(sqlite3.connect('killed.sqlite').execute('select count(*) from points').fetchone()[0])")
[ "$n" -ge 2 ] && [ "$n" -lt 8 ] && ok || bad "MPI sweep killed after $n of 8 points (want 2..7)"
mpi sweep study.toml --store killed.sqlite >out 2>err && grep -q "$n already in the store (0 failed), $((8 - n)) ran" err && ok || bad "MPI restart: $(cat err)"
cmp -s local.json <("$bin" sweep export --store killed.sqlite) && ok || bad "killed and restarted MPI export differs"
# A refused study: rank 0 says why in one line, every rank stops, exit 2.
printf 'command = "train"\n[fixed]\ntrainer = "sgd"\nloss = "zs"\n[axes]\nseed = []\n' >bad.toml
mpi sweep bad.toml --store mpi.sqlite >out 2>err; rc=$?
[ $rc -eq 2 ] && grep -q "bad.toml: \[axes\] seed: the axis is empty" err && [ "$(grep -c 'iclverify: error' err)" -eq 1 ] && ok || bad "mpi bad study: rc=$rc $(cat err)"
finish
