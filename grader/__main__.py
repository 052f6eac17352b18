"""``python -m grader PATH... --out DIR``: the same as ``tp-ae grade PATH... --out DIR``."""

from __future__ import annotations

import sys

from tp_ae.cli import main as tp_ae_main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    front = ["--debug"] if "--debug" in argv else []
    return tp_ae_main([*front, "grade", *(a for a in argv if a != "--debug")])


if __name__ == "__main__":
    sys.exit(main())
