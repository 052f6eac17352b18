# part: part2_vae
# breaks: none
# runs: build_vae
"""Correct: the student's own sampling layer in tf.* maths (tf.random.normal, tf.exp), the
given VAE, activations as layers."""

import tensorflow as tf


class TfSampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        return z_mean + tf.exp(z_log_var / 2) * tf.random.normal(tf.shape(z_mean))


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(layers.Flatten()(x)))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    z = TfSampling()([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(z_in))
    h = layers.Activation("sigmoid")(layers.Dense(784)(h))
    decoder = keras.Model(z_in, layers.Reshape(IMAGE_SHAPE)(h))
    return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)
