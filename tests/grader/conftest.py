"""Fixtures for the grader's tests. Grading is expensive (TensorFlow starts in the child), so
solutions/, the exercise stubs and every corpus entry are graded together, in one child, once
per test session."""

from __future__ import annotations

import pytest

from grader.config import config_from_mapping

from .corpus_tools import CORPUS_ENTRIES, REPO, build_entry

# An example course check, run by the tests through `--checks`, not collected as a test here.
collect_ignore = ["course_checks"]

# Short limits for the hostile entries; every legitimate answer stays far below them.
TEST_CONFIG = {
    "questions": {
        "sample_images": {"timeout_seconds": 10},
        "vae_loss": {"memory_mb": 500},
    }
}


@pytest.fixture(scope="session")
def test_config():
    return config_from_mapping(TEST_CONFIG)


@pytest.fixture(scope="session")
def graded(tmp_path_factory, test_config):
    """name -> SubmissionResult for solutions/, exercises/ and every corpus entry, graded in
    one child (TensorFlow started once for the whole session)."""
    from grader.grading import grade_submissions

    folder = tmp_path_factory.mktemp("corpus")
    paths = {"solutions": REPO / "solutions", "exercises": REPO / "exercises"}
    questions = {}
    for entry in CORPUS_ENTRIES:
        paths[entry.name] = build_entry(entry, folder)
        questions[entry.name] = entry.questions
    return grade_submissions(paths, test_config, questions=questions)
