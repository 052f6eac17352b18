# part: part2_vae
# breaks: build_vae
# hint: z_log_var is computed from z_mean
"""The z_log_var head is fed the z_mean head's output instead of the hidden layer's: same layer
kinds and sizes in the same order, but a Dense(10 -> 10) where Dense(512 -> 10) belongs."""


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(layers.Flatten()(x)))
    z_mean = layers.Dense(z_dim)(h)
    z_log_var = layers.Dense(z_dim)(z_mean)
    encoder = keras.Model(x, [z_mean, z_log_var, Sampling()([z_mean, z_log_var])])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(z_in))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(h))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)
