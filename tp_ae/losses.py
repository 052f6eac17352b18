"""Part 2 reference losses, per sample and in nats, written with ``keras.ops``.

Each question's body sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. The
docstrings give shapes and units only: the formulas are what questions 2.1 and 2.3 derive
(their derivations are in ``solutions/answers.md``).
"""

from __future__ import annotations

from keras import ops

EPSILON = 1e-7  # keeps log(y) and log(1 - y) finite when the decoder outputs exactly 0 or 1


def kl_divergence(z_mean, z_log_var):
    """KL( q(z | x) || N(0, I) ) per image, q = N(z_mean, diag(exp(z_log_var))).

    ``z_mean``, ``z_log_var``: (N, z_dim). Returns (N,), in nats: 0 when q is the prior.
    """
    ### BEGIN SOLUTION
    z_mean, z_log_var = ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32")
    return 0.5 * ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)
    ### END SOLUTION


def reconstruction_loss(x, y):
    """-log p(x | z) per image, each pixel x_j a Bernoulli variable of parameter y_j.

    ``x``: images, ``y``: decoder outputs, both (N, 28, 28, 1) in [0, 1]. Returns (N,), in nats
    per image (a sum over the 784 pixels, not a mean); finite when y is exactly 0 or 1.
    """
    ### BEGIN SOLUTION
    x, y = ops.cast(x, "float32"), ops.cast(y, "float32")
    y = ops.clip(y, EPSILON, 1.0 - EPSILON)
    log_likelihood = x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y)
    return -ops.sum(ops.reshape(log_likelihood, (ops.shape(x)[0], -1)), axis=-1)
    ### END SOLUTION


def vae_loss(x, y, z_mean, z_log_var, beta: float = 1.0):
    """Batch mean of reconstruction_loss + beta * kl_divergence: a scalar, nats per image.

    ``x``, ``y``: (N, 28, 28, 1); ``z_mean``, ``z_log_var``: (N, z_dim). ``beta = 1`` gives the
    negative ELBO; another ``beta`` weighs the KL term more (> 1) or less (< 1).
    """
    ### BEGIN SOLUTION
    return ops.mean(reconstruction_loss(x, y) + beta * kl_divergence(z_mean, z_log_var))
    ### END SOLUTION
