"""The sandboxed child: ``python -m grader._child --job-fd FD --inputs-fd FD --report-fd FD
--work DIR [--relay-fd FD]``. Student code runs only here.

The parent (:mod:`grader.sandbox`) hands over, as descriptors of files that have no path, the
job (JSON: the submissions' source, the tasks: one per submission and question, limits and
seed) and the test inputs it drew (one ``.npz``, ``<question_id>/<name>``); both are read and
closed before any worker starts. Under bubblewrap nothing of the parent's job folder exists
inside, and ``DIR`` (the workers' folders) is in the sandbox's private ``/tmp``. It puts on this
process's path
an assembled folder holding only ``grader/collect`` and the few grader modules below, and the
answer-free ``tp_ae`` (:func:`grader.student_package.build_student_package`): no reference
answer and no grader formula exist here. ``FD`` is the control socket of the trusted reference
process (:mod:`grader.reference_server`). This process imports TensorFlow and Keras once, then
forks one worker per task, so that every question starts from the same clean state and whatever
a question's code does (patching NumPy or the grader, exiting, hanging, eating memory) stays
inside its worker. It never runs student code itself, and is not dumpable (no worker can
ptrace it or take its descriptors).

A worker (a fork):

1. gets its own channel to the reference process (opened by this process before the fork, for
   every relayed reference but its question's own) and closes the control socket; takes its own
   process group, sends stdout/stderr to /dev/null (prints are never read), works in a fresh
   folder ``DIR/<task key>``, seeds NumPy/Keras;
2. labels uses of *its* question's ``tp_ae`` stub: the stub's code is replaced by code that
   reports the call on a private pipe, and an audit hook reports any opening of its source file
   (a copy of the stubbed source), so that such an answer is marked "calls the reference"
   rather than "not implemented" (there is no answer to find: this is a label, not a lock);
3. loads the submission, keeping only imports, definitions and constants
   (:func:`grader.submission.compile_statements`), one module per file;
4. replaces every *other* question's loss and ``add_noise`` in the submission's modules (and in
   the answer-free ``tp_ae``) by relays (:mod:`grader.collect._relay`), answered by the trusted
   process, so that a wrong ``kl_divergence`` cannot sink ``vae_loss`` or ``build_vae``;
   functions of Keras models (the builders, ``sample_images``) are the submission's own;
5. runs the question's ``collect`` (in ``grader/collect/<question_id>.py``) and writes the plain
   values it gathered to a memory file (``memfd``) the zygote made before the fork: it has no
   path, and no other worker can reach it (the processes are not dumpable).

Run as root with ``TP_AE_SANDBOX_USER`` set (Gradescope), a worker becomes that user before
loading the submission: student code can then touch neither the grader's files nor its
processes.

This process enforces each worker's timeout and memory cap (it kills the worker's process group)
and reports each start and each outcome (status, seconds, trip-wire, the result's bytes) as a
frame (:mod:`grader.protocol`) on the report pipe, which only it holds: its workers close it
before loading the submission, so nothing a worker writes anywhere is read by the parent.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
import traceback
import types
from dataclasses import dataclass
from pathlib import Path

from grader import protocol

POLL_SECONDS = 0.05
HEARTBEAT_SECONDS = 2.0  # the zygote says it is alive this often (grader.sandbox.SILENCE_SECONDS)
ADDRESS_SPACE_SLACK_MB = 8192  # RLIMIT_AS backstop on top of the cap (TF reserves virtual memory)
FILE_SIZE_LIMIT = 256 * 2**20  # no file a worker writes may grow past this (RLIMIT_FSIZE)
MADV_DONTNEED = 4  # <sys/mman.h> on Linux


@dataclass
class _Worker:
    key: str  # the task: "<submission index>.<question id>"
    pid: int
    result_fd: int  # the worker's memfd
    trip_read_fd: int
    started: float
    deadline: float
    memory_limit_kb: int


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv

    def option(name: str) -> str | None:
        return argv[argv.index(name) + 1] if name in argv else None

    relay_fd = int(option("--relay-fd")) if option("--relay-fd") else None
    report_fd = int(option("--report-fd"))
    work_root = Path(option("--work"))
    _not_dumpable()
    with os.fdopen(int(option("--job-fd")), "rb") as handle:
        job = json.load(handle)
    _configure_environment(job)
    runtime = _import_runtime()
    runtime["relay_fd"] = relay_fd
    runtime["report_fd"] = report_fd
    questions = {task["question"] for task in job["tasks"]}
    runtime["inputs"] = _load_inputs(int(option("--inputs-fd")), questions)
    work_root.mkdir(parents=True, exist_ok=True)
    baseline_kb = _rss_kb(os.getpid()) or 0  # before the drop: the workers' caps as they were
    _drop_clean_file_pages()
    pending = list(job["tasks"])
    running: dict[int, _Worker] = {}
    last_beat = 0.0
    try:
        while pending or running:
            if time.monotonic() - last_beat > HEARTBEAT_SECONDS:  # a stopped zygote goes silent
                protocol.write_frame(report_fd, {"event": "alive"})
                last_beat = time.monotonic()
            while pending and len(running) < max(1, int(job.get("parallel", 1))):
                held = [fd for w in running.values() for fd in (w.result_fd, w.trip_read_fd)]
                worker = _start_worker(pending.pop(0), job, work_root, runtime, baseline_kb, held)
                running[worker.pid] = worker
            _reap_and_police(running, report_fd)
            if running:
                time.sleep(POLL_SECONDS)
    finally:
        for worker in running.values():
            _kill_group(worker.pid)
    return 0


# ---------------------------------------------------------------- the zygote


def _not_dumpable() -> None:
    """PR_SET_DUMPABLE 0 (Linux): no process of the same user may ptrace this one, read its
    memory or take its descriptors (pidfd_getfd); workers inherit it through fork."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def _configure_environment(job: dict) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ["CUDA_VISIBLE_DEVICES"] = ""  # tiny models; parallel workers must not fight a GPU
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["PYTHONHASHSEED"] = str(job.get("seed", 0))


