# part: part2_vae
# breaks: none
# runs: build_vae
"""Uses the helpers the stubs import (tp_ae.layers, tp_ae.data) and other questions' answers:
nothing is flagged."""
import tp_ae.data
from tp_ae.layers import VAE as GivenVAE
from tp_ae.layers import Sampling as GivenSampling


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(layers.Flatten()(x)))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    encoder = keras.Model(x, [z_mean, z_log_var, GivenSampling()([z_mean, z_log_var])])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(z_in))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(h))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, GivenVAE(encoder, decoder, reconstruction_loss, kl_divergence)
