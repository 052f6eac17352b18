# part: part2_vae
# breaks: reconstruction_loss
# hint: clip y to [eps, 1 - eps]
"""No clipping: log(0) makes the loss infinite or NaN when y is exactly 0 or 1."""


def reconstruction_loss(x, y):
    x, y = ops.cast(x, "float32"), ops.cast(y, "float32")
    terms = x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y)
    return -ops.sum(ops.reshape(terms, (ops.shape(x)[0], -1)), axis=-1)
