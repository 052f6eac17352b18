"""build_conv_autoencoder(z_dim): shared with the other autoencoder (:mod:`._autoencoder`)."""

from __future__ import annotations

from tp_ae.selfcheck.collect._autoencoder import collect

__all__ = ["collect"]
