# part: part1_autoencoders
# breaks: add_noise
# hint: float32
"""Right noise, returned as float64."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(np.shape(x)), 0, 1)
