# part: part1_autoencoders
# breaks: none
"""Correct: the MLP autoencoder as three keras.Sequential models, the encoder's LeakyReLU
given as activation=LeakyReLU(0.2), the decoder's sigmoid as a separate Activation layer."""


def build_mlp_autoencoder(z_dim=10):
    encoder = keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Flatten(),
            layers.Dense(z_dim, activation=layers.LeakyReLU(negative_slope=0.2)),
        ]
    )
    decoder = keras.Sequential(
        [
            keras.Input(shape=(z_dim,)),
            layers.Dense(784),
            layers.Activation("sigmoid"),
            layers.Reshape(IMAGE_SHAPE),
        ]
    )
    return encoder, decoder, keras.Sequential([encoder, decoder])
