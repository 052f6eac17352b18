# part: part1_autoencoders
# breaks: build_mlp_autoencoder
# hint: use the z_dim argument
"""The code size is hard-coded to 10 whatever z_dim says."""


def build_mlp_autoencoder(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.Dense(10)(layers.Flatten()(x))
    encoder = keras.Model(x, layers.LeakyReLU(negative_slope=0.2)(h))
    z_in = keras.Input(shape=(10,))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(z_in))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, keras.Model(x, decoder(encoder(x)))
