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
    """Read a child's result file; raises ValueError when it is too big or malformed."""
    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"result file of {size} bytes (limit {MAX_FILE_BYTES})")
    with np.load(path, allow_pickle=False) as archive:
        if _META not in archive.files:
            raise ValueError("result file without its metadata")
        meta = json.loads(archive[_META].tobytes().decode("utf-8"))
        values = dict(meta.get("values", {}))
        for name in archive.files:
            if name.startswith(_ARRAY_PREFIX):
                array = archive[name]
                if array.dtype.kind not in _NUMERIC_KINDS:
                    raise ValueError(f"{name}: non-numeric array of dtype {array.dtype}")
                values[name[len(_ARRAY_PREFIX) :]] = array
    errors = {k: ErrorInfo(*map(str, v[:3])) for k, v in meta.get("errors", {}).items()}
    return Observations(values, errors)


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, set)):
        return list(value)
    return repr(value)
