"""What the sandboxed child sends back: plain values under string keys, in one ``.npz``.

Arrays (numbers or booleans only) are stored as arrays; everything else (numbers, strings,
lists, dicts, None, and the errors the student's code raised) goes into one JSON document kept
in the same file. The parent reads it with ``allow_pickle=False``: no object the child made is
ever unpickled or executed.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_FILE_BYTES = 64 * 2**20  # larger result files are refused (nothing we collect is this big)
_META = "__meta__"
_ARRAY_PREFIX = "array:"
_NUMERIC_KINDS = "biuf"


@dataclass(frozen=True)
class ErrorInfo:
    """An exception raised by the student's code, as text."""

    type: str  # exception class name, e.g. "ValueError"
    message: str  # first lines of str(exception)
    where: str = ""  # "part2_vae.py, line 12" (innermost frame in the submission)

    def __str__(self) -> str:
        text = f"{self.type}: {self.message}" if self.message else self.type
        return f"{text} ({self.where})" if self.where else text


class Observations:
    """Key -> plain value or ErrorInfo. Keys are dotted names chosen by each check module."""

    def __init__(self, values: dict | None = None, errors: dict | None = None):
        self.values: dict[str, object] = dict(values or {})
        self.errors: dict[str, ErrorInfo] = dict(errors or {})

    def put(self, key: str, value: object) -> None:
        self.values[key] = value

    def put_error(self, key: str, error: ErrorInfo) -> None:
        self.errors[key] = error

    def has(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)

    def array(self, key: str) -> np.ndarray | None:
        value = self.values.get(key)
        return value if isinstance(value, np.ndarray) else None

    def error(self, key: str) -> ErrorInfo | None:
        return self.errors.get(key)

    def first_error(self) -> ErrorInfo | None:
        return next(iter(self.errors.values()), None)

    # ------------------------------------------------------------------ encoding

    def to_bytes(self) -> bytes:
        arrays, meta = {}, {"values": {}, "errors": {}}
        for key, value in self.values.items():
            if isinstance(value, np.ndarray):
                arrays[_ARRAY_PREFIX + key] = value
            else:
                meta["values"][key] = value
        for key, error in self.errors.items():
            meta["errors"][key] = [error.type, error.message, error.where]
        text = json.dumps(meta, allow_nan=True, default=_json_default)
        arrays[_META] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    def save(self, path: Path) -> None:
        """Write atomically (a temporary name, then rename)."""
        data = self.to_bytes()
        tmp = Path(f"{path}.part")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)


def load_observations(path: Path) -> Observations:
    """Read a child's result file; raises ValueError when it is too big or malformed.

    Trusts nothing in the file: only a regular file (no symlink, FIFO or device) of at most
    MAX_FILE_BYTES; at most MAX_MEMBERS arrays whose *declared* uncompressed sizes add up to at
    most MAX_FILE_BYTES; each array's dtype and shape read from its own header (numeric or
    boolean, no object, no structured dtype) and checked against its member's size before any
    data is read; the metadata must be JSON with the declared layout.
    """
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("result file is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(f"result file of {info.st_size} bytes (limit {MAX_FILE_BYTES})")
    with open(path, "rb") as handle:
        return _from_handle(handle)


def observations_from_bytes(data: bytes) -> Observations:
    """:func:`load_observations` of a result received as bytes (the child's report pipe), with
    the same bounds; ValueError when it is too big or malformed."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"result of {len(data)} bytes (limit {MAX_FILE_BYTES})")
    return _from_handle(io.BytesIO(data))


def _from_handle(handle) -> Observations:
    arrays = _read_arrays(handle)
    if _META not in arrays:
        raise ValueError("result file without its metadata")
    meta_array = arrays.pop(_META)
    if meta_array.dtype != np.uint8 or meta_array.ndim != 1:
        raise ValueError("result metadata is not UTF-8 bytes")
    meta = json.loads(meta_array.tobytes().decode("utf-8"))
    if not isinstance(meta, dict):
        raise ValueError("result metadata is not a JSON object")
    raw_values, raw_errors = meta.get("values", {}), meta.get("errors", {})
    if not isinstance(raw_values, dict) or not isinstance(raw_errors, dict):
        raise ValueError("result metadata: values and errors must be objects")
    values = dict(raw_values)
    for name, array in arrays.items():
        if not name.startswith(_ARRAY_PREFIX):
            raise ValueError(f"result file: unexpected member {name[:80]!r}")
        values[name[len(_ARRAY_PREFIX) :]] = array
    errors = {}
    for key, value in raw_errors.items():
        if not isinstance(value, list) or not value:
            raise ValueError(f"result metadata: error {key[:80]!r} is not a list")
        errors[key] = ErrorInfo(*(str(v)[:_MAX_TEXT] for v in value[:3]))
    return Observations(values, errors)


MAX_MEMBERS = 4096
_MAX_TEXT = 20_000


def _read_arrays(handle) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` open in ``handle``, read with the bounds of load_observations."""
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as err:
        raise ValueError(f"result file is not an npz archive ({err})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ValueError(f"result file with {len(members)} members (limit {MAX_MEMBERS})")
        declared = sum(m.file_size for m in members)
        if declared > MAX_FILE_BYTES:
            raise ValueError(f"result file expands to {declared} bytes (limit {MAX_FILE_BYTES})")
        arrays = {}
        for member in members:
            if not member.filename.endswith(".npy") or member.flag_bits & 0x1:
                raise ValueError(f"result file: member {member.filename[:80]!r} is not an array")
            with archive.open(member) as data:
                arrays[member.filename[: -len(".npy")]] = _read_array(data, member)
        return arrays


def _read_array(data, member: zipfile.ZipInfo) -> np.ndarray:
    version = np.lib.format.read_magic(data)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(data)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(data)
    else:
        raise ValueError(f"{member.filename[:80]}: unknown .npy version {version}")
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in _NUMERIC_KINDS:
        raise ValueError(f"{member.filename[:80]}: non-numeric array of dtype {dtype}")
    count = 1
    for dim in shape:
        count *= int(dim)
    nbytes = count * dtype.itemsize
    if nbytes > member.file_size or nbytes > MAX_FILE_BYTES:
        raise ValueError(f"{member.filename[:80]}: header claims {nbytes} bytes of data")
    buffer = data.read(nbytes)
    if len(buffer) != nbytes:
        raise ValueError(f"{member.filename[:80]}: truncated array data")
    array = np.frombuffer(buffer, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return array.copy()


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, set)):
        return list(value)
    return repr(value)
