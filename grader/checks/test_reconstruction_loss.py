"""The checks of ``reconstruction_loss``, as one pytest test over its observations.

They are scored by ``grader.checks.reconstruction_loss.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import reconstruction_loss as checks

pytestmark = pytest.mark.question("reconstruction_loss")


def test_reconstruction_loss(answer, inputs, record):
    """every check of reconstruction_loss"""
    record(checks.score(inputs, answer))
