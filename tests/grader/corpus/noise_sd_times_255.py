# part: part1_autoencoders
# breaks: add_noise
# hint: not 20
"""Gaussian noise of sd sigma * 255 (pixel units), clipped: nearly every pixel at 0 or 1."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * 255 * rng.standard_normal(x.shape), 0, 1).astype(np.float32)
