"""grader/pytest_plugin.py: the checks are pytest tests; how their outcomes become
CheckResults, how a course adds its own, and pytest run directly on a submission."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grader.checks import kl_divergence as kl_check
from grader.config import default_config
from grader.gradebook import gradebook_text
from grader.observations import Observations
from grader.pytest_plugin import Case, custom_questions, run_checks
from tests.conftest import cli_env

from .corpus_tools import REPO

COURSE_CHECKS = Path(__file__).parent / "course_checks"


def _kl_answer(rng, scale: float = 1.0) -> tuple[dict, Observations]:
    """The grader's KL inputs and observations of a KL answer ``scale`` times the right one."""
    inputs = kl_check.make_inputs(rng)
    obs = Observations({"__found_in__": "part2_vae"})
    for case in kl_check.CASES:
        obs.put(case, scale * kl_check.expected_kl(inputs[f"{case}.mu"], inputs[f"{case}.lv"]))
    obs.put("compiled", obs.get("random"))
    return inputs, obs


def test_each_kl_test_is_one_check_and_a_right_answer_passes_them_all(rng):
    """Does a right KL pass every check, with weights adding up to 1?"""
    inputs, obs = _kl_answer(rng)
    checks = run_checks([Case("ana", "kl_divergence", inputs, obs)]).recorder.results
    found = checks[("ana", "kl_divergence")]
    assert all(c.passed for c in found) and len(found) == 7
    assert sum(c.weight for c in found) == pytest.approx(1.0)


def test_a_failed_assert_gives_got_expected_and_the_mistakes_hint(rng):
    """Does twice the KL lose the value checks, saying got/expected and 'missing factor 1/2'?"""
    inputs, obs = _kl_answer(rng, 2.0)
    found = run_checks([Case("ana", "kl_divergence", inputs, obs)]).recorder.results
    failed = [c for c in found[("ana", "kl_divergence")] if not c.passed]
    assert {c.name for c in failed} == {
        "values match the closed-form KL (question 2.1) on random inputs"
    }
    assert all("got [" in c.message and "expected [" in c.message for c in failed)
    assert all("missing factor 1/2" in c.hint for c in failed)


def test_a_course_check_reads_another_questions_answer(rng):
    """Does a course check declared with uses= run on kl_divergence's observations?"""
    inputs, obs = _kl_answer(rng, -1.0)
    session = run_checks([Case("ana", "kl_divergence", inputs, obs)], [COURSE_CHECKS])
    (extra,) = session.recorder.results[("ana", "kl_is_nonnegative")]
    assert not extra.passed and "signs" in extra.hint
    assert [(q.id, q.points, q.uses) for q in custom_questions([COURSE_CHECKS])] == [
        ("kl_is_nonnegative", 1.0, "kl_divergence")
    ]


def test_a_crashing_check_is_a_grader_error_not_a_lost_point(tmp_path, rng):
    """Is an exception inside a check (not an assert) recorded as a crash?"""
    (tmp_path / "test_broken.py").write_text(
        "import pytest\n"
        "pytestmark = pytest.mark.question('broken', points=1, uses='kl_divergence')\n"
        "def test_boom(answer):\n    raise KeyError('bug in the check')\n",
        encoding="utf-8",
    )
    inputs, obs = _kl_answer(rng)
    session = run_checks([Case("ana", "kl_divergence", inputs, obs)], [tmp_path])
    assert "bug in the check" in session.recorder.crashes[("ana", "broken")]


@pytest.mark.slow
def test_a_course_check_adds_a_gradebook_column_with_its_points():
    """Does grading with --checks give the course's question its own column and points?"""
    from grader.grading import grade_submission

    config = default_config()
    result = grade_submission(
        REPO / "solutions", config, questions=["kl_divergence"], checks=[COURSE_CHECKS]
    )
    assert result.question("kl_is_nonnegative").points_earned == 1
    assert result.max_score == config.max_score + 1
    header = gradebook_text([result]).splitlines()[0].split(",")
    assert header[-1] == "kl_is_nonnegative"


def _pytest_on(submission: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--pyargs"]
    command += ["grader.checks", "--submission", str(submission)]
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, env=cli_env()
    )


@pytest.mark.slow
def test_pytest_run_directly_passes_a_correct_submission_and_names_a_kl_mutant(tmp_path):
    """Does `python -m pytest --pyargs grader.checks --submission` exit 0 on solutions/ and
    fail on a KL without its 1/2, naming kl_divergence?"""
    done = _pytest_on(REPO / "solutions")
    assert done.returncode == 0, done.stdout[-2000:]
    mutant = tmp_path / "mutant"
    mutant.mkdir()
    for part in ("part1_autoencoders.py", "part2_vae.py"):
        text = (REPO / "solutions" / part).read_text(encoding="utf-8")
        (mutant / part).write_text(text.replace("0.5 * ops.sum", "1.0 * ops.sum"), "utf-8")
    assert "1.0 * ops.sum" in (mutant / "part2_vae.py").read_text(encoding="utf-8")
    done = _pytest_on(mutant)
    assert done.returncode == 1
    assert "test_kl_divergence.py::test_values_match_the_closed_form" in done.stdout
    assert "test_one_value_per_sample" not in done.stdout  # only the values were wrong


