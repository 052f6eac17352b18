"""Keras helpers of the collectors that are not yet shared with the release's self-check
(``vae_loss``'s): the shared ones live in :mod:`tp_ae.selfcheck.collect` and
:mod:`tp_ae.selfcheck.keras_facts`."""

from __future__ import annotations

from tp_ae.selfcheck.collect._losses import run_compiled

__all__ = ["run_compiled"]
