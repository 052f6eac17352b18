# part: part2_vae
# breaks: reconstruction_loss
# hint: one value per sample
"""Keras's binary_crossentropy as is: one value per pixel row, shape (N, 28, 28)."""


def reconstruction_loss(x, y):
    return keras.losses.binary_crossentropy(x, y)
