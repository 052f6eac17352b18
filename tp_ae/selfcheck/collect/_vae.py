"""The VAE builders (``build_vae`` and the bonus ``build_conv_vae``): built with z_dim = 2 and
10, the models and their layer graphs, what the encoder and decoder return, 2,048 draws of z
with the heads' biases shifted (mu ~ +1, lv ~ +2), and the ingredients of the negative ELBO
before and after a short ``vae.fit``.

The negative ELBO itself is computed by whoever judges: the grader's parent from the recorded
ingredients with its own formulas (while the grader's child runs this, the submission's losses
are relays to the trusted reference process: a loss mistake is charged to the loss's question
only); the release's self-check also records the student's own ``vae_loss`` of them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.collect import Recording

IMAGE = (28, 28, 1)
N = 8  # distinct images for the shape checks
REPEATS = 256  # each repeated: 2048 draws of z for the reparameterisation statistics
MU_SHIFT, LV_SHIFT = 1.0, 2.0  # added to the z_mean and z_log_var heads' biases
TRAIN_IMAGES, EVAL_IMAGES, BATCH, EPOCHS = 128, 64, 32, 2
LEARNING_RATE = 3e-3  # Adam; 8 steps then lower the conv VAE's loss clearly too
NAMES = ("encoder", "decoder", "vae")

Builds = tuple[tuple[int, dict], ...]  # (z_dim, keyword arguments) of each build
VaeLoss = Callable[[object, object, object, object], object]  # (x, y, z_mean, z_log_var)


def collect(
    builds: Builds,
    fn: Callable,
    inputs: dict[str, np.ndarray],
    rec: Recording,
    vae_loss: VaeLoss | None = None,
) -> None:
    """Builds (``(z_dim, keyword arguments)`` each), shapes, reparameterisation draws, and a
    short fit; with ``vae_loss`` (the self-check: the student's own), also its value of the
    ingredients before and after (``train.<before|after>.elbo``)."""
    from tp_ae.selfcheck.keras_facts import collect_models, sampler_index

    x = inputs["train"][:N]
    models = {}
    for z_dim, kwargs in builds:
        key = f"z{z_dim}"
        parts = collect_models(rec, key, fn, kwargs, NAMES)
        if parts is None:
            continue
        models[z_dim] = parts
        encoder, decoder, _ = parts
        ok, index = rec.attempt(f"{key}.sampler", lambda e=encoder: sampler_index(e))
        if ok:
            rec.put(f"{key}.sampler", index)
        ok, outputs = rec.attempt(f"{key}.encoded", lambda e=encoder: list(e(x)))
        if ok:
            rec.put(f"{key}.encoded.count", len(outputs))
            for i, output in enumerate(outputs[:3]):
                rec.record_array(f"{key}.encoded.{i}", lambda o=output: o)
        rec.record_array(f"{key}.decoded", lambda d=decoder, k=key: d(inputs[k]))
    if 2 in models:
        _collect_reparameterisation(models[2][0], x, rec)
    if 10 in models:
        _collect_training(models[10], inputs["train"], rec, vae_loss)


def _collect_reparameterisation(encoder, x: np.ndarray, rec: Recording) -> None:
    """Shift the heads' biases (mu ~ +1, lv ~ +2), then draw z for 8 images x 256 repeats."""
    from tp_ae.selfcheck.keras_facts import shift_head_biases

    shifts = ((0, MU_SHIFT), (1, LV_SHIFT))
    ok, shifted = rec.attempt("reparam.shift", lambda: shift_head_biases(encoder, shifts))
    rec.put("reparam.shifted", bool(ok and all(shifted)))
    repeated = np.repeat(x, REPEATS, axis=0)
    ok, outputs = rec.attempt("reparam", lambda: list(encoder(repeated)))
    if ok and len(outputs) >= 3:
        for i, name in enumerate(("mu", "lv", "z")):
            rec.record_array(f"reparam.{name}", lambda o=outputs[i]: o)


def _collect_training(models, train: np.ndarray, rec: Recording, vae_loss) -> None:
    """Neg-ELBO ingredients on 64 images before and after 2 epochs of ``vae.fit`` (8 steps).

    The ingredients come from the student's own encoder and decoder (x -> [z_mean, z_log_var,
    z] -> decoder(z)), never from ``vae(x)``: any model class whose ``fit`` trains them (the given
    VAE, ``add_loss`` in ``call``, ``train_step``, ``compute_loss``) is judged the same way."""
    import keras

    encoder, decoder, vae = models
    x_eval = train[:EVAL_IMAGES]

    def outputs(tag: str) -> None:
        def run() -> dict:
            z_mean, z_log_var, z = list(encoder(x_eval))[:3]
            return {"reconstruction": decoder(z), "z_mean": z_mean, "z_log_var": z_log_var}

        ok, out = rec.attempt(f"train.{tag}", run)
        if not ok:
            return
        for name in ("reconstruction", "z_mean", "z_log_var"):
            rec.record_array(f"train.{tag}.{name}", lambda name=name: out[name])
        if vae_loss is not None:
            rec.record_array(
                f"train.{tag}.elbo",
                lambda: vae_loss(x_eval, out["reconstruction"], out["z_mean"], out["z_log_var"]),
            )

    outputs("before")
    ok, _ = rec.attempt(
        "train.compile",
        lambda: vae.compile(
            optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
            run_eagerly=True,  # 8 small steps: tracing a train function would cost more
        ),
    )
    if not ok:
        return
    ok, history = rec.attempt(
        "train.fit",
        lambda: vae.fit(train, epochs=EPOCHS, batch_size=BATCH, shuffle=False, verbose=0),
    )
    if ok:
        rec.put(
            "train.history",
            {k: [float(v) for v in vals] for k, vals in getattr(history, "history", {}).items()},
        )
    outputs("after")
