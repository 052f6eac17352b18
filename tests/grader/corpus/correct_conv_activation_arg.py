# part: part1_autoencoders
# breaks: none
"""Correct: the conv autoencoder with every activation given as activation= (the function
keras.activations.leaky_relu, whose default slope is 0.2, and "sigmoid"), kernel sizes as
tuples."""


def build_conv_autoencoder(z_dim=10):
    leaky = keras.activations.leaky_relu
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same", activation=leaky)(x)
    h = layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same", activation=leaky)(h)
    encoder = keras.Model(x, layers.Dense(z_dim)(layers.Flatten()(h)))
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 8))(layers.Dense(7 * 7 * 8)(z_in))
    h = layers.Conv2DTranspose(4, (3, 3), strides=2, padding="same", activation=leaky)(h)
    y = layers.Conv2DTranspose(1, (3, 3), strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, y)
    inp = keras.Input(shape=IMAGE_SHAPE)
    return encoder, decoder, keras.Model(inp, decoder(encoder(inp)))
