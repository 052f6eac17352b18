"""reconstruction_loss, child side (the function on every case, then compiled): the collector
the release's self-check runs too, :mod:`tp_ae.selfcheck.collect.reconstruction_loss`."""

from __future__ import annotations

from tp_ae.selfcheck.collect.reconstruction_loss import CASES, collect

__all__ = ["CASES", "collect"]
