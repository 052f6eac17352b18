# part: part2_vae
# breaks: reconstruction_loss
# hint: summed over pixels, not averaged
# runs: vae_loss
"""Per-pixel mean instead of the sum (the scale Keras's binary_crossentropy gives)."""


def reconstruction_loss(x, y):
    x, y = ops.cast(x, "float32"), ops.clip(ops.cast(y, "float32"), 1e-7, 1 - 1e-7)
    terms = x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y)
    return -ops.mean(ops.reshape(terms, (ops.shape(x)[0], -1)), axis=-1)
