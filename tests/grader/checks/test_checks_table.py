"""README's grading table is generated from the checks (checks_table.py): its shares are the
grader's own weights, and README.md holds the table as generated."""

from __future__ import annotations

from pathlib import Path

import pytest

from tp_ae.questions import QUESTION_IDS

from .checks_table import START, grading_table, question_checks, readme_block

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.mark.parametrize("qid", QUESTION_IDS)
def test_table_shares_are_the_graders_weights_and_add_up_to_one(qid):
    """Does each question's list of checks, as its pytest file scores them (weight marks times
    parametrized cases, or score()'s checks), share exactly all of its points?"""
    checks = question_checks(qid)
    assert checks and all(share > 0 for _, share in checks)
    assert sum(share for _, share in checks) == pytest.approx(1.0)


def test_table_has_one_row_per_check():
    """Is every check of every question a row of the table (plus the two header rows)?"""
    rows = grading_table().splitlines()
    assert len(rows) == 2 + sum(len(question_checks(q)) for q in QUESTION_IDS)


def test_readme_holds_the_generated_grading_table():
    """Is README.md's grading table the one generated from the checks (regenerate it with
    ``python -m tests.grader.checks.checks_table`` after changing a weight or a check)?"""
    text = README.read_text(encoding="utf-8")
    if START not in text:
        pytest.skip("README.md has no grading table yet")
    assert readme_block() in text
