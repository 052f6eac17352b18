# part: part1_autoencoders
# breaks: add_noise
# hint: not sigma^2
"""sigma used as a variance: noise sd sigma^2 = 0.006 instead of 0.078."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    noisy = x + sigma**2 * rng.standard_normal(np.shape(x))
    return np.clip(noisy, 0, 1).astype(np.float32)
