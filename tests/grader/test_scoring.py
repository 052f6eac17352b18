"""grader/scoring.py: from what the child reports for a question to its QuestionResult."""

from __future__ import annotations

import pytest

from grader import protocol
from grader.config import default_config
from grader.observations import ErrorInfo, Observations
from grader.results import Status
from grader.sandbox import RawOutcome
from grader.scoring import OK, TIMEOUT, score_question


def outcome(obs: Observations, **kw) -> RawOutcome:
    return RawOutcome(kw.pop("status", OK), observations=obs, seconds=1.0, **kw)


def test_scoring_statuses_from_what_the_child_reports(rng):
    """Do a trip-wire, a timeout, a missing name, a stub and a grader bug each give 0 points
    with their own status and message?"""
    config = default_config()["kl_divergence"]
    inputs = {}
    found = {protocol.FOUND_IN: "part2_vae"}
    tripped = score_question(
        "kl_divergence", config, outcome(Observations(found), tripped=["x"]), inputs
    )
    assert tripped.status == Status.INTEGRITY and "tp_ae.losses.kl_divergence" in tripped.message
    timeout = score_question("kl_divergence", config, outcome(None, status=TIMEOUT), inputs)
    assert timeout.status == Status.TIMEOUT and "60 s" in timeout.message
    missing = score_question("kl_divergence", config, outcome(Observations()), inputs)
    assert missing.status == Status.MISSING
    stub = Observations(found)
    for key in ("random", "small", "zeros", "large"):
        stub.put_error(key, ErrorInfo("NotImplementedError", ""))
    assert (
        score_question("kl_divergence", config, outcome(stub), inputs).status
        == Status.NOT_IMPLEMENTED
    )
    broken = Observations({**found, protocol.HARNESS_ERROR: "Traceback: bug"})
    bug = score_question("kl_divergence", config, outcome(broken), inputs)
    assert bug.status == Status.GRADER_ERROR and bug.grader_traceback == "Traceback: bug"
    assert all(q.points_earned == 0 for q in (tripped, timeout, missing, bug))


def test_a_renamed_parameter_costs_a_tenth(rng):
    """When the function only works positionally, is 0.1 of the question lost with a hint?"""
    from grader.checks import kl_divergence as kl_check

    inputs = kl_check.make_inputs(rng)
    obs = Observations({protocol.FOUND_IN: "part2_vae", protocol.SIGNATURE: "unexpected keyword"})
    for case in kl_check.CASES:
        obs.put(case, kl_check.expected_kl(inputs[f"{case}.mu"], inputs[f"{case}.lv"]))
    obs.put("compiled", obs.get("random"))
    result = score_question(
        "kl_divergence", default_config()["kl_divergence"], outcome(obs), inputs
    )
    assert result.points_earned == pytest.approx(2.7)
    assert "parameter names" in result.hints[0]


def test_scoring_reads_the_childs_messages_through_the_protocols_names():
    """Does grader/scoring.py name no reserved key and no outcome status by its literal text
    (grader.protocol declares them), so that a renamed key cannot silently stop matching?"""
    import grader.scoring

    with open(grader.scoring.__file__, encoding="utf-8") as handle:
        source = handle.read()
    literals = [*protocol.RESERVED, *protocol.STATUSES]
    assert [k for k in literals if f'"{k}"' in source or f"'{k}'" in source] == []
