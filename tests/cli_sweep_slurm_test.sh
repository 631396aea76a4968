#!/usr/bin/env bash
# iclverify sweep on a real single-node Slurm cluster started here (tests/slurm_cluster.sh): the emitted
# job array runs end to end, its shard stores merge into a store whose export equals a local run's, and
# an MPI sweep inside Slurm (srun --mpi=pmix, two ranks) exports the same; every daemon is stopped at
# the end. A daemon that does not start is one line and a failure.
source "$(dirname "$0")/cli_lib.sh" "$1"
source "$(dirname "$0")/sweep_lib.sh"
source "$(dirname "$0")/slurm_cluster.sh"
trap 'slurm_stop; rm -rf "$tmp"' EXIT
cd "$tmp"

write_study study.toml 120 "1, 2, 3"
"$bin" sweep study.toml --store local.sqlite --quiet 2>err || bad "local sweep: $(cat err)"
"$bin" sweep export --store local.sqlite >local.json

SLURM_MPI_DEFAULT=pmix slurm_start "$tmp/cluster"
ok
"$bin" sweep study.toml --emit slurm --shards 3 --limit 2 --store-dir "$tmp/shards" >study.sbatch || bad "emit"
mkdir -p shards
grep -q '^#SBATCH --array=0-2%2$' study.sbatch && grep -q '^#SBATCH --time=' study.sbatch && ok || bad "script: $(cat study.sbatch)"
job=$(sbatch --parsable study.sbatch 2>err) || bad "sbatch: $(cat err)"
job=${job%%;*}
slurm_wait "$job" 120 && ok || { bad "job array $job still queued: $(squeue -j "$job" 2>&1 | tail -n 3)"; scancel "$job"; }
# Every task completed (scontrol keeps finished jobs for MinJobAge seconds).
states=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr '\n' ' ')
[ "$(scontrol show job "$job" | grep -c 'JobState=COMPLETED')" -eq 3 ] && ok || bad "array tasks: $states; $(cat shards/shard-*.log 2>/dev/null | tail -n 5)"
ls shards/shard-{0,1,2}.sqlite >/dev/null 2>&1 && ok || bad "shard stores missing: $(ls shards)"
"$bin" sweep merge --store merged.sqlite shards/shard-*.sqlite 2>err && grep -q "6 points copied" err && ok || bad "merge: $(cat err)"
"$bin" sweep export --store merged.sqlite >merged.json
cmp -s local.json merged.json && ok || bad "Slurm export differs from the local one"
# The check can fail: a merge of two of the three shards misses points.
"$bin" sweep merge --store part.sqlite shards/shard-0.sqlite shards/shard-1.sqlite 2>/dev/null
cmp -s local.json <("$bin" sweep export --store part.sqlite) && bad "two shards exported all points" || ok

# MPI inside Slurm: srun --mpi=pmix starts two ranks of one sweep (rank 0 writes the store).
mpi_job=$(sbatch --parsable -n 2 -o "$tmp/srun.log" --wrap "srun --mpi=pmix '$bin' sweep '$tmp/study.toml' --store '$tmp/srun.sqlite' --quiet" 2>err) || bad "sbatch srun: $(cat err)"
slurm_wait "${mpi_job%%;*}" 120 || bad "srun job still queued"
scontrol show job "${mpi_job%%;*}" | grep -q 'JobState=COMPLETED' && ok || bad "srun --mpi=pmix job: $(tail -n 5 srun.log)"
cmp -s local.json <("$bin" sweep export --store srun.sqlite 2>&1) && ok || bad "srun --mpi=pmix export differs: $(tail -n 3 srun.log)"
overlap=$(python3 -c "import sqlite3; print(sqlite3.connect('srun.sqlite').execute('select count(*) from points a where exists (select 1 from points b where b.options != a.options and b.start < a.end and a.start < b.end)').fetchone()[0])")
[ "$overlap" -ge 2 ] && ok || bad "srun ranks ran one point at a time ($overlap overlapping)"

slurm_stop
pgrep -f "$tmp/cluster" >/dev/null && bad "a daemon outlived slurm_stop: $(pgrep -af "$tmp/cluster")" || ok
finish
