# part: part2_vae
# breaks: kl_divergence
# status: exited
# runs: build_vae
"""Kills the process that forked it (the grader's child): that child is started again for the
questions left, and only kl_divergence loses its points."""
import os
import signal


def kl_divergence(z_mean, z_log_var):
    os.kill(os.getppid(), signal.SIGKILL)
    return ops.zeros((ops.shape(z_mean)[0],))
