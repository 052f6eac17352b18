"""The results model and its writers: plain values in, Gradescope's results.json, feedback.md
and gradebook.csv out; scoring of what the child reports; the child's file format."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from grader import results as r
from grader.config import QUESTION_IDS, config_from_mapping, default_config
from grader.observations import ErrorInfo, Observations, load_observations
from grader.results import CheckResult, QuestionResult, SubmissionResult
from grader.sandbox import RawOutcome
from grader.scoring import score_question
from grader.writers import collect_rows, write_gradebook, write_submission


def make_result(name="alice", kl_fraction=0.5, config=None) -> SubmissionResult:
    """Full marks except half of kl_divergence, which names a mistake."""
    config = config or default_config()
    questions = []
    for qid in QUESTION_IDS:
        q = QuestionResult(qid, config[qid].points, config[qid].bonus, config[qid].visibility)
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
    assert result.question("kl_divergence").points == 2.25
    assert result.score == 22 - 0.75 and result.max_score == 21


def test_gradescope_dict_has_the_spec_fields_bonus_as_extra_credit_and_extra_data():
    """Does results.json carry score, tests (name, score, max_score, output, visibility),
    execution_time and extra_data with load_error, hints and wall_seconds?"""
    config = config_from_mapping({"questions": {"add_noise": {"visibility": "hidden"}}})
    data = make_result(config=config).to_gradescope_dict()
    assert data["score"] == 21.25 and data["execution_time"] == 3.21
    tests = {t["name"]: t for t in data["tests"]}
    assert list(tests) == list(QUESTION_IDS)
    assert set(tests["kl_divergence"]) == {
        "name",
        "score",
        "max_score",
        "output",
        "visibility",
        "extra_data",
    }
    assert tests["build_conv_vae"]["max_score"] == 0 and tests["build_conv_vae"]["score"] == 1
    assert tests["build_conv_vae"]["extra_data"] == {"points": 1, "bonus": True}
    assert tests["add_noise"]["visibility"] == "hidden"
    assert "got [1, 2], expected [2, 4]" in tests["kl_divergence"]["output"]
    assert "hint: missing 1/2" in tests["kl_divergence"]["output"]
    extra = data["extra_data"]
    assert extra["load_error"] is None and extra["hints"] == ["missing 1/2"]
    assert extra["wall_seconds"] == 3.21
    json.dumps(data)  # plain JSON


def test_grader_failure_is_visible_to_the_student_and_its_traceback_hidden():
    """Does a grader bug give a visible notice and a hidden test holding the traceback?"""
    result = make_result()
    result.grader_error = "Traceback: boom"
    data = result.to_gradescope_dict()
    hidden = [t for t in data["tests"] if t["visibility"] == "hidden"]
    assert len(hidden) == 1 and "boom" in hidden[0]["output"]
    assert "autograder failed" in data["output"]


def test_writers_produce_results_feedback_and_an_ordered_gradebook(tmp_path):
    """Are results.json, feedback.md and gradebook.csv written, columns in the spec's order,
    one row per graded folder, and no temporary file left behind?"""
    for name, fraction in (("bob", 1.0), ("alice", 0.0)):
        write_submission(make_result(name, fraction), tmp_path)
    path = write_gradebook(tmp_path)
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0] == ["submission", "score", "max_score", *QUESTION_IDS]
    assert [row[:3] for row in rows[1:]] == [["alice", "20.5", "21"], ["bob", "22", "21"]]
    assert rows[1][3 + QUESTION_IDS.index("kl_divergence")] == "1.5"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice", "bob", "gradebook.csv"]
    feedback = (tmp_path / "alice" / "feedback.md").read_text()
    assert "## kl_divergence: 1.5 / 3" in feedback
    assert "- [ ] values (lost 1.5 pt)" in feedback and "hint: missing 1/2" in feedback
    assert [row.submission for row in collect_rows(tmp_path)] == ["alice", "bob"]


def outcome(obs: Observations, **kw) -> RawOutcome:
    return RawOutcome(kw.pop("status", "ok"), observations=obs, seconds=1.0, **kw)


def test_scoring_statuses_from_what_the_child_reports(rng):
    """Do a trip-wire, a timeout, a missing name, a stub and a grader bug each give 0 points
    with their own status and message?"""
    config = default_config()["kl_divergence"]
    inputs = {}
    found = {"__found_in__": "part2_vae"}
    tripped = score_question(
        "kl_divergence", config, outcome(Observations(found), tripped=["x"]), inputs
    )
    assert tripped.status == r.INTEGRITY and "tp_ae.losses.kl_divergence" in tripped.message
    timeout = score_question("kl_divergence", config, outcome(None, status="timeout"), inputs)
    assert timeout.status == r.TIMEOUT and "60 s" in timeout.message
    missing = score_question("kl_divergence", config, outcome(Observations()), inputs)
    assert missing.status == r.MISSING
    stub = Observations(found)
    for key in ("random", "small", "zeros", "large"):
        stub.put_error(key, ErrorInfo("NotImplementedError", ""))
    assert (
        score_question("kl_divergence", config, outcome(stub), inputs).status == r.NOT_IMPLEMENTED
    )
    broken = Observations({**found, "__harness_error__": "Traceback: bug"})
    bug = score_question("kl_divergence", config, outcome(broken), inputs)
    assert bug.status == r.GRADER_ERROR and bug.grader_traceback == "Traceback: bug"
    assert all(q.points == 0 for q in (tripped, timeout, missing, bug))


def test_a_renamed_parameter_costs_a_tenth(rng):
    """When the function only works positionally, is 0.1 of the question lost with a hint?"""
    from grader.checks import kl_divergence as kl_check

    inputs = kl_check.make_inputs(rng)
    obs = Observations({"__found_in__": "part2_vae", "__signature__": "unexpected keyword"})
    for case in kl_check.CASES:
        obs.put(case, kl_check.expected_kl(inputs[f"{case}.mu"], inputs[f"{case}.lv"]))
    obs.put("compiled", obs.get("random"))
    result = score_question(
        "kl_divergence", default_config()["kl_divergence"], outcome(obs), inputs
    )
    assert result.points == pytest.approx(2.7)
    assert "parameter names" in result.hints[0]


def test_observations_round_trip_and_refuse_pickles(tmp_path):
    """Do arrays, JSON values and errors come back as sent, and is a pickled array refused?"""
    obs = Observations({"a": np.arange(3.0), "meta": {"n": 1}, "flag": True})
    obs.put_error("b", ErrorInfo("ValueError", "bad", "part2_vae.py, line 3"))
    path = tmp_path / "r.npz"
    obs.save(path)
    back = load_observations(path)
    np.testing.assert_array_equal(back.array("a"), [0.0, 1.0, 2.0])
    assert back.get("meta") == {"n": 1} and back.get("flag") is True
    assert str(back.error("b")) == "ValueError: bad (part2_vae.py, line 3)"
    np.savez(path, __meta__=np.frombuffer(b"{}", np.uint8), **{"array:x": np.array([object()])})
    with pytest.raises(ValueError):
        load_observations(path)
