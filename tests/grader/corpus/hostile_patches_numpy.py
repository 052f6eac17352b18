# part: part2_vae
# breaks: kl_divergence
# runs: vae_loss, build_vae
"""Patches NumPy: at top level (never runs: only definitions are loaded) and inside
kl_divergence (runs, but only in kl_divergence's own worker; scores are computed elsewhere)."""

np.allclose = lambda *args, **kwargs: True
np.asarray = None


def kl_divergence(z_mean, z_log_var):
    np.allclose = lambda *args, **kwargs: True
    np.isclose = lambda *args, **kwargs: True
    np.testing.assert_allclose = lambda *args, **kwargs: None
    np.mean = lambda *args, **kwargs: 0.0
    return ops.zeros((ops.shape(z_mean)[0],))
