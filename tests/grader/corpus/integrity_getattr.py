# part: part2_vae
# breaks: sample_images
# status: integrity
"""Fetches the reference with getattr on sys.modules, the name built at run time."""
import sys


def sample_images(decoder, n_images, z_dim=10, seed=None):
    reference = getattr(sys.modules["tp_ae.vae"], "_".join(["sample", "images"]))
    return reference(decoder, n_images, z_dim=z_dim, seed=seed)
