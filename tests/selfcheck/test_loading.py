"""tp_ae/selfcheck/loading.py: reading a submission as the release's self-check does."""

from __future__ import annotations

import pytest

from tp_ae.selfcheck.loading import Chunk, SourceFile, reference_import

OWN_KL = "def kl_divergence(z_mean, z_log_var):\n    return 0.5 * z_mean\n"


def part2(*cells: str) -> SourceFile:
    """A part 2 notebook whose code cells are ``cells``."""
    chunks = tuple(Chunk(f"part2_vae.ipynb, cell {i}", c) for i, c in enumerate(cells, 1))
    return SourceFile("part2_vae", "part2_vae.ipynb", chunks)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ((OWN_KL, "from tp_ae.losses import kl_divergence\n"), "tp_ae.losses"),
        ((OWN_KL, "from tp_ae.losses import *\n"), "tp_ae.losses"),
        (("from tp_ae.losses import vae_loss as kl_divergence\n",), "tp_ae.losses"),
        (("from tp_ae.losses import kl_divergence\n", OWN_KL), None),
        ((OWN_KL, "from tp_ae.losses import vae_loss\n"), None),
        ((OWN_KL, "from tp_ae.vae import *\n"), None),  # the KL's reference is tp_ae.losses
        (("from tp_ae.layers import Sampling\n", OWN_KL), None),
        (("def broken(:\n", OWN_KL), None),
    ],
    ids=["import_after_own", "star", "renamed", "own_after_import", "other_name",
         "other_module_star", "given_helper", "unparsable_cell"],
)  # fmt: skip
def test_reference_import_is_the_last_binding_of_the_name(cells, expected):
    """Is kl_divergence reported as the reference's exactly when an import from the reference
    module binds the name last (the grader then grades the reference and gives 0)?"""
    assert reference_import(part2(*cells), "kl_divergence") == expected
