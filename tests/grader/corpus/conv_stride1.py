# part: part1_autoencoders
# breaks: build_conv_autoencoder
# hint: stride 2
"""Encoder convolutions with stride 1: the code comes from a 28x28x4 map, not 7x7x4."""


def build_conv_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(8, 3, padding="same")(x))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(4, 3, padding="same")(h))
    encoder = keras.Model(x, layers.Dense(z_dim)(layers.Flatten()(h)))
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 8))(layers.Dense(7 * 7 * 8)(z_in))
    h = layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, y)
    return encoder, decoder, keras.Model(x, decoder(encoder(x)))
