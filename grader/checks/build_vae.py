"""build_vae(z_dim=10, hidden_dim=512): (encoder, decoder, vae), the handout's MLP VAE.

Built with (z_dim=2, hidden_dim=64) and z_dim=10: three keras Models; the encoder returns
[z_mean, z_log_var, z], each (N, z_dim); the decoder gives (N, 28, 28, 1) in [0, 1]; z follows
z = z_mean + exp(0.5 z_log_var) eps over 2,048 draws; the handout's layers (encoder Flatten ->
Dense(hidden_dim) -> LeakyReLU(0.2) -> two Dense(z_dim) heads -> Sampling; decoder
Dense(hidden_dim) -> LeakyReLU(0.2) -> Dense(784) -> sigmoid -> Reshape) and parameter counts;
8 steps of vae.fit lower the negative ELBO. Your losses are replaced by the reference ones here.

The checks are pytest tests shared with build_conv_vae (``grader.checks._vae_checks``),
collected by ``test_build_vae.py``; what they compare with is in ``grader.checks._vae``.
"""

from __future__ import annotations

import numpy as np

from grader.checks import _vae
from grader.collect.build_vae import BUILDS

QUESTION_ID = "build_vae"
MAIN_KEYS = ("z2.build", "z10.build")
SPEC = _vae.VaeSpec(QUESTION_ID, BUILDS, False)


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return _vae.make_inputs(rng)
