"""``tp-ae make-exercises [--check]``: generate exercises/ and solutions/ from the reference.

No TensorFlow here: the reference modules are read as text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.exercises.assemble import HANDOUT
from tp_ae.exercises.key import KEY_FILE, RECORD_FILE, TEMPLATE_DISPLAY
from tp_ae.exercises.output import generate, stale_files, write_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout holding tp_ae/
KEY_STALE = f"the answer key is not what {TEMPLATE_DISPLAY} gives with {RECORD_FILE}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the generated files that are stale or missing",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=PROJECT_ROOT,
        help=f"project checkout holding {HANDOUT}, exercises/ and solutions/ "
        "(default: the one this tp_ae comes from)",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="folder of the reference modules autoencoders.py, losses.py, vae.py "
        "(default: ROOT/tp_ae)",
    )


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    reference = args.reference if args.reference is not None else root / "tp_ae"
    if not (root / HANDOUT).is_file():
        raise TpAeError(
            f"{root}: no {HANDOUT} here; run make-exercises in the project checkout or pass "
            "--root CHECKOUT"
        )
    files = generate(root, reference)
    if args.check:
        stale = stale_files(root, files)
        if not stale:
            print(f"make-exercises: the {len(files)} generated files are up to date")
            return 0
        named = [f"{p} ({KEY_STALE})" if p == KEY_FILE else p for p in stale]
        print(
            f"make-exercises: {len(stale)} generated file(s) stale or missing: "
            f"{', '.join(named)}; run `tp-ae make-exercises` and commit them",
            file=sys.stderr,
        )
        return 1
    changed = write_files(root, files)
    for path in files:
        print(f"{'wrote    ' if path in changed else 'unchanged'} {path}")
    return 0
