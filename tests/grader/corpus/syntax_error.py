# replace: part2_vae
# breaks: kl_divergence, reconstruction_loss, vae_loss, build_vae, sample_images, build_conv_vae
# status: load_error
"""A part 2 file that does not parse: part 2 is not gradable, part 1 is graded as usual."""
from keras import ops


def kl_divergence(z_mean, z_log_var):
    return 0.5 * ops.sum(ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var, axis=-1


def reconstruction_loss(x, y):
    return x
