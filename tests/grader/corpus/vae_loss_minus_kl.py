# part: part2_vae
# breaks: vae_loss
# hint: the KL term is added
"""The KL term subtracted (the ELBO's sign, half-flipped)."""


def vae_loss(x, y, z_mean, z_log_var, beta=1.0):
    return ops.mean(reconstruction_loss(x, y) - beta * kl_divergence(z_mean, z_log_var))
