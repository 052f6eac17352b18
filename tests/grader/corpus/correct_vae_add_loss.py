# part: part2_vae
# breaks: none
# runs: build_vae
"""Correct: the student's own keras.Model with add_loss in call (the keras-io pattern), not the
given VAE; vae(x) returns the reconstruction, a tensor, not a dict."""


class AddLossVAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder

    def call(self, x):
        z_mean, z_log_var, z = self.encoder(x)
        y = self.decoder(z)
        self.add_loss(ops.mean(reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var)))
        return y


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(layers.Flatten()(x)))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(z_in))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(h))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, AddLossVAE(encoder, decoder)
