"""Hostile submissions graded as one batch beside a victim (issue 11): every entry gets a row,
the victim's marks do not move, nothing outside the sandbox is reached, no process is left, and
neither the reference process nor the grader's formulas give away an answer.

Attacks stay on this machine: only 127.0.0.1, bounded loops, at most a few processes.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
import zipfile
from pathlib import Path

import pytest

from grader import isolation
from grader.submission import SubmissionError, batch_entries, read_submission, unique_names

from .corpus_tools import reference_parts

pytestmark = pytest.mark.skipif(
    not isolation.bubblewrap_works(), reason="the attacks below need bubblewrap to fail"
)
QUESTIONS = ("add_noise", "kl_divergence")
TOKEN_ENV = "TP_AE_HOSTILE_TOKEN"

# each attack is a part-2 kl_divergence that tries something and then answers correctly
ATTACKS = {
    "reads_job": """
import glob, os
def kl_divergence(z_mean, z_log_var):
    import tensorflow as tf
    found = []
    for pattern in ("../../job.json", "../../inputs/*", {victim!r} + "/*", {out!r} + "/*"):
        found += glob.glob(pattern)
    for path in found:
        try:
            open(path, "a").write("pwned")
        except OSError:
            pass
    open({leak!r}, "w").write(repr(found))
    return -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=-1)
""",
    "socket": """
def kl_divergence(z_mean, z_log_var):
    import socket, tensorflow as tf
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"job.json")
    except OSError:
        pass
    return -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=-1)
""",
    "forges_outcomes": """
import json, os
def kl_divergence(z_mean, z_log_var):
    import tensorflow as tf
    forged = {{"protocol": 2, "status": "timeout", "detail": "forged", "seconds": 1.0,
              "tripped": [], "result_file": None, "event": "outcome"}}
    for root in ("../..", "../../.."):
        for folder in ("outcomes", "started", "results"):
            os.makedirs(f"{{root}}/{{folder}}", exist_ok=True)
        for i in range(40):
            for q in ("add_noise", "kl_divergence"):
                try:
                    open(f"{{root}}/outcomes/{{i}}.{{q}}.json", "w").write(json.dumps(forged))
                    open(f"{{root}}/started/{{i}}.{{q}}", "w").write("1")
                except OSError:
                    pass
    return -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=-1)
""",
    "stops_the_zygote": """
def kl_divergence(z_mean, z_log_var):
    import os, signal, tensorflow as tf
    os.kill(os.getppid(), signal.SIGSTOP)  # the child that forked this worker
    return -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=-1)
""",
    "daemon": """
def kl_divergence(z_mean, z_log_var):
    import os, time, tensorflow as tf
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(60):
                try:
                    open({out!r} + "/gradebook.csv", "w").write("fake_student,99\\n")
                except OSError:
                    pass
                time.sleep(0.5)
        os._exit(0)
    return -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=-1)
""",
}

# attacks on the answers themselves: each returns the stolen answer if it got one, else zeros
# (wrong values); none may earn the values' points
ANSWER_ATTACKS = {
    "relay_oracle": """
import json, os, socket, struct
import numpy as np
def _ask(sock, mu, lv):
    header = json.dumps({{"fn": "kl_divergence", "op": "value", "params": {{}},
                         "shapes": [list(mu.shape), list(lv.shape)]}}).encode()
    sock.sendall(struct.pack(">I", len(header)) + header + mu.tobytes() + lv.tobytes())
    length = struct.unpack(">I", sock.recv(4))[0]
    if json.loads(sock.recv(length)).get("ok"):
        return np.frombuffer(sock.recv(4 * len(mu)), np.float32)
def kl_divergence(z_mean, z_log_var):
    mu, lv = np.asarray(z_mean, np.float32), np.asarray(z_log_var, np.float32)
    for fd in range(3, 512):
        for how in ("control", "channel"):
            try:
                sock = socket.socket(fileno=os.dup(fd))
                sock.settimeout(2)
                if how == "control":
                    sock.sendall(json.dumps({{"open": "build_vae"}}).encode() + b"\\n")
                    _, fds, _, _ = socket.recv_fds(sock, 3, 1)
                    sock = socket.socket(fileno=fds[0])
                    sock.settimeout(2)
                answer = _ask(sock, mu, lv)
                if answer is not None:
                    return answer
            except Exception:
                pass
    return np.zeros(len(mu), np.float32)
""",
    "grader_formulas": """
import numpy as np
def kl_divergence(z_mean, z_log_var):
    mu, lv = np.asarray(z_mean, np.float64), np.asarray(z_log_var, np.float64)
    try:
        from grader.checks.kl_divergence import expected_kl
        return expected_kl(mu, lv).astype(np.float32)
    except Exception:
        pass
    try:
        namespace = {{}}
        exec(open({checks!r}).read(), namespace)
        return namespace["expected_kl"](mu, lv).astype(np.float32)
    except Exception:
        pass
    return np.zeros(len(mu), np.float32)
