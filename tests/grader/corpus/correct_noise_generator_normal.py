# part: part1_autoencoders
# breaks: none
"""Correct: add_noise with Generator.normal(0, sigma, shape) added to a float32 copy, clipped
in place on the copy with np.clip(..., out=...)."""


def add_noise(x, sigma=20 / 255, seed=None):
    noisy = np.array(x, dtype=np.float32, copy=True)
    noisy += np.random.default_rng(seed).normal(0.0, sigma, noisy.shape).astype(np.float32)
    np.clip(noisy, 0.0, 1.0, out=noisy)
    return noisy
