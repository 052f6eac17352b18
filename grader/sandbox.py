"""Running submissions' questions in the sandboxed child, from the parent (no TensorFlow here).

:func:`run_child` assembles, once per run, the only code the child can import
(:func:`assemble_child_code`: ``grader/collect``, the few grader modules the child needs and the
answer-free ``tp_ae``; no reference answer, no ``grader/checks``), writes the job (tasks, one
per (submission, question)) and the drawn inputs to unlinked files, starts the trusted reference
process (:mod:`grader.reference_server`, outside the sandbox) and ``python -m grader._child``
(in the sandbox, :mod:`grader.isolation`), each in its own session, hands the child the files'
descriptors, and reads back from the child's report pipe (:mod:`grader.protocol`) one
:class:`RawOutcome` per task as it finishes: a status and, when the question's worker finished,
the plain observations it recorded. A private folder of the parent holds only the child's log
(and, without bubblewrap, the workers' folders). TensorFlow is imported once per child, however many
submissions it serves. A child that dies is started again for the tasks left: the task that was
running when it died gets ``exited`` (when several were running, they are retried one at a
time, so that only the culprit loses points). The child's process group, every worker's group
and the reference process are killed before returning.
"""

from __future__ import annotations

import json
import math
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader import isolation, protocol
from grader.config import CourseConfig
from grader.observations import Observations, observations_from_bytes
from grader.submission import Submission

STARTUP_SECONDS = 240.0  # importing TensorFlow on a loaded machine; beyond it the child is stuck
SILENCE_SECONDS = 20.0  # no frame (the child beats every 2 s) this long once started: stopped
MAX_SPAWNS = 3  # child processes for a job, on top of one per task that kills its child
PROCESS_HEADROOM = 512  # tasks (processes, threads) a worker may add in the sandbox (RLIMIT_NPROC)
_LOG_TAIL_CHARS = 2000
# the grader modules the child imports (audited: none holds an answer or a formula), and the
# collectors; everything else of grader/ (checks, scoring, reference_server...) stays outside
CHILD_MODULES: tuple[str, ...] = (
    "__init__.py",
    "_child.py",
    "observations.py",
    "probe.py",
    "protocol.py",
    "submission.py",
)
CHILD_PACKAGES: tuple[str, ...] = ("collect",)

Task = tuple[int, str]  # (index of the submission in the job, question id)


class GraderError(RuntimeError):
    """The grader itself could not run (the child cannot start: a broken installation)."""


@dataclass
class RawOutcome:
    """What happened to one task in the child."""

    status: str  # "ok", "timeout", "memory", "exited"
    detail: str = ""
    seconds: float = 0.0
    tripped: list[str] = field(default_factory=list)  # trip-wire reports: "<qid>" or "<qid>:source"
    observations: Observations | None = None


def grader_root() -> Path:
    """The folder holding the ``grader`` and ``tp_ae`` packages this parent runs."""
    return Path(__file__).resolve().parent.parent


def assemble_child_code(dest: Path) -> Path:
    """Write under ``dest`` the only code the child can import: ``grader/`` with
    :data:`CHILD_MODULES` and :data:`CHILD_PACKAGES` (``.py`` files only), and the answer-free
    ``tp_ae`` (:func:`grader.student_package.build_student_package`). Returns ``dest`` (put it on
    the child's path); read-only, readable by all (a sandbox user reads them)."""
    from grader.student_package import build_student_package

    source = Path(__file__).resolve().parent
    package = Path(dest) / "grader"
    package.mkdir(parents=True)
    for name in CHILD_MODULES:
        shutil.copyfile(source / name, package / name)
    for name in CHILD_PACKAGES:
        for path in sorted((source / name).rglob("*.py")):
            target = package / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    build_student_package(Path(dest))
    for path in sorted(Path(dest).rglob("*"), reverse=True):
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    os.chmod(dest, 0o555)
    return Path(dest)


