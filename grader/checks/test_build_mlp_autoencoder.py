"""The checks of ``build_mlp_autoencoder``, one pytest test per check.

The six tests are those of ``grader.checks._autoencoder.AutoencoderChecks`` (shared with the conv
autoencoder), run on what the student's builder gave for z_dim = 2 and 10 (``answer``, collected
in the sandbox by ``grader.collect.build_mlp_autoencoder``) against the MLP of the handout:
Flatten -> Dense(z_dim) -> LeakyReLU(0.2), then Dense(784) -> sigmoid -> Reshape(28, 28, 1),
with its parameter counts (``grader.checks.build_mlp_autoencoder``).
"""

from __future__ import annotations

import pytest

from grader.checks import build_mlp_autoencoder
from grader.checks._autoencoder import AutoencoderChecks

pytestmark = pytest.mark.question("build_mlp_autoencoder")


class TestMlpAutoencoder(AutoencoderChecks):
    """The six checks, against the handout's MLP: its layers and counts."""

    spec = build_mlp_autoencoder.SPEC
