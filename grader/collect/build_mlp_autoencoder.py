"""build_mlp_autoencoder(z_dim), child side: the collector the release's self-check runs too,
:mod:`tp_ae.selfcheck.collect.build_mlp_autoencoder` (shared with the other autoencoder)."""

from __future__ import annotations

from tp_ae.selfcheck.collect.build_mlp_autoencoder import collect

__all__ = ["collect"]
