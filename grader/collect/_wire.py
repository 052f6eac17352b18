"""The relay's framing, shared by the stubs in the sandbox and the trusted reference process.

One message: a 4-byte big-endian length, a JSON header of that many bytes (at most
:data:`MAX_HEADER_BYTES`), then the raw float32 bytes (C order) of the arrays whose shapes the
header lists under ``shapes``. No formula here: this module exists on both sides.
"""

from __future__ import annotations

import json
import math
import socket
import struct

import numpy as np

MAX_HEADER_BYTES = 4096
_LENGTH = struct.Struct(">I")


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    """``n`` bytes from the stream; EOFError when it closes first."""
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 2**20))
        if not chunk:
            raise EOFError("channel closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_header(sock: socket.socket) -> object:
    """The next message's JSON header; EOFError on a closed stream, ValueError on a bad one."""
    (length,) = _LENGTH.unpack(recv_exactly(sock, _LENGTH.size))
    if length > MAX_HEADER_BYTES:
        raise ValueError(f"header of {length} bytes (limit {MAX_HEADER_BYTES})")
    return json.loads(recv_exactly(sock, length).decode("utf-8"))


def read_arrays(sock: socket.socket, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """The float32 arrays of the (already checked) ``shapes`` that follow a header."""
    arrays = []
    for shape in shapes:
        nbytes = math.prod(shape) * 4
        data = recv_exactly(sock, nbytes) if nbytes else b""
        arrays.append(np.frombuffer(data, dtype=np.float32).reshape(shape))
    return arrays


def send_message(sock: socket.socket, header: dict, arrays=()) -> None:
    """One message: ``header`` with ``shapes`` set from ``arrays``, then their float32 bytes."""
    arrays = [np.asarray(a, dtype=np.float32, order="C") for a in arrays]
    header = {**header, "shapes": [list(a.shape) for a in arrays]}
    text = json.dumps(header).encode("utf-8")
    sock.sendall(b"".join([_LENGTH.pack(len(text)), text, *(a.tobytes() for a in arrays)]))
