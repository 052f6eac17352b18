"""build_mlp_autoencoder(z_dim=10): (encoder, decoder, autoencoder), the handout's MLP.

Built with z_dim = 2 and 10: three keras Models; encoder (N, 28, 28, 1) -> (N, z_dim); decoder
(N, z_dim) -> (N, 28, 28, 1) in [0, 1]; autoencoder = decoder(encoder(x)); the handout's layers
(encoder Flatten -> Dense(z_dim) -> LeakyReLU(0.2), decoder Dense(784) -> sigmoid ->
Reshape(28, 28, 1)) and their parameter counts.

The checks, shared with the conv autoencoder, are the pytest tests of
``grader.checks._autoencoder.AutoencoderChecks``, run on this module's ``SPEC`` by
``test_build_mlp_autoencoder.py``.
"""

from __future__ import annotations

import numpy as np

from grader.checks import _autoencoder

QUESTION_ID = "build_mlp_autoencoder"
MAIN_KEYS = ("z2.build", "z10.build")
PIXELS = 28 * 28


def encoder_layers(z_dim: int) -> list[str]:
    return ["Flatten", f"Dense({z_dim})", "LeakyReLU(0.2)"]


def decoder_layers(z_dim: int) -> list[str]:
    return [f"Dense({PIXELS})", "sigmoid", "Reshape(28, 28, 1)"]


def encoder_params(z_dim: int) -> int:
    return PIXELS * z_dim + z_dim  # Dense(784 -> z_dim): weights + biases


def decoder_params(z_dim: int) -> int:
    return z_dim * PIXELS + PIXELS  # Dense(z_dim -> 784)


SPEC = _autoencoder.AutoencoderSpec(
    QUESTION_ID, encoder_layers, decoder_layers, encoder_params, decoder_params
)


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return _autoencoder.make_inputs(rng)
