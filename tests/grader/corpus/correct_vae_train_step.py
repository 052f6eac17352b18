# part: part2_vae
# breaks: none
# runs: build_vae
"""Correct: the keras-io VAE with its own train_step (TensorFlow GradientTape), trackers named
total_loss / reconstruction_loss / kl_loss, and a Lambda sampler with the handout's formula."""

import tensorflow as tf


class TrainStepVAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker]

    def call(self, x):
        return self.decoder(self.encoder(x)[2])

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            y = self.decoder(z)
            loss = tf.reduce_mean(reconstruction_loss(data, y) + kl_divergence(z_mean, z_log_var))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(loss)
        return {"total_loss": self.total_loss_tracker.result()}


def sample(args):
    z_mean, z_log_var = args
    eps = keras.random.normal(ops.shape(z_mean))
    return z_mean + ops.exp(0.5 * z_log_var) * eps


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(layers.Flatten()(x)))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    z = layers.Lambda(sample)([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(z_in))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(h))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, TrainStepVAE(encoder, decoder)
