"""Measures of the noise a student's ``add_noise`` added, shared by the release's self-check
and the grader's checks (plain NumPy on what the student's function returned; the hints are
each side's own, passed in)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tp_ae.selfcheck.judge import Record

BOUNDS = (("black", 0.0), ("white", 1.0))  # the recorded key of each image and its value


def clipping(
    record: Record, missing: Callable[[str], str], clip_hint: str, clip_only_hint: Callable[[], str]
) -> tuple[float, list[str], list[str]]:
    """(fraction, messages, hints) of the clipping of the noisy black and white images: per
    image, half for values inside [0, 1], half for about 50% of pixels at the image's own value
    (half the noise clipped). ``missing(key)``: the message when nothing came back;
    ``clip_only_hint()``: the hint when the values are inside but not clipped ("" for none)."""
    parts, messages, hints = [], [], []
    for key, bound in BOUNDS:
        got = record.array(key)
        if got is None:
            parts.append(0.0)
            messages.append(missing(key))
            continue
        got = np.float64(got)
        low, high = float(got.min()), float(got.max())
        at_bound = float(np.mean(got == bound))
        inside = low >= 0.0 and high <= 1.0
        clipped = abs(at_bound - 0.5) < 0.05
        parts.append((inside + clipped) / 2)
        if not inside:
            messages.append(f"{key} image: got values in [{low:.3g}, {high:.3g}], expected [0, 1]")
            hints.append(clip_hint)
        elif not clipped:
            messages.append(
                f"{key} image: {at_bound:.0%} of pixels at {bound:g}, expected about 50% "
                "(half the noise is clipped)"
            )
            hints.extend(h for h in [clip_only_hint()] if h)
    return float(np.mean(parts)), messages, list(dict.fromkeys(hints))
