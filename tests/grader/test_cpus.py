"""grader/cpus.py: the CPUs grading may use (affinity and the cgroup v2 quota)."""

from __future__ import annotations

import os

import pytest

from grader.cpus import available_cpus, cgroup_quota


@pytest.mark.parametrize(
    ("text", "expected"),
    [("50000 100000\n", 0.5), ("200000 100000", 2.0), ("max 100000\n", None), ("junk", None)],
)
def test_cgroup_quota_reads_quota_over_period(tmp_path, text, expected):
    """Is cpu.max's "quota period" read as quota/period CPUs, "max" as no limit?"""
    path = tmp_path / "cpu.max"
    path.write_text(text, encoding="ascii")
    assert cgroup_quota(path) == expected


def test_missing_cpu_max_means_no_quota(tmp_path):
    """Without a cpu.max file (cgroup v1, not Linux), is there no quota?"""
    assert cgroup_quota(tmp_path / "absent") is None


def test_available_cpus_is_the_smaller_of_affinity_and_quota(tmp_path):
    """Half a CPU of quota gives 0.5; no quota gives the affinity's count (not cpu_count)."""
    half = tmp_path / "cpu.max"
    half.write_text("50000 100000\n", encoding="ascii")
    assert available_cpus(half) == 0.5
    assert available_cpus(tmp_path / "absent") == float(len(os.sched_getaffinity(0)))


def test_affinity_of_one_cpu_is_seen(tmp_path):
    """Pinned to one CPU (like taskset -c 0), does it say 1 even on a bigger machine?"""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        assert available_cpus(tmp_path / "absent") == 1.0
    finally:
        os.sched_setaffinity(0, before)
