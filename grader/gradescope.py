"""Gradescope: the autograder.zip that Gradescope builds its image from, and the run inside it.

The zip (``build_bundle``) holds, at its root, what Gradescope's autograder specification asks for:

- ``setup.sh``: run once, as root, when Gradescope builds the image: installs Python
  ``PYTHON_VERSION``, the pinned dependencies of ``requirements.txt`` (the versions installed
  where the bundle was made) and this package into ``VENV``, and creates the unprivileged
  ``SANDBOX_USER`` that runs student code;
- ``run_autograder``: run for each submission: grades ``$AUTOGRADER_ROOT/submission`` (default
  ``/autograder``) with ``python3 -m grader.gradescope``, which writes
  ``$AUTOGRADER_ROOT/results/results.json``; a last-resort JSON when even Python fails;
- ``course.toml`` (the instructor's settings, or the defaults written out), ``requirements.txt``
  and the project source needed to grade: ``tp_ae/``, ``grader/``, ``pyproject.toml``,
  ``README.md``.

Nothing else goes in: no solutions, exercises, tests, notebooks, data or version-control files.

``run`` (``python3 -m grader.gradescope``) grades with the same grader as ``tp-ae grade``, in a
child process with a time limit, then writes Gradescope's results.json: the tests' visibility
from course.toml, a note when some checks are hidden, the run's log hidden from the student
(``stdout_visibility``). Whatever fails, a results.json is written: a visible "autograder failed"
test for the student, the details in a hidden one for the instructor.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tp_ae.errors import TpAeError

PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"  # pins were frozen on it
VENV = "/opt/tp-ae-venv"  # where setup.sh installs; run_autograder puts its bin/ first on PATH
SANDBOX_USER = "student"  # unprivileged user setup.sh creates to run student code
SANDBOX_USER_ENV = "TP_AE_SANDBOX_USER"  # tells the grader which user runs student code
DEFAULT_ROOT = "/autograder"
TIME_LIMIT_SECONDS = 540.0  # whole run; under Gradescope's default 10 min, so results get written
LOG_TAIL_CHARS = 20_000  # of the grader's output, kept in the hidden failure test
FAILED_TEST = "autograder failed"
FAILED_DETAILS_TEST = "autograder failure details (instructors only)"
FAILED_MESSAGE = (
    "The autograder could not grade this submission, so it scored 0 for now. This is not a "
    "verdict on your code: your instructor has the details. Check that you submitted "
    "part1_autoencoders and part2_vae (.py or .ipynb) with their names unchanged, then resubmit "
    "or contact your instructor."
)
PACKAGES = ("tp_ae", "grader")  # source folders the bundle ships
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")  # shipped when present
SKIPPED_PARTS = ("__pycache__", ".ipynb_checkpoints")
SKIPPED_SUFFIXES = (".pyc", ".pyo")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same zip


# ---------------------------------------------------------------------------------------------
# Building the zip


def project_root() -> Path:
    """The source checkout this package runs from (pyproject.toml beside tp_ae/ and grader/)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file() or not (root / "tp_ae").is_dir():
        raise TpAeError(
            f"no pyproject.toml beside the grader in {root}: run gradescope-bundle from a source "
            "checkout of tp-ae (pip install -e .)"
        )
    return root


def build_bundle(out: Path, config_path: Path | None = None) -> Path:
    """Write Gradescope's autograder zip to ``out``; returns its path.

    ``config_path``: the course TOML (validated, shipped verbatim); None ships the defaults.
    Raises TpAeError for a bad config or when a dependency cannot be pinned.
    """
    from grader.config import load_config

    load_config(config_path)  # a bad file is a one-line error before anything is written
    config_text = (
        Path(config_path).read_text(encoding="utf-8") if config_path else default_config_toml()
    )
    root = project_root()
    files: dict[str, bytes] = {
        "setup.sh": setup_script().encode(),
        "run_autograder": run_script().encode(),
        "requirements.txt": ("\n".join(pinned_requirements()) + "\n").encode(),
        "course.toml": config_text.encode(),
    }
    for name in PROJECT_FILES:
        if (root / name).is_file():
            files[name] = (root / name).read_bytes()
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and _shipped(path.relative_to(root)):
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    out.write_bytes(buffer.getvalue())
    return out


def _shipped(relative: Path) -> bool:
    parts = relative.parts
    if any(p in SKIPPED_PARTS or p.startswith(".") for p in parts):
        return False
    return relative.suffix not in SKIPPED_SUFFIXES


