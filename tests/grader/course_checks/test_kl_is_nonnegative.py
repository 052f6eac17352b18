"""An example of a course's own check (``tp-ae grade --checks DIR``): a new gradebook column
worth 1 point, graded from what the grader observed of ``kl_divergence``."""

import numpy as np
import pytest

pytestmark = pytest.mark.question("kl_is_nonnegative", points=1, uses="kl_divergence")


@pytest.mark.hint("a KL divergence is never negative: check the signs of your terms")
def test_kl_is_never_negative(answer):
    """KL >= 0 on the random inputs"""
    got = answer.array("random")
    assert got is not None and np.all(np.asarray(got) >= 0), f"got {got}, expected values >= 0"
