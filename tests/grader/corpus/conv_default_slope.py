# part: part1_autoencoders
# breaks: build_conv_autoencoder
# hint: defaults to slope 0.3
"""LeakyReLU() with Keras's default slope 0.3 instead of 0.2."""


def build_conv_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU()(layers.Conv2D(8, 3, strides=2, padding="same")(x))
    h = layers.LeakyReLU()(layers.Conv2D(4, 3, strides=2, padding="same")(h))
    encoder = keras.Model(x, layers.Dense(z_dim)(layers.Flatten()(h)))
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 8))(layers.Dense(7 * 7 * 8)(z_in))
    h = layers.LeakyReLU()(layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h))
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, y)
    return encoder, decoder, keras.Model(x, decoder(encoder(x)))
