# part: part2_vae
# breaks: build_conv_vae
# hint: sd is exp(2 * z_log_var) (measured sd
"""The conv VAE's own sampling layer scales eps by exp(2 lv): caught by its draws in the bonus
too, where no exact architecture is imposed."""


class TwiceLogVarSampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        return z_mean + ops.exp(2.0 * z_log_var) * keras.random.normal(ops.shape(z_mean))


def build_conv_vae(z_dim=10):
    x = keras.Input(shape=IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(16, 3, strides=2, padding="same")(x))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(32, 3, strides=2, padding="same")(h))
    h = layers.Flatten()(h)
    z_mean, z_log_var = layers.Dense(z_dim)(h), layers.Dense(z_dim)(h)
    encoder = keras.Model(x, [z_mean, z_log_var, TwiceLogVarSampling()([z_mean, z_log_var])])
    z_in = keras.Input(shape=(z_dim,))
    h = layers.Reshape((7, 7, 32))(layers.Dense(7 * 7 * 32)(z_in))
    h = layers.LeakyReLU(negative_slope=0.2)(
        layers.Conv2DTranspose(16, 3, strides=2, padding="same")(h)
    )
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, y)
    return encoder, decoder, VAE(encoder, decoder, reconstruction_loss, kl_divergence)
