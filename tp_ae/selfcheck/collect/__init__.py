"""What each question's student function is called with and what is recorded of it: one module
per question id, ``tp_ae/selfcheck/collect/<question_id>.py``, shared by the grader's sandboxed
child (``grader/collect/<question_id>.py``, recording through ``grader.probe.Probe``) and the
release's self-check (``tp_ae/selfcheck/checks/<question_id>.py``, through
``tp_ae.selfcheck.recorder.Recorder``).

Each module defines ``collect(fn, inputs, rec)``: ``fn`` is the student's function, ``inputs``
the question's seeded test inputs (the arrays of its ``make_inputs``, by name), ``rec`` a
:class:`Recording`. Nothing here computes an expected answer: the calls, their arguments and
what is recorded of them (arrays of numbers, numbers, strings, lists) are all the same on both
sides, so that the grader and the self-check judge the same observations. Keras and TensorFlow
are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Recording(Protocol):
    """What the collectors record through: ``grader.probe.Probe`` and
    ``tp_ae.selfcheck.recorder.Recorder`` both are one. Every call of student code goes through
    ``call`` or ``attempt``: an exception is recorded under the key (as text) and the collector
    goes on."""

    def call(self, key: str, fn: Callable, *args, **kwargs) -> tuple[bool, object]:
        """``fn(*args, **kwargs)``, retried positionally when the keyword names are refused;
        (True, its result), or (False, None) with the exception recorded under ``key``."""
        ...

    def attempt(self, key: str, thunk: Callable[[], object]) -> tuple[bool, object]:
        """``thunk()``: (True, its result), or (False, None) with the exception recorded."""
        ...

    def record_array(self, key: str, thunk: Callable[[], object]) -> object:
        """``thunk()`` recorded under ``key`` as an array of numbers; the array, or None (the
        exception, or a result that is not numbers, recorded as an error)."""
        ...

    def put(self, key: str, value: object) -> None:
        """Record a plain value (numbers, strings, lists, dicts, arrays) under ``key``."""
        ...
