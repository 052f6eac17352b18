# part: part1_autoencoders
# breaks: add_noise
# hint: one noise value
"""One noise draw for the whole batch: every pixel of every image shifted by the same value."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(), 0, 1).astype(np.float32)