def test_a_batch_is_one_session_handing_each_submission_over_as_its_checks_end(rng):
    """With the observations arriving from another thread (as from the child), does one
    session check both submissions, hand the first over before the second has arrived, skip
    a question settled without checks, and record nothing for it?"""
    import threading

    from grader.pytest_plugin import CheckSession

    inputs, right = _kl_answer(rng)
    _, double = _kl_answer(rng, 2.0)
    first = Case.awaited("ana", "kl_divergence", inputs)
    second = Case.awaited("bob", "kl_divergence", inputs)
    settled = Case.awaited("eve", "kl_divergence", inputs)
    handed: list[tuple[str, bool]] = []
    session = CheckSession(
        [first, second, settled],
        on_done=lambda name: handed.append((name, second.arrived.is_set())),
        ready=lambda name: True,
    )

    def child() -> None:
        first.arrive(right)
        while not handed:  # bob's answer comes only once ana's result is out
            threading.Event().wait(0.05)
        second.arrive(double)
        settled.arrive(skip="settled without checks")

    thread = threading.Thread(target=child)
    thread.start()
    run_checks(session)
    thread.join()
    assert handed == [("ana", False), ("bob", True), ("eve", True)]
    ana, ana_crash = session.results_of("ana", "kl_divergence")
    bob, _ = session.results_of("bob", "kl_divergence")
    assert all(c.passed for c in ana) and len(ana) == 7 and not ana_crash
    assert sum(not c.passed for c in bob) == 2  # the two value checks of the doubled KL
    assert session.results_of("eve", "kl_divergence") == ([], "")


@pytest.mark.slow
def test_grading_a_batch_runs_one_pytest_session(monkeypatch):
    """Does grade_submissions check two submissions in a single pytest session?"""
    from grader import pytest_plugin
    from grader.grading import grade_submissions

    sessions = []
    real_main = pytest_plugin.pytest.main

    def counting(*args, **kwargs):
        sessions.append(args)
        return real_main(*args, **kwargs)

    monkeypatch.setattr(pytest_plugin.pytest, "main", counting)
    paths = {"ref": REPO / "solutions", "stub": REPO / "exercises"}
    graded = grade_submissions(paths, default_config(), questions=["kl_divergence"])
    assert len(sessions) == 1
    assert graded["ref"].question("kl_divergence").points_earned == pytest.approx(
        graded["ref"].question("kl_divergence").points_possible
    )
    assert graded["stub"].question("kl_divergence").status == "not_implemented"


@pytest.mark.parametrize(("scale", "passed"), [(1.0, True), (2.0, False)])
def test_a_course_check_compares_with_the_reference_fixture(tmp_path, rng, scale, passed):
    """Does the ``reference`` fixture hand a course check the grader's formulas of the
    question it reads (here expected_kl), so it can judge the student's values by them?"""
    (tmp_path / "test_kl_reference.py").write_text(
        "import numpy as np, pytest\n"
        "pytestmark = pytest.mark.question('kl_like_ours', points=1, uses='kl_divergence')\n"
        "def test_matches(answer, inputs, reference):\n"
        "    want = reference.expected_kl(inputs['random.mu'], inputs['random.lv'])\n"
        "    assert np.allclose(answer.array('random'), want), 'got other values'\n",
        encoding="utf-8",
    )
    inputs, obs = _kl_answer(rng, scale)
    session = run_checks([Case("ana", "kl_divergence", inputs, obs)], [tmp_path])
    (check,) = session.recorder.results[("ana", "kl_like_ours")]
    assert check.passed is passed


def test_a_result_that_cannot_be_kept_stops_the_session_with_its_error(rng):
    """When handing a submission over fails (its files cannot be written), does the session
    stop there and run_checks raise that very error, instead of grading on or calling the
    failure a grader error of the submissions after it?"""
    from grader.pytest_plugin import CheckSession

    inputs, right = _kl_answer(rng)
    cases = [
        Case("ana", "kl_divergence", inputs, right),
        Case("bob", "kl_divergence", inputs, right),
    ]
    handed: list[str] = []

    def keep(name: str) -> None:
        handed.append(name)
        raise OSError(28, "No space left on device")

    session = CheckSession(cases, on_done=keep, ready=lambda name: True)
    with pytest.raises(OSError, match="No space left"):
        run_checks(session)
    assert handed == ["ana"]
    assert ("bob", "kl_divergence") not in session.recorder.results


def test_a_check_file_that_cannot_be_imported_is_an_error_not_a_ctrl_c(tmp_path, rng):
    """Does a course check file with a syntax error make run_checks raise a RuntimeError that
    names it (pytest reports it as 'interrupted', as it does a real Ctrl-C)?"""
    (tmp_path / "test_broken_file.py").write_text("def test_x(:\n", encoding="utf-8")
    inputs, obs = _kl_answer(rng)
    with pytest.raises(RuntimeError, match="test_broken_file.py"):
        run_checks([Case("ana", "kl_divergence", inputs, obs)], [tmp_path])
