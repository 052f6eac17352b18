# part: part1_autoencoders
# breaks: build_mlp_autoencoder
# hint: not ReLU
"""ReLU where the handout has LeakyReLU(0.2): shapes right, architecture not."""


def build_mlp_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    z = layers.Dense(z_dim, activation="relu")(layers.Flatten()(x))
    encoder = keras.Model(x, z)
    z_in = keras.Input(shape=(z_dim,))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(z_in))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, keras.Model(x, decoder(encoder(x)))
