"""build_conv_autoencoder(z_dim=10): (encoder, decoder, autoencoder), the handout's architecture.

The checks are shared with the other autoencoder (``_autoencoder``); the layers and parameter
counts it is compared with are prepared data (the handout's table).
"""

from __future__ import annotations

from tp_ae.selfcheck.checks._autoencoder import MAIN_KEYS, collect, score

__all__ = ["MAIN_KEYS", "collect", "score"]
