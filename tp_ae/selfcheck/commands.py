"""The release's ``tp-ae`` commands, registered under the ``tp_ae.commands`` entry-point group
by the release's pyproject.toml (``tp-ae release`` writes it): name -> (module, one-line help)."""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("tp_ae.selfcheck.command", "check your answers: what the grader checks, with hints"),
    "train-mine": (
        "tp_ae.selfcheck.train_command",
        "train the models of your part1_autoencoders or part2_vae and save the figures",
    ),
    "data": ("tp_ae.data_command", "load MNIST and print where it came from, sizes, label counts"),
}
