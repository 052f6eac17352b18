# part: part1_autoencoders
# breaks: build_mlp_autoencoder
# hint: do not call sys.exit()
"""Calls sys.exit(0) inside the graded function."""
import sys


def build_mlp_autoencoder(z_dim=10):
    sys.exit(0)
