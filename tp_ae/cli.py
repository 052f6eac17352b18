"""The ``tp-ae`` command. Subcommands live in their own modules and are imported only when used,
so ``tp-ae --help`` never imports TensorFlow.

A subcommand module defines ``add_arguments(parser)`` and ``run(args) -> int`` (exit status) and
imports TensorFlow, if at all, inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# name -> (module, one-line help). Order is the order of ``tp-ae --help``.
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("tp_ae.data_command", "load MNIST and print where it came from, sizes, label counts"),
    "train": ("tp_ae.train", "train a model of the TP and write models, metrics and figures"),
    "bench": ("tp_ae.bench", "time-to-quality benchmark: reference training vs plain model.fit"),
    "make-exercises": (
        "tp_ae.exercises",
        "generate exercises/ and solutions/ from the reference (--check: fail if stale)",
    ),
    "check": ("grader.commands.check", "self-check a submission and print its feedback"),
    "grade": ("grader.commands.grade", "grade submissions: gradebook.csv, results.json, feedback"),
    "gradescope-bundle": (
        "grader.commands.gradescope_bundle",
        "write the autograder.zip that Gradescope expects",
    ),
}


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The top-level parser; only the subcommand named in ``argv`` gets its module imported."""
    parser = argparse.ArgumentParser(
        prog="tp-ae",
        description="Autoencoders and VAEs on MNIST: a course lab, its exercises and its grader.",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((a for a in argv if a in COMMANDS), None)
    for name, (module_name, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = _import_command(module_name)
            module.add_arguments(cmd)
            cmd.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``tp-ae``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("tp-ae: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # one line for users; the traceback with --debug
        if debug:
            raise
        from tp_ae.errors import TpAeError

        if isinstance(err, TpAeError):
            print(f"tp-ae: error: {err}", file=sys.stderr)
        else:
            first = str(err).splitlines()[0] if str(err) else ""
            print(
                f"tp-ae: internal error: {type(err).__name__}: {first} "
                "(rerun with --debug for the traceback)",
                file=sys.stderr,
            )
        return 1


def entry() -> None:
    """The console script: ``main``, then a fast exit once TensorFlow has been imported.

    Tearing TensorFlow down at interpreter exit costs about a second and saves nothing: by then
    every file is written and closed, so the process flushes its streams and leaves at once.
    """
    status = main()
    if "tensorflow" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def _import_command(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            from tp_ae.errors import TpAeError

            raise TpAeError(f"this command is not available in this install ({err.name})") from None
        raise


def _version() -> str:
    from tp_ae import __version__

    return f"tp-ae {__version__}"


if __name__ == "__main__":
    entry()
