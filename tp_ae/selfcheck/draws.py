"""Is a set of draws standard normal? Shared by the release's self-check and the grader's
checks of the VAE's sampler (plain NumPy statistics of what the student's code drew)."""

from __future__ import annotations

import numpy as np


def is_standard(eps: np.ndarray) -> bool:
    """Mean about 0 and sd about 1, over the finite draws (4,096 draws: se 0.016 and 0.011)."""
    eps = eps[np.isfinite(eps)]
    return eps.size > 100 and abs(eps.mean()) < 0.1 and abs(eps.std() - 1) < 0.1


def excess_kurtosis(eps: np.ndarray) -> float:
    """0 for a Gaussian, -1.2 for a uniform (4,096 draws: se 0.08); nan on too few draws."""
    eps = eps[np.isfinite(eps)]
    if eps.size < 100 or eps.std() == 0:
        return float("nan")
    centred = (eps - eps.mean()) / eps.std()
    return float(np.mean(centred**4)) - 3
