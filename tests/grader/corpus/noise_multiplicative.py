# part: part1_autoencoders
# breaks: add_noise
# hint: multiplied by the image
"""Multiplicative noise x * (1 + sigma n): a black image stays black."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x * (1 + sigma * rng.standard_normal(x.shape)), 0, 1).astype(np.float32)
