"""Where a PostgreSQL load's CPU goes: runs one command against a running cluster and prints
its wall time, the command's own CPU (user+sys of it and its children) and the CPU of the
server's backends (the postmaster's reaped children: a backend's CPU is added to the
postmaster's cutime/cstime when its connection ends, so it must end before we read).
Usage: pg_cpu_split.py POSTMASTER_PID -- COMMAND...   (issue 23: why 2 connections scale poorly)"""
import os, resource, subprocess, sys, time

pid = int(sys.argv[1])
cmd = sys.argv[sys.argv.index("--") + 1:]
tick = os.sysconf("SC_CLK_TCK")


def reaped():
    # /proc/PID/stat fields 16, 17: cutime, cstime (after the ") " that ends the command name).
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[13]) + int(f[14])) / tick


before = reaped()
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
rc = subprocess.run(cmd).returncode
wall = time.monotonic() - t0
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
time.sleep(0.5)  # the backends' exits reach the postmaster
ours = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
server = reaped() - before
print(f"exit {rc}  wall {wall:.2f} s  client CPU {ours:.2f} s ({ours / wall:.2f} cores)  "
      f"server backends CPU {server:.2f} s ({server / wall:.2f} cores)  peak RSS {r1.ru_maxrss / 1024:.0f} MB")
