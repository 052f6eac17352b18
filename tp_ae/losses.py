"""Part 2 reference losses, per sample and in nats, written with ``keras.ops``.

Each question's body sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
"""

from __future__ import annotations

from keras import ops

EPSILON = 1e-7  # keeps log(y) and log(1 - y) finite when the decoder outputs exactly 0 or 1


def kl_divergence(z_mean, z_log_var):
    """KL( N(mu, diag(exp(lv))) || N(0, I) ) per sample: (N, z_dim), (N, z_dim) -> (N,), nats.

    KL = 1/2 * sum_k ( exp(lv_k) + mu_k^2 - 1 - lv_k ).
    """
    ### BEGIN SOLUTION
    z_mean, z_log_var = ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32")
    return 0.5 * ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)
    ### END SOLUTION


def reconstruction_loss(x, y):
    """-log p(x | z) for a pixel-wise Bernoulli(y) decoder: (N, 28, 28, 1) x2 -> (N,), nats.

    -log p(x | z) = -sum_pixels [ x log y + (1 - x) log(1 - y) ], summed (not averaged) over pixels.
    """
    ### BEGIN SOLUTION
    x, y = ops.cast(x, "float32"), ops.cast(y, "float32")
    y = ops.clip(y, EPSILON, 1.0 - EPSILON)
    log_likelihood = x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y)
    return -ops.sum(ops.reshape(log_likelihood, (ops.shape(x)[0], -1)), axis=-1)
    ### END SOLUTION


def vae_loss(x, y, z_mean, z_log_var):
    """Negative ELBO, batch mean of reconstruction_loss + kl_divergence: scalar, nats per image."""
    ### BEGIN SOLUTION
    return ops.mean(reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var))
    ### END SOLUTION
