# part: part2_vae
# breaks: sample_images
# status: timeout
"""Never returns."""


def sample_images(decoder, n_images, z_dim=10, seed=None):
    while True:
        pass
