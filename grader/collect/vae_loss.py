"""vae_loss(x, y, z_mean, z_log_var, beta=1.0), child side: the collector the release's
self-check runs too, :mod:`tp_ae.selfcheck.collect.vae_loss` (eagerly, compiled, then with beta).

The submission's ``reconstruction_loss`` and ``kl_divergence`` are relays to the grader's
trusted reference process meanwhile (:mod:`grader.collect._relay`)."""

from __future__ import annotations

from tp_ae.selfcheck.collect.vae_loss import BETAS, CASES, beta_key, collect

__all__ = ["BETAS", "CASES", "beta_key", "collect"]
