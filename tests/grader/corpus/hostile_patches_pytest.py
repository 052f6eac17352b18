# part: part2_vae
# breaks: reconstruction_loss
"""Patches pytest (not used by the grader) and returns zeros."""


def reconstruction_loss(x, y):
    import pytest

    pytest.approx = lambda *args, **kwargs: args[0]
    return ops.zeros((ops.shape(x)[0],))
