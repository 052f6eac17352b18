"""The checks of ``build_conv_autoencoder``, one pytest test per check.

The six tests are those of ``grader.checks._autoencoder.AutoencoderChecks`` (shared with the MLP
autoencoder), run on what the student's builder gave for z_dim = 2 and 10 (``answer``, collected
in the sandbox by ``grader.collect.build_conv_autoencoder``) against the convolutional net of
the handout (two stride-2 Conv2D and LeakyReLU(0.2), Flatten, Dense(z_dim); Dense(392), Reshape,
two stride-2 Conv2DTranspose, sigmoid), with its parameter counts
(``grader.checks.build_conv_autoencoder``).
"""

from __future__ import annotations

import pytest

from grader.checks import build_conv_autoencoder
from grader.checks._autoencoder import AutoencoderChecks

pytestmark = pytest.mark.question("build_conv_autoencoder")


class TestConvAutoencoder(AutoencoderChecks):
    """The six checks, against the handout's convolutional net: its layers and counts."""

    spec = build_conv_autoencoder.SPEC
