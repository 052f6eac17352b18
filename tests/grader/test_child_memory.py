"""The zygote gives back the clean file pages its imports left resident (issue 15: 768 MB)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader._child import _clean_file_regions

PROJECT = Path(__file__).resolve().parents[2]

SMAPS = """\
7f0000000000-7f0000003000 r-xp 00000000 08:01 1234 /lib/libtensorflow_cc.so.2
Rss:                  12 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
7f0000003000-7f0000004000 r--p 00003000 08:01 1234 /lib/libtensorflow_cc.so.2
Rss:                   4 kB
Anonymous:             4 kB
VmFlags: rd mr mw me
7f0000004000-7f0000005000 rw-p 00004000 08:01 1234 /lib/libtensorflow_cc.so.2
Rss:                   4 kB
Anonymous:             0 kB
VmFlags: rd wr mr mw me
7f0000005000-7f0000006000 r--p 00000000 08:01 99 /lib/locked.so
Rss:                   4 kB
Anonymous:             0 kB
VmFlags: rd mr mw me lo
7f0000006000-7f0000007000 r--s 00000000 08:01 77 /dev/shm/shared
Rss:                   4 kB
Anonymous:             0 kB
VmFlags: rd sh mr mw me
7f0000007000-7f0000009000 rw-p 00000000 00:00 0
Rss:                   8 kB
Anonymous:             8 kB
VmFlags: rd wr mr mw me ac
7f0000009000-7f000000a000 r--p 00000000 08:01 55 /lib/untouched.so
Rss:                   0 kB
Anonymous:             0 kB
VmFlags: rd mr mw me
"""


def test_only_read_only_private_file_regions_never_written_are_dropped():
    """Of a code region, a relocated (written) one, a writable one, a locked one, a shared
    one, an anonymous one and one with nothing resident, is only the code region chosen?"""
    assert _clean_file_regions(SMAPS) == [(0x7F0000000000, 0x7F0000003000, 12)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise: Linux")
def test_dropped_pages_leave_the_process_and_read_back_unchanged(tmp_path):
    """After a read-only private map of a file is read, does _drop_clean_file_pages take its
    pages out of the process (Rss) while the bytes still read back the same?"""
    data = tmp_path / "data.bin"
    data.write_bytes(bytes(range(256)) * 4096 * 4)  # 4 MB
    script = textwrap.dedent(
        f"""
        import ctypes, mmap, os
        from grader._child import _drop_clean_file_pages

        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                              ctypes.c_int, ctypes.c_long]
        fd = os.open({str(data)!r}, os.O_RDONLY)
        size = os.fstat(fd).st_size
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_PRIVATE, fd, 0)
        os.close(fd)
        before = ctypes.string_at(address, size)

        def rss_kb():
            lines = open("/proc/self/smaps").read().splitlines()
            for i, line in enumerate(lines):
                if line.split("-")[0] == format(address, "x"):
                    return next(int(x.split()[1]) for x in lines[i + 1:] if x.startswith("Rss:"))

        resident = rss_kb()
        dropped = _drop_clean_file_pages()
        print(resident, rss_kb(), dropped, ctypes.string_at(address, size) == before)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}  # this checkout's grader
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    resident, after, dropped, same = done.stdout.split()
    assert int(resident) >= 4000 and int(after) < 1000  # 4 MB read in, then given back
    assert int(dropped) >= 4 and same == "True"
