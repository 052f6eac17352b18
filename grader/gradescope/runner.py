"""Grading inside Gradescope: ``python3 -m grader.gradescope.runner`` (run by run_autograder).

Grades ``$AUTOGRADER_ROOT/submission`` with the same grader as ``tp-ae grade``
(:func:`grader.grading.grade_submission`: student code runs in the sandboxed child, as the
unprivileged sandbox user when this runs as root) and writes
``$AUTOGRADER_ROOT/results/results.json`` from the in-memory result
(:meth:`SubmissionResult.to_gradescope_dict`, which already carries each test's visibility and
status). This module adds only what is Gradescope's page: the run's log hidden from students,
and, when some questions are not visible yet, a score line that does not give their points away.

Whatever fails (no submission, a time limit, a broken install), a results.json is written: the
grader's "failed" result, visible to the student, with the details for the instructor only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grader.gradescope import DEFAULT_ROOT, SANDBOX_USER, SANDBOX_USER_ENV
from tp_ae.errors import TpAeError

SUBMISSION_NAME = "submission"
TIME_LIMIT_SECONDS = 540.0  # whole run; under Gradescope's default 10 min, so results get written
LOG_TAIL_CHARS = 20_000  # of the failure details kept in the hidden test
KILL_PASSES = 5  # rounds of killing the sandbox user's processes (one may fork in between)
FAILED_TEST = "autograder failed"  # used only where grader.results has no grader_failed
FAILED_DETAILS_TEST = "autograder failure details (instructors only)"
FAILED_MESSAGE = (
    "The autograder could not grade this submission, so it scored 0 for now. This is not a "
    "verdict on your code: your instructor has the details. Check that you submitted "
    "part1_autoencoders and part2_vae (.py or .ipynb) with their names unchanged, then resubmit "
    "or contact your instructor."
)


class GradingFailed(Exception):
    """The grader could not grade the submission; the message is for the instructor."""


def run(
    root: Path,
    config_path: Path | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
    sandbox_user: str | None = SANDBOX_USER,
    *,
    parallel: int | None = None,
    threads: int | None = None,
) -> Path:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns its path.

    Never raises for a grading failure: the results then say the autograder failed.
    ``sandbox_user`` runs student code when it exists and this process is root.
    ``parallel``/``threads``: see :func:`grader.grading.grade_submissions` (None: defaults
    from the CPUs this process may use).
    """
    started = time.monotonic()
    root = Path(root)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    config = None
    try:
        from grader.config import load_config

        config = load_config(config_path)
        result = _grade(root / SUBMISSION_NAME, config, time_limit, sandbox_user, parallel, threads)
        results = gradescope_results(result.to_gradescope_dict())
        print(results.get("output", ""))
    except Exception as err:  # whatever broke, the student gets a results file
        expected = isinstance(err, (GradingFailed, TpAeError))
        details = str(err) if expected else "".join(traceback.format_exception(err))
        print(details, file=sys.stderr)
        results = failure_results(details, config)
    results["execution_time"] = round(time.monotonic() - started, 2)
    _write_json(target, results)
    return target


def _grade(submission: Path, config, time_limit, sandbox_user, parallel, threads):
    """The SubmissionResult of ``submission``; GradingFailed when there is none in time."""
    from grader.grading import grade_submission

    if not submission.is_dir():
        raise GradingFailed(f"{submission}: no submission folder")
    cancel = threading.Event()
    timer = threading.Timer(time_limit, cancel.set)
    timer.daemon = True
    user = _sandbox_user(sandbox_user)  # None: not root, or no such user
    saved = os.environ.pop(SANDBOX_USER_ENV, None)
    if user:
        os.environ[SANDBOX_USER_ENV] = user  # read by the sandboxed child
    timer.start()
    try:
        return grade_submission(
            submission,
            config,
            name=SUBMISSION_NAME,
            parallel=parallel,
            threads=threads,
            cancel=cancel,
        )
    except RuntimeError:
        if cancel.is_set():
            raise GradingFailed(f"grading took longer than {time_limit:g} s") from None
        raise
    finally:
        timer.cancel()
        os.environ.pop(SANDBOX_USER_ENV, None)
        if saved is not None:
            os.environ[SANDBOX_USER_ENV] = saved
        if user == SANDBOX_USER:  # setup.sh's own user: everything it runs is ours to end
            end_processes_of(user)


