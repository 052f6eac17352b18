# part: part2_vae
# breaks: kl_divergence
# hint: summed over the latent dimensions, you returned the mean
# runs: vae_loss, build_vae
"""Mean over the latent dimensions instead of the sum; vae_loss and build_vae use the
reference KL while they are graded, so they keep their points."""


def kl_divergence(z_mean, z_log_var):
    return 0.5 * ops.mean(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)
