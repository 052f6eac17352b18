# part: part2_vae
# breaks: vae_loss
# status: memory
"""Allocates memory until stopped."""


def vae_loss(x, y, z_mean, z_log_var):
    hoard = []
    while True:
        hoard.append(bytearray(50 * 2**20))
