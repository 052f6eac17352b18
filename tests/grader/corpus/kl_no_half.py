# part: part2_vae
# breaks: kl_divergence
# hint: missing factor 1/2
"""The factor 1/2 is missing."""


def kl_divergence(z_mean, z_log_var):
    return ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1)
