# part: part1_autoencoders
# breaks: build_conv_autoencoder
# status: exited
"""Ends the process with os._exit(0): no results come back for this question only."""
import os


def build_conv_autoencoder(z_dim=10):
    os._exit(0)
