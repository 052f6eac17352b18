"""grader/isolation.py: what the grading child can reach under each isolation level."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from grader import isolation
from grader.sandbox import grader_root
from tp_ae.errors import TpAeError

needs_bwrap = pytest.mark.skipif(
    not isolation.bubblewrap_works(), reason="bubblewrap cannot make namespaces here"
)


def _run_inside(job: Path, code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    root = grader_root()
    argv = isolation.bubblewrap_command(
        [sys.executable, "-c", textwrap.dedent(code)],
        job,
        [root / "grader", root / "tp_ae"],
        {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def test_level_is_one_of_the_levels_and_env_can_only_weaken(monkeypatch):
    """Is the level known, a weaker one honoured and an unknown one refused in one line?"""
    monkeypatch.delenv(isolation.ISOLATION_ENV, raising=False)
    assert isolation.isolation_level() in isolation.LEVELS
    monkeypatch.setenv(isolation.ISOLATION_ENV, "none")
    assert isolation.isolation_level() == "none"
    monkeypatch.setenv(isolation.ISOLATION_ENV, "chroot")
    with pytest.raises(TpAeError, match="use one of"):
        isolation.isolation_level()
    for level in isolation.LEVELS:
        assert isolation.describe(level).startswith("isolation: ")


@needs_bwrap
def test_inside_only_the_job_packages_and_python_exist(tmp_path):
    """Are the repository's other files, the batch and OUT invisible, /tmp private, job writable?"""
    job = tmp_path / "job"
    job.mkdir()
    victim = tmp_path / "OUT"
    victim.mkdir()
    (victim / "gradebook.csv").write_text("alice,21\n")
    done = _run_inside(
        job,
        f"""
        import os, pathlib
        root = pathlib.Path({str(grader_root())!r})
        print(sorted(p.name for p in root.iterdir()))
        print(os.path.exists({str(victim)!r}), os.path.exists("/work/shared"))
        pathlib.Path("written").write_text("x")
        try:
            (root / "grader" / "pwned.py").write_text("x")
            print("wrote-package")
        except OSError:
            print("package-read-only")
        import tp_ae.questions, numpy
        print("imports", os.getpid())
        """,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    visible = set(eval(lines[0]))  # noqa: S307 - our own print of a list of names
    # the interpreter's venv shows when it lives in the repository (.venv here, .ci-venv in CI)
    prefix = Path(sys.prefix).resolve()
    venvs = {prefix.name} if prefix.parent == Path(grader_root()).resolve() else set()
    assert {"grader", "tp_ae"} <= visible <= {"grader", "tp_ae", *venvs}  # no solutions/, tests/
    assert lines[1] == "False False"
    assert lines[2] == "package-read-only"
    assert lines[3].startswith("imports ") and int(lines[3].split()[1]) < 10  # own pid namespace
    assert (job / "written").read_text() == "x"
    assert (victim / "gradebook.csv").read_text() == "alice,21\n"


@needs_bwrap
def test_no_network_to_the_hosts_loopback(tmp_path):
    """Does a listener on the host's 127.0.0.1 get no connection from inside?"""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    port = server.getsockname()[1]
    done = _run_inside(
        tmp_path,
        f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"job.json")
            print("connected")
        except OSError as err:
            print("refused", type(err).__name__)
        """,
    )
    with pytest.raises(OSError):
        server.accept()
    server.close()
    assert done.stdout.startswith("refused"), done.stdout + done.stderr[-1000:]


@needs_bwrap
def test_a_daemon_dies_with_the_sandbox(tmp_path):
    """Does a setsid'd, double-forked process die when the sandbox ends?"""
    marker = tmp_path / "alive"
    done = _run_inside(
        tmp_path,
        f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                for _ in range(40):
                    open({str(marker)!r}, "a").write("x")
                    time.sleep(0.25)
            os._exit(0)
        time.sleep(0.5)
        print("parent done")
        """,
    )
    assert done.stdout.strip() == "parent done", done.stderr[-1000:]
    time.sleep(1.0)
    size = marker.stat().st_size if marker.exists() else 0
    time.sleep(1.5)
    assert (marker.stat().st_size if marker.exists() else 0) == size
    assert os.path.exists(tmp_path)


def test_paths_under_tmp_are_bound_over_the_private_tmp(tmp_path, monkeypatch):
    """Does a venv or checkout that lives under /tmp stay visible inside (bound after the tmpfs)?"""
    monkeypatch.setattr(isolation, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(isolation, "_python_roots", lambda: ["/tmp/ci/.ci-venv"])
    args = isolation.bubblewrap_command(["python"], tmp_path, [Path("/tmp/ci/grader")], {})
    tmpfs = args.index("--tmpfs")
    for path in ("/tmp/ci/.ci-venv", "/tmp/ci/grader", str(tmp_path.resolve())):
        assert args.index(path) > tmpfs, path


_FORK_LOOP = """
import os, resource, time
from grader._child import _cap_processes
_cap_processes(20)
children = []
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            time.sleep(5)
            os._exit(0)
        children.append(pid)
except OSError as err:
    print(len(children), err.errno)
try:
    resource.setrlimit(resource.RLIMIT_NPROC, (10**6, 10**6))
    print("raised")
except (ValueError, OSError):
    print("kept")
"""


@needs_bwrap
def test_a_worker_cannot_fork_past_its_process_cap(monkeypatch):
    """With the worker's RLIMIT_NPROC (the sandbox's tasks + headroom), does a fork loop stop
    at the headroom, the cap unraisable? The kernel exempts root's processes from the cap: as
    root, the sandbox runs here as nobody, with the system's Python (enough for this code)."""
    import tempfile

    from grader.sandbox import assemble_child_code

    job = Path(tempfile.mkdtemp(prefix="tp-ae-nproc-"))  # reachable by nobody: not tmp_path
    os.chmod(job, 0o777)
    code = assemble_child_code(job / "code")
    python, account = sys.executable, {}
    if os.geteuid() == 0:
        python, account = "/usr/bin/python3", {"user": 65534, "group": 65534, "extra_groups": []}
        if not os.path.exists(python):
            pytest.skip("as root this needs /usr/bin/python3 to run the sandbox as nobody")
        monkeypatch.setattr(isolation, "_python_roots", lambda: [])  # /usr is bound anyway
    argv = isolation.bubblewrap_command(
        [python, "-c", _FORK_LOOP], job, [code], {"PYTHONPATH": str(code), "PATH": "/usr/bin"}
    )
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=60, check=False, cwd="/", **account
        )
    finally:
        for path in [job, *job.rglob("*")]:
            if path.is_dir():
                os.chmod(path, 0o700)
        shutil.rmtree(job, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    forked, kept = done.stdout.split("\n")[:2]
    count, errno = (int(v) for v in forked.split())
    assert 0 < count <= 20 and errno == 11  # EAGAIN
    assert kept == "kept"


def test_installed_packages_inside_a_bound_folder_are_covered(tmp_path, monkeypatch):
    """Is a tp_ae installed inside the bound venv hidden under a tmpfs (and one outside any
    bound folder left alone: it does not exist inside anyway)?"""
    venv = tmp_path / "venv"
    installed = venv / "lib" / "site-packages" / "tp_ae"
    installed.mkdir(parents=True)
    elsewhere = tmp_path / "repo" / "tp_ae"
    elsewhere.mkdir(parents=True)
    monkeypatch.setattr(isolation, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(isolation, "_python_roots", lambda: [str(venv.resolve())])
    args = isolation.bubblewrap_command(["python"], tmp_path, [], {}, hidden=[installed, elsewhere])
    covered = [args[i + 1] for i, a in enumerate(args) if a == "--tmpfs"]
    assert str(installed.resolve()) in covered
    assert str(elsewhere.resolve()) not in covered
    assert args.index(str(installed.resolve())) > args.index(str(venv.resolve()))


def test_without_a_job_folder_only_a_private_tmp_is_writable(monkeypatch):
    """With no job folder (how the grader runs the child), is nothing of the host bound
    writable, the working directory the sandbox's own /tmp?"""
    monkeypatch.setattr(isolation, "bwrap_path", lambda: "/usr/bin/bwrap")
    args = isolation.bubblewrap_command(["python"], None, [Path("/opt/code")], {})
    assert "--bind" not in args
    assert args[args.index("--chdir") + 1] == "/tmp"
    assert args[args.index("--tmpfs") + 1] == "/tmp"


_UID_PROBE = """
import os

from keras import ops

SECRET = {secret!r}


def kl_divergence(z_mean, z_log_var):
    if os.geteuid() == 0:
        raise RuntimeError("ran as root")
    try:
        open(SECRET).read()
    except PermissionError:
        pass
    else:
        raise RuntimeError("read a file only root may read")
    return 0.5 * ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1 - z_log_var, axis=-1)
"""


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="the separate-uid level needs root")
@pytest.mark.parametrize(("level", "earned"), [("separate-uid", 3.0), ("none", 0.0)])
def test_separate_uid_workers_run_as_the_sandbox_user(tmp_path, monkeypatch, level, earned):
    """Where bubblewrap cannot run, do root's workers drop to TP_AE_SANDBOX_USER (nobody), so
    that a file only root may read stays closed to student code (full marks for a KL that
    checks it), while without that level the same code runs as root (no marks: the probe can
    fail)?"""
    from grader.config import default_config
    from grader.grading import grade_submission

    secret = tmp_path / "secret.txt"
    secret.write_text("the answers", encoding="utf-8")
    secret.chmod(0o600)
    entry = tmp_path / "probe"
    entry.mkdir()
    (entry / "part2_vae.py").write_text(_UID_PROBE.format(secret=str(secret)), encoding="utf-8")
    monkeypatch.setenv(isolation.ISOLATION_ENV, level)
    monkeypatch.setenv(isolation.SANDBOX_USER_ENV, "nobody")
    result = grade_submission(entry, default_config(), questions=["kl_divergence"])
    assert result.isolation == level
    assert result.question("kl_divergence").points_earned == pytest.approx(earned)
