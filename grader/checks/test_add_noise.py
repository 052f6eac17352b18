"""The checks of ``add_noise``, as one pytest test over its observations.

They are scored by ``grader.checks.add_noise.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import add_noise as checks

pytestmark = pytest.mark.question("add_noise")


def test_add_noise(answer, inputs, record):
    """every check of add_noise"""
    record(checks.score(inputs, answer))
