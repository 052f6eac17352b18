"""grader/results.py: the results model: points, hints, JSON round trip, Gradescope's dict,
the one shape of "the grader failed"."""

from __future__ import annotations

import json

from grader.config import config_from_mapping, default_config
from grader.results import CheckResult, QuestionResult, Status, SubmissionResult
from tp_ae.questions import QUESTION_IDS


def make_result(name="alice", kl_fraction=0.5, config=None) -> SubmissionResult:
    """Full marks except half of kl_divergence, which names a mistake."""
    config = config or default_config()
    questions = []
    for qid in QUESTION_IDS:
        q = QuestionResult(
            qid, config[qid].points_possible, config[qid].bonus, config[qid].visibility
        )
        fraction = kl_fraction if qid == "kl_divergence" else 1.0
        q.checks = [
            CheckResult("values", 0.5, fraction, "got [1, 2], expected [2, 4]", "missing 1/2"),
            CheckResult("shape", 0.5, 1.0),
        ]
        questions.append(q)
    return SubmissionResult(name, f"/x/{name}", questions, wall_seconds=3.21)


def test_points_are_the_weighted_fraction_of_the_question():
    """Does 0.5 of a check weighing 0.5 cost a quarter of the question's 3 points?"""
    result = make_result()
    assert result.question("kl_divergence").points_earned == 2.25
    assert result.score == 22 - 0.75 and result.max_score == 21


def test_hints_are_question_and_hint_pairs():
    """Does each hint come with the id of the question it belongs to?"""
    assert make_result().hints() == [("kl_divergence", "missing 1/2")]


def test_json_round_trip_gives_back_the_same_result():
    """Does from_json(to_json()) rebuild an equal result, statuses as Status members?"""
    result = make_result()
    result.question("add_noise").status = Status.TIMEOUT
    result.warnings.append("w")
    result.isolation, result.content_hash = "bubblewrap", "abc"
    back = SubmissionResult.from_json(json.loads(json.dumps(result.to_json())))
    assert back == result
    assert back.question("add_noise").status is Status.TIMEOUT


def test_from_json_refuses_other_layouts():
    """Is data of another shape or schema version a ValueError, not a half-read result?"""
    for bad in ({}, {"schema": 99}, [], {"schema": 1, "questions": [{"nope": 1}]}):
        try:
            SubmissionResult.from_json(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_gradescope_dict_has_the_spec_fields_bonus_as_extra_credit_and_the_result():
    """Does results.json carry score, tests (name, score, max_score, output, visibility),
    execution_time, and the whole result in extra_data?"""
    config = config_from_mapping({"questions": {"add_noise": {"visibility": "hidden"}}})
    result = make_result(config=config)
    result.wall_seconds = 3.21
    data = result.to_gradescope_dict()
    assert data["score"] == 21.25 and data["execution_time"] == 3.21
    tests = {t["name"]: t for t in data["tests"]}
    assert list(tests) == list(QUESTION_IDS)
    assert {"name", "score", "max_score", "output", "visibility"} <= set(tests["kl_divergence"])
    assert tests["build_conv_vae"]["max_score"] == 0 and tests["build_conv_vae"]["score"] == 1
    assert tests["build_conv_vae"]["extra_data"] == {"points_possible": 1, "bonus": True}
    assert tests["add_noise"]["visibility"] == "hidden"
    assert "got [1, 2], expected [2, 4]" in tests["kl_divergence"]["output"]
    assert "hint: missing 1/2" in tests["kl_divergence"]["output"]
    assert SubmissionResult.from_json(data["extra_data"]["result"]) == result
    json.dumps(data)  # plain JSON


def test_grader_failure_is_visible_to_the_student_and_its_traceback_hidden():
    """Does the one grader-failed shape give every question 0 with a visible notice, and a
    hidden test holding the details?"""
    result = SubmissionResult.grader_failed("ana", "/x/ana", default_config(), "Traceback: boom")
    assert result.failed and result.score == 0 and result.max_score == 21
    assert {q.status for q in result.questions} == {Status.GRADER_ERROR}
    data = result.to_gradescope_dict()
    hidden = [t for t in data["tests"] if t["visibility"] == "hidden"]
    assert len(hidden) == 1 and "boom" in hidden[0]["output"]
    assert "autograder failed" in data["output"]
