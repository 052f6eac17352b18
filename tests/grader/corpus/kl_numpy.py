# part: part2_vae
# breaks: kl_divergence
# hint: use keras.ops
"""Right values with NumPy, which fails on the symbolic tensors of vae.fit."""


def kl_divergence(z_mean, z_log_var):
    z_mean, z_log_var = np.asarray(z_mean), np.asarray(z_log_var)
    return 0.5 * np.sum(np.exp(z_log_var) + z_mean**2 - 1.0 - z_log_var, axis=-1)
