"""Keep TensorFlow's start-up messages off the terminal, and nothing else.

TensorFlow's C++ code writes to the process's standard error (file descriptor 2, below Python's
``sys.stderr``) lines that ``TF_CPP_MIN_LOG_LEVEL`` does not silence: absl's "All log messages
before absl::InitializeLog() ...", oneDNN and CPU-feature notices, "Could not find cuda drivers"
while it is imported; "failed call to cuInit" on its first device query on a machine without a
GPU; grappler's "remapper failed" when a training step is first optimised. None of them is the
student's problem, and they bury the lines that are.

:func:`filtered_stderr` sends file descriptor 2 through a small filter process for the duration
of a ``with`` block: lines matching :data:`NOISE` are dropped, every other line is passed on at
once and in order (a crash's last words too: the filter outlives a process that dies). Importing
``tp_ae`` (any ``tp_ae.*`` module) calls :func:`install`, which wraps the first import of
``keras`` or ``tensorflow`` and its first device query in the filter; ``tp_ae.training`` wraps
training. Set ``TP_AE_TF_LOGS=1`` to see everything. This module never imports TensorFlow.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import re
import sys
from collections.abc import Iterator

__all__ = ["NOISE", "filtered_stderr", "install", "is_noise"]

SHOW_ALL_ENV = "TP_AE_TF_LOGS"  # set to 1: no filtering
ENV_DEFAULTS = {"TF_CPP_MIN_LOG_LEVEL": "2"}  # INFO and WARNING off; errors still shown
FILTER_WAIT_S = 5.0  # at the end of a block, how long to wait for the filter to pass on the rest

# absl's line prefix, TensorFlow >= 2.16 ("E0000 00:00:1796288303.230870   20623 file.cc:52] ")
# and before ("2024-01-31 12:00:00.000000: E tensorflow/.../file.cc:52] ")
_PREFIX = r"^(?:[IWE]\d{4} [\d:.]+\s+\d+ |\d{4}-\d\d-\d\d [\d:.]+: [IWE] )\S+:\d+\] "
NOISE: tuple[str, ...] = (  # regular expressions, each matching one whole line of noise
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$",
    _PREFIX + r"oneDNN custom operations are on\.",
    _PREFIX + r"Could not find cuda drivers on your machine, GPU will not be used\.",
    _PREFIX + r"This TensorFlow binary is optimized to use available CPU instructions",
    r"^To enable the following instructions: [A-Za-z0-9_, ]+ in other operations, rebuild "
    r"TensorFlow with the appropriate compiler flags\.$",
    _PREFIX + r"failed call to cuInit: ",
    _PREFIX + r"remapper failed: ",
    _PREFIX + r"Unable to register cu(?:DNN|FFT|BLAS) factory: ",
    _PREFIX + r"computation placer already registered\.",
    _PREFIX + r"TF-TRT Warning: Could not find TensorRT",
    _PREFIX + r"(?:successful NUMA node read from SysFS|could not open file to read NUMA node)",
)
_NOISE_RE = re.compile("|".join(f"(?:{pattern})" for pattern in NOISE))

# The filter process: reads lines on stdin, writes the others on stdout at once.
_FILTER_CODE = """\
import re, sys
noise = re.compile(sys.argv[1].encode())
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    if not noise.search(line.rstrip(b"\\r\\n")):
        out.write(line)
        out.flush()
"""

_depth = 0  # nesting of filtered_stderr blocks: only the outermost one filters


def is_noise(line: str) -> bool:
    """Whether one line of standard error (without its newline) is known TensorFlow noise."""
    return _NOISE_RE.search(line.rstrip("\r\n")) is not None


@contextlib.contextmanager
def filtered_stderr() -> Iterator[None]:
    """Within the block, drop the :data:`NOISE` lines written to file descriptor 2.

    Everything else written to standard error (by C++ or Python, in the block or by a crash)
    comes out unchanged, in order. Nested blocks share the outer filter. Where file descriptor
    2 cannot be redirected (no such descriptor, no Python to start), or with
    ``TP_AE_TF_LOGS=1``, the block runs unfiltered.
    """
    global _depth
    if _depth or os.environ.get(SHOW_ALL_ENV, "") not in ("", "0"):
        yield
        return
    restore = _start_filter()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if restore is not None:
            restore()


def _start_filter():
    """Point file descriptor 2 at a filter process; returns the function that undoes it, or
    None (and changes nothing) when that is impossible."""
    import subprocess

    if not sys.executable:
        return None
    _flush_stderr()
    try:
        original = os.dup(2)
    except OSError:
        return None
    try:
        read_end, write_end = os.pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _FILTER_CODE, _NOISE_RE.pattern],
                stdin=read_end,
                stdout=original,
                stderr=original,
            )
        finally:
            os.close(read_end)
        os.dup2(write_end, 2)
        os.close(write_end)
    except (OSError, subprocess.SubprocessError):
        os.close(original)
        return None

    def restore() -> None:
        _flush_stderr()
        os.dup2(original, 2)  # closes this process's end of the pipe: the filter sees EOF
        os.close(original)
        try:
            process.wait(timeout=FILTER_WAIT_S)  # it passes on what is left, then exits
        except subprocess.TimeoutExpired:  # a child process still holds the pipe: let it be
            pass

    return restore


def _flush_stderr() -> None:
    with contextlib.suppress(Exception):
        sys.stderr.flush()


def set_env_defaults() -> None:
    """TensorFlow's log level, unless the user chose one (before TensorFlow is imported)."""
    for name, value in ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)


class _QuietFirstImport(importlib.abc.MetaPathFinder):
    """Runs the first import of ``keras`` or ``tensorflow`` (and TensorFlow's first device
    query) inside :func:`filtered_stderr`, then steps out of ``sys.meta_path``."""

    def __init__(self) -> None:
        self._looking = False

    def find_spec(self, fullname, path=None, target=None):  # noqa: D401 - importlib protocol
        if fullname not in ("keras", "tensorflow") or self._looking or _depth:
            return None
        self._looking = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._looking = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        exec_module = spec.loader.exec_module

        def exec_quietly(module) -> None:
            with filtered_stderr():
                exec_module(module)
                _first_device_query()

        spec.loader.exec_module = exec_quietly
        return spec


def _first_device_query() -> None:
    """Ask TensorFlow for its devices once, so that its CUDA probe's errors fall in the filter."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return
    with contextlib.suppress(Exception):
        tf.config.list_physical_devices()


def install() -> None:
    """Set TensorFlow's log level and quieten its first import, unless it is already imported."""
    set_env_defaults()
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        return
    if not any(isinstance(f, _QuietFirstImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietFirstImport())
