"""build_conv_vae: (encoder, decoder, vae). The checks are shared (``_vae``): see there for how
the training check differs from the grader's (it uses your own losses)."""

from __future__ import annotations

from tp_ae.selfcheck.checks._vae import MAIN_KEYS, collect, score

__all__ = ["MAIN_KEYS", "collect", "score"]