def gradescope_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """``SubmissionResult.to_gradescope_dict()`` as Gradescope should show it.

    The run's log is hidden (``stdout_visibility``). When some tests are not visible, the
    student-facing ``output`` gives the score of the tests shown instead of the total (which
    would give the hidden points away) and says that more is graded.
    """
    out = dict(results)
    out["stdout_visibility"] = "hidden"
    tests = list(out.get("tests") or [])
    hidden = [
        str(t.get("name")) for t in tests if t.get("visibility") != "visible" and _is_question(t)
    ]
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
    return out


def _is_question(test: Mapping[str, Any]) -> bool:
    """True for a question's test (not the grader's hidden instructor-only test)."""
    from tp_ae.questions import QUESTION_IDS

    return test.get("name") in QUESTION_IDS


def failure_results(details: str, config=None) -> dict[str, Any]:
    """results.json when grading failed: 0 points, visible to the student that the autograder
    failed, ``details`` hidden for the instructor.

    The shape is grader.results' ``SubmissionResult.grader_failed`` (every question a grader
    error) where it exists; else (or when even the config is unusable) a small fallback.
    """
    details = details[-LOG_TAIL_CHARS:]
    try:
        from grader.config import default_config
        from grader.results import SubmissionResult

        make = getattr(SubmissionResult, "grader_failed", None)
        if make is not None:
            result = make(SUBMISSION_NAME, SUBMISSION_NAME, config or default_config(), details)
            out = gradescope_results(result.to_gradescope_dict())
            out["output"] = f"{FAILED_MESSAGE}\n{out.get('output', '')}".strip()
            return out
    except Exception:  # noqa: BLE001 - the fallback below must always be written
        pass
    return _fallback_failure(details, _max_score(config))


def _fallback_failure(details: str, max_score: float) -> dict[str, Any]:
    return {
        "score": 0,
        "output": FAILED_MESSAGE,
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
                "output": details,
            },
        ],
        "extra_data": {"autograder_failed": True},
    }


def _max_score(config) -> float:
    try:
        if config is None:
            from grader.config import default_config

            config = default_config()
        return float(config.max_score)
    except Exception:  # noqa: BLE001 - only for the fallback's max_score
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


def end_processes_of(user: str) -> int:
    """SIGKILL every process of ``user`` (what student code left running); how many.

    Reads /proc (no pkill: Gradescope's image may lack procps). A process counts as the
    user's when any of its real, effective, saved or filesystem uids is that user's.
    """
    import pwd

    uid = pwd.getpwnam(user).pw_uid
    if uid == 0:
        raise ValueError("refusing to kill root's processes")
    killed = 0
    for _ in range(KILL_PASSES):
        found = [pid for pid in _pids() if uid in _uids(pid)]
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        if not found:
            break
        time.sleep(0.05)
    return killed


def _pids() -> list[int]:
    try:
        return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return []


def _uids(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Uid:"):
                    return {int(v) for v in line.split()[1:]}
    except (OSError, ValueError):
        pass
    return set()


def _write_json(target: Path, data: Mapping) -> None:
    from grader.writers import atomic_write_text

    atomic_write_text(target, json.dumps(data, indent=2, allow_nan=False, default=str))


def main(argv: Sequence[str] | None = None) -> int:
    """``python3 -m grader.gradescope.runner --root /autograder --config course.toml``."""
    parser = argparse.ArgumentParser(
        prog="python3 -m grader.gradescope.runner",
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