def default_config_toml() -> str:
    """The default course settings written out as course.toml, to edit and pass as --config."""
    from grader.config import QUESTION_IDS, default_config

    config = default_config()
    first = config[QUESTION_IDS[0]]
    lines = [
        "# course.toml written by `tp-ae gradescope-bundle`: the TP specification's defaults.",
        "# Edit, then rebuild with `tp-ae gradescope-bundle --config course.toml`.",
        "[defaults]",
        f"timeout_seconds = {first.timeout_seconds:g}",
        f"memory_mb = {first.memory_mb}",
        f'visibility = "{first.visibility}"',
    ]
    for qid in QUESTION_IDS:
        q = config[qid]
        lines += ["", f"[questions.{qid}]", f"points = {q.points:g}"]
        if q.bonus:
            lines.append("bonus = true")
    return "\n".join(lines) + "\n"


def pinned_requirements(roots: Iterable[str] | None = None) -> list[str]:
    """``name==version`` for the runtime dependencies of tp-ae and all of theirs, as installed.

    ``roots`` defaults to tp-ae's declared dependencies (no extras). Environment markers are
    evaluated here (the image runs the same Python minor version on Linux). Raises TpAeError
    when a needed package is not installed.
    """
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    if roots is None:
        roots = _declared_dependencies()
    pinned: dict[str, str] = {}
    todo = [Requirement(r) for r in roots]
    while todo:
        requirement = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in pinned:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise TpAeError(
                f"cannot pin {requirement.name}: it is not installed here; install tp-ae's "
                "dependencies (pip install -e .) and rebuild the bundle"
            ) from None
        pinned[name] = dist.version
        extras = requirement.extras
        for text in dist.requires or []:
            child = Requirement(text)
            if child.marker and not any(
                child.marker.evaluate({"extra": e}) for e in (extras or {""})
            ):
                continue
            child.marker = None
            todo.append(child)
    return [f"{name}=={version}" for name, version in sorted(pinned.items())]


