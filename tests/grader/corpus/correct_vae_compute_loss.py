# part: part2_vae
# breaks: none
# runs: build_vae
"""Correct: the student's own keras.Model overriding compute_loss, activations given as
activation= (a LeakyReLU layer object, the "leaky_relu" string), a Sequential decoder."""


class ComputeLossVAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder

    def call(self, x):
        z_mean, z_log_var, z = self.encoder(x)
        return self.decoder(z), z_mean, z_log_var

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        recon, z_mean, z_log_var = y_pred
        return ops.mean(reconstruction_loss(x, recon) + kl_divergence(z_mean, z_log_var))


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.Dense(hidden_dim, activation=layers.LeakyReLU(0.2))(layers.Flatten()(x))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z])
    decoder = keras.Sequential(
        [
            keras.Input(shape=(z_dim,)),
            layers.Dense(hidden_dim, activation="leaky_relu"),
            layers.Dense(784),
            layers.Activation("sigmoid"),
            layers.Reshape(IMAGE_SHAPE),
        ]
    )
    return encoder, decoder, ComputeLossVAE(encoder, decoder)
