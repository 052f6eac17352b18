# part: part1_autoencoders
# breaks: add_noise
# hint: masking noise
"""Masking noise: 10% of the pixels set to 0, the rest unchanged."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return (x * (rng.random(x.shape) > 0.1)).astype(np.float32)
