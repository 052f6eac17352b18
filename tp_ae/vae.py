"""Part 2 reference VAE: Gaussian encoder, Bernoulli decoder, sampling; the conv VAE bonus.

Each question's body sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. The
``Sampling`` layer and the ``VAE`` model class are given to students (``tp_ae.layers``).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from tp_ae.layers import VAE, Sampling
from tp_ae.losses import kl_divergence, reconstruction_loss, vae_loss

IMAGE_SHAPE = (28, 28, 1)


def build_vae(z_dim: int = 10, hidden_dim: int = 512) -> tuple[keras.Model, keras.Model, VAE]:
    """MLP VAE: encoder x -> [z_mean, z_log_var, z] (each (N, z_dim)); decoder z -> y in [0, 1].

    Encoder Flatten -> Dense(hidden_dim) -> LeakyReLU(0.2) -> Dense(z_dim) heads for z_mean and
    z_log_var -> Sampling. Decoder Dense(hidden_dim) -> LeakyReLU(0.2) -> Dense(784) -> sigmoid
    -> Reshape(28, 28, 1). Returns ``(encoder, decoder, vae)``; ``vae.fit`` minimises your
    ``vae_loss`` (the given line after the solution passes it to the VAE).
    """
    ### BEGIN SOLUTION
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Flatten()(x)
    h = layers.Dense(hidden_dim)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    z_mean = layers.Dense(z_dim, name="z_mean")(h)
    z_log_var = layers.Dense(z_dim, name="z_log_var")(h)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z], name="vae_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(hidden_dim)(z_in)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Dense(28 * 28, activation="sigmoid")(h)
    y = layers.Reshape(IMAGE_SHAPE, name="y")(h)
    decoder = keras.Model(z_in, y, name="vae_decoder")
    ### END SOLUTION
    vae = VAE(encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=vae_loss, name="vae")
    return encoder, decoder, vae


def sample_images(
    decoder: keras.Model, n_images: int, z_dim: int = 10, seed: int | None = None
) -> np.ndarray:
    """Decode z ~ N(0, I) into (n_images, 28, 28, 1) float32 in [0, 1]; same seed, same images."""
    ### BEGIN SOLUTION
    z = np.random.default_rng(seed).standard_normal((n_images, z_dim)).astype(np.float32)
    return np.asarray(decoder.predict(z, verbose=0), dtype=np.float32)
    ### END SOLUTION


def build_conv_vae(z_dim: int = 10) -> tuple[keras.Model, keras.Model, VAE]:
    """Bonus, convolutional VAE: same inputs, outputs and training as :func:`build_vae`.

    Encoder Conv2D(32, 3x3, s2) -> Conv2D(64, 3x3, s2) (LeakyReLU(0.2) after each) -> Flatten ->
    Dense(128) -> heads; decoder Dense(7*7*64) -> Reshape -> Conv2DTranspose(32, 3x3, s2) ->
    Conv2DTranspose(1, 3x3, s2) -> sigmoid: 7x7 -> 14x14 -> 28x28x1.
    """
    ### BEGIN SOLUTION
    x = keras.Input(shape=IMAGE_SHAPE, name="x")
    h = layers.Conv2D(32, 3, strides=2, padding="same")(x)  # 14x14x32
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2D(64, 3, strides=2, padding="same")(h)  # 7x7x64
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(128)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    z_mean = layers.Dense(z_dim, name="z_mean")(h)
    z_log_var = layers.Dense(z_dim, name="z_log_var")(h)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z], name="conv_vae_encoder")

    z_in = keras.Input(shape=(z_dim,), name="z")
    h = layers.Dense(7 * 7 * 64)(z_in)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Reshape((7, 7, 64))(h)
    h = layers.Conv2DTranspose(32, 3, strides=2, padding="same")(h)  # 14x14x32
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h)  # 28x28x1
    y = layers.Activation("sigmoid", name="y")(h)
    decoder = keras.Model(z_in, y, name="conv_vae_decoder")
    ### END SOLUTION
    vae = VAE(
        encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=vae_loss, name="conv_vae"
    )
    return encoder, decoder, vae
