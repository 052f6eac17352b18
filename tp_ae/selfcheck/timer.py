"""A time limit for one question, in this process: SIGALRM where it exists.

Windows has no SIGALRM, and signals only reach the main thread: there (or when
``seconds`` is 0) the limit is not enforced, and :func:`time_limit` says so through
``enforced``. A question that runs past its limit raises :class:`TimeLimit` inside the
student's code; the recorder lets it through so that the whole question stops.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimit(BaseException):  # noqa: N818 - not an error of the student's code
    """The question ran past its time limit."""


def can_enforce() -> bool:
    """True when a time limit can interrupt running code here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Raise TimeLimit in the running code after ``seconds``; yields whether it is enforced."""
    if seconds <= 0 or not can_enforce():
        yield False
        return

    def expire(signum, frame):
        raise TimeLimit(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
