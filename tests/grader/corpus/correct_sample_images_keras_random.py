# part: part2_vae
# breaks: none
"""Correct: sample_images drawing z with keras.random.normal and a SeedGenerator, decoded with
decoder(z) in one call instead of predict."""


def sample_images(decoder, n_images, z_dim=10, seed=None):
    generator = keras.random.SeedGenerator(seed) if seed is not None else None
    z = keras.random.normal((n_images, z_dim), seed=generator)
    return np.asarray(ops.convert_to_numpy(decoder(z)), dtype=np.float32)
