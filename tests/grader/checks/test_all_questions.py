"""What every check module promises, whatever its question: weights that share all the points,
and a test file here named after its question id."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.checks import check_module
from grader.config import QUESTION_IDS
from grader.observations import Observations

from .helpers import checked, fraction


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_check_weights_add_up_to_one(qid, rng):
    """Do the checks of every question share exactly all of its points, even on no data?"""
    module = check_module(qid)
    inputs = module.make_inputs(rng)
    checks = checked(module, inputs, Observations())
    assert sum(c.weight for c in checks) == pytest.approx(1.0)
    assert fraction(checks) == 0


def test_every_question_id_has_its_test_file():
    """Can a newcomer find the tests of each question under its id (test_<question_id>.py)?"""
    here = Path(__file__).parent
    missing = [q for q in QUESTION_IDS if not (here / f"test_{q}.py").is_file()]
    assert missing == []
