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

ENTRY_POINT_GROUP = "tp_ae.commands"  # each entry: a dict name -> (module, one-line help)


def commands() -> dict[str, tuple[str, str]]:
    """Every subcommand: this package's own, then those other installed packages register
    under the ``tp_ae.commands`` entry-point group (the grader's, in the course repository)."""
    from importlib.metadata import entry_points

    from tp_ae.commands import COMMANDS

    found = dict(COMMANDS)
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            table = entry.load()
        except ImportError:  # a package registered but not importable: its commands are absent
            continue
        found.update(table)
    return found


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The top-level parser; only the subcommand named in ``argv`` gets its module imported."""
    parser = argparse.ArgumentParser(
        prog="tp-ae",
        description="Autoencoders and VAEs on MNIST: the course lab's helpers and commands.",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    table = commands()
    chosen = next((a for a in argv if a in table), None)
    for name, (module_name, help_text) in table.items():
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
