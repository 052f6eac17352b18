# part: part1_autoencoders
# breaks: add_noise
# hint: not uniform
"""Uniform noise in [-sqrt(3) sigma, sqrt(3) sigma): the right sd, uses sigma, flat shape."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-(3**0.5) * sigma, 3**0.5 * sigma, x.shape)
    return np.clip(x + noise, 0, 1).astype(np.float32)
