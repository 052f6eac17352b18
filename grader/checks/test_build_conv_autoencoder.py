"""The checks of ``build_conv_autoencoder``, as one pytest test over its observations.

They are scored by ``grader.checks.build_conv_autoencoder.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import build_conv_autoencoder as checks

pytestmark = pytest.mark.question("build_conv_autoencoder")


def test_build_conv_autoencoder(answer, inputs, record):
    """every check of build_conv_autoencoder"""
    record(checks.score(inputs, answer))
