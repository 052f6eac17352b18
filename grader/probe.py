"""Calling student code from a worker of the sandboxed child and recording plain results.

Every interaction with an object the submission made goes through :meth:`Probe.attempt`: an
exception (``SystemExit`` included) is recorded under the probe's key as text and the check goes
on with its other probes. What is recorded is plain: arrays of numbers, numbers, strings, lists.
A Probe is a :class:`tp_ae.selfcheck.collect.Recording`: the collectors of
``tp_ae.selfcheck.collect``, shared with the release's self-check, record through it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

import numpy as np

from grader import protocol
from grader.observations import ErrorInfo, Observations
from tp_ae.selfcheck.recorder import as_array

_MESSAGE_CHARS = 400


class Probe:
    """Records values and errors into an Observations, naming the student's line on errors
    (a :class:`tp_ae.selfcheck.collect.Recording`)."""

    def __init__(self, observations: Observations, student_files: set[str]):
        self.observations = observations
        self.student_files = student_files

    def attempt(self, key: str, thunk: Callable[[], object]) -> tuple[bool, object]:
        """Run ``thunk``; on any exception record it under ``key`` and return (False, None)."""
        try:
            return True, thunk()
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends are the student's
            self.observations.put_error(key, describe_exception(exc, self.student_files))
            return False, None

    def record_array(self, key: str, thunk: Callable[[], object]) -> np.ndarray | None:
        """Run ``thunk`` and record its result as an array of numbers (None when it fails)."""
        ok, value = self.attempt(key, lambda: as_array(thunk()))
        if ok:
            self.observations.put(key, value)
        return value if ok else None

    def put(self, key: str, value: object) -> None:
        self.observations.put(key, value)

    def call(self, key: str, fn: Callable, *args, **kwargs) -> tuple[bool, object]:
        """``fn(*args, **kwargs)``; when the keyword names are refused (TypeError naming one),
        retry positionally and record ``<key>.positional`` = True (a signature mismatch)."""
        try:
            return True, fn(*args, **kwargs)
        except TypeError as exc:
            binding_failed = exc.__traceback__ is not None and exc.__traceback__.tb_next is None
            if kwargs and binding_failed and "keyword argument" in safe_text(exc):
                self.observations.put(protocol.SIGNATURE, _signature_note(exc))
                return self.attempt(key, lambda: fn(*args, *kwargs.values()))
            self.observations.put_error(key, describe_exception(exc, self.student_files))
            return False, None
        except BaseException as exc:  # noqa: BLE001
            self.observations.put_error(key, describe_exception(exc, self.student_files))
            return False, None


def describe_exception(exc: BaseException, student_files: set[str]) -> ErrorInfo:
    """Exception as text, located at the innermost frame that belongs to the submission."""
    if isinstance(exc, SystemExit):
        message = f"the code called sys.exit({safe_text(exc.code, repr)})"
    else:
        lines = safe_text(exc).strip().splitlines()
        message = " ".join(line.strip() for line in lines[:3])
        if len(message) > _MESSAGE_CHARS:
            message = message[: _MESSAGE_CHARS - 3] + "..."
    where = ""
    try:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename in student_files:
                where = f"{frame.f_code.co_filename}, line {lineno}"
    except Exception:  # noqa: BLE001 - a doctored traceback: no location, still the student's
        where = ""
    name = safe_text(type(exc), lambda cls: type.__dict__["__name__"].__get__(cls))
    return ErrorInfo(name, message, where)


def safe_text(value: object, render: Callable[[object], object] = str) -> str:
    """``render(value)`` as a plain ``str``, whatever the student's object does: a ``__str__``
    or ``__repr__`` that raises, loops into RecursionError or returns a str subclass."""
    try:
        text = render(value)
        if isinstance(text, str):
            return str.__str__(text)[: _MESSAGE_CHARS * 4]
    except BaseException:  # noqa: BLE001 - the student's object, the student's problem
        pass
    return "<its message could not be printed>"


def _signature_note(exc: TypeError) -> str:
    return str(exc).splitlines()[0] if str(exc) else "keyword argument refused"
