"""Child side of the VAE builders (``build_vae`` and the bonus ``build_conv_vae``):
:mod:`tp_ae.selfcheck.collect._vae`, the collector the release's self-check runs too.

While it runs here, the submission's losses are relays to the grader's trusted reference
process (:mod:`grader.collect._relay`): a loss mistake is charged to the loss's question only.
The negative ELBO itself is computed by the parent from the recorded ingredients.
"""

from __future__ import annotations

from tp_ae.selfcheck.collect._vae import (
    BATCH,
    EPOCHS,
    EVAL_IMAGES,
    IMAGE,
    LEARNING_RATE,
    LV_SHIFT,
    MU_SHIFT,
    REPEATS,
    TRAIN_IMAGES,
    Builds,
    N,
    collect,
)

__all__ = [
    "BATCH",
    "EPOCHS",
    "EVAL_IMAGES",
    "IMAGE",
    "LEARNING_RATE",
    "LV_SHIFT",
    "MU_SHIFT",
    "REPEATS",
    "TRAIN_IMAGES",
    "Builds",
    "N",
    "collect",
]
