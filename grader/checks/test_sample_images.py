"""The checks of ``sample_images``, as one pytest test over its observations.

They are scored by ``grader.checks.sample_images.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import sample_images as checks

pytestmark = pytest.mark.question("sample_images")


def test_sample_images(answer, inputs, record):
    """every check of sample_images"""
    record(checks.score(inputs, answer))
