"""Is a set of draws standard normal, and which sampler slip do they show? Shared by the
release's self-check and the grader's checks of the VAE's sampler (plain NumPy statistics of
what the student's code drew; the hints are each side's own, looked up by the slip's key)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tp_ae.selfcheck.judge import Record


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


def is_gaussian(eps: np.ndarray) -> bool:
    """Draws of N(0, 1): mean 0 and sd 1, and a Gaussian's tails (excess kurtosis near 0)."""
    return bool(is_standard(eps) and abs(excess_kurtosis(eps)) < 0.5)


def is_uniform(eps: np.ndarray) -> bool:
    """Draws shaped like a uniform: excess kurtosis near -1.2, far from a Gaussian's 0."""
    return abs(excess_kurtosis(eps) + 1.2) < 0.4


def sampler_draws(record: Record) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(z_mean, z_log_var, z) recorded under ``reparam.mu/lv/z`` (the draws of the sampler,
    each (draws, z_dim)), float64; None when the encoder gave no three outputs of one shape."""
    mu, lv, z = (record.array(f"reparam.{k}") for k in ("mu", "lv", "z"))
    if mu is None or lv is None or z is None or not (mu.shape == lv.shape == z.shape):
        return None
    return np.float64(mu), np.float64(lv), np.float64(z)


@dataclass(frozen=True)
class SamplerFinding:
    """What draws that do not follow the sampler show: the message the student reads, the key
    of the known slip they match ("" when none does) and the measured sd of z - z_mean."""

    message: str
    slip: str
    sd: float

    def hint(self, hint_of: Callable[[str], str]) -> str:
        """The slip's hint, its ``{sd}`` filled with the measured sd; "" with no slip."""
        return hint_of(self.slip).format(sd=f"{self.sd:.3g}") if self.slip else ""


def sampler_finding(
    mu: np.ndarray, lv: np.ndarray, z: np.ndarray, shifted: bool
) -> SamplerFinding | None:
    """None when (z - mu) / exp(0.5 lv) is standard normal over the draws (each (draws,
    z_dim), float64); else what they show. ``shifted``: whether the heads' biases were shifted
    (said in the message when not)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        eps = (z - mu) / np.exp(0.5 * lv)
        if is_gaussian(eps):
            return None
        sd, want = float(np.std(z - mu)), float(np.median(np.exp(0.5 * lv)))
        message = (
            f"(z - z_mean) / exp(0.5 z_log_var) has mean {eps.mean():.3g} and sd "
            f"{eps.std():.3g}, expected 0 and 1; sd of z - z_mean: got {sd:.3g}, expected "
            f"about {want:.3g}"
        )
        # which slip the draws show: each z rescaled by the slip's own sd is standard
        spread = float(np.nanmax(np.std(eps, axis=0))) if len(eps) > 1 else float("nan")
        slip = ""
        if sd < 1e-6:
            slip = "not_sampled"
        elif spread < 1e-3:
            message += (
                f"; every draw has the same eps (its sd over the {len(eps)} draws: {spread:.2g})"
            )
            slip = "one_eps"
        else:
            slips = (
                ("variance_used", lambda: is_standard((z - mu) / np.exp(lv))),
                ("exp2_used", lambda: is_standard((z - mu) / np.exp(2 * lv))),
                ("logvar_as_variance", lambda: is_standard((z - mu) / np.sqrt(np.abs(lv)))),
                ("swapped", lambda: is_standard((z - lv) / np.exp(0.5 * mu))),
                ("uniform_eps", lambda: is_uniform(eps)),
            )
            slip = next((key for key, found in slips if found()), "")
    if not shifted:
        message += " (could not shift the heads' biases; tested on the raw encoder)"
    return SamplerFinding(message, slip, sd)
