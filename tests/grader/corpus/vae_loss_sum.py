# part: part2_vae
# breaks: vae_loss
# hint: not the batch sum
"""Batch sum instead of the batch mean."""


def vae_loss(x, y, z_mean, z_log_var, beta=1.0):
    return ops.sum(reconstruction_loss(x, y) + beta * kl_divergence(z_mean, z_log_var))
