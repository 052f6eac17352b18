"""The checks of ``build_vae``, one pytest test each: the VAE builders' shared checks
(``grader.checks._vae_checks``), bound here so that pytest collects them under this question,
with the handout's exact layers and parameter counts as the architecture check.

``spec`` gives the builds the child made, (z_dim=2, hidden_dim=64) and z_dim=10.
"""

from __future__ import annotations

import pytest

from grader.checks import _vae_checks as shared
from grader.checks._vae import VaeSpec
from grader.checks.build_vae import SPEC

pytestmark = pytest.mark.question("build_vae")

# build_vae's checks, in the order the student reads them
test_returns_three_models = shared.test_returns_three_models
test_encoder_gives_three_codes_per_image = shared.test_encoder_gives_three_codes_per_image
test_decoder_gives_images_in_0_1 = shared.test_decoder_gives_images_in_0_1
test_z_is_reparameterised = shared.test_z_is_reparameterised
test_layers_and_parameter_counts = shared.test_layers_and_parameter_counts
test_fit_lowers_the_negative_elbo = shared.test_fit_lowers_the_negative_elbo


@pytest.fixture
def spec() -> VaeSpec:
    """The MLP VAE's builds: (z_dim=2, hidden_dim=64) and z_dim=10."""
    return SPEC
