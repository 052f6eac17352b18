"""The checks of ``build_mlp_autoencoder``, as one pytest test over its observations.

They are scored by ``grader.checks.build_mlp_autoencoder.score``:
each check it returns is one line of the
feedback, with its own weight. Read that module for what is checked and why.
"""

from __future__ import annotations

import pytest

from grader.checks import build_mlp_autoencoder as checks

pytestmark = pytest.mark.question("build_mlp_autoencoder")


def test_build_mlp_autoencoder(answer, inputs, record):
    """every check of build_mlp_autoencoder"""
    record(checks.score(inputs, answer))
