"""kl_divergence, child side (the function on every case, then compiled): the collector
the release's self-check runs too, :mod:`tp_ae.selfcheck.collect.kl_divergence`."""

from __future__ import annotations

from tp_ae.selfcheck.collect.kl_divergence import CASES, collect

__all__ = ["CASES", "collect"]
