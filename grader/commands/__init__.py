"""The grader's ``tp-ae`` subcommands, registered with ``tp_ae.cli`` through the
``tp_ae.commands`` entry-point group (see pyproject.toml): name -> (module, one-line help).

Each module defines ``add_arguments(parser)`` and ``run(args) -> int`` and imports no
TensorFlow, ever: student code and Keras run only in the sandboxed child.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("grader.commands.check", "self-check a submission and print its feedback"),
    "grade": ("grader.commands.grade", "grade submissions: gradebook.csv, results.json, feedback"),
    "release": (
        "grader.commands.release",
        "build the student release: DIR/ (pip install DIR) and DIR.zip, with no answer inside",
    ),
    "gradescope-bundle": (
        "grader.commands.gradescope_bundle",
        "write the autograder.zip that Gradescope expects",
    ),
}
