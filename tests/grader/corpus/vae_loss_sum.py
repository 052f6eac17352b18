# part: part2_vae
# breaks: vae_loss
# hint: not the batch sum
"""Batch sum instead of the batch mean."""


def vae_loss(x, y, z_mean, z_log_var):
    return ops.sum(reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var))
