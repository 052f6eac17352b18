# part: part2_vae
# breaks: sample_images
# hint: z_dim
"""z always of size 10, whatever z_dim says."""


def sample_images(decoder, n_images, z_dim=10, seed=None):
    z = np.random.default_rng(seed).standard_normal((n_images, 10)).astype(np.float32)
    return np.asarray(decoder.predict(z, verbose=0), dtype=np.float32)
