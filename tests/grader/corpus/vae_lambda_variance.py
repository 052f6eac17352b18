# part: part2_vae
# breaks: build_vae
# hint: sd is exp(z_log_var), the variance (measured sd
"""A Lambda sampler scaling eps by exp(lv), the variance: judged by its draws like any sampler
(the Lambda itself costs nothing)."""


def build_vae(z_dim=10, hidden_dim=512):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(layers.Flatten()(x)))
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    z = layers.Lambda(
        lambda t: t[0] + ops.exp(t[1]) * keras.random.normal(ops.shape(t[0])),
        output_shape=(z_dim,),
    )([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(hidden_dim)(z_in))
    y = layers.Reshape(IMAGE_SHAPE)(layers.Dense(784, activation="sigmoid")(h))
    decoder = keras.Model(z_in, y)
    return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)
