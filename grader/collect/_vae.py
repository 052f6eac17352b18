"""Child side of the VAE builders (``build_vae`` and the bonus ``build_conv_vae``):
:mod:`tp_ae.selfcheck.collect._vae`, the collector the release's self-check runs too, and its
constants (read by ``grader.checks._vae`` from here).

While it runs here, the submission's losses are relays to the grader's trusted reference
process (:mod:`grader.collect._relay`): a loss mistake is charged to the loss's question only.
The negative ELBO itself is computed by the parent from the recorded ingredients.
"""

from __future__ import annotations

from tp_ae.selfcheck.collect._vae import *  # noqa: F403 - its constants and collect, as they are
