"""add_noise(x, sigma, seed), child side: :mod:`tp_ae.selfcheck.collect.add_noise`, the
collector the release's self-check runs too (noisy copies under several seeds and sigmas)."""

from __future__ import annotations

from tp_ae.selfcheck.collect.add_noise import SIGMA_TEST, collect

__all__ = ["SIGMA_TEST", "collect"]
