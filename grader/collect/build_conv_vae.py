"""build_conv_vae, child side: the collector the release's self-check runs too,
:mod:`tp_ae.selfcheck.collect.build_conv_vae` (shared with the other VAE builder)."""

from __future__ import annotations

from tp_ae.selfcheck.collect.build_conv_vae import BUILDS, collect

__all__ = ["BUILDS", "collect"]