def _declared_dependencies() -> list[str]:
    """tp-ae's ``[project] dependencies`` from pyproject.toml (the installed metadata may lag)."""
    from grader.config import _toml_module

    data = _toml_module().loads((project_root() / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data.get("project", {}).get("dependencies", []))


def setup_script() -> str:
    """setup.sh: Python, the pinned dependencies, tp-ae and the sandbox user (run as root)."""
    return f"""#!/usr/bin/env bash
# setup.sh, written by `tp-ae gradescope-bundle`. Gradescope runs it once, as root, on its Ubuntu
# image: installs Python {PYTHON_VERSION} (the version requirements.txt was pinned on), the pinned
# dependencies and tp-ae into {VENV}, and the user that runs student code.
set -euo pipefail
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
VENV={VENV}
PYTHON=python{PYTHON_VERSION}
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

apt-get update
apt-get install -y --no-install-recommends ca-certificates
if ! "$PYTHON" -c "import venv, ensurepip" 2>/dev/null; then
    # the release's own package when it has one, else the deadsnakes archive (every version)
    if ! apt-get install -y --no-install-recommends "$PYTHON" "$PYTHON-venv"; then
        apt-get install -y --no-install-recommends software-properties-common gpg-agent
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update
        apt-get install -y --no-install-recommends "$PYTHON" "$PYTHON-venv"
    fi
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --no-cache-dir --upgrade pip
"$VENV/bin/python" -m pip install --no-cache-dir -r "$SOURCE/requirements.txt"
"$VENV/bin/python" -m pip install --no-cache-dir --no-deps "$SOURCE"

# Student code runs as {SANDBOX_USER}: it can read the grader, not change it or the results.
id -u {SANDBOX_USER} >/dev/null 2>&1 || useradd --system --no-create-home \\
    --shell /usr/sbin/nologin {SANDBOX_USER}
chmod -R go-w "$SOURCE"

# Fail the image build now, not at the first submission, if anything is missing.
"$VENV/bin/python" -c "import grader.gradescope, keras, tp_ae; print('tp-ae grader ready')"
"""


def run_script() -> str:
    """run_autograder: grade $AUTOGRADER_ROOT/submission; results.json written whatever happens."""
    fallback = json.dumps(failure_results("the grader did not start (see the autograder log)"))
    return f"""#!/usr/bin/env bash
# run_autograder, written by `tp-ae gradescope-bundle`. Gradescope runs it as root for each
# submission: grades $AUTOGRADER_ROOT/submission (default {DEFAULT_ROOT}) with the python3 on PATH
# ({VENV}/bin first when setup.sh made it) and writes $AUTOGRADER_ROOT/results/results.json.
# Student code runs as ${SANDBOX_USER_ENV} (default {SANDBOX_USER}) when that user exists.
AUTOGRADER_ROOT="${{AUTOGRADER_ROOT:-{DEFAULT_ROOT}}}"
export AUTOGRADER_ROOT
SOURCE="$AUTOGRADER_ROOT/source"
RESULTS="$AUTOGRADER_ROOT/results/results.json"
if [ -x "{VENV}/bin/python3" ]; then
    export PATH="{VENV}/bin:$PATH"
fi
export PYTHONPATH="$SOURCE${{PYTHONPATH:+:$PYTHONPATH}}"  # grade with exactly this bundle's code
mkdir -p "$AUTOGRADER_ROOT/results"
rm -f "$RESULTS"
cd "$SOURCE" || true
python3 -m grader.gradescope --root "$AUTOGRADER_ROOT" --config "$SOURCE/course.toml" \\
    --sandbox-user "${{{SANDBOX_USER_ENV}:-{SANDBOX_USER}}}"
status=$?
if [ ! -s "$RESULTS" ]; then  # python3 itself failed: still tell the student something
    echo "run_autograder: the grader exited with status $status and wrote no results" >&2
    cat > "$RESULTS" <<'JSON'
{fallback}
JSON
fi
exit 0
"""


# ---------------------------------------------------------------------------------------------
# Running inside Gradescope


def run(
    root: Path,
    config_path: Path | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
    sandbox_user: str | None = SANDBOX_USER,
) -> Path:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns its path.

    Never raises for a grading failure: the results then hold an "autograder failed" test.
    ``sandbox_user`` runs student code when it exists and this process is root.
    """
    started = time.monotonic()
    root = Path(root)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        from grader.config import load_config

        config = load_config(config_path)
        results, log = _grade(root / "submission", config_path, time_limit, sandbox_user)
        results = to_gradescope(results, config)
        results.setdefault("execution_time", round(time.monotonic() - started, 2))
        if log:
            print(log[-LOG_TAIL_CHARS:])
        _write_json(target, results)
    except Exception as err:  # whatever broke, the student gets a results file
        expected = isinstance(err, (GradingFailed, TpAeError))
        details = str(err) if expected else "".join(traceback.format_exception(err))
        print(details, file=sys.stderr)
        results = failure_results(details, _max_score_or_zero(config_path))
        results["execution_time"] = round(time.monotonic() - started, 2)
        _write_json(target, results)
    return target


class GradingFailed(Exception):
    """The grader ran but gave no results; the message holds its log for the instructor."""


def _grade(
    submission: Path, config_path: Path | None, time_limit: float, sandbox_user: str | None
) -> tuple[dict, str]:
    """Run ``python3 -m grader`` on a copy of the submission; (its results.json, its log)."""
    if not submission.is_dir():
        raise GradingFailed(f"{submission}: no submission folder")
    work = Path(tempfile.mkdtemp(prefix="tp-ae-gradescope-"))
    try:
        copy = work / "submission"
        shutil.copytree(submission, copy, symlinks=False, ignore_dangling_symlinks=True)
        out = work / "out"
        command = [sys.executable, "-m", "grader", str(copy), "--out", str(out)]
        if config_path is not None:
            command += ["--config", str(config_path)]
        env = {k: v for k, v in os.environ.items() if k != SANDBOX_USER_ENV}
        user = _sandbox_user(sandbox_user)  # None: not root, or no such user
        if user:
            env[SANDBOX_USER_ENV] = user
            _readable_by_all(work)
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=time_limit,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            log = _text(err.stdout)
            raise GradingFailed(f"grading took longer than {time_limit:g} s\n{log}") from None
        finally:
            if user == SANDBOX_USER:  # setup.sh's own user: everything it runs is ours to end
                _end_processes_of(user)
        log = _text(done.stdout)
        found = sorted(out.glob("*/results.json"))
        if not found:
            raise GradingFailed(f"the grader exited with status {done.returncode}\n{log}")
        return json.loads(found[0].read_text(encoding="utf-8")), log
    finally:
        shutil.rmtree(work, ignore_errors=True)


def to_gradescope(results: Mapping, config) -> dict:
    """The grader's results.json as Gradescope shows it, with course.toml's visibility.

    Each test's ``visibility`` comes from its question's setting; the run's log is hidden. When
    some questions are hidden, the student-facing ``output`` gives the score of the questions
    shown (not the grader's total, which would give hidden points away) and says that others
    are graded but hidden, so a clean page promises no more than it shows; hints of hidden
    questions are left out of ``extra_data``.
    """
    out = {k: v for k, v in results.items() if k != "tests"}
    tests, hidden = [], []
    for test in results.get("tests") or []:
        test = dict(test)
        question = config.questions.get(test.get("name"))
        if question is not None:
            test["visibility"] = question.visibility
            if question.visibility != "visible":
                hidden.append(str(test.get("name")))
        score, most = test.get("score"), test.get("max_score") or 0
        if "status" not in test and isinstance(score, (int, float)):
            # a bonus has max_score 0 (extra credit): it passes when it earned something
            test["status"] = "passed" if score >= most and (most > 0 or score > 0) else "failed"
        tests.append(test)
    out["tests"] = tests
    if "score" not in out:
        out["score"] = sum(float(t.get("score") or 0) for t in tests)
    out["stdout_visibility"] = "hidden"
    if hidden:
        shown = [t for t in tests if t.get("visibility") == "visible"]
        earned = sum(float(t.get("score") or 0) for t in shown)
        possible = sum(float(t.get("max_score") or 0) for t in shown)
        lines = [  # the grader's "Score: total" line would give the hidden points away
            line
            for line in str(out.get("output") or "").splitlines()
            if not line.startswith("Score:")
        ]
        lines[:0] = [
            f"Score on the questions shown: {earned:g} / {possible:g}.",
            f"{len(hidden)} question(s) are graded but hidden for now ({', '.join(hidden)}): "
            "their points show once your instructor releases them, so this is not your final "
            "score.",
        ]
        out["output"] = "\n".join(lines)
    extra = dict(out.get("extra_data") or {})
    if isinstance(extra.get("hints"), list):
        extra["hints"] = [h for h in extra["hints"] if _hint_question(h) not in hidden]
    out["extra_data"] = extra
    return out


def _hint_question(hint: object) -> str | None:
    if isinstance(hint, Mapping):
        return hint.get("question") or hint.get("name")
    return None


def failure_results(details: str, max_score: float = 0.0) -> dict:
    """results.json when grading failed: 0 points, a visible message, details hidden."""
    return {
        "score": 0,
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": FAILED_TEST,
                "score": 0,
                "max_score": max_score,
                "status": "failed",
                "visibility": "visible",
                "output": FAILED_MESSAGE,
            },
            {
                "name": FAILED_DETAILS_TEST,
                "score": 0,
                "max_score": 0,
                "visibility": "hidden",
                "output": details[-LOG_TAIL_CHARS:],
            },
        ],
        "extra_data": {"load_error": None, "hints": [], "autograder_failed": True},
    }


def _max_score_or_zero(config_path: Path | None) -> float:
    try:
        from grader.config import load_config

        return load_config(config_path).max_score
    except Exception:
        return 0.0


def _sandbox_user(name: str | None) -> str | None:
    """``name`` when this process is root and that user exists, else None."""
    if not name or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return None
    return name


def _readable_by_all(folder: Path) -> None:
    for dirpath, _, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def _end_processes_of(user: str) -> None:
    """Kill whatever student code left running (a daemon forked to rewrite files later).

    Only for the user setup.sh made for student code: another user's processes are not ours.
    """
    subprocess.run(["pkill", "-KILL", "-u", user], check=False, capture_output=True)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")


def _write_json(target: Path, data: Mapping) -> None:
    from grader.writers import atomic_write_text

    atomic_write_text(target, json.dumps(data, indent=2, allow_nan=False, default=str))


def main(argv: Sequence[str] | None = None) -> int:
    """``python3 -m grader.gradescope --root /autograder --config course.toml`` (run_autograder)."""
    parser = argparse.ArgumentParser(
        prog="python3 -m grader.gradescope",
        description="grade $ROOT/submission and write $ROOT/results/results.json (Gradescope)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(os.environ.get("AUTOGRADER_ROOT", DEFAULT_ROOT)),
        help="Gradescope's autograder folder (default $AUTOGRADER_ROOT or /autograder)",
    )
    parser.add_argument("--config", type=Path, default=None, help="course TOML file")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=TIME_LIMIT_SECONDS,
        help=f"seconds the whole grading may take (default {TIME_LIMIT_SECONDS:g})",
    )
    parser.add_argument(
        "--sandbox-user",
        default=SANDBOX_USER,
        help=f"user that runs student code when this runs as root (default {SANDBOX_USER}); "
        "ignored when that user does not exist",
    )
    args = parser.parse_args(argv)
    path = run(args.root, args.config, args.time_limit, args.sandbox_user)
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
