# part: part1_autoencoders
# breaks: build_mlp_autoencoder
# hint: sigmoid
"""No sigmoid at the end of the decoder: pixels leave [0, 1]."""


def build_mlp_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.Dense(z_dim)(layers.Flatten()(x))
    encoder = keras.Model(x, layers.LeakyReLU(negative_slope=0.2)(h))
    z_in = keras.Input(shape=(z_dim,))
    decoder = keras.Model(z_in, layers.Reshape(IMAGE_SHAPE)(layers.Dense(784)(z_in)))
    return encoder, decoder, keras.Model(x, decoder(encoder(x)))
