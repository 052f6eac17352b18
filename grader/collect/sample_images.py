"""sample_images(decoder, n_images, z_dim, seed), child side:
:mod:`tp_ae.selfcheck.collect.sample_images`, the collector the release's self-check runs too
(calls on probe decoders, which carry sigmoid(z) in their images' first z_dim pixels)."""

from __future__ import annotations

from tp_ae.selfcheck.collect.sample_images import KEPT_PIXELS, N_IMAGES, Z_DIM, collect

__all__ = ["KEPT_PIXELS", "N_IMAGES", "Z_DIM", "collect"]
