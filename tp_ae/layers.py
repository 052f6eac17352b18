"""Building blocks given to students (not exercises): the ``Sampling`` layer and the ``VAE`` model.

Both are registered with Keras so that ``keras.saving.load_model`` can read saved models.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import keras
from keras import ops

from tp_ae.errors import TpAeError
from tp_ae.questions import CODE_QUESTIONS

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
    """A VAE whose ``fit`` minimises the loss you give it, and reports its two terms apart.

    ``encoder``: x (N, 28, 28, 1) -> [z_mean, z_log_var, z], each (N, z_dim); ``decoder``:
    z (N, z_dim) -> y (N, 28, 28, 1) in [0, 1]. Calling the model returns a dict of
    ``reconstruction`` (y), ``z_mean`` and ``z_log_var``.

    ``vae_loss(x, y, z_mean, z_log_var)``, a scalar in nats per image, is what ``fit``
    minimises. ``reconstruction_loss(x, y)`` and ``kl_divergence(z_mean, z_log_var)``, per-sample
    (N,) losses in nats, are reported as ``reconstruction_loss`` and ``kl_loss``; without a
    ``vae_loss``, ``fit`` minimises the batch mean of their sum. A VAE built without any loss
    (as ``keras.saving.load_model`` gives back one whose losses cannot be found) encodes and
    decodes, but cannot be trained until given one.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        reconstruction_loss: LossFn | None = None,
        kl_divergence: LossFn | None = None,
        *,
        vae_loss: LossFn | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction_loss = reconstruction_loss
        self.kl_divergence = kl_divergence
        self.vae_loss = vae_loss
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
        y, z_mean, z_log_var = y_pred["reconstruction"], y_pred["z_mean"], y_pred["z_log_var"]
        batch_size = ops.shape(x)[0]  # weight like Keras's own `loss`, so the means agree
        terms = []
        for fn, tracker, args in (
            (self.reconstruction_loss, self.reconstruction_loss_tracker, (x, y)),
            (self.kl_divergence, self.kl_loss_tracker, (z_mean, z_log_var)),
        ):
            if fn is not None:
                terms.append(ops.mean(fn(*args)))
                tracker.update_state(terms[-1], sample_weight=batch_size)
        if self.vae_loss is not None:
            return self.vae_loss(x, y, z_mean, z_log_var)
        if len(terms) == 2:  # negative ELBO = E_batch[ -log p(x|z) ] + E_batch[ KL ]
            return terms[0] + terms[1]
        raise TpAeError(
            f"{self.name}: no loss to train on; give the VAE your loss: "
            "VAE(encoder, decoder, reconstruction_loss, kl_divergence, vae_loss=vae_loss)"
        )

    def get_config(self) -> dict:
        config = {**super().get_config()}
        config["encoder"] = keras.saving.serialize_keras_object(self.encoder)
        config["decoder"] = keras.saving.serialize_keras_object(self.decoder)
        for key in LOSS_ARGUMENTS:
            config[key] = _function_reference(getattr(self, key))
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> VAE:
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"), custom_objects)
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"), custom_objects)
        losses = {key: _find_function(config.pop(key, None)) for key in LOSS_ARGUMENTS}
        reconstruction, kl = losses.pop("reconstruction_loss"), losses.pop("kl_divergence")
        return cls(encoder, decoder, reconstruction, kl, **losses, **config)


LOSS_ARGUMENTS = tuple(q.id for q in CODE_QUESTIONS if q.reference == "tp_ae.losses")  # the losses


def _function_reference(fn: LossFn | None) -> str | None:
    """``module:name`` of a module-level function, so that a saved VAE can find it again; None
    for a lambda, a nested function or a partial (a loaded VAE then needs its loss again)."""
    module, name = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if fn is None or module is None or not name.isidentifier():
        return None
    return f"{module}:{name}"


def _find_function(reference: str | None) -> LossFn | None:
    """The function ``_function_reference`` named, from a module already imported (loading a
    file never imports code); None when it is not there."""
    if not reference:
        return None
    module_name, _, name = reference.partition(":")
    fn = getattr(sys.modules.get(module_name), name, None)
    return fn if callable(fn) else None
