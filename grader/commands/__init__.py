"""The grader's ``tp-ae`` subcommands: ``grade`` and ``check`` (``gradescope-bundle`` too).

Each module defines ``add_arguments(parser)`` and ``run(args) -> int`` and imports no
TensorFlow, ever: student code and Keras run only in the sandboxed child.
"""
