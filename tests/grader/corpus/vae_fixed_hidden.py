# part: part2_vae
# breaks: build_vae
# hint: use the hidden_dim argument
"""hidden_dim ignored: always 512 units."""


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(512)(layers.Flatten()(x)))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    encoder = keras.Model(x, [z_mean, z_log_var, Sampling()([z_mean, z_log_var])])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(512)(z_in))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(h))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)
