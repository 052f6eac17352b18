"""grader/sandbox.py and grader/observations.py: the parent trusts nothing the child sends back."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from grader.observations import MAX_FILE_BYTES, Observations, load_observations
from grader.sandbox import _read_new_outcomes


def _npz(path, members: dict[str, bytes], compress: bool = False) -> None:
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", mode) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


META = _npy(np.frombuffer(json.dumps({"values": {}, "errors": {}}).encode(), dtype=np.uint8))


def test_a_genuine_result_round_trips_with_its_real_dtype(tmp_path):
    """Do values, errors and arrays come back, each array with the dtype of its own header?"""
    obs = Observations()
    obs.put("loss", np.arange(6, dtype=np.float64).reshape(2, 3))
    obs.put("name", "x")
    path = tmp_path / "r.npz"
    obs.save(path)
    back = load_observations(path)
    assert back.array("loss").dtype == np.float64 and back.array("loss").shape == (2, 3)
    assert back.get("name") == "x"


def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    """Is a 2 MB file that expands to 2 GiB refused from its declared size, quickly?"""
    path = tmp_path / "bomb.npz"
    big = np.zeros(2**28, dtype=np.float64)  # 2 GiB uncompressed
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__meta__.npy", META)
        with archive.open("array:x.npy", "w", force_zip64=True) as member:
            member.write(_header(big))
            chunk = bytes(2**24)
            for _ in range(2**31 // 2**24):
                member.write(chunk)
    assert path.stat().st_size < 16 * 2**20
    with pytest.raises(ValueError, match="expands to"):
        load_observations(path)


def _header(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, np.lib.format.header_data_from_array_1_0(array))
    return buffer.getvalue()  # magic string and header


@pytest.mark.parametrize(
    "member, message",
    [
        (_npy(np.array([object()], dtype=object)), "non-numeric"),
        (_npy(np.array([("a", 1)], dtype=[("s", "U1"), ("i", "i4")])), "non-numeric"),
        (_header(np.zeros(10**6)) + b"\0" * 16, "header claims"),
    ],
    ids=["object", "structured", "lying-header"],
)
def test_object_structured_and_lying_arrays_are_refused(tmp_path, member, message):
    """Are object, structured and header-lies-about-size arrays refused without unpickling?"""
    path = tmp_path / "r.npz"
    _npz(path, {"__meta__.npy": META, "array:x.npy": member})
    with pytest.raises(ValueError, match=message):
        load_observations(path)


def test_links_fifos_and_oversized_files_are_refused(tmp_path):
    """Is a symlinked, FIFO or over-the-limit result file refused without being read?"""
    target = tmp_path / "real.npz"
    Observations().save(target)
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    big = tmp_path / "big.npz"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    for path in (link, fifo):
        with pytest.raises(ValueError, match="regular"):
            load_observations(path)
    with pytest.raises(ValueError, match="limit"):
        load_observations(big)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"status": "ok", "result_file": "../../etc/passwd"}',
        '{"status": "great"}',
        '{"status": "ok", "seconds": "NaN", "result_file": "missing.npz"}',
        "[1, 2]",
        '{"protocol": 99, "status": "timeout"}',
    ],
)
def test_a_forged_or_broken_outcome_is_that_questions_failure(tmp_path, text):
    """Does each malformed outcome become 'exited' for its task only, never an exception?"""
    (tmp_path / "outcomes").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "outcomes" / "0.kl_divergence.json").write_text(text)
    (tmp_path / "outcomes" / "1.add_noise.json").write_text(
        json.dumps({"protocol": 1, "status": "timeout", "detail": "stopped", "seconds": 3})
    )
    got = dict(_read_new_outcomes(tmp_path, {"0.kl_divergence": None, "1.add_noise": None}))
    assert got["0.kl_divergence"].status == "exited"
    assert "could not be read back" in got["0.kl_divergence"].detail
    assert got["1.add_noise"].status == "timeout" and got["1.add_noise"].seconds == 3.0


def test_a_students_exception_whose_str_raises_is_still_described_as_theirs():
    """Does an exception whose __str__ raises (or returns a str subclass) give an ErrorInfo?"""
    from grader.probe import describe_exception, safe_text

    class Evil(Exception):
        def __str__(self):
            raise RuntimeError("no")

    class Sneaky(str):
        def strip(self):
            raise RuntimeError("no")

    class Odd(Exception):
        def __str__(self):
            return Sneaky("odd message")

    try:
        raise Evil()
    except Evil as exc:
        info = describe_exception(exc, set())
    assert info.type == "Evil" and "could not be printed" in info.message
    assert describe_exception(Odd(), set()).message == "odd message"
    assert safe_text(SystemExit(Evil())) == "<its message could not be printed>"
