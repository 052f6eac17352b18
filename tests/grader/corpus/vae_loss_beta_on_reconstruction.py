# part: part2_vae
# breaks: vae_loss
# hint: beta weighs the KL term, not the reconstruction
"""beta multiplies the reconstruction term instead of the KL term."""


def vae_loss(x, y, z_mean, z_log_var, beta=1.0):
    return ops.mean(beta * reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var))
