# part: part1_autoencoders
# breaks: build_conv_autoencoder
# hint: is computed but never used
"""The second Conv2D is fed the input image instead of the first block's output (the first
block is then off the graph): no ReLU anywhere, so no LeakyReLU-vs-ReLU hint."""


def build_conv_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(8, 3, strides=2, padding="same")(x))
    h = layers.Conv2D(4, 3, strides=4, padding="same")(x)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    encoder = keras.Model(x, layers.Dense(z_dim)(layers.Flatten()(h)))
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 8))(layers.Dense(7 * 7 * 8)(z_in))
    h = layers.LeakyReLU(negative_slope=0.2)(
        layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h)
    )
    h = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h)
    decoder = keras.Model(z_in, layers.Activation("sigmoid")(h))
    inp = keras.Input(shape=IMAGE_SHAPE)
    return encoder, decoder, keras.Model(inp, decoder(encoder(inp)))
