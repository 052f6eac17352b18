"""Child side of the VAE builders (``build_vae`` and the bonus ``build_conv_vae``).

Built with z_dim = 2 and 10: the models, what the encoder and decoder return, 2,048 draws of z
with the heads' biases shifted (mu ~ +1, lv ~ +2), and the ingredients of the negative ELBO
before and after a short ``vae.fit``. While this runs, the submission's losses are relays to
the grader's trusted reference process (:mod:`grader.collect._relay`): a loss mistake is
charged to the loss's question only. The negative ELBO itself is computed by the parent.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.probe import Probe

IMAGE = (28, 28, 1)
N = 8  # distinct images for the shape checks
REPEATS = 256  # each repeated: 2048 draws of z for the reparameterisation statistics
MU_SHIFT, LV_SHIFT = 1.0, 2.0  # added to the z_mean and z_log_var heads' biases
TRAIN_IMAGES, EVAL_IMAGES, BATCH, EPOCHS = 128, 64, 32, 2
LEARNING_RATE = 3e-3  # Adam; 8 steps then lower the conv VAE's loss clearly too

Builds = tuple[tuple[int, dict], ...]  # (z_dim, keyword arguments) of each build


def collect(builds: Builds, fn: Callable, inputs: dict[str, np.ndarray], probe: Probe) -> None:
    """Builds (``(z_dim, keyword arguments)`` each), shapes, reparameterisation draws, and a
    short fit (the losses it trains with are relays to the trusted reference process)."""
    import keras

    from tp_ae.selfcheck.keras_facts import collect_models, sampler_index

    x = inputs["train"][:N]
    models = {}
    for z_dim, kwargs in builds:
        key = f"z{z_dim}"
        parts = collect_models(probe, key, fn, kwargs, ("encoder", "decoder", "vae"))
        if parts is None:
            continue
        models[z_dim] = parts
        encoder, decoder, _ = parts
        ok, index = probe.attempt(f"{key}.sampler", lambda e=encoder: sampler_index(e))
        if ok:
            probe.put(f"{key}.sampler", index)
        ok, outputs = probe.attempt(f"{key}.encoded", lambda e=encoder: list(e(x)))
        if ok:
            probe.put(f"{key}.encoded.count", len(outputs))
            for i, output in enumerate(outputs[:3]):
                probe.array(f"{key}.encoded.{i}", lambda o=output: o)
        probe.array(f"{key}.decoded", lambda d=decoder, k=key: d(inputs[k]))
    if 2 in models:
        _collect_reparameterisation(models[2][0], x, probe)
    if 10 in models:
        _collect_training(models[10], inputs["train"], probe, keras)


def _collect_reparameterisation(encoder, x, probe) -> None:
    """Shift the heads' biases (mu ~ +1, lv ~ +2), then draw z for 8 images x 256 repeats."""
    from tp_ae.selfcheck.keras_facts import shift_head_biases

    shifts = ((0, MU_SHIFT), (1, LV_SHIFT))
    ok, shifted = probe.attempt("reparam.shift", lambda: shift_head_biases(encoder, shifts))
    probe.put("reparam.shifted", bool(ok and all(shifted)))
    repeated = np.repeat(x, REPEATS, axis=0)
    ok, outputs = probe.attempt("reparam", lambda: list(encoder(repeated)))
    if ok and len(outputs) >= 3:
        for i, name in enumerate(("mu", "lv", "z")):
            probe.array(f"reparam.{name}", lambda o=outputs[i]: o)


def _collect_training(models, train, probe, keras) -> None:
    """Neg-ELBO ingredients on 64 images before and after 2 epochs of ``vae.fit`` (8 steps).

    The ingredients come from the student's own encoder and decoder (x -> [z_mean, z_log_var,
    z] -> decoder(z)), never from ``vae(x)``: any model class whose ``fit`` trains them (the given
    VAE, ``add_loss`` in ``call``, ``train_step``, ``compute_loss``) is judged the same way."""
    encoder, decoder, vae = models
    x_eval = train[:EVAL_IMAGES]

    def outputs(tag: str) -> None:
        def run() -> dict:
            z_mean, z_log_var, z = list(encoder(x_eval))[:3]
            return {"reconstruction": decoder(z), "z_mean": z_mean, "z_log_var": z_log_var}

        ok, out = probe.attempt(f"train.{tag}", run)
        if not ok:
            return
        for name in ("reconstruction", "z_mean", "z_log_var"):
            probe.array(f"train.{tag}.{name}", lambda name=name: out[name])

    outputs("before")
    ok, _ = probe.attempt(
        "train.compile",
        lambda: vae.compile(
            optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
            run_eagerly=True,  # 8 small steps: tracing a train function would cost more
        ),
    )
    if not ok:
        return
    ok, history = probe.attempt(
        "train.fit",
        lambda: vae.fit(train, epochs=EPOCHS, batch_size=BATCH, shuffle=False, verbose=0),
    )
    if ok:
        probe.put(
            "train.history",
            {k: [float(v) for v in vals] for k, vals in getattr(history, "history", {}).items()},
        )
    outputs("after")
