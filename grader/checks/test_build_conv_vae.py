"""The checks of ``build_conv_vae``, as one pytest test over its observations.

They are scored by ``grader.checks.build_conv_vae.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import build_conv_vae as checks

pytestmark = pytest.mark.question("build_conv_vae")


def test_build_conv_vae(answer, inputs, record):
    """every check of build_conv_vae"""
    record(checks.score(inputs, answer))
