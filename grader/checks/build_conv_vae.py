"""build_conv_vae(z_dim=10), bonus: (encoder, decoder, vae) like build_vae, convolutional.

As build_vae (z_dim = 2 and 10, [z_mean, z_log_var, z], decoder range, reparameterisation, 8
steps of vae.fit lower the negative ELBO), but no exact architecture is imposed: the encoder
must use Conv2D and the decoder Conv2DTranspose (or upsampling and Conv2D).

The checks are pytest tests shared with build_vae (``grader.checks._vae_checks``), collected
by ``test_build_conv_vae.py``; what they compare with is in ``grader.checks._vae``.
"""

from __future__ import annotations

import numpy as np

from grader.checks import _vae
from grader.collect.build_conv_vae import BUILDS

QUESTION_ID = "build_conv_vae"
MAIN_KEYS = ("z2.build", "z10.build")
SPEC = _vae.VaeSpec(QUESTION_ID, BUILDS, True)


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return _vae.make_inputs(rng)
