# A real single-node Slurm cluster for the tests, as plain processes (no systemd): munged as the munge
# user with its own socket, slurmctld and slurmd with a generated slurm.conf (proctrack/linuxproc,
# task/none, no accounting, the node's real CPUs and memory from `slurmd -C`). Sourced after cli_lib.sh:
#   slurm_start DIR   starts the three daemons under DIR (fails with one line naming what did not start)
#   slurm_stop        stops every daemon slurm_start started (also on exit)
#   slurm_wait JOB S  waits until JOB has left the queue (squeue/scontrol; there is no accounting daemon)
slurm_pids=()

slurm_fail() { echo "cannot start Slurm: $*"; slurm_stop; exit 1; }

slurm_stop() {
  local p
  for p in "${slurm_pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${slurm_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  slurm_pids=()
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

slurm_start() {
  local d="$1"
  for t in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$t" >/dev/null || slurm_fail "$t not found (Debian packages slurm-wlm and munge)"
  done
  id munge >/dev/null 2>&1 || slurm_fail "no munge user (Debian package munge)"
  [ "$(id -u)" -eq 0 ] || slurm_fail "slurmd runs jobs as their user and needs root here"
  # munged: its run directory first, owned by munge, then the daemon as the munge user.
  mkdir -p "$d" && chmod 755 "$(dirname "$d")" "$d"  # the munge user must reach its directory
  mkdir -p "$d/munge" && chown munge:munge "$d/munge" && chmod 711 "$d/munge"
  runuser -u munge -- munged -F --socket="$d/munge/socket" --pid-file="$d/munge/pid" \
    --log-file="$d/munge/log" --seed-file="$d/munge/seed" >"$d/munged.out" 2>&1 &
  slurm_pids+=($!)
  for _ in $(seq 50); do [ -S "$d/munge/socket" ] && break; sleep 0.1; done
  [ -S "$d/munge/socket" ] || slurm_fail "munged did not start: $(tail -n 2 "$d/munged.out" "$d/munge/log" 2>/dev/null | tr '\n' ' ')"
  # slurm.conf: this node as NodeName=localhost with what slurmd detects.
  local hw host ctld_port slurmd_port
  hw=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')
  host=$(hostname -s)
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  mkdir -p "$d/state" "$d/spool"
  cat >"$d/slurm.conf" <<CONF
ClusterName=iclverify-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/socket
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=${SLURM_MPI_DEFAULT:-none}
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=$host $hw State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$d/slurm.conf"
  slurmctld -D -i -f "$d/slurm.conf" >"$d/slurmctld.out" 2>&1 &
  slurm_pids+=($!)
  slurmd -D -f "$d/slurm.conf" -N localhost >"$d/slurmd.out" 2>&1 &
  slurm_pids+=($!)
  local state=""
  for _ in $(seq 150); do
    state=$(sinfo -h -n localhost -o %T 2>/dev/null)
    [ "$state" = idle ] && return 0
    sleep 0.1
  done
  slurm_fail "the node did not come up (state '$state'): $(tail -n 2 "$d/slurmctld.log" "$d/slurmd.log" 2>/dev/null | tr '\n' ' ')"
}

# slurm_wait JOB SECONDS: 0 once JOB (all its array tasks) left the queue, 1 on timeout.
slurm_wait() {
  local job="$1" limit="$2"
  for _ in $(seq $((limit * 5))); do
    [ -z "$(squeue -h -j "$job" -o %i 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  return 1
}