def run_child(
    submissions: list[Submission],
    tasks: list[Task],
    config: CourseConfig,
    inputs: dict[str, dict[str, np.ndarray]],
    *,
    parallel: int = 1,
    threads: int = 1,
    seed: int = 0,
    cancel: threading.Event | None = None,
    on_outcome: Callable[[Task, RawOutcome], None] | None = None,
) -> dict[Task, RawOutcome]:
    """Run ``tasks`` in the child; one RawOutcome per task (``on_outcome`` hears each as soon
    as it is known). ``inputs`` maps each question id to its test inputs.

    Raises GraderError when the child cannot start at all.
    """
    job_dir = Path(tempfile.mkdtemp(prefix="tp-ae-job-"))
    code_dir = Path(tempfile.mkdtemp(prefix="tp-ae-code-"))
    # private; traversable (not listable) when a sandbox user must reach its work folder
    sandboxed = isolation.isolation_level() == "separate-uid"
    os.chmod(job_dir, 0o711 if sandboxed else 0o700)
    outcomes: dict[Task, RawOutcome] = {}

    def record(task: Task, outcome: RawOutcome) -> None:
        outcomes[task] = outcome
        if on_outcome is not None:
            on_outcome(task, outcome)

    try:
        assemble_child_code(code_dir)
        remaining = list(tasks)
        spawns_left = MAX_SPAWNS + len(tasks)
        while remaining and spawns_left > 0:
            spawns_left -= 1
            job = _job_file(submissions, config, remaining, parallel, threads, seed)
            drawn = _inputs_file(inputs, remaining)
            with job, drawn:  # no path: the child reads both through their descriptors
                finished, started = _spawn_and_wait(
                    job_dir, code_dir, (job, drawn), config, remaining, parallel, cancel, record
                )
            if cancel is not None and cancel.is_set():
                break
            died_in = [t for t in remaining if t not in outcomes and _key(t) in started]
            if len(died_in) > 1:  # which one killed it? run them again one at a time
                parallel = 1
            else:
                for task in died_in:
                    record(
                        task,
                        RawOutcome(
                            protocol.EXITED,
                            "the grading process died while this question's code ran",
                        ),
                    )
            if not finished and not died_in:
                raise GraderError(
                    "the grading child process could not start: " + _log_tail(job_dir)
                )
            remaining = [t for t in remaining if t not in outcomes]
        if not (cancel is not None and cancel.is_set()):
            for task in remaining:
                record(task, RawOutcome(protocol.EXITED, "the grading process kept dying; gave up"))
        return outcomes
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
        _remove_tree(code_dir)


def _remove_tree(folder: Path) -> None:
    """rmtree of a folder whose files and folders were made read-only."""
    for path in [folder, *folder.rglob("*")] if folder.exists() else []:
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _key(task: Task) -> str:
    return f"{task[0]}.{task[1]}"


def _job_file(submissions, config, tasks, parallel, threads, seed):
    """The job as JSON in an unlinked temporary file, positioned at its start."""
    questions = sorted({q for _, q in tasks})
    job = {
        "tasks": [{"key": _key(t), "submission": t[0], "question": t[1]} for t in tasks],
        "limits": {
            qid: {
                "timeout_seconds": config[qid].timeout_seconds,
                "memory_mb": config[qid].memory_mb,
            }
            for qid in questions
        },
        "parallel": parallel,
        "threads": threads,
        "seed": seed,
        # bubblewrap only: its own pid and user namespaces count the sandbox's tasks alone
        "process_headroom": PROCESS_HEADROOM
        if isolation.isolation_level() == "bubblewrap"
        else None,
        "submissions": [_submission_spec(s) for s in submissions],
    }
    handle = tempfile.TemporaryFile()
    handle.write(json.dumps(job).encode("utf-8"))
    handle.seek(0)
    return handle


