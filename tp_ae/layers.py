"""Building blocks given to students (not exercises): the ``Sampling`` layer and the ``VAE`` model.

Both are registered with Keras so that ``keras.saving.load_model`` can read saved models.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import ops

LossFn = Callable[..., object]


@keras.saving.register_keras_serializable(package="tp_ae")
class Sampling(keras.layers.Layer):
    """Reparameterisation: z = mu + exp(0.5 * log_var) * eps, eps ~ N(0, I); shapes (N, z_dim)."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="tp_ae")
class VAE(keras.Model):
    """A VAE whose ``fit`` minimises the negative ELBO, batch mean of reconstruction + KL (nats).

    ``encoder``: x (N, 28, 28, 1) -> [z_mean, z_log_var, z]; ``decoder``: z -> y in [0, 1].
    ``reconstruction_loss(x, y)`` and ``kl_divergence(z_mean, z_log_var)`` are per-sample (N,)
    losses in nats; their sum's batch mean is ``vae_loss``. ``fit`` reports ``loss``,
    ``reconstruction_loss`` and ``kl_loss`` separately. Calling the model returns the
    reconstruction y.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        reconstruction_loss: LossFn,
        kl_divergence: LossFn,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction_loss = reconstruction_loss
        self.kl_divergence = kl_divergence
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    def call(self, x, training=False):
        z_mean, z_log_var, z = self.encoder(x, training=training)
        return {
            "reconstruction": self.decoder(z, training=training),
            "z_mean": z_mean,
            "z_log_var": z_log_var,
        }

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        # negative ELBO = E_batch[ -log p(x|z) + KL(q(z|x) || p(z)) ], each term tracked apart
        reconstruction_loss = ops.mean(self.reconstruction_loss(x, y_pred["reconstruction"]))
        kl_loss = ops.mean(self.kl_divergence(y_pred["z_mean"], y_pred["z_log_var"]))
        batch_size = ops.shape(x)[0]  # weight like Keras's own `loss`, so the three add up
        self.reconstruction_loss_tracker.update_state(reconstruction_loss, sample_weight=batch_size)
        self.kl_loss_tracker.update_state(kl_loss, sample_weight=batch_size)
        return reconstruction_loss + kl_loss
