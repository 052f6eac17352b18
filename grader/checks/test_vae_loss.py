"""The checks of ``vae_loss``, as one pytest test over its observations.

They are scored by ``grader.checks.vae_loss.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import vae_loss as checks

pytestmark = pytest.mark.question("vae_loss")


def test_vae_loss(answer, inputs, record):
    """every check of vae_loss"""
    record(checks.score(inputs, answer))
