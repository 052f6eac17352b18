"""How many CPUs this process may really use: affinity and the cgroup CPU quota (v2 or v1).

``os.cpu_count()`` counts the machine's CPUs; under ``taskset`` or in a container limited to half
a CPU (Gradescope's default) it overstates what grading gets, and starting more workers than
CPUs only adds memory. Containers on a cgroup v2 host see their quota in ``cpu.max``; on a
cgroup v1 host (Docker there) in ``cpu/cpu.cfs_quota_us`` over ``cpu/cpu.cfs_period_us``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"
# cgroup v1: the cpu controller's folder, mounted alone or together with cpuacct
CFS_FOLDERS = (Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup/cpu,cpuacct"))


def available_cpus(cpu_max: Path = CPU_MAX, cfs_folders: Sequence[Path] = CFS_FOLDERS) -> float:
    """CPUs this process may use (> 0, may be fractional, e.g. 0.5): the smaller of its CPU
    affinity and the cgroup quota: v2's read from ``cpu_max``, else v1's from the first of
    ``cfs_folders`` that has one (each ignored when absent or unlimited)."""
    try:
        cpus = float(len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        cpus = float(os.cpu_count() or 1)
    quota = cgroup_quota(cpu_max)
    if quota is None:
        quota = cfs_quota(cfs_folders)
    if quota is not None:
        cpus = min(cpus, quota)
    return max(cpus, 0.01)


def cgroup_quota(cpu_max: Path = CPU_MAX) -> float | None:
    """quota / period from a cgroup v2 ``cpu.max`` file, in CPUs; None when unlimited or unread."""
    try:
        fields = cpu_max.read_text(encoding="ascii").split()
    except OSError:
        return None
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        quota, period = float(fields[0]), float(fields[1])
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def cfs_quota(folders: Sequence[Path] = CFS_FOLDERS) -> float | None:
    """cgroup v1's ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` in CPUs, from the first folder
    holding both; None when none does or the quota is unlimited (-1) or unreadable."""
    for folder in folders:
        try:
            quota = int((folder / "cpu.cfs_quota_us").read_text(encoding="ascii").strip())
            period = int((folder / "cpu.cfs_period_us").read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        return quota / period if quota > 0 and period > 0 else None
    return None
