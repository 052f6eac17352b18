"""Child side of the two autoencoder builders (MLP and convolutional):
:mod:`tp_ae.selfcheck.collect._autoencoder`, the collector the release's self-check runs too."""

from __future__ import annotations

from tp_ae.selfcheck.collect._autoencoder import IMAGE, Z_DIMS, N, collect

__all__ = ["IMAGE", "Z_DIMS", "N", "collect"]
