"""grader/sandbox.py and grader/observations.py: the parent trusts nothing the child sends back."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from grader import protocol
from grader.observations import MAX_FILE_BYTES, Observations, load_observations
from grader.sandbox import _accept_frame, _read_frames


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
    "header",
    [
        {"status": "ok"},
        {"protocol": protocol.VERSION, "status": "great"},
        {"protocol": protocol.VERSION, "status": "ok", "seconds": "NaN"},
        {"protocol": protocol.VERSION, "status": "ok", "seconds": -1},
        {"protocol": protocol.VERSION, "status": "ok"},  # its payload is no npz
        {"protocol": 99, "status": "timeout"},
        {"protocol": protocol.VERSION, "status": "timeout", "detail": ["x"]},
    ],
)
def test_a_forged_or_broken_outcome_is_that_questions_failure(header):
    """Does each malformed outcome frame become 'exited' for its task only, never an
    exception, and a frame naming no pending task get dropped?"""
    pending = {"0.kl_divergence": (0, "kl_divergence"), "1.add_noise": (1, "add_noise")}
    started: dict[str, int] = {}
    frame = ({**header, "event": "outcome", "key": "0.kl_divergence"}, b"garbage")
    (key, outcome), *rest = list(_accept_frame(frame, pending, started))
    assert key == "0.kl_divergence" and not rest
    assert outcome.status == "exited" and "could not be read back" in outcome.detail
    good = {"event": "outcome", "key": "1.add_noise", "protocol": protocol.VERSION}
    good.update(status="timeout", detail="stopped", seconds=3)
    ((_, timed_out),) = _accept_frame((good, b""), pending, started)
    assert timed_out.status == "timeout" and timed_out.seconds == 3.0
    assert list(_accept_frame(({**good, "key": "7.vae_loss"}, b""), pending, started)) == []
    assert list(_accept_frame((["not", "a", "dict"], b""), pending, started)) == []


def test_a_genuine_result_comes_back_through_the_report_pipe():
    """Do a start and an ok outcome with its result bytes cross the pipe, and does a broken
    frame end the stream (the rest cannot be trusted) without an exception?"""
    import queue

    obs = Observations()
    obs.put("x", np.arange(3, dtype=np.float32))
    read, write = os.pipe()
    protocol.write_frame(write, {"event": "started", "key": "0.add_noise", "pid": 7})
    outcome = {"event": "outcome", "key": "0.add_noise", "protocol": protocol.VERSION}
    outcome.update(status="ok", detail="", seconds=1.5, tripped=[])
    protocol.write_frame(write, outcome, obs.to_bytes())
    os.write(write, (10**9).to_bytes(4, "big"))  # a header longer than allowed
    os.close(write)
    frames: queue.Queue = queue.Queue()
    _read_frames(read, frames)
    got = [frames.get_nowait() for _ in range(frames.qsize())]
    assert len(got) == 3  # two frames, then the end marker
    pending, started = {"0.add_noise": (0, "add_noise")}, {}
    assert list(_accept_frame(got[0], pending, started)) == [] and started == {"0.add_noise": 7}
    ((_, result),) = _accept_frame(got[1], pending, started)
    assert result.status == "ok" and result.observations.array("x").dtype == np.float32


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
