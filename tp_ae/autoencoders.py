"""Part 1 reference answers: MLP and convolutional autoencoders, and Gaussian input noise.

Each question's body sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
``tp-ae make-exercises`` turns it into the student's stub. Images are (N, 28, 28, 1) in [0, 1].
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

IMAGE_SHAPE = (28, 28, 1)


def build_mlp_autoencoder(z_dim: int = 10) -> tuple[keras.Model, keras.Model, keras.Model]:
    """MLP autoencoder: encoder (N, 28, 28, 1) -> (N, z_dim), decoder back to [0, 1] images.

    Encoder Flatten -> Dense(z_dim) -> LeakyReLU(0.2); decoder Dense(784) -> sigmoid ->
    Reshape(28, 28, 1). Returns ``(encoder, decoder, autoencoder)``.
    """
    ### BEGIN SOLUTION
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Flatten()(x)
    h = layers.Dense(z_dim)(h)
    z = layers.LeakyReLU(negative_slope=0.2, name="z")(h)
    encoder = keras.Model(x, z, name="mlp_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(28 * 28, activation="sigmoid")(z_in)
    y = layers.Reshape(IMAGE_SHAPE, name="y")(h)
    decoder = keras.Model(z_in, y, name="mlp_decoder")
    ### END SOLUTION
    autoencoder = keras.Model(x, decoder(encoder(x)), name="mlp_autoencoder")
    return encoder, decoder, autoencoder


def build_conv_autoencoder(z_dim: int = 10) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Convolutional autoencoder: encoder (N, 28, 28, 1) -> (N, z_dim), decoder back to images.

    Encoder: Conv2D(8, 3x3, stride 2, same) -> LeakyReLU(0.2) -> Conv2D(4, 3x3, stride 2, same)
    -> LeakyReLU(0.2) -> Flatten -> Dense(z_dim). Decoder: Dense(7*7*8) -> Reshape(7, 7, 8) ->
    Conv2DTranspose(4, 3x3, stride 2, same) -> LeakyReLU(0.2) -> Conv2DTranspose(1, 3x3,
    stride 2, same) -> sigmoid: 7x7 -> 14x14 -> 28x28x1.
    Returns ``(encoder, decoder, autoencoder)``.
    """
    ### BEGIN SOLUTION
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Conv2D(8, 3, strides=2, padding="same")(x)  # 14x14x8
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2D(4, 3, strides=2, padding="same")(h)  # 7x7x4
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Flatten()(h)
    z = layers.Dense(z_dim, name="z")(h)
    encoder = keras.Model(x, z, name="conv_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(7 * 7 * 8)(z_in)
    h = layers.Reshape((7, 7, 8))(h)
    h = layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h)  # 14x14x4
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h)  # 28x28x1
    y = layers.Activation("sigmoid", name="y")(h)
    decoder = keras.Model(z_in, y, name="conv_decoder")
    ### END SOLUTION
    autoencoder = keras.Model(x, decoder(encoder(x)), name="conv_autoencoder")
    return encoder, decoder, autoencoder


def add_noise(x: np.ndarray, sigma: float = 20 / 255, seed: int | None = None) -> np.ndarray:
    """Return x + n, n ~ N(0, sigma^2) i.i.d. per pixel, clipped to [0, 1]; float32, x's shape.

    The same ``seed`` gives the same noise; ``seed=None`` draws fresh noise each call.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float32)
    rng = np.random.default_rng(seed)
    noisy = x + sigma * rng.standard_normal(x.shape)
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)
    ### END SOLUTION
