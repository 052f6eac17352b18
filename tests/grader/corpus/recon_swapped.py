# part: part2_vae
# breaks: reconstruction_loss
# hint: arguments in the wrong order
"""x and y swapped: y log x instead of x log y."""


def reconstruction_loss(x, y):
    x, y = ops.cast(y, "float32"), ops.clip(ops.cast(x, "float32"), 1e-7, 1 - 1e-7)
    terms = x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y)
    return -ops.sum(ops.reshape(terms, (ops.shape(x)[0], -1)), axis=-1)
