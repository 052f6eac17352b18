# part: part1_autoencoders
# breaks: none
"""Correct: add_noise with the legacy np.random.RandomState and normal(0, sigma, shape),
clipped with np.minimum/np.maximum, not modifying x."""


def add_noise(x, sigma=20 / 255, seed=None):
    noise = np.random.RandomState(seed).normal(0.0, sigma, size=np.shape(x))
    return np.minimum(np.maximum(np.asarray(x) + noise, 0.0), 1.0).astype(np.float32)