def _drop_clean_file_pages() -> int:
    """Unmap, from this process only, the pages of files it mapped read-only and never wrote
    (MB given back); the imports leave ~360 MB of libtensorflow_cc's static initialisers and
    symbol tables resident that no worker maps again (a fork maps file pages lazily).

    Only private, non-writable, file-backed, unlocked regions without one anonymous page:
    ``MADV_DONTNEED`` there loses nothing (an access faults the page back from the file). The
    memory was reclaimable page cache anyway, but it counts in this process's RSS/PSS, and in
    the 768 MB Gradescope allows a whole grading (issue 15). A no-op off Linux or on error."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        regions = _clean_file_regions(Path("/proc/self/smaps").read_text("ascii", "replace"))
    except (OSError, AttributeError):
        return 0
    dropped_kb = sum(
        rss for start, end, rss in regions if libc.madvise(start, end - start, MADV_DONTNEED) == 0
    )
    return dropped_kb // 1024


def _clean_file_regions(smaps: str) -> list[tuple[int, int, int]]:
    """(start, end, resident kB) of each region of ``smaps`` (/proc/PID/smaps text) that is
    file-backed, private, not writable, not locked and holds no anonymous (written) page."""
    regions, header, rss, anonymous = [], None, 0, 0
    for line in smaps.splitlines():
        fields = line.split()
        if not fields:
            continue
        if not fields[0].endswith(":"):  # "start-end perms offset dev inode [path]"
            header, rss, anonymous = fields, 0, 0
        elif header is None:
            continue
        elif fields[0] == "Rss:":
            rss = int(fields[1])
        elif fields[0] == "Anonymous:":
            anonymous = int(fields[1])
        elif fields[0] == "VmFlags:":
            perms, inode = header[1], header[4] if len(header) > 4 else "0"
            private_read_only = len(perms) == 4 and perms[1] == "-" and perms[3] == "p"
            if inode != "0" and private_read_only and not anonymous and rss and "lo" not in fields:
                start, end = (int(x, 16) for x in header[0].split("-"))
                regions.append((start, end, rss))
            header = None
    return regions


def _import_runtime() -> dict:
    """Import everything a worker needs once, before forking (no TensorFlow op runs here:
    TensorFlow's thread pools start in each worker, which keeps forking safe). The ``tp_ae``
    modules are the answer-free ones: ``stubs`` are their questions' stubs."""
    import importlib

    import keras  # noqa: F401 - imported for the workers
    import numpy  # noqa: F401
    import tensorflow  # noqa: F401 - the relays' custom gradients

    import grader.collect._relay  # noqa: F401
    import tp_ae.layers  # noqa: F401
    from grader.collect import collect_module
    from tp_ae.questions import QUESTION_IDS, question

    modules = {qid: importlib.import_module(question(qid).reference) for qid in QUESTION_IDS}
    stubs = {qid: getattr(modules[qid], qid) for qid in QUESTION_IDS}
    collectors = {qid: collect_module(qid) for qid in QUESTION_IDS}
    return {"stubs": stubs, "modules": modules, "collectors": collectors}


def _load_inputs(fd: int, questions: set[str]) -> dict[str, dict]:
    """Every question's test inputs (``<question_id>/<name>`` in one npz; a question may have
    none), read once here: a worker needs no file of the job."""
    import numpy as np

    inputs: dict[str, dict] = {qid: {} for qid in questions}
    with os.fdopen(fd, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
        for name in archive.files:
            qid, _, key = name.partition("/")
            inputs.setdefault(qid, {})[key] = archive[name]
    return inputs


def _start_worker(
    task: dict, job: dict, work_root: Path, runtime: dict, baseline_kb: int, held: list[int]
) -> _Worker:
    """Fork the worker of ``task``. ``held``: the descriptors of the other running workers
    (their result memfds and trip-wire pipes), closed in the new one."""
    qid, key = task["question"], task["key"]
    submission = job["submissions"][task["submission"]]
    limits = job["limits"][qid]
    result_fd = os.memfd_create(f"result-{key}")  # no path; closed on exec
    trip_read, trip_write = os.pipe()
    channel_fd = _open_channel(runtime["relay_fd"], qid)
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        try:
            os.close(trip_read)
            os.close(runtime["report_fd"])  # the parent reads only what the zygote reports
            for fd in held:  # another worker's results are out of reach
                os.close(fd)
            if runtime["relay_fd"] is not None:
                os.close(runtime["relay_fd"])  # its own channel only, before any student code
                runtime["relay_fd"] = None
            runtime["channel_fd"] = channel_fd
            work = work_root / key
            _worker_main(qid, submission, job, work, result_fd, trip_write, runtime)
        finally:
            os._exit(70)
    os.close(trip_write)
    if channel_fd is not None:
        os.close(channel_fd)
    os.set_blocking(trip_read, False)
    protocol.write_frame(runtime["report_fd"], {"event": "started", "key": key, "pid": pid})
    now = time.monotonic()
    return _Worker(
        key,
        pid,
        result_fd,
        trip_read,
        now,
        now + float(limits["timeout_seconds"]),
        baseline_kb + int(limits["memory_mb"]) * 1024,
    )


def _open_channel(control_fd: int | None, qid: str) -> int | None:
    """A new channel to the reference process for a worker grading ``qid`` (None without one:
    the other questions' functions then stay the submission's own)."""
    if control_fd is None:
        return None
    import socket

    control = socket.socket(fileno=os.dup(control_fd))
    try:
        control.sendall(json.dumps({"open": qid}).encode() + b"\n")
        message, fds, _, _ = socket.recv_fds(control, 3, 1)
    except OSError:
        return None
    finally:
        control.close()
    if message != b"ok\n" or not fds:
        for fd in fds:
            os.close(fd)
        return None
    return fds[0]


def _reap_and_police(running: dict[int, _Worker], report_fd: int) -> None:
    for pid, worker in list(running.items()):
        status, detail = None, ""
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            status, detail = _exit_outcome(wait_status, worker)
        elif time.monotonic() > worker.deadline:
            status = protocol.TIMEOUT
            detail = f"stopped after {worker.deadline - worker.started:.0f} s"
        elif (_rss_kb(pid) or 0) > worker.memory_limit_kb:
            status = protocol.MEMORY
            detail = f"used more than {worker.memory_limit_kb // 1024} MB"
        if status is None:
            continue
        if not done:
            _kill_group(pid)
            os.waitpid(pid, 0)
        _report_outcome(report_fd, worker, status, detail)
        del running[pid]


def _exit_outcome(wait_status: int, worker: _Worker) -> tuple[str, str]:
    size = os.fstat(worker.result_fd).st_size
    if os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) == 0 and size > 0:
        if size > protocol.MAX_PAYLOAD_BYTES:
            return protocol.EXITED, f"its results were too large ({size} bytes)"
        return protocol.OK, ""
    if os.WIFSIGNALED(wait_status):
        number = os.WTERMSIG(wait_status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else ""
        if number == signal.SIGKILL:
            return protocol.MEMORY, "killed by the system (SIGKILL), most likely out of memory"
        return protocol.EXITED, f"the process was killed by signal {number} {name}".rstrip()
    code = os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else -1
    return protocol.EXITED, f"the process ended (exit code {code}) before returning results"


def _report_outcome(report_fd: int, worker: _Worker, status: str, detail: str) -> None:
    tripped = _drain(worker.trip_read_fd)
    os.close(worker.trip_read_fd)
    payload = b""
    if status == protocol.OK:
        payload = os.pread(worker.result_fd, protocol.MAX_PAYLOAD_BYTES, 0)
    os.close(worker.result_fd)
    outcome = {
        "event": "outcome",
        "key": worker.key,
        "protocol": protocol.VERSION,
        "status": status,
        "detail": detail,
        "seconds": round(time.monotonic() - worker.started, 3),
        "tripped": sorted(tripped),
    }
    protocol.write_frame(report_fd, outcome, payload)


def _drain(fd: int) -> set[str]:
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        data += chunk
        if len(data) > 2**20:
            break
    return {line for line in data.decode("ascii", "replace").split("\n") if line}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _rss_kb(pid: int) -> int | None:
    """Resident memory of a process in kB (Linux /proc; None elsewhere or when gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _vm_size_kb() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


# ---------------------------------------------------------------- the worker


def _worker_main(qid, submission, job, work, result_fd, trip_fd, runtime) -> None:
    """Run one question's collect on the submission; always ends with os._exit.

    The results go to ``result_fd``, a memory file the zygote made before the fork (so a
    worker that runs as the unprivileged sandbox user can write it without any writable folder).
    """
    code = 0
    pid = os.getpid()
    try:
        _isolate(work, int(job["limits"][qid]["memory_mb"]))
        _cap_processes(job.get("process_headroom"))
        _forget_others(job, submission, runtime, qid)
        observations = _run_question(qid, submission, job, runtime, trip_fd)
        if os.getpid() == pid:  # a fork made by student code must not write results
            data = observations.to_bytes()
            while data:
                data = data[os.write(result_fd, data) :]
    except BaseException:  # noqa: BLE001 - the worker must end here whatever happened
        code = 70
    os._exit(code)


def _forget_others(job: dict, submission: dict, runtime: dict, qid: str) -> None:
    """Drop, in this worker's copy of memory, every other submission's source and every other
    question's inputs before any student code runs (the objects are freed, not just hidden)."""
    job["submissions"][:] = [submission if s is submission else None for s in job["submissions"]]
    for other in [q for q in runtime["inputs"] if q != qid]:
        del runtime["inputs"][other]


def _isolate(workdir: Path, memory_mb: int) -> None:
    os.setpgid(0, 0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    workdir.mkdir(parents=True, exist_ok=True)
    os.chdir(workdir)
    os.environ["TMPDIR"] = str(workdir)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    vm_kb = _vm_size_kb()
    if vm_kb:
        cap = (vm_kb // 1024 + memory_mb + ADDRESS_SPACE_SLACK_MB) * 2**20
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _cap_processes(headroom: int | None) -> None:
    """RLIMIT_NPROC: the tasks (processes and threads) the sandbox holds now plus ``headroom``;
    beyond it fork and thread creation fail (EAGAIN). Only in the sandbox's own pid and user
    namespaces (bubblewrap), where /proc shows and the kernel counts only the sandbox's tasks;
    None: no cap (elsewhere the count would be the whole user's)."""
    if not headroom:
        return
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    limit = count + int(headroom)
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    if hard != resource.RLIM_INFINITY and hard <= limit:
        return
    resource.setrlimit(resource.RLIMIT_NPROC, (limit, hard))
    if not _can_start_a_thread():  # a kernel (< 5.14) counting the user's tasks machine-wide
        resource.setrlimit(resource.RLIMIT_NPROC, (soft, hard))
        return
    resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))


def _can_start_a_thread() -> bool:
    import threading

    try:
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
        return True
    except RuntimeError:
        return False


def _drop_privileges(workdir: Path) -> None:
    """When running as root and a sandbox user is named, become that user (it owns only the
    worker's folder); a no-op otherwise."""
    user = os.environ.get(protocol.SANDBOX_USER_ENV)
    if not user or os.geteuid() != 0:
        return
    import pwd

    entry = pwd.getpwnam(user)
    os.chown(workdir, entry.pw_uid, entry.pw_gid)
    os.setgroups([])
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
    os.environ["HOME"] = str(workdir)
    os.environ["USER"] = os.environ["LOGNAME"] = user


def _run_question(qid, submission, job, runtime, trip_fd):
    import keras
    import tensorflow as tf

    from grader.observations import Observations
    from grader.probe import Probe

    observations = Observations()
    threads = int(job.get("threads", 1))
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    keras.utils.set_random_seed(int(job.get("seed", 0)))
    inputs = runtime["inputs"][qid]
    _drop_privileges(Path.cwd())
    try:
        _trip_wire(qid, runtime["stubs"][qid], trip_fd)
        modules, load_errors = _load_submission(submission)
        observations.put(protocol.LOAD_ERRORS, load_errors)
        student_fn, where = _find_question(qid, modules)
        observations.put(protocol.FOUND_IN, where)
        if student_fn is None:
            return observations
        _substitute_relays(qid, modules, runtime)
        files = {c["filename"] for f in submission["files"] for c in f["chunks"]}
        probe = Probe(observations, files)
        runtime["collectors"][qid].collect(student_fn, inputs, probe)
    except BaseException:  # noqa: BLE001 - reported to the instructor as a grader error
        observations.put(protocol.HARNESS_ERROR, traceback.format_exc(limit=20))
    return observations


def _trip_wire(qid: str, reference, trip_fd: int) -> None:
    """Make ``tp_ae``'s (answer-free) stub of ``qid`` report any call (and fail), however the
    submission reaches it; report any opening of the file that holds it."""
    os.set_blocking(trip_fd, False)
    message = (
        f"tp_ae's reference {qid} is not available while {qid} is graded: "
        "write your own implementation"
    )
    source = (
        "def _tripped(*args, **kwargs):\n"
        "    try:\n"
        f"        __import__('os').write({trip_fd}, b'{qid}\\n')\n"
        "    except Exception:\n"
        "        pass\n"
        f"    raise RuntimeError({message!r})\n"
    )
    namespace: dict = {}
    exec(compile(source, "<reference trip-wire>", "exec"), namespace)
    reference.__code__ = namespace["_tripped"].__code__
    reference.__defaults__ = None
    reference.__kwdefaults__ = None

    import importlib.util

    module_file = os.path.realpath(sys.modules[reference.__module__].__file__)
    watched = {module_file, os.path.realpath(importlib.util.cache_from_source(module_file))}

    def audit(event: str, args: tuple) -> None:
        if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        try:
            path = os.path.realpath(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            return
        if path in watched and not _formatting_a_traceback():
            try:
                os.write(trip_fd, f"{qid}:source\n".encode())
            except OSError:
                pass

    sys.addaudithook(audit)


def _formatting_a_traceback() -> bool:
    """True when the file is opened to print a traceback (linecache called from traceback)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.endswith(("traceback.py",)):
            return True
        frame = frame.f_back
    return False


def _load_submission(spec: dict) -> tuple[dict[str, types.ModuleType], list[str]]:
    """One module per loadable file, registered in sys.modules (so part2 may import part1)."""
    from grader.probe import describe_exception
    from grader.submission import SourceChunk, compile_statements

    modules: dict[str, types.ModuleType] = {}
    errors: list[str] = []
    for source in spec["files"]:
        if source["error"]:
            continue
        module = types.ModuleType(source["module"])
        module.__file__ = source["display_name"]
        modules[source["module"]] = module
        sys.modules[source["module"]] = module
    for source in spec["files"]:
        module = modules.get(source["module"])
        if module is None:
            continue
        for chunk in source["chunks"]:
            chunk = SourceChunk(chunk["filename"], chunk["text"])
            try:
                statements = compile_statements(chunk)
            except SyntaxError as exc:  # the parent checked; a notebook cell may still differ
                errors.append(f"{chunk.filename}: {describe_exception(exc, set())}")
                continue
            for code in statements:
                try:
                    exec(code, module.__dict__)
                except BaseException as exc:  # noqa: BLE001 - reported; the next one runs
                    errors.append(f"{chunk.filename}: {describe_exception(exc, {chunk.filename})}")
    return modules, errors


def _find_question(qid: str, modules: dict[str, types.ModuleType]):
    from tp_ae.questions import question

    order = [question(qid).part, "submission", *modules]
    for name in order:
        module = modules.get(name)
        if module is not None and callable(module.__dict__.get(qid)):
            return module.__dict__[qid], name
    return None, None


def _substitute_relays(qid: str, modules: dict[str, types.ModuleType], runtime: dict) -> None:
    """Every other relayed question's function, in the submission's modules and in the
    answer-free ``tp_ae``, becomes its relay to the trusted reference process."""
    from grader.collect._relay import Channel, relays

    fd = runtime.get("channel_fd")
    stand_ins = relays(Channel(fd) if fd is not None else None, qid)
    for other, relay in stand_ins.items():
        for module in modules.values():
            module.__dict__[other] = relay
        setattr(runtime["modules"][other], other, relay)


if __name__ == "__main__":
    sys.exit(main())
