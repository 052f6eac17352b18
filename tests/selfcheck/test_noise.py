"""tp_ae/selfcheck/noise.py: the clipping of add_noise's output on black and white images, for
the grader and the self-check alike (each passes its own hints)."""

from __future__ import annotations

import numpy as np
import pytest

from tp_ae.selfcheck.noise import clipping

SHAPE = (64, 28, 28, 1)


class _Record:
    """What add_noise returned on the black and the white batch (None: nothing came back)."""

    def __init__(self, make):
        self.values = {
            key: make(np.full(SHAPE, value)) for key, value in (("black", 0.0), ("white", 1.0))
        }

    def array(self, key):
        return self.values[key]


@pytest.mark.parametrize(
    ("noisy", "fraction", "hint"),
    [
        (lambda x, n: np.clip(x + n, 0, 1), 1.0, None),
        (lambda x, n: x + n, 0.0, "clip"),  # outside [0, 1] on both images
        (lambda x, n: np.clip(x + 0.5 + n, 0.1, 0.9), 0.5, "only"),
        (lambda x, n: None, 0.0, None),
    ],
    ids=["clipped", "unclipped", "inside_not_clipped", "nothing"],
)
def test_clipping_scores_each_image_and_gives_the_passed_hints(rng, noisy, fraction, hint):
    """Full marks for np.clip(x + noise, 0, 1); none for unclipped values (the clip hint); half
    for values inside [0, 1] that were not clipped (the other hint); none when nothing came back
    (the caller's message)?"""
    noise = rng.normal(0.0, 20 / 255, SHAPE)
    record = _Record(lambda x: noisy(x, noise))
    got, messages, hints = clipping(record, lambda key: f"{key}: nothing", "clip", lambda: "only")
    assert got == pytest.approx(fraction)
    assert hints == ([hint] if hint else [])
    if fraction < 1:
        assert messages
    if noisy(np.zeros(1), np.zeros(1)) is None:
        assert messages == ["black: nothing", "white: nothing"]
