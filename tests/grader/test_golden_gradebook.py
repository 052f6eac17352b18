"""The corpus's gradebook against a committed golden copy: refactoring the grader must not move
one point. Refresh it, after a change that is meant to move points, with
``TP_AE_UPDATE_GOLDEN=1 python -m pytest tests/grader/test_golden_gradebook.py`` and review the
diff before committing it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.gradebook import gradebook_text

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "golden" / "corpus_gradebook.csv"


def test_corpus_gradebook_matches_the_golden_copy(graded):
    """Does grading solutions/, exercises/ and the corpus give the committed gradebook, point
    for point and status for status?"""
    text = gradebook_text([graded[name] for name in sorted(graded)], statuses=True)
    if os.environ.get("TP_AE_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
