"""How many CPUs this process may really use: affinity and the cgroup v2 CPU quota.

``os.cpu_count()`` counts the machine's CPUs; under ``taskset`` or in a container limited to half
a CPU (Gradescope's default) it overstates what grading gets, and starting more workers than
CPUs only adds memory.
"""

from __future__ import annotations

import os
from pathlib import Path

CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"


def available_cpus(cpu_max: Path = CPU_MAX) -> float:
    """CPUs this process may use (> 0, may be fractional, e.g. 0.5): the smaller of its CPU
    affinity and the cgroup v2 quota/period read from ``cpu_max`` (ignored when absent)."""
    try:
        cpus = float(len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        cpus = float(os.cpu_count() or 1)
    quota = cgroup_quota(cpu_max)
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
