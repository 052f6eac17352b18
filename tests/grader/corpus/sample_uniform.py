# part: part2_vae
# breaks: sample_images
# hint: not uniform
"""z drawn uniform in [0, 1) instead of N(0, I)."""


def sample_images(decoder, n_images, z_dim=10, seed=None):
    z = np.random.default_rng(seed).random((n_images, z_dim)).astype(np.float32)
    return np.asarray(decoder.predict(z, verbose=0), dtype=np.float32)