""",
}


def _write_batch(root: Path, port: int) -> tuple[Path, Path, Path]:
    batch, out, leak = root / "batch", root / "OUT", root / "leak.txt"
    batch.mkdir()
    out.mkdir()
    parts = reference_parts()
    victim = batch / "victim"
    victim.mkdir()
    for part, text in parts.items():
        (victim / f"{part}.py").write_text(text)
    checks = Path(__file__).resolve().parents[2] / "grader" / "checks" / "kl_divergence.py"
    for name, attack in {**ATTACKS, **ANSWER_ATTACKS}.items():
        folder = batch / f"hostile_{name}"
        folder.mkdir()
        (folder / "part1_autoencoders.py").write_text(parts["part1_autoencoders"])
        code = attack.format(
            victim=str(victim), out=str(out), leak=str(leak), port=port, checks=str(checks)
        )
        (folder / "part2_vae.py").write_text(parts["part2_vae"] + "\n" + code)
    (batch / "_dupont.py").write_text(parts["part2_vae"])
    (batch / "MARTIN.PY").write_text(parts["part2_vae"])
    os.mkfifo(batch / "fifo.py")
    (batch / "zero.py").symlink_to("/dev/zero")
    (batch / "root").symlink_to("/")
    (batch / "empty").mkdir()
    (batch / "deep.py").write_text("X = " + "+".join(["1"] * 100_000) + "\n")
    (batch / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(batch / "crc.zip", "w") as archive:
        archive.writestr("part2_vae.py", parts["part2_vae"])
    data = bytearray((batch / "crc.zip").read_bytes())
    data[data.index(b"def ")] ^= 0x20  # the bytes no longer match their CRC
    (batch / "crc.zip").write_bytes(bytes(data))
    return batch, out, leak


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_a_hostile_batch_grades_every_entry_and_moves_no_victim(tmp_path, monkeypatch):
    """One batch: a row (or a one-line reason) for each entry, the victim at full marks on
    the questions run, no leak, no write outside OUT, no connection, no process left."""
    from grader.config import config_from_mapping
    from grader.grading import grade_submissions

    token = secrets.token_hex(8)
    monkeypatch.setenv(TOKEN_ENV, token)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.5)
    batch, out, leak = _write_batch(tmp_path, server.getsockname()[1])
    victim_files = {p: p.read_bytes() for p in (batch / "victim").iterdir()}
    (out / "gradebook.csv").write_text("before\n")

    entries = batch_entries(batch, exclude=out)
    names = unique_names(entries)
    readable, refused = {}, {}
    started = time.monotonic()
    for name, path in names.items():
        try:
            read_submission(path, name)
            readable[name] = path
        except SubmissionError as err:
            refused[name] = str(err)
    assert time.monotonic() - started < 10  # the FIFO and /dev/zero neither hang nor grow
    assert set(refused) >= {"fifo", "zero", "root", "empty", "bad", "crc"}
    assert all(len(reason.splitlines()) == 1 for reason in refused.values())

    started = time.monotonic()
    results = grade_submissions(readable, config_from_mapping({}), questions=QUESTIONS)
    # a stopped child is noticed by its silence (20 s), not by the batch's deadline (minutes)
    assert time.monotonic() - started < 180
    assert set(results) == set(readable)
    assert {"victim", "dupont", "MARTIN", "deep"} <= set(results)
    victim = {q.question_id: q for q in results["victim"].questions}
    for qid in QUESTIONS:
        assert victim[qid].points_earned == victim[qid].points_possible, victim[qid]
    for name in ATTACKS:
        row = {q.question_id: q for q in results[f"hostile_{name}"].questions}
        assert row["add_noise"].points_earned == row["add_noise"].points_possible
    assert results["deep"].load_error
    stopper = results["hostile_stops_the_zygote"].question("kl_divergence")
    assert stopper.status.value == "exited" and stopper.points_earned == 0  # the culprit only
    for name in ANSWER_ATTACKS:  # no oracle, no formula: the values' points are lost
        kl = results[f"hostile_{name}"].question("kl_divergence")
        values = [c for c in kl.checks if c.name.startswith("values match")]
        assert values and not values[0].passed, (name, kl.output_text())

    with pytest.raises(OSError):  # nothing reached the host's loopback
        server.accept()
    server.close()
    assert not leak.exists()  # the attack could not write outside its sandbox
    assert {p: p.read_bytes() for p in (batch / "victim").iterdir()} == victim_files
    time.sleep(3)  # a daemon would have rewritten the gradebook by now
    assert (out / "gradebook.csv").read_text() == "before\n"
    assert _processes_with(token) == []
