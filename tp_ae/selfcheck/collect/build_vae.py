"""build_vae(z_dim, hidden_dim): shared with build_conv_vae (:mod:`._vae`)."""

from __future__ import annotations

from functools import partial

from tp_ae.selfcheck.collect import _vae

BUILDS: _vae.Builds = ((2, {"z_dim": 2, "hidden_dim": 64}), (10, {"z_dim": 10}))

# collect(fn, inputs, rec, vae_loss=None): the shared VAE collector on these builds
collect = partial(_vae.collect, BUILDS)
