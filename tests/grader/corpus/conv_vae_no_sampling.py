# part: part2_vae
# breaks: build_conv_vae
# hint: z is not sampled
"""The encoder returns z_mean as z: nothing is sampled."""


def build_conv_vae(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(16, 3, strides=2, padding="same")(x))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(32, 3, strides=2, padding="same")(h))
    h = layers.Flatten()(h)
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    encoder = keras.Model(x, [z_mean, z_log_var, layers.Identity()(z_mean)])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 32))(layers.Dense(7 * 7 * 32)(z_in))
    h = layers.LeakyReLU(negative_slope=0.2)(
        layers.Conv2DTranspose(16, 3, strides=2, padding="same")(h)
    )
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, y)
    return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)
