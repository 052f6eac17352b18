# part: part2_vae
# breaks: kl_divergence
# hint: you used the variance where the log-variance is expected
"""z_log_var treated as the variance: log of negative numbers gives NaN."""


def kl_divergence(z_mean, z_log_var):
    var = ops.cast(z_log_var, "float32")
    return 0.5 * ops.sum(var + ops.square(z_mean) - 1.0 - ops.log(var), axis=-1)
