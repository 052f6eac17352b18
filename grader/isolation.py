"""How strongly the grading child is isolated from the machine, and the command that does it.

Levels, strongest first (:func:`isolation_level` says which one this machine gives):

- ``"bubblewrap"``: the child runs under ``bwrap`` (Debian package ``bubblewrap``) in new user,
  pid, network, ipc, uts and cgroup namespaces, with ``--die-with-parent``. Its file system is
  read-only binds of the system libraries and the Python environment (``sys.prefix``,
  ``sys.base_prefix``), the child's assembled code (``grader/collect`` and the few grader modules
  the child imports, the answer-free ``tp_ae``: :func:`grader.sandbox.assemble_child_code`), a
  private tmpfs for ``/tmp`` as the only writable place (the job is handed over as
  descriptors of files without a path). The job folder, the batch folder, ``OUT``,
  ``solutions/``, ``grader/checks``, the reference answers, the repository's other files and
  the rest of the machine do not exist inside; nothing outside is reachable by network (its
  loopback is its own); every process it starts dies with it. The other questions'
  reference values come from a trusted process outside (:mod:`grader.reference_server`). Each
  worker's process count is capped (``RLIMIT_NPROC``, :func:`grader._child._cap_processes`);
  the kernel does not apply that cap to root's processes, so it binds only when the grader does
  not run as root (as root, processes still die with the sandbox).
- ``"separate-uid"``: running as root with ``TP_AE_SANDBOX_USER`` naming a user: workers drop to
  that user (see :mod:`grader._child`); the job folder is traversable only.
- ``"none"``: the child runs as this user in its own session (process group kill at the end).

Set ``TP_AE_ISOLATION=none`` (or ``separate-uid``) to ask for a weaker level than available (the
benchmark's comparison; debugging); a stronger one than available is refused.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from grader.protocol import SANDBOX_USER_ENV
from tp_ae.errors import TpAeError

LEVELS: tuple[str, ...] = ("bubblewrap", "separate-uid", "none")
ISOLATION_ENV = "TP_AE_ISOLATION"
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf")
_SYS_READABLE = ("/sys/devices/system/cpu", "/sys/fs/cgroup")


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None when it is not installed."""
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def bubblewrap_works() -> bool:
    """True when ``bwrap`` can make the namespaces here (user namespaces may be forbidden)."""
    return _bwrap_probe(["true"])


def _bwrap_probe(command: list[str]) -> bool:
    bwrap = bwrap_path()
    if bwrap is None:
        return False
    argv = [bwrap, *_namespace_args(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    try:
        done = subprocess.run(
            [*argv, *command],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
            cwd="/",
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def available_level() -> str:
    """The strongest level this machine gives (see the module docstring)."""
    if bubblewrap_works():
        return "bubblewrap"
    if os.geteuid() == 0 and os.environ.get(SANDBOX_USER_ENV):
        return "separate-uid"
    return "none"


def isolation_level() -> str:
    """The level the grader uses now: ``TP_AE_ISOLATION`` when set (never stronger than
    available: TpAeError), else :func:`available_level`. One of :data:`LEVELS`."""
    available = available_level()
    asked = os.environ.get(ISOLATION_ENV, "").strip()
    if not asked:
        return available
    if asked not in LEVELS:
        raise TpAeError(f"{ISOLATION_ENV}={asked!r}: use one of {', '.join(LEVELS)}")
    if LEVELS.index(asked) < LEVELS.index(available):
        raise TpAeError(
            f"{ISOLATION_ENV}={asked}: this machine gives at most {available!r} "
            "(install bubblewrap, or allow user namespaces, for the strongest)"
        )
    return asked


def describe(level: str) -> str:
    """One line for the start of ``tp-ae grade``."""
    return {
        "bubblewrap": "isolation: bubblewrap (own user, pid, network and ipc namespaces; "
        "only a private /tmp writable; no reference answer inside)",
        "separate-uid": "isolation: separate uid (bubblewrap unavailable; workers run as "
        f"${SANDBOX_USER_ENV})",
        "none": "isolation: none (bubblewrap unavailable and no sandbox user): "
        "grade only trusted code here",
    }[level]


def _namespace_args() -> list[str]:
    return [
        "--unshare-user",
        "--uid",  # not root even inside: nobody
        "65534",
        "--gid",
        "65534",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
    ]


def bubblewrap_command(
    argv: list[str],
    job_dir: Path | None,
    packages: list[Path],
    env: dict[str, str],
    hidden: list[Path] = (),
) -> list[str]:
    """``argv`` run under bwrap: read-only system, Python environment and ``packages`` (folders
    of code, e.g. the assembled child code of :func:`grader.sandbox.assemble_child_code`), a
    private ``/tmp``, ``job_dir`` writable and the working directory (None: none, the working
    directory is ``/tmp``), ``env`` as the whole
    environment (HOME and TMPDIR point into ``/tmp``). Each folder of ``hidden`` that lies in a
    bound folder (an installed ``tp_ae`` in the Python environment) is covered by an empty
    tmpfs."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise TpAeError("bwrap is not installed: apt-get install bubblewrap")
    args = [bwrap, *_namespace_args(), "--clearenv"]
    for directory in _SYSTEM_DIRS:
        if os.path.islink(directory):
            args += ["--symlink", os.readlink(directory), directory]
        elif os.path.isdir(directory):
            args += ["--ro-bind", directory, directory]
    for name in (*_SYSTEM_FILES, *_SYS_READABLE):
        args += ["--ro-bind-try", name, name]
    # the private /tmp first, then what is bound over it: a venv or checkout under /tmp stays
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    seen: set[str] = set()
    for root in _python_roots():
        if root not in seen:
            seen.add(root)
            args += ["--ro-bind", root, root]
    for package in packages:
        real = str(Path(package).resolve())
        args += ["--ro-bind", real, real]
    for folder in hidden:
        real = os.path.realpath(folder)
        if os.path.isdir(real) and any(real.startswith(root + os.sep) for root in seen):
            args += ["--tmpfs", real]
    if job_dir is None:
        args += ["--chdir", "/tmp"]
    else:
        job = str(Path(job_dir).resolve())
        args += ["--bind", job, job, "--chdir", job]
    inner = dict(env)
    inner.update({"HOME": "/tmp", "TMPDIR": "/tmp"})
    inner.pop(SANDBOX_USER_ENV, None)  # no passwd inside: the namespaces do that job
    for key, value in sorted(inner.items()):
        args += ["--setenv", key, value]
    return [*args, "--", *argv]


def _python_roots() -> list[str]:
    """Folders the interpreter and its packages live in (the venv, its base, the executable's)."""
    roots = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    roots.append(str(Path(os.path.realpath(sys.executable)).parent.parent))
    out = []
    for root in roots:
        real = os.path.realpath(root)
        if real.startswith(_SYSTEM_DIRS) or real == "/":
            continue
        # a parent already bound covers it
        if not any(real == r or real.startswith(r + os.sep) for r in out):
            out.append(real)
    return out
