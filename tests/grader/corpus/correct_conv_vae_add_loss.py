# part: part2_vae
# breaks: none
# runs: build_conv_vae
"""Correct bonus: a convolutional VAE trained by the student's own keras.Model with add_loss
in call; activation= given as the string "leaky_relu" (slope 0.2 in Keras 3)."""


class ConvAddLossVAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder

    def call(self, x):
        z_mean, z_log_var, z = self.encoder(x)
        y = self.decoder(z)
        self.add_loss(ops.mean(reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var)))
        return y


def build_conv_vae(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="leaky_relu")(x)
    h = layers.Conv2D(64, 3, strides=2, padding="same", activation="leaky_relu")(h)
    h = layers.Dense(128, activation="leaky_relu")(layers.Flatten()(h))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    encoder = keras.Model(x, [z_mean, z_log_var, Sampling()([z_mean, z_log_var])])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 64))(layers.Dense(7 * 7 * 64, activation="leaky_relu")(z_in))
    h = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="leaky_relu")(h)
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, y)
    return encoder, decoder, ConvAddLossVAE(encoder, decoder)
