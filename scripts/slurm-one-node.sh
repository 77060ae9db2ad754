#!/bin/bash
# Start a one-node Slurm from Debian's packages (slurmctld, slurmd, munge),
# as root on a CI machine: enough to run an exported job array, its
# dependent merge, scancel and re-submission for real (scripts/slurm-e2e.sh).
# Known to work with Debian 12's Slurm 22.05: proctrack/linuxproc and
# task/none (no cgroups in a container), a munge key made on the spot, the
# node's CPUs from nproc, no accounting (scontrol, not sacct, shows the
# states of finished jobs, for MinJobAge seconds). Daemons already running
# are left as they are; it leaves the daemons running.
set -euo pipefail
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmd slurmctld munge >/dev/null
fi
H=$(hostname -s)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
cat > /etc/slurm/slurm.conf <<C
ClusterName=local
SlurmctldHost=$H
ProctrackType=proctrack/linuxproc
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SlurmUser=root
SwitchType=switch/none
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$H CPUs=$(nproc) RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
C
if [ ! -f /etc/munge/munge.key ]; then
	dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
	chown munge:munge /etc/munge/munge.key
	chmod 400 /etc/munge/munge.key
fi
chown munge:munge /run/munge
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld -i
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
# Bounded wait for the node to take jobs.
for _ in $(seq 60); do
	state=$(sinfo -h -N -o %T 2>/dev/null || true)
	case "$state" in idle*|mixed*|allocated*) sinfo; exit 0 ;; esac
	sleep 0.5
done
echo "slurm-one-node: the node is not up after 30 s (state: ${state:-none})" >&2
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
