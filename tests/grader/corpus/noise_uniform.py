# part: part1_autoencoders
# breaks: add_noise
# hint: Gaussian
"""Uniform noise with the right standard deviation."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    half_width = sigma * np.sqrt(3.0)
    noisy = x + rng.uniform(-half_width, half_width, np.shape(x))
    return np.clip(noisy, 0, 1).astype(np.float32)
