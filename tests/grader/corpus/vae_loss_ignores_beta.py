# part: part2_vae
# breaks: vae_loss
# hint: beta is ignored
"""The beta keyword accepted but never used: the KL term always weighs 1."""


def vae_loss(x, y, z_mean, z_log_var, beta=1.0):
    return ops.mean(reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var))
