# part: part1_autoencoders
# breaks: add_noise
# hint: clip the result to [0, 1]
"""No clipping: black pixels go negative."""


def add_noise(x, sigma=20 / 255, seed=None):
    rng = np.random.default_rng(seed)
    return (x + sigma * rng.standard_normal(np.shape(x))).astype(np.float32)
