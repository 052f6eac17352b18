"""Gradescope: the autograder.zip Gradescope builds its image from, and the run inside it.

Two jobs, one module each:

- :mod:`grader.gradescope.bundle` (``tp-ae gradescope-bundle``), on the instructor's machine:
  writes the zip from the installed ``tp_ae`` and ``grader`` packages, the course settings, the
  requirements resolved for the image's Python (with hashes) and the two scripts Gradescope runs,
  ``setup.sh`` and ``run_autograder`` (templates in ``templates/``);
- :mod:`grader.gradescope.runner` (``python3 -m grader.gradescope.runner``, called by
  ``run_autograder``), inside Gradescope: grades ``$AUTOGRADER_ROOT/submission`` and writes
  ``$AUTOGRADER_ROOT/results/results.json``, whatever happens.

The names below are shared by both (the scripts and the runner must agree on them).
"""

from __future__ import annotations

from grader.protocol import SANDBOX_USER_ENV as SANDBOX_USER_ENV  # who runs student code

DEFAULT_PYTHON = "3.10"  # python3 of Gradescope's default base image, Ubuntu 22.04
VENV = "/opt/tp-ae-venv"  # where setup.sh installs; run_autograder puts its bin/ first on PATH
VENV_ENV = "TP_AE_VENV"  # overrides VENV in both scripts (a trial run outside Gradescope)
PYTHON = "/usr/bin/python3"  # the image's python3, that setup.sh makes the venv with
PYTHON_ENV = "TP_AE_PYTHON"  # overrides PYTHON in setup.sh
SANDBOX_USER = "student"  # unprivileged user setup.sh creates to run student code
DEFAULT_ROOT = "/autograder"  # Gradescope's $AUTOGRADER_ROOT
