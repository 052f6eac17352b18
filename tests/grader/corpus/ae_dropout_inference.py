# part: part1_autoencoders
# breaks: build_mlp_autoencoder
# hint: random at inference
"""Dropout called with training=True in the autoencoder: on at inference, two calls differ."""


def build_mlp_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    z = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(z_dim)(layers.Flatten()(x)))
    encoder = keras.Model(x, z)
    z_in = keras.Input(shape=(z_dim,))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(z_in))
    decoder = keras.Model(z_in, y)
    inp = keras.Input(shape=IMAGE_SHAPE)
    code = layers.Dropout(0.3)(encoder(inp), training=True)
    return encoder, decoder, keras.Model(inp, decoder(code))
