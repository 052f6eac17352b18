"""A progress bar on stderr for batch grading: redrawn in place on a terminal, one line per
submission otherwise (CI logs)."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    """Counts graded submissions out of ``total``; safe to update from several threads."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def update(self, name: str, note: str) -> None:
        """One more submission done: ``note`` says how it went (score, seconds)."""
        with self._lock:
            self.done += 1
            if not self.enabled:
                return
            filled = BAR_WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            elapsed = time.monotonic() - self.started
            line = f"[{bar}] {self.done}/{self.total} {elapsed:5.0f} s  {name}: {note}"
            if self.tty:
                self.stream.write("\r\033[K" + line[:160])
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()
