# part: part2_vae
# breaks: sample_images
# hint: default_rng(seed)
"""The seed argument is ignored: the same seed gives other images."""


def sample_images(decoder, n_images, z_dim=10, seed=None):
    z = np.random.default_rng().standard_normal((n_images, z_dim)).astype(np.float32)
    return np.asarray(decoder(z), dtype=np.float32)
