"""The declared, versioned messages from the grading child to the parent (issue 10, 11).

Two messages per task, both written by the child (:mod:`grader._child`) and read by the parent
(:mod:`grader.sandbox`), which trusts neither:

1. ``outcomes/<task key>.json``, a JSON object: ``protocol`` (:data:`VERSION`), ``status`` (one
   of :data:`STATUSES`), ``detail`` (str), ``seconds`` (finite float >= 0), ``tripped`` (list of
   str), ``result_file`` (a bare file name in ``results/``, for status ``ok``; else null).
2. the result file: an :class:`grader.observations.Observations` (``.npz``), holding the check's
   own keys plus the reserved keys below, whose types :func:`check_reserved` enforces.

The reserved keys keep the spellings the scoring code already reads; read them through these
constants (``obs.get(protocol.LOAD_ERRORS)``), never by their literal text.
"""

from __future__ import annotations

VERSION = 1
STATUSES: tuple[str, ...] = ("ok", "timeout", "memory", "exited")

LOAD_ERRORS = "__load_errors__"  # list[str]: statements of the submission that raised at load
FOUND_IN = "__found_in__"  # str | None: the module the question's function was found in
HARNESS_ERROR = "__harness_error__"  # str: traceback of a failure of the grader's own code
SIGNATURE = "__signature__"  # str: keyword arguments refused, the call retried positionally
RESERVED: dict[str, tuple[type, ...]] = {
    LOAD_ERRORS: (list,),
    FOUND_IN: (str, type(None)),
    HARNESS_ERROR: (str,),
    SIGNATURE: (str,),
}


class ProtocolError(ValueError):
    """A message from the child that does not follow this protocol."""


def check_reserved(values: dict) -> None:
    """ProtocolError when a reserved key of an observations' values has the wrong type."""
    for key, types in RESERVED.items():
        if key in values and not isinstance(values[key], types):
            raise ProtocolError(f"{key} is a {type(values[key]).__name__}")
    errors = values.get(LOAD_ERRORS, [])
    if not all(isinstance(e, str) for e in errors):
        raise ProtocolError(f"{LOAD_ERRORS} holds something else than text")
