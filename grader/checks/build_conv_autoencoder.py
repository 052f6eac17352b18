"""build_conv_autoencoder(z_dim=10): (encoder, decoder, autoencoder), the handout's conv net.

Built with z_dim = 2 and 10: three keras Models; encoder (N, 28, 28, 1) -> (N, z_dim); decoder
(N, z_dim) -> (N, 28, 28, 1) in [0, 1]; autoencoder = decoder(encoder(x)); the handout's layers
(encoder Conv2D(8, 3x3, s2, same) -> LeakyReLU(0.2) -> Conv2D(4, 3x3, s2, same) ->
LeakyReLU(0.2) -> Flatten -> Dense(z_dim); decoder Dense(7*7*8) -> Reshape(7, 7, 8) ->
Conv2DTranspose(4, 3x3, s2, same) -> LeakyReLU(0.2) -> Conv2DTranspose(1, 3x3, s2, same) ->
sigmoid) and their parameter counts.

The checks, shared with the MLP autoencoder, are the pytest tests of
``grader.checks._autoencoder.AutoencoderChecks``, run on this module's ``SPEC`` by
``test_build_conv_autoencoder.py``.
"""

from __future__ import annotations

import numpy as np

from grader.checks import _autoencoder

QUESTION_ID = "build_conv_autoencoder"
MAIN_KEYS = ("z2.build", "z10.build")


def encoder_layers(z_dim: int) -> list[str]:
    return [
        "Conv2D(8, 3x3, stride 2, same)",
        "LeakyReLU(0.2)",
        "Conv2D(4, 3x3, stride 2, same)",
        "LeakyReLU(0.2)",
        "Flatten",
        f"Dense({z_dim})",
    ]


def decoder_layers(z_dim: int) -> list[str]:
    return [
        "Dense(392)",
        "Reshape(7, 7, 8)",
        "Conv2DTranspose(4, 3x3, stride 2, same)",
        "LeakyReLU(0.2)",
        "Conv2DTranspose(1, 3x3, stride 2, same)",
        "sigmoid",
    ]


def encoder_params(z_dim: int) -> int:
    conv1 = 3 * 3 * 1 * 8 + 8  # 28x28x1 -> 14x14x8
    conv2 = 3 * 3 * 8 * 4 + 4  # 14x14x8 -> 7x7x4
    dense = 7 * 7 * 4 * z_dim + z_dim
    return conv1 + conv2 + dense


def decoder_params(z_dim: int) -> int:
    dense = z_dim * 7 * 7 * 8 + 7 * 7 * 8
    deconv1 = 3 * 3 * 8 * 4 + 4  # 7x7x8 -> 14x14x4
    deconv2 = 3 * 3 * 4 * 1 + 1  # 14x14x4 -> 28x28x1
    return dense + deconv1 + deconv2


SPEC = _autoencoder.AutoencoderSpec(
    QUESTION_ID, encoder_layers, decoder_layers, encoder_params, decoder_params
)


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return _autoencoder.make_inputs(rng)
