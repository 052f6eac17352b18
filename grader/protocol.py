"""The declared, versioned messages from the grading child to the parent (issue 10, 11).

The child (:mod:`grader._child`) writes *frames* on a pipe that only it holds (its workers
close it before any student code runs: nothing a worker writes in the job folder is read).
A frame is a 4-byte big-endian length, a JSON object of that many bytes (at most
:data:`MAX_HEADER_BYTES`), then ``payload_bytes`` raw bytes (at most
:data:`MAX_PAYLOAD_BYTES`, declared before they are read). The parent (:mod:`grader.sandbox`)
trusts none of it. Two kinds, by ``event``:

1. ``"started"``: ``key`` (the task, "<submission index>.<question id>") and ``pid`` (the
   worker's, in the child's pid namespace); ``"alive"``: nothing (every 2 s: a child that
   goes silent, stopped by a worker's SIGSTOP, is killed);
2. ``"outcome"``: ``key``, ``protocol`` (:data:`VERSION`), ``status`` (one of
   :data:`STATUSES`), ``detail`` (str), ``seconds`` (finite float >= 0), ``tripped`` (list of
   str); for status ``ok`` the payload is the result: an
   :class:`grader.observations.Observations` (``.npz`` bytes), holding the check's own keys plus
   the reserved keys below, whose types :func:`check_reserved` enforces.

The reserved keys keep the spellings the scoring code already reads; read them through these
constants (``obs.get(protocol.LOAD_ERRORS)``), never by their literal text.
"""

from __future__ import annotations

import json
import os
import struct

VERSION = 2
MAX_HEADER_BYTES = 65536
MAX_PAYLOAD_BYTES = 64 * 2**20  # grader.observations.MAX_FILE_BYTES
_LENGTH = struct.Struct(">I")
OK, TIMEOUT, MEMORY, EXITED = "ok", "timeout", "memory", "exited"  # a task's outcome
STATUSES: tuple[str, ...] = (OK, TIMEOUT, MEMORY, EXITED)

LOAD_ERRORS = "__load_errors__"  # list[str]: statements of the submission that raised at load
FOUND_IN = "__found_in__"  # str | None: the module the question's function was found in
HARNESS_ERROR = "__harness_error__"  # str: traceback of a failure of the grader's own code
SANDBOX_USER_ENV = "TP_AE_SANDBOX_USER"  # as root: the user the workers become (separate-uid)
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


def write_frame(fd: int, header: dict, payload: bytes = b"") -> None:
    """One frame on ``fd`` (blocking): length, JSON ``header`` (with ``payload_bytes``), data."""
    text = json.dumps({**header, "payload_bytes": len(payload)}).encode("utf-8")
    data = _LENGTH.pack(len(text)) + text + payload
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_frame(stream) -> tuple[dict, bytes] | None:
    """The next frame from a binary ``stream`` (header, payload); None at the end of the stream.
    ProtocolError for a frame that breaks the layout or the limits (the stream is then unusable).
    """
    prefix = _read_exactly(stream, _LENGTH.size, allow_eof=True)
    if prefix is None:
        return None
    (length,) = _LENGTH.unpack(prefix)
    if length > MAX_HEADER_BYTES:
        raise ProtocolError(f"a frame header of {length} bytes")
    try:
        header = json.loads(_read_exactly(stream, length).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise ProtocolError(f"a frame header that is not JSON ({err})") from None
    size = header.get("payload_bytes") if isinstance(header, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_PAYLOAD_BYTES:
        raise ProtocolError("a frame without a valid payload size")
    return header, _read_exactly(stream, size)


def _read_exactly(stream, n: int, allow_eof: bool = False) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            if allow_eof and left == n:
                return None
            raise ProtocolError("the stream ended inside a frame")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