def _inputs_file(inputs: dict[str, dict[str, np.ndarray]], tasks):
    """The tasks' questions' inputs, one npz (``<question_id>/<name>``) in an unlinked file."""
    arrays = {
        f"{qid}/{name}": array
        for qid in sorted({q for _, q in tasks})
        for name, array in inputs[qid].items()
    }
    handle = tempfile.TemporaryFile()
    np.savez(handle, **arrays)
    handle.seek(0)
    return handle


def _submission_spec(submission: Submission) -> dict:
    return {
        "files": [
            {
                "module": f.module,
                "display_name": f.display_name,
                "error": f.error,
                "chunks": [{"filename": c.filename, "text": c.text} for c in f.chunks],
            }
            for f in submission.files
        ]
    }


def _spawn_and_wait(job_dir, code_dir, files, config, tasks, parallel, cancel, record):
    """Run one child (and its reference process) until it ends (or the deadline, or cancel);
    report outcomes as they appear, read from the child's report pipe. Returns (how many tasks
    finished, the keys of the tasks it started)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(code_dir), env.get("PYTHONPATH", "")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if sys.platform == "darwin":  # the child forks after importing TensorFlow
        env.setdefault("OBJC_DISABLE_INITIALIZE_FORK_SAFETY", "YES")
    level = isolation.isolation_level()
    if level != "separate-uid":  # the workers drop to the sandbox user only at that level
        env.pop(protocol.SANDBOX_USER_ENV, None)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    report_read, report_write = os.pipe()
    job_fd, inputs_fd = (f.fileno() for f in files)
    # under bubblewrap the workers' folders are in the sandbox's private /tmp
    work = "/tmp/tp-ae-work" if level == "bubblewrap" else str(job_dir / "work")
    argv = [sys.executable, "-m", "grader._child", "--work", work]
    argv += ["--job-fd", str(job_fd), "--inputs-fd", str(inputs_fd)]
    argv += ["--relay-fd", str(theirs.fileno()), "--report-fd", str(report_write)]
    if level == "bubblewrap":  # only the child's code and Python exist inside
        argv = isolation.bubblewrap_command(
            argv, None, [code_dir], env, hidden=_installed_packages()
        )
    total = sum(config[q].timeout_seconds for _, q in tasks)
    deadline = time.monotonic() + STARTUP_SECONDS + total / max(1, parallel) + 30
    pending = {_key(t): t for t in tasks}
    finished = 0
    started: dict[str, int] = {}
    frames: queue.Queue = queue.Queue()
    with ours, theirs, open(job_dir / "child.log", "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "grader.reference_server", str(ours.fileno())],
            cwd=job_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            pass_fds=(ours.fileno(),),
            start_new_session=True,
        )
        process = subprocess.Popen(
            argv,
            cwd=job_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            pass_fds=(theirs.fileno(), report_write, job_fd, inputs_fd),
            start_new_session=True,
        )
    os.close(report_write)
    reader = threading.Thread(target=_read_frames, args=(report_read, frames), daemon=True)
    reader.start()
    last_frame, heard = time.monotonic(), False
    try:
        while True:
            ended = False
            try:
                frame = frames.get(timeout=0.1)
            except queue.Empty:
                frame = None
            while frame is not None:
                if frame is _END:
                    ended = True
                else:
                    last_frame, heard = time.monotonic(), True
                    for key, outcome in _accept_frame(frame, pending, started):
                        record(pending.pop(key), outcome)
                        finished += 1
                try:
                    frame = frames.get_nowait()
                except queue.Empty:
                    frame = None
            if ended or not pending:
                break
            if time.monotonic() > deadline or (cancel is not None and cancel.is_set()):
                break
            # a child stopped (SIGSTOP from a worker) or wedged is killed, its running tasks
            # retried one at a time (run_child), so that the culprit alone loses points
            if time.monotonic() - last_frame > (SILENCE_SECONDS if heard else STARTUP_SECONDS):
                break
    finally:
        _kill_everything(process, started, namespaced=level == "bubblewrap")
        _kill_everything(server, {})  # the reference process's group
        reader.join(timeout=10)
    return finished, set(started)


_END = object()  # the report pipe's end (the child and all its workers are gone)


def _read_frames(fd: int, frames: queue.Queue) -> None:
    """Put every frame of the report pipe on ``frames``, then _END (also on a broken frame:
    whatever follows it cannot be trusted to be framed)."""
    with open(fd, "rb", buffering=0) as stream:
        try:
            while (frame := protocol.read_frame(stream)) is not None:
                frames.put(frame)
        except (protocol.ProtocolError, OSError):
            pass
    frames.put(_END)


def _accept_frame(frame: tuple[dict, bytes], pending: dict[str, Task], started: dict[str, int]):
    """(key, RawOutcome) for a frame that reports a pending task's outcome; notes a start.
    Nothing in a frame is trusted: an outcome that cannot be read becomes that task's
    ``exited``; a frame naming no pending task is dropped."""
    header, payload = frame
    key = header.get("key") if isinstance(header, dict) else None
    if not isinstance(key, str) or key not in pending:
        return
    if header.get("event") == "started":
        pid = header.get("pid")
        if isinstance(pid, int) and not isinstance(pid, bool) and pid > 1:
            started[key] = pid
        return
    if header.get("event") != "outcome":
        return
    try:
        outcome = _parse_outcome(header, payload)
    except Exception as err:  # noqa: BLE001 - whatever the bytes are, they are refused
        outcome = RawOutcome(
            protocol.EXITED, f"the results of this question could not be read back ({err})"[:500]
        )
    yield key, outcome


def _installed_packages() -> list[Path]:
    """The real ``grader`` and ``tp_ae`` folders (hidden inside the sandbox, in case they lie in
    the Python environment it binds: a non-editable install holds the references)."""
    import tp_ae

    return [Path(__file__).resolve().parent, Path(tp_ae.__file__).resolve().parent]


def _kill_everything(
    process: subprocess.Popen, started: dict[str, int], namespaced: bool = False
) -> None:
    """SIGKILL the child's process group and every worker's group it started (their pids, as
    the child reported them). ``namespaced`` (bubblewrap): the workers' pids are the
    namespace's own, never signalled from here; killing bwrap ends its pid namespace, and every
    process in it, through ``--die-with-parent``."""
    groups = [process.pid] + ([] if namespaced else list(started.values()))
    for pgid in groups:
        if pgid == process.pid or _is_group_leader(pgid):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _is_group_leader(pid: int) -> bool:
    """True when ``pid`` still leads its own process group (a worker, not a reused pid)."""
    try:
        return os.getpgid(pid) == pid
    except (ProcessLookupError, PermissionError):
        return False


def _parse_outcome(header: dict, payload: bytes) -> RawOutcome:
    """An outcome frame as a RawOutcome; ValueError (or ProtocolError) when it breaks the
    protocol (:mod:`grader.protocol`)."""
    if header.get("protocol") != protocol.VERSION or header.get("status") not in protocol.STATUSES:
        raise ValueError("the outcome does not follow the protocol")
    seconds = float(header.get("seconds", 0.0))
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"impossible duration {seconds}")
    detail = header.get("detail", "")
    tripped = header.get("tripped", [])
    if not isinstance(detail, str) or not isinstance(tripped, list):
        raise ValueError("the outcome does not follow the protocol")
    outcome = RawOutcome(header["status"], detail[:2000], seconds)
    outcome.tripped = [str(t)[:200] for t in tripped[:100]]
    if outcome.status == protocol.OK:
        outcome.observations = observations_from_bytes(payload)
        protocol.check_reserved(outcome.observations.values)
    return outcome


def _log_tail(job_dir: Path) -> str:
    try:
        text = (job_dir / "child.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "no log"
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-5:])[-_LOG_TAIL_CHARS:] or "no output"
