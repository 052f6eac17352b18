"""``python -m tp_ae.selfcheck PATH...``: the same as ``tp-ae check PATH...``."""

from __future__ import annotations

import argparse
import sys

from tp_ae.selfcheck.command import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tp_ae.selfcheck", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
